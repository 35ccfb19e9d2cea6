"""Pooling: ``max_pool``, ``avg_pool`` (1-3 d), ``adaptive_max_pool`` and ``adaptive_avg_pool``.

Pools work on the trailing ``n`` dims (leading dims are batch and channels, or channels alone
for unbatched input) through the same strided window view as convolutions (``conv.windows``).

* Max pooling keeps, for every output, the flat position of its maximum in the input plane
  (``return_indices`` gives them, as PyTorch does). Its gradient is a scatter to those
  positions (:class:`PoolScatter`), whose gradient is a gather (:class:`PoolGather`): an
  adjoint pair, so max pooling is differentiable to any order.
* Average pooling is linear: its gradient (:class:`AvgPoolAdjoint`) spreads each output's
  gradient over its window (col2im), and the gradient of that is average pooling again.
* Adaptive average pooling is a separable linear map (a matrix per dim), shared with
  ``interpolate`` (``resample.Resample``).
"""
from __future__ import annotations

from functools import lru_cache
from math import prod

import numpy as np

from ...backend import array_module, as_array, ascontiguous, on_device_of
from .. import autocast
from ...dtypes import is_float_np
from ...autograd.function import Primitive
from .conv import Geom, col2im, ntuple, pad_array, windows
from .._arguments import Tensor, as_tensor_arg
from .resample import Resample
from .activation import float_kernel_input

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
           "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices"]


# ---------------------------------------------------------------------------------------------
# Shared helpers: argument checks, output sizes, windows as rows
# ---------------------------------------------------------------------------------------------

def _check_input(op: str, input: Tensor, n: int) -> None:
    if input.ndim not in (n + 1, n + 2) or any(s == 0 for s in input.shape[-n - 1:]):
        raise RuntimeError(f"{op}: non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected "
                           f"for input, but got input of size {list(input.shape)}")


def _pool_args(op: str, n: int, kernel_size, stride, padding, dilation) -> tuple:
    kernel = _pool_tuple(kernel_size, n, "kernel_size", op)
    stride = kernel if stride is None or stride == () or stride == [] else \
        _pool_tuple(stride, n, "stride", op)
    padding = _pool_tuple(padding, n, "padding", op)
    dilation = _pool_tuple(dilation, n, "dilation", op)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got "
                           f"{list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{op}: stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got "
                           f"{list(dilation)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, "
                               f"but got pad={p}, kernel_size={k} and dilation={d}")
    return kernel, stride, padding, dilation


def _pool_tuple(value, n: int, name: str, op: str) -> tuple:
    try:
        return ntuple(value, n, name, op)
    except RuntimeError:
        raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of {n} "
                           f"ints") from None


def _out_sizes(op: str, size: tuple, kernel, stride, padding, dilation, ceil_mode) -> tuple:
    """PyTorch's pooling output size (``ceil_mode`` keeps a last, partial window only if it
    starts inside the input or its left padding)."""
    out = []
    for L, k, s, p, d in zip(size, kernel, stride, padding, dilation):
        span = L + 2 * p - d * (k - 1) - 1
        o = (span + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (o - 1) * s >= L + p:
            o -= 1
        out.append(o)
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{op}: Given input size: ({'x'.join(map(str, size))}). Calculated "
                           f"output size: ({'x'.join(map(str, out))}). Output size is too small")
    return tuple(out)


def _pads(size, kernel, stride, padding, dilation, out_sp) -> tuple:
    """(lo, hi) padding that covers every window (ceil_mode windows may pass the padding)."""
    return tuple((p, max(0, (o - 1) * s + d * (k - 1) + 1 - L - p)) for L, k, s, p, d, o
                 in zip(size, kernel, stride, padding, dilation, out_sp))


