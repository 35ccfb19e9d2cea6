"""The two-argument members of the gamma family: the regularized incomplete gamma functions
``igamma`` (P, ``special.gammainc``) and ``igammac`` (Q = 1 - P, ``special.gammaincc``), and
the Hurwitz zeta function ``special.zeta``. Computed in float64 (then cast back), with no
SciPy:

* P(a, x) and Q(a, x) share the factor x^a e^-x / Gamma(a). For a < 10 it is the exponential
  of a log x - x - lgamma(a); for larger a that difference of large numbers would lose
  digits, so it is rewritten with Stirling's series mu(a) = lgamma(a) - (a - 1/2) log a + a -
  log(2 pi)/2 as exp(-a D(x/a) - mu(a)) sqrt(a / (2 pi)), D(t) = t - 1 - log t (by its
  series near t = 1). Then the series P = factor / a * sum_n x^n / ((a+1)...(a+n)) for
  x < a + 1, and Legendre's continued fraction for Q (modified Lentz) beyond; the other is
  1 minus it, except Q for a < 1, x <= 1.5, where 1 - P would cancel: there
  Q = -expm1(a log x - lgamma(a+1)) - x^a / Gamma(a) sum_{n>=1} (-x)^n / (n! (a+n))
  (DLMF 8.7.3). Both need about sqrt(a) terms near x = a: fast up to a ~ 1e7.
* zeta(x, q) = sum_k (q+k)^-x: the first terms directly (at least 10, until q + k > 9), then
  the Euler-Maclaurin tail w^(1-x)/(x-1) + w^-x/2 + sum_j B_2j/(2j)! x(x+1)...(x+2j-2)
  w^(-x-2j+1), 12 terms at most, each sum stopping at the first term below 1.1e-16 of the
  total, where PyTorch's kernel stops (so that its results at the edges, nan for
  zeta(inf, 2)..., are npgrad's too).

Special values are PyTorch's (P(a, 0) = 0 even for a = nan, P(0, x > 0) = 1, P(inf, x) = 0,
zeta(x < 1) = nan, zeta(1) = inf, inf at q = 0, -1, -2 ...).

Gradients, as PyTorch: with respect to ``other`` only; d/dx P = x^(a-1) e^-x / Gamma(a) and
d/dq zeta(x, q) = -x zeta(x+1, q). Backward through ``input`` raises NotImplementedError.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ...autograd.function import Primitive
from .._arguments import Tensor
from ._special_calls import float_operands, operands, write_out
from .special import _LGAMMA_C, _horner, _lgamma, lgamma
from .unary import exp, log

__all__ = ["igamma", "igammac", "gammainc", "gammaincc", "zeta"]

_EPS = 1.11022302462515654042e-16   # 2^-53
_MAX_TERMS = 100000                 # (about sqrt(a) are needed near x = a: a up to ~1e9)


# ---------------------------------------------------------------------------------------------
# The incomplete gamma functions
# ---------------------------------------------------------------------------------------------

def _log1pmx_neg(u: np.ndarray) -> np.ndarray:
    """u - log(1 + u) >= 0, by its series u^2/2 - u^3/3 + ... for |u| < 0.1 (where the
    difference would cancel)."""
    small = np.abs(u) < 0.1
    us = np.where(small, u, 0.0)
    series = np.zeros_like(u)
    for k in range(17, 1, -1):
        series = series * us + (-1.0) ** k / k
    series = series * us * us
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = u - np.log1p(u)
    return np.where(small, series, direct)


def _prefactor(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x^a e^-x / Gamma(a) for a > 0, x > 0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = np.exp(a * np.log(x) - x - _lgamma(a))
        big = np.where(a >= 10, a, 10.0)
        zi = 1.0 / big
        mu = zi * _horner(_LGAMMA_C, zi * zi)
        stirling = np.exp(-big * _log1pmx_neg((x - big) / big) - mu) * np.sqrt(big / (2 * np.pi))
    return np.where(a >= 10, stirling, direct)


def _lower_series(a: np.ndarray, x: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """P(a, x) = factor / a * sum_n x^n / ((a+1)...(a+n)), summed while terms count."""
    total, term = np.ones_like(x), np.ones_like(x)
    live = np.ones_like(x, dtype=bool)
    n = 0
    while live.any() and n < _MAX_TERMS:
        n += 1
        term = np.where(live, term * x / (a + n), term)
        total = np.where(live, total + term, total)
        live &= term > _EPS * total
    return factor / a * total


def _upper_fraction(a: np.ndarray, x: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Q(a, x) = factor / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...)))
    by the modified Lentz method (for x >= a + 1, where it converges quickly)."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full_like(x, 1 / tiny)
    d = 1 / b
    h = d.copy()
    live = np.ones_like(x, dtype=bool)
    n = 0
    while live.any() and n < _MAX_TERMS:
        n += 1
        an = -n * (n - a)
        b = b + 2
        dn = an * d + b
        dn = np.where(np.abs(dn) < tiny, tiny, dn)
        cn = b + an / c
        cn = np.where(np.abs(cn) < tiny, tiny, cn)
        dn = 1 / dn
        delta = dn * cn
        h = np.where(live, h * delta, h)
        d, c = np.where(live, dn, d), np.where(live, cn, c)
        live &= np.abs(delta - 1) > _EPS
    return factor * h


def _upper_small_a(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) for a < 1, x <= 1.5 (DLMF 8.7.3), without the cancellation of 1 - P."""
    total, term = np.zeros_like(x), np.ones_like(x)
    for n in range(1, 60):     # (x <= 1.5: 1.5^60 / 60! is far below 1e-17)
        term = term * -x / n
        total += term / (a + n)
    logx = np.log(x)
    lg1 = _lgamma1p(a)                       # lgamma(a + 1); lgamma(a) = lgamma(a + 1) - log a
    return -np.expm1(a * logx - lg1) - np.exp(a * logx - lg1 + np.log(a)) * total


