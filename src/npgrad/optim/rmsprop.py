"""Adaptive per-coordinate step sizes: ``RMSprop``, ``Adagrad``, ``Adadelta``, with PyTorch's
update rules and defaults."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .adam import _next_step, _zeros
from .optimizer import Optimizer, _check_lr


def _at_least_zero(**options: float) -> None:
    """PyTorch's ``Invalid <name> value`` errors for options that must not be negative."""
    for name, value in options.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {'epsilon' if name == 'eps' else name} value: {value}")


class RMSprop(Optimizer):
    """RMSprop (Hinton): divide by a running RMS of gradients; optional centring and momentum."""

    _CAPTURABLE_XLA = (True, True)

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _at_least_zero(eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    @staticmethod
    def _init(state: dict, p: Tensor, momentum: float, centered: bool) -> None:
        if "square_avg" not in state:
            state["square_avg"] = _zeros(p)
            if momentum > 0:
                state["momentum_buffer"] = _zeros(p)
            if centered:
                state["grad_avg"] = _zeros(p)

    def _update_group(self, group: dict) -> None:
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        mom, centered = group["momentum"], group["centered"]
        for p, state, g in self._params_with_grad(group):
            _next_step(state)
            if wd:
                g = g + wd * p._data
            self._init(state, p, mom, centered)
            sq = state["square_avg"]._data
            sq *= alpha
            sq += (1 - alpha) * g * g
            if centered:
                ga = state["grad_avg"]._data
                ga += (1 - alpha) * (g - ga)
                avg = np.sqrt(sq - ga * ga) + eps
            else:
                avg = np.sqrt(sq) + eps
            if mom > 0:
                buf = state["momentum_buffer"]._data
                buf *= mom
                buf += g / avg
                self._write(p, p._data - lr * buf)
            else:
                self._write(p, p._data - lr * g / avg)

    def _differentiable_update(self, group: dict) -> None:
        """The update as recorded tensor ops (``differentiable=True``), as PyTorch's."""
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        mom, centered = group["momentum"], group["centered"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            g = -p.grad if group["maximize"] else p.grad
            self._init(state, p, mom, centered)
            _next_step(state)
            if wd:
                g = g.add(p, alpha=wd)
            sq = state["square_avg"]
            sq.mul_(alpha).addcmul_(g, g, value=1 - alpha)
            if centered:
                ga = state["grad_avg"]
                ga.lerp_(g, 1 - alpha)
                avg = sq.addcmul(ga, ga, value=-1).sqrt().add(eps)
            else:
                avg = sq.sqrt().add(eps)
            if mom > 0:
                buf = state["momentum_buffer"]
                buf.mul_(mom).addcdiv_(g, avg)
                p.add_(buf, alpha=-lr)
            else:
                p.addcdiv_(g, avg, value=-lr)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.): steps shrink with the sum of squared gradients."""

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None) -> None:
        _check_lr(lr)
        _at_least_zero(lr_decay=lr_decay, weight_decay=weight_decay,
                       initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, fused=fused))
        self._check_fused()
        for group in self.param_groups:  # PyTorch creates the state eagerly
            for p in group["params"]:
                self._init_state(self.state[p], p, group)

    @staticmethod
    def _init_state(state: dict, p: Tensor, group: dict) -> None:
        state["step"] = Tensor._make(np.array(0.0, np.float32))
        state["sum"] = Tensor._make(np.full_like(p._data, group["initial_accumulator_value"]))

    def _update_group(self, group: dict) -> None:
        lr, decay, wd, eps = group["lr"], group["lr_decay"], group["weight_decay"], group["eps"]
        for p, state, g in self._params_with_grad(group):
            if "sum" not in state:   # a group added after construction
                self._init_state(state, p, group)
            step = _next_step(state)
            if wd:
                g = g + wd * p._data
            clr = lr / (1 + (step - 1) * decay)
            s = state["sum"]._data
            s += g * g
            self._write(p, p._data - clr * g / (np.sqrt(s) + eps))

    def _differentiable_update(self, group: dict) -> None:
        """The update as recorded tensor ops (``differentiable=True``), as PyTorch's."""
        lr, decay, wd, eps = group["lr"], group["lr_decay"], group["weight_decay"], group["eps"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if "sum" not in state:
                self._init_state(state, p, group)
            g = -p.grad if group["maximize"] else p.grad
            step = _next_step(state)
            if wd:
                g = g.add(p, alpha=wd)
            s = state["sum"]
            s.addcmul_(g, g, value=1)
            p.addcdiv_(g, s.sqrt() + eps, value=-lr / (1 + (step - 1) * decay))


class Adadelta(Optimizer):
    """Adadelta (Zeiler): step sizes from running averages of squared gradients and updates."""

    _CAPTURABLE_XLA = (False, False)

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _at_least_zero(eps=eps, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, capturable=capturable,
                                      maximize=maximize, differentiable=differentiable))

    def _update_group(self, group: dict) -> None:
        lr, rho, eps, wd = group["lr"], group["rho"], group["eps"], group["weight_decay"]
        for p, state, g in self._params_with_grad(group):
            _next_step(state)
            if wd:
                g = g + wd * p._data
            if "square_avg" not in state:
                state["square_avg"], state["acc_delta"] = _zeros(p), _zeros(p)
            sq, acc = state["square_avg"]._data, state["acc_delta"]._data
            sq *= rho
            sq += (1 - rho) * g * g
            delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
            acc *= rho
            acc += (1 - rho) * delta * delta
            self._write(p, p._data - lr * delta)

    def _differentiable_update(self, group: dict) -> None:
        """The update as recorded tensor ops (``differentiable=True``), as PyTorch's."""
        lr, rho, eps, wd = group["lr"], group["rho"], group["eps"], group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            g = -p.grad if group["maximize"] else p.grad
            _next_step(state)
            if wd:
                g = g.add(p, alpha=wd)
            if "square_avg" not in state:
                state["square_avg"], state["acc_delta"] = _zeros(p), _zeros(p)
            sq, acc = state["square_avg"], state["acc_delta"]
            sq.mul_(rho).addcmul_(g, g, value=1 - rho)
            delta = acc.add(eps).sqrt().div(sq.add(eps).sqrt()).mul(g)
            acc.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            p.add_(delta, alpha=-lr)
