"""Binary elementwise ops: arithmetic, comparison, bitwise and logical, and ``where``.

Every op broadcasts its operands and computes in PyTorch's result dtype
(:func:`npgrad.dtypes.promote_binary`). Backward returns gradients in the broadcast shape and
the result dtype; the engine sums them down to each input's shape and casts them back.

Also ``rsub`` (``other - alpha * input``).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ...backend import as_array, is_array
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE as _GRAD_MODE
from .._arguments import Tensor, as_operand, as_operands, as_tensor_arg, describe
from ..indexing.indexing import nonzero
from .unary import log, not_differentiable, zero_grad_result

__all__ = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "pow", "eq",
           "ne", "lt", "le", "gt", "ge", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
           "bitwise_left_shift", "bitwise_right_shift", "logical_and", "logical_or", "logical_xor",
           "logical_not", "where", "subtract", "multiply", "divide", "greater", "greater_equal",
           "less", "less_equal", "not_equal", "rsub"]


def broadcast_error(op: str, a, b) -> RuntimeError:
    """PyTorch's message for operands whose shapes do not broadcast."""
    sa, sb = np.shape(a), np.shape(b)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and 1 not in (pa[i], pb[i]):
            return RuntimeError(
                f"{op}: the size of tensor a ({pa[i]}) must match the size of tensor b "
                f"({pb[i]}) at non-singleton dimension {i} (shapes {tuple(sa)} and {tuple(sb)})")
    return RuntimeError(f"{op}: shapes {tuple(sa)} and {tuple(sb)} do not broadcast")


def check_broadcast(op: str, *arrays) -> None:
    """Raise PyTorch's error (RuntimeError) where the arrays' shapes do not broadcast."""
    try:
        np.broadcast_shapes(*(np.shape(x) for x in arrays))
    except ValueError:
        raise broadcast_error(op, *arrays[:2]) from None


def _apply_ufunc(ufunc, op: str, a, b):
    """``ufunc(a, b)`` in PyTorch's result dtype, with PyTorch's broadcasting error."""
    if a.__class__ is not np.ndarray or b.__class__ is not np.ndarray or a.dtype != b.dtype:
        a, b = _dt.promote_binary(a, b)  # (two arrays of one dtype, the common case, skip it)
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(op, a, b) from None
    except OverflowError:
        # NumPy refuses Python ints outside a small dtype's range (uint8 - 1); PyTorch wraps
        a, b = _dt.wrap_ints(a, b)
        return ufunc(a, b)


def _no_bool(op: str, a, b) -> None:
    """PyTorch has no bool kernel for some ops: bool with bool raises NotImplementedError."""
    if _dt.result_type(a, b).kind == "b":
        raise NotImplementedError(f"{op}: not implemented for 'Bool' operands "
                                  f"({describe(a, b)})")


def _zero_division(op: str, a, b) -> None:
    """Integer division ``a / b`` by zero raises (PyTorch: RuntimeError 'ZeroDivisionError'),
    if it divides anything: as in PyTorch, shapes that do not broadcast raise their own error
    (the op's, later) and an empty result divides nothing."""
    d = b._data if isinstance(b, Tensor) else b
    if isinstance(d, np.ndarray):
        if not (d.dtype.kind in "iub" and not d.all()):
            return
    elif not (isinstance(d, (int, np.integer, np.bool_)) and d == 0):
        return
    try:
        if not math.prod(np.broadcast_shapes(np.shape(a), np.shape(d))):
            return
    except ValueError:
        return
    raise RuntimeError(f"ZeroDivisionError: {op}: integer division by zero "
                       f"({describe(a, b)})")


# ---------------------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------------------

