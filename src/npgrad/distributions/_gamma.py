"""Gamma variates with their implicit reparameterisation gradient, and the regularised
incomplete gamma function (private to the distributions: NumPy has neither, and npgrad does
not depend on SciPy).

A Gamma(alpha) sample x = F^{-1}(u; alpha) moves with alpha at fixed noise u as
``dx/dalpha = -(dF/dalpha)(x; alpha) / f(x; alpha)`` (F the CDF, f the density): the implicit
reparameterisation gradient (Figurnov et al., 2018), the role of PyTorch's
``_standard_gamma_grad``. dF/dalpha is a central difference of the incomplete gamma function in
float64 (about 8 significant digits); beyond alpha = 1e4 the Wilson-Hilferty cube-root normal
approximation of x(u; alpha) is differentiated instead (relative error O(1/alpha)).
"""
from __future__ import annotations

import numpy as np

from ..dtypes import is_float_np
from ..random import rng
from ..tensor import Tensor
from ..autograd.function import Primitive
from ..ops.elementwise.special import _lgamma

__all__ = ["standard_gamma", "gammainc", "gammainc_array", "standard_gamma_grad"]


# ---------------------------------------------------------------------------------------------
# P(a, x) and Q(a, x) = 1 - P(a, x) in float64
# ---------------------------------------------------------------------------------------------

def _series_p(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1)...(a + n)) (for x < a + 1,
    where the terms shrink at least as fast as x / (a + 1))."""
    term = np.ones_like(x)
    total = np.ones_like(x)
    ap = a.copy()
    for _ in range(1000 + int(20 * np.sqrt(a.max(initial=0.0)))):
        ap += 1
        term *= x / ap
        total += term
        if not np.any(term > total * 1e-17):  # (terms fall geometrically below it)
            break
    with np.errstate(divide="ignore", invalid="ignore"):
        log_front = a * np.log(x) - x - _lgamma(a + 1)
    return np.exp(log_front) * total


def _continued_fraction_q(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) = x^a e^-x / Gamma(a) * 1/(x + 1 - a - 1 (1 - a)/(x + 3 - a - ...)) by the
    modified Lentz method (for x >= a + 1, where it converges quickly)."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full_like(x, 1 / tiny)
    d = 1 / b
    h = d.copy()
    # it converges in O(sqrt(a)) levels; the cap only guards against a stuck element
    for i in range(1, 1000 + int(20 * np.sqrt(a.max(initial=0.0)))):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        delta = d * c
        h = h * delta
        if not np.any(np.abs(delta - 1) > 1e-15):  # (a few ulps: rounding stays above eps)
            break
    return np.exp(a * np.log(x) - x - _lgamma(a)) * h


def _p_and_q(a: np.ndarray, x: np.ndarray) -> tuple:
    """(P, Q), each accurate to a few ulps relative to the larger of the two (and Q, P
    relative to itself where it is the one computed directly)."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p = np.zeros_like(x)
    q = np.ones_like(x)
    small = (x > 0) & (x < a + 1) & (a > 0)
    large = (x > 0) & (x >= a + 1) & (a > 0)
    if small.any():
        p[small] = _series_p(a[small], x[small])
        q[small] = 1 - p[small]
    if large.any():
        q[large] = _continued_fraction_q(a[large], x[large])
        p[large] = 1 - q[large]
    bad = np.isnan(a) | np.isnan(x) | (a < 0) | (x < 0)
    p[bad], q[bad] = np.nan, np.nan
    inf = np.isposinf(x) & ~bad
    p[inf], q[inf] = 1.0, 0.0
    return p, q


def gammainc_array(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The regularised lower incomplete gamma function P(a, x) of arrays, in x's dtype."""
    return _p_and_q(a, x)[0].astype(np.result_type(a, x), copy=False)


# ---------------------------------------------------------------------------------------------
# The implicit gradient dx/dalpha
# ---------------------------------------------------------------------------------------------

def _dcdf_dalpha(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dP(a, x)/da by a central difference, taken on whichever of P and Q is smaller (so it
    keeps its relative precision in both tails)."""
    h = 1e-5 * np.maximum(a, 1e-3)
    p_hi, q_hi = _p_and_q(a + h, x)
    p_lo, q_lo = _p_and_q(a - h, x)
    p, _ = _p_and_q(a, x)
    return np.where(p < 0.5, (p_hi - p_lo), -(q_hi - q_lo)) / (2 * h)


def _wilson_hilferty_grad(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d/da of x = a t^3 with t = 1 - 1/(9a) + z / (3 sqrt a), z held fixed."""
    t = np.cbrt(x / a)
    z = (t - 1 + 1 / (9 * a)) * 3 * np.sqrt(a)
    dt = 1 / (9 * a ** 2) - z / (6 * a ** 1.5)
    return t ** 3 + 3 * a * t ** 2 * dt


def standard_gamma_grad_array(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dalpha of standard Gamma(alpha) samples ``x`` at fixed noise, in float64."""
    a, x = np.broadcast_arrays(np.asarray(alpha, np.float64), np.asarray(x, np.float64))
    out = np.empty_like(x)
    big = a > 1e4
    if big.any():
        out[big] = _wilson_hilferty_grad(a[big], x[big])
    rest = ~big
    if rest.any():
        ar, xr = a[rest], x[rest]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_pdf = (ar - 1) * np.log(xr) - xr - _lgamma(ar)
            out[rest] = -_dcdf_dalpha(ar, xr) / np.exp(log_pdf)
    out[~np.isfinite(out)] = 0.0  # x underflowed to 0 (tiny alpha): no usable slope
    return out


def standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """``torch._standard_gamma_grad``: dx/dalpha for standard Gamma samples ``x``."""
    return Tensor._make(standard_gamma_grad_array(alpha._data, x._data).astype(x._data.dtype))


# ---------------------------------------------------------------------------------------------
# The ops
# ---------------------------------------------------------------------------------------------

class _StandardGamma(Primitive):
    # a primitive: the sample comes from NumPy's generator and its gradient from the implicit
    # function theorem above (not differentiable twice, as PyTorch's)
    node_name = "StandardGammaBackward0"

    @staticmethod
    def forward(ctx, alpha, generator=None):
        draw = rng(generator).standard_gamma(alpha.astype(np.float64))
        x = np.maximum(draw, np.finfo(alpha.dtype).tiny).astype(alpha.dtype)
        ctx.alpha, ctx.x = alpha, x
        return x

    @staticmethod
    def backward(ctx, grad):
        slope = standard_gamma_grad_array(ctx.alpha, ctx.x).astype(ctx.x.dtype)
        return grad * Tensor._make(slope), None


def standard_gamma(alpha: Tensor, generator=None) -> Tensor:
    """Gamma(alpha, 1) samples of alpha's shape, reparameterised (``torch._standard_gamma``;
    samples are at least the dtype's smallest normal number)."""
    if not is_float_np(alpha._data.dtype):
        raise RuntimeError(f"_standard_gamma: expected a floating tensor, got {alpha.dtype}")
    return _StandardGamma.apply(alpha, generator)


class _Gammainc(Primitive):
    # a primitive: the series / continued fraction run in NumPy; the slope in x is the
    # density, written in npgrad ops (the slope in a is not implemented, as in PyTorch)
    node_name = "SpecialGammaincBackward0"

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return gammainc_array(a, x)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'self' is not implemented.")
        density = ((a - 1) * x.log() - x - a.lgamma()).exp()
        return None, grad * density


def gammainc(a: Tensor, x: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function P(a, x) (``special.gammainc``)."""
    return _Gammainc.apply(a, x)
