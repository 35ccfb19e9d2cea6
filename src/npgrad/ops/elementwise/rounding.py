"""Rounding (floor, ceil, round, trunc, frac) and float classification (isnan, isinf,
isfinite, ...; nan_to_num).

Rounding has a zero gradient (PyTorch's, which is the derivative almost everywhere) and
returns integer inputs as they are; the classification tests return bool tensors.
"""
from __future__ import annotations

import numpy as np

from ...backend import as_array
from ...dtypes import bfloat16, finfo, is_bfloat16_np, is_float_np
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe
from .unary import _Flat
from .binary import where

__all__ = ["floor", "ceil", "round", "trunc", "fix", "frac", "isnan", "isinf", "isfinite",
           "isposinf", "isneginf", "nan_to_num"]


# ---------------------------------------------------------------------------------------------
# Rounding (zero gradient; integer inputs are returned as they are)
# ---------------------------------------------------------------------------------------------

class _Round(_Flat):
    ufunc, op = np.floor, "floor"

    @classmethod
    def forward(cls, ctx, a):
        _check_not_bool(a, cls.op)
        return cls.ufunc(a) if is_float_np(a.dtype) else a.copy()


class Floor(_Round):
    node_name = "FloorBackward0"


class Ceil(_Round):
    node_name = "CeilBackward0"
    ufunc, op = np.ceil, "ceil"


class Trunc(_Round):
    node_name = "TruncBackward0"
    ufunc, op = np.trunc, "trunc"


class Round(_Round):
    node_name = "RoundBackward0"  # halves to even, as PyTorch
    ufunc, op = np.rint, "round"


class RoundDecimals(_Flat):
    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        if not is_float_np(a.dtype):
            raise NotImplementedError(f"round: decimals is only supported for floating "
                                      f"tensors, got {describe(a)}")
        # PyTorch's kernel: scale by 10 ** |decimals| in the tensor's dtype, round, unscale
        scale = a.dtype.type(10.0 ** (decimals if decimals > 0 else -decimals))
        if decimals > 0:
            return np.rint(a * scale) / scale
        return np.rint(a / scale) * scale


class Frac(Primitive):
    node_name = "FracBackward0"

    @staticmethod
    def forward(ctx, a):
        if not is_float_np(a.dtype):
            raise NotImplementedError(f"frac: only floating tensors are supported, got "
                                      f"{describe(a)}")
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, grad):
        return grad


def _check_not_bool(a, op: str) -> None:
    if a.dtype.kind == "b":
        raise NotImplementedError(f"{op}: not implemented for bool tensors")


def floor(input) -> Tensor:
    """Round down to an integer value (zero gradient)."""
    return Floor._apply1(as_tensor_arg(input, "floor"))


def ceil(input) -> Tensor:
    """Round up to an integer value (zero gradient)."""
    return Ceil._apply1(as_tensor_arg(input, "ceil"))


def trunc(input) -> Tensor:
    """Round toward zero (zero gradient)."""
    return Trunc._apply1(as_tensor_arg(input, "trunc"))


def round(input, *, decimals: int = 0) -> Tensor:  # noqa: A001 (PyTorch's name)
    """Round to the nearest value with ``decimals`` decimal digits; halves go to even."""
    input = as_tensor_arg(input, "round")
    if decimals == 0:
        return Round.apply(input)
    return RoundDecimals.apply(input, decimals=int(decimals))


def frac(input) -> Tensor:
    """The fractional part, ``input - trunc(input)`` (gradient 1)."""
    return Frac._apply1(as_tensor_arg(input, "frac"))


fix = trunc


# ---------------------------------------------------------------------------------------------
# Float classification (bool results) and nan_to_num
# ---------------------------------------------------------------------------------------------

def _classify(test, input, op: str, default: bool) -> Tensor:
    a = as_tensor_arg(input, op)._data
    if not is_float_np(a.dtype):  # integers and bools are always finite
        return Tensor._make(np.full_like(a, default, bool))
    return Tensor._make(as_array(test(a)))


def isnan(input) -> Tensor:
    """True where ``input`` is nan."""
    return _classify(np.isnan, input, "isnan", False)


def isinf(input) -> Tensor:
    """True where ``input`` is +inf or -inf."""
    return _classify(np.isinf, input, "isinf", False)


def isfinite(input) -> Tensor:
    """True where ``input`` is neither nan nor infinite."""
    return _classify(np.isfinite, input, "isfinite", True)


def isposinf(input) -> Tensor:
    """True where ``input`` is +inf."""
    return _classify(np.isposinf, input, "isposinf", False)


def isneginf(input) -> Tensor:
    """True where ``input`` is -inf."""
    return _classify(np.isneginf, input, "isneginf", False)


class NanToNum(Primitive):
    node_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.finite = np.isfinite(a)
        info = np.finfo(a.dtype)
        return np.nan_to_num(a, nan=nan, posinf=info.max if posinf is None else posinf,
                             neginf=info.min if neginf is None else neginf)

    @staticmethod
    def backward(ctx, grad):
        # NOTE: replaced elements (nan, +-inf) get gradient 0, as PyTorch
        return where(Tensor._make(ctx.finite), grad, 0.0), None, None, None


def nan_to_num(input, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace nan by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by default the
    largest and lowest finite values of the dtype); integer tensors are returned as copies."""
    input = as_tensor_arg(input, "nan_to_num")
    if not is_float_np(input._data.dtype):
        return Tensor._make(input._data.copy())
    if is_bfloat16_np(input._data.dtype):  # (forward computes in float32: name bfloat16's limits)
        info = finfo(bfloat16)
        posinf = info.max if posinf is None else posinf
        neginf = info.min if neginf is None else neginf
    return NanToNum.apply(input, nan, posinf, neginf)
