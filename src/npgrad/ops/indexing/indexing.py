"""Indexing: ``x[key]``, ``x[key] = value``, the ``index_*`` family and ``nonzero``
(``masked_*`` are in ``masked.py``; ``take`` and ``put``, flat indices, in ``scatter.py``).

Keys follow PyTorch's rules (which are NumPy's, plus a few legacy ones): ints, slices with
positive steps, None, Ellipsis, integer and bool tensors, lists and arrays, and tuples mixing
them. :class:`GetItem` and :class:`IndexAdd` are an adjoint pair: the gradient of a read is
a scatter-add (so repeated indices accumulate), and the gradient of that scatter-add is a read
again. :class:`IndexPut` (write ``value`` at ``key`` into a copy) is the out-of-place write
that ``index_copy``, ``index_fill``, ``masked_scatter``, ``scatter``, ``put`` and
``index_put`` share.

Also ``unravel_index`` and ``nonzero_static``.
"""
from __future__ import annotations

import math
import re

import numpy as np

from ...backend import (array_module, as_array, host_check, is_array, is_device_array,
                        on_device_of)
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe, norm_dim, number_arg, type_name
from .. import inplace

__all__ = ["getitem", "setitem", "index_put", "index_select", "index_add", "index_copy",
           "index_fill", "nonzero", "argwhere", "unravel_index", "nonzero_static"]

_FULL = slice(None)


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------

def _sequence_as_tuple(seq: list) -> bool:
    """PyTorch's legacy rule: ``x[[0, slice(None)]]`` or ``x[[[0, 1], [2, 3]]]`` index like a
    tuple; a flat list of numbers is one index array."""
    if len(seq) >= 32:
        return False
    return any(isinstance(k, (Tensor, np.ndarray, list, tuple, slice)) or k is None
               or k is Ellipsis for k in seq)


def norm_key(key, like=None, op: str = "getitem") -> tuple:
    """Turn a user's key into a NumPy key tuple: tensors and lists become arrays, on the
    device of ``like`` (the array indexed: CPU index tensors index CUDA tensors, as in
    PyTorch); ``op`` names the op in errors."""
    if isinstance(key, list) and _sequence_as_tuple(key):
        key = tuple(key)
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._data
        elif isinstance(k, list):
            try:
                k = as_array(k) if k else np.zeros(0, np.int64)  # (moved to like's device below)
            except ValueError:
                raise IndexError(f"{op}: ragged lists cannot be used as indices") from None
            if k.dtype == object:
                raise IndexError(f"{op}: ragged lists cannot be used as indices")
            if k.dtype.kind in "US":
                raise TypeError(f"{op}: a list of str is not a valid index ({k.tolist()!r})")
            if is_float_np(k.dtype):  # PyTorch reads a list of floats as long indices
                k = k.astype(np.int64)
        elif isinstance(k, slice):
            if k.step is not None and int(k.step) <= 0:
                raise ValueError(f"{op}: step must be greater than zero")
        elif isinstance(k, (float, np.floating)):
            raise IndexError(f"{op}: only integers, slices (`:`), ellipsis (`...`), None and "
                             f"long or byte Variables are valid indices (got float)")
        elif isinstance(k, str):  # PyTorch tries to make a tensor of it: a TypeError
            raise TypeError(f"{op}: a str is not a valid index ({k!r}); only integers, slices "
                            f"(`:`), ellipsis (`...`), None and integer or bool tensors are")
        if is_array(k):
            if k.dtype == np.uint8:  # a byte tensor is a (deprecated) mask
                k = k.astype(bool)
            elif k.dtype.kind != "b" and k.dtype not in (np.int32, np.int64):
                raise IndexError(f"{op}: tensors used as indices must be long, int, byte or "
                                 f"bool tensors (got {k.dtype})")
            elif k.ndim == 0 and k.dtype.kind != "b":
                k = int(k)  # a 0-d integer tensor indexes like an int, as in PyTorch
            if like is not None and is_array(k):
                k = on_device_of(k, like)
        out.append(k)
    return tuple(out)


