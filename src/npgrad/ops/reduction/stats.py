"""Statistics: var, std (and their ``_mean`` pairs), median, the running extremes cummax and
cummin.

Same ``dim`` rules as ``reduce.py``. The scans run along one ``dim``; 0-d inputs scan as 1-d.

Also the nan-aware and order statistics (``nansum``, ``nanmean``, ``nanmedian``, ``aminmax``,
``quantile``, ``nanquantile``, ``mode``) and ``cov``/``corrcoef``.
"""
from __future__ import annotations

import math

import numpy as np

from ...backend import accumulate, array_module, as_array, ascontiguous, on_device_of
from .. import autocast
from ...dtypes import is_float_np
from ... import dtypes as _dt, return_types
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from .._arguments import ALL_DIMS, Tensor, as_tensor_arg, norm_dim
from .reduce import (Extreme, TakeAlong, expand_back, index_dim, reduce_dims,
                     select_along)
from . import reduce as _reduce
from ..elementwise.unary import clamp
from ..elementwise.rounding import isnan
from ..linalg.products import mm
from ..indexing.sorting import sort
from ..indexing.scatter import take_along_dim
from ..elementwise.binary import where
from ..shape.diag import diagonal

__all__ = ["var", "std", "var_mean", "std_mean", "median", "cummax", "cummin", "nansum", "nanmean",
           "nanmedian", "aminmax", "quantile", "nanquantile", "mode", "cov", "corrcoef"]


# ---------------------------------------------------------------------------------------------
# var and std
# ---------------------------------------------------------------------------------------------

class Var(Primitive):
    """Variance (``std=True``: standard deviation) with ``correction`` degrees of freedom."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, std):
        n = math.prod(a.shape[d] for d in dims)
        ctx.dims, ctx.keepdim, ctx.in_shape, ctx.std = dims, keepdim, a.shape, std
        ctx.dof = n - correction
        dev = a - np.sum(a, axis=dims, keepdims=True) / a.dtype.type(max(n, 1))
        # PyTorch divides by max(0, N - correction): inf, or nan when the sum is 0
        out = np.sum(dev * dev, axis=dims, keepdims=keepdim) / a.dtype.type(max(0, ctx.dof))
        if std:
            ctx.node_name = "StdBackward0"
            out = np.sqrt(out)
        out = as_array(out)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if ctx.std:
            # NOTE: where std is 0 the gradient is 0, as PyTorch (not inf * 0 = nan).
            zero = Tensor._make(out._data == 0)
            grad = where(zero, 0.0, grad / (2 * where(zero, 1.0, out)))
        scale = 2.0 / ctx.dof if ctx.dof else math.inf
        dev = a - a.mean(ctx.dims, keepdim=True)
        return expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim) * scale * dev


def _correction(op: str, dim, unbiased, correction):
    """PyTorch's overloads: ``var(x, unbiased)``, ``var(x, dim, unbiased, keepdim)`` and
    ``var(x, dim, *, correction, keepdim)``; returns ``(dim, correction)``."""
    if isinstance(dim, bool):
        if unbiased is not None:
            raise TypeError(f"{op}(): got both a bool 'dim' and 'unbiased'")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}(): cannot specify both 'unbiased' and 'correction'")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def _check_float(input: Tensor, op: str) -> None:
    """var and std are floating only; PyTorch checks it before the dims."""
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"{op}(): std and var only support floating point and complex dtypes "
                           f"(got {input._data.dtype})")


def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance over ``dim``, divided by ``N - correction`` (default 1: unbiased).

    >>> npgrad.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    input = as_tensor_arg(input, "var")
    dim, c = _correction("var", dim, unbiased, correction)
    _check_float(input, "var")
    return Var.apply(input, dims=reduce_dims(dim, input.ndim, "var"), correction=c,
                     keepdim=keepdim, std=False)


def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Standard deviation over ``dim`` (``sqrt(var)``); its gradient is 0 where it is 0."""
    input = as_tensor_arg(input, "std")
    dim, c = _correction("std", dim, unbiased, correction)
    _check_float(input, "std")
    return Var.apply(input, dims=reduce_dims(dim, input.ndim, "std"), correction=c,
                     keepdim=keepdim, std=True)


