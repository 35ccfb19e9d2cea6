"""Binary elementwise math beyond the operators: maximum, minimum, atan2, hypot, lerp, ...

Same rules as ``binary.py``: operands broadcast, PyTorch's result dtype, and the engine undoes
broadcasting in gradients.

Also the fused forms ``addcmul`` and ``addcdiv``.
"""
from __future__ import annotations

import numpy as np

from ...backend import as_array, is_array
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from .._arguments import Tensor, as_operand, as_tensor_arg, describe
from .binary import _apply_ufunc, _zero_division, broadcast_error, div, pow, where
from ..inplace import apply_
from .unary import cast, exp, exp2

__all__ = ["maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot", "fmod", "lerp",
           "float_power", "logaddexp", "logaddexp2", "xlogy", "copysign", "isclose", "allclose",
           "equal", "addcmul", "addcdiv"]


def _tensor_other(x, op: str, name: str = "other") -> Tensor:
    """``other`` of ops PyTorch defines for two tensors only (numbers are a TypeError)."""
    return as_tensor_arg(x, op, name)


def _mask(m) -> Tensor:
    return Tensor._make(as_array(m))


# ---------------------------------------------------------------------------------------------
# maximum, minimum (nan-propagating) and fmax, fmin (nan-ignoring)
# ---------------------------------------------------------------------------------------------

class _MinMax(Primitive):
    ufunc = np.maximum
    op = "maximum"

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return as_array(_apply_ufunc(cls.ufunc, cls.op, a, b))


class Maximum(_MinMax):
    node_name = "MaximumBackward0"

    @staticmethod
    def backward(ctx, grad):
        # NOTE: ties split the gradient evenly (0.5 each), as PyTorch; where either side is
        # nan, both get the full gradient (neither compares smaller).
        a, b = ctx.saved_tensors
        return _split(ctx, grad, a._data < b._data, a._data > b._data, a._data == b._data)


class Minimum(_MinMax):
    node_name = "MinimumBackward0"
    ufunc, op = np.minimum, "minimum"

    @staticmethod
    def backward(ctx, grad):
        # NOTE: ties split the gradient evenly, as PyTorch (see Maximum).
        a, b = ctx.saved_tensors
        return _split(ctx, grad, a._data > b._data, a._data < b._data, a._data == b._data)


def _split(ctx, grad, a_loses, b_loses, tie):
    g = where(_mask(tie), grad * 0.5, grad) if np.any(tie) else grad
    need_a, need_b = ctx.needs_input_grad
    return (where(_mask(a_loses), 0.0, g) if need_a else None,
            where(_mask(b_loses), 0.0, g) if need_b else None)


class Fmax(_MinMax):
    node_name = "FmaxBackward0"
    ufunc, op = np.fmax, "fmax"

    @staticmethod
    def backward(ctx, grad):
        # NOTE: a tie gives the whole gradient to ``input``, as PyTorch's fmax.
        a, b = ctx.saved_tensors
        return _pick(ctx, grad, (a._data >= b._data) | np.isnan(b._data))


class Fmin(_MinMax):
    node_name = "FminBackward0"
    ufunc, op = np.fmin, "fmin"

    @staticmethod
    def backward(ctx, grad):
        # NOTE: a tie gives the whole gradient to ``input``, as PyTorch's fmin.
        a, b = ctx.saved_tensors
        return _pick(ctx, grad, (a._data <= b._data) | np.isnan(b._data))


def _pick(ctx, grad, a_wins):
    """The gradient goes to ``a`` where ``a_wins``, to ``b`` elsewhere."""
    need_a, need_b = ctx.needs_input_grad
    m = _mask(a_wins)
    return (where(m, grad, 0.0) if need_a else None,
            where(m, 0.0, grad) if need_b else None)


def maximum(input, other) -> Tensor:
    """Elementwise maximum of two tensors; nan if either is nan."""
    return Maximum.apply(as_tensor_arg(input, "maximum"), _tensor_other(other, "maximum"))


