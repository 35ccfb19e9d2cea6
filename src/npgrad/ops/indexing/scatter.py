"""The gather/scatter family: ``gather``, ``scatter``, ``scatter_add``, ``scatter_reduce``,
``take_along_dim``, ``take`` and ``put`` (flat indices), and ``one_hot`` (exported from
``npgrad.nn.functional``).

An index tensor along ``dim`` names, for every position of ``index``, one element of the
input: ``out[i][j][k] = input[index[i][j][k]][j][k]`` for ``dim=0``. Each op turns it once
into flat positions in the input's row-major order (:func:`_flat_positions`); then a gather is
a 1-D read and a scatter-add a 1-D ``np.add.at``. :class:`Gather` and :class:`ScatterAddFlat`
are an adjoint pair (the gradient of one is the other).

Also the functional scatters, copies of the input with a slice, selection, diagonal or strided
view replaced (``select_scatter``, ``slice_scatter``, ``diagonal_scatter``,
``as_strided_scatter``), and ``index_reduce``.
"""
from __future__ import annotations

import numpy as np

from ...backend import array_module, as_array, host_check, on_device_of, scatter_at
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from .._arguments import as_tensor_arg, describe, int_arg, long_tensor, norm_dim, Tensor
from .indexing import index_copy, index_put, GetItem, IndexPut
from ..shape.views import _strided_index, movedim
from ..shape.diag import diagonal
from ..elementwise.binary import where

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "take_along_dim", "take", "put",
           "select_scatter", "slice_scatter", "diagonal_scatter", "index_reduce",
           "as_strided_scatter"]


# ---------------------------------------------------------------------------------------------
# Index checks and flat positions
# ---------------------------------------------------------------------------------------------

def flat_positions(shape: tuple, dim: int, idx: np.ndarray) -> np.ndarray:
    """Row-major flat positions in an array of ``shape`` of the elements that ``idx`` names
    along ``dim`` (the position of ``idx``'s own element in every other dim)."""
    strides = np.cumprod((tuple(shape[1:]) + (1,))[::-1])[::-1]  # in elements
    lin = idx * int(strides[dim])
    for k in range(idx.ndim):
        if k != dim:
            span = array_module(idx).arange(idx.shape[k]) * int(strides[k])
            lin = lin + span.reshape((-1,) + (1,) * (idx.ndim - 1 - k))
    return lin


def _flat_positions(input: Tensor, dim: int, index, op: str, src=None) -> tuple:
    """Check ``index`` (and ``src``) as PyTorch does; return ``(dim, flat positions)``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = index._data
    d = norm_dim(dim, input.ndim, op)  # (PyTorch checks dim before the index's dtype)
    if idx.dtype != np.int64:
        if idx.dtype != np.int32:  # (PyTorch's scatter and gather take int32 indices too)
            raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {idx.dtype}")
        idx = idx.astype(np.int64)
    shape = input._data.shape
    if max(idx.ndim, 1) != max(len(shape), 1):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as "
                           f"input tensor ({describe(index, input)})")
    if isinstance(src, Tensor) and max(idx.ndim, 1) != max(src.ndim, 1):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as "
                           f"src tensor ({describe(index, src)})")
    if len(shape) == 0 or idx.ndim == 0:
        full, idx = shape or (1,), idx.reshape(-1) if idx.ndim == 0 else idx
    else:
        full = shape
    src_shape = None if src is None or not isinstance(src, Tensor) else src._data.shape
    for k, s in enumerate(idx.shape):
        too_big = (k != d and s > full[k]) or (src_shape and len(src_shape) == idx.ndim and
                                               s > src_shape[k])
        if too_big and idx.size:
            raise RuntimeError(f"{op}(): Expected index {list(index.shape)} to be no larger "
                               f"than self {list(shape)} apart from dimension {d}"
                               + (f" and to be no larger size than src {list(src_shape)}"
                                  if src_shape is not None else ""))
    n = full[d]
    if idx.size and host_check((idx.min() < 0) | (idx.max() >= n)):
        bad = idx[(idx < 0) | (idx >= n)].reshape(-1)[0]
        raise RuntimeError(f"{op}(): index {bad} is out of bounds for dimension {d} with size "
                           f"{n} (self of shape {tuple(shape)})")
    lin = flat_positions(full, d, idx)
    if index.ndim == 0:
        lin = lin.reshape(())
    return d, lin


def _src_region(src: Tensor, index_shape: tuple) -> Tensor:
    """The part of ``src`` that ``index`` uses (``src`` may be larger in every dim)."""
    if tuple(src._data.shape) == tuple(index_shape):
        return src
    if src.ndim == 0:
        return src.reshape(index_shape)
    if len(index_shape) == 0:  # a 0-d index reads src at its origin, as PyTorch's kernels
        return src.reshape(-1)[0]
    return src[tuple(slice(0, s) for s in index_shape)]


# ---------------------------------------------------------------------------------------------
# gather and its adjoint
# ---------------------------------------------------------------------------------------------

class Gather(Primitive):
    """Read ``a`` (as 1-D, row-major) at the flat positions ``lin``."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, lin):
        ctx.lin, ctx.in_shape = lin, a.shape
        return a.reshape(-1)[lin]

    @staticmethod
    def backward(ctx, grad):
        return ScatterAddFlat.apply(grad, lin=ctx.lin, shape=ctx.in_shape)


