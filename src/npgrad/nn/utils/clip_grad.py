"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_``, in place on ``.grad``."""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from ...tensor import Tensor


def _with_grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale all gradients together so that their joint ``norm_type`` norm is at most
    ``max_norm``; returns the norm before clipping (as PyTorch, scaled by
    ``max_norm / (norm + 1e-6)`` when clipping)."""
    params = _with_grads(parameters)
    if not params:
        return Tensor._make(np.array(0.0, np.float32))
    norm_type = float(norm_type)
    grads = [p.grad._data for p in params]
    if norm_type == math.inf:
        norms = [np.abs(g).max() if g.size else 0.0 for g in grads]
        total = max(norms)
    elif norm_type == 2.0 and all(g.dtype in (np.float32, np.float64) for g in grads):
        # one BLAS dot per gradient, accumulating in its dtype as PyTorch's norms do (the
        # float64 abs/power/sum below makes four passes and a copy)
        total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    else:
        total = sum(float(np.sum(np.abs(g.astype(np.float64)) ** norm_type))
                    for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    coef = min(max_norm / (total + 1e-6), 1.0)
    for p in params:
        p.grad._data *= p.grad._data.dtype.type(coef)
    return Tensor._make(np.array(total, grads[0].dtype))


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float,
                     foreach=None) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    for p in _with_grads(parameters):
        np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)


def clip_grad_norm(parameters, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Deprecated alias of :func:`clip_grad_norm_`."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)