def minimum(input, other) -> Tensor:
    """Elementwise minimum of two tensors; nan if either is nan."""
    return Minimum.apply(as_tensor_arg(input, "minimum"), _tensor_other(other, "minimum"))


def fmax(input, other) -> Tensor:
    """Elementwise maximum that ignores nan (nan only where both are nan)."""
    return Fmax.apply(as_tensor_arg(input, "fmax"), _tensor_other(other, "fmax"))


def fmin(input, other) -> Tensor:
    """Elementwise minimum that ignores nan (nan only where both are nan)."""
    return Fmin.apply(as_tensor_arg(input, "fmin"), _tensor_other(other, "fmin"))


# ---------------------------------------------------------------------------------------------
# atan2, hypot
# ---------------------------------------------------------------------------------------------

def _float_pair(a, b):
    """Operands as arrays of their promoted dtype, integers computed in the default float."""
    dt = _dt.result_type(a, b)
    if not is_float_np(dt):
        dt = _dt.get_default_dtype().np
    # (a number becomes a NumPy scalar, which meets arrays on any device)
    return tuple(as_array(x, dt) if is_array(x) else dt.type(x) for x in (a, b))


class Atan2(Primitive):
    node_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        a2, b2 = _float_pair(a, b)
        try:
            return np.arctan2(a2, b2)
        except ValueError:
            raise broadcast_error("atan2", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        r2 = a * a + b * b
        # 1 / r2 is 0 where r2 is 0 (at (0, 0), or where the squares underflow), as PyTorch's,
        # so the gradient there is 0, not 0 / 0
        zero = r2._data == 0
        recip = where(Tensor._make(zero), 0.0, 1 / r2) if zero.any() else 1 / r2
        return (grad * b * recip if need_a else None), (grad * -a * recip if need_b else None)


def float_result(op: str, a, b) -> None:
    """PyTorch's floating-only binary kernels run in the promoted dtype: an integer or bool
    operand with a float one is fine, two of them are not (NotImplementedError)."""
    dt = _dt.result_type(a, b)
    if not is_float_np(dt):
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(dt)}' ({op}: {describe(a, b)})")


class Hypot(Primitive):
    node_name = "HypotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        float_result("hypot", a, b)
        a2, b2 = _dt.promote_binary(a, b)
        try:
            out = as_array(np.hypot(a2, b2))
        except ValueError:
            raise broadcast_error("hypot", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * a / out if need_a else None), (grad * b / out if need_b else None)


def atan2(input, other) -> Tensor:
    """Elementwise angle of the point ``(other, input)``, in ``[-pi, pi]``."""
    return Atan2.apply(as_tensor_arg(input, "atan2"), _tensor_other(other, "atan2"))


def hypot(input, other) -> Tensor:
    """Elementwise ``sqrt(input**2 + other**2)``, without overflow for large values."""
    return Hypot.apply(as_tensor_arg(input, "hypot"), _tensor_other(other, "hypot"))


arctan2 = atan2


# ---------------------------------------------------------------------------------------------
# fmod, float_power
# ---------------------------------------------------------------------------------------------

