"""More of PyTorch's creation and small utility surface: signal windows (``hann_window``,
``hamming_window``, ``blackman_window``, ``bartlett_window``, ``kaiser_window``),
``histogram``, ``unravel_index``, ``nonzero_static``, ``vander``, ``rsub``,
``channel_shuffle`` and ``constant_pad_nd``.
"""
from __future__ import annotations

import math

import numpy as np

from ... import dtypes as _dt
from ... import return_types
from .._arguments import Tensor, as_tensor_arg, describe

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window", "histogram", "unravel_index", "nonzero_static", "vander", "rsub",
           "channel_shuffle", "constant_pad_nd"]

histogram_type = return_types.make("histogram", ("hist", "bin_edges"))


def _ops():
    import npgrad
    return npgrad


# ---------------------------------------------------------------------------------------------
# Signal windows: a symmetric window of length N (+ 1 when periodic, the last point dropped)
# ---------------------------------------------------------------------------------------------

def _window(op: str, window_length: int, periodic: bool, dtype, requires_grad: bool,
            shape_fn) -> Tensor:
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got "
                           f"window_length={window_length}")
    d = _dt.to_dtype(dtype).np if dtype is not None else _dt.get_default_dtype().np
    if d.kind != "f":
        raise RuntimeError(f"{op} expects floating point dtypes, got: {dtype}")
    if window_length == 0:
        w = np.zeros(0)
    elif window_length == 1:
        w = np.ones(1)
    else:
        m = window_length + 1 if periodic else window_length
        x = np.arange(m) / (m - 1)  # 0..1 over the symmetric window
        w = shape_fn(x)[:window_length]
    t = Tensor._make(np.ascontiguousarray(w.astype(d)))
    return t.requires_grad_(True) if requires_grad else t


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                device=None, requires_grad: bool = False) -> Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``."""
    return _window("hann_window", window_length, periodic, dtype, requires_grad,
                   lambda x: 0.5 - 0.5 * np.cos(2 * np.pi * x))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False) -> Tensor:
    """The Hamming window ``alpha - beta cos(2 pi n / (N - 1))``."""
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   lambda x: alpha - beta * np.cos(2 * np.pi * x))


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False) -> Tensor:
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``."""
    return _window("blackman_window", window_length, periodic, dtype, requires_grad,
                   lambda x: 0.42 - 0.5 * np.cos(2 * np.pi * x) + 0.08 * np.cos(4 * np.pi * x))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False) -> Tensor:
    """The Bartlett (triangular) window ``1 - |2n / (N - 1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad,
                   lambda x: 1 - np.abs(2 * x - 1))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta)``."""
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad,
                   lambda x: np.i0(beta * np.sqrt(np.clip(1 - (2 * x - 1) ** 2, 0, None)))
                   / np.i0(beta))


# ---------------------------------------------------------------------------------------------
# Counting and index conversion (no gradients)
# ---------------------------------------------------------------------------------------------

def histogram(input, bins=100, *, range=None, weight=None,  # noqa: A002 (PyTorch's name)
              density: bool = False):
    """``(hist, bin_edges)``: counts (or summed ``weight``; a density with ``density``) of
    ``input``'s elements in ``bins`` equal bins over ``range`` (the data's range by default),
    or in the bins whose edges a 1-D tensor ``bins`` gives; the last bin is closed."""
    input = as_tensor_arg(input, "histogram")
    a = input._data
    if a.dtype.kind != "f":
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
    from ..elementwise.integer import not_differentiable
    return histogram_type(not_differentiable(hist.astype(a.dtype), "histogram", input),
                          not_differentiable(e.astype(a.dtype), "histogram", input))


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
    return tuple(Tensor._make(np.asarray(c, np.int64)) for c in coords)


def nonzero_static(input, *, size: int, fill_value: int = -1) -> Tensor:
    """``nonzero(input)`` cut or padded (with ``fill_value`` rows) to exactly ``size`` rows."""
    input = as_tensor_arg(input, "nonzero_static")
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    nz = np.argwhere(input._data)[:size]
    pad = np.full((size - len(nz), max(input.ndim, 1) if input.ndim else 0), fill_value,
                  np.int64)
    return Tensor._make(np.concatenate([nz.astype(np.int64).reshape(-1, pad.shape[1]), pad]))


# ---------------------------------------------------------------------------------------------
# Small composites (differentiable)
# ---------------------------------------------------------------------------------------------

def vander(x, N=None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D ``x``: columns ``x ** (N - 1) ... x ** 0`` (reversed
    with ``increasing``); built by a cumulative product, so its gradient at 0 is finite."""
    npg = _ops()
    x = as_tensor_arg(x, "vander")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind == "b":
        x = x.long()
    if n == 0:
        return x.new_empty(x.shape[0], 0)
    cols = [npg.ones_like(x).unsqueeze(-1)]
    if n > 1:
        cols.append(x.unsqueeze(-1).expand(x.shape[0], n - 1).cumprod(-1))
    out = npg.cat(cols, -1)
    return out if increasing else out.flip(-1)


def rsub(input, other, *, alpha=1) -> Tensor:
    """``other - alpha * input`` (subtraction with the operands reversed)."""
    return _ops().sub(other, input, alpha=alpha)


def channel_shuffle(input, groups: int) -> Tensor:
    """Interleave the channels (dim 1) of ``groups`` groups, as ShuffleNet does."""
    input = as_tensor_arg(input, "channel_shuffle")
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups ({describe(input)}).")
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)


def constant_pad_nd(input, pad, value=0) -> Tensor:
    """``nn.functional.pad(input, pad, 'constant', value)``."""
    return _ops().nn.functional.pad(input, tuple(pad), "constant", value)
