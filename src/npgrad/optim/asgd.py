"""Averaged stochastic gradient descent (Polyak & Juditsky): SGD with a decaying step size
that keeps, in ``state['ax']``, the running average of the iterates from step ``t0`` on."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .adam import _next_step
from .optimizer import Optimizer, _check_lr


def _scalar(value: float) -> Tensor:
    """A 0-d float32 state tensor (``step``, ``eta``, ``mu``), as PyTorch keeps them."""
    return Tensor._make(np.array(value, np.float32))


class ASGD(Optimizer):
    """ASGD with PyTorch's schedule: ``eta = lr / (1 + lambd * lr * t) ** alpha`` and the
    averaging weight ``mu = 1 / max(1, t - t0)``; the parameter is also shrunk by
    ``1 - lambd * eta`` at each step.

    >>> opt = npgrad.optim.ASGD(model.parameters(), lr=0.01, t0=100)
    >>> averaged = opt.state[p]["ax"]   # the averaged parameter
    """

    _CAPTURABLE_STATE = ("params, mus, etas, and state_steps",) * 2
    _SCALAR_STATE = Optimizer._SCALAR_STATE | {"eta", "mu"}

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach=None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update_group(self, group: dict) -> None:
        lr, lambd, alpha, t0 = float(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        wd = group["weight_decay"]
        for p, state, g in self._params_with_grad(group):
            if "ax" not in state:
                state["step"], state["eta"], state["mu"] = _scalar(0.0), _scalar(lr), \
                    _scalar(1.0)
                state["ax"] = Tensor._make(np.zeros_like(p._data))
            step = _next_step(state)
            if wd:
                g = g + wd * p._data
            # eta and mu are read back from their float32 tensors, as PyTorch's ``.item()``
            eta, mu = float(state["eta"]._data), float(state["mu"]._data)
            x = p._data * (1 - lambd * eta)
            self._write(p, x - eta * g)
            ax = state["ax"]._data
            if mu != 1:
                ax += (p._data - ax) * mu
            else:
                ax[...] = p._data
            state["eta"]._data[...] = lr / (1 + lambd * lr * step) ** alpha
            state["mu"]._data[...] = 1 / max(1, step - t0)