class Fmod(Primitive):
    node_name = "FmodBackward0"  # FmodBackward1 when the divisor is a tensor

    @staticmethod
    def forward(ctx, a, b):
        if is_array(b):
            ctx.node_name = "FmodBackward1"
        a2, b2 = _dt.promote_binary(a, b)
        if np.result_type(a2).kind in "iub":
            _zero_division("fmod", a2, b2)
        ctx.save_for_backward(a, b)
        try:
            return np.fmod(a2, b2)
        except ValueError:
            raise broadcast_error("fmod", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        # d/da (a - trunc(a/b) b) = 1;  d/db = -trunc(a/b)
        a, b = ctx.saved_tensors
        gb = -grad * div(a, b, rounding_mode="trunc") if ctx.needs_input_grad[1] else None
        return grad, gb


def fmod(input, other) -> Tensor:
    """Remainder of ``input / other`` truncated toward zero: it has the sign of ``input``
    (C's fmod; ``remainder`` is Python's ``%``)."""
    return Fmod.apply(as_tensor_arg(input, "fmod"), as_operand(other, "fmod"))


def float_power(input, exponent) -> Tensor:
    """``input ** exponent`` computed in float64 (PyTorch's rule for this op)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power(): expected at least one Tensor argument")
    if isinstance(input, Tensor):
        input = cast(input, _dt.float64) if input.dtype != _dt.float64 else input
    else:
        input = float(as_operand(input, "float_power"))
    if isinstance(exponent, Tensor):
        exponent = cast(exponent, _dt.float64) if exponent.dtype != _dt.float64 else exponent
    else:
        exponent = float(as_operand(exponent, "float_power"))
    return pow(input, exponent)


def float_power_(input: Tensor, exponent) -> Tensor:
    """In-place ``float_power``: only a float64 tensor can hold its result."""
    if input.dtype != _dt.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {input.dtype} but the "
                           "operation's result requires dtype npgrad.float64")
    return apply_(input, float_power, exponent)


# ---------------------------------------------------------------------------------------------
# lerp
# ---------------------------------------------------------------------------------------------

class Lerp(Primitive):
    node_name = "LerpBackward0"  # LerpBackward1 for a tensor weight

    @staticmethod
    def forward(ctx, a, b, w):
        if is_array(w):
            ctx.node_name = "LerpBackward1"
            ctx.save_for_backward(a, b, w)
            w = w.astype(a.dtype, copy=False)
        else:
            ctx.save_for_backward(None, None, w)
        try:
            # PyTorch's two-sided formula: exact at both ends (w = 0 gives a, w = 1 gives b)
            d = b - a
            return as_array(np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w)))
        except ValueError:
            raise RuntimeError(f"lerp: shapes {describe(a, b, w)} do not broadcast") from None

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        need_w = len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]
        ga = grad * (1 - w) if need_a else None
        gb = grad * w if need_b else None
        gw = grad * (b - a) if need_w else None
        return ga, gb, gw


def lerp(input, end, weight) -> Tensor:
    """``input + weight * (end - input)``; ``weight`` is a number or a tensor."""
    input, end = as_tensor_arg(input, "lerp"), _tensor_other(end, "lerp", "end")
    if input.dtype != end.dtype:
        raise RuntimeError(f"lerp: expected dtype {input.dtype} for `end` but got dtype "
                           f"{end.dtype}")
    if not is_float_np(input._data.dtype):
        raise NotImplementedError(f"lerp: only floating tensors are supported, got "
                                  f"{describe(input)}")
    weight = as_operand(weight, "lerp")
    if isinstance(weight, Tensor) and weight.ndim and weight.dtype != input.dtype:
        raise RuntimeError(f"lerp: expected dtype {input.dtype} for `weight` but got dtype "
                           f"{weight.dtype}")
    return Lerp.apply(input, end, weight)


# ---------------------------------------------------------------------------------------------
# logaddexp, xlogy, copysign
# ---------------------------------------------------------------------------------------------

class LogAddExp(Primitive):
    # a primitive for stability: NumPy's logaddexp never overflows, unlike log(exp + exp)
    node_name = "LogaddexpBackward0"
    ufunc, op = np.logaddexp, "logaddexp"

    @classmethod
    def forward(cls, ctx, a, b):
        float_result(cls.op, a, b)
        ctx.save_for_backward(a, b)
        return as_array(_apply_ufunc(cls.ufunc, cls.op, a, b))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / (exp(b - a) + 1) if need_a else None,
                grad / (exp(a - b) + 1) if need_b else None)


class LogAddExp2(LogAddExp):
    node_name = "Logaddexp2Backward0"
    ufunc, op = np.logaddexp2, "logaddexp2"

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / (exp2(b - a) + 1) if need_a else None,
                grad / (exp2(a - b) + 1) if need_b else None)


def logaddexp(input, other) -> Tensor:
    """``log(exp(input) + exp(other))`` without overflow."""
    return LogAddExp.apply(as_tensor_arg(input, "logaddexp"), _tensor_other(other, "logaddexp"))


def logaddexp2(input, other) -> Tensor:
    """``log2(2**input + 2**other)`` without overflow."""
    return LogAddExp2.apply(as_tensor_arg(input, "logaddexp2"),
                            _tensor_other(other, "logaddexp2"))


class Xlogy(Primitive):
    node_name = "XlogyBackward0"  # XlogyBackward1: number input; XlogyBackward2: number other

    @staticmethod
    def forward(ctx, x, y):
        if not is_array(x):
            ctx.node_name = "XlogyBackward1"
        elif not is_array(y):
            ctx.node_name = "XlogyBackward2"
        ctx.save_for_backward(x, y)
        x2, y2 = _float_pair(x, y)
        try:
            out = as_array(x2 * np.log(y2))
        except ValueError:
            raise broadcast_error("xlogy", x, y) from None
        # 0 * log(0) is 0 here (the limit), but a nan y stays nan
        return np.where((x2 == 0) & ~np.isnan(y2), out.dtype.type(0), out)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = gy = None
        if need_x:
            # NOTE: where x == 0 and y <= 0 the gradient is 0, as PyTorch (log y is not real)
            gx = xlogy(grad, y)
            if isinstance(y, Tensor):
                gx = where((x == 0) & (y <= 0), 0.0, gx)
            elif y <= 0:
                gx = where(x == 0, 0.0, gx)
        if need_y:
            gy = grad * x / y
        return gx, gy


def xlogy(input, other) -> Tensor:
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is nan)."""
    input, other = as_operand(input, "xlogy"), as_operand(other, "xlogy")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("xlogy(): expected at least one Tensor argument")
    return Xlogy.apply(input, other)


class Copysign(Primitive):
    node_name = "CopysignBackward0"  # CopysignBackward1 for a number ``other``

    @staticmethod
    def forward(ctx, a, b):
        if not is_array(b):
            ctx.node_name = "CopysignBackward1"
        a2, b2 = _float_pair(a, b)
        try:
            out = as_array(np.copysign(a2, b2))
        except ValueError:
            raise broadcast_error("copysign", a, b) from None
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # NOTE: d/da is +-1 (0 where a == 0, as PyTorch); ``other`` only gives a sign: 0
        a, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = grad * where(a == 0, 0.0, out / a) if need_a else None
        gb = Tensor._make(np.zeros_like(grad._data)) if need_b else None
        return ga, gb


def copysign(input, other) -> Tensor:
    """``input``'s magnitude with ``other``'s sign (a tensor or a number)."""
    return Copysign.apply(as_tensor_arg(input, "copysign"), as_operand(other, "copysign"))


# ---------------------------------------------------------------------------------------------
# Closeness and equality (no gradient)
# ---------------------------------------------------------------------------------------------

def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """``|input - other| <= atol + rtol * |other|`` elementwise, as a bool tensor (equal
    infinities are close; nan only with ``equal_nan``)."""
    input, other = as_tensor_arg(input, "isclose"), _tensor_other(other, "isclose")
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"isclose: expected both inputs to have the same dtype, got "
                           f"{describe(input, other)}")
    if rtol < 0 or atol < 0:
        raise RuntimeError(f"isclose: rtol and atol must be non-negative, got rtol={rtol}, "
                           f"atol={atol}")
    try:
        eq = np.equal(a, b)
    except ValueError:
        raise broadcast_error("isclose", a, b) from None
    if not is_float_np(a.dtype):
        if a.dtype.kind == "b" or (rtol == 0 and atol == 0):
            return Tensor._make(as_array(eq))
        a, b = a.astype(np.float64), b.astype(np.float64)
    close = eq | (np.abs(a - b) <= atol + rtol * np.abs(b))
    close &= np.isfinite(a) & np.isfinite(b) | eq  # inf only matches itself
    if equal_nan:
        close |= np.isnan(a) & np.isnan(b)
    return Tensor._make(as_array(close))


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """True if every element of ``input`` is close to ``other`` (see :func:`isclose`)."""
    return bool(np.all(isclose(input, other, rtol, atol, equal_nan)._data))