def _is_basic(key) -> bool:
    return not any(is_array(k) for k in key)


def _has_int_array(key) -> bool:
    return any(is_array(k) and k.dtype.kind != "b" for k in key)


def _is_int(k) -> bool:
    return isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))


def _split_ints(key) -> tuple:
    """PyTorch applies integer entries first, as selects, and only then the advanced indices
    (``x[1, :, [0, 1]]`` is ``x[1][:, [0, 1]]``); NumPy treats them together. Split such a key
    into a basic key and the advanced rest (``(None, key)`` when there is nothing to split)."""
    if not (any(_is_int(k) for k in key) and any(is_array(k) for k in key)):
        return None, key
    first, rest = [], []
    for k in key:
        if _is_int(k):
            first.append(k)
        elif is_array(k):
            first.extend([_FULL] * max(k.ndim if k.dtype.kind == "b" else 1, 1))
            rest.append(k)
        elif k is None:
            first.append(None)
            rest.append(_FULL)
        else:  # slices and Ellipsis
            first.append(k)
            rest.append(k if k is Ellipsis else _FULL)
    return tuple(first), tuple(rest)


def _read(a: np.ndarray, key) -> np.ndarray:
    first, rest = _split_ints(key)
    return a[rest] if first is None else a[first][rest]


def _write(a: np.ndarray, key, v) -> None:
    first, rest = _split_ints(key)
    (a if first is None else a[first])[rest] = v  # a[first] is a view: writes reach a


def _mask_mismatch(key, shape) -> str | None:
    """PyTorch's message for the first bool array of ``key`` whose shape differs from the
    dims it indexes (None when there is none)."""
    used = sum(0 if k is None or k is Ellipsis else
               k.ndim if is_array(k) and k.dtype.kind == "b" else 1 for k in key)
    d = 0
    for k in key:
        if k is Ellipsis:
            d += len(shape) - used
        elif is_array(k) and k.dtype.kind == "b":
            for j, n in enumerate(k.shape):
                if d + j < len(shape) and n != shape[d + j]:
                    return (f"The shape of the mask {list(k.shape)} at index {j} does not "
                            f"match the shape of the indexed tensor {list(shape)} at index "
                            f"{d + j}")
            d += k.ndim
        elif k is not None:
            d += 1
    return None


def _index_error(e: Exception, op: str, shape, key=()) -> IndexError:
    """NumPy's IndexError in PyTorch's words, naming the op and the shapes."""
    msg = str(e).replace("axis", "dimension")
    if msg.startswith("too many indices"):
        msg = f"too many indices for tensor of dimension {len(shape)}"
    elif msg.startswith("boolean index did not match"):
        msg = _mask_mismatch(key, shape) or msg
    elif msg.startswith("shape mismatch"):
        # (PyTorch's words but for "cannot": NumPy's "could not be broadcast" is its tell)
        shapes = ", ".join(str(list(_dims(t))) for t in re.findall(r"\(([\d, ]*)\)", msg))
        msg = f"shape mismatch: indexing tensors cannot be broadcast together with shapes {shapes}"
    return IndexError(f"{op}: {msg} (indexing a tensor of shape {tuple(shape)})")


def _write_error(e: Exception, op: str, a: np.ndarray, key, v) -> Exception:
    """The error of a write ``a[key] = v`` that NumPy refused (an IndexError for indices out
    of bounds, a ValueError for a value that does not broadcast), in PyTorch's order: first
    that the value broadcasts to the indexing result (a RuntimeError), then the indices'
    bounds. The result's shape is read with every index array at 0 (in bounds whatever its
    values), so a wrong value shape is found even where an index is out of bounds too."""
    items = key if isinstance(key, tuple) else (key,)
    probe = tuple(np.zeros_like(k) if is_array(k) and k.dtype.kind in "iu" else k
                  for k in items)
    try:
        shape = np.shape(_read(a, probe if isinstance(key, tuple) else probe[0]))
        fits = np.broadcast_shapes(np.shape(v), shape) == shape
    except IndexError as probe_error:  # (an empty dim, a mask's shape: the index's own error)
        return _index_error(e if isinstance(e, IndexError) else probe_error, op, a.shape,
                            key)
    except ValueError:
        fits = False
    if fits and isinstance(e, IndexError):
        return _index_error(e, op, a.shape, key)
    return RuntimeError(f"{op}: shape mismatch: value of shape {np.shape(v)} cannot be "
                        f"broadcast to indexing result of shape {shape}")


