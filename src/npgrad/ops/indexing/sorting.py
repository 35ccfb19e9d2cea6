"""Sorting and searching: ``sort``, ``argsort``, ``msort``, ``topk``, ``kthvalue``, ``unique``,
``searchsorted`` and ``bucketize``.

The values of ``sort``, ``topk`` and ``kthvalue`` are a gather of the input at the indices
found, so their gradient is the scatter-add of ``gather`` (ties in the input get the gradient
at the index returned). NaN sorts as the largest value, as in PyTorch.

Also membership and runs: ``isin`` and ``unique_consecutive``.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ...backend import array_module, as_array, ascontiguous, lexsort, on_device_of
from ...dtypes import is_float_np
from ...autograd.function import Primitive
from .._arguments import as_operand, as_tensor_arg, int_arg, long_tensor, norm_dim, Tensor
from .scatter import Gather, flat_positions

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "searchsorted", "bucketize",
           "isin", "unique_consecutive"]

# What PyTorch's ``torch.return_types.*`` are: tuples that also have named fields.
SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])


# ---------------------------------------------------------------------------------------------
# sort, argsort, msort, topk, kthvalue
# ---------------------------------------------------------------------------------------------

def _argsort(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``axis``; descending keeps equal elements in their input order."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    rev = np.flip(a, axis)
    # ascending on the reversed array, reversed again: descending, ties in input order
    return (n - 1) - np.flip(np.argsort(rev, axis=axis, kind="stable"), axis)


class _Values(Gather):
    """The values of a sort-like op: ``input`` gathered at the chosen indices."""

    @staticmethod
    def forward(ctx, a, lin, node):
        ctx.node_name = node
        return Gather.forward(ctx, a, lin)


def _select(input: Tensor, axis: int, idx: np.ndarray, node: str) -> tuple:
    """``(values, indices)`` for indices ``idx`` along ``axis`` (``input`` at least 1-D)."""
    lin = flat_positions(input._data.shape, axis, idx)
    values = _Values.apply(input, lin=lin, node=node)
    return values, Tensor._make(idx.astype(np.int64))


def _sort_input(input, op: str, dim: int) -> tuple:
    input = as_tensor_arg(input, op)
    return input, norm_dim(dim, input.ndim, op)


def sort(input, dim: int = -1, descending: bool = False, *, stable: bool = False) -> SortResult:
    """``(values, indices)`` of ``input`` sorted along ``dim``. The sort is always stable here
    (PyTorch's ``stable=True``), so equal elements keep their order."""
    input, d = _sort_input(input, "sort", dim)
    if input.ndim == 0:
        v, i = _select(input.reshape(1), 0, np.zeros_like(input._data, np.int64, shape=(1,)),
                       "SortBackward0")
        return SortResult(v.reshape(()), i.reshape(()))
    idx = _argsort(input._data, d, descending)
    return SortResult(*_select(input, d, idx, "SortBackward0"))


def argsort(input, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable)."""
    input, d = _sort_input(input, "argsort", dim)
    if input.ndim == 0:
        return Tensor._make(np.zeros_like(input._data, np.int64))
    return Tensor._make(_argsort(input._data, d, descending).astype(np.int64))


def msort(input) -> Tensor:
    """``input`` sorted along its first dimension."""
    return sort(input, dim=0).values


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopkResult:
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices. The values
    always come sorted (which ``sorted=False`` allows)."""
    input, d = _sort_input(input, "topk", dim)
    k = int_arg(k, "topk", "k", 2)
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU (topk: input "
                           f"{tuple(input.shape)} bool)")
    n = input._data.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk(): selected index k out of range (k={k}, dimension {d} of "
                           f"size {n})")
    if input.ndim == 0:
        # the element itself for k = 0 too, as PyTorch (a 0-d result cannot be empty)
        v, i = _select(input.reshape(1), 0, np.zeros_like(input._data, np.int64, shape=(1,)),
                       "TopkBackward0")
        return TopkResult(v.reshape(()), i.reshape(()))
    idx = np.take(_argsort(input._data, d, largest), array_module(input._data).arange(k), axis=d)
    return TopkResult(*_select(input, d, idx, "TopkBackward0"))


def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False) -> KthvalueResult:
    """The ``k``-th smallest element along ``dim`` (``k`` counts from 1) and its index."""
    input, d = _sort_input(input, "kthvalue", dim)
    k = int_arg(k, "kthvalue", "k", 2)
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool' (kthvalue: "
                                  f"input {tuple(input.shape)} bool)")
    n = input._data.shape[d] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} "
                           f"(k={k}, size {n})")
    if input.ndim == 0:
        v, i = _select(input.reshape(1), 0, np.zeros_like(input._data, np.int64, shape=(1,)),
                       "KthvalueBackward0")
        return KthvalueResult(v.reshape(()), i.reshape(()))
    idx = np.take(_argsort(input._data, d, False), [k - 1], axis=d)
    lin = flat_positions(input._data.shape, d, idx)
    if not keepdim:
        idx, lin = idx.squeeze(d), lin.squeeze(d)
    values = _Values.apply(input, lin=lin, node="KthvalueBackward0")
    return KthvalueResult(values, Tensor._make(idx.astype(np.int64)))