def equal(input, other) -> bool:
    """True if both tensors have the same shape and the same values."""
    input, other = as_tensor_arg(input, "equal"), _tensor_other(other, "equal")
    a, b = input._data, other._data
    return a.shape == b.shape and bool(np.array_equal(a, b))


# ---------------------------------------------------------------------------------------------
# Fused forms: addcmul, addcdiv
# ---------------------------------------------------------------------------------------------

class Addcmul(Primitive):
    """``input + value * tensor1 * tensor2`` with PyTorch's gradients, each formed in the
    output's (broadcast) shape in PyTorch's order: at inf, nan, 0 and underflow the order
    decides the value (the composite's gradient of ``tensor2`` was ``(grad * value) * tensor1``
    summed before meeting a nan in ``tensor1``, nan even for an empty output)."""
    node_name = "AddcmulBackward0"

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2, value)
        a, b = Tensor._make(t1), Tensor._make(t2)
        # PyTorch's order, (value * tensor1) * tensor2: it decides which of 0 * inf and
        # underflow happens first
        return (Tensor._make(x) + (a * b if value == 1 else value * a * b))._data

    @staticmethod
    def backward(ctx, grad):
        t1, t2, value = ctx.saved_tensors
        _, need_1, need_2 = ctx.needs_input_grad[:3]
        return (grad, grad * (t2 * value) if need_1 else None,
                grad * (t1 * value) if need_2 else None, None)