def _rows(win: np.ndarray, n: int) -> np.ndarray:
    """A window view ``(*lead, *out, *kernel)`` as a contiguous ``(prod(kernel), -1)`` array."""
    order = tuple(range(win.ndim - n, win.ndim)) + tuple(range(win.ndim - n))
    kk = prod(win.shape[win.ndim - n:])
    return ascontiguous(win.transpose(order)).reshape(kk, win.size // max(kk, 1))


def _argmax_rows(rows: np.ndarray) -> tuple:
    """Max of each column and the row it is in: the first such row, or the last NaN, as
    PyTorch's pooling kernels (``val > max || isnan(val)``)."""
    # A loop over the kernel's offsets, each vectorised over all outputs: np.argmax over a
    # short axis is several times slower. Small offsets count in uint8 to save bandwidth.
    best = rows.max(axis=0)
    kind = np.uint8 if rows.shape[0] < 256 else np.int64
    idx = np.zeros_like(best, kind)
    found = rows[0] == best
    hit = np.empty_like(found)
    for k in range(1, rows.shape[0]):
        np.equal(rows[k], best, out=hit)
        np.greater(hit, found, out=hit)  # a hit not found before
        found |= hit
        idx += hit.view(np.uint8) * kind(k)
    idx = idx.astype(np.int64)
    if is_float_np(best.dtype):
        nan = np.isnan(best)
        if type(nan) is not np.ndarray:  # on a device: for every column, without a host read
            last = rows.shape[0] - 1 - np.argmax(np.isnan(rows[::-1]), axis=0)
            idx = np.where(nan, last, idx)
        elif nan.any():
            last = rows.shape[0] - 1 - np.argmax(np.isnan(rows[::-1, nan]), axis=0)
            idx[nan] = last
    return best, idx


def _flat_index(positions: list, size: tuple) -> np.ndarray:
    """Flat index into the ``size`` plane from per-dim positions."""
    flat = positions[0]
    for pos, s in zip(positions[1:], size[1:]):
        flat = flat * s + pos
    return flat


# ---------------------------------------------------------------------------------------------
# Max pooling and its scatter / gather pair
# ---------------------------------------------------------------------------------------------

def _global_index(idx: np.ndarray, n: int, plane: int) -> np.ndarray:
    rows = prod(idx.shape[:idx.ndim - n])
    per_row = idx.reshape(rows, idx.size // max(rows, 1))
    rows_ = array_module(idx).arange(rows, dtype=np.int64)
    return (rows_[:, None] * plane + per_row).ravel()


class PoolScatter(Primitive):
    """Zeros of ``shape`` with ``g`` added at the flat plane positions ``idx`` (the gradient of
    max pooling); ``unique`` when no two outputs can share a position."""

    node_name = "MaxPoolBackward0"

    @staticmethod
    def forward(ctx, g, idx, shape, n, unique, gidx=None):
        if gidx is None:
            gidx = _global_index(idx, n, prod(shape[len(shape) - n:]))
        ctx.idx, ctx.n, ctx.unique, ctx.gidx = idx, n, unique, gidx
        out = np.zeros_like(g, shape=(prod(shape),))
        if unique:
            out[gidx] = g.ravel()
        else:
            np.add.at(out, gidx, g.ravel())
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return PoolGather.apply(grad, idx=ctx.idx, n=ctx.n, unique=ctx.unique, gidx=ctx.gidx)


class PoolGather(Primitive):
    """The value at each flat plane position ``idx`` of ``x``: the adjoint of the scatter."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx, n, unique, gidx=None):
        if gidx is None:
            gidx = _global_index(idx, n, prod(x.shape[x.ndim - n:]))
        ctx.idx, ctx.n, ctx.unique, ctx.shape, ctx.gidx = idx, n, unique, x.shape, gidx
        return np.take(x.reshape(-1), gidx).reshape(idx.shape)

    @staticmethod
    def backward(ctx, grad):
        return PoolScatter.apply(grad, idx=ctx.idx, shape=ctx.shape, n=ctx.n, unique=ctx.unique,
                                 gidx=ctx.gidx)


@lru_cache(maxsize=256)
def _window_index(size, kernel, stride, padding, dilation, out_sp) -> tuple:
    """Flat plane index of each kernel offset relative to its window's start, of each window's
    start, and the per-dim starts: a maximum's index is ``base[window] + shift[offset]``."""
    n = len(size)
    starts = [np.arange(o).reshape((-1,) + (1,) * (n - 1 - d)) * s - p
              for d, (o, s, p) in enumerate(zip(out_sp, stride, padding))]
    offsets = np.meshgrid(*[np.arange(k) * d for k, d in zip(kernel, dilation)], indexing="ij")
    return _flat_index(offsets, size).ravel(), _flat_index(starts, size), starts


class MaxPool(Primitive):
    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, out_sp):
        n = len(kernel)
        ctx.node_name = f"MaxPool{n}DWithIndicesBackward0"
        size = x.shape[x.ndim - n:]
        low = -np.inf if is_float_np(x.dtype) else np.iinfo(x.dtype).min
        pads = _pads(size, kernel, stride, padding, dilation, out_sp)
        win = windows(pad_array(x, pads, low), out_sp, kernel, stride, dilation)
        best, k = _argmax_rows(_rows(win, n))
        lead = x.shape[:x.ndim - n]
        shift, base, starts = _window_index(size, kernel, stride, padding, dilation, out_sp)
        shift, base = on_device_of(shift, x), on_device_of(base, x)  # (made on the host)
        starts = [on_device_of(st, x) for st in starts]
        idx = shift[k].reshape(lead + out_sp) + base
        # a window of -inf only: PyTorch points at its first element (on a device, computed
        # for every window rather than read on the host)
        if type(best) is not np.ndarray or np.any(best == low):
            ks = np.unravel_index(k.reshape(lead + out_sp), kernel)
            first = [st + -(np.minimum(st, 0) // d) * d for st, d in zip(starts, dilation)]
            at_low = (best == low).reshape(lead + out_sp)
            pos = [np.where(at_low, f, st + kd * d) for f, st, kd, d
                   in zip(first, starts, ks, dilation)]
            idx = _flat_index(pos, size)
        # the index into the whole flattened input, made here (forward is the cheaper pass)
        ctx.idx, ctx.gidx = idx, _global_index(idx, n, prod(size))
        ctx.shape, ctx.n = x.shape, n
        # Non-overlapping windows never send two gradients to one element: plain assignment.
        ctx.unique = all(s >= d * (k - 1) + 1 or o == 1 for s, d, k, o
                         in zip(stride, dilation, kernel, out_sp))
        return best.reshape(lead + out_sp), idx

    @staticmethod
    def backward(ctx, grad, grad_idx=None):
        return PoolScatter.apply(grad, idx=ctx.idx, shape=ctx.shape, n=ctx.n, unique=ctx.unique,
                                 gidx=ctx.gidx)


def _max_poolnd(n: int, op: str, input, kernel_size, stride, padding, dilation, ceil_mode,
                return_indices):
    input = as_tensor_arg(input, op)
    _check_input(op, input, n)
    kernel, stride, padding, dilation = _pool_args(op, n, kernel_size, stride, padding,
                                                   dilation)
    out_sp = _out_sizes(op, tuple(input.shape[-n:]), kernel, stride, padding, dilation,
                        ceil_mode)
    out, idx = MaxPool.apply(input, kernel=kernel, stride=stride, padding=padding,
                             dilation=dilation, out_sp=out_sp)
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-D max pooling over the last dim of ``input`` (N, C, L) or (C, L)."""
    if not return_indices:  # (PyTorch's kernel without indices is floating only)
        float_kernel_input(input, "max_pool1d", "max_pool1d_impl")
    return _max_poolnd(1, "max_pool1d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling; ``stride`` defaults to ``kernel_size``; padding counts as -inf.
    With ``return_indices`` also the flat index (h * W + w) of each maximum."""
    return _max_poolnd(2, "max_pool2d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)


@autocast.float32
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-D max pooling over the last three dims."""
    return _max_poolnd(3, "max_pool3d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)


# ---------------------------------------------------------------------------------------------
# Average pooling and its adjoint
# ---------------------------------------------------------------------------------------------

def _divisor(size, kernel, stride, padding, out_sp, count_include_pad, divisor_override):
    """Each output's divisor, shaped to broadcast over ``out_sp``, as PyTorch counts it: the
    window clipped to the padded input, or to the input alone without ``count_include_pad``."""
    if divisor_override:
        return as_array(int(divisor_override))
    n, div = len(size), np.ones((1,) * len(size), np.int64)
    for d, (L, k, s, p, o) in enumerate(zip(size, kernel, stride, padding, out_sp)):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, L + p)
        count = end - start if count_include_pad else np.minimum(end, L) - np.maximum(start, 0)
        div = div * np.maximum(count, 1).reshape((-1,) + (1,) * (n - 1 - d))
    return div


def _divide(total: np.ndarray, div: np.ndarray) -> np.ndarray:
    div = on_device_of(div, total)  # (the divisors are made on the host)
    if is_float_np(total.dtype):
        return (total / div).astype(total.dtype, copy=False)
    return (np.trunc(total / div)).astype(total.dtype)  # integers: C++'s truncating division


class AvgPool(Primitive):
    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, out_sp, div):
        n = len(kernel)
        ctx.node_name = f"AvgPool{n}DBackward0"
        ctx.args = dict(kernel=kernel, stride=stride, pads=pads, out_sp=out_sp, div=div)
        ctx.size = x.shape[x.ndim - n:]
        win = windows(pad_array(x, pads), out_sp, kernel, stride, (1,) * n)
        total = _rows(win, n).sum(0).reshape(x.shape[:x.ndim - n] + out_sp)
        return _divide(total, div)

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolAdjoint.apply(grad, size=ctx.size, **ctx.args)


class AvgPoolAdjoint(Primitive):
    """Spread each output's gradient / divisor over its window (col2im)."""

    node_name = "AvgPoolBackwardBackward0"

    @staticmethod
    def forward(ctx, g, kernel, stride, pads, out_sp, div, size):
        n = len(kernel)
        ctx.args = dict(kernel=kernel, stride=stride, pads=pads, out_sp=out_sp, div=div)
        lead = g.shape[:g.ndim - n]
        rows = prod(lead)
        gd = (g / on_device_of(div, g)).astype(g.dtype, copy=False)
        gd = gd.reshape((rows, 1) + (1,) * n + out_sp)
        cols = np.broadcast_to(gd, (rows, 1) + tuple(kernel) + tuple(out_sp))
        out = col2im(cols, tuple(size), Geom(stride, pads, (1,) * n))
        return out.reshape(lead + tuple(size))

    @staticmethod
    def backward(ctx, grad):
        return AvgPool.apply(grad, **ctx.args)


def _avg_poolnd(n: int, op: str, input, kernel_size, stride, padding, ceil_mode,
                count_include_pad, divisor_override) -> Tensor:
    input = as_tensor_arg(input, op)
    _check_input(op, input, n)
    kernel, stride, padding, _ = _pool_args(op, n, kernel_size, stride, padding, 1)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op}: divisor must be not zero")
    size = tuple(input.shape[-n:])
    out_sp = _out_sizes(op, size, kernel, stride, padding, (1,) * n, ceil_mode)
    # PyTorch averages int64 too, but has no kernel for the other integer types and bool
    # (checked after the sizes, as PyTorch does)
    if input._data.dtype != np.int64:
        float_kernel_input(input, op, "avg_pool3d_out_frame" if n == 3 else "avg_pool2d")
    pads = _pads(size, kernel, stride, padding, (1,) * n, out_sp)
    div = _divisor(size, kernel, stride, padding, out_sp, count_include_pad, divisor_override)
    return AvgPool.apply(input, kernel=kernel, stride=stride, pads=pads, out_sp=out_sp, div=div)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True) -> Tensor:
    """1-D average pooling over the last dim of ``input`` (N, C, L) or (C, L)."""
    return _avg_poolnd(1, "avg_pool1d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None) -> Tensor:
    """2-D average pooling; ``count_include_pad`` counts zero padding in the divisor,
    ``divisor_override`` replaces the divisor."""
    return _avg_poolnd(2, "avg_pool2d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)


@autocast.float32
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None) -> Tensor:
    """3-D average pooling over the last three dims."""
    return _avg_poolnd(3, "avg_pool3d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)


# ---------------------------------------------------------------------------------------------
# Adaptive pooling: output size given, windows [floor(i L / o), ceil((i + 1) L / o))
# ---------------------------------------------------------------------------------------------

def adaptive_bounds(L: int, o: int) -> tuple:
    """Start and end (exclusive) of each of the ``o`` adaptive windows over ``L``."""
    i = np.arange(o)
    return (i * L) // o, -((-(i + 1) * L) // o)


def _adaptive_args(op: str, input, output_size, n: int) -> tuple:
    input = as_tensor_arg(input, op)
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got "
                           f"{list(input.shape)}")
    if output_size is None:  # (None keeps a size only inside a tuple)
        raise TypeError(f"{op}(): argument 'output_size' (position 2) must be tuple of ints, "
                        f"not NoneType")
    if isinstance(output_size, (int, np.integer)):
        output_size = (output_size,) * n
    output_size = tuple(output_size)
    if len(output_size) == 1 and n > 1:
        output_size = output_size * n
    if len(output_size) != n:
        raise RuntimeError(f"{op}: output_size must be {n}")
    size = tuple(input.shape[-n:])
    out = tuple(L if o is None else int(o) for L, o in zip(size, output_size))
    if any(o < 0 for o in out):
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 "
                           f"but received {list(out)}")
    if any(s == 0 for s in input.shape[-n - 1:]):
        raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                           f"dimensions, but input has sizes {list(input.shape)}")
    return input, size, out


class AdaptiveMaxPool(Primitive):
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out_sp):
        n = len(out_sp)
        ctx.node_name = f"AdaptiveMaxPool{n}DBackward0"
        size, lead = x.shape[x.ndim - n:], x.shape[:x.ndim - n]
        tables, key = [], []
        for d, (L, o) in enumerate(zip(size, out_sp)):
            start, end = adaptive_bounds(L, o)
            width = int((end - start).max()) if o else 1
            # Short windows repeat their last element: it never changes the first maximum.
            table = np.minimum(start[:, None] + np.arange(width), end[:, None] - 1)
            table = on_device_of(table, x)  # (host arithmetic on sizes, then one copy)
            tables.append(table)
            shape = [1] * (2 * n)
            shape[2 * d:2 * d + 2] = table.shape
            key.append(table.reshape(shape))
        win = x[(Ellipsis,) + tuple(key)]  # (*lead, o0, k0, o1, k1, ...)
        m = len(lead)
        order = (tuple(range(m)) + tuple(m + 2 * d for d in range(n))
                 + tuple(m + 2 * d + 1 for d in range(n)))
        best, k = _argmax_rows(_rows(win.transpose(order), n))
        ks = np.unravel_index(k.reshape(lead + out_sp), tuple(t.shape[1] for t in tables))
        xp = array_module(x)
        pos = [t[xp.arange(o).reshape((-1,) + (1,) * (n - 1 - d)), kd]
               for d, (t, o, kd) in enumerate(zip(tables, out_sp, ks))]
        ctx.idx = idx = _flat_index(pos, size)
        ctx.shape, ctx.n = x.shape, n
        ctx.unique = all(L % o == 0 for L, o in zip(size, out_sp) if o)
        return best.reshape(lead + out_sp), idx

    @staticmethod
    def backward(ctx, grad, grad_idx=None):
        return PoolScatter.apply(grad, idx=ctx.idx, shape=ctx.shape, n=ctx.n, unique=ctx.unique)


