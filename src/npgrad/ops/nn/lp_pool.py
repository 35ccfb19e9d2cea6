"""Power-average pooling (``lp_pool1d/2d/3d``): ``(sum over the window of x^p) ^ (1/p)``.

A composite of average pooling: the window sum is the window mean times the window size. As
in PyTorch, the sum passes through ``sign(s) * relu(|s|)`` before the root (the same values;
it makes the gradient zero where a window sums to zero, as PyTorch's is).
"""
from __future__ import annotations

from math import prod

from .._arguments import Tensor, as_tensor_arg
from ..elementwise.unary import abs as _abs, sign
from .activation import relu
from .conv import ntuple
from .pool import avg_pool1d, avg_pool2d, avg_pool3d

__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d"]

_AVG = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}


def _lp_poolnd(n: int, op: str, input, norm_type, kernel_size, stride, ceil_mode) -> Tensor:
    input = as_tensor_arg(input, op)
    kernel = ntuple(kernel_size, n, "kernel_size", op)
    stride = kernel if stride is None else stride
    mean = _AVG[n](input.pow(norm_type), kernel, stride, 0, ceil_mode)
    total = sign(mean) * relu(_abs(mean)) * prod(kernel)
    return total.pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """1-D power-average pooling: the ``norm_type``-norm of each window."""
    return _lp_poolnd(1, "lp_pool1d", input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """2-D power-average pooling: the ``norm_type``-norm of each window."""
    return _lp_poolnd(2, "lp_pool2d", input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """3-D power-average pooling: the ``norm_type``-norm of each window."""
    return _lp_poolnd(3, "lp_pool3d", input, norm_type, kernel_size, stride, ceil_mode)
