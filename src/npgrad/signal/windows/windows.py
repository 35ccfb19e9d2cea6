"""Window functions of ``torch.signal.windows``.

Each window has ``M`` points. A symmetric window (``sym=True``, for filter design) is
symmetric about its middle, ``(M - 1) / 2``; a periodic one (``sym=False``, for spectral
analysis) is the symmetric window of ``M + 1`` points without its last, so its centre is
``M / 2``. The values are computed in float64 and returned in ``dtype`` (the default dtype
unless given).
"""
from __future__ import annotations

import numpy as np

from ... import dtypes as _dt
from ...tensor import Tensor

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]


def _check(name: str, M, dtype) -> np.dtype:
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    d = _dt.dtype_arg(dtype, name) if dtype is not None else _dt.get_default_dtype()
    if d not in (_dt.float32, _dt.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: torch.{d.name}")
    return d.np


def _make(values: np.ndarray, d: np.dtype, requires_grad: bool) -> Tensor:
    t = Tensor._make(values.astype(d))
    return t.requires_grad_(True) if requires_grad else t


def _points(M: int, sym: bool) -> tuple:
    """The sample positions 0..M-1 and the window's centre."""
    return np.arange(M, dtype=np.float64), (M - 1) / 2 if sym else M / 2


def _short(M: int, d, requires_grad: bool):
    """The windows of 0 and 1 points (empty, and [1])."""
    return _make(np.ones(M), d, requires_grad) if M <= 1 else None


def general_cosine(M, *, a, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
                   requires_grad: bool = False) -> Tensor:
    """``w[n] = sum_k (-1)^k a_k cos(2 pi k n / N)``, N = M - 1 (symmetric) or M."""
    d = _check("general_cosine", M, dtype)
    if not isinstance(a, (list, tuple)):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    short = _short(M, d, requires_grad)
    if short is not None:
        return short
    n, _ = _points(M, sym)
    phase = 2 * np.pi * n / (M - 1 if sym else M)
    w = sum((-1) ** k * c * np.cos(k * phase) for k, c in enumerate(a))
    return _make(w, d, requires_grad)


def general_hamming(M, *, alpha: float = 0.54, sym: bool = True, dtype=None,
                    layout=_dt.strided, device=None, requires_grad: bool = False) -> Tensor:
    """``alpha - (1 - alpha) cos(2 pi n / N)``."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype,
                          requires_grad=requires_grad)


def hann(M: int, *, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
         requires_grad: bool = False) -> Tensor:
    """The Hann window: ``general_hamming`` with alpha 0.5."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, requires_grad=requires_grad)


def hamming(M: int, *, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
            requires_grad: bool = False) -> Tensor:
    """The Hamming window: ``general_hamming`` with alpha 0.54."""
    return general_hamming(M, sym=sym, dtype=dtype, requires_grad=requires_grad)


def blackman(M: int, *, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
             requires_grad: bool = False) -> Tensor:
    """The Blackman window: ``general_cosine`` with a = (0.42, 0.5, 0.08)."""
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype,
                          requires_grad=requires_grad)


def nuttall(M: int, *, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
            requires_grad: bool = False) -> Tensor:
    """The minimum 4-term Blackman-Harris window of Nuttall (1981)."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, requires_grad=requires_grad)


def bartlett(M: int, *, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
             requires_grad: bool = False) -> Tensor:
    """The triangular window that is 0 at both ends: ``1 - |2 n / N - 1|``."""
    d = _check("bartlett", M, dtype)
    short = _short(M, d, requires_grad)
    if short is not None:
        return short
    n, _ = _points(M, sym)
    return _make(1 - np.abs(2 * n / (M - 1 if sym else M) - 1), d, requires_grad)


def cosine(M: int, *, sym: bool = True, dtype=None, layout=_dt.strided, device=None,
           requires_grad: bool = False) -> Tensor:
    """The sine window: ``sin(pi (n + 1/2) / M')``, M' = M (symmetric) or M + 1."""
    d = _check("cosine", M, dtype)
    short = _short(M, d, requires_grad)
    if short is not None:
        return short
    n, _ = _points(M, sym)
    return _make(np.sin(np.pi * (n + 0.5) / (M if sym else M + 1)), d, requires_grad)


def exponential(M: int, *, center: float | None = None, tau: float = 1.0, sym: bool = True,
                dtype=None, layout=_dt.strided, device=None,
                requires_grad: bool = False) -> Tensor:
    """``exp(-|n - center| / tau)``; ``center`` only for periodic windows (default: the
    window's middle)."""
    d = _check("exponential", M, dtype)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    short = _short(M, d, requires_grad)
    if short is not None:
        return short
    n, middle = _points(M, sym)
    c = middle if center is None else center
    return _make(np.exp(-np.abs(n - c) / tau), d, requires_grad)


def gaussian(M: int, *, std: float = 1.0, sym: bool = True, dtype=None, layout=_dt.strided,
             device=None, requires_grad: bool = False) -> Tensor:
    """``exp(-((n - centre) / std)^2 / 2)``."""
    d = _check("gaussian", M, dtype)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    short = _short(M, d, requires_grad)
    if short is not None:
        return short
    n, c = _points(M, sym)
    return _make(np.exp(-0.5 * ((n - c) / std) ** 2), d, requires_grad)


def kaiser(M: int, *, beta: float = 12.0, sym: bool = True, dtype=None, layout=_dt.strided,
           device=None, requires_grad: bool = False) -> Tensor:
    """The Kaiser window: ``I0(beta sqrt(1 - ((n - c) / c)^2)) / I0(beta)``, c the centre."""
    d = _check("kaiser", M, dtype)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    short = _short(M, d, requires_grad)
    if short is not None:
        return short
    n, c = _points(M, sym)
    r = np.clip(1 - ((n - c) / c) ** 2, 0, None)
    return _make(np.i0(beta * np.sqrt(r)) / np.i0(beta), d, requires_grad)
