"""PyTorch's ``native_*`` forms of normalization and dropout: the same output as
``nn.functional``'s, plus what the kernel keeps for backward (the statistics, the mask).

Code written against ATen's decompositions calls them (``torch.native_layer_norm``...). The
extra outputs are constants here, as in PyTorch (only ``native_group_norm``'s statistics
stay differentiable there; npgrad's are detached: said where it matters).
"""
from __future__ import annotations

import builtins

import numpy as np

from ... import dtypes as _dt
from ...autograd.grad_mode import no_grad
from ...random import rng
from .._arguments import (Tensor, as_tensor_arg, named_errors, float_arg, int_arg,
                          tensor_or_none)
from .dropout import _check_p
from .normalization import (_check_batch_norm, _normalized, _stats, batch_norm, group_norm,
                            layer_norm)

__all__ = ["native_layer_norm", "native_group_norm", "native_batch_norm", "native_dropout"]


def _statistics(x: Tensor, dims: tuple, eps: float) -> tuple:
    """The mean and 1/std (biased variance) of ``x`` over ``dims`` (kept), as constants."""
    with no_grad():
        xc, rstd = _stats(x.detach(), dims, eps)
        return x.detach().mean(dims, keepdim=True), rstd


@named_errors("native_layer_norm")
def native_layer_norm(input, normalized_shape, weight, bias, eps: float) -> tuple:
    """``(layer_norm(...), mean, rstd)``; the statistics have the input's leading shape with
    a 1 for each normalized dim."""
    input = as_tensor_arg(input, "native_layer_norm")
    tensor_or_none(weight, "native_layer_norm", "weight", 3)
    tensor_or_none(bias, "native_layer_norm", "bias", 4)
    eps = float_arg(eps, "native_layer_norm", "eps", 5)
    out = layer_norm(input, normalized_shape, weight, bias, eps)
    n = _normalized(input, normalized_shape, "native_layer_norm")
    mean, rstd = _statistics(input, tuple(range(input.ndim - n, input.ndim)), eps)
    return out, mean, rstd


@named_errors("native_group_norm")
def native_group_norm(input, weight, bias, N: builtins.int, C: builtins.int,
                      HxW: builtins.int, group: builtins.int, eps: float) -> tuple:
    """``(group_norm(...), mean, rstd)`` with statistics of shape (N, group); ``N``, ``C``
    and ``HxW`` must describe ``input``. NOTE: PyTorch's statistics require grad when the
    input does; npgrad's are constants."""
    op = "native_group_norm"
    input = as_tensor_arg(input, op)
    tensor_or_none(weight, op, "weight", 2)
    tensor_or_none(bias, op, "bias", 3)
    eps = float_arg(eps, op, "eps", 8)
    N, C, HxW, group = (int_arg(v, op, name, pos) for v, name, pos in
                        ((N, "N", 4), (C, "C", 5), (HxW, "HxW", 6), (group, "group", 7)))
    if input.numel() != N * C * HxW or (input.ndim > 1 and input.shape[1] != C):
        raise RuntimeError(f"{op}: Expected input of {N} x {C} x {HxW} elements with {C} "
                           f"channels, but got input of shape {list(input.shape)}")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"GroupNormKernelImpl\" not implemented for "
                                  f"'{_dt.scalar_type_name(input._data.dtype)}' ({op})")
    out = group_norm(input, group, weight, bias, eps)
    mean, rstd = _statistics(input.reshape(N, group, -1), (2,), eps)
    return out, mean.reshape(N, group), rstd.reshape(N, group)


@named_errors("native_batch_norm")
def native_batch_norm(input, weight, bias, running_mean, running_var,
                      training: builtins.bool, momentum: float, eps: float) -> tuple:
    """``(batch_norm(...), save_mean, save_invstd)``: in training the batch's per-channel
    mean and 1/sqrt(biased var + eps) (the running statistics are updated in place); in eval
    two empty tensors, as PyTorch's CPU kernel returns."""
    input = _check_batch_norm(input, running_mean, running_var, weight, bias, training)
    momentum = float_arg(momentum, "native_batch_norm", "momentum", 7)
    eps = float_arg(eps, "native_batch_norm", "eps", 8)
    if not training:
        out = batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
        return out, *(Tensor._make(np.empty_like(input._data, shape=(0,))) for _ in "ms")
    dims = (0,) + tuple(range(2, input.ndim))
    mean, rstd = _statistics(input, dims, eps)  # (before the running statistics move)
    out = batch_norm(input, running_mean, running_var, weight, bias, True, momentum, eps)
    return out, mean.reshape(-1), rstd.reshape(-1)


@named_errors("native_dropout")
def native_dropout(input, p: float, train) -> tuple:
    """``(output, mask)``: in training (``train`` True or None) each element is kept with
    probability ``1 - p`` (``mask``, bool) and scaled by ``1 / (1 - p)``; otherwise
    ``input`` and an all-True mask."""
    input = as_tensor_arg(input, "native_dropout")
    _check_p(float_arg(p, "native_dropout", "p", 2))
    a = input._data
    if train is False:
        return input.clone(), Tensor._make(np.ones_like(a, dtype=bool))
    if p == 1.0:
        keep = np.zeros_like(a, dtype=bool)
    else:
        keep = rng(None, a).random(a.shape) >= p  # (the default generator of a's device)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = Tensor._make(keep)
    return input * Tensor._make((keep * scale).astype(a.dtype)), mask