# ---------------------------------------------------------------------------------------------
# unique
# ---------------------------------------------------------------------------------------------

class _Unique(Primitive):
    """``unique``'s values: they follow the input in the graph, but have no derivative (as in
    PyTorch, where backward through them raises)."""

    node_name = "Unique2Backward0"

    @staticmethod
    def forward(ctx, a, values):
        return values

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError("the derivative for 'unique' is not implemented.")


def unique(input, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None):
    """The distinct elements of ``input`` (or distinct slices along ``dim``), sorted; with
    ``return_inverse`` also where each input element went, with ``return_counts`` how many
    times each occurs."""
    input = as_tensor_arg(input, "unique")
    a = input._data
    if dim is None:
        # each nan is its own element, as in PyTorch (NumPy merges them by default)
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True,
                                            return_counts=True, equal_nan=False)
        inverse = inverse.reshape(a.shape)
    else:
        d = norm_dim(dim, input.ndim, "unique")
        if any(s == 0 for k, s in enumerate(a.shape) if k != d):
            raise RuntimeError("unique(): There are 0 sized dimensions, and they aren't "
                               "selected, so unique cannot be applied")
        if a.shape[d] == 0:
            inverse = counts = np.zeros_like(a, np.int64, shape=(0,))
            values = a
        else:
            values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True,
                                                axis=d)
            inverse = inverse.reshape(-1)
    out = _Unique.apply(input, values=ascontiguous(values))
    extra = []
    if return_inverse:
        extra.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        extra.append(Tensor._make(counts.astype(np.int64)))
    return (out, *extra) if extra else out


# ---------------------------------------------------------------------------------------------
# searchsorted, bucketize
# ---------------------------------------------------------------------------------------------

def _search_rows(seq: np.ndarray, vals: np.ndarray, right: bool) -> np.ndarray:
    """For each row ``r`` and each value of ``vals[r]``, the number of ``seq[r]`` elements
    below it (``<``, or ``<=`` when ``right``): one lexsort over all rows at once."""
    rows, n = seq.shape
    m = vals.shape[1]
    keys = np.concatenate([seq, vals], axis=1).reshape(-1)
    xp = array_module(seq)
    row = xp.repeat(xp.arange(rows), n + m)
    is_val = xp.tile(xp.concatenate([xp.zeros(n, bool), xp.ones(m, bool)]), rows)
    # among equal keys, values sort before sequence elements (left) or after them (right)
    tie = is_val if right else ~is_val
    order = lexsort((tie, keys, row))
    seq_before = np.cumsum(~is_val[order])  # sequence elements at or before each position
    out = xp.empty(rows * (n + m), np.int64)
    out[order] = seq_before - row[order] * n
    return out.reshape(rows, n + m)[:, n:]


