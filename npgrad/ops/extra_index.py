"""More of PyTorch's indexing, combinatorics and counting surface: the functional scatters
(``select_scatter``, ``slice_scatter``, ``diagonal_scatter``, ``index_reduce``),
``split_with_sizes``, grids and index sets (``meshgrid``, ``cartesian_prod``,
``combinations``, ``tril_indices``, ``block_diag``), membership and counting (``isin``,
``bincount``, ``histc``, ``unique_consecutive``), integration (``trapezoid``,
``cumulative_trapezoid``) and the legacy matrix helpers (``chain_matmul``,
``frobenius_norm``, ``nuclear_norm``).

The differentiable ones are composites of existing index ops (``index_copy``, ``index_put``,
``scatter_reduce``), so their gradients and double gradients come for free.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import dtypes as _dt
from ._arguments import Tensor, as_tensor_arg, describe, norm_dim

__all__ = ["split_with_sizes", "select_scatter", "slice_scatter", "diagonal_scatter",
           "index_reduce", "meshgrid", "cartesian_prod", "combinations", "block_diag",
           "tril_indices", "triu_indices", "isin", "bincount", "histc", "unique_consecutive",
           "trapezoid", "trapz", "cumulative_trapezoid", "chain_matmul", "frobenius_norm",
           "nuclear_norm", "diagflat", "as_strided", "as_strided_scatter"]


def _ops():
    import npgrad
    return npgrad


def _long(a) -> Tensor:
    return Tensor._make(np.asarray(a, np.int64))


# ---------------------------------------------------------------------------------------------
# Functional scatters: a copy of input with a region replaced by src
# ---------------------------------------------------------------------------------------------

def split_with_sizes(input, split_sizes, dim: int = 0) -> tuple:
    """Split ``input`` along ``dim`` into pieces of the given sizes (which must add up)."""
    input = as_tensor_arg(input, "split_with_sizes")
    d = norm_dim(dim, input.ndim, "split_with_sizes")
    sizes = [int(s) for s in split_sizes]
    if sum(sizes) != input.shape[d] or any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                           f"{input.shape[d]} (input tensor's size at dimension {d}), but got "
                           f"split_sizes={sizes}")
    return _ops().split(input, sizes, d)


def _check_src_shape(op: str, src: Tensor, expected: tuple) -> None:
    if tuple(src.shape) != tuple(expected):
        raise RuntimeError(f"{op}(): expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.shape)}, slice size = {list(expected)}")


def _same_dtype(op: str, input: Tensor, src: Tensor) -> None:
    if input._data.dtype != src._data.dtype:
        raise RuntimeError(f"{op}(): expected src and self to have the same dtype, got "
                           f"{describe(input, src)}")


def select_scatter(input, src, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    input, src = as_tensor_arg(input, "select_scatter"), as_tensor_arg(src, "select_scatter")
    d = norm_dim(dim, input.ndim, "select_scatter")
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    _check_src_shape("select_scatter", src, input.shape[:d] + input.shape[d + 1:])
    _same_dtype("select_scatter", input, src)
    return _ops().index_copy(input, d, _long([index % n]), src.unsqueeze(d))


def slice_scatter(input, src, dim: int = 0, start=None, end=None, step: int = 1) -> Tensor:
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by
    ``src``."""
    input, src = as_tensor_arg(input, "slice_scatter"), as_tensor_arg(src, "slice_scatter")
    d = norm_dim(dim, input.ndim, "slice_scatter")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    idx = np.arange(input.shape[d])[slice(start, end, step)]
    _check_src_shape("slice_scatter", src,
                     input.shape[:d] + (len(idx),) + input.shape[d + 1:])
    _same_dtype("slice_scatter", input, src)
    return _ops().index_copy(input, d, _long(idx), src)