class Addcdiv(Primitive):
    """``input + value * tensor1 / tensor2`` with PyTorch's gradients (see ``Addcmul``)."""
    node_name = "AddcdivBackward0"

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2, value)
        a, b = Tensor._make(t1), Tensor._make(t2)
        # PyTorch's order, (value * tensor1) / tensor2 (which of underflow and overflow
        # comes first)
        return (Tensor._make(x) + (a / b if value == 1 else value * a / b))._data

    @staticmethod
    def backward(ctx, grad):
        t1, t2, value = ctx.saved_tensors
        _, need_1, need_2 = ctx.needs_input_grad[:3]
        return (grad, grad * (value / t2) if need_1 else None,
                -grad * (value * t1 / (t2 * t2)) if need_2 else None, None)


def addcmul(input, tensor1, tensor2, *, value=1) -> Tensor:
    """``input + value * tensor1 * tensor2`` (broadcasting), as optimizers use it."""
    input = as_tensor_arg(input, "addcmul")
    tensor1 = as_tensor_arg(tensor1, "addcmul", "tensor1")
    tensor2 = as_tensor_arg(tensor2, "addcmul", "tensor2")
    kinds = {t._data.dtype.kind for t in (input, tensor1, tensor2)}
    if kinds == {"b"}:
        raise NotImplementedError('"addcmul_cpu_out" not implemented for \'Bool\'')
    if kinds <= {"b", "i", "u"}:
        value = int(value)  # as PyTorch: the scale takes the integer result's type (truncated)
    return Addcmul.apply(input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1) -> Tensor:
    """``input + value * tensor1 / tensor2``; integer tensor1 and tensor2 are refused, as
    PyTorch no longer does integer division here."""
    input = as_tensor_arg(input, "addcdiv")
    t1, t2 = as_tensor_arg(tensor1, "addcdiv"), as_tensor_arg(tensor2, "addcdiv")
    if t1._data.dtype.kind in "iub" and t2._data.dtype.kind in "iub":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all "
                           "dtypes.")
    return Addcdiv.apply(input, t1, t2, value)
