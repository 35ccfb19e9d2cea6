"""Indexing: ``x[key]`` and ``x[key] = value``, and ``nonzero``.

Keys are what NumPy accepts: ints, slices with steps, None, Ellipsis, integer and bool
tensors, lists and arrays, and tuples mixing them. ``getitem`` and :class:`IndexAdd` are an
adjoint pair: the gradient of a read is a scatter-add (so repeated indices accumulate), and
the gradient of that scatter-add is a read again.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Primitive
from ._util import Tensor

__all__ = ["getitem", "setitem", "nonzero", "argwhere"]


def norm_key(key):
    """Turn a user's key into a NumPy key: tensors and lists become arrays."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._data
        elif isinstance(k, list):
            k = np.asarray(k) if k else np.zeros(0, np.int64)
            if k.dtype == object:
                raise IndexError("getitem: ragged lists cannot be used as indices")
        if isinstance(k, np.ndarray) and k.dtype.kind not in "iub":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors "
                             f"(got {k.dtype})")
        elif isinstance(k, float):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             "byte Variables are valid indices (got float)")
        out.append(k)
    return tuple(out)


def _is_basic(key) -> bool:
    return not any(isinstance(k, np.ndarray) for k in key)


def _index_error(e: Exception, shape) -> IndexError:
    msg = str(e).replace("axis", "dimension")
    return IndexError(f"index: {msg} (indexing a tensor of shape {tuple(shape)})")


class GetItem(Primitive):
    node_name = "IndexBackward0"
    is_view = True  # basic indexing shares memory; advanced indexing copies

    @staticmethod
    def forward(ctx, a, key):
        ctx.key, ctx.in_shape = key, a.shape
        try:
            out = a[key]
        except IndexError as e:
            raise _index_error(e, a.shape) from None
        if _is_basic(key):
            ctx.node_name = "SliceBackward0"
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, key=ctx.key, shape=ctx.in_shape)


class IndexAdd(Primitive):
    """``zeros(shape)`` with ``grad`` added at ``key`` (repeated indices accumulate)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        out = np.zeros(shape, g.dtype)
        if _is_basic(key):
            out[key] = g
        else:
            np.add.at(out, key, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        return GetItem.apply(grad, ctx.key)


def getitem(input, key) -> Tensor:
    """``input[key]`` with NumPy's (and PyTorch's) indexing rules."""
    return GetItem.apply(input, norm_key(key))


class SetItem(Primitive):
    """``a[key] = v`` written into ``a``'s own array (the caller handles versions and graph)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, v, key):
        ctx.key = key
        ctx.v_shape = np.shape(v)
        try:
            a[key] = v
        except IndexError as e:
            raise _index_error(e, a.shape) from None
        except ValueError:
            raise RuntimeError(f"setitem: shape mismatch: value of shape {np.shape(v)} cannot "
                               f"be broadcast to indexing result of shape "
                               f"{np.shape(a[key])}") from None
        return a

    @staticmethod
    def backward(ctx, grad):
        need_a, need_v = ctx.needs_input_grad
        ga = ZeroAt.apply(grad, key=ctx.key) if need_a else None
        gv = None
        if need_v:
            gv = GetItem.apply(grad, ctx.key)
            extra = len(ctx.v_shape) - gv.ndim
            if extra > 0:  # NumPy let the value carry leading size-1 dims
                gv = gv.reshape((1,) * extra + tuple(gv.shape))
        return ga, gv


class ZeroAt(Primitive):
    """``grad`` with the elements at ``key`` set to zero (they were overwritten)."""

    node_name = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, g, key):
        ctx.key = key
        out = g.copy()
        out[key] = 0
        return out

    @staticmethod
    def backward(ctx, grad):
        return ZeroAt.apply(grad, key=ctx.key)


def setitem(input: Tensor, key, value) -> None:
    """``input[key] = value`` in place; differentiable in ``value`` (and in ``input`` elsewhere)."""
    from . import inplace
    inplace.check(input, "setitem")
    key = norm_key(key)
    if isinstance(value, Tensor):
        if value._data.dtype != input._data.dtype:
            value = value.to(input.dtype)
    elif isinstance(value, (list, tuple, np.ndarray)):
        value = np.asarray(value, input._data.dtype)
    result = SetItem.apply(input, value, key=key)
    inplace.commit(input, result, "setitem")


def nonzero(input, *, as_tuple: bool = False):
    """Indices of the nonzero elements: an ``(n, ndim)`` int64 tensor, or with ``as_tuple`` one
    1-D tensor per dimension."""
    idx = np.nonzero(input._data) if input.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64)) for i in idx)
    return Tensor._make(np.stack(idx, axis=1).astype(np.int64) if idx else
                        np.zeros((0, 0), np.int64))


def argwhere(input) -> Tensor:
    """``nonzero(input)``."""
    return nonzero(input)
