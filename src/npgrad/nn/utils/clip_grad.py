"""Gradient clipping: ``clip_grad_norm_`` (= ``get_total_norm`` then ``clip_grads_with_norm_``)
and ``clip_grad_value_``, in place on ``.grad``."""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from ...backend import array_module, host_check, is_device_array
from ...tensor import Tensor


def _with_grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def _total_norm(arrays: list, norm_type: float) -> float:
    """The ``norm_type`` norm of all ``arrays`` together (the norm of their norms)."""
    if not arrays:
        return 0.0
    if norm_type == math.inf:
        return max(float(np.abs(g).max()) if g.size else 0.0 for g in arrays)
    if norm_type == 2.0 and all(g.dtype in (np.float32, np.float64) for g in arrays):
        # one BLAS dot per array, accumulating in its dtype as PyTorch's norms do (the
        # float64 abs/power/sum below makes four passes and a copy)
        return math.sqrt(sum(float(np.vdot(g, g)) for g in arrays))
    return sum(float(np.sum(np.abs(g.astype(np.float64)) ** norm_type))
               for g in arrays) ** (1.0 / norm_type)


def _device_total_norm(arrays: list, norm_type: float):
    """:func:`_total_norm` of device arrays, the same numbers in the same order, kept a 0-d
    float64 array on their device: clipping inside a training step reads nothing on the
    host (PyTorch keeps its total norm a device tensor too)."""
    xp = array_module(*arrays)
    zero = xp.zeros((), np.float64)
    if norm_type == math.inf:
        parts = [np.abs(g).max().astype(np.float64) for g in arrays if g.size]
        return xp.stack(parts).max() if parts else zero
    if norm_type == 2.0 and all(g.dtype in (np.float32, np.float64) for g in arrays):
        return np.sqrt(sum((np.vdot(g, g).astype(np.float64) for g in arrays), zero))
    return sum((np.sum(np.abs(g.astype(np.float64)) ** norm_type) for g in arrays),
               zero) ** (1.0 / norm_type)


def get_total_norm(tensors: Iterable[Tensor] | Tensor, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """The ``norm_type`` norm of all ``tensors`` together (as if concatenated into one
    vector), a 0-d tensor of their dtype. NOTE: computed outside the graph (PyTorch's is
    differentiable; it is used on gradients, which need no graph)."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    arrays = [t._data for t in tensors]
    norm_type = float(norm_type)
    if arrays and is_device_array(arrays[0]):
        total = _device_total_norm(arrays, norm_type)
        if error_if_nonfinite and host_check(~np.isfinite(total)):  # (PyTorch reads it too)
            raise _nonfinite(norm_type)
        return Tensor._make(total.astype(arrays[0].dtype))
    total = _total_norm(arrays, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise _nonfinite(norm_type)
    if not arrays:
        return Tensor._make(np.array(total, np.float32))
    return Tensor._make(np.array(total, arrays[0].dtype))


def _nonfinite(norm_type: float) -> RuntimeError:
    return RuntimeError(f"The total norm of order {norm_type} for gradients from "
                        "`parameters` is non-finite, so it cannot be clipped. To disable "
                        "this error and scale the gradients by the non-finite norm anyway, "
                        "set `error_if_nonfinite=False`")


def clip_grads_with_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                          total_norm, foreach=None) -> None:
    """Scale the gradients by ``min(max_norm / (total_norm + 1e-6), 1)`` in place (the
    second half of ``clip_grad_norm_``, with a norm computed by ``get_total_norm``)."""
    params = _with_grads(parameters)
    total = total_norm._data if isinstance(total_norm, Tensor) else total_norm
    if is_device_array(total):  # the same coefficient, computed on the device
        coef = np.minimum(max_norm / (total.astype(np.float64) + 1e-6), 1.0)
        for p in params:
            p.grad._data *= coef.astype(p.grad._data.dtype)
        return
    coef = min(max_norm / (float(total_norm) + 1e-6), 1.0)
    for p in params:
        p.grad._data *= p.grad._data.dtype.type(coef)


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale all gradients together so that their joint ``norm_type`` norm is at most
    ``max_norm``; returns the norm before clipping (as PyTorch, scaled by
    ``max_norm / (norm + 1e-6)`` when clipping)."""
    params = _with_grads(parameters)
    if not params:
        return Tensor._make(np.array(0.0, np.float32))
    total = get_total_norm([p.grad for p in params], norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float,
                     foreach=None) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    for p in _with_grads(parameters):
        np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)


def clip_grad_norm(parameters, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Deprecated alias of :func:`clip_grad_norm_`."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)
