"""Separable linear resampling: ``Resample`` maps each trailing dim of ``x`` by one (out, in)
matrix, and its gradient maps back by the transposes. ``interpolate`` (``sampling.py``) and
adaptive average pooling (``pool.py``) are both such maps, with different matrices.
"""
from __future__ import annotations

import numpy as np

from ...backend import ascontiguous, on_device_of
from ...autograd.function import Primitive


def apply_mats(x: np.ndarray, mats: tuple, taps: tuple | None = None) -> np.ndarray:
    """Multiply the trailing ``len(mats)`` dims of ``x`` by one (out, in) matrix each.

    ``taps`` (one boolean matrix per dim, or None for ``mat != 0``) are the inputs each output
    reads, zero weights included: where ``x`` holds nan or inf, each output is what PyTorch's
    kernels' sums of its taps give (a matmul would spread 0 * nan to every output)."""
    n = len(mats)
    for i, m in enumerate(mats):
        m = on_device_of(m, x)  # (the matrices are built on the host)
        axis = x.ndim - n + i
        if x.dtype.kind in "fc" and not np.isfinite(x).all():
            t = m != 0 if taps is None else on_device_of(taps[i], x)
            x = np.moveaxis(_map_nonfinite(np.moveaxis(x, axis, -1), m, t), -1, axis)
        elif axis == x.ndim - 1:
            x = x @ m.T
        elif axis == x.ndim - 2:
            x = m @ x
        else:
            x = np.moveaxis(m @ np.moveaxis(x, axis, -2), -2, axis)
    return ascontiguous(x)


def _map_nonfinite(x: np.ndarray, m: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """``x @ m.T`` as a sum over each output's taps: nan where a tap reads nan, or reads inf
    with weight 0, or infinities of both signs meet; else the sign of the infinities read;
    else the finite sum."""
    def hits(mask, cols):  # whether any tap in ``cols`` reads an element in ``mask``
        return (mask.astype(np.float32) @ cols.T.astype(np.float32)) > 0

    y = np.where(np.isfinite(x), x, x.dtype.type(0)) @ m.T
    pos_inf, neg_inf = x == np.inf, x == -np.inf
    up, down = taps & (m > 0), taps & (m < 0)
    nan = hits(np.isnan(x), taps) | hits(pos_inf | neg_inf, taps & (m == 0))
    plus = hits(pos_inf, up) | hits(neg_inf, down)
    minus = hits(neg_inf, up) | hits(pos_inf, down)
    y = np.where(plus, x.dtype.type(np.inf), y)
    y = np.where(minus, x.dtype.type(-np.inf), y)
    return np.where(nan | (plus & minus), x.dtype.type(np.nan), y)


class Resample(Primitive):
    """``x`` mapped by a matrix along each trailing dim; ``name`` is PyTorch's node name;
    ``taps`` as in ``apply_mats``."""

    node_name = "UpsampleBilinear2DBackward0"

    @staticmethod
    def forward(ctx, x, mats, name, taps=None):
        ctx.mats, ctx.node_name, ctx.taps = mats, name, taps
        return apply_mats(x, mats, taps)

    @staticmethod
    def backward(ctx, grad):
        taps = None if ctx.taps is None else tuple(t.T for t in ctx.taps)
        return Resample.apply(grad, mats=tuple(m.T for m in ctx.mats), name=ctx.node_name,
                              taps=taps)
