"""Statistics and scans: var, std (and their ``_mean`` pairs), median, and the cumulative ops
cumsum, cumprod, cummax, cummin.

Same ``dim`` rules as ``reduce.py``. The scans run along one ``dim``; 0-d inputs scan as 1-d.
"""
from __future__ import annotations

import math

import numpy as np

from ... import return_types
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from .._arguments import Tensor, as_tensor_arg, norm_dim
from .reduce import (Extreme, TakeAlong, _sum_dtype, expand_back, index_dim, reduce_dims,
                     select_along)

__all__ = ["var", "std", "var_mean", "std_mean", "median", "cumsum", "cumprod", "cummax",
           "cummin"]


# ---------------------------------------------------------------------------------------------
# var and std
# ---------------------------------------------------------------------------------------------

class Var(Primitive):
    """Variance (``std=True``: standard deviation) with ``correction`` degrees of freedom."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, std):
        if a.dtype.kind != "f":
            raise RuntimeError(f"{'std' if std else 'var'}(): std and var only support "
                               f"floating point and complex dtypes (got {a.dtype})")
        n = math.prod(a.shape[d] for d in dims)
        ctx.dims, ctx.keepdim, ctx.in_shape, ctx.std = dims, keepdim, a.shape, std
        ctx.dof = n - correction
        dev = a - np.sum(a, axis=dims, keepdims=True) / a.dtype.type(max(n, 1))
        # PyTorch divides by max(0, N - correction): inf, or nan when the sum is 0
        out = np.sum(dev * dev, axis=dims, keepdims=keepdim) / a.dtype.type(max(0, ctx.dof))
        if std:
            ctx.node_name = "StdBackward0"
            out = np.sqrt(out)
        out = np.asarray(out)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from ..elementwise.binary import where
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


def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance over ``dim``, divided by ``N - correction`` (default 1: unbiased).

    >>> npgrad.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    input = as_tensor_arg(input, "var")
    dim, c = _correction("var", dim, unbiased, correction)
    return Var.apply(input, dims=reduce_dims(dim, input.ndim, "var"), correction=c,
                     keepdim=keepdim, std=False)


def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Standard deviation over ``dim`` (``sqrt(var)``); its gradient is 0 where it is 0."""
    input = as_tensor_arg(input, "std")
    dim, c = _correction("std", dim, unbiased, correction)
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
        if flat.size == 0 or (a.dtype.kind == "f" and np.isnan(flat).any()):
            out = np.asarray(np.nan).astype(a.dtype)  # empty integers: nan cast, as PyTorch
        else:
            k = (flat.size - 1) // 2
            out = np.asarray(np.partition(flat, k)[k])
        ctx.save_for_backward(a, out)
        return out


def median(input, dim=None, keepdim: bool = False):
    """The lower median of all elements; with ``dim``, ``(values, indices)`` along it (the
    gradient goes to the returned index).

    >>> npgrad.tensor([4., 1., 3., 2.]).median()
    tensor(2.)
    """
    input = as_tensor_arg(input, "median")
    if dim is None:
        return Median.apply(input)
    a = input._data
    d = index_dim(input, dim, "median")
    if a.dtype.kind == "b":
        raise NotImplementedError("median(): not implemented for bool tensors")
    a1 = a.reshape(a.shape or (1,))
    k = (a1.shape[d] - 1) // 2
    # a stable sort puts NaNs last and picks among ties as PyTorch does
    index = np.take(np.argsort(a1, axis=d, kind="stable"), [k], axis=d)
    if a.dtype.kind == "f" and a1.shape[d]:
        nan = np.isnan(a1)
        index = np.where(nan.any(axis=d, keepdims=True), np.argmax(nan, axis=d, keepdims=True),
                         index)
    return select_along(input, index, d, keepdim, "MedianBackward1", return_types.median)


# ---------------------------------------------------------------------------------------------
# Scans: cumsum and cumprod (``reverse`` scans from the end: the adjoint direction), cummax
# ---------------------------------------------------------------------------------------------

def _scan(fn, a, dim: int, reverse: bool, dtype=None):
    if not reverse:
        return fn(a, axis=dim, dtype=dtype)
    return np.ascontiguousarray(np.flip(fn(np.flip(a, dim), axis=dim, dtype=dtype), dim))


class Cumsum(Primitive):
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim, reverse, dtype=None):
        ctx.dim, ctx.reverse = dim, reverse
        return _scan(np.cumsum, a, dim, reverse, _sum_dtype(a, dtype))

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim, reverse=not ctx.reverse)