def _dims(text: str) -> tuple:
    """``"2, 3,"`` as (2, 3)."""
    return tuple(int(v) for v in text.split(",") if v.strip())


def _single_array_dim(key, ndim: int):
    """The dim ``d`` when ``key`` is ``(:, ..., :, idx, :, ...)`` (Ellipsis allowed) with one
    integer array ``idx`` and full slices elsewhere: the common case worth a fast path."""
    arrays = [i for i, k in enumerate(key) if is_array(k)]
    if len(arrays) != 1 or key[arrays[0]].dtype.kind == "b":
        return None
    ellipsis = [i for i, k in enumerate(key) if k is Ellipsis]
    if len(ellipsis) > 1:
        return None
    for i, k in enumerate(key):
        if i != arrays[0] and k is not Ellipsis and not (isinstance(k, slice) and k == _FULL):
            return None
    n_fill = ndim - (len(key) - len(ellipsis))
    return arrays[0] + (n_fill - 1 if ellipsis and ellipsis[0] < arrays[0] else 0)


def _index_add_into(out: np.ndarray, key, g) -> None:
    """``out[key] += g`` with repeated indices accumulating."""
    first, key = _split_ints(key)
    if first is not None:
        out = out[first]  # a view
    if not _has_int_array(key):
        out[key] += g  # basic and mask keys reach each element at most once
        return
    if not out.flags.c_contiguous:
        np.add.at(out, key, g)
        return
    d = _single_array_dim(key, out.ndim)
    if d is None:
        if len(key) == out.ndim and all(is_array(k) and k.dtype.kind != "b"
                                        for k in key):
            # one integer array per dim (x[i, j], scatter, put): flat positions, 1-D add.at
            idx = np.broadcast_arrays(*[np.where(k < 0, k + n, k)
                                        for k, n in zip(key, out.shape)])
            lin = np.ravel_multi_index(tuple(idx), out.shape)
            g = np.broadcast_to(g, lin.shape)
            np.add.at(out.reshape(-1), lin.reshape(-1), g.reshape(-1))
        else:
            np.add.at(out, key, g)
        return
    # One integer array on dim d: add along flat positions with a 1-D np.add.at, which NumPy
    # runs several times faster than the multi-dimensional form (bench: 10,000 rows of 64).
    shape = out.shape
    idx0 = next(k for k in key if is_array(k))
    idx = idx0.reshape(-1).astype(np.int64)
    n = shape[d]
    idx = np.where(idx < 0, idx + n, idx)
    outer, inner = int(np.prod(shape[:d])), int(np.prod(shape[d + 1:]))
    xp = array_module(idx)
    lin = ((xp.arange(outer)[:, None, None] * n + idx[None, :, None]) * inner
           + xp.arange(inner)[None, None, :])
    g = np.broadcast_to(g, shape[:d] + idx0.shape + shape[d + 1:])
    flat = out.reshape(-1)  # out is a fresh contiguous array: this is a view
    np.add.at(flat, lin.reshape(-1), g.reshape(-1))


# ---------------------------------------------------------------------------------------------
# getitem and its adjoint
# ---------------------------------------------------------------------------------------------

class GetItem(Primitive):
    node_name = "IndexBackward0"
    is_view = True  # basic indexing shares memory; advanced indexing copies

    @staticmethod
    def forward(ctx, a, key, op="getitem"):
        ctx.key, ctx.in_shape = key, a.shape
        try:
            out = _read(a, key)
        except IndexError as e:
            raise _index_error(e, op, a.shape, key) from None
        if out.__class__ is not np.ndarray and not is_device_array(out) and _is_basic(key):
            # a 0-d view, not a NumPy scalar (so x[0].add_(1) writes x)
            out = a[key + (None,)].reshape(())
        if _is_basic(key) and type(ctx) is GetItem:
            ctx.node_name = _basic_node_name(key)
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, key=ctx.key, shape=ctx.in_shape)


