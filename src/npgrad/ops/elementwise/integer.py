"""Integer and bit-level math: ``frexp``, ``ldexp``, ``nextafter``, ``gcd``, ``lcm`` and
``heaviside``. (Their results have no gradient, or refuse one, as in PyTorch.)
"""
from __future__ import annotations

import numpy as np

from ...backend import as_array
from ...dtypes import is_float_np
from ... import dtypes as _dt, return_types
from .._arguments import Tensor, as_tensor_arg, describe
from .binary import check_broadcast
from .pointwise import float_result
from .unary import not_differentiable
from ...autograd.function import Primitive

__all__ = ["frexp", "ldexp", "nextafter", "gcd", "lcm", "heaviside"]

frexp_type = return_types.make("frexp", ("mantissa", "exponent"))


# ---------------------------------------------------------------------------------------------
# Floating-point decomposition and integer functions
# ---------------------------------------------------------------------------------------------

def frexp(input):
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent``, mantissa in
    [0.5, 1) in magnitude; exponent is int32. The mantissa's gradient is ``grad / 2**e``."""
    input = as_tensor_arg(input, "frexp")
    a = input._data
    if not is_float_np(a.dtype):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    _, e = np.frexp(a)
    e = e.astype(np.int32)
    # mantissa = input * 2**-e: exact in floating point, and gives the gradient for free;
    # 2**-e in two halves, as a subnormal's 2**-e (2**148 in float32) or the largest float's
    # 2**e does not fit the dtype
    half = -e // 2
    one = np.ones_like(a, shape=())
    mantissa = (input * Tensor._make(np.ldexp(one, half).astype(a.dtype))
                * Tensor._make(np.ldexp(one, -e - half).astype(a.dtype)))
    return frexp_type(mantissa, Tensor._make(e))


class Ldexp(Primitive):
    """``a * 2 ** e`` for an integer tensor ``e``, exactly (``np.ldexp``): ``2 ** e`` as a
    float overflows for a subnormal ``a`` times ``2 ** 128``, and ``0 * inf`` would be NaN."""
    node_name = "LdexpBackward0"

    @staticmethod
    def forward(ctx, a, e):
        check_broadcast("ldexp", a, e)
        ctx.save_for_backward(e)
        return np.ldexp(a, e.astype(np.int64, copy=False))

    @staticmethod
    def backward(ctx, grad):
        (e,) = ctx.saved_tensors
        return Ldexp.apply(grad, e), None


def ldexp(input, other) -> Tensor:
    """``input * 2 ** other`` (integer inputs give the default float dtype)."""
    input, other = as_tensor_arg(input, "ldexp"), as_tensor_arg(other, "ldexp", "other")
    if isinstance(other, Tensor) and is_float_np(other._data.dtype):
        return input * 2.0 ** other  # a float exponent takes part in type promotion
    if isinstance(other, Tensor) and is_float_np(input._data.dtype):
        # PyTorch's ldexp kernel for a float input (which refuses a bool exponent); an integer
        # input goes through input * 2.0 ** other, 0 * inf included, as PyTorch's
        if other._data.dtype.kind == "b":
            raise NotImplementedError('"ldexp_cpu_exp" not implemented for \'Bool\'')
        return Ldexp.apply(input, other)
    if not is_float_np(input._data.dtype):
        input = input.to(_dt.get_default_dtype())
    # the power in input's dtype, so the result keeps it (a 0-d input too), as PyTorch
    return input * (2.0 ** other.to(input.dtype) if isinstance(other, Tensor) else
                    2.0 ** float(other))


def nextafter(input, other) -> Tensor:
    """The next floating-point value after ``input`` towards ``other`` (no gradient)."""
    input, other = as_tensor_arg(input, "nextafter"), as_tensor_arg(other, "nextafter")
    a, b = input._data, other._data
    float_result("nextafter", a, b)
    dt = _dt.result_type(a, b)
    check_broadcast("nextafter", a, b)
    return not_differentiable(as_array(np.nextafter(a.astype(dt), b.astype(dt))),
                              "nextafter", input, other)


def _int_pair(input, other, op: str):
    input, other = as_tensor_arg(input, op), as_tensor_arg(other, op, "other")
    b = other._data
    a = input._data
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        bad = a.dtype if a.dtype.kind not in "iu" else b.dtype
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(bad)}' ({op}: only integer tensors "
                                  f"are supported, got {describe(input, other)})")
    dt = _dt.result_type(a, other._data if isinstance(other, Tensor) else int(other))
    return a.astype(dt), b.astype(dt)


def gcd(input, other) -> Tensor:
    """Elementwise greatest common divisor of integer tensors (non-negative)."""
    a, b = _int_pair(input, other, "gcd")
    check_broadcast("gcd", a, b)
    return Tensor._make(as_array(np.gcd(a, b)))


def lcm(input, other) -> Tensor:
    """Elementwise least common multiple of integer tensors (non-negative)."""
    a, b = _int_pair(input, other, "lcm")
    check_broadcast("lcm", a, b)
    # PyTorch's |a / gcd * b|: an overflowing product wraps before abs (NumPy's lcm takes
    # abs first: lcm(2**63 - 1, 4) is -4 there, 4 in PyTorch); types narrower than C's int
    # compute in int (int32) and are cast back, as PyTorch's kernel does
    dt = a.dtype
    if dt.itemsize < 4:
        a, b = a.astype(np.int32), b.astype(np.int32)
    g = np.gcd(a, b)
    zero = g == 0
    out = np.abs(a // np.where(zero, g.dtype.type(1), g) * b)
    return Tensor._make(as_array(np.where(zero, out.dtype.type(0), out).astype(dt, copy=False)))


def heaviside(input, values) -> Tensor:
    """The step function: 0 below zero, 1 above, ``values`` at zero (no gradient, as
    PyTorch, which has none implemented)."""
    input, values = as_tensor_arg(input, "heaviside"), as_tensor_arg(values, "heaviside")
    a, v = input._data, values._data
    if a.dtype != v.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different "
                           f"dtypes ({describe(input, values)})")
    check_broadcast("heaviside", a, v)
    # (a nan input gives 0, as PyTorch's kernel: it is neither 0 nor above it)
    out = np.where(a == 0, v, (a > 0).astype(a.dtype))
    return not_differentiable(as_array(out, a.dtype), "heaviside", input, values)
