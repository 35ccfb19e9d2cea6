"""The distributions under test: each case builds the same distribution in npgrad and in
PyTorch from float64 NumPy parameters (tensors that require grad in both)."""
from __future__ import annotations

import numpy as np

R = np.random.default_rng(0)


def pos(*shape, lo=0.5, hi=2.0):
    return R.uniform(lo, hi, shape)


def real(*shape):
    return R.normal(size=shape)


def unit(*shape):
    return R.uniform(0.1, 0.9, shape)


def simplex(*shape):
    x = R.uniform(0.2, 1.0, shape)
    return x / x.sum(-1, keepdims=True)


def tril(*shape):
    n = shape[-1]
    a = R.normal(size=shape) * 0.3
    a = np.tril(a, -1) + np.eye(n) * R.uniform(0.5, 1.5, shape[:-1])[..., None]
    return a


def spd(*shape):
    a = R.normal(size=shape)
    return a @ np.swapaxes(a, -1, -2) + np.eye(shape[-1]) * shape[-1]


# name -> (class name, positional/keyword parameters, constants that are not tensors)
CASES = {
    "Normal": ("Normal", dict(loc=real(3), scale=pos(3))),
    "Normal_scalar": ("Normal", dict(loc=0.3, scale=1.7)),
    "Bernoulli_probs": ("Bernoulli", dict(probs=unit(2, 3))),
    "Bernoulli_logits": ("Bernoulli", dict(logits=real(3))),
    "Categorical_probs": ("Categorical", dict(probs=simplex(2, 4))),
    "Categorical_logits": ("Categorical", dict(logits=real(3, 5))),
    "OneHotCategorical": ("OneHotCategorical", dict(probs=simplex(2, 4))),
    "Uniform": ("Uniform", dict(low=real(3), high=real(3) * 0 + 3.0)),
    "Exponential": ("Exponential", dict(rate=pos(4))),
    "Laplace": ("Laplace", dict(loc=real(3), scale=pos(3))),
    "Cauchy": ("Cauchy", dict(loc=real(3), scale=pos(3))),
    "Gamma": ("Gamma", dict(concentration=pos(4), rate=pos(4))),
    "Chi2": ("Chi2", dict(df=pos(3, lo=1, hi=5))),
    "Beta": ("Beta", dict(concentration1=pos(3), concentration0=pos(3))),
    "Dirichlet": ("Dirichlet", dict(concentration=pos(2, 3))),
    "Poisson": ("Poisson", dict(rate=pos(4, lo=1, hi=5))),
    "Binomial": ("Binomial", dict(total_count=10.0, probs=unit(3)), ("total_count",)),
    "Binomial_logits": ("Binomial", dict(total_count=6.0, logits=real(3)), ("total_count",)),
    "Multinomial": ("Multinomial", dict(total_count=5, probs=simplex(2, 3)), ("total_count",)),
    "Geometric": ("Geometric", dict(probs=unit(3))),
    "NegativeBinomial": ("NegativeBinomial", dict(total_count=pos(3, lo=1, hi=4),
                                                  probs=unit(3))),
    "LogNormal": ("LogNormal", dict(loc=real(3), scale=pos(3))),
    "HalfNormal": ("HalfNormal", dict(scale=pos(3))),
    "HalfCauchy": ("HalfCauchy", dict(scale=pos(3))),
    "Gumbel": ("Gumbel", dict(loc=real(3), scale=pos(3))),
    "Weibull": ("Weibull", dict(scale=pos(3), concentration=pos(3))),
    "Pareto": ("Pareto", dict(scale=pos(3), alpha=pos(3, lo=2.5, hi=4))),
    "Kumaraswamy": ("Kumaraswamy", dict(concentration1=pos(3, lo=1.2), concentration0=pos(
        3, lo=1.2))),
    "LogisticNormal": ("LogisticNormal", dict(loc=real(2, 3), scale=pos(2, 3))),
    "StudentT": ("StudentT", dict(df=pos(3, lo=2.5, hi=6), loc=real(3), scale=pos(3))),
    "FisherSnedecor": ("FisherSnedecor", dict(df1=pos(3, lo=3, hi=6), df2=pos(3, lo=5, hi=9))),
    "InverseGamma": ("InverseGamma", dict(concentration=pos(3, lo=2.5, hi=4), rate=pos(3))),
    "GeneralizedPareto": ("GeneralizedPareto", dict(loc=real(3), scale=pos(3),
                                                    concentration=np.array([0.2, 0.0, 0.1]))),
    "VonMises": ("VonMises", dict(loc=real(3), concentration=pos(3))),
    "ContinuousBernoulli": ("ContinuousBernoulli", dict(probs=np.array([0.2, 0.4995, 0.8]))),
    "RelaxedBernoulli": ("RelaxedBernoulli", dict(temperature=np.array(0.7), probs=unit(3))),
    "RelaxedOneHotCategorical": ("RelaxedOneHotCategorical",
                                 dict(temperature=np.array(0.7), probs=simplex(2, 3))),
    "MultivariateNormal_cov": ("MultivariateNormal", dict(loc=real(2, 3),
                                                          covariance_matrix=spd(3, 3))),
    "MultivariateNormal_tril": ("MultivariateNormal", dict(loc=real(3), scale_tril=tril(2, 3, 3))),
    "MultivariateNormal_prec": ("MultivariateNormal", dict(loc=real(3),
                                                           precision_matrix=spd(3, 3))),
    "LowRankMultivariateNormal": ("LowRankMultivariateNormal", dict(
        loc=real(2, 3), cov_factor=real(3, 2), cov_diag=pos(3))),
    "Wishart_cov": ("Wishart", dict(df=pos(2, lo=4, hi=6), covariance_matrix=spd(3, 3))),
    "Wishart_tril": ("Wishart", dict(df=5.0, scale_tril=tril(2, 3, 3))),
    "Wishart_prec": ("Wishart", dict(df=np.array(4.5), precision_matrix=spd(3, 3))),
    "LKJCholesky": ("LKJCholesky", dict(dim=3, concentration=pos(2)), ("dim",)),
    "LKJCholesky_scalar": ("LKJCholesky", dict(dim=4, concentration=0.7), ("dim",)),
}