def _basic_node_name(key) -> str:
    """PyTorch applies a basic key entry by entry; the node is named after the last real step."""
    for k in reversed(key):
        if _is_int(k):
            return "SelectBackward0"
        if k is None:
            return "UnsqueezeBackward0"
        if isinstance(k, slice) and k != _FULL:
            return "SliceBackward0"
    return "AliasBackward0"


class IndexAdd(Primitive):
    """``zeros(shape)`` with ``grad`` added at ``key`` (repeated indices accumulate)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        out = np.zeros_like(g, shape=shape)
        _index_add_into(out, key, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        return GetItem.apply(grad, key=ctx.key)


class IndexSelect(GetItem):
    node_name = "IndexSelectBackward0"


def getitem(input, key) -> Tensor:
    """``input[key]`` with PyTorch's indexing rules."""
    return GetItem.apply(input, key=norm_key(key, input._data))


# ---------------------------------------------------------------------------------------------
# Writes: setitem (in place) and IndexPut (into a copy)
# ---------------------------------------------------------------------------------------------

def _value_grad(grad: Tensor, key, v_shape) -> Tensor:
    """The gradient of a value written at ``key``: the gradient read back at ``key``."""
    gv = GetItem.apply(grad, key=key)
    extra = len(v_shape) - gv.ndim
    if extra > 0:  # NumPy let the value carry leading size-1 dims
        gv = gv.reshape((1,) * extra + tuple(gv.shape))
    return gv


class SetItem(Primitive):
    """``a[key] = v`` written into ``a``'s own array (the caller handles versions and graph)."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, a, v, key):
        ctx.key = key
        ctx.v_shape = np.shape(v)
        try:
            _write(a, key, v)
        except (IndexError, ValueError) as e:
            raise _write_error(e, "setitem", a, key, v) from None
        return a

    @staticmethod
    def backward(ctx, grad):
        need_a, need_v = ctx.needs_input_grad
        ga = ZeroAt.apply(grad, key=ctx.key) if need_a else None
        gv = _value_grad(grad, ctx.key, ctx.v_shape) if need_v else None
        return ga, gv


class ZeroAt(Primitive):
    """``grad`` with the elements at ``key`` set to zero (they were overwritten)."""

    node_name = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, g, key):
        ctx.key = key
        out = g.copy()
        _write(out, key, 0)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ZeroAt.apply(grad, key=ctx.key)


def as_value(value, input: Tensor):
    """A written value in ``input``'s dtype: a Tensor (cast in the graph) or an array."""
    if isinstance(value, Tensor):
        if value._data.ndim == 0 and value.device != input.device:
            value = value.to(input.device)  # (a 0-d tensor writes anywhere, as in PyTorch)
        return value if value._data.dtype == input._data.dtype else value.to(input.dtype)
    if isinstance(value, (int, float, complex, np.number, np.bool_)):
        value = _dt.checked_scalar(value, input._data.dtype)  # (PyTorch's overflow check)
    return on_device_of(as_array(value, input._data.dtype), input._data)


# what ``x[key] = value`` takes besides a Tensor, as PyTorch: Python's numbers (NumPy's float64
# and complex128 are Python floats and complexes) and NumPy's ints; not lists, arrays or
# NumPy's other floats
_ASSIGNABLE = (int, float, complex, np.integer)


def setitem(input: Tensor, key, value) -> None:
    """``input[key] = value`` in place; differentiable in ``value`` (and in ``input`` elsewhere)."""
    if not isinstance(value, (Tensor,) + _ASSIGNABLE):
        raise TypeError(f"setitem: can't assign a {type_name(value)} to a {input.type()}")
    inplace.check(input, "setitem")
    key = norm_key(key, input._data, "setitem")
    result = SetItem.apply(input, as_value(value, input), key=key)
    inplace.commit(input, result, "setitem")


