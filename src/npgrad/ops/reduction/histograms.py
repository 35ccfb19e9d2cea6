"""Counting: ``bincount``, ``histc``, ``histogram`` and ``histogramdd`` (not differentiable,
as in PyTorch)."""
from __future__ import annotations

import numpy as np
from ...backend import array_module, device_of, is_array
from ...dtypes import is_float_np
from .._arguments import Tensor, as_tensor_arg, describe, long_tensor
from ... import dtypes as _dt, return_types
from ..elementwise.unary import not_differentiable
from ..creation.factories import linspace

__all__: list = ["bincount", "histc", "histogram", "histogramdd"]


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
        return long_tensor(np.bincount(a, minlength=minlength))
    w = as_tensor_arg(weights, "bincount")
    if w.shape != input.shape:
        raise RuntimeError(f"weights should be 1-d and have the same length as input (got "
                           f"{describe(input, w)})")
    if a.size == 0:  # PyTorch gives int64 zeros whatever the weights
        return long_tensor(np.zeros_like(a, shape=minlength))
    out = np.bincount(a, weights=w._data, minlength=minlength)
    # PyTorch keeps float32 weights' dtype and gives double for everything else
    out = out.astype(np.float32 if w._data.dtype == np.float32 else np.float64)
    return not_differentiable(out, "bincount", w)


def histc(input, bins: int = 100, min=0, max=0) -> Tensor:  # noqa: A002 (PyTorch's names)
    """A histogram of ``input`` with ``bins`` equal bins over [min, max] (the data's range when
    both are 0); values outside are ignored, the top edge falls in the last bin."""
    input = as_tensor_arg(input, "histc")
    a = input._data
    if not is_float_np(a.dtype):
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(a.dtype)}' (histc)")
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


histogram_type = return_types.make("histogram", ("hist", "bin_edges"))
histogramdd_type = return_types.make("histogramdd", ("hist", "bin_edges"))

_C_NAMES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}


def _outer_edges(column: np.ndarray, d: int, range_) -> tuple:
    """The lowest and highest edge of dimension ``d``: ``range_``'s, else the data's ([0, 1]
    for no data); checked finite and ordered, widened by 0.5 each way when equal."""
    if range_ is not None:
        lo, hi = float(range_[2 * d]), float(range_[2 * d + 1])
    elif column.size:
        lo, hi = float(column.min()), float(column.max())
    else:
        lo, hi = 0.0, 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{lo:g}, {hi:g}] is not "
                           "finite")
    if lo > hi:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} "
                           f"max {hi:g} for dimension {d}")
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def _edges(points: np.ndarray, bins: list, range_) -> list:
    """Each dimension's bin edges: given (arrays), or ``bins[d]`` equal bins over its range
    (PyTorch's linspace, so the edges are bit-equal to PyTorch's)."""
    edges = []
    for d, b in enumerate(bins):
        if not is_array(b):
            lo, hi = _outer_edges(points[:, d], d, range_)
            b = linspace(lo, hi, max(int(b) + 1, 0), dtype=_dt.from_numpy_dtype(points.dtype),
                         device=device_of(points))._data
        if b.size == 0:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, "
                               f"but got 0 elements in the bins tensor for dimension {d}")
        if b.size == 1:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got 0 for dimension {d}")
        edges.append(b)
    return edges


def _count(points: np.ndarray, edges: list, w, density: bool) -> np.ndarray:
    """The (weighted) count of points in each bin: ``edges[i] <= x < edges[i + 1]``, the last
    bin closed; points outside (or nan) are left out."""
    shape = tuple(e.size - 1 for e in edges)
    xp = array_module(points)
    inside = xp.ones(points.shape[0], bool)
    index = []
    for d, e in enumerate(edges):
        x = points[:, d]
        inside &= (x >= e[0]) & (x <= e[-1])
        index.append(np.minimum(np.searchsorted(e, x, side="right") - 1, shape[d] - 1))
    flat = np.ravel_multi_index([np.clip(i, 0, None) for i in index], shape) if index else \
        xp.zeros(points.shape[0], np.int64)
    weights = None if w is None else w[inside]
    hist = np.bincount(flat[inside], weights=weights, minlength=int(np.prod(shape)))
    hist = hist.reshape(shape).astype(points.dtype)
    if density:
        with np.errstate(invalid="ignore", divide="ignore"):
            hist = hist / hist.sum()
            for d, e in enumerate(edges):
                hist = hist / np.diff(e).reshape((-1,) + (1,) * (len(edges) - d - 1))
    return hist