class ScatterAddFlat(Primitive):
    """``zeros(shape)`` with ``g`` added at the flat positions ``lin`` (repeats add up)."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, lin, shape):
        ctx.lin = lin
        out = np.zeros_like(g, shape=(int(np.prod(shape)),))
        np.add.at(out, lin.reshape(-1), np.broadcast_to(g, lin.shape).reshape(-1))
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, lin=ctx.lin)


class ScatterAdd(Primitive):
    """A copy of ``a`` with ``src`` added at the flat positions ``lin``."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, a, src, lin):
        ctx.lin = lin
        out = a.copy(order="C")  # C order, so its reshape(-1) is a view
        np.add.at(out.reshape(-1), lin.reshape(-1), np.broadcast_to(src, lin.shape).reshape(-1))
        return out

    @staticmethod
    def backward(ctx, grad):
        need_src = ctx.needs_input_grad[1]
        return grad, (Gather.apply(grad, lin=ctx.lin) if need_src else None)


def _nd_key(lin: np.ndarray, shape: tuple) -> tuple:
    """Flat positions as a tuple of per-dim index arrays (an N-D key for IndexPut)."""
    return np.unravel_index(lin.reshape(-1), shape) if shape else (lin.reshape(-1),)


def gather(input, dim: int, index, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j][k] = input[index[i][j][k]][j][k]`` (for ``dim=0``); ``index`` may be
    smaller than ``input`` in every dim but ``dim``."""
    input = as_tensor_arg(input, "gather")
    _, lin = _flat_positions(input, dim, index, "gather")
    return Gather.apply(input, lin=lin)


def _check_src(input: Tensor, src, op: str) -> None:
    if isinstance(src, Tensor) and src._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype "
                           f"({describe(input, src)})")


def scatter_add(input, dim: int, index, src) -> Tensor:
    """``input`` with ``src[i][j][k]`` added at ``[index[i][j][k]][j][k]`` (``dim=0``);
    repeated positions add up."""
    input = as_tensor_arg(input, "scatter_add")
    src = as_tensor_arg(src, "scatter_add", "src")
    _check_src(input, src, "scatter_add")
    _, lin = _flat_positions(input, dim, index, "scatter_add", src)
    return ScatterAdd.apply(input, _src_region(src, index.shape), lin=lin)


def scatter(input, dim: int, index, src=None, *, value=None, reduce=None) -> Tensor:
    """``input`` with ``src[i][j][k]`` (or the number ``value``) written at
    ``[index[i][j][k]][j][k]`` (``dim=0``)."""
    input = as_tensor_arg(input, "scatter")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter(): expected a 'src' tensor or a 'value'")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, "
                               f"got {reduce}")
        if not isinstance(src, Tensor):
            src = Tensor._make(np.full_like(input._data, src, shape=tuple(index.shape)))
        return scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")
    _check_src(input, src, "scatter")
    _, lin = _flat_positions(input, dim, index, "scatter", src)
    if isinstance(src, Tensor):
        v = _src_region(src, index.shape).reshape(-1)
    else:
        v = on_device_of(as_array(src, input._data.dtype), input._data)
    base = input if input.ndim else input.reshape(1)
    out = IndexPut.apply(base, v, key=_nd_key(lin, base._data.shape), op="scatter",
                         node="ScatterBackward0" if isinstance(src, Tensor)
                         else "ScatterBackward1")
    return out if input.ndim else out.reshape(())


# ---------------------------------------------------------------------------------------------
# scatter_reduce
# ---------------------------------------------------------------------------------------------

_REDUCE_UFUNCS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
                  "amin": np.minimum}


def _identity(reduce: str, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if is_float_np(dtype):
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Primitive):
    node_name = "ScatterReduceBackward0"

    @staticmethod
    def forward(ctx, a, src, lin, reduce, include_self):
        ctx.lin, ctx.reduce, ctx.include_self = lin, reduce, include_self
        flat_lin = lin.reshape(-1)
        s = np.broadcast_to(src, lin.shape).reshape(-1)
        out = a.copy().reshape(-1)
        counts = np.bincount(flat_lin, minlength=out.size)
        touched = counts > 0
        if not include_self:
            out[touched] = _identity(reduce, out.dtype)
        scatter_at(_REDUCE_UFUNCS[reduce], out, flat_lin, s)
        counts = counts + (1 if include_self else 0)
        if reduce == "mean":
            n = np.maximum(counts, 1)
            out = out / n if is_float_np(out.dtype) else out // n
            out = out.astype(a.dtype)
        ctx.counts = np.maximum(counts, 1).reshape(a.shape)
        ctx.touched = touched.reshape(a.shape)
        out = out.reshape(a.shape)
        if reduce in ("amax", "amin"):
            # NOTE: as PyTorch, ties share the gradient evenly among the elements that equal
            # the result (self included when include_self).
            self_eq = (a == out) & (include_self | ~ctx.touched)
            src_eq = s.reshape(lin.shape) == out.reshape(-1)[lin]
            n_eq = self_eq.astype(np.int64).reshape(-1)
            np.add.at(n_eq, flat_lin, src_eq.reshape(-1))
            ctx.self_w = self_eq / np.maximum(n_eq.reshape(a.shape), 1)
            ctx.src_w = src_eq / np.maximum(n_eq[lin], 1)
        if reduce == "prod":
            ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        need_a, need_src = ctx.needs_input_grad
        reduce, lin = ctx.reduce, ctx.lin
        dt = grad._data.dtype
        ga = gs = None
        if reduce == "sum":
            ga = grad if ctx.include_self else _zero_touched(grad, ctx.touched)
            gs = Gather.apply(grad, lin=lin) if need_src else None
        elif reduce == "mean":
            g = grad / Tensor._make(ctx.counts.astype(dt))
            ga = g if ctx.include_self else _zero_touched(grad, ctx.touched)
            gs = Gather.apply(g, lin=lin) if need_src else None
        elif reduce in ("amax", "amin"):
            ga = grad * Tensor._make(ctx.self_w.astype(dt))
            gs = Gather.apply(grad, lin=lin) * Tensor._make(ctx.src_w.astype(dt)) \
                if need_src else None
        else:
            ga, gs = _prod_grads(ctx, grad)
        return (ga if need_a else None), gs


def _zero_touched(grad: Tensor, touched: np.ndarray) -> Tensor:
    return where(Tensor._make(touched), 0.0, grad)


def _prod_grads(ctx, grad: Tensor) -> tuple:
    """Gradients of a scatter product: the product of the other elements reduced at the same
    position, found without dividing by zero (PyTorch's rule for zeros)."""
    a, src, out = ctx.saved_tensors
    lin, include_self = ctx.lin, ctx.include_self
    src = src.expand(lin.shape) if tuple(src.shape) != lin.shape else src
    a_zero, src_zero = a._data == 0, src._data == 0
    zeros = (a_zero & include_self).astype(np.int64).reshape(-1)
    np.add.at(zeros, lin.reshape(-1), src_zero.reshape(-1))
    zeros = zeros.reshape(a.shape)
    a_safe = where(Tensor._make(a_zero), 1.0, a)
    src_safe = where(Tensor._make(src_zero), 1.0, src)
    start = a_safe if include_self else Tensor._make(np.ones_like(a._data))
    prod_nz = ScatterReduce.apply(start, src_safe, lin=lin, reduce="prod", include_self=True)

    def others(x_safe, x_zero, z, p):
        none_zero = Tensor._make(z == 0)
        one_zero = Tensor._make(z == 1)
        return where(Tensor._make(x_zero), where(one_zero, p, 0.0),
                     where(none_zero, p / x_safe, 0.0))

    ga = grad * others(a_safe, a_zero, zeros, prod_nz)
    if not include_self:
        ga = _zero_touched(grad, ctx.touched)
    gs = Gather.apply(grad, lin=lin) * others(src_safe, src_zero, zeros.reshape(-1)[lin],
                                              Gather.apply(prod_nz, lin=lin))
    return ga, gs


def scatter_reduce(input, dim: int, index, src, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """Reduce ``src`` into ``input`` at the positions ``index`` names along ``dim``, with
    ``reduce`` one of ``"sum"``, ``"prod"``, ``"mean"``, ``"amax"``, ``"amin"``; with
    ``include_self=False`` the values of ``input`` at those positions are left out."""
    input = as_tensor_arg(input, "scatter_reduce")
    if reduce not in _REDUCE_UFUNCS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' must be Tensor, not "
                        f"{type(src).__name__}")
    _check_src(input, src, "scatter_reduce")
    _, lin = _flat_positions(input, dim, index, "scatter_reduce", src)
    return ScatterReduce.apply(input, _src_region(src, index.shape), lin=lin, reduce=reduce,
                               include_self=include_self)


# ---------------------------------------------------------------------------------------------
# take and put: flat indices into the row-major order
# ---------------------------------------------------------------------------------------------

def _flat_index(input: Tensor, index, op: str) -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = index._data
    if idx.dtype != np.int64:
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {index.dtype}")
    n = input.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx[(idx < -n) | (idx >= n)].reshape(-1)[0]
        raise IndexError(f"{op}(): out of range: tried to access index {bad} on a tensor of "
                         f"{n} elements (shape {tuple(input.shape)}).")
    return idx


class Take(GetItem):
    node_name = "TakeBackward0"


def take(input, index) -> Tensor:
    """``input`` read as 1-D at ``index`` (negative indices count from the end); the result
    has ``index``'s shape."""
    input = as_tensor_arg(input, "take")
    idx = _flat_index(input, index, "take")
    return Take.apply(input.reshape(-1), key=(idx,))


def put(input, index, source, accumulate: bool = False) -> Tensor:
    """``input`` with ``source`` written (or added) at the flat positions ``index``."""
    input = as_tensor_arg(input, "put")
    idx = _flat_index(input, index, "put")
    source = as_tensor_arg(source, "put", "source")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, got "
                           f"{describe(input, source)}")
    if source.numel() != idx.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, "
                         f"index.numel() = {idx.size}")
    base = input if input.ndim else input.reshape(1)
    lin = np.where(idx < 0, idx + input.numel(), idx)
    out = IndexPut.apply(base, source.reshape(-1), key=_nd_key(lin, base._data.shape),
                         accumulate=accumulate, op="put", node="PutBackward0")
    return out if input.ndim else out.reshape(())