class Cumprod(Primitive):
    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, a, dim, reverse, dtype=None):
        ctx.dim, ctx.reverse = dim, reverse
        out = _scan(np.cumprod, a, dim, reverse, _sum_dtype(a, dtype))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a._data.dtype != out._data.dtype:  # cumprod(dtype=...): differentiate in that dtype
            a = a.to(out.dtype)
        return cumprod_grad(a, out, grad, ctx.dim, ctx.reverse)


def cumprod_grad(a: Tensor, out: Tensor, grad: Tensor, dim: int, reverse: bool) -> Tensor:
    """The gradient of ``out = cumprod(a)``: ``sum_{j >= k} grad_j * prod_{i <= j, i != k} a_i``.

    Without zeros that is ``cumsum_from_end(grad * out) / a``. With zeros, per slice: before
    the first zero the same formula holds; at the first zero it is the later sums of ``grad``
    times the cumprod with that zero taken as 1; after it the gradient is 0, which (for
    ``create_graph``) is written as ``a_zero * (the same gradient of the rest)`` so that its
    own derivative is right too. No division by zero anywhere.
    """
    from ..elementwise.binary import where
    later = lambda t: Cumsum.apply(t, dim=dim, reverse=not reverse)  # noqa: E731
    x = a._data
    if not np.any(x == 0):
        return later(grad * out) / a
    n = x.shape[dim]
    pos = np.arange(n).reshape((n,) + (1,) * (x.ndim - dim - 1))
    order = np.broadcast_to(n - 1 - pos if reverse else pos, x.shape)  # position in scan order
    first = np.min(np.where(x == 0, order, n), axis=dim, keepdims=True)
    before, at = Tensor._make(order < first), Tensor._make(order == first)
    grad_in = where(before, later(grad * out) / where(before, a, 1.0), 0.0)
    rest = where(at, 1.0, a)
    rest_out = Cumprod.apply(rest, dim=dim, reverse=reverse)
    grad_in = grad_in + where(at, later(grad * rest_out), 0.0)
    if STATE.enabled:  # create_graph: keep the terms that are 0 here but not their derivative
        a_zero = where(at, a, 0.0).sum(dim, keepdim=True)
        after = Tensor._make(order > first)
        grad_in = grad_in + where(after, a_zero * cumprod_grad(rest, rest_out, grad, dim,
                                                                reverse), 0.0)
    return grad_in


def _scan_op(cls, input, dim: int, dtype, op: str) -> Tensor:
    input = as_tensor_arg(input, op)
    d = norm_dim(dim, input.ndim, op)
    if input.ndim == 0:
        return cls.apply(input.reshape(1), dim=0, reverse=False, dtype=dtype).reshape(())
    return cls.apply(input, dim=d, reverse=False, dtype=dtype)


def cumsum(input, dim: int, *, dtype=None) -> Tensor:
    """Cumulative sum along ``dim``; integers and bools sum in int64.

    >>> npgrad.tensor([1., 2., 3.]).cumsum(0)
    tensor([1., 3., 6.])
    """
    return _scan_op(Cumsum, input, dim, dtype, "cumsum")


def cumprod(input, dim: int, *, dtype=None) -> Tensor:
    """Cumulative product along ``dim``; its gradient is exact with zeros in the input."""
    return _scan_op(Cumprod, input, dim, dtype, "cumprod")


def _cum_extreme(input, dim: int, largest: bool, op: str):
    input = as_tensor_arg(input, op)
    d = norm_dim(dim, input.ndim, op)
    kind = return_types.cummax if largest else return_types.cummin
    if input.ndim == 0:
        values, indices = _cum_extreme(input.reshape(1), 0, largest, op)
        return kind(values.reshape(()), indices.reshape(()))
    a = input._data
    run = (np.maximum if largest else np.minimum).accumulate(a, axis=d)
    # the index moves to every element equal to the running extreme (the last of ties) and
    # to every NaN, as PyTorch
    hit = a == run
    if a.dtype.kind == "f":
        hit |= np.isnan(a)
    n = a.shape[d]
    pos = np.arange(n).reshape((n,) + (1,) * (a.ndim - d - 1))
    index = np.maximum.accumulate(np.where(hit, pos, 0), axis=d) if n else \
        np.zeros(a.shape, np.int64)
    index = np.ascontiguousarray(index, dtype=np.int64)
    values = TakeAlong.apply(input, index=index, dim=d, keepdim=True,
                             name="CummaxBackward0" if largest else "CumminBackward0")
    return kind(values, Tensor._make(index))


def cummax(input, dim: int):
    """``(values, indices)``: the running maximum along ``dim`` and where it was found."""
    return _cum_extreme(input, dim, True, "cummax")


def cummin(input, dim: int):
    """``(values, indices)``: the running minimum along ``dim`` and where it was found."""
    return _cum_extreme(input, dim, False, "cummin")
