"""Special functions: erf, erfc, erfinv, and the gamma family (lgamma, digamma, polygamma,
mvlgamma). NumPy has none of them (and npgrad does not depend on SciPy), so each is computed
here in float64 from series, continued fractions or asymptotic expansions, then cast back.

All of them give floats: integer and bool inputs compute in the default float dtype.

Also the modified Bessel functions (``i0``, ``i0e``, ``i1``, ``i1e``, one primitive) and the
functions PyTorch has only under ``torch.special`` (``ndtr``, ``log_ndtr``, ``ndtri``,
``entr``, ``xlog1py``), composites of the above.
"""
from __future__ import annotations

import math

import numpy as np

from ...backend import as_array, ascontiguous, is_device_array, on_device_of
from ...dtypes import is_float_np
from ...autograd.function import Primitive
from .._arguments import as_operand, as_tensor_arg, int_arg, Tensor
from .unary import exp, float_input, log, log1p, sign
from ._special_calls import write_out
from ... import dtypes as _dt
from ..creation.factories import as_tensor
from .rounding import isnan
from .binary import check_broadcast, where

__all__ = ["erf", "erfc", "erfcx", "erfinv", "lgamma", "digamma", "polygamma", "mvlgamma", "i0",
           "ndtr", "log_ndtr", "ndtri", "entr", "xlog1py", "i0e", "i1", "i1e"]


# ---------------------------------------------------------------------------------------------
# erf and erfc
#
# NumPy has no erf. Computed in float64 (then cast back) from two expansions, to about 1e-15
# relative error for erf and erfc >= 2 (measured against math.erf/erfc; erfc in (-2, 2) is
# 1 - erf there, ~1e-13 relative):
# * |x| < 2: erf(x) = 2x/sqrt(pi) exp(-x^2) sum_k (2x^2)^k / (1*3*...*(2k+1)), a series whose
#   terms are all positive (no cancellation), summed until the terms stop counting;
# * x >= 2: the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x +
#   (3/2)/(x + ...)))), 60 levels deep, evaluated from the bottom up.
# Beyond |x| = 30 erf is +-1 and erfc 0 or 2 in float64, so inputs are clipped there (which
# also takes care of infinities).
# ---------------------------------------------------------------------------------------------

_SQRT_PI = math.sqrt(math.pi)


