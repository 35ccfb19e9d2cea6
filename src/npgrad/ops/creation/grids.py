"""Grids and index sets: ``meshgrid``, ``cartesian_prod``, ``combinations``, ``tril_indices``
and ``triu_indices``. Composites of npgrad ops (differentiable where PyTorch's are).
"""
from __future__ import annotations

import numpy as np
import itertools
from .._arguments import Tensor, as_tensor_arg, long_tensor
from ... import dtypes as _dt
from ..shape.joins import stack

__all__: list = ["meshgrid", "cartesian_prod", "combinations", "tril_indices", "triu_indices"]


def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids from 1-D tensors: ``indexing='ij'`` (matrix, PyTorch's default) or
    ``'xy'`` (Cartesian: the first two dims swapped)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = [as_tensor_arg(t, "meshgrid") for t in tensors]
    if not tensors:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor")
    indexing = "ij" if indexing is None else indexing
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    if any(t.ndim > 1 for t in tensors):
        raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list")
    if len({t._data.dtype for t in tensors}) > 1:
        raise RuntimeError("torch.meshgrid: Expected all tensors in the list to have the "
                           "same dtype")
    ts = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:  # 'xy' is 'ij' with the first two inputs (and outputs) swapped
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.shape[0] for t in ts)
    n = len(ts)
    grids = [t.reshape([-1 if k == i else 1 for k in range(n)]).expand(shape)
             for i, t in enumerate(ts)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors) -> Tensor:
    """All combinations of one element from each 1-D tensor, as rows (one tensor: itself)."""
    tensors = [as_tensor_arg(t, "cartesian_prod") for t in tensors]
    if any(t.ndim != 1 for t in tensors):
        raise RuntimeError("Expect a 1D vector, but got shape "
                           f"{[tuple(t.shape) for t in tensors if t.ndim != 1][0]}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-``r`` combinations of the elements of a 1-D tensor, as rows (as
    ``itertools.combinations``, or ``combinations_with_replacement``)."""
    input = as_tensor_arg(input, "combinations")
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    n = input.shape[0]
    gen = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(gen(range(n), r)), np.int64).reshape(-1, r)
    return input[long_tensor(idx)]


def _tri_indices(row: int, col: int, offset: int, lower: bool, dtype) -> Tensor:
    r, c = np.indices((row, col))
    keep = (c - r <= offset) if lower else (c - r >= offset)
    op = "tril_indices" if lower else "triu_indices"
    dt = _dt.dtype_arg(dtype, op).np if dtype is not None else np.int64
    return Tensor._make(np.stack([r[keep], c[keep]]).astype(dt).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """The (2, N) row and column indices of the lower triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, True, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """The (2, N) row and column indices of the upper triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, False, dtype)
