"""Reductions: ``sum``, ``mean`` and the engine's ``sum_to_size``.

``dim`` may be None (all dimensions), an int, a negative int or a tuple; ``keepdim`` keeps
reduced dimensions with size 1. Backward expands the gradient back over reduced dimensions.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.function import Primitive
from ._util import Tensor, as_tensor_arg, norm_dims

__all__ = ["sum", "mean", "sum_to_size"]


def expand_back(grad: Tensor, in_shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Undo a reduction's shape change: reinsert reduced dims and broadcast to ``in_shape``."""
    if not keepdim and dims:
        kept = list(in_shape)
        for d in dims:
            kept[d] = 1
        grad = grad.reshape(kept)
    return grad.expand(in_shape)


def _sum_dtype(a, dtype):
    if dtype is not None:
        return _dt.to_dtype(dtype).np
    return np.dtype(np.int64) if a.dtype.kind in "iub" else a.dtype


class Sum(Primitive):
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype):
        ctx.in_shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        if len(dims) == a.ndim and not keepdim:
            ctx.node_name = "SumBackward0"
        return np.sum(a, axis=dims, keepdims=keepdim, dtype=_sum_dtype(a, dtype))

    @staticmethod
    def backward(ctx, grad):
        return expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim)


class Mean(Primitive):
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype):
        dt = _dt.to_dtype(dtype).np if dtype is not None else a.dtype
        if dt.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be "
                               f"either a floating point or complex dtype. Got: {a.dtype}")
        ctx.in_shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.count = int(np.prod([a.shape[d] for d in dims]))
        if len(dims) == a.ndim and not keepdim:
            ctx.node_name = "MeanBackward0"
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.mean(a, axis=dims, keepdims=keepdim, dtype=dt)

    @staticmethod
    def backward(ctx, grad):
        return expand_back(grad / ctx.count, ctx.in_shape, ctx.dims, ctx.keepdim)


def sum(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (all dims when None). Integers and bools sum to int64.

    >>> npgrad.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
    tensor([4., 6.])
    """
    input = as_tensor_arg(input, "sum")
    return Sum.apply(input, dims=norm_dims(dim, input.ndim, "sum"), keepdim=keepdim,
                     dtype=dtype)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean over ``dim`` (all dims when None); floating inputs only, as in PyTorch."""
    input = as_tensor_arg(input, "mean")
    return Mean.apply(input, dims=norm_dims(dim, input.ndim, "mean"), keepdim=keepdim,
                      dtype=dtype)


class SumToSize(Primitive):
    """Sum a broadcast gradient down to a shape; the adjoint of ``expand``."""

    node_name = "SumToSizeBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        lead = a.ndim - len(shape)
        if lead < 0 or any(s != 1 and s != a.shape[lead + i] for i, s in enumerate(shape)):
            raise RuntimeError(f"sum_to_size: size {list(shape)} is not expandable to size "
                               f"{list(a.shape)}")
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                          if s == 1 and a.shape[lead + i] != 1)
        out = np.sum(a, axis=axes, keepdims=True) if axes else a
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.in_shape)


def sum_to_size(input, *size) -> Tensor:
    """Sum ``input`` down to ``size``, which must broadcast to ``input``'s shape."""
    from ._util import size_args
    size = size_args(size, "sum_to_size")
    if tuple(input.shape) == size:
        return input
    return SumToSize.apply(input, shape=size)