def _exp_neg_sq(x: np.ndarray) -> np.ndarray:
    """exp(-x*x) without the rounding error of x*x (which exp would magnify by x*x)."""
    hi = np.floor(x * 64.0) / 64.0  # few bits: hi*hi is exact, so exp(-hi*hi) is accurate
    lo = (x - hi) * (x + hi)        # x*x - hi*hi, small
    hi *= hi
    np.negative(hi, out=hi)
    np.negative(lo, out=lo)
    return np.exp(hi, out=hi) * np.exp(lo, out=lo)


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| < 2."""
    x2 = 2.0 * x * x
    term, s = np.ones_like(x), np.ones_like(x)
    on_host = not is_device_array(x)
    k = 1
    while True:
        term *= x2
        term /= 2 * k + 1
        s += term
        k += 1
        # On a device, the count |x| -> 2 needs rather than a host read of the terms: the
        # terms beyond convergence are below half an ulp of s and change nothing
        if k % 8 == 0 and (not np.any(term > 1e-17 * s) if on_host else k >= 32):
            break
    s *= _exp_neg_sq(x)
    s *= x
    s *= 2.0 / _SQRT_PI
    return s


def _erfc_cf(x: np.ndarray) -> np.ndarray:
    """erfc(x) for x >= 2."""
    f = x.copy()
    for k in range(60, 0, -1):
        np.divide(k / 2.0, f, out=f)
        f += x
    f *= _SQRT_PI
    return np.divide(_exp_neg_sq(x), f, out=f)


# Abramowitz & Stegun 7.1.26: erfc(x) = t P(t) exp(-x^2), t = 1 / (1 + p x), for x >= 0,
# absolute error below 1.5e-7: float32's precision. Below |x| = 0.5 the Maclaurin series to
# x^11 is used instead, which keeps the relative error small near 0.
_AS_P = 0.3275911
_AS_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
_SERIES = (1.0, -1.0 / 3, 1.0 / 10, -1.0 / 42, 1.0 / 216, -1.0 / 1320)


def _tail_fast(ax: np.ndarray) -> np.ndarray:
    """erfc(|x|) for ``ax = |x|`` by A&S 7.1.26 (absolute error < 1.5e-7)."""
    t = 1.0 / (1.0 + _AS_P * ax)  # inf gives t = 0 and the right limit; nan propagates
    poly = _AS_A[0]
    for c in _AS_A[1:]:
        poly = poly * t + c
    return poly * t * np.exp(-ax * ax)


def _erf_fast(x: np.ndarray, complement: bool) -> np.ndarray:
    """erf/erfc to float32 accuracy in a dozen array passes (the float64 path takes ~100)."""
    ax = np.abs(x)
    tail = _tail_fast(ax)                                 # erfc(|x|)
    x2 = x * x
    series = _SERIES[-1]
    for c in _SERIES[-2::-1]:
        series = series * x2 + c
    series = series * x * (2.0 / _SQRT_PI)                # erf(x) near 0
    small = ax < 0.5
    if complement:
        return np.where(small, 1.0 - series, np.where(x > 0, tail, 2.0 - tail))
    return np.where(small, series, np.copysign(1.0 - tail, x))


def norm_cdf(x: np.ndarray) -> np.ndarray:
    """The standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, in x's float dtype; float32
    in one A&S pass (GELU's hot path needs absolute, not relative, accuracy)."""
    return norm_cdf_pdf(x)[0]


_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
BLOCK = 1 << 15  # elements per block: a block's few temporaries stay in the L2 cache


def norm_cdf_pdf(x: np.ndarray) -> tuple:
    """Phi(x) and the normal density phi(x) together, in x's float dtype (float32 by blocks of
    :data:`BLOCK` elements through :func:`cdf_pdf_block`)."""
    if x.dtype == np.float64:
        pdf = np.exp(-0.5 * x * x)
        pdf *= _INV_SQRT_2PI
        return 0.5 * (1.0 + _erf(x * (1 / math.sqrt(2)), False)), pdf
    if x.dtype != np.float32:  # half precisions compute in float32
        return tuple(r.astype(x.dtype) for r in norm_cdf_pdf(x.astype(np.float32)))
    flat = ascontiguous(x).reshape(-1)
    # (from the contiguous copy: empty_like(x) keeps a transposed or expanded x's axis order,
    # and reshape(-1) of that is a copy, which the blocks would fill unseen)
    cdf_flat, pdf_flat = np.empty_like(flat), np.empty_like(flat)
    cdf, pdf = cdf_flat.reshape(x.shape), pdf_flat.reshape(x.shape)
    for i in range(0, flat.size, BLOCK):
        cdf_pdf_block(flat[i:i + BLOCK], cdf_flat[i:i + BLOCK], pdf_flat[i:i + BLOCK])
    return cdf, pdf


def cdf_pdf_block(x: np.ndarray, cdf: np.ndarray, pdf: np.ndarray) -> None:
    """Write Phi(x) into ``cdf`` and phi(x) into ``pdf`` (1-D float32 arrays, x's size).

    A&S 7.1.26 gives erfc(|x| / sqrt 2) = t P(t) exp(-x^2 / 2), and exp(-x^2 / 2) is phi up
    to a constant, so the two share one exp. Phi is then 1/2 + copysign(1/2 - erfc / 2, x):
    branch-free, since np.where on a random sign mask is ~10x slower than an arithmetic pass.
    Everything is in place (about 20 passes, no allocation beyond one scratch array).
    """
    t = np.abs(x, out=np.empty_like(cdf))
    t += np.float32(math.sqrt(2) / _AS_P)
    # t = 1 / (1 + p |x| / sqrt 2); inf gives t = 0 (the right limit), nan propagates
    np.divide(np.float32(math.sqrt(2) / _AS_P), t, out=t)
    poly = np.multiply(t, _AS_HALF[0], out=cdf)   # -erfc / 2 through -P(t) / 2
    for c in _AS_HALF[1:]:
        poly += c
        poly *= t
    np.square(x, out=pdf)
    pdf *= np.float32(-0.5)
    np.exp(pdf, out=pdf)                  # exp(-x^2 / 2)
    poly *= pdf                           # -erfc(|x| / sqrt 2) / 2
    poly += np.float32(0.5)
    np.copysign(poly, x, out=poly)
    poly += np.float32(0.5)
    pdf *= np.float32(_INV_SQRT_2PI)


_AS_HALF = tuple(np.float32(-0.5 * c) for c in _AS_A)


def _erf(a: np.ndarray, complement: bool) -> np.ndarray:
    """erf(a), or erfc(a) with ``complement``, in a's float dtype."""
    xf = float_input(a)
    if xf.dtype != np.float64 and not complement:
        # float32/16 erf (GELU's hot path): the fast form is as exact as the dtype; erfc's
        # tail needs relative accuracy, so it keeps the float64 path
        return _erf_fast(xf, False).astype(xf.dtype, copy=False)
    x = np.clip(xf.astype(np.float64), -30.0, 30.0)
    ax = np.abs(x)
    small = ax < 2.0  # nan lands in neither region and stays nan
    big = ax >= 2.0
    if is_device_array(x):
        return _erf_everywhere(x, ax, small, big, complement).astype(xf.dtype, copy=False)
    out = np.full_like(x, np.nan)
    out[small] = _erf_series(x[small])
    tail = _erfc_cf(ax[big])                              # erfc(|x|)
    if complement:
        out[small] = 1.0 - out[small]
        out[big] = np.where(x[big] > 0, tail, 2.0 - tail)
    else:
        out[big] = np.copysign(1.0 - tail, x[big])
    return out.astype(float_input(a).dtype, copy=False)


def _erf_everywhere(x, ax, small, big, complement: bool):
    """:func:`_erf`'s two forms on a device: each evaluated on every element (on an input
    moved into its region) and picked per element, so no array's size depends on the data
    (a boolean selection would be read on the host)."""
    series = _erf_series(np.where(small, x, 0.0))
    tail = _erfc_cf(np.where(big, ax, 2.0))               # erfc(|x|)
    if complement:
        out = np.where(small, 1.0 - series, np.where(x > 0, tail, 2.0 - tail))
    else:
        out = np.where(small, series, np.copysign(1.0 - tail, x))
    return np.where(small | big, out, np.nan)


class Erf(Primitive):
    node_name = "ErfBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _erf(a, complement=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * exp(-(a * a)) * (2.0 / _SQRT_PI)


class Erfc(Primitive):
    node_name = "ErfcBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _erf(a, complement=True)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * exp(-(a * a)) * (-2.0 / _SQRT_PI)


def erf(input) -> Tensor:
    """The error function, ``2/sqrt(pi)`` times the integral of ``exp(-t^2)`` from 0."""
    return Erf._apply1(as_tensor_arg(input, "erf"))


def erfc(input) -> Tensor:
    """The complementary error function ``1 - erf(input)``, accurate for large inputs."""
    return Erfc._apply1(as_tensor_arg(input, "erfc"))


def _exp_sq(x: np.ndarray) -> np.ndarray:
    """exp(x*x) without the rounding error of x*x (see _exp_neg_sq)."""
    hi = np.floor(x * 64.0) / 64.0
    return np.exp(hi * hi) * np.exp((x - hi) * (x + hi))


def _erfcx(a: np.ndarray) -> np.ndarray:
    """exp(x^2) erfc(x) in a's float dtype: for x >= 2 straight from erfc's continued
    fraction, 1 / (sqrt(pi) (x + (1/2) / (x + 1 / (x + ...)))), which never overflows; for
    |x| < 2 exp(x^2) (1 - erf(x)); below, 2 exp(x^2) - erfcx(-x) (inf past x = -26.6)."""
    x = float_input(a).astype(np.float64)
    ax = np.abs(x)
    out = np.full_like(x, np.nan)
    big = ax >= 2
    small = ax < 2
    with np.errstate(over="ignore", invalid="ignore"):
        f = ax[big].copy()
        for k in range(60, 0, -1):
            f = ax[big] + (k / 2.0) / f
        tail = 1.0 / (_SQRT_PI * f)                        # erfcx(|x|)
        out[big] = np.where(x[big] > 0, tail, 2 * _exp_sq(x[big]) - tail)
        out[small] = _exp_sq(x[small]) * (1.0 - _erf_series(x[small]))
    out[x == -np.inf] = np.inf
    return out.astype(float_input(a).dtype, copy=False)


class Erfcx(Primitive):
    node_name = "SpecialErfcxBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.itemsize < 4 and is_float_np(a.dtype):   # float16, bfloat16
            raise NotImplementedError(f"\"erfcx_cpu\" not implemented for "
                                      f"'{_dt.scalar_type_name(a.dtype)}'")
        out = _erfcx(a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        return grad * (2 * a * out - 2 / _SQRT_PI)   # erfcx' = 2x erfcx(x) - 2/sqrt(pi)


def erfcx(input, *, out=None) -> Tensor:
    """The scaled complementary error function ``exp(input^2) erfc(input)``, which neither
    underflows for large inputs nor loses digits (inf below about -26.6)."""
    x = as_tensor_arg(input, "special_erfcx")
    return write_out("special_erfcx", Erfcx._apply1(x), out, (x,), differentiable=True)


def _erfinv(a: np.ndarray) -> np.ndarray:
    """erfinv in a's float dtype: Winitzki's closed form (~2e-3 relative) refined by
    Halley steps on erf(x) = |y| (on erfc(x) = 1 - |y| for |y| >= 0.5, where 1 - |y| is
    exact), which brings it to ~1e-14 relative."""
    y = float_input(a).astype(np.float64).reshape(-1)  # 1-D: 0-d math would give scalars
    ay = np.abs(y)
    x = _erfinv_positive(ay, 1.0 - ay)
    x[ay == 1] = np.inf
    x[ay > 1] = np.nan
    return np.copysign(x, y).astype(float_input(a).dtype, copy=False).reshape(a.shape)


def _erfinv_positive(ay: np.ndarray, comp: np.ndarray) -> np.ndarray:
    """x >= 0 with erf(x) = ay, given also comp = 1 - ay exactly (which ay cannot hold
    when comp is tiny: erfc's inverse far into the tail, as ndtri needs it)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ = np.log(comp) + np.log1p(ay)            # log(1 - ay^2), also for tiny comp
    t = 2 / (math.pi * 0.147) + log_ / 2
    x = np.sqrt(np.sqrt(t * t - log_ / 0.147) - t)
    tail = ay >= 0.5
    head = ~tail
    # (two steps reach 1e-14 down to comp ~ 1e-30; far in the tail the first guess is worse)
    for _ in range(4):
        f = np.empty_like(x)                       # erf(x) - |y|
        f[tail] = comp[tail] - _erf(x[tail], complement=True)
        f[head] = _erf(x[head], complement=False) - ay[head]
        d = 2 / _SQRT_PI * np.exp(-x * x)          # erf'(x); erf'' = -2x erf'
        x = x - f / (d + x * f)
    return x


class Erfinv(Primitive):
    node_name = "ErfinvBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        return _erfinv(a)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * exp(out * out) * (_SQRT_PI / 2)


def erfinv(input) -> Tensor:
    """The inverse of erf on (-1, 1) (+-inf at +-1, nan outside)."""
    return Erfinv._apply1(as_tensor_arg(input, "erfinv"))


# ---------------------------------------------------------------------------------------------
# The gamma family
#
# For x >= the threshold T, Stirling's asymptotic series (Bernoulli numbers B2..B16):
#   lgamma(x)  = (x - 1/2) ln x - x + ln(2 pi)/2 + sum B2k / (2k (2k-1) x^(2k-1))
#   digamma(x) = ln x - 1/(2x) - sum B2k / (2k x^2k)
#   polygamma(n, x) = (-1)^(n+1) [(n-1)!/x^n + n!/(2 x^(n+1))
#                                 + sum B2k (2k+n-1)! / ((2k)! x^(2k+n))]
# whose last term is below 1e-16 of the sum at T = 10 (T = 10 + n for polygamma). Smaller x
# are first shifted up by the recurrences (Gamma(x+1) = x Gamma(x), ...), and x < 1/2 is
# first reflected (Gamma(x) Gamma(1-x) = pi / sin(pi x), and its
# derivatives), with sin and tan of pi x taken after removing the nearest integer, so that
# the reduction is exact.
# Accuracy: ~1e-15 relative, except near lgamma's zeros (x = 1, 2), where it is ~1e-15
# absolute.
# ---------------------------------------------------------------------------------------------

_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_T = 10.0


def _as_f64(a: np.ndarray):
    """(a as a flat float64 array, a function casting a result back to a's shape and dtype)"""
    dt = float_input(a).dtype
    return (float_input(a).astype(np.float64).reshape(-1),
            lambda r: r.astype(dt, copy=False).reshape(a.shape))


def _frac_pi(x: np.ndarray) -> np.ndarray:
    """pi * (x - nearest integer): sin and tan of it equal those of pi x (up to sign)."""
    return math.pi * (x - np.round(x))


def _shift_up(x: np.ndarray, threshold: float, term=None):
    """(z, acc): z = x + m with m the smallest count that reaches ``threshold``, and acc the
    sum of term(x + k) over k < m, or with no term the product of the x + k. x >= 1/2 (or
    inf, nan), so there are at most ``threshold`` steps."""
    z = x.copy()
    acc = np.zeros_like(x) if term is not None else np.ones_like(x)
    for _ in range(int(threshold) + 1):
        low = z < threshold
        if not low.any():
            break
        if term is None:
            acc *= np.where(low, z, 1.0)
        else:
            acc += np.where(low, term(z), 0.0)
        z += low
    return z, acc


def _horner(coefs, t):
    """sum coefs[k] t**k."""
    s = coefs[-1]
    for c in coefs[-2::-1]:
        s = s * t + c
    return s


_LGAMMA_C = [b / ((2 * k + 2) * (2 * k + 1)) for k, b in enumerate(_B2K)]
_DIGAMMA_C = [b / (2 * k + 2) for k, b in enumerate(_B2K)]


def _lgamma(a: np.ndarray) -> np.ndarray:
    x, back = _as_f64(a)
    refl = x < 0.5
    z, prod = _shift_up(np.where(refl, 1.0 - x, x), _T)     # Gamma(x) = Gamma(z) / prod
    zi = 1.0 / z
    with np.errstate(invalid="ignore", divide="ignore"):    # inf - inf for x = inf
        out = ((z - 0.5) * np.log(z) - z + 0.5 * math.log(2 * math.pi)
               + zi * _horner(_LGAMMA_C, zi * zi) - np.log(prod))
    out[np.isposinf(z)] = np.inf
    out[(x == 1) | (x == 2)] = 0.0                          # exactly (the shift leaves 1e-15)
    if np.any(refl):
        xs = x[refl]
        with np.errstate(divide="ignore"):
            # log(pi / |sin(pi d)|) = -log|d| - log sinc(d) (d = x - nearest integer):
            # pi / sin overflows and pi * d loses digits for subnormal x
            d = xs - np.round(xs)
            out[refl] = -np.log(np.abs(d)) - np.log(np.sinc(d)) - out[refl]
        out[refl & np.isinf(x)] = np.inf                    # lgamma(-inf) = inf, as PyTorch
    return back(out)


def _psi_positive(n: int, x: np.ndarray) -> np.ndarray:
    """polygamma(n, x) for x >= 1/2 (or inf, nan): shift up to T, then the series."""
    if n == 0:
        z, shifted = _shift_up(x, _T, np.reciprocal)         # psi(x) = psi(x+1) - 1/x
        z2 = 1.0 / (z * z)
        with np.errstate(invalid="ignore"):
            return np.log(z) - 0.5 / z - z2 * _horner(_DIGAMMA_C, z2) - shifted
    fact_n = math.factorial(n)
    z, shifted = _shift_up(x, _T + n, lambda v: v ** -(n + 1.0))
    zi = 1.0 / z
    coefs = [b * math.factorial(2 * k + 2 + n - 1) / math.factorial(2 * k + 2)
             for k, b in enumerate(_B2K)]
    series = zi ** n * (math.factorial(n - 1) + 0.5 * fact_n * zi
                        + zi * zi * _horner(coefs, zi * zi))
    return (-1.0) ** (n + 1) * (series + fact_n * shifted)


def _cot_derivative(n: int) -> np.polynomial.Polynomial:
    """P with d^n/dx^n cot(pi x) = pi^n P(cot(pi x)): P_0(c) = c, P_k+1 = -(1 + c^2) P_k'."""
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        p = -(np.polynomial.Polynomial([1.0, 0.0, 1.0]) * p.deriv())
    return p


def _polygamma(n: int, a: np.ndarray) -> np.ndarray:
    x, back = _as_f64(a)
    refl = x < 0.5
    out = _psi_positive(n, np.where(refl, 1.0 - x, x))
    if np.any(refl):
        # psi_n(x) = (-1)^n psi_n(1 - x) - pi^(n+1) P_n(cot(pi x)), the reflection
        # psi(1-x) - psi(x) = pi cot(pi x) differentiated n times
        xs = x[refl]
        r = _frac_pi(xs)
        with np.errstate(divide="ignore", invalid="ignore"):
            cot = 1.0 / np.tan(r)
            # (Horner by hand: NumPy's Polynomial adds ``cot * 0``, nan for cot = +-inf)
            poly = _horner(list(_cot_derivative(n).coef), cot)
            val = (-1.0) ** n * out[refl] - math.pi ** (n + 1) * poly
        poles = r == 0                                   # x = 0, -1, -2, ... (as PyTorch)
        if n == 0:
            # digamma(+-0) = -+inf (the sign of the side it is approached from), as PyTorch
            val[poles] = np.where(xs[poles] == 0, np.copysign(np.inf, -xs[poles]), np.nan)
        else:
            val[poles] = (-1.0) ** (n + 1) * np.inf
        out[refl] = val
    if n >= 2:
        # PyTorch computes these through Hurwitz's zeta, which gives nan at +inf (the limit
        # is 0) and the sign of the pole at -inf; copied so that results agree everywhere
        out[np.isposinf(x)] = np.nan
        out[np.isneginf(x)] = (-1.0) ** (n + 1) * np.inf
    return back(out)


class Lgamma(Primitive):
    node_name = "LgammaBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _lgamma(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * digamma(a)


class Polygamma(Primitive):
    node_name = "PolygammaBackward0"  # DigammaBackward0 for n = 0

    @staticmethod
    def forward(ctx, a, n):
        ctx.n = n
        if n == 0:
            ctx.node_name = "DigammaBackward0"
        ctx.save_for_backward(a)
        return _polygamma(n, a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * polygamma(ctx.n + 1, a), None


def lgamma(input) -> Tensor:
    """``log |Gamma(input)|`` (inf at the poles 0, -1, -2, ...)."""
    return Lgamma._apply1(as_tensor_arg(input, "lgamma"))


def digamma(input) -> Tensor:
    """The derivative of lgamma, ``Gamma'(x) / Gamma(x)`` (-inf at 0, nan at -1, -2, ...)."""
    return Polygamma.apply(as_tensor_arg(input, "digamma"), 0)


def polygamma(n: int, input) -> Tensor:
    """The ``n``-th derivative of digamma (``polygamma(0, x)`` is digamma)."""
    n = int_arg(n, "polygamma", "n", 1)
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n (got {n!r})")
    return Polygamma.apply(as_tensor_arg(input, "polygamma"), int(n))


def mvlgamma(input, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``:
    ``p (p-1)/4 log(pi) + sum_j lgamma(input - j/2)`` (real for ``input > (p-1)/2``; as in
    PyTorch, other inputs are not refused)."""
    input = as_tensor_arg(input, "mvlgamma")
    if input._data.dtype == np.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor. (mvlgamma)")
    if p < 1:
        raise RuntimeError(f"mvlgamma: p has to be greater than or equal to 1 (got {p})")
    out = lgamma(input)
    for j in range(1, p):  # a loop over p (the dimension), not over elements
        out = out + lgamma(input - j / 2)
    return out + p * (p - 1) / 4 * math.log(math.pi)


# ---------------------------------------------------------------------------------------------
# Modified Bessel functions
# ---------------------------------------------------------------------------------------------

def bessel_i(x: np.ndarray, n: int, scaled: bool = False) -> np.ndarray:
    """I_n(x), n = 0 or 1, or (``scaled``) e^{-|x|} I_n(x), of a float64 array: the power
    series sum_k (x/2)^(2k+n) / (k! (k+n)!) (positive terms, no cancellation) below |x| = 30,
    beyond it the asymptotic series e^{-x} I_n(x) = sum_k (-1)^k a_k(n) / x^k / sqrt(2 pi x)
    (A&S 9.7.1), whose omitted part (e^{-2x} relative) and 20th term are below 1e-17 there."""
    ax = np.abs(x)
    big = ax >= 30
    small_x = np.where(big, 0.0, ax)
    q = small_x * small_x / 4
    term = (small_x / 2) ** n / math.factorial(n)
    series = term.copy()
    for k in range(1, 90):                    # (q^k / (k! (k+n)!) < 1e-17 I_n at x = 30)
        term = term * q / (k * (k + n))
        series += term
    tail = np.where(big, ax, 30.0)
    term, asym = np.ones_like(x), np.ones_like(x)
    for k in range(1, 21):
        term = term * -((4 * n * n - (2 * k - 1) ** 2) / (8 * k)) / tail
        asym += term
    asym /= np.sqrt(2 * np.pi * tail)
    with np.errstate(over="ignore", invalid="ignore"):
        if scaled:
            out = np.where(big, asym, series * np.exp(-ax))
        else:
            # (past |x| ~ 713 e^x overflows: inf, as I_n(x) is; nan at +-inf)
            out = np.where(big, asym * np.exp(np.where(big, ax, 0.0)), series)
            out = np.where(np.isinf(ax), np.nan, out)
    return np.sign(x) * out if n == 1 else out


class _BesselI(Primitive):
    """The modified Bessel functions I_n(x), n = 0 or 1, and (``scaled``) e^{-|x|} I_n(x): a
    primitive because NumPy has no vectorised I_1 (see ``bessel_i``)."""

    node_name = "I0Backward0"
    _NAMES = {(0, False): "I0Backward0", (1, False): "SpecialI1Backward0",
              (0, True): "SpecialI0EBackward0", (1, True): "SpecialI1EBackward0"}

    @staticmethod
    def forward(ctx, a, n, scaled=False):
        ctx.n, ctx.scaled = n, scaled
        ctx.node_name = _BesselI._NAMES[n, scaled]
        ctx.save_for_backward(a)
        x = float_input(a)
        return as_array(bessel_i(x.astype(np.float64), n, scaled).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        n, scaled = ctx.n, ctx.scaled
        if n == 0:  # I0' = I1
            d = _BesselI.apply(a, n=1, scaled=scaled)
        else:  # I1' = I0 - I1 / x, whose limit at 0 is 1/2
            # 1/2 for |x| <= eps, as PyTorch: I1(x) / x loses all precision for a subnormal
            # x (1 or 0 in float32); a nan x keeps its nan (PyTorch gives 1/2 there too)
            eps = float(np.finfo(a._data.dtype).eps)
            tiny = Tensor._make(as_array(np.abs(a._data) <= eps))
            safe = where(tiny, eps, a)
            d = _BesselI.apply(a, n=0, scaled=scaled) - _BesselI.apply(safe, n=1,
                                                                       scaled=scaled) / safe
            if scaled:  # (e^{-|x|} I_1)' = e^{-|x|} I_1' - sign(x) e^{-|x|} I_1
                d = d - sign(a) * _BesselI.apply(a, n=1, scaled=True)
            # (the constant 1/2 covers the sign term too, so the second derivative is 0 for
            # |x| <= eps in both, as PyTorch's)
            return grad * where(tiny, 0.5, d)
        if scaled:  # (e^{-|x|} I_0)' = e^{-|x|} I_1 - sign(x) e^{-|x|} I_0
            d = d - sign(a) * _BesselI.apply(a, n=0, scaled=True)
        return grad * d


def i0(input) -> Tensor:
    """The modified Bessel function of the first kind of order 0."""
    return _BesselI.apply(as_tensor_arg(input, "i0"), n=0)


# ---------------------------------------------------------------------------------------------
# Functions PyTorch has only under torch.special: ndtr, log_ndtr, ndtri, entr, xlog1py, i0e, i1, i1e
# ---------------------------------------------------------------------------------------------

def _float(x: Tensor) -> Tensor:
    """Integer inputs compute in the default float dtype, as PyTorch."""
    return x if is_float_np(x._data.dtype) else x.to(_dt.get_default_dtype())


def ndtr(input) -> Tensor:
    """The standard normal CDF ``(1 + erf(x / sqrt(2))) / 2``."""
    x = _float(as_tensor_arg(input, "ndtr"))
    return 0.5 * erfc(x * -math.sqrt(0.5))


def log_ndtr(input) -> Tensor:
    """``log(ndtr(x))``, accurate far into the left tail (an asymptotic series below -10,
    where the CDF itself underflows)."""
    x = _float(as_tensor_arg(input, "log_ndtr"))
    # float32 switches to the series at -8.5 (its error there, 7e-8, is below float32's
    # rounding): log(ndtr(x))'s second derivative divides by ndtr(x) ** 2, which underflows
    # to 0 in float32 below about -9 (an inf second derivative)
    tail = x < (-10.0 if x._data.dtype == np.float64 else -8.5)
    xt = where(tail, x, -10.0)
    z = 1 / (xt * xt)
    # log(phi(x) / -x) + log(1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8 - 945/x^10)
    series = 1 + z * (-1 + z * (3 + z * (-15 + z * (105 - 945 * z))))
    asym = -0.5 * xt * xt - log(-xt) - 0.5 * math.log(2 * math.pi) + log(series)
    xc = where(tail, 0.0, x)
    return where(tail, asym, log(ndtr(xc)))


class _Ndtri(Primitive):
    node_name = "SpecialNdtriBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        p = a.astype(np.float64).reshape(-1)
        # p < 1/2 through erfc's inverse of 2p: 2p - 1 would round p below 1e-17 to -1
        low = p < 0.5
        q = np.where(low, 2 * p, 2 * p - 1)        # both exact
        x = _erfinv_positive(np.where(low, 1 - q, q), np.where(low, q, 1 - q))
        x = np.where(low, -x, x) * math.sqrt(2)
        x[p == 0], x[p == 1] = -np.inf, np.inf
        x[(p < 0) | (p > 1) | np.isnan(p)] = np.nan
        return x.astype(a.dtype, copy=False).reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * exp(out * out / 2) * math.sqrt(2 * math.pi)


def ndtri(input) -> Tensor:
    """The inverse of ``ndtr`` (-inf at 0, inf at 1, nan outside [0, 1])."""
    return _Ndtri._apply1(_float(as_tensor_arg(input, "ndtri")))


class _Entr(Primitive):
    node_name = "SpecialEntrBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = -x * np.log(np.where(x > 0, x, x.dtype.type(1)))
        out = np.where(x > 0, inside, np.where(x == 0, x.dtype.type(0), x.dtype.type(-np.inf)))
        return np.where(np.isnan(x), x, out)            # entr(nan) is nan

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        # -(log x + 1) everywhere, as PyTorch: inf at 0, nan below 0 and at nan
        return grad * -(log(x) + 1)


def entr(input) -> Tensor:
    """``-x log(x)`` for x > 0, 0 at 0, -inf below (nan at nan)."""
    return _Entr._apply1(_float(as_tensor_arg(input, "entr")))


class _Xlog1py(Primitive):
    node_name = "SpecialXlog1PyBackward0"

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        out = as_array(x * np.log1p(y))
        # 0 * log1p(y) is 0 here (the limit, also for y <= -1), but a nan y stays nan
        return np.where((x == 0) & ~np.isnan(y), out.dtype.type(0), out)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        # as PyTorch: d/dx is log1p(y) (even at x == 0), but 0 where x == 0 and y <= -1
        gx = where((x == 0) & (y <= -1), 0.0, xlog1py(grad, y)) if need_x else None
        return gx, (grad * x / (y + 1) if need_y else None)


def xlog1py(input, other) -> Tensor:
    """``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is nan)."""
    x, y = as_operand(input, "xlog1py"), as_operand(other, "xlog1py")
    x = as_tensor(x) if not isinstance(x, Tensor) else x
    y = as_tensor(y) if not isinstance(y, Tensor) else y
    check_broadcast("xlog1py", x._data, y._data)
    dt = _dt.result_type(x._data, y._data)  # integers compute in the default float dtype
    dt = _dt.from_numpy_dtype(dt) if is_float_np(dt) else _dt.get_default_dtype()
    return _Xlog1py.apply(x.to(dt), y.to(dt))


def i0e(input) -> Tensor:
    """The exponentially scaled Bessel function ``exp(-|x|) I0(x)`` (never overflows)."""
    return _BesselI.apply(as_tensor_arg(input, "i0e"), n=0, scaled=True)


def i1(input) -> Tensor:
    """The modified Bessel function of the first kind of order 1."""
    return _BesselI.apply(as_tensor_arg(input, "i1"), n=1)


def i1e(input) -> Tensor:
    """``exp(-|x|) I1(x)``."""
    return _BesselI.apply(as_tensor_arg(input, "i1e"), n=1, scaled=True)