def _adaptive_max_poolnd(n: int, op: str, input, output_size, return_indices):
    input, size, out_sp = _adaptive_args(op, input, output_size, n)
    float_kernel_input(input, op, "adaptive_max_pool3d_cpu" if n == 3 else "adaptive_max_pool2d")
    out, idx = AdaptiveMaxPool.apply(input, out_sp=out_sp)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D max pooling to ``output_size`` positions (windows sized to fit)."""
    return _adaptive_max_poolnd(1, "adaptive_max_pool1d", input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D max pooling to an ``output_size`` (an int, or a pair whose None entries keep the
    input's size)."""
    return _adaptive_max_poolnd(2, "adaptive_max_pool2d", input, output_size, return_indices)


def adaptive_avg_matrix(L: int, o: int, dtype) -> np.ndarray:
    """The (o, L) matrix averaging each adaptive window."""
    start, end = adaptive_bounds(L, o)
    j = np.arange(L)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _adaptive_avg_poolnd(n: int, op: str, input, output_size) -> Tensor:
    input, size, out_sp = _adaptive_args(op, input, output_size, n)
    float_kernel_input(input, op, "adaptive_avg_pool3d_cpu" if n == 3 else "adaptive_avg_pool2d")
    mats = tuple(adaptive_avg_matrix(L, o, input._data.dtype) for L, o in zip(size, out_sp))
    return Resample.apply(input, mats=mats, name=f"AdaptiveAvgPool{n}DBackward0")