def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False,
                 side=None, sorter=None) -> Tensor:
    """Where each element of ``input`` would go in ``sorted_sequence`` to keep it sorted (along
    its last dim): the first such position, or the last with ``right=True`` /
    ``side='right'``."""
    op = "torch.searchsorted()"
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of "
                               f"left while right was True")
        right = side == "right"
    seq = as_tensor_arg(sorted_sequence, "searchsorted")._data
    input = as_operand(input, "searchsorted", "input")  # (a number, not a list or array)
    scalar = not isinstance(input, Tensor)
    vals = input._data if not scalar else on_device_of(as_array(input), seq)
    if scalar and seq.ndim != 1:
        raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor "
                           f"dimension is 1, but we got boundaries tensor dim({seq.ndim}) and "
                           f"input value's dim(0) numel(1)")
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    if seq.ndim == 0:
        raise RuntimeError(f"{op}: boundaries tensor should have positive dimension, but got "
                           f"0 dimension")
    dt = np.int32 if out_int32 else np.int64
    if seq.ndim == 1:
        if is_float_np(seq.dtype) and np.isnan(seq).any() or is_float_np(vals.dtype) and \
                np.isnan(vals).any():
            out = _search_rows(seq[None], vals.reshape(1, -1), right).reshape(vals.shape)
        else:
            out = np.searchsorted(seq, vals, side="right" if right else "left")
        return Tensor._make(as_array(out, dt))
    if vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must "
                           f"match, but we got boundaries tensor {list(seq.shape)} and input "
                           f"value tensor {list(vals.shape)}")
    rows = int(np.prod(seq.shape[:-1]))
    common = np.promote_types(seq.dtype, vals.dtype)
    out = _search_rows(seq.reshape(rows, -1).astype(common),
                       vals.reshape(rows, -1).astype(common), right)
    return Tensor._make(out.reshape(vals.shape).astype(dt))


def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The index of the bucket of each element of ``input``, for 1-D sorted ``boundaries``:
    ``boundaries[i-1] < x <= boundaries[i]`` (``<=`` and ``<`` swapped with ``right``)."""
    if not isinstance(boundaries, Tensor) or boundaries.ndim != 1:
        nd = boundaries.ndim if isinstance(boundaries, Tensor) else 0
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({nd})")
    input = as_operand(input, "bucketize", "input")  # (a number, not a list or array)
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """True where an element of ``elements`` is in ``test_elements`` (either may be a
    number; not a list or an array)."""
    elements = as_operand(elements, "isin", "elements")
    test_elements = as_operand(test_elements, "isin", "test_elements")
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin(): expected at least one Tensor argument")
    # (a number goes to the other operand's device)
    a = elements._data if isinstance(elements, Tensor) else \
        on_device_of(as_array(elements), test_elements._data)
    b = test_elements._data if isinstance(test_elements, Tensor) else \
        on_device_of(as_array(test_elements), a)
    return Tensor._make(as_array(np.isin(a, b, assume_unique=assume_unique, invert=invert)))


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
    start = np.concatenate([np.ones_like(changed, shape=(1,)), changed]) if n else \
        np.zeros_like(x, bool, shape=(0,))
    first = np.flatnonzero(start)
    if dim is None:
        values = x[first]
    else:
        values = np.moveaxis(np.take(a, first, axis=d), d, d)
    out = [Tensor._make(ascontiguous(values))]
    if return_inverse:
        out.append(long_tensor((np.cumsum(start) - 1).reshape(shape_inv)))
    if return_counts:
        out.append(long_tensor(np.diff(np.append(first, n))))
    return tuple(out) if len(out) > 1 else out[0]
