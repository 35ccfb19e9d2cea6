"""Stochastic gradient descent, with PyTorch's momentum, dampening and Nesterov rules."""
from __future__ import annotations

from ..backend import as_array
from ..tensor import Tensor
from .optimizer import Optimizer, _check_lr, required


class SGD(Optimizer):
    """``p -= lr * g`` with optional momentum (``buf = momentum * buf + (1 - dampening) * g``),
    Nesterov momentum, L2 weight decay and ``maximize``; exactly PyTorch's update."""

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach=None, differentiable: bool = False, fused=None) -> None:
        if lr is not required:
            _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))
        self._check_fused()

    def _update_group(self, group: dict) -> None:
        lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
        wd, nesterov = group["weight_decay"], group["nesterov"]
        for p, state, g in self._params_with_grad(group):
            if wd:
                g = g + wd * p._data
            if mom:
                buf = state.get("momentum_buffer")
                if buf is None:
                    # (an array even for a 0-d parameter, whose g is a NumPy scalar)
                    buf = Tensor._make(as_array(g, p._data.dtype).copy())
                    state["momentum_buffer"] = buf
                else:
                    b = buf._data
                    b *= mom
                    b += (1 - damp) * g
                g = g + mom * buf._data if nesterov else buf._data
            self._write(p, p._data - lr * g)

    def _differentiable_update(self, group: dict) -> None:
        """The update as recorded tensor ops (``differentiable=True``), as PyTorch's: the
        momentum buffer starts as a detached copy of the first gradient."""
        lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
        for p in group["params"]:
            if p.grad is None:
                continue
            g = -p.grad if group["maximize"] else p.grad
            if group["weight_decay"]:
                g = g.add(p, alpha=group["weight_decay"])
            if mom:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = g.clone().detach()
                else:
                    buf.mul_(mom).add_(g, alpha=1 - damp)
                g = g.add(buf, alpha=mom) if group["nesterov"] else buf
            p.add_(g, alpha=-lr)
