"""Unary elementwise ops: sign and magnitude, exponentials, logarithms and roots, clamping,
copies. (Trigonometric and special functions: ``trig.py``; rounding and nan/inf tests:
``rounding.py``.)

Ops that always give floats (``exp``, ``log``, ``sqrt``...) compute integer inputs in the
default float dtype, as PyTorch does.

Also ``detach`` and the markers of results without a gradient (``zero_grad_result``,
``not_differentiable``), which the other families use.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ...backend import as_array, device_of, is_array, to_device
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe, type_name

__all__ = ["neg", "negative", "positive", "abs", "absolute", "sign", "sgn", "signbit", "square",
           "reciprocal", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
           "clamp", "clip", "clamp_min", "clamp_max", "clone", "detach", "detach_"]


def float_input(a):
    """Integer and bool inputs of float-valued ops are computed in the default float dtype."""
    return a if is_float_np(a.dtype) else a.astype(_dt.get_default_dtype().np)


# ---------------------------------------------------------------------------------------------
# Sign and magnitude
# ---------------------------------------------------------------------------------------------

class Neg(Primitive):
    node_name = "NegBackward0"
    float_ufunc = np.negative

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
        if a.dtype.kind == "b":
            raise NotImplementedError("abs: not implemented for bool tensors")
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        # NOTE: the subgradient at 0 is 0 (sign(0) = 0), as in PyTorch.
        (a,) = ctx.saved_tensors
        return grad * sign(a)


def neg(input) -> Tensor:
    """``-input``."""
    return Neg._apply1(as_tensor_arg(input, "neg"))


def abs(input) -> Tensor:  # noqa: A001 (PyTorch's name)
    """Elementwise absolute value; its gradient at 0 is 0."""
    return Abs._apply1(as_tensor_arg(input, "abs"))


class _Flat(Primitive):
    """Ops whose derivative is zero almost everywhere (sign, rounding): gradient 0."""

    @staticmethod
    def backward(ctx, grad):
        return Tensor._make(np.zeros_like(grad._data))


class Sign(_Flat):
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            return a.copy()
        out = np.sign(a)
        if is_float_np(a.dtype):  # PyTorch's sign(nan) is 0
            out = np.where(np.isnan(a), a.dtype.type(0), out)
        return out


def sign(input) -> Tensor:
    """-1, 0 or 1 by the sign of each element (0 for nan; zero gradient)."""
    return Sign._apply1(as_tensor_arg(input, "sign"))


class Sgn(Sign):
    node_name = "SgnBackward0"  # sgn is sign extended to complex numbers: same on reals


def sgn(input) -> Tensor:
    """``sign`` (npgrad has no complex tensors, where the two differ)."""
    return Sgn._apply1(as_tensor_arg(input, "sgn"))


def signbit(input) -> Tensor:
    """True where the sign bit is set (negative numbers, -0.0 and negative nan)."""
    a = as_tensor_arg(input, "signbit")._data
    return Tensor._make(as_array(np.signbit(a) if a.dtype.kind != "b" else np.zeros_like(a)))


def positive(input) -> Tensor:
    """``input`` itself (``+input``); bool tensors are refused, as in PyTorch."""
    input = as_tensor_arg(input, "positive")
    if input._data.dtype.kind == "b":
        raise RuntimeError("positive: the `+` operator, on a bool tensor is not supported.")
    return input


def square(input) -> Tensor:
    """``input * input`` (integers stay integers; bools give int64, as PyTorch)."""
    return as_tensor_arg(input, "square") ** 2  # binary.pow, through the Tensor's operator


class Reciprocal(Primitive):
    node_name = "ReciprocalBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return np.reciprocal(float_input(a))  # (NumPy: a scalar for 0-d)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * (out * out)


def reciprocal(input) -> Tensor:
    """Elementwise ``1 / input`` (integers give the default float dtype)."""
    return Reciprocal._apply1(as_tensor_arg(input, "reciprocal"))


negative, absolute = neg, abs


# ---------------------------------------------------------------------------------------------
# Exponentials, logarithms, roots
# ---------------------------------------------------------------------------------------------

class Exp(Primitive):
    node_name = "ExpBackward0"
    float_ufunc = np.exp
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return np.exp(float_input(a))  # (NumPy: a scalar for 0-d)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Primitive):
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(float_input(a))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a


class Sqrt(Primitive):
    node_name = "SqrtBackward0"
    float_ufunc = np.sqrt
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return np.sqrt(float_input(a))  # (NumPy: a scalar for 0-d)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


def exp(input) -> Tensor:
    """Elementwise ``e ** input``."""
    return Exp._apply1(as_tensor_arg(input, "exp"))


def log(input) -> Tensor:
    """Elementwise natural logarithm (``-inf`` at 0, ``nan`` below)."""
    return Log._apply1(as_tensor_arg(input, "log"))


def sqrt(input) -> Tensor:
    """Elementwise square root."""
    return Sqrt._apply1(as_tensor_arg(input, "sqrt"))


class Exp2(Primitive):
    node_name = "Exp2Backward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return np.exp2(float_input(a))  # (NumPy: a scalar for 0-d)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * _LN2


class Expm1(Primitive):
    node_name = "Expm1Backward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return np.expm1(float_input(a))  # (NumPy: a scalar for 0-d)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class _LogBase(Primitive):
    """log2 and log10: d/dx log_b(x) = 1 / (x ln b)."""

    ufunc, ln_base = np.log2, math.log(2.0)

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        return cls.ufunc(float_input(a))

    @classmethod
    def backward(cls, ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (a * cls.ln_base)


class Log2(_LogBase):
    node_name = "Log2Backward0"


class Log10(_LogBase):
    node_name = "Log10Backward0"
    ufunc, ln_base = np.log10, math.log(10.0)


class Log1p(Primitive):
    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(float_input(a))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (a + 1)


class Rsqrt(Primitive):
    node_name = "RsqrtBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return np.reciprocal(np.sqrt(float_input(a)))

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out * out * out) * -0.5


_LN2 = math.log(2.0)


def exp2(input) -> Tensor:
    """Elementwise ``2 ** input``."""
    return Exp2.apply(as_tensor_arg(input, "exp2"))


def expm1(input) -> Tensor:
    """Elementwise ``exp(input) - 1``, accurate near 0."""
    return Expm1.apply(as_tensor_arg(input, "expm1"))


def log2(input) -> Tensor:
    """Elementwise base-2 logarithm."""
    return Log2.apply(as_tensor_arg(input, "log2"))


def log10(input) -> Tensor:
    """Elementwise base-10 logarithm."""
    return Log10.apply(as_tensor_arg(input, "log10"))


def log1p(input) -> Tensor:
    """Elementwise ``log(1 + input)``, accurate near 0."""
    return Log1p.apply(as_tensor_arg(input, "log1p"))


def rsqrt(input) -> Tensor:
    """Elementwise ``1 / sqrt(input)``."""
    return Rsqrt._apply1(as_tensor_arg(input, "rsqrt"))


# ---------------------------------------------------------------------------------------------
# Clamping
# ---------------------------------------------------------------------------------------------

class Clamp(Primitive):
    node_name = "ClampBackward1"     # number bounds; ClampBackward0 for tensor bounds
    names = ("ClampBackward1", "ClampBackward0")

    @classmethod
    def forward(cls, ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        ctx.node_name = cls.names[all(is_array(x) for x in (lo, hi)
                                      if x is not None)]
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
        # a tensor bound gets the gradient where it is the value taken. (grad.where(c, 0) is
        # where(c, grad, 0): the method needs no import of binary.py, which imports this one.)
        a, lo, hi = ctx.saved_tensors
        need_a, need_lo, need_hi = ctx.needs_input_grad
        mask = None
        if lo is not None:
            mask = a >= lo
        if hi is not None:
            mask = (a <= hi) if mask is None else mask & (a <= hi)
        ga = grad.where(mask, 0.0) if need_a else None
        glo = ghi = None
        if need_lo:
            glo = grad.where((a < lo) & (lo < hi) if hi is not None else a < lo, 0.0)
        if need_hi:
            ghi = grad.where((a > hi) | (hi < lo) if lo is not None else a > hi, 0.0)
        return ga, glo, ghi


def clamp(input, min=None, max=None) -> Tensor:  # noqa: A002 (PyTorch's names)
    """Clamp every element into ``[min, max]``; either bound may be a number or a tensor, and
    either may be omitted (not both)."""
    input = as_tensor_arg(input, "clamp")
    _bound(min, "clamp", "min", True)
    _bound(max, "clamp", "max", True)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return Clamp.apply(input, min, max)


def _bound(value, op: str, name: str, optional: bool = False) -> None:
    """A bound of clamp: a number or a Tensor (or None where ``optional``), as PyTorch."""
    if value is None and optional or isinstance(value, (Tensor, numbers.Number)):
        return
    raise TypeError(f"{op}(): argument '{name}' must be Number or Tensor, not "
                    f"{type_name(value)}")


class ClampMin(Clamp):
    names = ("ClampMinBackward0", "ClampMinBackward1")


class ClampMax(Clamp):
    names = ("ClampMaxBackward0", "ClampMaxBackward1")


def clamp_min(input, min) -> Tensor:  # noqa: A002
    """``clamp(input, min=min)``."""
    _bound(min, "clamp_min", "min")
    return ClampMin.apply(as_tensor_arg(input, "clamp_min"), min, None)


def clamp_max(input, max) -> Tensor:  # noqa: A002
    """``clamp(input, max=max)``."""
    _bound(max, "clamp_max", "max")
    return ClampMax.apply(as_tensor_arg(input, "clamp_max"), None, max)


clip = clamp


# ---------------------------------------------------------------------------------------------
# Copies and casts
# ---------------------------------------------------------------------------------------------

class Clone(Primitive):
    node_name = "CloneBackward0"
    bf16_native = True

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Primitive):
    node_name = "ToCopyBackward0"
    bf16_native = True  # (ml_dtypes casts round to nearest even, as PyTorch's)

    @staticmethod
    def forward(ctx, a, dtype):
        return a.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine casts the gradient back to the input's dtype


class ToDevice(Primitive):
    """A copy on another device (host to CUDA, CUDA to host); the gradient goes back."""

    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, device):
        ctx.source = device_of(a)
        return to_device(a, device)

    @staticmethod
    def backward(ctx, grad):
        return ToDevice.apply(grad, ctx.source), None


class _ZeroGrad(Primitive):
    """Attach a precomputed result whose derivative is zero almost everywhere (rounding,
    sign) to the graph, so that it requires grad like PyTorch's result does."""

    node_name = "ZeroGradBackward0"

    @staticmethod
    def forward(ctx, result, *inputs, node_name=None):
        ctx.shapes = [np.shape(x) for x in inputs]
        if node_name is not None:  # the name of PyTorch's node for the op (DivBackward2)
            ctx.node_name = node_name
        return result

    @staticmethod
    def backward(ctx, grad):
        zero = Tensor._make(np.zeros_like(grad._data))
        return (None,) + tuple(zero for _ in ctx.shapes)


