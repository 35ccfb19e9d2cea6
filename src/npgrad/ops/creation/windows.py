"""Signal windows, as ``torch``'s creation functions: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window`` and ``kaiser_window``.
"""
from __future__ import annotations

import numpy as np

from ...backend import ascontiguous
from ...dtypes import is_float_np
from ... import dtypes as _dt
from .._arguments import Tensor

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


# ---------------------------------------------------------------------------------------------
# Signal windows: a symmetric window of length N (+ 1 when periodic, the last point dropped)
# ---------------------------------------------------------------------------------------------

def _window(op: str, window_length: int, periodic: bool, dtype, requires_grad: bool,
            shape_fn) -> Tensor:
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got "
                           f"window_length={window_length}")
    d = _dt.dtype_arg(dtype, op).np if dtype is not None else _dt.get_default_dtype().np
    if not is_float_np(d):
        raise RuntimeError(f"{op} expects floating point dtypes, got: {dtype}")
    if window_length == 0:
        w = np.zeros(0)
    elif window_length == 1:
        w = np.ones(1)
    else:
        m = window_length + 1 if periodic else window_length
        x = np.arange(m) / (m - 1)  # 0..1 over the symmetric window
        w = shape_fn(x)[:window_length]
    t = Tensor._make(ascontiguous(w.astype(d)))
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
