"""The Bessel functions of ``torch.special``: J0, J1, Y0, Y1, the modified I0, I1, K0, K1 (and
K0, K1 scaled by e^x), the spherical j0 and the Airy function Ai.

NumPy has none of them, and npgrad does not depend on SciPy: each is computed in float64 from
classical expansions (Abramowitz & Stegun ch. 9 and 10, DLMF ch. 9 and 10), then cast back:

* J and Y, |x| < 1: their power series. 1 <= |x| < 25: Miller's backward recurrence
  J_{v+k-1} = 2(v+k)/x J_{v+k} - J_{v+k+1} from order v + 80, normalised by
  sum_k (v+2k) Gamma(v+k)/k! J_{v+2k}(x) = (x/2)^v (for v = 0: J0 + 2 J2 + 2 J4 + ... = 1),
  and Y0, Y1 from Neumann's series in the J_k. |x| >= 25: Hankel's asymptotic expansion,
  whose smallest term there is below 1e-17.
* K_v, x <= 2: the power series (with I_v's). 2 < x < 25: K_v(x) e^x is the integral over
  t > 0 of exp(-x (cosh t - 1)) cosh(vt), a double-exponentially decaying integrand whose
  trapezoid sum converges geometrically (step 0.1, to 1e-16 for x < 25). x >= 25: the
  asymptotic series in 1/x.
* Ai: its Maclaurin series for -2 <= x <= 1; Ai(x) = sqrt(x/3) K_{1/3}(z) / pi for x > 1 and
  Ai(-x) = sqrt(x) (J_{1/3}(z) + J_{-1/3}(z)) / 3 for x > 2, z = 2/3 x^{3/2}, with the above.
* I0, I1: the trapezoid rule of ``special.bessel_i`` (shared with torch.i0 and special.i1).

Accuracy: about 1e-15 relative, absolute near the zeros of the oscillating functions (PyTorch's
Cephes kernels are relative there; both are far below float32's resolution). Special values
are PyTorch's (nan at +-inf for J, Y, I and Ai; K is inf at 0 and nan below 0; ...).

None of them is differentiable in PyTorch (their results never require grad), nor here.
"""
from __future__ import annotations

import math

import numpy as np

from .._arguments import Tensor
from ._special_calls import result, unary_input, write_out
from .special import bessel_i

__all__ = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0",
           "airy_ai"]

_EULER = 0.57721566490153286061
_TWO_PI = 2.0 / math.pi
_SERIES_TERMS = 30


# ---------------------------------------------------------------------------------------------
# J and Y
# ---------------------------------------------------------------------------------------------

def _series_j_y(x: np.ndarray):
    """(J0, J1, Y0, Y1) of 0 < x < 1 by their power series (A&S 9.1.10, 9.1.13, 9.1.11)."""
    q = -x * x / 4
    term0, term1 = np.ones_like(x), np.ones_like(x)   # q^k/(k!)^2, q^k/(k!(k+1)!)
    j0, j1 = term0.copy(), term1.copy()
    y0_sum = np.zeros_like(x)                          # sum_{k>=1} H_k q^k/(k!)^2
    y1_sum = (1 - 2 * _EULER) * term1                  # (psi(k+1) + psi(k+2)) q^k/(k!(k+1)!)
    h = 0.0
    for k in range(1, _SERIES_TERMS):
        term0 = term0 * q / (k * k)
        term1 = term1 * q / (k * (k + 1))
        h += 1.0 / k
        j0 += term0
        j1 += term1
        y0_sum += h * term0
        y1_sum += (-2 * _EULER + 2 * h + 1.0 / (k + 1)) * term1
    j1 *= x / 2
    log = np.log(x / 2)
    y0 = _TWO_PI * ((log + _EULER) * j0 - y0_sum)
    y1 = -_TWO_PI / x + _TWO_PI * log * j1 - (x / 2) * y1_sum / math.pi
    return j0, j1, y0, y1


_MILLER_ORDER = 80


