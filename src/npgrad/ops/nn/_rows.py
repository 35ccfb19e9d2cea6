"""Fast sums along the last axis and over the leading axes, for the fused nn kernels
(softmax, log_softmax, layer_norm, cross_entropy).

NumPy reduces a short last axis row by row with a fixed cost per row: summing a (16384, 64)
float32 array along axis 1 takes ~5x longer than the same sum as a matrix-vector product with
a vector of ones, which BLAS does in one vectorised pass. Both accumulate in the array's
dtype (as PyTorch does); inf and nan propagate as in ``np.sum``.
"""
from __future__ import annotations

import numpy as np

_BLAS = (np.dtype(np.float32), np.dtype(np.float64))


def _ones(n: int, dtype) -> np.ndarray:
    return np.ones(n, dtype)


def sum_last(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=-1, keepdims=True)``."""
    n = x.shape[-1] if x.ndim else 0
    if x.dtype not in _BLAS or x.size == 0 or n < 2 or type(x) is not np.ndarray:
        return x.sum(axis=-1, keepdims=True)  # (the BLAS trick below is for the CPU)
    rows = x.size // n
    return np.matmul(x.reshape(rows, n), _ones(n, x.dtype)).reshape(x.shape[:-1] + (1,))


def max_along(x: np.ndarray, axis: int) -> np.ndarray:
    """``x.max(axis=axis, keepdims=True)``, the shift that keeps softmax's exp from
    overflowing. On the CPU np.fmax.reduce is ~2x faster than np.max; it skips nan, but a nan
    still makes its whole row nan through the row's sum, as in PyTorch. (CuPy's ufuncs reduce
    only add and multiply: a device array takes ``max``, with the same end result.)"""
    if type(x) is not np.ndarray:
        return x.max(axis=axis, keepdims=True)
    return np.fmax.reduce(x, axis=axis, keepdims=True)


def mean_last(x: np.ndarray) -> np.ndarray:
    """``x.mean(axis=-1, keepdims=True)``."""
    if x.dtype not in _BLAS:
        return x.mean(axis=-1, keepdims=True)
    out = sum_last(x)
    out /= x.shape[-1]
    return out


def sum_lead(x: np.ndarray, k: int) -> np.ndarray:
    """``x.sum(axis=tuple(range(k)))``: the sum over the first ``k`` axes."""
    if k == 0:
        return x.copy()
    rows = int(np.prod(x.shape[:k]))
    if x.dtype not in _BLAS or x.size == 0 or rows < 2 or type(x) is not np.ndarray:
        return x.sum(axis=tuple(range(k)))  # (the BLAS trick below is for the CPU)
    return np.matmul(_ones(rows, x.dtype), x.reshape(rows, x.size // rows)).reshape(x.shape[k:])


def dot_last(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(a * b).sum(axis=-1, keepdims=True)`` for two arrays of one shape, in one pass with
    no product array (einsum)."""
    return np.einsum("...i,...i->...", a, b)[..., None]