class IndexPut(Primitive):
    """A copy of ``a`` with ``v`` written (or, with ``accumulate``, added) at ``key``."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, v, key, accumulate=False, op="index_put", node=None):
        ctx.key, ctx.v_shape, ctx.accumulate = key, np.shape(v), accumulate
        if node is not None:
            ctx.node_name = node
        out = a.copy()
        try:
            if accumulate:
                _index_add_into(out, key, v)  # each path broadcasts v itself
            else:
                _write(out, key, v)
        except (IndexError, ValueError) as e:
            raise _write_error(e, op, a, key, v) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        need_a, need_v = ctx.needs_input_grad
        ga = None
        if need_a:
            ga = grad if ctx.accumulate else ZeroAt.apply(grad, key=ctx.key)
        gv = _value_grad(grad, ctx.key, ctx.v_shape) if need_v else None
        return ga, gv


def index_put(input, indices, values, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``input[indices] = values`` (``+=`` with ``accumulate``)."""
    input = as_tensor_arg(input, "index_put")
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    for k, index in enumerate(indices):
        if index is not None and not isinstance(index, Tensor):
            raise TypeError(f"index_put(): expected Tensor as element {k} in argument 1, but "
                            f"got {type_name(index)}")
    values = as_tensor_arg(values, "index_put", "values")
    if values._data.dtype != input._data.dtype:
        raise RuntimeError(f"index_put(): values and self must have the same dtype, got "
                           f"{describe(values, input)}")
    return IndexPut.apply(input, as_value(values, input),
                          key=norm_key(tuple(indices), input._data, "index_put"),
                          accumulate=accumulate)


# ---------------------------------------------------------------------------------------------
# index_select, index_add, index_copy, index_fill: an index vector along one dim
# ---------------------------------------------------------------------------------------------

_NO_SOURCE = object()


