"""Binary elementwise math beyond the operators: maximum, minimum, atan2, hypot, lerp, ...

Same rules as ``binary.py``: operands broadcast, PyTorch's result dtype, and the engine undoes
broadcasting in gradients.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import dtypes as _dt
from ..autograd.function import Primitive
from ._util import Tensor, as_operand, as_tensor_arg, describe
from .binary import _apply_ufunc, broadcast_error, where

__all__ = ["maximum", "minimum", "fmax", "fmin"]


def _tensor_other(x, op: str) -> Tensor:
    """``other`` of ops PyTorch defines for two tensors only (numbers are a TypeError)."""
    if isinstance(x, numbers.Number):
        raise TypeError(f"{op}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(x).__name__}")
    return as_tensor_arg(x, op)


def _mask(m) -> Tensor:
    return Tensor._make(np.asarray(m))


# ---------------------------------------------------------------------------------------------
# maximum, minimum (nan-propagating) and fmax, fmin (nan-ignoring)
# ---------------------------------------------------------------------------------------------

class _MinMax(Primitive):
    ufunc = np.maximum
    op = "maximum"

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.asarray(_apply_ufunc(cls.ufunc, cls.op, a, b))


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
