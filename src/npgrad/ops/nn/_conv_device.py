"""Convolution on a CUDA device: im2col and one batched matmul per direction.

The CPU path (``conv.py`` on ``_conv_layout.py``'s layouts) is tuned for a few cores and
their caches: threads over batch blocks, reused column buffers, shifted views instead of
copies. A GPU wants the opposite, few large kernels, so on a device the three products of a
convolution are each one matmul over the whole batch:

* forward: ``y = W @ im2col(x)``, per group;
* weight gradient: ``dW = sum_n dy @ im2col(x)^T``;
* input gradient (and the user's transposed convolution): ``dx = col2im(W^T @ dy)``.
"""
from __future__ import annotations

from math import prod

import numpy as np

from ._conv_layout import Geom, col2im, im2col, out_size


def _bias_shape(n_spatial: int) -> tuple:
    return (1, -1) + (1,) * n_spatial


def convolve(x, w, b, geom: Geom, out_sp=None):
    """``conv(x, w) + b`` of ``x`` (N, C, *S) and ``w`` (O, C/g, *kernel)."""
    g, (N, C), O, kernel = geom.groups, x.shape[:2], w.shape[0], tuple(w.shape[2:])
    out_sp = tuple(out_sp) if out_sp is not None else out_size(x.shape[2:], kernel, geom)
    cols = im2col(x, kernel, out_sp, geom).reshape(N, g, C // g * prod(kernel), prod(out_sp))
    y = np.matmul(w.reshape(g, O // g, C // g * prod(kernel)), cols).reshape((N, O) + out_sp)
    return y if b is None else y + b.reshape(_bias_shape(len(out_sp)))


def weight_grad(x, y, geom: Geom, kernel: tuple):
    """``dW[o, c] = sum_n x[n, c] (*) y[n, o]`` for a kernel of size ``kernel``."""
    g, (N, C), O = geom.groups, x.shape[:2], y.shape[1]
    out_sp = tuple(y.shape[2:])
    # the column size spelled out, not -1: an empty batch cannot infer it
    cols = im2col(x, tuple(kernel), out_sp, geom).reshape(N, g, C // g * prod(kernel),
                                                          prod(out_sp))
    ym = y.reshape(N, g, O // g, prod(out_sp))
    return np.matmul(ym, cols.swapaxes(-1, -2)).sum(0).reshape((O, C // g) + tuple(kernel))


def transpose_data(y, w, b, geom: Geom, size: tuple):
    """``conv_transpose(y, w) + b``: ``y`` (N, O, *out) back to (N, C, *size)."""
    g, (N, O), Cg, kernel = geom.groups, y.shape[:2], w.shape[1], tuple(w.shape[2:])
    out_sp = tuple(y.shape[2:])
    wt = w.reshape(g, O // g, Cg * prod(kernel)).swapaxes(-1, -2)  # (g, C/g * kk, O/g)
    cols = np.matmul(wt, y.reshape(N, g, O // g, prod(out_sp)))
    x = col2im(cols.reshape((N, g * Cg) + kernel + out_sp), tuple(size), geom)
    return x if b is None else x + b.reshape(_bias_shape(len(size)))
