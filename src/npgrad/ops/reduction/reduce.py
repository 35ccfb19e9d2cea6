"""Reductions: sums and products, extremes and their indices, logic, ``logsumexp``.

``dim`` may be None (all dimensions), an int, a negative int or a tuple; ``keepdim`` keeps
reduced dimensions with size 1. Backward expands the gradient back over reduced dimensions.
Statistics and scans (var, std, median, cumsum...) are in ``stats.py``, norms in ``norms.py``.
"""
from __future__ import annotations

import builtins  # this module defines sum/any/all/max/min: use builtins.X for Python's

import numpy as np

from ...backend import array_module, as_array, ascontiguous
from .. import autocast
from ...dtypes import is_float_np
from ... import dtypes as _dt, return_types
from ...autograd.function import Primitive
from .._arguments import (ALL_DIMS, as_tensor_arg, describe, norm_dim, norm_dims, size_args,
                          Tensor)
from ..elementwise import pointwise
from ..elementwise.binary import where
from .scans import Cumprod

__all__ = ["sum", "mean", "sum_to_size", "prod", "max", "min", "amax", "amin", "argmax",
           "argmin", "all", "any", "count_nonzero", "logsumexp"]


def reduce_dims(dim, ndim: int, op: str) -> tuple:
    """``dim`` as a sorted tuple of the dims to reduce. None and an empty tuple mean all dims
    (PyTorch's rule for sum, mean, amax...); a 0-d tensor has no dim to reduce."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = norm_dims(dim, ndim, op)
    return dims if ndim else ()


def expand_back(grad: Tensor, in_shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Undo a reduction's shape change: reinsert reduced dims and broadcast to ``in_shape``."""
    if not keepdim and dims:
        kept = list(in_shape)
        for d in dims:
            kept[d] = 1
        grad = grad.reshape(kept)
    return grad.expand(in_shape)


class Sum(Primitive):
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype, whole=False):
        ctx.in_shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        if whole:  # sum() without a dim, as PyTorch names it
            ctx.node_name = "SumBackward0"
        # the method skips np.sum's Python dispatch layer (a few us on small tensors)
        return a.sum(axis=dims, keepdims=keepdim, dtype=_dt.sum_dtype(a, dtype))

    @staticmethod
    def backward(ctx, grad):
        return expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim)


class Mean(Primitive):
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype, whole=False):
        dt = _mean_dtype(a, dtype)
        ctx.in_shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.count = int(np.prod([a.shape[d] for d in dims]))
        if whole:
            ctx.node_name = "MeanBackward0"
        if ctx.count == 0:  # NumPy warns on an empty mean; PyTorch quietly gives nan
            return np.full_like(np.sum(a, axis=dims, keepdims=keepdim), np.nan, dtype=dt)
        return np.mean(a, axis=dims, keepdims=keepdim, dtype=dt)

    @staticmethod
    def backward(ctx, grad):
        return expand_back(grad / ctx.count, ctx.in_shape, ctx.dims, ctx.keepdim)


def sum(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (all dims when None). Integers and bools sum to int64.

    >>> npgrad.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
    tensor([4., 6.])
    """
    input = as_tensor_arg(input, "sum")
    return Sum.apply(input, dims=reduce_dims(dim, input.ndim, "sum"), keepdim=keepdim,
                     dtype=dtype, whole=dim is None)


def _mean_dtype(a: np.ndarray, dtype) -> np.dtype:
    """mean's result dtype: floating only, as in PyTorch."""
    if dtype is not None:
        dt = _dt.dtype_arg(dtype, "mean").np
        if not is_float_np(dt):
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be "
                               f"either a floating point or complex dtype. Got: "
                               f"{_dt.scalar_type_name(dt)}")
        return dt
    if not is_float_np(a.dtype):
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either "
                           f"a floating point or complex dtype. Got: "
                           f"{_dt.scalar_type_name(a.dtype)} (input {describe(a)})")
    return a.dtype


