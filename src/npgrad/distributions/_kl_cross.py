"""KL divergences between different families, registered on import (by ``kl``).

Each is ``-H(p) - E_p[log q(x)]``, with ``log q`` written in the few expectations of p it
needs (``E[x]``, ``E[x^2]``, ``E[log x]``...); where p's support is not inside q's the
divergence is infinite. The pairs are PyTorch's."""
from __future__ import annotations

import math

from ..ops.creation.factories import full
from ..ops.elementwise.binary import where
from ..ops.elementwise.pointwise import xlogy
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .continuous_bernoulli import ContinuousBernoulli
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .laplace import Laplace
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .uniform import Uniform
from .utils import euler_constant
from ._kl_dispatch import register_kl

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _infinite(p):
    """An infinite divergence for each of p's batch members."""
    return full(p.batch_shape, math.inf, dtype=p.mean.dtype)


# ---------------------------------------------------------------------------------------------
# E_p[log q] for each q, from p's moments
# ---------------------------------------------------------------------------------------------

def _log_exponential(q, m1):
    return q.rate.log() - q.rate * m1


def _log_gamma(q, m1, mlog):
    c, r = q.concentration, q.rate
    return c * r.log() - c.lgamma() + (c - 1) * mlog - r * m1


def _log_normal(q, m1, m2):
    """E[log N(x; mu, sigma)] from E[x] and E[x^2]."""
    mu, var = q.loc, q.scale.pow(2)
    return -q.scale.log() - _HALF_LOG_2PI - (m2 - 2 * mu * m1 + mu.pow(2)) / (2 * var)


def _log_gumbel(q, m1, m_exp):
    """E[log Gumbel(x; mu, beta)] from E[x] and ``m_exp(beta) = E[exp(-x / beta)]``."""
    return (-q.scale.log() - (m1 - q.loc) / q.scale
            - (q.loc / q.scale).exp() * m_exp(q.scale))


def _log_beta(q, mlog, mlog1m):
    a, b = q.concentration1, q.concentration0
    lbeta = a.lgamma() + b.lgamma() - (a + b).lgamma()
    return (a - 1) * mlog + (b - 1) * mlog1m - lbeta


def _log_continuous_bernoulli(q, m1):
    return q._cont_bern_log_norm() + m1 * q.logits + (-q.probs).log1p()


def _log_pareto(q, mlog):
    return q.alpha.log() + q.alpha * q.scale.log() - (q.alpha + 1) * mlog


# ---------------------------------------------------------------------------------------------
# p = Bernoulli, Beta, ContinuousBernoulli (supports inside [0, 1])
# ---------------------------------------------------------------------------------------------

@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


def _beta_moments(p):
    a, b = p.concentration1, p.concentration0
    total = a + b
    return (a / total, a * (a + 1) / (total * (total + 1)), a.digamma() - total.digamma(),
            b.digamma() - total.digamma())


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p, q):
    return -p.entropy() - _log_continuous_bernoulli(q, p.mean)


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p, q):
    return -p.entropy() - _log_exponential(q, p.mean)


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p, q):
    m1, _, mlog, _ = _beta_moments(p)
    return -p.entropy() - _log_gamma(q, m1, mlog)


@register_kl(Beta, Normal)
def _kl_beta_normal(p, q):
    m1, m2, _, _ = _beta_moments(p)
    return -p.entropy() - _log_normal(q, m1, m2)


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return where((q.low > 0) | (q.high < 1), math.inf, result)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p, q):
    return -p.entropy() - _log_exponential(q, p.mean)


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuous_bernoulli_normal(p, q):
    m1 = p.mean
    return -p.entropy() - _log_normal(q, m1, p.variance + m1.pow(2))


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return where((q.low > 0) | (q.high < 1), math.inf, result)


# ---------------------------------------------------------------------------------------------
# p = Exponential, Gamma (support [0, inf))
# ---------------------------------------------------------------------------------------------

@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p, q):
    mlog = -euler_constant - p.rate.log()
    return -p.entropy() - _log_gamma(q, p.rate.reciprocal(), mlog)


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p, q):
    # E[exp(-x / beta)] = rate / (rate + 1 / beta)
    return -p.entropy() - _log_gumbel(q, p.rate.reciprocal(),
                                      lambda beta: p.rate / (p.rate + beta.reciprocal()))


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p, q):
    m1 = p.rate.reciprocal()
    return -p.entropy() - _log_normal(q, m1, 2 * m1.pow(2))


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p, q):
    return -p.entropy() - _log_exponential(q, p.mean)


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p, q):
    c, r = p.concentration, p.rate
    # E[exp(-x / beta)] = (r / (r + 1 / beta))^c
    return -p.entropy() - _log_gumbel(
        q, c / r, lambda beta: (r / (r + beta.reciprocal())).pow(c))


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p, q):
    c, r = p.concentration, p.rate
    return -p.entropy() - _log_normal(q, c / r, c * (c + 1) / r.pow(2))


# ---------------------------------------------------------------------------------------------
# p = Gumbel, Laplace, Normal (support the real line)
# ---------------------------------------------------------------------------------------------