def zero_grad_result(out, *inputs, node_name: str | None = None) -> Tensor:
    """Wrap ``out`` computed from ``inputs``; it requires grad (with gradient 0) when they do,
    through a node named ``node_name`` (default ZeroGradBackward0)."""
    t = Tensor._make(as_array(out))
    if is_float_np(out.dtype) and any(isinstance(x, Tensor) and x._rg for x in inputs):
        return _ZeroGrad.apply(t, *inputs, node_name=node_name)
    return t


def clone(input) -> Tensor:
    """A copy of ``input`` that stays in the graph."""
    input = as_tensor_arg(input, "clone")
    return Clone.apply(input)


def move(input: Tensor, device) -> Tensor:
    """``input`` on ``device`` (a ``device``, already checked): itself when it is there."""
    if device_of(input._data) == device:
        return input
    return ToDevice.apply(input, device)


def cast(input, dtype) -> Tensor:
    """``input`` converted to ``dtype`` (differentiable between floating dtypes)."""
    return Cast.apply(input, dtype)


class NotDifferentiable(Primitive):
    """Marks a result that PyTorch records in the graph with no derivative implemented: it
    requires grad, and backward through it raises, as in PyTorch (whose node prints as
    ``NotImplemented``)."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, out, *inputs, op, message, error=RuntimeError):
        ctx.op, ctx.message, ctx.error = op, message, error
        return out

    @staticmethod
    def backward(ctx, grad):
        raise ctx.error(ctx.message or f"derivative for aten::{ctx.op} is not implemented")


def not_differentiable(out: np.ndarray, op: str, *inputs, message: str | None = None,
                       error: type = RuntimeError) -> Tensor:
    """``out`` as a Tensor; in the graph (refusing backward with ``error``, with PyTorch's
    message or ``message``) when a float input requires grad."""
    if is_float_np(out.dtype) and any(isinstance(x, Tensor) and x._rg for x in inputs):
        return NotDifferentiable.apply(out, *inputs, op=op, message=message, error=error)
    return Tensor._make(out)


def detach(input: Tensor) -> Tensor:
    return input.detach()


def detach_(input: Tensor) -> Tensor:
    return input.detach_()