def diagonal_scatter(input, src, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``
    (whose last dim runs along the diagonal, as ``diagonal`` returns it)."""
    npg = _ops()
    input = as_tensor_arg(input, "diagonal_scatter")
    src = as_tensor_arg(src, "diagonal_scatter")
    expected = tuple(npg.diagonal(input, offset, dim1, dim2).shape)
    _check_src_shape("diagonal_scatter", src, expected)
    _same_dtype("diagonal_scatter", input, src)
    d1, d2 = norm_dim(dim1, input.ndim, "diagonal_scatter"), \
        norm_dim(dim2, input.ndim, "diagonal_scatter")
    k = expected[-1]
    rows = np.arange(k) + max(-offset, 0)
    cols = np.arange(k) + max(offset, 0)
    x = npg.movedim(input, (d1, d2), (0, 1))
    out = npg.index_put(x, (_long(rows), _long(cols)), npg.movedim(src, -1, 0))
    return npg.movedim(out, (0, 1), (d1, d2))


def index_reduce(input, dim: int, index, source, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """Reduce the slices of ``source`` into ``input``'s slices ``index`` along ``dim``, with
    ``reduce`` one of 'prod', 'mean', 'amax', 'amin' (``scatter_reduce`` with the index
    broadcast over the other dims)."""
    npg = _ops()
    input = as_tensor_arg(input, "index_reduce")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    d = norm_dim(dim, max(input.ndim, 1), "index_reduce")
    index = as_tensor_arg(index, "index_reduce")
    if index.ndim > 1 or index._data.dtype.kind not in "iu":
        raise IndexError("index_reduce_(): Index is supposed to be a vector of integers")
    if source.ndim and source.shape[d] != index.numel():
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be "
                           f"equal to source.size(dim) ({source.shape[d]})")
    if not input.ndim:
        return index_reduce(input.reshape(1), 0, index, source.reshape(-1), reduce,
                            include_self=include_self).reshape(())
    shape = [1] * source.ndim
    shape[d] = -1
    idx = Tensor._make(np.broadcast_to(index._data.astype(np.int64).reshape(shape),
                                       source.shape).copy())
    return npg.scatter_reduce(input, d, idx, source, reduce, include_self=include_self)


def fill_diagonal(input, fill_value, wrap: bool = False) -> Tensor:
    """``input`` with its main diagonal (all indices equal) set to ``fill_value``; tall
    matrices restart the diagonal every ncols + 1 rows with ``wrap``. (``Tensor.fill_diagonal_``
    writes it in place.)"""
    input = as_tensor_arg(input, "fill_diagonal_")
    if input.ndim < 2:
        raise RuntimeError("fill_diagonal_: dimensions must larger than 1")
    if input.ndim > 2 and len(set(input.shape)) != 1:
        raise RuntimeError("fill_diagonal_: all dimensions of input must be of equal length")
    mask = np.zeros(input.shape, bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    return _ops().where(Tensor._make(mask), fill_value, input).to(input.dtype)


def diagflat(input, offset: int = 0) -> Tensor:
    """A 2-D matrix with the flattened ``input`` on its ``offset``-th diagonal."""
    return _ops().diag(as_tensor_arg(input, "diagflat").reshape(-1), offset)


def _strided_index(input: Tensor, size, stride, storage_offset, op: str) -> np.ndarray:
    """Flat positions, in ``input``'s row-major order, of a strided view of it."""
    size, stride = tuple(int(v) for v in size), tuple(int(v) for v in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: mismatch in length of strides and shape ({len(stride)} vs "
                           f"{len(size)})")
    if any(v < 0 for v in size + stride):
        raise RuntimeError(f"{op}: negative sizes or strides are not supported (got size "
                           f"{list(size)}, stride {list(stride)})")
    offset = int(storage_offset or 0)
    idx = np.full(size, offset, np.int64)
    for k, (n, st) in enumerate(zip(size, stride)):
        idx += (np.arange(n) * st).reshape([-1 if j == k else 1 for j in range(len(size))])
    needed = int(idx.max()) + 1 if idx.size else 0
    if needed > input.numel():
        raise RuntimeError(f"{op}: sizes {list(size)}, strides {list(stride)} and storage "
                           f"offset {offset} require a storage of {needed} elements, out of "
                           f"bounds for a tensor of {input.numel()} elements")
    return idx


def as_strided(input, size, stride, storage_offset=None) -> Tensor:
    """The elements at ``storage_offset + sum(i_k * stride_k)`` arranged as ``size``
    (positions may repeat; their gradients add up). npgrad takes ``input``'s elements in
    row-major order as the storage, which is PyTorch's storage for contiguous tensors; the
    result is a copy, not a view."""
    input = as_tensor_arg(input, "as_strided")
    idx = _strided_index(input, size, stride, storage_offset, "as_strided")
    return input.reshape(-1)[_long(idx)]


def as_strided_scatter(input, src, size, stride, storage_offset=None) -> Tensor:
    """A copy of ``input`` with the positions ``as_strided`` would read set from ``src``."""
    input = as_tensor_arg(input, "as_strided_scatter")
    src = as_tensor_arg(src, "as_strided_scatter")
    idx = _strided_index(input, size, stride, storage_offset, "as_strided_scatter")
    _check_src_shape("as_strided_scatter", src, idx.shape)
    _same_dtype("as_strided_scatter", input, src)
    out = _ops().index_put(input.reshape(-1), (_long(idx.reshape(-1)),), src.reshape(-1))
    return out.reshape(input.shape)


# ---------------------------------------------------------------------------------------------
# Grids and index sets
# ---------------------------------------------------------------------------------------------

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
    return _ops().stack([g.reshape(-1) for g in grids], 1)


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
    return input[_long(idx)]


def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix from 0-, 1- or 2-D tensors (1-D count as one row)."""
    npg = _ops()
    mats = []
    for i, t in enumerate(tensors):
        t = as_tensor_arg(t, "block_diag")
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.ndim} dimensions")
        mats.append(t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t)
    if not mats:
        return npg.empty(1, 0)
    dt = _dt.result_type(*[m._data for m in mats])
    cols = sum(m.shape[1] for m in mats)
    rows, c0 = [], 0
    for m in mats:
        m = m.to(_dt.from_numpy_dtype(dt))
        rows.append(npg.nn.functional.pad(m, (c0, cols - c0 - m.shape[1])))
        c0 += m.shape[1]
    return npg.cat(rows, 0)


def _tri_indices(row: int, col: int, offset: int, lower: bool, dtype) -> Tensor:
    r, c = np.indices((row, col))
    keep = (c - r <= offset) if lower else (c - r >= offset)
    dt = _dt.to_dtype(dtype).np if dtype is not None else np.int64
    return Tensor._make(np.stack([r[keep], c[keep]]).astype(dt).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """The (2, N) row and column indices of the lower triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, True, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """The (2, N) row and column indices of the upper triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, False, dtype)


# ---------------------------------------------------------------------------------------------
# Membership and counting (no gradients)
# ---------------------------------------------------------------------------------------------

def isin(elements, test_elements, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """True where an element of ``elements`` is in ``test_elements`` (either may be a
    number)."""
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin(): expected at least one Tensor argument")
    return Tensor._make(np.asarray(np.isin(a, b, assume_unique=assume_unique, invert=invert)))


def bincount(input, weights=None, minlength: int = 0) -> Tensor:
    """How often each value occurs in a 1-D non-negative integer tensor (summing ``weights``
    instead of ones when given)."""
    input = as_tensor_arg(input, "bincount")
    a = input._data
    if input.ndim != 1 or a.dtype.kind not in "iub":
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs (got "
                           f"{describe(input)})")
    if a.size and a.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _long(np.bincount(a, minlength=minlength))
    w = as_tensor_arg(weights, "bincount")
    if w.shape != input.shape:
        raise RuntimeError(f"weights should be 1-d and have the same length as input (got "
                           f"{describe(input, w)})")
    if a.size == 0:  # PyTorch gives int64 zeros whatever the weights
        return _long(np.zeros(minlength))
    out = np.bincount(a, weights=w._data, minlength=minlength)
    # PyTorch keeps float32 weights' dtype and gives double for everything else
    out = out.astype(np.float32 if w._data.dtype == np.float32 else np.float64)
    from .elementwise.integer import not_differentiable
    return not_differentiable(out, "bincount", w)


def histc(input, bins: int = 100, min=0, max=0) -> Tensor:  # noqa: A002 (PyTorch's names)
    """A histogram of ``input`` with ``bins`` equal bins over [min, max] (the data's range when
    both are 0); values outside are ignored, the top edge falls in the last bin."""
    input = as_tensor_arg(input, "histc")
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for "
                           f"'{_dt.from_numpy_dtype(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc(): min ({lo}) must be <= max ({hi})")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc(): range of [{lo}, {hi}] is not finite")
    v = a.reshape(-1)
    v = v[(v >= lo) & (v <= hi)]
    pos = ((v.astype(np.float64) - lo) * bins / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return Tensor._make(np.bincount(pos, minlength=bins).astype(a.dtype))


def unique_consecutive(input, return_inverse: bool = False, return_counts: bool = False,
                       dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``) into one; with
    ``return_inverse`` also each element's run number, with ``return_counts`` the run
    lengths."""
    input = as_tensor_arg(input, "unique_consecutive")
    a = input._data
    if dim is None:
        x = a.reshape(-1)
        changed = x[1:] != x[:-1]
        shape_inv = a.shape
    else:
        d = norm_dim(dim, input.ndim, "unique_consecutive")
        x = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        changed = np.any(x[1:] != x[:-1], axis=1)
        shape_inv = (a.shape[d],)
    n = x.shape[0]
    start = np.concatenate([[True], changed]) if n else np.zeros(0, bool)
    first = np.flatnonzero(start)
    if dim is None:
        values = x[first]
    else:
        values = np.moveaxis(np.take(a, first, axis=d), d, d)
    out = [Tensor._make(np.ascontiguousarray(values))]
    if return_inverse:
        out.append(_long((np.cumsum(start) - 1).reshape(shape_inv)))
    if return_counts:
        out.append(_long(np.diff(np.append(first, n))))
    return tuple(out) if len(out) > 1 else out[0]


# ---------------------------------------------------------------------------------------------
# Integration (composites, differentiable in y and x)
# ---------------------------------------------------------------------------------------------

def _spacing(y: Tensor, x, dx, d: int, op: str):
    if x is not None and dx is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments: x and dx")
    if x is None:
        return 1.0 if dx is None else dx
    x = as_tensor_arg(x, op)
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point "
                               f"(got {describe(y, x)})")
        shape = [1] * y.ndim
        shape[d] = -1
        x = x.reshape(shape)
    n = x.shape[d] if x.ndim == y.ndim else x.shape[-1]
    return x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)


def trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: samples ``y`` at points ``x`` (or spacing
    ``dx``, default 1)."""
    y = as_tensor_arg(y, "trapezoid")
    d = norm_dim(dim, y.ndim, "trapezoid")
    n = y.shape[d]
    if n == 0:
        return y.sum(d) * 0
    spacing = _spacing(y, x, dx, d, "trapezoid")
    mid = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * spacing
    return mid.sum(d) / 2


def trapz(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one element shorter than ``y``)."""
    y = as_tensor_arg(y, "cumulative_trapezoid")
    d = norm_dim(dim, y.ndim, "cumulative_trapezoid")
    n = y.shape[d]
    if n == 0:
        return y
    spacing = _spacing(y, x, dx, d, "cumulative_trapezoid")
    mid = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * spacing
    return (mid / 2).cumsum(d)


# ---------------------------------------------------------------------------------------------
# Legacy matrix helpers
# ---------------------------------------------------------------------------------------------

def chain_matmul(*matrices) -> Tensor:
    """The product of 2-D matrices left to right (deprecated in PyTorch for
    ``linalg.multi_dot``)."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if any(m.ndim != 2 for m in matrices):
        raise RuntimeError("chain_matmul(): Expected all tensors to be 2-D matrices")
    if len(matrices) == 1:
        return matrices[0].clone()
    return _ops().linalg.multi_dot(list(matrices))


def frobenius_norm(input, dim, keepdim: bool = False) -> Tensor:
    """The Frobenius norm over ``dim`` (deprecated in PyTorch for ``linalg.norm``)."""
    return _ops().linalg.vector_norm(as_tensor_arg(input, "frobenius_norm"), 2, dim, keepdim)


def nuclear_norm(input, dim=(-2, -1), keepdim: bool = False) -> Tensor:
    """The sum of singular values of the matrices over ``dim``."""
    input = as_tensor_arg(input, "nuclear_norm")
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim) is the other overload
        dim, keepdim = (-2, -1), dim
    return _ops().linalg.matrix_norm(input, "nuc", dim, keepdim)
