"""The Adam family: ``Adam``, ``AdamW``, ``Adamax``, ``NAdam``, ``RAdam``, with PyTorch's exact
update rules and defaults (bias corrections, amsgrad, decoupled weight decay)."""
from __future__ import annotations

import math

import numpy as np

from ..ops.elementwise.pointwise import maximum
from ..ops.reduction.reduce import amax
from ..ops.shape.joins import stack
from ..tensor import Tensor
from .optimizer import Optimizer, _check_lr


def _check(lr: float, eps: float, betas, weight_decay: float) -> None:
    _check_lr(lr)
    if eps < 0.0:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
    if weight_decay < 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _zeros(p: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(p._data))


def _next_step(state: dict) -> float:
    """Advance the step counter (a float32 0-d tensor, as PyTorch keeps it) and return it."""
    step = state.get("step")
    if step is None:
        step = state["step"] = Tensor._make(np.array(0.0, np.float32))
    step._data += 1
    return float(step._data)


def _weight_decay(group: dict, x, g):
    """``(param value, gradient)`` after weight decay: decoupled (AdamW) shrinks the parameter
    by ``lr * wd``, otherwise (L2) ``wd * param`` is added to the gradient."""
    wd = group["weight_decay"]
    if not wd:
        return x, g
    if group["decoupled_weight_decay"]:
        return x * (1 - group["lr"] * wd), g
    return x, g + wd * x


def _moments(state: dict, p: Tensor, g, beta1: float, beta2: float):
    """Update and return the first and second moment arrays (exp_avg, exp_avg_sq)."""
    if "exp_avg" not in state:
        state["exp_avg"], state["exp_avg_sq"] = _zeros(p), _zeros(p)
    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
    m += (1 - beta1) * (g - m)          # m.lerp_(g, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g
    return m, v


class Adam(Optimizer):
    """Adam (Kingma & Ba), with L2 ``weight_decay`` added to the gradient (or decoupled, as
    AdamW, with ``decoupled_weight_decay=True``) and ``amsgrad``."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused=None, decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and "
                             "foreach=True")
        _check(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))
        self._check_fused()

    def _update_group(self, group: dict) -> None:
        # In place, with one scratch array per parameter (speed: a fresh array for each of the
        # dozen terms doubled the step's cost); the same operations in the same order as
        # torch's single-tensor Adam.
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, amsgrad = group["weight_decay"], group["amsgrad"]
        decoupled = group["decoupled_weight_decay"]
        for p, state, g in self._params_with_grad(group):
            step = _next_step(state)
            x = p._data
            if wd and decoupled:
                x *= 1 - lr * wd
            elif wd:
                g = g + wd * x
            if "exp_avg" not in state:
                state["exp_avg"], state["exp_avg_sq"] = _zeros(p), _zeros(p)
            m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
            # (an out= array: a 0-d parameter's arithmetic would otherwise give NumPy scalars)
            tmp = np.subtract(g, m, out=np.empty_like(m), casting="unsafe")
            tmp *= 1 - beta1
            m += tmp                            # m.lerp_(g, 1 - beta1)
            np.multiply(g, 1 - beta2, out=tmp, casting="unsafe")
            tmp *= g
            v *= beta2
            v += tmp                            # v.mul_(beta2).addcmul_(g, g, 1 - beta2)
            bc1, bc2_sqrt = 1 - beta1 ** step, math.sqrt(1 - beta2 ** step)
            if amsgrad:
                if "max_exp_avg_sq" not in state:
                    state["max_exp_avg_sq"] = _zeros(p)
                vmax = state["max_exp_avg_sq"]._data
                np.maximum(vmax, v, out=vmax)
                v = vmax
            np.sqrt(v, out=tmp)
            tmp /= bc2_sqrt
            tmp += eps                          # denom
            np.divide(m, tmp, out=tmp)
            tmp *= lr / bc1
            np.subtract(x, tmp, out=x, casting="unsafe")   # p.addcdiv_(m, denom, -lr / bc1)
            p._bump()


    def _differentiable_update(self, group: dict) -> None:
        """The update as recorded tensor ops (``differentiable=True``), as PyTorch's
        single-tensor Adam: moments and parameter change in place, in the graph."""
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd = group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            g = -p.grad if group["maximize"] else p.grad
            step = _next_step(state)
            if wd and group["decoupled_weight_decay"]:
                p.mul_(1 - lr * wd)
            elif wd:
                g = g.add(p, alpha=wd)
            if "exp_avg" not in state:
                state["exp_avg"], state["exp_avg_sq"] = _zeros(p), _zeros(p)
            m, v = state["exp_avg"], state["exp_avg_sq"]
            m.lerp_(g, 1 - beta1)
            v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            if group["amsgrad"]:
                if "max_exp_avg_sq" not in state:
                    state["max_exp_avg_sq"] = _zeros(p)
                v_max = state["max_exp_avg_sq"]
                v_max.copy_(maximum(v_max.clone(), v))
                v = v_max
            # PyTorch's differentiable path computes the bias corrections from its float32
            # step tensor, in float32 (its plain path in Python floats, as _update_group)
            f32 = np.float32
            bc1 = f32(1) - f32(beta1) ** f32(step)
            bc2_sqrt = np.sqrt(f32(1) - f32(beta2) ** f32(step))
            step_size_neg = -(f32(lr) / bc1)
            denom = (v.sqrt() / float(bc2_sqrt * step_size_neg)).add_(
                float(f32(eps) / step_size_neg))
            p.addcdiv_(m.clone(), denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): ``p *= 1 - lr * wd`` first."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, **kwargs) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         decoupled_weight_decay=True, **kwargs)


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of the second moment."""

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, differentiable=differentiable,
                                      capturable=capturable))

    def _update_group(self, group: dict) -> None:
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], \
            group["weight_decay"]
        for p, state, g in self._params_with_grad(group):
            step = _next_step(state)
            if wd:
                g = g + wd * p._data
            if "exp_avg" not in state:
                state["exp_avg"], state["exp_inf"] = _zeros(p), _zeros(p)
            m, u = state["exp_avg"]._data, state["exp_inf"]._data
            m += (1 - beta1) * (g - m)
            np.maximum(u * beta2, np.abs(g) + eps, out=u)
            self._write(p, p._data - (lr / (1 - beta1 ** step)) * m / u)

    def _differentiable_update(self, group: dict) -> None:
        """The update as recorded tensor ops (``differentiable=True``), as PyTorch's (the
        infinity norm through ``amax`` of the two candidates, which splits a tie's gradient)."""
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], \
            group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            g = -p.grad if group["maximize"] else p.grad
            step = _next_step(state)
            if wd:
                g = g.add(p, alpha=wd)
            if "exp_avg" not in state:
                state["exp_avg"], state["exp_inf"] = _zeros(p), _zeros(p)
            m, u = state["exp_avg"], state["exp_inf"]
            m.lerp_(g, 1 - beta1)
            u.copy_(amax(stack([u.mul_(beta2), g.abs().add_(eps)], 0), 0))
            p.addcdiv_(m, u, value=-lr / (1 - beta1 ** step))