class Add(Primitive):
    node_name = "AddBackward0"
    float_ufunc = np.add

    @staticmethod
    def forward(ctx, a, b):
        return _apply_ufunc(np.add, "add", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


_BOOL_SUB = ("sub: subtraction, the `-` operator, with a bool tensor is not supported. If you "
             "are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


class Sub(Primitive):
    node_name = "SubBackward0"
    float_ufunc = np.subtract

    @staticmethod
    def forward(ctx, a, b):
        if _is_bool(a) or _is_bool(b):
            raise RuntimeError(_BOOL_SUB)
        return _apply_ufunc(np.subtract, "sub", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Primitive):
    node_name = "MulBackward0"
    float_ufunc = np.multiply
    saves = "bilinear"  # d/da needs b, d/db needs a

    @staticmethod
    def forward(ctx, a, b):
        return _apply_ufunc(np.multiply, "mul", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Primitive):
    node_name = "DivBackward0"
    float_ufunc = np.true_divide
    saves = "quotient"  # d/da needs b, d/db needs a and b

    @staticmethod
    def forward(ctx, a, b):
        dt = _dt.result_type(a, b)
        if not is_float_np(dt):  # true division of integers gives the default float dtype
            dt = _dt.get_default_dtype().np
        a, b = _dt._cast(a, dt), _dt._cast(b, dt)
        try:
            return np.true_divide(a, b)
        except ValueError:
            raise broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = grad / b if need_a else None
        # PyTorch's order, -grad * ((a / b) / b): it decides where 0 * inf (NaN) and
        # overflow (inf) happen when b is 0 or a is huge or tiny
        gb = -grad * (a / b / b) if need_b else None
        return ga, gb


class Remainder(Primitive):
    node_name = "RemainderBackward0"  # RemainderBackward1 when the divisor is a tensor

    @staticmethod
    def forward(ctx, a, b):
        if is_array(b):
            ctx.node_name = "RemainderBackward1"
        ctx.save_for_backward(a, b)
        return _apply_ufunc(np.remainder, "remainder", a, b)

    @staticmethod
    def backward(ctx, grad):
        # d/da (a - floor(a/b) b) = 1;  d/db = -floor(a/b)
        a, b = ctx.saved_tensors
        gb = -grad * div(a, b, rounding_mode="floor") if ctx.needs_input_grad[1] else None
        return grad, gb


class Pow(Primitive):
    # PowBackward0: tensor ** number; 1: tensor ** tensor; 2: number ** tensor
    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if b.__class__ is float or b.__class__ is int:
            n = _small_int_exponent(a, b)
            if n is not None:  # a float array to a small power (x ** 2): no promotion needed
                ctx.save_for_backward(a, b)  # (the output serves only d/d exponent)
                return _power_by_products(a, n)
        if is_array(b):
            ctx.node_name = "PowBackward1" if is_array(a) else "PowBackward2"
        if _is_bool(a) and _is_bool(b):
            # PyTorch: bool ** True is the bool tensor, ** False all True; no bool kernel
            if b.__class__ is not bool or not is_array(a):
                raise NotImplementedError(f"pow: not implemented for 'Bool' operands "
                                          f"({describe(a, b)})")
            return a.copy() if b else np.ones_like(a)
        a2, b2 = _dt.promote_binary(a, b)
        if not is_array(b2) and is_array(a2) \
                and a2.dtype.kind in "iu" and b2 < 0:
            raise RuntimeError("pow: integers to negative integer powers are not allowed "
                               f"({describe(a, b)})")
        if is_array(b2) and b2.dtype.kind == "i" and np.any(b2 < 0):
            try:
                return _int_pow_negative(ctx, a, b, a2, b2)
            except ValueError:
                raise broadcast_error("pow", a2, b2) from None
        n = _small_int_exponent(a2, b2)
        try:
            if n is not None:
                out = _power_by_products(a2, n)
            elif b2.__class__ is float and b2 == -0.5 and is_array(a2):
                # PyTorch computes x ** -0.5 as rsqrt: -inf at -0 and nan at -inf, where C's
                # pow gives inf and 0 (and so does the derivative of x ** 0.5)
                out = np.reciprocal(np.sqrt(a2))
            else:
                out = np.power(a2, b2)
        except ValueError:
            raise broadcast_error("pow", a2, b2) from None
        except OverflowError:  # a Python int out of a small int dtype's range: wrap it
            out = np.power(*_dt.wrap_ints(a2, b2))
        # 0-d operands give a NumPy scalar: save the array that becomes the output, so the
        # saved output stays connected for double backward
        out = as_array(out)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, *out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        if need_a:
            # NOTE: an exponent of 0 gives gradient 0 everywhere (also at a = 0, and for a
            # nan or inf grad), as PyTorch. The local derivative is formed before grad
            # multiplies it, as in PyTorch: (grad * b) * a ** (b - 1) differs at special
            # values (a tiny b times grad underflows to 0 where b * inf is inf).
            if isinstance(b, Tensor):
                ga = where(b == 0, 0.0, grad * (b * a ** (b - 1)))
            elif b == 2 and not _GRAD_MODE.enabled:
                # x ** 2, x.square(): a ** 1 is a itself (same values, one op less); with
                # create_graph, a ** 1 keeps higher derivatives connected to a, as PyTorch
                ga = grad * (b * a)
            elif b != 0:
                ga = grad * (b * a ** (b - 1))
            else:
                ga = Tensor._make(np.zeros_like(grad._data))
        if need_b:
            out = out[0]
            # NOTE: where a == 0 and b >= 0, PyTorch defines d/db as 0 (not nan from log 0);
            # grad multiplies the masked derivative, so a nan or inf grad still propagates
            if isinstance(a, Tensor):
                gb = grad * where((a == 0) & (b >= 0), 0.0, out * log(a))
            elif a > 0:
                gb = grad * (out * math.log(a))
            elif a == 0:
                gb = grad * where(b >= 0, 0.0, out * -math.inf)
            else:
                gb = grad * (out * math.nan)
        return ga, gb


# Small integer-valued exponents of float arrays are computed as products, as PyTorch does:
# NumPy's ``np.power`` calls the C library's ``pow`` per element, which takes ~20-60 ns per
# element on float32 (most for negative bases: ``x ** 3`` of the tanh GELU, where
# ``x * x * x`` takes under 1 ns per element). These are PyTorch's own products (-2 to 3:
# ``1 / (x * x)``, ``1 / x``, 1, ``x``, ``x * x``, ``x * x * x``), so the values agree with
# PyTorch's bit for bit; other exponents use ``pow`` in both libraries.
_PRODUCT_EXPONENTS = range(-2, 4)


def _small_int_exponent(a, b) -> int | None:
    """The exponent as an int when ``a ** b`` is computed by products: ``a`` a float array
    and ``b`` a number (or 0-d array) whose value is in ``_PRODUCT_EXPONENTS``."""
    if not is_array(a) or a.dtype.kind != "f":
        return None
    if is_array(b):
        if b.ndim != 0 or b.dtype.kind not in "iuf":
            return None
        b = b.item()
    elif b.__class__ is not float and b.__class__ is not int:
        return None
    if b not in _PRODUCT_EXPONENTS:  # (fractions, nan, inf and other powers: np.power)
        return None
    return int(b)


def _power_by_products(a: np.ndarray, n: int) -> np.ndarray:
    """``a ** n`` for a float array and ``n`` in ``_PRODUCT_EXPONENTS``.

    float16 is computed in float32 and rounded once, as ``np.power`` and PyTorch do."""
    if a.dtype.type is np.float16:
        return _power_by_products(a.astype(np.float32), n).astype(np.float16)
    if n < 0:
        return np.reciprocal(a if n == -1 else a * a)
    if n == 0:
        return np.ones_like(a)
    if n == 1:
        return a.copy()
    return a * a if n == 2 else a * a * a


def _int_pow_negative(ctx, a, b, a2, b2):
    """Integer powers with negative exponent tensors, as PyTorch: 1/a**|b| truncated (1 for
    a = 1, +-1 for a = -1, else 0); NumPy refuses them."""
    a2 = as_array(a2, b2.dtype) if not is_array(a2) else a2
    neg = b2 < 0
    out = np.power(a2, np.where(neg, 0, b2))
    sign = np.where(b2 % 2 == 0, 1, -1)
    small = np.where(a2 == 1, 1, np.where(a2 == -1, sign, 0)).astype(out.dtype)
    out = as_array(np.where(neg, small, out))
    ctx.save_for_backward(a, b, out)
    return out


def add(input, other, *, alpha=1) -> Tensor:
    """``input + alpha * other``, broadcast, in PyTorch's result dtype.

    >>> npgrad.add(npgrad.tensor([1, 2]), 0.5)
    tensor([1.5000, 2.5000])
    """
    input, other = as_operands(input, other, "add")
    if alpha != 1:
        other = _scaled("add", input, other, alpha)
    return Add.apply(input, other)


def sub(input, other, *, alpha=1) -> Tensor:
    """``input - alpha * other``."""
    input, other = as_operands(input, other, "sub")
    if alpha != 1:
        if any(isinstance(x, Tensor) and _is_bool(x._data) for x in (input, other)):
            raise RuntimeError(_BOOL_SUB)  # (before alpha * other makes a bool other a number)
        other = _scaled("sub", input, other, alpha)
    return Sub.apply(input, other)


def _scaled(op: str, input, other, alpha):
    """``alpha * other`` for add/sub; a number stays a number (so it stays weak in promotion)."""
    if isinstance(alpha, float):
        a = input._data if isinstance(input, Tensor) else input
        b = other._data if isinstance(other, Tensor) else other
        if _dt.result_type(a, b).kind in "iub":
            raise RuntimeError(f"{op}: for integral input tensors, argument alpha must not be "
                               f"a floating point number ({describe(a, b)})")
    return mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def mul(input, other) -> Tensor:
    """Elementwise product, broadcast."""
    return Mul.apply(*as_operands(input, other, "mul"))


def div(input, other, *, rounding_mode: str | None = None) -> Tensor:
    """True division (integers give floats); ``rounding_mode`` 'trunc' or 'floor' rounds.

    Rounded division keeps integer dtypes and, as in PyTorch, has a zero gradient.
    """
    input, other = as_operands(input, other, "div")
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    # rounded division has derivative 0 almost everywhere
    return zero_grad_result(_rounded_div(input, other, rounding_mode), input, other,
                            node_name="DivBackward2")


def _rounded_div(input, other, rounding_mode: str) -> np.ndarray:
    """The values of ``div`` with ``rounding_mode`` 'trunc' or 'floor'."""
    a = input._data if isinstance(input, Tensor) else input
    b = other._data if isinstance(other, Tensor) else other
    _no_bool("floor_divide" if rounding_mode == "floor" else "div_trunc", a, b)
    a, b = _dt.promote_binary(a, b)
    if as_array(a).dtype.kind in "iub":
        _zero_division("div", a, b)
    if rounding_mode == "floor":
        out = _apply_ufunc(np.floor_divide, "div", a, b)
    elif as_array(a).dtype.kind in "iub":
        q = _apply_ufunc(np.floor_divide, "div", a, b)
        out = q + ((q < 0) & (q * b != a))
    else:
        out = np.trunc(_apply_ufunc(np.true_divide, "div", a, b))
    return as_array(out)


def floor_divide(input, other) -> Tensor:
    """``input // other``: division rounded toward minus infinity, as Python's ``//``.

    Unlike ``div(rounding_mode='floor')`` (gradient 0), PyTorch implements no derivative for
    it: backward raises (a zero gradient would be silently wrong)."""
    input, other = as_operands(input, other, "floor_divide")
    return not_differentiable(_rounded_div(input, other, "floor"), "floor_divide", input, other)


def remainder(input, other) -> Tensor:
    """``input % other`` with the sign of the divisor, as Python's ``%``."""
    input, other = as_operands(input, other, "remainder")
    a = input._data if isinstance(input, Tensor) else input
    b = other._data if isinstance(other, Tensor) else other
    _no_bool("remainder", a, b)
    if _dt.result_type(a, b).kind in "iu":
        _zero_division("remainder", a, b)
    if not isinstance(input, Tensor):
        # number % tensor: PyTorch has no derivative (backward raises), not d/db = -floor(a/b)
        out = as_array(_apply_ufunc(np.remainder, "remainder", a, b))
        return not_differentiable(out, "remainder", other)
    return Remainder.apply(input, other)


# PyTorch 2.13's backward of a Python bool base ** a tensor fails (a RuntimeError from an
# internal assert on the bool Scalar): npgrad raises the same class, with a message that says
# what is missing, rather than a silently wrong gradient
_BOOL_BASE_POW_ERROR = "the derivative for 'pow' with a Python bool base is not implemented"


def pow(input, exponent) -> Tensor:  # noqa: A001 (PyTorch's name)
    """``input ** exponent``, differentiable in both base and exponent."""
    input = as_operand(input, "pow", "input")
    exponent = as_operand(exponent, "pow", "exponent")
    if input.__class__ is bool and isinstance(exponent, Tensor) and exponent._rg:
        out = Pow.apply(input, exponent.detach())._data
        return not_differentiable(out, "pow", exponent, message=_BOOL_BASE_POW_ERROR)
    return Pow.apply(input, exponent)


true_divide = divide = div
subtract, multiply = sub, mul


# ---------------------------------------------------------------------------------------------
# Comparison (bool results, no gradient)
# ---------------------------------------------------------------------------------------------

def _compare(ufunc, op: str, a, b) -> Tensor:
    a, b = as_tensor_arg(a, op), as_operand(b, op)  # (torch.lt(1, x) is a TypeError)
    ra = a._data if isinstance(a, Tensor) else a
    rb = b._data if isinstance(b, Tensor) else b
    if ra.__class__ is int or rb.__class__ is int:
        # PyTorch casts the number to the tensor's integer dtype first (uint8 < -1 is True)
        ra, rb = _dt.wrap_ints(ra, rb)
    return Tensor._make(as_array(_apply_ufunc(ufunc, op, ra, rb)))


def eq(input, other) -> Tensor:
    """Elementwise ``==`` as a bool tensor."""
    return _compare(np.equal, "eq", input, other)


def ne(input, other) -> Tensor:
    """Elementwise ``!=`` as a bool tensor."""
    return _compare(np.not_equal, "ne", input, other)


def lt(input, other) -> Tensor:
    """Elementwise ``<`` as a bool tensor."""
    return _compare(np.less, "lt", input, other)


def le(input, other) -> Tensor:
    """Elementwise ``<=`` as a bool tensor."""
    return _compare(np.less_equal, "le", input, other)


def gt(input, other) -> Tensor:
    """Elementwise ``>`` as a bool tensor."""
    return _compare(np.greater, "gt", input, other)


def ge(input, other) -> Tensor:
    """Elementwise ``>=`` as a bool tensor."""
    return _compare(np.greater_equal, "ge", input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


# ---------------------------------------------------------------------------------------------
# Bitwise (integer and bool tensors only) and logical
# ---------------------------------------------------------------------------------------------

def _is_bool(x) -> bool:
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, np.ndarray) and x.dtype.kind == "b")


def _bitwise(ufunc, op: str, a, b) -> Tensor:
    a, b = as_operand(a, op), as_operand(b, op)
    ra = a._data if isinstance(a, Tensor) else a
    rb = b._data if isinstance(b, Tensor) else b
    for x in (ra, rb):
        if isinstance(x, float) or (isinstance(x, np.ndarray) and is_float_np(x.dtype)):
            raise NotImplementedError(f"{op}: only integer and bool tensors are supported, "
                                      f"got {describe(ra, rb)}")
    return Tensor._make(as_array(_apply_ufunc(ufunc, op, ra, rb)))


def bitwise_and(input, other) -> Tensor:
    """Elementwise ``&`` of integer or bool tensors."""
    return _bitwise(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other) -> Tensor:
    """Elementwise ``|`` of integer or bool tensors."""
    return _bitwise(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other) -> Tensor:
    """Elementwise ``^`` of integer or bool tensors."""
    return _bitwise(np.bitwise_xor, "bitwise_xor", input, other)


def _shift(ufunc, op: str, a, b) -> Tensor:
    a, b = as_operand(a, op), as_operand(b, op)
    ra = a._data if isinstance(a, Tensor) else a
    rb = b._data if isinstance(b, Tensor) else b
    _no_bool(op, ra, rb)  # shifts have no bool kernel (bool with an int promotes to int)
    out = _bitwise(ufunc, op, a, b)._data
    # PyTorch: a shift by a negative amount or by the width or more gives 0 (a right shift
    # of a negative number gives -1); NumPy leaves those to the C compiler
    bits = out.dtype.itemsize * 8
    amount = as_array(rb)
    bad = (amount < 0) | (amount >= bits)
    if np.any(bad):
        fill = 0 if ufunc is np.left_shift else np.where(as_array(ra) < 0, -1, 0)
        out = np.where(bad, fill, out).astype(out.dtype)
    return Tensor._make(out)


def bitwise_left_shift(input, other) -> Tensor:
    """Elementwise ``<<`` of integer tensors."""
    return _shift(np.left_shift, "bitwise_left_shift", input, other)


def bitwise_right_shift(input, other) -> Tensor:
    """Elementwise ``>>`` (arithmetic for signed integers)."""
    return _shift(np.right_shift, "bitwise_right_shift", input, other)


def bitwise_not(input) -> Tensor:
    """Elementwise ``~``: bit flip for integers, logical not for bools."""
    input = as_tensor_arg(input, "bitwise_not")
    if is_float_np(input._data.dtype):
        raise NotImplementedError(f"bitwise_not: only integer and bool tensors are supported, "
                                  f"got {describe(input)}")
    return Tensor._make(np.invert(input._data))


def _logical(ufunc, op: str, a, b) -> Tensor:
    a, b = as_tensor_arg(a, op), as_tensor_arg(b, op, "other")  # (no numbers, as PyTorch)
    ra = a._data if isinstance(a, Tensor) else a
    rb = b._data if isinstance(b, Tensor) else b
    try:
        return Tensor._make(as_array(ufunc(ra, rb)))
    except ValueError:
        raise broadcast_error(op, ra, rb) from None


def logical_and(input, other) -> Tensor:
    """Elementwise logical and (nonzero is true), as a bool tensor."""
    return _logical(np.logical_and, "logical_and", input, other)


def logical_or(input, other) -> Tensor:
    """Elementwise logical or, as a bool tensor."""
    return _logical(np.logical_or, "logical_or", input, other)


def logical_xor(input, other) -> Tensor:
    """Elementwise logical xor, as a bool tensor."""
    return _logical(np.logical_xor, "logical_xor", input, other)


def logical_not(input) -> Tensor:
    """Elementwise logical not, as a bool tensor."""
    input = as_tensor_arg(input, "logical_not")
    return Tensor._make(as_array(np.logical_not(input._data)))


# ---------------------------------------------------------------------------------------------
# where
# ---------------------------------------------------------------------------------------------

class Where(Primitive):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, x, y):
        if cond.dtype.kind != "b":
            raise RuntimeError(f"where: expected condition to be a bool tensor, got {cond.dtype}")
        ctx.cond = cond
        if not is_array(x) and not is_array(y):
            dt = _dt.result_type(x, y)  # two numbers: the default dtype, not NumPy's float64
            x, y = dt.type(x), dt.type(y)  # (scalars, which meet arrays on any device)
        else:
            x, y = _dt.promote_binary(x, y)
        try:
            return as_array(np.where(cond, x, y))
        except ValueError:
            raise RuntimeError(f"where: shapes {describe(cond, x, y)} do not broadcast") \
                from None

    @staticmethod
    def backward(ctx, grad):
        _, need_x, need_y = ctx.needs_input_grad
        cond = Tensor._make(ctx.cond)
        zero = 0.0
        gx = where(cond, grad, zero) if need_x else None
        gy = where(cond, zero, grad) if need_y else None
        return None, gx, gy


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``; with one argument, the indices of
    the nonzero elements (``nonzero(condition, as_tuple=True)``)."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    condition = as_operand(condition, "where")
    if not isinstance(condition, Tensor):
        raise TypeError("where(): argument 'condition' must be a Tensor")
    if condition._data.dtype == np.uint8:     # accepted by PyTorch, with this warning
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated "
                      "and will be removed in a future version of PyTorch. Use a boolean "
                      "condition instead.", UserWarning, stacklevel=2)
        condition = condition.bool()
    return Where.apply(condition, as_operand(input, "where"), as_operand(other, "where"))


def rsub(input, other, *, alpha=1) -> Tensor:
    """``other - alpha * input`` (subtraction with the operands reversed)."""
    return sub(other, as_tensor_arg(input, "rsub"), alpha=alpha)