def _dim_index(input: Tensor, dim: int, index, op: str, negative_ok: bool = False,
               source=_NO_SOURCE, out_of_range: type = IndexError) -> tuple:
    """Check an index vector along ``dim``; return ``(dim, key)`` for NumPy. With ``source``
    (index_add, index_copy), the source's shape is checked before the index's values, in
    PyTorch's order; an index out of range raises ``out_of_range``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = index._data
    if idx.ndim > 1 and op in _RANK_FIRST:  # (these check the index's rank before its dtype)
        raise IndexError(_RANK_FIRST[op].format(ndim=idx.ndim, shape=list(idx.shape),
                                                type=_dt.scalar_type_name(idx.dtype)))
    if op == "index_copy" and idx.dtype != np.int64:  # (int64 only, as PyTorch's)
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_dt.scalar_type_name(idx.dtype)} (index {describe(index)})")
    if op == "index_fill" and idx.dtype != np.int64:
        raise IndexError(f"index_fill_(): Expected dtype int64 for index (got {idx.dtype}).")
    if idx.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int32 or int64 for index, got {idx.dtype}")
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, got shape "
                         f"{tuple(idx.shape)}")
    d = norm_dim(dim, input.ndim, op)
    if source is not _NO_SOURCE:
        _check_source(input, source, d, idx.size, op)
    n = input._data.shape[d] if input.ndim else 1
    low = -n if negative_ok else 0
    if idx.size and host_check((idx.min() < low) | (idx.max() >= n)):
        bad = idx[(idx < low) | (idx >= n)][0]
        raise out_of_range(
            f"{op}(): index {bad} is out of bounds for dimension {d} with size {n} (index out "
            f"of range in self of shape {tuple(input.shape)})")
    if input.ndim == 0:
        if idx.size != 1 and op in _SCALAR_SELF:  # (index_fill fills a 0-d self for any)
            error, message = _SCALAR_SELF[op]
            raise error(message.format(n=idx.size, dim=dim))
        return d, ()
    return d, (_FULL,) * d + (idx.reshape(-1),)


# PyTorch's errors for an index of more than one dim, raised before its dtype is checked
_RANK_FIRST = {
    "index_select": "index_select(): Index is supposed to be a vector",
    "index_add": "index_add_(): Index is supposed to be a vector, but got dim: {ndim} with "
                 "type: {type} and size: {shape}",
    "index_copy": "index_copy_(): Index should have dimension 1 or 0 (got {ndim})"}
# and for a 0-d self with an index of other than one element
_SCALAR_SELF = {
    "index_select": (RuntimeError, "index_select(): Index to scalar can have only 1 value, got "
                                   "{n} value(s)"),
    "index_add": (IndexError, "index_add(): Dimension specified as {dim} but tensor has no "
                              "dimensions"),
    "index_copy": (IndexError, "index_copy_(): When source is scalar, index should have one "
                               "element (got {n})")}


def _check_source(input: Tensor, source, dim: int, n_index: int, op: str) -> None:
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}(): argument 'source' must be Tensor, not "
                        f"{type(source).__name__}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}(): self and source must have the same scalar type, got "
                           f"{describe(input, source)}")
    _pytorch_source_checks(input, source, dim, n_index, op)
    want = list(input.shape)
    if want:
        want[dim] = n_index
    if op == "index_add" and source.ndim == 0 and input.ndim:  # (index_copy takes it)
        raise RuntimeError(f"index_add(): source tensor shape must match self tensor shape, "
                           f"excluding the specified dimension. Got self.shape = "
                           f"{list(input.shape)} source.shape = []")
    if list(source.shape) != want and not (source.ndim == 0 and n_index == 1 and
                                           input.ndim <= 1):
        raise RuntimeError(f"{op}(): source of shape {tuple(source.shape)} does not match "
                           f"self of shape {tuple(input.shape)} with {n_index} index entries "
                           f"along dimension {dim}")


def _pytorch_source_checks(input: Tensor, source: Tensor, dim: int, n_index: int,
                           op: str) -> None:
    """The source checks whose class or text PyTorch's index_add/index_copy make their own."""
    if input.ndim == 0 or source.ndim == 0 and n_index == 1 and input.ndim <= 1:
        return
    if op == "index_copy":
        if source.ndim == 0:
            raise IndexError(f"index_copy_(): When source is scalar, index should have one "
                             f"element (got {n_index})")
        if source.ndim != input.ndim:
            raise IndexError(f"index_copy_(): When source and destination are not scalars, "
                             f"their dimensionality must match. Source dimensionality "
                             f"({source.ndim}), destination dimensionality ({input.ndim})")
        if source.shape[dim] != n_index:
            raise IndexError(f"index_copy_(): Number of indices ({n_index}) should be equal to "
                             f"source.size(dim) ({source.shape[dim]})")
    elif op == "index_add":
        if source.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions "
                             f"(index_add: source)")
        rest = [s for i, s in enumerate(input.shape) if i != dim]
        if source.ndim != input.ndim or [s for i, s in enumerate(source.shape) if i != dim] \
                != rest:
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding "
                               f"the specified dimension. Got self.shape = {list(input.shape)} "
                               f"source.shape = {list(source.shape)} (index_add)")


def index_select(input, dim: int, index) -> Tensor:
    """The slices of ``input`` along ``dim`` at the positions in the vector ``index``."""
    input = as_tensor_arg(input, "index_select")
    # (PyTorch's kernel for dim 1 raises a RuntimeError for an index out of range, its
    # others an IndexError)
    n = input.ndim
    second = n >= 2 and isinstance(dim, int) and -n <= dim < n and dim % n == 1
    d, key = _dim_index(input, dim, index, "index_select",
                        out_of_range=RuntimeError if second else IndexError)
    return IndexSelect.apply(input, key=key)


def index_add(input, dim: int, index, source, *, alpha=1) -> Tensor:
    """``input`` with ``alpha * source`` added along ``dim`` at ``index`` (repeats add up)."""
    input = as_tensor_arg(input, "index_add")
    # (PyTorch's kernel for a matrix and alpha 1 raises a RuntimeError, its others an IndexError)
    d, key = _dim_index(input, dim, index, "index_add", source=source, out_of_range=(
        RuntimeError if input.ndim > 1 and alpha == 1 else IndexError))
    if alpha != 1:
        source = source * as_array(alpha).astype(input._data.dtype)
    return IndexPut.apply(input, source, key=key, accumulate=True, op="index_add",
                          node="IndexAddBackward0")


