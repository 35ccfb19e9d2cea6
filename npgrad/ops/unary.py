"""Unary elementwise ops: sign and magnitude, exponentials and logarithms, clamping, copies.

Ops that always give floats (``exp``, ``log``, ``sqrt``...) compute integer inputs in the
default float dtype, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.function import Primitive
from ._util import Tensor, as_tensor_arg, describe

__all__ = ["neg", "negative", "abs", "absolute", "sign", "exp", "log", "sqrt", "clamp",
           "clip", "clone"]


def float_input(a):
    """Integer and bool inputs of float-valued ops are computed in the default float dtype."""
    return a if a.dtype.kind == "f" else a.astype(_dt.get_default_dtype().np)


# ---------------------------------------------------------------------------------------------
# Sign and magnitude
# ---------------------------------------------------------------------------------------------

class Neg(Primitive):
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise RuntimeError("neg: negation, the `-` operator, on a bool tensor is not "
                               "supported. If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return np.negative(a)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Abs(Primitive):
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        # NOTE: the subgradient at 0 is 0 (sign(0) = 0), as in PyTorch.
        (a,) = ctx.saved_tensors
        return grad * sign(a)


def neg(input) -> Tensor:
    """``-input``."""
    return Neg.apply(as_tensor_arg(input, "neg"))


def abs(input) -> Tensor:  # noqa: A001 (PyTorch's name)
    """Elementwise absolute value; its gradient at 0 is 0."""
    return Abs.apply(as_tensor_arg(input, "abs"))


def sign(input) -> Tensor:
    """-1, 0 or 1 by the sign of each element (zero gradient)."""
    input = as_tensor_arg(input, "sign")
    out = np.sign(input._data) if input._data.dtype.kind != "b" else input._data.copy()
    return zero_grad_result(out, input)


negative, absolute = neg, abs


# ---------------------------------------------------------------------------------------------
# Exponentials, logarithms, roots
# ---------------------------------------------------------------------------------------------

class Exp(Primitive):
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(over="ignore"):
            out = np.exp(float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Primitive):
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(float_input(a))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a


class Sqrt(Primitive):
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


def exp(input) -> Tensor:
    """Elementwise ``e ** input``."""
    return Exp.apply(as_tensor_arg(input, "exp"))


def log(input) -> Tensor:
    """Elementwise natural logarithm (``-inf`` at 0, ``nan`` below)."""
    return Log.apply(as_tensor_arg(input, "log"))


def sqrt(input) -> Tensor:
    """Elementwise square root."""
    return Sqrt.apply(as_tensor_arg(input, "sqrt"))


# ---------------------------------------------------------------------------------------------
# Clamping
# ---------------------------------------------------------------------------------------------

class Clamp(Primitive):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        dt = _dt.result_type(a, lo, hi)
        a, lo, hi = (_dt._cast(x, dt) if x is not None else None for x in (a, lo, hi))
        try:
            out = a
            if lo is not None:
                out = np.maximum(out, lo)
            if hi is not None:
                out = np.minimum(out, hi)  # min > max gives max everywhere, as PyTorch
        except ValueError:
            raise RuntimeError(f"clamp: shapes {describe(a, lo, hi)} do not broadcast") \
                from None
        return out if out is not a else a.copy()

    @staticmethod
    def backward(ctx, grad):
        # NOTE: at a bound the gradient goes to the input (bounds are inclusive), as PyTorch;
        # a tensor bound gets the gradient where it is the value taken.
        from .binary import where
        a, lo, hi = ctx.saved_tensors
        need_a, need_lo, need_hi = ctx.needs_input_grad
        mask = None
        if lo is not None:
            mask = a >= lo
        if hi is not None:
            mask = (a <= hi) if mask is None else mask & (a <= hi)
        ga = where(mask, grad, 0.0) if need_a else None
        glo = ghi = None
        if need_lo:
            glo = where((a < lo) & (lo < hi) if hi is not None else a < lo, grad, 0.0)
        if need_hi:
            ghi = where((a > hi) | (hi < lo) if lo is not None else a > hi, grad, 0.0)
        return ga, glo, ghi


def clamp(input, min=None, max=None) -> Tensor:  # noqa: A002 (PyTorch's names)
    """Clamp every element into ``[min, max]``; either bound may be a number or a tensor, and
    either may be omitted (not both)."""
    input = as_tensor_arg(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    return Clamp.apply(input, min, max)


clip = clamp


# ---------------------------------------------------------------------------------------------
# Copies and casts
# ---------------------------------------------------------------------------------------------

class Clone(Primitive):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Primitive):
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        return a.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine casts the gradient back to the input's dtype


class _ZeroGrad(Primitive):
    """Attach a precomputed result whose derivative is zero almost everywhere (rounding,
    sign) to the graph, so that it requires grad like PyTorch's result does."""

    node_name = "ZeroGradBackward0"

    @staticmethod
    def forward(ctx, result, *inputs):
        ctx.shapes = [np.shape(x) for x in inputs]
        return result

    @staticmethod
    def backward(ctx, grad):
        zero = Tensor._make(np.zeros_like(grad._data))
        return (None,) + tuple(zero for _ in ctx.shapes)


def zero_grad_result(out, *inputs) -> Tensor:
    """Wrap ``out`` computed from ``inputs``; it requires grad (with gradient 0) when they do."""
    t = Tensor._make(np.asarray(out))
    if out.dtype.kind == "f" and any(isinstance(x, Tensor) and x._rg for x in inputs):
        return _ZeroGrad.apply(t, *inputs)
    return t


def clone(input) -> Tensor:
    """A copy of ``input`` that stays in the graph."""
    return Clone.apply(input)


def cast(input, dtype) -> Tensor:
    """``input`` converted to ``dtype`` (differentiable between floating dtypes)."""
    return Cast.apply(input, dtype)
