"""Multi-class and multi-label margin losses, and the triplet loss with any distance:
``multi_margin_loss``, ``multilabel_margin_loss``, ``multilabel_soft_margin_loss``,
``triplet_margin_with_distance_loss``.

Composites: the targets become constant masks (NumPy), the hinge is a ``relu``, so the
gradients (and their gradients) are the engine's. ``relu`` at 0 has gradient 0, as PyTorch's
hinge kernels have.
"""
from __future__ import annotations

import numpy as np

from ...backend import array_module, host_check
from .._arguments import Tensor, as_tensor_arg, describe
from ..elementwise.pointwise import minimum
from ..indexing.scatter import gather
from .activation import logsigmoid, relu
from .loss import _legacy, _reduce, check_triplet_ranks, pairwise_distance
from ...dtypes import is_float_np, scalar_type_name

__all__ = ["multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
           "triplet_margin_with_distance_loss"]


def _as_rows(op: str, input: Tensor, target: Tensor) -> tuple:
    """(input, target) as (N, C) and (N, ...) rows; 1-d input is one row."""
    if input.ndim not in (1, 2) or (input.ndim == 2 and input.shape[1] == 0):
        raise RuntimeError(f"{op}: Expected non-empty vector or matrix with optional 0-dim "
                           f"batch size, but got: {list(input.shape)}")
    if input.ndim == 1:
        return input.unsqueeze(0), target.reshape(1, -1)
    return input, target


def _class_targets(input: Tensor, target: Tensor, kernel: str) -> None:
    """PyTorch's margin kernels: a floating input and int64 class indices."""
    if not is_float_np(input._data.dtype):
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{scalar_type_name(input._data.dtype)}'")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found "
                           f"{scalar_type_name(target._data.dtype)} (target {describe(target)})")


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None,
                      size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``sum over j != y of max(0, margin - x[y] + x[j])^p / C`` per sample (``weight[y]``
    scales each term)."""
    op = "multi_margin_loss"
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    input, target = as_tensor_arg(input, op), as_tensor_arg(target, op)
    _class_targets(input, target, "multi_margin_loss_cpu_kernel")
    reduction = _legacy(size_average, reduce, reduction)
    x, t = _as_rows(op, input, target)
    n, c = x.shape
    t = t.reshape(-1)
    if t.shape[0] != n:
        raise RuntimeError(f"{op}: inconsistent target size, expected {n} but got "
                           f"{list(target.shape)}")
    labels = t._data.astype(np.int64)
    if host_check(((labels < 0) | (labels >= c)).any()):
        raise RuntimeError(f"{op}: target out of range")
    x_y = gather(x, 1, Tensor._make(labels[:, None]))
    hinge = relu(margin - x_y + x)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * as_tensor_arg(weight, op)[Tensor._make(labels)].unsqueeze(1)
    classes = array_module(labels).arange(c)
    others = Tensor._make((classes != labels[:, None]).astype(x._data.dtype))
    loss = (hinge * others).sum(1) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """``sum over targets j and non-targets i of max(0, 1 - (x[j] - x[i])) / C`` per sample;
    each row of ``target`` lists class indices, ended by the first -1."""
    op = "multilabel_margin_loss"
    input, target = as_tensor_arg(input, op), as_tensor_arg(target, op)
    _class_targets(input, target, "multilabel_margin_loss_forward_out_frame")
    reduction = _legacy(size_average, reduce, reduction)
    x, t = _as_rows(op, input, target)
    n, c = x.shape
    if tuple(t.shape) != (n, c):
        raise RuntimeError(f"{op}: inconsistent target size: {list(target.shape)} for input of "
                           f"size: {list(input.shape)}")
    labels = t._data.astype(np.int64)
    # the listed targets: those before each row's first -1 (a target listed twice counts twice)
    listed = np.cumprod(labels >= 0, axis=1).astype(bool)
    if ((labels < -1) | (labels >= c)).any():  # (as PyTorch, those after the -1 too)
        raise RuntimeError(f"{op}: argument #2 'target' is out of range")
    counts = np.zeros_like(labels, np.float64, shape=(n, c))
    np.add.at(counts, (np.nonzero(listed)[0], labels[listed]), 1)
    pair = counts[:, :, None] * (counts == 0)[:, None, :]  # (sample, target j, non-target i)
    hinge = relu(1 - x.unsqueeze(2) + x.unsqueeze(1))
    loss = (hinge * Tensor._make(pair.astype(x._data.dtype))).sum((1, 2)) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of ``sigmoid(x)`` for each class, averaged over the classes."""
    op = "multilabel_soft_margin_loss"
    input, target = as_tensor_arg(input, op), as_tensor_arg(target, op)
    reduction = _legacy(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.ndim - 1) / input.shape[-1]
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` any distance function (default the
    Euclidean ``pairwise_distance``); ``swap`` takes ``min(d(a, n), d(p, n))``."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    check_triplet_ranks(anchor, positive, negative)
    dist = pairwise_distance if distance_function is None else distance_function
    d_ap, d_an = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_an = minimum(d_an, dist(positive, negative))
    return _reduce(relu(d_ap - d_an + margin), reduction)