def index_copy(input, dim: int, index, source) -> Tensor:
    """``input`` with the slices along ``dim`` at ``index`` replaced by ``source``'s."""
    input = as_tensor_arg(input, "index_copy")
    d, key = _dim_index(input, dim, index, "index_copy", source=source)
    return IndexPut.apply(input, source, key=key, op="index_copy", node="IndexCopyBackward0")


def index_fill(input, dim: int, index, value) -> Tensor:
    """``input`` with the slices along ``dim`` at ``index`` set to ``value`` (a number or a
    0-d tensor, which gets the gradient)."""
    input = as_tensor_arg(input, "index_fill")
    d, key = _dim_index(input, dim, index, "index_fill", negative_ok=True)
    if not isinstance(value, Tensor):
        number_arg(value, "index_fill", "value", 4)
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if not key and index.numel() == 0:  # (a 0-d self and no index: nothing to fill)
        return input.clone()
    if key:  # each slice once: a repeated index must not count the value's gradient twice
        n = input._data.shape[d]
        key = key[:-1] + (np.unique(np.where(key[-1] < 0, key[-1] + n, key[-1])),)
    return IndexPut.apply(input, as_value(value, input), key=key, op="index_fill",
                          node="IndexFillBackward1" if isinstance(value, Tensor)
                          else "IndexFillBackward0")


# ---------------------------------------------------------------------------------------------
# nonzero
# ---------------------------------------------------------------------------------------------

def nonzero(input, *, as_tuple: bool = False):
    """Indices of the nonzero elements: an ``(n, ndim)`` int64 tensor, or with ``as_tuple`` one
    1-D tensor per dimension."""
    input = as_tensor_arg(input, "nonzero")
    idx = np.nonzero(input._data) if input.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64)) for i in idx)
    if input.ndim == 0:
        return Tensor._make(np.zeros_like(idx[0], np.int64, shape=(idx[0].size, 0)))
    return Tensor._make(np.stack(idx, axis=1).astype(np.int64))


def argwhere(input) -> Tensor:
    """``nonzero(input)``: the indices of the nonzero elements as an ``(n, ndim)`` tensor."""
    return nonzero(input)


def unravel_index(indices, shape) -> tuple:
    """Flat indices into a tensor of ``shape`` as one int64 tensor of coordinates per dim."""
    idx = as_tensor_arg(indices, "unravel_index")
    if idx._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {idx.dtype}")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise RuntimeError("'shape' cannot have negative values, but got "
                           f"{tuple(shape)}")
    n = math.prod(shape)
    a = idx._data.astype(np.int64)
    if a.size and (a.min() < -n or a.max() >= n):
        raise RuntimeError(f"index out of bounds for a tensor of shape {tuple(shape)} "
                           f"({n} elements)")
    coords = np.unravel_index(np.where(a < 0, a + n, a), shape) if shape else ()
    return tuple(Tensor._make(as_array(c, np.int64)) for c in coords)


def nonzero_static(input, *, size: int, fill_value: int = -1) -> Tensor:
    """``nonzero(input)`` cut or padded (with ``fill_value`` rows) to exactly ``size`` rows."""
    input = as_tensor_arg(input, "nonzero_static")
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    if input.ndim == 0:  # (PyTorch: `size` rows of no coordinates)
        return Tensor._make(np.zeros_like(input._data, np.int64, shape=(size, 0)))
    nz = np.argwhere(input._data)[:size]
    pad = np.full_like(nz, fill_value, np.int64,
                       shape=(size - len(nz), max(input.ndim, 1) if input.ndim else 0))
    return Tensor._make(np.concatenate([nz.astype(np.int64).reshape(-1, pad.shape[1]), pad]))
