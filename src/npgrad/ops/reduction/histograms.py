"""Counting: ``bincount``, ``histc`` and ``histogram`` (not differentiable, as in PyTorch)."""
from __future__ import annotations

import numpy as np
from ...dtypes import is_float_np
from .._arguments import Tensor, as_tensor_arg, describe, long_tensor
from ... import dtypes as _dt, return_types
from ..elementwise.unary import not_differentiable

__all__: list = ["bincount", "histc", "histogram"]


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
        return long_tensor(np.zeros(minlength))
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


histogram_type = return_types.make("histogram", ("hist", "bin_edges"))


def histogram(input, bins=100, *, range=None, weight=None,  # noqa: A002 (PyTorch's name)
              density: bool = False):
    """``(hist, bin_edges)``: counts (or summed ``weight``; a density with ``density``) of
    ``input``'s elements in ``bins`` equal bins over ``range`` (the data's range by default),
    or in the bins whose edges a 1-D tensor ``bins`` gives; the last bin is closed."""
    input = as_tensor_arg(input, "histogram")
    a = input._data
    if not is_float_np(a.dtype):
        raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the "
                           f"same dtype, but got input {input.dtype}")
    edges = bins._data if isinstance(bins, Tensor) else int(bins)
    if isinstance(edges, int) and edges <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {edges}")
    w = None if weight is None else as_tensor_arg(weight, "histogram")._data.reshape(-1)
    lo_hi = None if range is None else (float(range[0]), float(range[1]))
    if lo_hi is None and isinstance(edges, int) and a.size:
        lo_hi = (float(a.min()), float(a.max()))
    if lo_hi is not None and lo_hi[0] == lo_hi[1]:
        lo_hi = (lo_hi[0], lo_hi[1] + 1)  # PyTorch widens an empty range to the right
    hist, e = np.histogram(a.reshape(-1), bins=edges, range=lo_hi, weights=w, density=density)
    return histogram_type(not_differentiable(hist.astype(a.dtype), "histogram", input),
                          not_differentiable(e.astype(a.dtype), "histogram", input))
