"""Adafactor (Shazeer & Stern): Adam-like steps with a factored second moment, one row and
one column statistic per matrix instead of one value per element, and a relative step size."""
from __future__ import annotations

import math

import numpy as np

from ..backend import is_device_array
from ..tensor import Tensor
from .adam import _next_step
from .optimizer import Optimizer, _lerp_


def _rms(x: np.ndarray):
    """Root mean square of all the elements (``norm / sqrt(numel)``): a float, or on a device
    the same number as a 0-d float64 array (read on the host, it would stall each step)."""
    norm = np.sqrt(np.sum(np.square(x, dtype=x.dtype)))
    if is_device_array(x):
        return norm.astype(np.float64) / math.sqrt(max(x.size, 1))
    return float(norm) / math.sqrt(max(x.size, 1))


def _max(a: float, b):
    """``max(a, b)`` of a number and :func:`_rms`'s float or 0-d device array."""
    return max(a, b) if isinstance(b, float) else np.maximum(a, b)


class Adafactor(Optimizer):
    """Adafactor as PyTorch's: for parameters of two or more dimensions the second moment is
    ``row_var @ col_var / mean(row_var)`` over the last two dimensions; the step is
    ``max(eps2, rms(param)) * min(lr, 1 / sqrt(t))``, divided by ``max(1, rms(update) / d)``;
    ``beta2`` follows ``1 - t ** beta2_decay``; no first moment.

    >>> opt = npgrad.optim.Adafactor(model.parameters(), lr=1e-2)
    """

    def __init__(self, params, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach=None, maximize: bool = False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    # row_var and col_var have a dimension of size 1 where their parameter has a row/column
    _SCALAR_STATE = Optimizer._SCALAR_STATE | {"row_var", "col_var"}

    def _update_group(self, group: dict) -> None:
        lr, decay, wd, d = float(group["lr"]), group["beta2_decay"], group["weight_decay"], \
            group["d"]
        eps1, eps2 = group["eps"]
        for p, state, g in self._params_with_grad(group):
            if "step" not in state:
                _init_state(state, p)
            t = _next_step(state)
            e1 = float(np.finfo(p._data.dtype).eps) if eps1 is None else eps1
            weight = t ** decay                     # 1 - beta2 at step t
            rho = min(lr, 1 / t ** 0.5)
            alpha = _max(eps2, _rms(p._data)) * rho
            if wd:
                self._write(p, p._data * (1 - lr * wd))
            if g.ndim > 1:
                row, col = state["row_var"]._data, state["col_var"]._data
                square = np.square(g)
                _lerp_(row, np.mean(square, axis=-1, keepdims=True), weight)
                _lerp_(col, np.mean(square, axis=-2, keepdims=True), weight)
                var = row @ col
                var /= np.maximum(np.mean(row, axis=-2, keepdims=True), e1)
            else:
                var = _lerp_(state["variance"]._data, g * g, weight).copy()
            # eps1 squared, as the square root comes after
            update = g / np.sqrt(np.maximum(var, e1 * e1))
            size = alpha / _max(1.0, _rms(update) / d)
            if not isinstance(size, float):  # (a device array: in update's dtype, as a float)
                size = size.astype(update.dtype)
            self._write(p, p._data - size * update)


def _init_state(state: dict, p: Tensor) -> None:
    """``step``, and the factored statistics of a matrix (sizes 1 in the last and the
    second-to-last dimension) or the full ``variance`` of a vector or scalar."""
    state["step"] = Tensor._make(np.array(0.0, np.float32))
    x = p._data
    if x.ndim > 1:
        state["row_var"] = Tensor._make(np.zeros_like(x, shape=x.shape[:-1] + (1,)))
        state["col_var"] = Tensor._make(np.zeros_like(x, shape=x.shape[:-2] + (1,) +
                                                     x.shape[-1:]))
    else:
        state["variance"] = Tensor._make(np.zeros_like(x))
