"""Padding: ``nn.functional.pad`` with modes constant, reflect, replicate and circular.

The pad tuple lists (before, after) pairs from the last dimension backwards, as in PyTorch.
Constant padding is a primitive that is its own adjoint: the gradient of padding by ``p`` is
padding by ``-p`` (negative padding crops), so a crop's gradient pads with zeros. The other
modes gather along each padded dimension with an index array (reflected, clamped or wrapped
positions), so their gradient is a scatter-add and needs no kernel of its own.

Also ``constant_pad_nd``.
"""
from __future__ import annotations

import numpy as np

from .. import autocast
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg
from ..indexing.indexing import getitem

__all__ = ["pad", "constant_pad_nd"]


class ConstantPad(Primitive):
    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, a, pads, value):
        ctx.pads = pads
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(pads, a.shape))
        grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
        return np.pad(a[crop], grow, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, grad):
        return ConstantPad.apply(grad, pads=tuple((-lo, -hi) for lo, hi in ctx.pads), value=0)


def _pairs(pad, ndim: int) -> tuple:
    """PyTorch's flat pad tuple as one (before, after) pair per dimension, first dim first."""
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError(f"pad: Padding length must be divisible by 2 (got {len(pad)})")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"pad: Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {ndim}")
    pairs = [(0, 0)] * (ndim - len(pad) // 2)
    pairs += [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(len(pad) // 2))]
    return tuple(pairs)


def _source_index(n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """For each output position along one dim, the input position it copies."""
    j = np.arange(-lo, n + hi)
    if mode == "reflect":
        period = 2 * (n - 1)
        j = np.abs(j)
        return np.where(j > n - 1, period - j, j) if n > 1 else np.zeros_like(j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    # circular: PyTorch crops first (negative amounts), then wraps around what is left
    start, stop = max(-lo, 0), n - max(-hi, 0)
    return np.arange(-max(lo, 0), stop - start + max(hi, 0)) % (stop - start) + start


def pad(input, pad, mode: str = "constant", value=None) -> Tensor:
    """Pad ``input``: ``pad`` is ``(left, right)`` for the last dim, then ``(top, bottom)`` for
    the one before, and so on. Negative amounts crop. ``mode``: 'constant' (with ``value``,
    default 0), 'reflect' (mirror without the edge), 'replicate' (repeat the edge), 'circular'
    (wrap around)."""
    input = as_tensor_arg(input, "pad")
    shape = input._data.shape
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode}")
    pairs = _pairs(pad, input.ndim)
    for d, ((lo, hi), n) in enumerate(zip(pairs, shape)):
        if n + lo + hi < 0:
            raise RuntimeError(f"pad: The input size {n}, plus negative padding {lo} and {hi} "
                               f"resulted in a negative output size, which is invalid. Check "
                               f"dimension {d} of your input of shape {tuple(shape)}.")
    if mode == "constant":
        value = 0 if value is None else value
        if all(p == (0, 0) for p in pairs):
            return input.clone()
        return ConstantPad.apply(input, pads=pairs, value=value)
    if value is not None and value != 0:
        raise RuntimeError(f'pad: Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"pad: Padding size {len(pad)} is not supported for {input.ndim}D input tensor "
            f"in mode {mode!r}. Supported combinations for non-constant padding: 2D or 3D input "
            f"with padding size 2, 3D or 4D with 4, 4D or 5D with 6.")
    if autocast.STATE.enabled["cpu"] and (mode == "replicate" or mode == "reflect" and k < 3):
        return _float32_pad(input, pad, mode)
    padded = range(input.ndim - k, input.ndim)
    if any(shape[d] == 0 for d in range(1, input.ndim)):
        raise RuntimeError(f"pad: Expected a tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {list(shape)}")
    for d in padded:
        n, (lo, hi) = shape[d], pairs[d]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(f"pad: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of "
                               f"input {list(shape)}")
        # circular wraps around what is left after cropping; PyTorch reads uninitialised
        # memory when the padding exceeds that, so refuse it
        kept = n - max(-lo, 0) - max(-hi, 0)
        if mode == "circular" and (lo > kept or hi > kept):
            raise RuntimeError(f"pad: Padding value causes wrapping around more than once "
                               f"(padding ({lo}, {hi}) at dimension {d} of input {list(shape)})")
    out = input
    for d in padded:
        if pairs[d] != (0, 0):
            idx = _source_index(shape[d], *pairs[d], mode)
            out = getitem(out, (slice(None),) * d + (idx,))
    return out if out is not input else input.clone()


_pad = pad  # (constant_pad_nd's argument is named pad, as PyTorch names it)


@autocast.float32
def _float32_pad(input, pads, mode: str) -> Tensor:
    """``pad`` in float32: replication_pad1d-3d and reflection_pad1d/2d are on PyTorch's CPU
    autocast float32 list (the other modes are on no list)."""
    return pad(input, pads, mode)


def constant_pad_nd(input, pad, value=0) -> Tensor:
    """``nn.functional.pad(input, pad, 'constant', value)``."""
    return _pad(input, tuple(pad), "constant", value)