def adaptive_avg_pool1d(input, output_size) -> Tensor:
    """1-D average pooling to ``output_size`` positions."""
    return _adaptive_avg_poolnd(1, "adaptive_avg_pool1d", input, output_size)


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """2-D average pooling to ``output_size`` (None entries keep the input's size)."""
    return _adaptive_avg_poolnd(2, "adaptive_avg_pool2d", input, output_size)


@autocast.float32
def adaptive_avg_pool3d(input, output_size) -> Tensor:
    """3-D average pooling to ``output_size``."""
    return _adaptive_avg_poolnd(3, "adaptive_avg_pool3d", input, output_size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-D max pooling to an ``output_size`` (None entries keep the input's size)."""
    return _adaptive_max_poolnd(3, "adaptive_max_pool3d", input, output_size, return_indices)


# ---------------------------------------------------------------------------------------------
# The ``*_with_indices`` forms: the same ops, always returning (output, indices)
# ---------------------------------------------------------------------------------------------

def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """``max_pool1d(..., return_indices=True)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """``max_pool2d(..., return_indices=True)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """``max_pool3d(..., return_indices=True)``."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """``adaptive_max_pool1d(..., return_indices=True)``."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """``adaptive_max_pool2d(..., return_indices=True)``."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """``adaptive_max_pool3d(..., return_indices=True)``."""
    return adaptive_max_pool3d(input, output_size, True)