def var_mean(input, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """``(var(input, ...), mean(input, ...))`` over the same dims."""
    input = as_tensor_arg(input, "var_mean")
    dim, c = _correction("var_mean", dim, unbiased, correction)
    return (var(input, dim, keepdim=keepdim, correction=c),
            input.mean(reduce_dims(dim, input.ndim, "var_mean"), keepdim=keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """``(std(input, ...), mean(input, ...))`` over the same dims."""
    input = as_tensor_arg(input, "std_mean")
    dim, c = _correction("std_mean", dim, unbiased, correction)
    return (std(input, dim, keepdim=keepdim, correction=c),
            input.mean(reduce_dims(dim, input.ndim, "std_mean"), keepdim=keepdim))


# ---------------------------------------------------------------------------------------------
# median: the lower of the two middle values, NaN if any element is NaN
# ---------------------------------------------------------------------------------------------

class Median(Extreme):
    """median() of all elements. NOTE: tied elements share the gradient evenly, as PyTorch."""

    node_name = "MedianBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b" and a.size:
            raise NotImplementedError("median(): not implemented for bool tensors")
        ctx.dims, ctx.keepdim, ctx.in_shape = tuple(range(a.ndim)), False, a.shape
        ctx.nan_ties = True
        flat = a.reshape(-1)
        if flat.size == 0 or (is_float_np(a.dtype) and np.isnan(flat).any()):
            # (empty integers: nan cast, as PyTorch)
            out = np.full_like(a, np.nan, np.float64, shape=()).astype(a.dtype)
        else:
            k = (flat.size - 1) // 2
            out = as_array(np.partition(flat, k)[k])
        ctx.save_for_backward(a, out)
        return out


def median(input, dim=ALL_DIMS, keepdim: bool = False):
    """The lower median of all elements; with ``dim``, ``(values, indices)`` along it (the
    gradient goes to the returned index).

    >>> npgrad.tensor([4., 1., 3., 2.]).median()
    tensor(2.)
    """
    input = as_tensor_arg(input, "median")
    if dim is ALL_DIMS:
        return Median.apply(input)
    a = input._data
    d = index_dim(input, dim, "median")
    if a.dtype.kind == "b":
        raise NotImplementedError("median(): not implemented for bool tensors")
    a1 = a.reshape(a.shape or (1,))
    k = (a1.shape[d] - 1) // 2
    # a stable sort puts NaNs last and picks among ties as PyTorch does
    index = np.take(np.argsort(a1, axis=d, kind="stable"), [k], axis=d)
    if is_float_np(a.dtype) and a1.shape[d]:
        nan = np.isnan(a1)
        index = np.where(nan.any(axis=d, keepdims=True), np.argmax(nan, axis=d, keepdims=True),
                         index)
    return select_along(input, index, d, keepdim, "MedianBackward1", return_types.median)


# ---------------------------------------------------------------------------------------------
# Running extremes: cummax, cummin
# ---------------------------------------------------------------------------------------------

def _cum_extreme(input, dim: int, largest: bool, op: str):
    input = as_tensor_arg(input, op)
    d = norm_dim(dim, input.ndim, op)
    kind = return_types.cummax if largest else return_types.cummin
    if input.ndim == 0:
        values, indices = _cum_extreme(input.reshape(1), 0, largest, op)
        return kind(values.reshape(()), indices.reshape(()))
    a = input._data
    run = accumulate(np.maximum if largest else np.minimum, a, d)
    # the index moves to every element equal to the running extreme (the last of ties) and
    # to every NaN, as PyTorch
    hit = a == run
    if is_float_np(a.dtype):
        hit |= np.isnan(a)
    n = a.shape[d]
    pos = array_module(a).arange(n).reshape((n,) + (1,) * (a.ndim - d - 1))
    index = accumulate(np.maximum, np.where(hit, pos, 0), d) if n else \
        np.zeros_like(a, np.int64)
    index = ascontiguous(index, dtype=np.int64)
    values = TakeAlong.apply(input, index=index, dim=d, keepdim=True,
                             name="CummaxBackward0" if largest else "CumminBackward0")
    return kind(values, Tensor._make(index))


def cummax(input, dim: int):
    """``(values, indices)``: the running maximum along ``dim`` and where it was found."""
    return _cum_extreme(input, dim, True, "cummax")


def cummin(input, dim: int):
    """``(values, indices)``: the running minimum along ``dim`` and where it was found."""
    return _cum_extreme(input, dim, False, "cummin")


# ---------------------------------------------------------------------------------------------
# NaN-aware and order statistics: nansum, nanmean, nanmedian, aminmax, quantile, mode
# ---------------------------------------------------------------------------------------------

aminmax_type = return_types.make("aminmax", ("min", "max"))


mode_type = return_types.make("mode")


nanmedian_type = return_types.make("nanmedian")


def nansum(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``sum`` treating nan as zero (nans get gradient 0)."""
    input = as_tensor_arg(input, "nansum")
    x = input
    if is_float_np(input._data.dtype):
        x = where(isnan(input), 0.0, input)
    return _reduce.sum(x, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``mean`` over the non-nan elements (nan where a slice has none)."""
    input = as_tensor_arg(input, "nanmean")
    if not is_float_np(input._data.dtype) and dtype is None:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex "
                           f"dtype but got {input.dtype}")
    valid = (~isnan(input)).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / valid


def _nan_last_order(a: np.ndarray, d: int) -> np.ndarray:
    # a stable sort puts nans last, and ties in their order of appearance
    return np.argsort(a, axis=d, kind="stable")


def nanmedian(input, dim=ALL_DIMS, keepdim: bool = False):
    """The lower median of the non-nan elements; with ``dim``, ``(values, indices)``."""
    input = as_tensor_arg(input, "nanmedian")
    a = input._data
    if a.dtype == np.bool_:
        raise NotImplementedError("\"median_cpu\" not implemented for 'Bool' (nanmedian)")
    if dim is ALL_DIMS:
        flat = input.reshape(-1)
        if flat.shape[0] == 0:
            return Tensor._make(as_array(np.nan, a.dtype)) if is_float_np(a.dtype) else \
                flat.sum()
        idx = _nanmedian_index(flat._data, 0)
        return TakeAlong.apply(flat, index=idx, dim=0, keepdim=False,
                               name="NanmedianBackward0")
    d = index_dim(input, dim, "nanmedian")
    a1 = a.reshape(a.shape or (1,))
    x = input.reshape(a1.shape)
    out = select_along(x, _nanmedian_index(a1, d), d, keepdim or not a.ndim,
                       "NanmedianBackward1", nanmedian_type)
    if not a.ndim:
        out = nanmedian_type(out.values.reshape(()), out.indices.reshape(()))
    return out


def _nanmedian_index(a: np.ndarray, d: int) -> np.ndarray:
    order = _nan_last_order(a, d)
    n_valid = (~np.isnan(a)).sum(axis=d, keepdims=True) if is_float_np(a.dtype) else \
        np.full_like(np.take(order, [0], axis=d), a.shape[d])
    k = np.maximum(n_valid - 1, 0) // 2  # all-nan slices take the first nan
    return np.take_along_axis(order, k, axis=d)


def aminmax(input, *, dim=None, keepdim: bool = False):
    """``(min, max)`` of all elements, or along ``dim`` (ties share the gradient)."""
    input = as_tensor_arg(input, "aminmax")
    if input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    d = () if dim is None else dim
    return aminmax_type(_reduce.amin(input, d, keepdim), _reduce.amax(input, d, keepdim))


def _quantile(input, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    op = "nanquantile" if ignore_nan else "quantile"
    input = as_tensor_arg(input, op)
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}() interpolation must be one of linear, lower, higher, midpoint "
                         f"or nearest. Got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    # (a number q goes to the input's device)
    qa = as_array(q._data, dtype=input._data.dtype) if isinstance(q, Tensor) else \
        on_device_of(as_array(q, dtype=input._data.dtype), input._data)
    if qa.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    if np.any((qa < 0) | (qa > 1)):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if input.numel() == 0 and dim is None:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if dim is None:
        x, d = input.reshape(-1), 0
        out_shape = [1] * input.ndim if keepdim else []
    else:
        d = norm_dim(dim, max(input.ndim, 1), op)
        x = input.reshape(input.shape or (1,))
        out_shape = list(x.shape)
        if keepdim:
            out_shape[d] = 1
        else:
            del out_shape[d]
        out_shape = out_shape if input.ndim else []
    xs = sort(x, dim=d).values          # nans sort last
    n = xs.shape[d]
    nan = np.isnan(xs._data)
    n_valid = (~nan).sum(axis=d, keepdims=True) if ignore_nan else \
        np.full_like(nan, n, np.int64, shape=nan.any(axis=d, keepdims=True).shape)
    qv = qa.reshape(-1)
    # positions (q, *slice dims with d kept as 1): rank = q * (n_valid - 1)
    # in the input's dtype, as PyTorch (0.4 * 5 is exactly 2 in float32, not in float64)
    last = np.maximum(n_valid - 1, 0).astype(qv.dtype)
    rank = qv.reshape((-1,) + (1,) * x.ndim) * last
    bad = (n_valid == 0) if ignore_nan else nan.any(axis=d, keepdims=True)
    # a slice with a nan (quantile) points at its last element, a nan, as PyTorch: the value
    # is nan and the gradient goes there
    rank = np.where(bad & (not ignore_nan), qv.dtype.type(n - 1), rank)
    if interpolation == "lower":
        rank = np.floor(rank)
    elif interpolation == "higher":
        rank = np.ceil(rank)
    elif interpolation == "nearest":
        rank = np.round(rank)  # half to even, as PyTorch
    lo = np.clip(np.floor(rank), 0, max(n - 1, 0)).astype(np.int64)
    hi = np.clip(np.ceil(rank), 0, max(n - 1, 0)).astype(np.int64)
    xq = xs.unsqueeze(0).expand((len(qv),) + tuple(xs.shape))
    v_lo = take_along_dim(xq, Tensor._make(lo), d + 1)
    v_hi = take_along_dim(xq, Tensor._make(hi), d + 1)
    if interpolation == "midpoint":
        w = np.where(hi > lo, 0.5, 0.0)
    else:
        w = np.where(hi > lo, rank - lo, 0)  # 0, not nan, where lo == hi (0 * nan)
    out = v_lo + (v_hi - v_lo) * Tensor._make(w.astype(xs._data.dtype))
    out = out.reshape((len(qv),) + tuple(out_shape))
    return out.squeeze(0) if scalar_q or qa.ndim == 0 else out


@autocast.float32
def quantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """The ``q``-th quantiles (a number or a 1-D tensor of them, in [0, 1]) of all elements
    or along ``dim``; a slice with a nan gives nan. Tensor ``q`` adds a leading dim."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


@autocast.float32
def nanquantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """``quantile`` ignoring nans (nan only for all-nan slices)."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


def mode(input, dim: int = -1, keepdim: bool = False):
    """``(values, indices)``: the most frequent value along ``dim`` (the smallest among equally
    frequent ones) and the index of its last occurrence, as PyTorch on CPU."""
    input = as_tensor_arg(input, "mode")
    a = input._data
    a1 = a.reshape(a.shape or (1,))
    d = index_dim(input, dim, "mode") if a.ndim else norm_dim(dim, 1, "mode")
    order = np.argsort(a1, axis=d, kind="stable")
    s = np.take_along_axis(a1, order, axis=d)
    n = s.shape[d]
    pos = array_module(s).arange(n).reshape([-1 if k == d else 1 for k in range(s.ndim)])
    start = np.ones_like(s, bool)
    if n > 1:
        # a run of equal values starts where the sorted value changes (nans equal each other)
        same = np.take(s, range(1, n), axis=d) == np.take(s, range(n - 1), axis=d)
        if is_float_np(s.dtype):
            same |= np.isnan(np.take(s, range(1, n), axis=d)) & \
                np.isnan(np.take(s, range(n - 1), axis=d))
        start = np.concatenate([np.take(start, [0], axis=d), ~same], axis=d)
    run_start = accumulate(np.maximum, np.where(start, pos, 0), d)
    count = pos - run_start + 1
    best = np.argmax(count, axis=d)  # first maximum: the end of the smallest modal run
    index = np.take_along_axis(order, np.expand_dims(best, d), axis=d)
    out = select_along(input.reshape(a1.shape), index, d, keepdim or not a.ndim,
                       "ModeBackward0", mode_type)
    if not a.ndim:
        out = mode_type(out.values.reshape(()), out.indices.reshape(()))
    return out


# ---------------------------------------------------------------------------------------------
# Covariance and correlation
# ---------------------------------------------------------------------------------------------

def _check_weights(w: Tensor, name: str, kinds: str, what: str, n_obs: int) -> Tensor:
    """``cov``'s weights: a 1-D tensor of the given dtype kinds, one per observation, >= 0."""
    if ("f" if is_float_np(w._data.dtype) else w._data.dtype.kind) not in kinds:
        raise RuntimeError(f"cov(): expected {name} to have {what} dtype but got {name} with "
                           f"{w.dtype} dtype")
    if w.ndim > 1 or w.numel() != n_obs:
        raise RuntimeError(f"cov(): expected {name} to have one dimension and the same number "
                           f"of observations as input, got {tuple(w.shape)}")
    if (w._data < 0).any():
        raise RuntimeError(f"cov(): {name} cannot be negative")
    return w


def cov(input, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (observations in
    columns), with integer frequency weights and/or float observation weights."""
    input = as_tensor_arg(input, "cov")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    if input._data.dtype == np.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if not is_float_np(x._data.dtype):
        x = x.to(_dt.get_default_dtype())
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        w = _check_weights(fweights, "fweights", "iu", "integral", n_obs)
    if aweights is not None:
        aweights = _check_weights(aweights, "aweights", "f", "floating point", n_obs)
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = Tensor._make(as_array(n_obs, x._data.dtype))
        avg = x.mean(1)
        norm = w_sum - correction
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction == 0:
            norm = w_sum
        elif aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights).sum() / w_sum
    norm = clamp(norm, min=0)
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    c = mm(xw, xm.t()) / norm
    return c.squeeze()


def corrcoef(input) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows of ``input``, clipped
    to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = diagonal(c)
    stddev = d.sqrt()
    c = c / stddev.unsqueeze(1) / stddev.unsqueeze(0)
    return clamp(c, -1, 1)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")
