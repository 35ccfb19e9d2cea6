"""Resilient backpropagation (Riedmiller & Braun): a per-element step size that grows while
the gradient keeps its sign and shrinks when it flips; only the gradient's sign is used."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .adam import _next_step
from .optimizer import Optimizer, _check_lr


class Rprop(Optimizer):
    """Rprop with PyTorch's variant: after a sign flip the step size shrinks by ``etas[0]``
    and that element does not move (its remembered gradient is zeroed); otherwise it grows by
    ``etas[1]`` (or stays, for a zero product), clamped to ``step_sizes``.

    >>> opt = npgrad.optim.Rprop(model.parameters(), lr=0.01)
    """

    _CAPTURABLE_XLA = (True, True)

    def __init__(self, params, lr: float = 1e-2, etas: tuple = (0.5, 1.2),
                 step_sizes: tuple = (1e-6, 50), *, capturable: bool = False, foreach=None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _update_group(self, group: dict) -> None:
        eta_minus, eta_plus = group["etas"]
        size_min, size_max = group["step_sizes"]
        for p, state, g in self._params_with_grad(group):
            if "prev" not in state:
                state["step"] = Tensor._make(np.array(0.0, np.float32))
                state["prev"] = Tensor._make(np.zeros_like(p._data))
                state["step_size"] = Tensor._make(np.full_like(p._data, float(group["lr"])))
            _next_step(state)
            prev, size = state["prev"]._data, state["step_size"]._data
            sign = np.sign(g * prev)
            # the factor per element: grow on agreement, shrink on a flip, keep on a zero
            # (a NaN product stays NaN, as PyTorch's masked assignments leave it)
            factor = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus, np.where(
                sign == 0, 1, sign))).astype(size.dtype, copy=False)
            size *= factor
            np.clip(size, size_min, size_max, out=size)
            g = np.where(sign < 0, 0, g).astype(prev.dtype, copy=False)
            self._write(p, p._data - np.sign(g) * size)
            prev[...] = g