def _histogramdd(input: Tensor, points: np.ndarray, bins: list, range_, weight, density: bool,
                 weight_shape: tuple) -> tuple:
    """``(hist, edges)`` of ``points`` (N x D) as Tensors, after PyTorch's argument checks."""
    # NOTE: float16 is counted in float16 (PyTorch's CPU build has no Half kernel: README,
    # "Deliberate differences")
    if not is_float_np(points.dtype):
        raise NotImplementedError(f"\"histogramdd\" not implemented for "
                                  f"'{_dt.scalar_type_name(points.dtype)}'")
    ndim = points.shape[-1]
    arrays = [b for b in bins if is_array(b)]
    for d, b in enumerate(arrays):
        if b.dtype != points.dtype:
            raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the "
                               f"same dtype, but got input with dtype "
                               f"{_C_NAMES.get(points.dtype, points.dtype)} "
                               f"and bins for dimension {d} with dtype "
                               f"{_C_NAMES.get(b.dtype, b.dtype)}")
        if b.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but "
                               f"got {b.ndim} dimensions in the bins tensor for dimension {d}")
    if range_ is not None and len(range_) != 2 * ndim:
        raise RuntimeError(f"torch.histogramdd: for a {ndim}-dimensional histogram range should "
                           f"have {2 * ndim} elements, but got {len(range_)}")
    w = None
    if weight is not None:
        weight = as_tensor_arg(weight, "histogramdd", "weight")
        if tuple(weight.shape) != weight_shape:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have "
                               f"the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape {list(input.shape)} and "
                               f"weight with shape {list(weight.shape)}")
        if weight._data.dtype != points.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and "
                               f"weight tensor should have the same dtype, but got "
                               f"input({_C_NAMES.get(points.dtype, points.dtype)}), and "
                               f"weight({_C_NAMES.get(weight._data.dtype, weight._data.dtype)})")
        w = weight._data.reshape(-1)
    edges = _edges(points, bins, range_)
    hist = _count(points, edges, w, density)
    return (not_differentiable(hist, "histogramdd", input),
            [not_differentiable(e.copy(), "histogramdd", input) for e in edges])


def histogramdd(input, bins=10, *, range=None, weight=None,  # noqa: A002 (PyTorch's name)
                density: bool = False):
    """``(hist, bin_edges)``: the D-dimensional histogram of ``input``'s points (its last
    dimension: each point's D coordinates). ``bins``: a count for every dimension, a count
    per dimension, or a 1-D tensor of edges per dimension; ``range``: ``[min_0, max_0, min_1,
    ...]`` (the data's by default); ``weight``: one per point; ``density``: normalised so the
    histogram integrates to 1. Bins hold ``edges[i] <= x < edges[i + 1]``, the last closed."""
    input = as_tensor_arg(input, "histogramdd")
    if input.ndim == 0:  # (PyTorch reads the last size first)
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if isinstance(bins, (list, tuple)) and not is_float_np(input._data.dtype):
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(input._data.dtype)}'")
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    ndim = input.shape[-1]
    if isinstance(bins, Tensor):
        raise TypeError("histogramdd() received an invalid combination of arguments - got "
                        "(Tensor, bins=Tensor): bins must be an int, a tuple of ints or a tuple "
                        "of Tensors")
    if isinstance(bins, (list, tuple)):
        if len(bins) != ndim:
            if bins and isinstance(bins[0], Tensor):
                raise RuntimeError(f"torch.histogramdd: expected {ndim} sequences of bin edges "
                                   f"for a {ndim}-dimensional histogram but got {len(bins)}")
            raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                               "dimension of the input.")
        bins = [b._data if isinstance(b, Tensor) else int(b) for b in bins]
    else:
        bins = [int(bins)] * ndim
    if ndim == 0:  # no coordinates: one empty bin, as PyTorch
        return histogramdd_type(not_differentiable(np.zeros_like(input._data, shape=()),
                                                   "histogramdd", input), ())
    points = input._data.reshape(-1, ndim)
    hist, edges = _histogramdd(input, points, bins, range, weight, density,
                               tuple(input.shape[:-1]))
    return histogramdd_type(hist, tuple(edges))


def histogram(input, bins=100, *, range=None, weight=None,  # noqa: A002 (PyTorch's name)
              density: bool = False):
    """``(hist, bin_edges)``: counts (or summed ``weight``; a density with ``density``) of
    ``input``'s elements in ``bins`` equal bins over ``range`` (the data's range by default),
    or in the bins whose edges a 1-D tensor ``bins`` gives; the last bin is closed. The
    one-dimensional ``histogramdd`` of the flattened input, as in PyTorch."""
    input = as_tensor_arg(input, "histogram")
    edges = bins._data if isinstance(bins, Tensor) else int(bins)
    points = input.reshape(-1, 1)
    if weight is not None:
        weight = as_tensor_arg(weight, "histogram", "weight").reshape(-1)
    hist, (e,) = _histogramdd(points, points._data, [edges], range, weight, density,
                              (points.shape[0],))
    return histogram_type(hist, e)