def _miller(x: np.ndarray, nu: float, weights: tuple = ()) -> tuple:
    """(J_nu(x), J_{nu+1}(x), sum_k w[k] J_{nu+k}(x) for each w in ``weights``) of
    1 <= x < 25 (nu = 0 or +-1/3) by Miller's backward recurrence from order nu + 80,
    normalised by sum_k (nu+2k) Gamma(nu+k)/k! J_{nu+2k}(x) = (x/2)^nu. The sums are
    accumulated on the way down (nothing of size 80 x n is kept)."""
    m = _MILLER_ORDER
    # c_k = (nu+2k) Gamma(nu+k) / k!: c_0 = Gamma(nu+1), c_k = (nu+2k) g_k, g_k = g_{k-1}(nu+k-1)/k
    norm_w = np.zeros(m + 1)
    g = math.gamma(nu + 1)
    norm_w[0] = g
    for k in range(1, m // 2 + 1):
        if k > 1:
            g *= (nu + k - 1) / k
        norm_w[2 * k] = (nu + 2 * k) * g
    above, here = np.zeros_like(x), np.full_like(x, 1e-200)   # b_{m+1}, b_m
    # (1e-200: small enough that J_nu / J_{nu+80} (< 1e180 for these x) cannot overflow)
    sums = [w[m] * here for w in (norm_w,) + weights]
    for k in range(m, 0, -1):
        above, here = here, (2 * (nu + k) / x) * here - above    # b_{k-1}
        for acc, w in zip(sums, (norm_w,) + weights):
            if w[k - 1]:
                acc += w[k - 1] * here
    scale = (x / 2) ** nu / sums[0]
    return (here * scale, above * scale) + tuple(acc * scale for acc in sums[1:])


# Neumann's series (A&S 9.1.88) and its derivative as weights of the J_k:
# Y0 = (2/pi) [(ln(x/2) + gamma) J0 - 2 sum_{k>=1} (-1)^k J_2k / k],
# Y1 = -Y0' = (2/pi) [(ln(x/2) + gamma) J1 - J0/x + sum_{k>=1} (-1)^k (J_{2k-1} - J_{2k+1}) / k]
_NEUMANN_Y0 = np.zeros(_MILLER_ORDER + 1)
_NEUMANN_Y1 = np.zeros(_MILLER_ORDER + 1)
for _k in range(1, _MILLER_ORDER // 2):
    _NEUMANN_Y0[2 * _k] = (-1) ** _k / _k
    _NEUMANN_Y1[2 * _k - 1] += (-1) ** _k / _k
    _NEUMANN_Y1[2 * _k + 1] -= (-1) ** _k / _k


def _miller_j_y(x: np.ndarray):
    """(J0, J1, Y0, Y1) of 1 <= x < 25: Miller's J_k and Neumann's series."""
    j0, j1, n0, n1 = _miller(x, 0.0, (_NEUMANN_Y0, _NEUMANN_Y1))
    log = np.log(x / 2) + _EULER
    y0 = _TWO_PI * (log * j0 - 2 * n0)
    y1 = _TWO_PI * (log * j1 - j0 / x + n1)
    return j0, j1, y0, y1


_HANKEL_TERMS = 26


def _hankel(x: np.ndarray, nu: float):
    """(J_nu, Y_nu) of x >= 25 by Hankel's expansion (A&S 9.2.5-10): sqrt(2/(pi x)) times
    P cos(chi) - Q sin(chi) and P sin(chi) + Q cos(chi), chi = x - (nu/2 + 1/4) pi."""
    mu = 4 * nu * nu
    p, q = np.ones_like(x), np.zeros_like(x)
    term = np.ones_like(x)
    for k in range(1, _HANKEL_TERMS):
        term = term * ((mu - (2 * k - 1) ** 2) / (8 * k)) / x    # a_k(nu) / x^k
        sign = 1.0 if (k // 2) % 2 == 0 else -1.0
        if k % 2:
            q += sign * term
        else:
            p += sign * term
    phase = (nu / 2 + 0.25) * math.pi
    c, s = np.cos(x), np.sin(x)
    cos_chi = c * math.cos(phase) + s * math.sin(phase)
    sin_chi = s * math.cos(phase) - c * math.sin(phase)
    amp = np.sqrt(_TWO_PI / x)
    return amp * (p * cos_chi - q * sin_chi), amp * (p * sin_chi + q * cos_chi)


def _j_y(ax: np.ndarray):
    """(J0, J1, Y0, Y1) of |x| (float64, > 0 and finite), by region."""
    outs = [np.empty_like(ax) for _ in range(4)]
    small, big = ax < 1, ax >= 25
    mid = ~small & ~big
    for mask, fn in ((small, _series_j_y), (mid, _miller_j_y)):
        if mask.any():
            for o, v in zip(outs, fn(ax[mask])):
                o[mask] = v
    if big.any():
        (outs[0][big], outs[2][big]), (outs[1][big], outs[3][big]) = (
            _hankel(ax[big], 0.0), _hankel(ax[big], 1.0))
    return outs


def _bessel_jy(x: np.ndarray, which: int) -> np.ndarray:
    """J0 (which=0), J1, Y0, Y1 of a float64 array, with PyTorch's special values."""
    ax = np.abs(x)
    ok = (ax > 0) & np.isfinite(ax)
    out = np.full_like(x, np.nan)
    if ok.any():
        out[ok] = _j_y(ax[ok])[which]
    if which == 0:
        out[x == 0] = 1.0
    elif which == 1:
        out = np.where(x < 0, -out, out)
        out[x == 0] = x[x == 0]          # J1(+-0) = +-0
    else:
        out[x < 0] = np.nan
        out[x == 0] = -np.inf
    return out


# ---------------------------------------------------------------------------------------------
# K (and the scaled K)
# ---------------------------------------------------------------------------------------------

def _series_k(x: np.ndarray):
    """(K0, K1) of 0 < x <= 2 (A&S 9.6.13, 9.6.11 with n = 1)."""
    q = x * x / 4
    term0, term1 = np.ones_like(x), np.ones_like(x)   # q^k/(k!)^2, q^k/(k!(k+1)!)
    i0, i1 = term0.copy(), term1.copy()
    k0_sum = np.zeros_like(x)                          # sum H_k q^k/(k!)^2
    k1_sum = (1 - 2 * _EULER) * term1                  # (psi(k+1) + psi(k+2)) q^k/(k!(k+1)!)
    h = 0.0
    for k in range(1, _SERIES_TERMS):
        term0 = term0 * q / (k * k)
        term1 = term1 * q / (k * (k + 1))
        h += 1.0 / k
        i0 += term0
        i1 += term1
        k0_sum += h * term0
        k1_sum += (-2 * _EULER + 2 * h + 1.0 / (k + 1)) * term1
    i1 *= x / 2
    log = np.log(x / 2)
    k0 = -(log + _EULER) * i0 + k0_sum
    k1 = 1 / x + log * i1 - (x / 4) * k1_sum
    return k0, k1


_K_STEP = 0.1
_K_NODES = np.arange(61) * _K_STEP        # t in [0, 6]
_K_WEIGHTS = np.full(61, _K_STEP)
_K_WEIGHTS[0] = _K_STEP / 2


def _k_scaled_trapezoid(x: np.ndarray, nu: float) -> np.ndarray:
    """K_nu(x) e^x for 0.5 <= x < 25 (|nu| <= 1): the trapezoid sum of
    int_0^inf exp(-2x sinh(t/2)^2) cosh(nu t) dt (the integrand is below 1e-17 past t = 6)."""
    total = np.zeros_like(x)
    for t, w in zip(_K_NODES, _K_WEIGHTS):
        sh = math.sinh(t / 2)
        total += np.exp(-2 * sh * sh * x) * (w * math.cosh(nu * t))
    return total


def _k_scaled_asymptotic(x: np.ndarray, nu: float) -> np.ndarray:
    """K_nu(x) e^x for x >= 25: sqrt(pi/(2x)) sum_k a_k(nu) / x^k (A&S 9.7.2)."""
    mu = 4 * nu * nu
    s, term = np.ones_like(x), np.ones_like(x)
    for k in range(1, _HANKEL_TERMS):
        term = term * ((mu - (2 * k - 1) ** 2) / (8 * k)) / x
        s += term
    return np.sqrt(math.pi / (2 * x)) * s


def _bessel_k(x: np.ndarray, n: int, scaled: bool) -> np.ndarray:
    """K_n(x) (n = 0, 1) of a float64 array, or K_n(x) e^x, with PyTorch's special values."""
    out = np.full_like(x, np.nan)
    small = (x > 0) & (x <= 2)
    mid = (x > 2) & (x < 25)
    big = (x >= 25) & np.isfinite(x)
    if small.any():
        xs = x[small]
        out[small] = _series_k(xs)[n] * (np.exp(xs) if scaled else 1.0)
    for mask, fn in ((mid, _k_scaled_trapezoid), (big, _k_scaled_asymptotic)):
        if mask.any():
            xs = x[mask]
            out[mask] = fn(xs, float(n)) * (1.0 if scaled else np.exp(-xs))
    out[x == 0] = np.inf
    out[x == np.inf] = 0.0
    return out


# ---------------------------------------------------------------------------------------------
# Airy Ai
# ---------------------------------------------------------------------------------------------

_AI0 = 0.355028053887817239260063186004     # Ai(0) = 1 / (3^(2/3) Gamma(2/3))
_AIP0 = 0.258819403792806798405183560189    # -Ai'(0) = 1 / (3^(1/3) Gamma(1/3))


def _airy_series(x: np.ndarray) -> np.ndarray:
    """Ai(x) = Ai(0) f(x) + Ai'(0) g(x) with f = 1 + x^3/3! + 1*4 x^6/6! + ...,
    g = x + 2 x^4/4! + 2*5 x^7/7! + ... (A&S 10.4.2), for |x| <= 2."""
    x3 = x * x * x
    f, g = np.ones_like(x), x.copy()
    tf, tg = f.copy(), g.copy()
    for k in range(1, _SERIES_TERMS):
        tf = tf * x3 / ((3 * k - 1) * (3 * k))
        tg = tg * x3 / ((3 * k) * (3 * k + 1))
        f += tf
        g += tg
    return _AI0 * f - _AIP0 * g


def _airy_positive(x: np.ndarray) -> np.ndarray:
    """Ai(x) = sqrt(x/3) K_{1/3}(z) / pi, z = 2/3 x^{3/2}, for x > 1 (z > 2/3)."""
    z = 2.0 / 3.0 * x * np.sqrt(x)
    ks = np.where(z < 25, _k_scaled_trapezoid(np.minimum(z, 25), 1 / 3),
                  _k_scaled_asymptotic(np.maximum(z, 25), 1 / 3))
    return np.sqrt(x / 3) / math.pi * ks * np.exp(-z)


def _airy_negative(ax: np.ndarray) -> np.ndarray:
    """Ai(-ax) = sqrt(ax) (J_{1/3}(z) + J_{-1/3}(z)) / 3, z = 2/3 ax^{3/2}, for ax > 2."""
    z = 2.0 / 3.0 * ax * np.sqrt(ax)
    out = np.empty_like(ax)
    mid, big = z < 25, z >= 25
    if mid.any():
        out[mid] = _miller(z[mid], 1 / 3)[0] + _miller(z[mid], -1 / 3)[0]
    if big.any():
        out[big] = _hankel(z[big], 1 / 3)[0] + _hankel(z[big], -1 / 3)[0]
    return np.sqrt(ax) / 3 * out


def _airy_ai(x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, np.nan)          # nan, and +-inf (as PyTorch)
    for mask, fn in (((x >= -2) & (x <= 1), _airy_series),
                     ((x > 1) & (x < np.inf), _airy_positive),
                     ((x < -2) & (x > -np.inf), lambda v: _airy_negative(-v))):
        if mask.any():
            out[mask] = fn(x[mask])
    return out


# ---------------------------------------------------------------------------------------------
# The functions
# ---------------------------------------------------------------------------------------------

def _spherical_j0(x: np.ndarray) -> np.ndarray:
    """sin(x)/x (its Taylor polynomial below 0.5, where the division loses digits; 0 at
    +-inf), as PyTorch."""
    x2 = x * x
    poly = 1 / 6227020800.0
    for c in (-1 / 39916800.0, 1 / 362880.0, -1 / 5040.0, 1 / 120.0, -1 / 6.0, 1.0):
        poly = poly * x2 + c
    with np.errstate(invalid="ignore"):
        out = np.where(np.abs(x) < 0.5, poly, np.sin(x) / np.where(x == 0, 1.0, x))
    return np.where(np.isinf(x), 0.0, out)


# PyTorch computes float32 in float32, where some intermediate values over- or underflow
# that float64 keeps; npgrad computes in float64 and gives PyTorch's results at those points:

def _float32_k(at_zero: float):
    """K: log(x / 2) is log(0) = -inf when x / 2 underflows (x = float32's smallest
    subnormal), which makes K1 nan and the scaled K0 inf (``at_zero``)."""
    def fix(value, x):
        return np.where((x > 0) & (x * np.float32(0.5) == 0), at_zero, value)
    return fix


def _float32_i(value, x):
    """I0, I1: exp(|x|) overflows past |x| = 88.72 (inf even where I(x) itself would fit)."""
    with np.errstate(over="ignore"):
        overflow = np.isinf(np.exp(np.abs(x)))
    return np.where(overflow & ~np.isinf(x), np.copysign(np.inf, value), value)


def _float32_airy(value, x):
    """Ai: 2 |x|^(3/2) / 3 overflows for x < -3.07e25, and its sine is nan."""
    with np.errstate(over="ignore", invalid="ignore"):
        overflow = np.isinf(np.float32(2) * -x * np.sqrt(-x))
    return np.where((x < 0) & overflow, np.nan, value)


def _unary(name: str, kernel, doc: str, float32_fix=None):
    def op(input, *, out=None) -> Tensor:
        _, x = unary_input(name, input)
        value = kernel(x.astype(np.float64))
        if float32_fix is not None and x.dtype == np.float32:
            value = float32_fix(value, x)
        value = result(value, x.dtype)
        return write_out(f"special_{name}", value, out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc + "\n\nIntegers compute in the default float dtype. Not differentiable " \
                       "(as in PyTorch)."
    return op


bessel_j0 = _unary("bessel_j0", lambda x: _bessel_jy(x, 0),
                   "The Bessel function of the first kind of order 0, J0(input).")
bessel_j1 = _unary("bessel_j1", lambda x: _bessel_jy(x, 1),
                   "The Bessel function of the first kind of order 1, J1(input).")
bessel_y0 = _unary("bessel_y0", lambda x: _bessel_jy(x, 2),
                   "The Bessel function of the second kind of order 0, Y0(input) (-inf at 0, "
                   "nan below).")
bessel_y1 = _unary("bessel_y1", lambda x: _bessel_jy(x, 3),
                   "The Bessel function of the second kind of order 1, Y1(input) (-inf at 0, "
                   "nan below).")
modified_bessel_i0 = _unary(
    "modified_bessel_i0", lambda x: np.where(np.isinf(x), np.nan, bessel_i(x, 0)),
    "The modified Bessel function of the first kind of order 0, I0(input) (nan at +-inf, as "
    "PyTorch's; ``torch.i0`` gives inf there).", float32_fix=_float32_i)
modified_bessel_i1 = _unary(
    "modified_bessel_i1", lambda x: np.where(np.isinf(x), np.nan, bessel_i(x, 1)),
    "The modified Bessel function of the first kind of order 1, I1(input) (nan at +-inf).",
    float32_fix=_float32_i)
modified_bessel_k0 = _unary(
    "modified_bessel_k0", lambda x: _bessel_k(x, 0, False),
    "The modified Bessel function of the second kind of order 0, K0(input) (inf at 0, nan "
    "below).")
modified_bessel_k1 = _unary(
    "modified_bessel_k1", lambda x: _bessel_k(x, 1, False),
    "The modified Bessel function of the second kind of order 1, K1(input) (inf at 0, nan "
    "below).", float32_fix=_float32_k(np.nan))
scaled_modified_bessel_k0 = _unary(
    "scaled_modified_bessel_k0", lambda x: _bessel_k(x, 0, True),
    "``exp(input) K0(input)``, which neither underflows nor overflows for large inputs.",
    float32_fix=_float32_k(np.inf))
scaled_modified_bessel_k1 = _unary(
    "scaled_modified_bessel_k1", lambda x: _bessel_k(x, 1, True),
    "``exp(input) K1(input)``, which neither underflows nor overflows for large inputs.",
    float32_fix=_float32_k(np.nan))
spherical_bessel_j0 = _unary("spherical_bessel_j0", _spherical_j0,
                             "The spherical Bessel function of the first kind of order 0, "
                             "sin(input) / input.")
airy_ai = _unary("airy_ai", _airy_ai, "The Airy function Ai(input) (nan at +-inf, as PyTorch).",
                 float32_fix=_float32_airy)
