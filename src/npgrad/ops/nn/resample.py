"""Separable linear resampling: ``Resample`` maps each trailing dim of ``x`` by one (out, in)
matrix, and its gradient maps back by the transposes. ``interpolate`` (``sampling.py``) and
adaptive average pooling (``pool.py``) are both such maps, with different matrices.
"""
from __future__ import annotations

import numpy as np

from ...backend import ascontiguous, on_device_of
from ...autograd.function import Primitive


def apply_mats(x: np.ndarray, mats: tuple) -> np.ndarray:
    """Multiply the trailing ``len(mats)`` dims of ``x`` by one (out, in) matrix each."""
    n = len(mats)
    for i, m in enumerate(mats):
        m = on_device_of(m, x)  # (the matrices are built on the host)
        axis = x.ndim - n + i
        if axis == x.ndim - 1:
            x = x @ m.T
        elif axis == x.ndim - 2:
            x = m @ x
        else:
            x = np.moveaxis(m @ np.moveaxis(x, axis, -2), -2, axis)
    return ascontiguous(x)


class Resample(Primitive):
    """``x`` mapped by a matrix along each trailing dim; ``name`` is PyTorch's node name."""

    node_name = "UpsampleBilinear2DBackward0"

    @staticmethod
    def forward(ctx, x, mats, name):
        ctx.mats, ctx.node_name = mats, name
        return apply_mats(x, mats)

    @staticmethod
    def backward(ctx, grad):
        return Resample.apply(grad, mats=tuple(m.T for m in ctx.mats), name=ctx.node_name)