def mean(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean over ``dim`` (all dims when None); floating inputs only, as in PyTorch."""
    input = as_tensor_arg(input, "mean")
    _mean_dtype(input._data, dtype)  # (PyTorch checks the dtype before the dims)
    return Mean.apply(input, dims=reduce_dims(dim, input.ndim, "mean"), keepdim=keepdim,
                      dtype=dtype, whole=dim is None)


class SumToSize(Primitive):
    """Sum a broadcast gradient down to a shape; the adjoint of ``expand``."""

    node_name = "SumToSizeBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        lead = a.ndim - len(shape)
        if lead < 0 or builtins.any(s != 1 and s != a.shape[lead + i]
                                    for i, s in enumerate(shape)):
            raise RuntimeError(f"sum_to_size: size {list(shape)} is not expandable to size "
                               f"{list(a.shape)}")
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                          if s == 1 and a.shape[lead + i] != 1)
        # (integers and bools sum in int64, as PyTorch's sum: NumPy's uint8 sum is uint64)
        out = a.sum(axis=axes, keepdims=True, dtype=_dt.sum_dtype(a)) if axes else a
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.in_shape)


def sum_to_size(input, *size) -> Tensor:
    """Sum ``input`` down to ``size``, which must broadcast to ``input``'s shape."""
    size = size_args(size, "sum_to_size")
    if tuple(input.shape) == size:
        return input
    return SumToSize.apply(input, shape=size)


# ---------------------------------------------------------------------------------------------
# prod: the gradient is the product of the other elements, exact when some are zero
# ---------------------------------------------------------------------------------------------

class Prod(Primitive):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype, name):
        dt = _dt.sum_dtype(a, dtype, "prod")
        ctx.in_shape, ctx.dims, ctx.keepdim, ctx.node_name = a.shape, dims, keepdim, name
        out = as_array(np.prod(a, axis=dims, keepdims=keepdim, dtype=dt))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a.ndim == 0:  # the identity, as PyTorch (out / a is nan at inf, nan and 0)
            return grad
        if a._data.dtype != out._data.dtype:  # prod(dtype=...): differentiate in that dtype
            a = a.to(out.dtype)
        g = expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        if not np.any(a._data == 0):
            return g * expand_back(out, ctx.in_shape, ctx.dims, ctx.keepdim) / a
        return g * prod_of_others(a, ctx.dims)


def _shifted(a: Tensor, dim: int, step: int) -> Tensor:
    """``a`` moved by ``step`` (+1 or -1) along ``dim``, with 1 in the freed slot."""
    n = a.shape[dim]
    pos = array_module(a._data).arange(n).reshape((n,) + (1,) * (a.ndim - dim - 1))
    index = np.broadcast_to(np.clip(pos - step, 0, n - 1), a.shape)
    free = Tensor._make(np.broadcast_to(pos == (0 if step > 0 else n - 1), a.shape))
    return where(free, 1.0, TakeAlong.apply(a, index=ascontiguous(index), dim=dim,
                                            keepdim=True))


def prod_of_others(a: Tensor, dims: tuple) -> Tensor:
    """For each element, the product of the other elements over ``dims`` (all dims or one),
    from exclusive cumulative products: no division, so exact with zeros and differentiable
    again."""
    if not dims or a.numel() == 0:
        return Tensor._make(np.ones_like(a._data)) if not dims else a
    x = a.reshape(-1) if len(dims) > 1 else a
    d = 0 if len(dims) > 1 else dims[0]
    left = Cumprod.apply(_shifted(x, d, 1), dim=d, reverse=False)
    right = Cumprod.apply(_shifted(x, d, -1), dim=d, reverse=True)
    return (left * right).reshape(a.shape)