# ---------------------------------------------------------------------------------------------
# take_along_dim and one_hot
# ---------------------------------------------------------------------------------------------

def take_along_dim(input, indices, dim=None) -> Tensor:
    """``gather`` with ``input`` and ``indices`` broadcast against each other except along
    ``dim``; with ``dim=None``, both are read flattened."""
    input = as_tensor_arg(input, "take_along_dim")
    indices = as_tensor_arg(indices, "take_along_dim", "indices")
    if indices._data.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_dt.scalar_type_name(indices._data.dtype)} (indices "
                           f"{describe(indices)})")
    if dim is None:
        return take(input.reshape(-1), indices.reshape(-1).to(_dt.int64))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, "
                           f"and {indices.ndim} dimensions for indices")
    d = norm_dim(dim, input.ndim, "take_along_dim")
    si, sx = list(input.shape), list(indices.shape)
    si[d] = sx[d] = 1
    try:
        common = list(np.broadcast_shapes(tuple(si), tuple(sx)))
    except ValueError:
        raise RuntimeError(f"take_along_dim(): shapes {describe(input, indices)} do not "
                           f"broadcast apart from dimension {d}") from None
    want_in, want_idx = list(common), list(common)
    want_in[d], want_idx[d] = input.shape[d], indices.shape[d]
    if list(input.shape) != want_in:
        input = input.expand(want_in)
    if list(indices.shape) != want_idx:
        indices = indices.expand(want_idx)
    return gather(input, d, indices.to(_dt.int64))