def _lgamma1p(a: np.ndarray) -> np.ndarray:
    """lgamma(1 + a) for 0 < a < 1, to ~1e-16 relative: the Taylor series
    -gamma a + sum_k (-1)^k zeta(k) a^k / k below 0.2 (lgamma's own error near its zero at 1
    is ~1e-15 absolute, large next to lgamma(1 + a) ~ -0.58 a)."""
    small = a < 0.2
    t = np.where(small, a, 0.0)
    series = np.zeros_like(a)
    for k in range(len(_ZETA_K) + 1, 1, -1):
        series = series * -t + _ZETA_K[k - 2] / k
    series = t * (t * series - _EULER)
    return np.where(small, series, _lgamma(a + 1))


def _incomplete_gamma(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """P(a, x), or Q(a, x) with ``upper``, of float64 arrays (same shape)."""
    a, x = a.reshape(-1), x.reshape(-1)
    one, zero = (0.0, 1.0) if upper else (1.0, 0.0)   # (the values of P = 1 and P = 0)
    out = np.full_like(x, np.nan)
    with np.errstate(invalid="ignore"):
        decided = (x < 0) | (a < 0)
        rule = [(~decided & (a == 0), np.where(x > 0, one, np.nan)),
                (x == 0, zero), (np.isinf(a), np.where(np.isinf(x), np.nan, zero)),
                (np.isinf(x), one)]
    for mask, value in rule:
        mask = mask & ~decided
        out = np.where(mask, value, out)
        decided |= mask
    todo = ~decided & ~np.isnan(a) & ~np.isnan(x)
    if todo.any():
        out[todo] = _regular(a[todo], x[todo], upper)
    return out


def _regular(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """P or Q for finite a > 0, x > 0."""
    factor = _prefactor(a, x)
    out = np.empty_like(x)
    below = x < a + 1
    small_a = below & (a < 1) & (x <= 1.5)
    series = below & ~(upper & small_a)
    if series.any():
        p = _lower_series(a[series], x[series], factor[series])
        out[series] = 1 - p if upper else p
    if upper and small_a.any():
        out[small_a] = _upper_small_a(a[small_a], x[small_a])
    if (~below).any():
        q = _upper_fraction(a[~below], x[~below], factor[~below])
        out[~below] = q if upper else 1 - q
    return np.clip(out, 0.0, 1.0)


class _Igamma(Primitive):
    """P(a, x) (``upper``: Q); differentiable in x only, as PyTorch."""

    node_name = "IgammaBackward0"

    @staticmethod
    def forward(ctx, a, x, upper=False, name="igamma"):
        op = "igammac" if upper else "igamma"
        ctx.upper, ctx.op = upper, op
        ctx.node_name = "IgammacBackward0" if upper else "IgammaBackward0"
        ctx.save_for_backward(a, x)
        fa, fx = float_operands(op, a, x, half=True, int_ok=False, name=name)
        out = _incomplete_gamma(fa.astype(np.float64), fx.astype(np.float64), upper)
        return out.reshape(fa.shape).astype(fa.dtype)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{ctx.op}: input' is not implemented.")
        d = exp((a - 1) * log(x) - x - lgamma(a))   # x^(a-1) e^-x / Gamma(a), as PyTorch
        return None, grad * (-d if ctx.upper else d)


def _incomplete(name: str, input, other, out, upper: bool) -> Tensor:
    a, x = operands(name, input, other, numbers=False)
    return write_out(name, _Igamma.apply(a, x, upper=upper, name=name), out, (a, x),
                     differentiable=True)


def igamma(input, other, *, out=None) -> Tensor:
    """The regularized lower incomplete gamma function P(input, other) =
    int_0^other t^(input-1) e^-t dt / Gamma(input) (``special.gammainc``)."""
    return _incomplete("igamma", input, other, out, upper=False)


def igammac(input, other, *, out=None) -> Tensor:
    """The regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other)
    (``special.gammaincc``), accurate where Q is small."""
    return _incomplete("igammac", input, other, out, upper=True)


def gammainc(input, other, *, out=None) -> Tensor:
    """``special.gammainc``: :func:`igamma`."""
    return _incomplete("special_gammainc", input, other, out, upper=False)


def gammaincc(input, other, *, out=None) -> Tensor:
    """``special.gammaincc``: :func:`igammac`."""
    return _incomplete("special_gammaincc", input, other, out, upper=True)


# ---------------------------------------------------------------------------------------------
# The Hurwitz zeta function
# ---------------------------------------------------------------------------------------------

def _bernoulli_2j(count: int) -> list:
    """B_2, B_4, ... B_2count as Fractions (from the recurrence sum_k C(m+1, k) B_k = 0)."""
    from fractions import Fraction  # noqa: PLC0415 (on first use: ~1% of `import npgrad`)
    b = [Fraction(1)]
    for m in range(1, 2 * count + 1):
        b.append(-sum(math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return [b[2 * j] for j in range(1, count + 1)]


@functools.cache
def _euler_maclaurin() -> tuple:
    """B_2j / (2j)!, j = 1..12: the Euler-Maclaurin coefficients (made on first use)."""
    return tuple(float(bj / math.factorial(2 * j))
                 for j, bj in enumerate(_bernoulli_2j(12), start=1))


def _zeta(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """zeta(x, q) of float64 arrays (same shape), with PyTorch's special values."""
    x, q = x.reshape(-1), q.reshape(-1)
    out = np.full_like(x, np.nan)
    with np.errstate(invalid="ignore"):
        pole = (x == 1) | ((x > 1) | np.isnan(x)) & (q <= 0) & (q == np.floor(q))
        nan = (x < 1) | ((q <= 0) & (x != np.floor(x)))
    out[pole] = np.inf
    todo = ~pole & ~nan
    if todo.any():
        out[todo] = _zeta_sum(x[todo], q[todo])
    return out


def _zeta_sum(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        s = np.power(q, -x)
        a, b = q.copy(), np.zeros_like(q)
        done = np.zeros_like(q, dtype=bool)     # the direct sum has converged
        direct = np.ones_like(q, dtype=bool)    # still summing directly
        i = 0
        while direct.any():
            i += 1
            a = np.where(direct, a + 1, a)
            b = np.where(direct, np.power(a, -x), b)
            s = np.where(direct, s + b, s)
            converged = direct & (-_EPS * s < b) & (b < _EPS * s)
            done |= converged
            direct &= ~converged & ((i < 9) | (a <= 9))
        # the Euler-Maclaurin tail from w = a (whose term b is already in s)
        w = a
        s = np.where(done, s, s + b * w / (x - 1) - 0.5 * b)
        rising, k = np.ones_like(x), 0.0
        for coef in _euler_maclaurin():
            rising = rising * (x + k)
            b = b / w
            t = rising * b * coef
            s = np.where(done, s, s + t)
            done |= np.abs(t / s) < _EPS
            k += 1
            rising = rising * (x + k)
            b = b / w
            k += 1
    return s


_EULER = 0.57721566490153286061
_ZETA_K = _zeta_sum(np.arange(2.0, 28.0), np.ones(26))   # zeta(2) .. zeta(27)


class _Zeta(Primitive):
    """zeta(x, q); differentiable in q only, as PyTorch."""

    node_name = "SpecialZetaBackward0"  # 1: a number x, 2: a number q

    @staticmethod
    def forward(ctx, x, q):
        if x.__class__ is not np.ndarray:
            ctx.node_name = "SpecialZetaBackward1"
        elif q.__class__ is not np.ndarray:
            ctx.node_name = "SpecialZetaBackward2"
        ctx.save_for_backward(x, q)
        fx, fq = float_operands("zeta", x, q)
        out = _zeta(fx.astype(np.float64), fq.astype(np.float64))
        return out.reshape(fx.shape).astype(fx.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, grad * -x * zeta(x + 1, q)


def zeta(input, other, *, out=None) -> Tensor:
    """The Hurwitz zeta function sum_k (other + k)^-input (the Riemann zeta at other = 1).
    Either argument may be a number."""
    x, q = operands("special_zeta", input, other)
    return write_out("special_zeta", _Zeta.apply(x, q), out, (x, q), differentiable=True)
