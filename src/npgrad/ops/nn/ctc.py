"""Connectionist temporal classification: ``ctc_loss`` (Graves et al., 2006).

The forward (alpha) recursion over the extended label sequence (a blank between labels and
at both ends), in log space, written as a composite of npgrad ops (``gather``,
``logsumexp``, ``pad``, ``where``), so its gradient is the engine's. Unreachable states hold
a large negative number rather than -inf, which keeps every gradient finite (a -inf in all
the terms of a logsumexp would give nan); an impossible alignment's loss is then set to inf
(or 0 with ``zero_infinity``), as PyTorch's. NOTE: the gradient of such an infinite loss is
0 here, where PyTorch's is nan.
"""
from __future__ import annotations

import numpy as np

from ... import dtypes as _dt
from ...backend import array_module, as_array, host_check, on_device_of, to_host
from .._arguments import Tensor, as_tensor_arg
from ..elementwise.binary import where
from ..indexing.scatter import gather
from ..reduction.reduce import logsumexp
from ..shape.joins import stack
from .loss import _reduce
from .pad import pad

__all__ = ["ctc_loss"]

_NEG = -1e30  # "log 0" for unreachable states (see the module docstring)


def _lengths(values, n: int, what: str) -> np.ndarray:
    """Lengths as a host int64 vector: the recursion's shape depends on them (PyTorch's CUDA
    kernel reads them on the host too)."""
    out = to_host(values._data) if isinstance(values, Tensor) else as_array(values)
    out = out.astype(np.int64).reshape(-1)
    if out.size != n:
        raise RuntimeError(f"ctc_loss: Expected {what} to have size {n}, but got {out.size}")
    return out


def _padded_targets(targets, target_lengths: np.ndarray):
    """Targets as (N, S_max), on their device: 2-D ones as given, 1-D (concatenated) ones
    split by length."""
    if targets.ndim == 2:
        return targets.astype(np.int64)
    width = max(int(target_lengths.max(initial=0)), 1)
    starts = np.cumsum(target_lengths) - target_lengths
    pos = starts[:, None] + np.arange(width)
    inside = np.arange(width) < target_lengths[:, None]
    if targets.size == 0:
        return np.zeros_like(targets, np.int64, shape=inside.shape)
    pos = on_device_of(np.minimum(pos, targets.size - 1), targets)
    return np.where(on_device_of(inside, targets), targets[pos], 0).astype(np.int64)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The negative log likelihood of ``targets`` under ``log_probs`` (T, N, C) summed over
    every alignment; ``reduction='mean'`` divides each loss by its target length first."""
    op = "ctc_loss"
    log_probs = as_tensor_arg(log_probs, op)
    # PyTorch's kernel dispatches on the dtype before it checks anything.
    # NOTE: float16 is computed (PyTorch's CPU build has no Half kernel)
    if not _dt.is_float_np(log_probs._data.dtype):
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for '
                                  f"'{_dt.scalar_type_name(log_probs._data.dtype)}'")
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional "
                           f"tensor for argument #1 'log_probs' ({op})")
    targets = as_tensor_arg(targets, op)
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = lp.shape
    in_len = _lengths(input_lengths, N, "input_lengths")
    tg_len = _lengths(target_lengths, N, "target_lengths")
    tg = targets._data.reshape(1, -1) if unbatched and targets.ndim == 1 else targets._data
    labels = _padded_targets(tg, tg_len)
    if np.any(in_len > T) or np.any(in_len < 1):
        raise RuntimeError(f"ctc_loss: Expected input_lengths to be in [1, {T}], got "
                           f"{in_len.tolist()}")
    if not 0 <= blank < C:
        raise RuntimeError(f"ctc_loss: blank must be in label range, got {blank}")
    # NOTE: PyTorch reads a label outside [0, C) from beyond the row (undefined values);
    # npgrad refuses it
    used = on_device_of(np.arange(labels.shape[1]) < tg_len[:, None], labels)
    if labels.size and host_check(np.any(used & ((labels < 0) | (labels >= C)))):
        raise RuntimeError(f"ctc_loss: every target must be a class in [0, {C}), got "
                           f"{to_host(labels[used]).tolist()}")
    S = labels.shape[1]
    here = lp._data

    def dev(a):  # host index arithmetic (on lengths) on the log-probabilities' device
        return Tensor._make(on_device_of(a, here))

    ext = array_module(here).full((N, 2 * S + 1), blank, np.int64)
    ext[:, 1::2] = on_device_of(labels, here)
    width = ext.shape[1]
    s = np.arange(width)
    valid = on_device_of(s[None, :] < (2 * tg_len + 1)[:, None], here)
    skip = np.zeros_like(valid)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    skip = Tensor._make(skip & valid)
    emit = gather(lp, 2, Tensor._make(np.broadcast_to(ext, (T, N, width)).copy()))
    start = Tensor._make(on_device_of(s[None, :] < 2, here) & valid)
    alpha = where(start, emit[0], _NEG)
    alphas = [alpha]
    for t in range(1, T):
        one_back = pad(alpha[:, :-1], (1, 0), value=_NEG)
        two_back = where(skip, pad(alpha[:, :-2], (2, 0), value=_NEG), _NEG)
        alpha = logsumexp(stack([alpha, one_back, two_back]), 0) + emit[t]
        alphas.append(alpha)
    final = stack(alphas)[dev(in_len - 1), dev(np.arange(N))]  # (N, width)
    rows = dev(np.arange(N))
    last = final[rows, dev(2 * tg_len)]
    before = where(dev(tg_len > 0), final[rows, dev(np.maximum(2 * tg_len - 1, 0))], _NEG)
    loss = -logsumexp(stack([last, before]), 0)
    # PyTorch's gradient with respect to log_probs assumes they come from log_softmax: it
    # carries an extra exp(log_probs) (within each input length), which log_softmax's
    # backward cancels. The same gradient here, through a term whose value is 0.
    within = dev((np.arange(T)[:, None] < in_len[None, :])[..., None])
    mass = where(within, lp.exp(), 0.0).sum((0, 2))
    loss = loss + (mass - mass.detach())
    impossible = Tensor._make(loss._data > -_NEG / 2)
    loss = where(impossible, 0.0 if zero_infinity else float("inf"), loss)
    if unbatched:
        loss = loss.reshape(())
    if reduction == "mean":
        divisor = dev(np.maximum(tg_len, 1).astype(loss._data.dtype))
        return (loss / (divisor if not unbatched else divisor.reshape(()))).mean()
    return _reduce(loss, reduction)