@autocast.float32
def prod(input, dim=ALL_DIMS, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of all elements, or over one ``dim``. Integers and bools multiply in int64.

    >>> npgrad.tensor([[1., 2.], [3., 4.]]).prod(1)
    tensor([ 2., 12.])
    """
    input = as_tensor_arg(input, "prod")
    if dim is ALL_DIMS:
        dims, keepdim = tuple(range(input.ndim)), False
    elif isinstance(dim, (int, np.integer)):
        dims = reduce_dims(int(dim), input.ndim, "prod")
    else:
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    return Prod.apply(input, dims=dims, keepdim=keepdim, dtype=dtype,
                      name="ProdBackward0" if dim is ALL_DIMS else "ProdBackward1")


# ---------------------------------------------------------------------------------------------
# Reading values at indices along a dim: the value-selecting reductions (max/min/median with a
# dim, cummax) return indices and send the gradient there. TakeAlong and PutAlong are adjoint.
# ---------------------------------------------------------------------------------------------

class TakeAlong(Primitive):
    """``a`` read at ``index`` (an int64 array, one-dim-ful shape) along ``dim``; with
    ``keepdim=False`` the dim (of size 1 in ``index``) is dropped. 0-d ``a`` reads as 1-d."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, index, dim, keepdim, name=None):
        ctx.index, ctx.dim, ctx.keepdim, ctx.in_shape = index, dim, keepdim, a.shape
        if name:
            ctx.node_name = name
        out = np.take_along_axis(a.reshape(a.shape or (1,)), index, dim)
        if not keepdim:
            out = np.squeeze(out, dim)
        return out.reshape(()) if a.ndim == 0 else out

    @staticmethod
    def backward(ctx, grad):
        return PutAlong.apply(grad, index=ctx.index, dim=ctx.dim, keepdim=ctx.keepdim,
                              shape=ctx.in_shape)


class PutAlong(Primitive):
    """``zeros(shape)`` with ``g`` added at ``index`` along ``dim`` (repeats accumulate)."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, index, dim, keepdim, shape):
        ctx.index, ctx.dim, ctx.keepdim = index, dim, keepdim
        g = g.reshape(index.shape) if (keepdim or not shape) else np.expand_dims(g, dim)
        out = np.zeros_like(g, shape=shape or (1,))
        if index.shape[dim] == 1:  # one index per slice: no repeats, a plain write
            np.put_along_axis(out, index, g, dim)
        else:
            # the open grid of index's positions (np.indices(..., sparse=True), which CuPy
            # lacks), with ``index`` itself along ``dim``
            xp, nd = array_module(index), index.ndim
            grids = [xp.arange(s).reshape((1,) * k + (s,) + (1,) * (nd - k - 1))
                     for k, s in enumerate(index.shape)]
            grids[dim] = index
            np.add.at(out, tuple(grids), g)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return TakeAlong.apply(grad, index=ctx.index, dim=ctx.dim, keepdim=ctx.keepdim)


def select_along(input: Tensor, index: np.ndarray, dim: int, keepdim: bool, name: str,
                 result_type: type):
    """``result_type(values, indices)`` for a value-selecting reduction: ``index`` (keepdim
    shape) picks the values, and backward sends each gradient to its index."""
    values = TakeAlong.apply(input, index=index, dim=dim, keepdim=keepdim, name=name)
    indices = index if keepdim else np.squeeze(index, dim)
    return result_type(values, Tensor._make(indices.reshape(values.shape)))


def index_dim(input: Tensor, dim, op: str, empty_ok: bool = False) -> int:
    """Check ``dim`` (an int) for a reduction that returns indices, which needs a non-empty
    reduced dim, as PyTorch."""
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    d = norm_dim(dim, input.ndim, op)
    if input.ndim and input.shape[d] == 0 and not empty_ok:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    return d


# ---------------------------------------------------------------------------------------------
# max, min, amax, amin, argmax, argmin
# ---------------------------------------------------------------------------------------------

class Extreme(Primitive):
    """amax / amin over ``dims``, and max() / min() of all elements.

    NOTE: tied extremes share the gradient evenly, as PyTorch (``max()`` also counts NaNs as
    tied when the result is NaN; ``amax``'s NaN result matches no input, and its slice's
    gradient is PyTorch's grad / 0 * 0: NaN).
    """

    node_name = "AmaxBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim, largest, name, nan_ties):
        ctx.dims, ctx.keepdim, ctx.in_shape, ctx.nan_ties = dims, keepdim, a.shape, nan_ties
        ctx.node_name = name
        out = as_array((np.max if largest else np.min)(a, axis=dims, keepdims=keepdim))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        a, o = a._data, out._data
        if not ctx.keepdim:
            o = np.expand_dims(o, ctx.dims)
        mask = a == o
        if ctx.nan_ties:
            mask |= np.isnan(a) & np.isnan(o)
        count = np.sum(mask, axis=ctx.dims, keepdims=True)
        with np.errstate(invalid="ignore"):
            share = Tensor._make((mask / count).astype(grad._data.dtype))
        return expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim) * share


def _extreme(input, dim, keepdim, largest: bool, op: str):
    input = as_tensor_arg(input, op)
    if isinstance(dim, Tensor):  # max(a, b): the elementwise maximum
        return (pointwise.maximum if largest else pointwise.minimum)(input, dim)
    a = input._data
    if dim is ALL_DIMS:
        if a.size == 0:
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0. Specify the reduction dim with the 'dim' "
                               f"argument.")
        return Extreme.apply(input, dims=tuple(range(a.ndim)), keepdim=False, largest=largest,
                             name="MaxBackward1" if largest else "MinBackward1", nan_ties=True)
    d = index_dim(input, dim, op)
    a1 = a.reshape(a.shape or (1,))
    # argmax/argmin: the first extreme, and NaN counts as the extreme, as PyTorch
    index = (np.argmax if largest else np.argmin)(a1, axis=d, keepdims=True)
    return select_along(input, index, d, keepdim, "MaxBackward0" if largest else "MinBackward0",
                        return_types.max if largest else return_types.min)


def max(input, dim=ALL_DIMS, keepdim: bool = False):  # noqa: A001 (PyTorch's name)
    """The largest element; with ``dim``, ``(values, indices)`` of the largest along it (the
    gradient goes to the returned index); with a tensor, the elementwise :func:`maximum`.

    >>> npgrad.tensor([[1., 5.], [7., 2.]]).max(1)
    npgrad.return_types.max(
    values=tensor([5., 7.]),
    indices=tensor([1, 0]))
    """
    return _extreme(input, dim, keepdim, True, "max")


def min(input, dim=ALL_DIMS, keepdim: bool = False):  # noqa: A001 (PyTorch's name)
    """The smallest element; with ``dim``, ``(values, indices)``; with a tensor, the
    elementwise :func:`minimum`."""
    return _extreme(input, dim, keepdim, False, "min")


def _amax(input, dim, keepdim: bool, largest: bool, op: str) -> Tensor:
    input = as_tensor_arg(input, op)
    shape = input._data.shape
    if input._data.size == 0:  # checked before repeated dims, as PyTorch
        if dim is None or (isinstance(dim, (tuple, list)) and not dim):
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0. Specify the reduction dim with the 'dim' "
                               f"argument.")
        for d in ([dim] if isinstance(dim, (int, np.integer)) else dim):
            d = norm_dim(d, input.ndim, op)
            if shape[d] == 0:
                raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    dims = reduce_dims(dim, input.ndim, op)
    return Extreme.apply(input, dims=dims, keepdim=keepdim, largest=largest,
                         name="AmaxBackward0" if largest else "AminBackward0", nan_ties=False)


def amax(input, dim=(), keepdim: bool = False) -> Tensor:
    """The maximum over ``dim`` (all dims when empty); tied maxima share the gradient."""
    return _amax(input, dim, keepdim, True, "amax")


def amin(input, dim=(), keepdim: bool = False) -> Tensor:
    """The minimum over ``dim`` (all dims when empty); tied minima share the gradient."""
    return _amax(input, dim, keepdim, False, "amin")


def _argext(input, dim, keepdim: bool, largest: bool, op: str) -> Tensor:
    input = as_tensor_arg(input, op)
    a = input._data
    if a.dtype.kind == "b":
        raise RuntimeError(f"{op}(): does not support bool input")
    find = np.argmax if largest else np.argmin
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{op}(): Expected reduction dim to be specified for "
                             f"input.numel() == 0.")
        out = as_array(find(a.reshape(-1)))
        return Tensor._make(out.reshape((1,) * a.ndim) if keepdim else out)
    d = index_dim(input, dim, op)
    out = find(a.reshape(a.shape or (1,)), axis=d, keepdims=keepdim)
    return Tensor._make(as_array(out).reshape(() if a.ndim == 0 else out.shape))


def argmax(input, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the (first) largest element, of the flattened tensor when ``dim`` is None."""
    return _argext(input, dim, keepdim, True, "argmax")


def argmin(input, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the (first) smallest element, of the flattened tensor when ``dim`` is None."""
    return _argext(input, dim, keepdim, False, "argmin")


# ---------------------------------------------------------------------------------------------
# Logic: all, any, count_nonzero (no gradient)
# ---------------------------------------------------------------------------------------------

def _logic(fn, input, dim, keepdim: bool, op: str) -> Tensor:
    input = as_tensor_arg(input, op)
    a = input._data
    # unlike sum, an empty tuple of dims reduces nothing here, as PyTorch; a 0-d tensor has
    # no dim to reduce, but its dims are still checked (0 and -1 only)
    dims = tuple(range(a.ndim)) if dim is None else norm_dims(dim, a.ndim, op)
    if not a.ndim:
        dims = ()
    out = as_array(fn(a, axis=dims, keepdims=keepdim))
    return Tensor._make(out.astype(np.uint8) if a.dtype == np.uint8 else out)


def all(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 (PyTorch's name)
    """True where every element over ``dim`` is nonzero (uint8 for uint8 input, as PyTorch)."""
    return _logic(np.all, input, dim, keepdim, "all")


def any(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 (PyTorch's name)
    """True where some element over ``dim`` is nonzero (uint8 for uint8 input, as PyTorch)."""
    return _logic(np.any, input, dim, keepdim, "any")


def count_nonzero(input, dim=None) -> Tensor:
    """The number of nonzero elements over ``dim`` (all dims when None), as int64."""
    input = as_tensor_arg(input, "count_nonzero")
    dims = reduce_dims(dim, input.ndim, "count_nonzero")
    return Tensor._make(as_array(np.sum(input._data != 0, axis=dims, dtype=np.int64)))


# ---------------------------------------------------------------------------------------------
# logsumexp
# ---------------------------------------------------------------------------------------------

class LogSumExp(Primitive):
    """A primitive for stability: shifted by the maximum, so large inputs stay finite."""

    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim, ctx.in_shape = dims, keepdim, a.shape
        x = a if is_float_np(a.dtype) else a.astype(_dt.get_default_dtype().np)
        m = np.max(x, axis=dims, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)  # all -inf (or an inf) stays so
        out = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        if not keepdim:
            out = np.squeeze(out, dims)
        out = as_array(out)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # the gradient is softmax: exp(x - logsumexp(x)), never exp(x) / sum (overflow)
        a, out = ctx.saved_tensors
        out = expand_back(out, ctx.in_shape, ctx.dims, ctx.keepdim)
        return expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim) * (a - out).exp()


def logsumexp(input, dim, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input), dim))``, computed stably (``logsumexp([1000, 1000])`` is
    ``1000.6931``); integer inputs give the default float dtype.

    >>> npgrad.logsumexp(npgrad.tensor([1000., 1000.]), 0)
    tensor(1000.6931)
    """
    input = as_tensor_arg(input, "logsumexp")
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    return LogSumExp.apply(input, dims=reduce_dims(dim, input.ndim, "logsumexp"),
                           keepdim=keepdim)