@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p, q):
    m1 = p.loc + p.scale * euler_constant
    var = (math.pi * p.scale).pow(2) / 6
    return -p.entropy() - _log_normal(q, m1, var + m1.pow(2))


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p, q):
    return -p.entropy() - _log_normal(q, p.loc, p.loc.pow(2) + 2 * p.scale.pow(2))


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p, q):
    # E[exp(-x / beta)] for a normal x: exp(-mu / beta + sigma^2 / (2 beta^2))
    return -p.entropy() - _log_gumbel(
        q, p.loc, lambda beta: (-p.loc / beta + p.scale.pow(2) / (2 * beta.pow(2))).exp())


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    # E|x - mu_q| for x ~ N(mu_p, sigma): sigma sqrt(2/pi) exp(-d^2 / 2 sigma^2) + d erf(d /
    # (sigma sqrt 2)), d = mu_p - mu_q
    d = p.loc - q.loc
    mean_abs = (p.scale * math.sqrt(2 / math.pi) * (-(d / p.scale).pow(2) / 2).exp()
                + d * (d / (p.scale * math.sqrt(2))).erf())
    return -p.entropy() + (2 * q.scale).log() + mean_abs / q.scale


# ---------------------------------------------------------------------------------------------
# p = Pareto (support [scale, inf)), Poisson, Uniform
# ---------------------------------------------------------------------------------------------

def _pareto_moments(p):
    """(E[x], E[x^2], E[log x]), computed with alpha moved to a safe value where a moment is
    infinite (alpha <= 1, <= 2): the callers set those results to inf afterwards, so no inf
    reaches the graph (its gradient would be nan)."""
    a, m = p.alpha, p.scale
    a1 = where(a > 1, a, 2.0)
    a2 = where(a > 2, a, 3.0)
    return a1 * m / (a1 - 1), a2 * m.pow(2) / (a2 - 2), m.log() + a.reciprocal()


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p, q):
    m1, _, _ = _pareto_moments(p)
    result = -p.entropy() - _log_exponential(q, m1)
    return where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p, q):
    m1, _, mlog = _pareto_moments(p)
    result = -p.entropy() - _log_gamma(q, m1, mlog)
    return where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    m1, m2, _ = _pareto_moments(p)
    result = -p.entropy() - _log_normal(q, m1, m2)
    return where(p.alpha <= 2, math.inf, result)


def _uniform_moments(p):
    """(E[x], E[x^2]) of a uniform on [a, b]."""
    a, b = p.low, p.high
    return (a + b) / 2, (a.pow(2) + a * b + b.pow(2)) / 3


def _uniform_mean_log(a, b):
    """E[log x] for x uniform on [a, b] (0 <= a): (b log b - a log a) / (b - a) - 1."""
    return (xlogy(b, b) - xlogy(a, a)) / (b - a) - 1


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    a, b = p.low, p.high
    mlog = _uniform_mean_log(a, b)
    mlog1m = _uniform_mean_log(1 - b, 1 - a)
    result = -p.entropy() - _log_beta(q, mlog, mlog1m)
    return where((a < 0) | (b > 1), math.inf, result)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p, q):
    m1, _ = _uniform_moments(p)
    result = -p.entropy() - _log_continuous_bernoulli(q, m1)
    return where((p.low < 0) | (p.high > 1), math.inf, result)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p, q):
    m1, _ = _uniform_moments(p)
    result = -p.entropy() - _log_exponential(q, m1)
    return where(p.low < 0, math.inf, result)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    m1, _ = _uniform_moments(p)
    result = -p.entropy() - _log_gamma(q, m1, _uniform_mean_log(p.low, p.high))
    return where(p.low < 0, math.inf, result)


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p, q):
    a, b = p.low, p.high
    m1, _ = _uniform_moments(p)
    # E[exp(-x / beta)] = beta (exp(-a / beta) - exp(-b / beta)) / (b - a)
    return -p.entropy() - _log_gumbel(
        q, m1, lambda beta: beta * ((-a / beta).exp() - (-b / beta).exp()) / (b - a))


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p, q):
    m1, m2 = _uniform_moments(p)
    return -p.entropy() - _log_normal(q, m1, m2)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    result = -p.entropy() - _log_pareto(q, _uniform_mean_log(p.low, p.high))
    return where(p.low < q.scale, math.inf, result)


# ---------------------------------------------------------------------------------------------
# Supports that do not nest: infinite
# ---------------------------------------------------------------------------------------------

def _kl_infinite(p, q):
    return _infinite(p)


for _p, _qs in {Beta: (Pareto,), ContinuousBernoulli: (Pareto,),
                Exponential: (Beta, ContinuousBernoulli, Pareto, Uniform),
                Gamma: (Beta, ContinuousBernoulli, Pareto, Uniform),
                Gumbel: (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform),
                Laplace: (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform),
                Normal: (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform),
                Pareto: (Beta, ContinuousBernoulli, Uniform),
                Poisson: (Bernoulli, Binomial)}.items():
    for _q in _qs:
        register_kl(_p, _q)(_kl_infinite)