class NAdam(Optimizer):
    """Adam with Nesterov momentum (Dozat), with PyTorch's momentum-decay schedule."""

    _CAPTURABLE_STATE = ("params, mu_products and state_steps",
                         "params, mu_products, and state_steps")

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _update_group(self, group: dict) -> None:
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], \
            group["weight_decay"]
        psi = group["momentum_decay"]
        for p, state, g in self._params_with_grad(group):
            step = _next_step(state)
            if "mu_product" not in state:
                state["mu_product"] = Tensor._make(np.array(1.0, np.float32))
            x, g = _weight_decay(group, p._data, g)
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
            state["mu_product"]._data *= mu
            mu_product = float(state["mu_product"]._data)
            m, v = _moments(state, p, g, beta1, beta2)
            denom = np.sqrt(v / (1 - beta2 ** step)) + eps
            x = x - (lr * (1 - mu) / (1 - mu_product)) * g / denom
            x = x - (lr * mu_next / (1 - mu_product * mu_next)) * m / denom
            self._write(p, x)


class RAdam(Optimizer):
    """Rectified Adam (Liu et al.): plain momentum SGD until the variance estimate is
    tractable, then Adam with a rectification factor."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _update_group(self, group: dict) -> None:
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], \
            group["weight_decay"]
        rho_inf = 2 / (1 - beta2) - 1
        for p, state, g in self._params_with_grad(group):
            step = _next_step(state)
            x, g = _weight_decay(group, p._data, g)
            m, v = _moments(state, p, g, beta1, beta2)
            bc1, bc2 = 1 - beta1 ** step, 1 - beta2 ** step
            m_hat = m / bc1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
            if rho_t > 5.0:
                rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                 / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                adaptive = math.sqrt(bc2) / (np.sqrt(v) + eps)
                x = x - m_hat * lr * adaptive * rect
            else:
                x = x - m_hat * lr
            self._write(p, x)