def one_hot(tensor, num_classes: int = -1) -> Tensor:
    """``tensor``'s int64 class indices as one-hot int64 vectors along a new last dim; with
    ``num_classes=-1`` the number of classes is ``tensor.max() + 1``."""
    tensor = as_tensor_arg(tensor, "one_hot")
    num_classes = int_arg(num_classes, "one_hot", "num_classes", 2)
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}).")
    classes = array_module(idx).arange(num_classes)
    return Tensor._make((idx[..., None] == classes).astype(np.int64))


# ---------------------------------------------------------------------------------------------
# Functional scatters: a copy of the input with a slice, selection, diagonal or strided view
# replaced
# ---------------------------------------------------------------------------------------------

def _check_src_shape(op: str, src: Tensor, expected: tuple) -> None:
    if tuple(src.shape) != tuple(expected):
        raise RuntimeError(f"{op}(): expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.shape)}, slice size = {list(expected)}")


def _in_dtype_of(input: Tensor, src: Tensor) -> Tensor:
    """``src`` in ``input``'s dtype: the *_scatter ops cast it, as PyTorch's do."""
    return src if input._data.dtype == src._data.dtype else src.to(input.dtype)


def select_scatter(input, src, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    input, src = as_tensor_arg(input, "select_scatter"), as_tensor_arg(src, "select_scatter")
    d = norm_dim(dim, input.ndim, "select_scatter")
    index = int_arg(index, "select_scatter", "index", 4)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    _check_src_shape("select_scatter", src, input.shape[:d] + input.shape[d + 1:])
    src = _in_dtype_of(input, src)
    xp = array_module(input._data)
    return index_copy(input, d, long_tensor(xp.asarray([index % n])), src.unsqueeze(d))


def slice_scatter(input, src, dim: int = 0, start=None, end=None, step: int = 1) -> Tensor:
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by
    ``src``."""
    input, src = as_tensor_arg(input, "slice_scatter"), as_tensor_arg(src, "slice_scatter")
    d = norm_dim(dim, input.ndim, "slice_scatter")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    idx = array_module(input._data).arange(input.shape[d])[slice(start, end, step)]
    _check_src_shape("slice_scatter", src,
                     input.shape[:d] + (len(idx),) + input.shape[d + 1:])
    src = _in_dtype_of(input, src)
    return index_copy(input, d, long_tensor(idx), src)


def diagonal_scatter(input, src, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``
    (whose last dim runs along the diagonal, as ``diagonal`` returns it)."""
    input = as_tensor_arg(input, "diagonal_scatter")
    src = as_tensor_arg(src, "diagonal_scatter")
    expected = tuple(diagonal(input, offset, dim1, dim2).shape)
    _check_src_shape("diagonal_scatter", src, expected)
    src = _in_dtype_of(input, src)
    d1, d2 = norm_dim(dim1, input.ndim, "diagonal_scatter"), \
        norm_dim(dim2, input.ndim, "diagonal_scatter")
    k = expected[-1]
    rows = np.arange(k) + max(-offset, 0)
    cols = np.arange(k) + max(offset, 0)
    x = movedim(input, (d1, d2), (0, 1))
    out = index_put(x, (long_tensor(rows), long_tensor(cols)), movedim(src, -1, 0))
    return movedim(out, (0, 1), (d1, d2))


def index_reduce(input, dim: int, index, source, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """Reduce the slices of ``source`` into ``input``'s slices ``index`` along ``dim``, with
    ``reduce`` one of 'prod', 'mean', 'amax', 'amin' (``scatter_reduce`` with the index
    broadcast over the other dims)."""
    input = as_tensor_arg(input, "index_reduce")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    d = norm_dim(dim, max(input.ndim, 1), "index_reduce")
    index = as_tensor_arg(index, "index_reduce")
    source = as_tensor_arg(source, "index_reduce", "source")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{_dt.scalar_type_name(index._data.dtype)} (index {describe(index)})")
    if index.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector of integers")
    if source.ndim and source.shape[d] != index.numel():
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be "
                           f"equal to source.size(dim) ({source.shape[d]})")
    if not input.ndim:
        return index_reduce(input.reshape(1), 0, index, source.reshape(-1), reduce,
                            include_self=include_self).reshape(())
    if source.ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions "
                         f"(index_reduce: source)")
    if source.ndim != input.ndim or any(s != t for i, (s, t) in
                                        enumerate(zip(source.shape, input.shape)) if i != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)} (index_reduce)")
    n = input.shape[d]
    if index.numel() and (index._data.min() < 0 or index._data.max() >= n):
        raise IndexError(f"index out of range in self (index_reduce: index values outside "
                         f"[0, {n}) along dimension {d} of {list(input.shape)})")
    shape = [1] * source.ndim
    shape[d] = -1
    idx = on_device_of(index._data.astype(np.int64), input._data)  # (a CPU index may come)
    idx = Tensor._make(np.broadcast_to(idx.reshape(shape), source.shape).copy())
    return scatter_reduce(input, d, idx, source, reduce, include_self=include_self)


def as_strided_scatter(input, src, size, stride, storage_offset=None) -> Tensor:
    """A copy of ``input`` with the positions ``as_strided`` would read set from ``src``."""
    input = as_tensor_arg(input, "as_strided_scatter")
    src = as_tensor_arg(src, "as_strided_scatter")
    idx = _strided_index(input, size, stride, storage_offset, "as_strided_scatter")
    _check_src_shape("as_strided_scatter", src, idx.shape)
    src = _in_dtype_of(input, src)
    out = index_put(input.reshape(-1), (long_tensor(idx.reshape(-1)),), src.reshape(-1))
    return out.reshape(input.shape)
