"""Complex-number functions, as PyTorch's on real tensors: npgrad tensors are real, so
``conj``, ``resolve_conj``, ``resolve_neg``, ``conj_physical`` and ``real`` give the input
itself, ``is_conj``/``is_neg`` are False, ``isreal`` is all True, and ``angle`` is pi for
negative numbers and 0 otherwise.
"""
from __future__ import annotations

import builtins

import numpy as np

from ...backend import as_array
from ...dtypes import is_float_np
from ...tensor import Tensor
from .._arguments import as_tensor_arg
from .unary import float_input, zero_grad_result

__all__: list = ["conj", "resolve_conj", "resolve_neg", "conj_physical", "real", "is_conj",
                 "is_neg", "isreal", "conj_physical_", "angle"]


def conj(input: Tensor) -> Tensor:
    """``input`` itself (npgrad tensors are real)."""
    return input


resolve_conj = resolve_neg = conj_physical = real = conj


def is_conj(input: Tensor) -> builtins.bool:
    return False


def is_neg(input: Tensor) -> builtins.bool:
    return False


def isreal(input: Tensor) -> Tensor:
    """All True: npgrad tensors are real."""
    return input.isreal()


def conj_physical_(input: Tensor) -> Tensor:
    return input


def angle(input) -> Tensor:
    """The argument of each element as a complex number: pi for negative reals, 0 otherwise
    (nan stays nan); its gradient is 0, as PyTorch's for real tensors."""
    input = as_tensor_arg(input, "angle")
    x = float_input(input._data)
    out = np.where(x < 0, x.dtype.type(np.pi), x.dtype.type(0))
    out = np.where(np.isnan(x), x, out) if is_float_np(x.dtype) else out
    return zero_grad_result(as_array(out, x.dtype), input)
