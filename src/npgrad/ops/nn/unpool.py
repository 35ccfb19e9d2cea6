"""Max unpooling (``max_unpool1d/2d/3d``): the partial inverse of max pooling. Each value goes
back to the flat position its ``indices`` name in its (N, C) plane of the output, and every
other output is zero.

A composite: a scatter into zeros, whose gradient is a gather at the same positions.
"""
from __future__ import annotations

from math import prod

import numpy as np

from ...dtypes import scalar_type_name
from .._arguments import Tensor, as_tensor_arg
from .activation import float_kernel_input
from ..creation.factories import zeros
from ..indexing.scatter import scatter
from .conv import ntuple

__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]


def _default_size(n: int, input: Tensor, kernel, stride, padding) -> tuple:
    return tuple((input.shape[-n + d] - 1) * stride[d] - 2 * padding[d] + kernel[d]
                 for d in range(n))


def _output_size(op: str, n: int, input: Tensor, kernel, stride, padding, output_size):
    """The output's spatial size: the default one, or ``output_size`` (its last ``n`` entries
    may also come with the leading dims) if it is within a stride of the default."""
    default = _default_size(n, input, kernel, stride, padding)
    if output_size is None:
        return default
    size = tuple(int(s) for s in output_size)
    if len(size) == n + 2:
        size = size[2:]
    if len(size) != n:
        raise ValueError(f"{op}: output_size should be a sequence containing {n} or {n + 2} "
                         f"elements, but it has a length of '{len(size)}'")
    for d in range(n):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < size[d] < hi:
            raise ValueError(f'{op}: invalid output_size "{list(size)}" (dim {d} must be '
                             f"between {lo} and {hi})")
    return size


def _max_unpoolnd(n: int, op: str, input, indices, kernel_size, stride, padding, output_size):
    input = float_kernel_input(input, op, "max_unpool3d" if n == 3 else "max_unpool2d")
    indices = as_tensor_arg(indices, op)
    if indices._data.dtype != np.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{scalar_type_name(indices._data.dtype)} ({op})")
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{op}: Expected {n + 1}D or {n + 2}D (batch mode) tensor for input, "
                           f"but got {list(input.shape)}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{op}: Expected shape of indices to be same as that of the input "
                           f"tensor ({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    kernel = ntuple(kernel_size, n, "kernel_size", op)
    stride = ntuple(stride if stride is not None else kernel_size, n, "stride", op)
    padding = ntuple(padding, n, "padding", op)
    out_sp = _output_size(op, n, input, kernel, stride, padding, output_size)
    lead = tuple(input.shape[:-n])
    flat = prod(out_sp)
    idx = indices.reshape(*lead, -1)
    bad = (idx._data < 0) | (idx._data >= flat)
    if bad.any():
        raise RuntimeError(f"{op}: Found an invalid max index: {int(idx._data[bad][0])} (output "
                           f"volumes are of size {'x'.join(map(str, out_sp))})")
    out = scatter(zeros(*lead, flat, dtype=input.dtype, device=input.device), -1, idx,
                  input.reshape(*lead, -1))
    return out.reshape(*lead, *out_sp)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Inverse of ``max_pool1d``: values back at their ``indices``, zeros elsewhere."""
    return _max_unpoolnd(1, "max_unpool1d", input, indices, kernel_size, stride, padding,
                         output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Inverse of ``max_pool2d``: values back at their flat ``indices`` (h * W + w)."""
    return _max_unpoolnd(2, "max_unpool2d", input, indices, kernel_size, stride, padding,
                         output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Inverse of ``max_pool3d``."""
    return _max_unpoolnd(3, "max_unpool3d", input, indices, kernel_size, stride, padding,
                         output_size)
