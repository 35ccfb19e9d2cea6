"""kl_divergence against PyTorch's for every pair PyTorch registers (values and gradients),
and register_kl's dispatch."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.distributions as TD
from torch.distributions.kl import _KL_REGISTRY

import npgrad
import npgrad.distributions as ND

R = np.random.default_rng(1)


def _pos(lo=0.5, hi=2.0, n=3):
    return R.uniform(lo, hi, n)


def _simplex(*shape):
    x = R.uniform(0.2, 1.0, shape)
    return x / x.sum(-1, keepdims=True)


def _spd(n):
    a = R.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


# two parameter sets per family (batch shape (3,)), for p and for q
def _params(name):
    table = {
        "Bernoulli": lambda: dict(probs=R.uniform(0.1, 0.9, 3)),
        "Beta": lambda: dict(concentration1=_pos(), concentration0=_pos()),
        "Binomial": lambda: dict(total_count=np.array([5.0, 6.0, 7.0]),
                                 probs=R.uniform(0.1, 0.9, 3)),
        "Categorical": lambda: dict(probs=_simplex(3, 4)),
        "OneHotCategorical": lambda: dict(probs=_simplex(3, 4)),
        "Cauchy": lambda: dict(loc=R.normal(size=3), scale=_pos()),
        "ContinuousBernoulli": lambda: dict(probs=np.array([0.2, 0.4995, 0.7])),
        "Dirichlet": lambda: dict(concentration=R.uniform(0.5, 2, (3, 4))),
        "Exponential": lambda: dict(rate=_pos()),
        "Gamma": lambda: dict(concentration=_pos(), rate=_pos()),
        "Geometric": lambda: dict(probs=R.uniform(0.1, 0.9, 3)),
        "Gumbel": lambda: dict(loc=R.normal(size=3), scale=_pos()),
        "HalfNormal": lambda: dict(scale=_pos()),
        "Laplace": lambda: dict(loc=R.normal(size=3), scale=_pos()),
        "Normal": lambda: dict(loc=R.normal(size=3), scale=_pos()),
        "Pareto": lambda: dict(scale=np.array([0.05, 0.08, 0.3]), alpha=np.array([0.8, 1.5, 3.0])),
        "Poisson": lambda: dict(rate=_pos(1, 4)),
        "Uniform": lambda: dict(low=np.array([0.1, -0.5, 0.2]), high=np.array([0.6, 1.5, 0.9])),
        "MultivariateNormal": lambda: dict(loc=R.normal(size=(3, 2)),
                                           covariance_matrix=_spd(2)),
        "LowRankMultivariateNormal": lambda: dict(loc=R.normal(size=(3, 2)),
                                                  cov_factor=R.normal(size=(2, 1)),
                                                  cov_diag=_pos(n=2)),
        "Wishart": lambda: dict(df=_pos(3, 5), covariance_matrix=_spd(2)),
        "LogNormal": lambda: dict(loc=R.normal(size=3), scale=_pos()),
    }
    return table[name]()


def _make(name, params, lib):
    mod, D = (npgrad, ND) if lib == "np" else (torch, TD)
    kw = {k: mod.tensor(v, dtype=mod.float64, requires_grad=k != "total_count")
          for k, v in params.items()}
    return getattr(D, name)(**kw), [t for k, t in kw.items() if t.requires_grad]


def _pair_cases():
    pairs = []
    for p, q in _KL_REGISTRY:
        names = (p.__name__, q.__name__)
        if names == ("ExponentialFamily", "ExponentialFamily"):
            names = ("Wishart", "Wishart")
        elif names == ("TransformedDistribution", "TransformedDistribution"):
            names = ("LogNormal", "LogNormal")
        elif names == ("Independent", "Independent"):
            continue  # tested below
        pairs.append(names)
    return sorted(pairs)


@pytest.mark.parametrize("p_name,q_name", _pair_cases())
def test_kl_matches_torch(p_name, q_name):
    pp, qp = _params(p_name), _params(q_name)
    tp, tleaves = _make(p_name, pp, "torch")
    tq, tqleaves = _make(q_name, qp, "torch")
    np_, nleaves = _make(p_name, pp, "np")
    nq, nqleaves = _make(q_name, qp, "np")
    expected = TD.kl_divergence(tp, tq)
    got = ND.kl_divergence(np_, nq)
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-6,
                               atol=1e-9)
    finite = torch.isfinite(expected)
    if not finite.any() or not expected.requires_grad:
        return
    leaves_t, leaves_n = tleaves + tqleaves, nleaves + nqleaves
    tg = torch.autograd.grad(expected[finite].sum(), leaves_t, allow_unused=True)
    ng = npgrad.autograd.grad(got[npgrad.tensor(finite.numpy())].sum(), leaves_n,
                              allow_unused=True)
    for a, b in zip(ng, tg):
        if b is None:
            assert a is None or not a.numpy().any()
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-8)


def test_kl_independent():
    loc, scale = R.normal(size=(3, 2)), _pos(n=6).reshape(3, 2)
    tp = TD.Independent(TD.Normal(torch.tensor(loc), torch.tensor(scale)), 1)
    tq = TD.Independent(TD.Normal(torch.tensor(loc * 0), torch.tensor(scale * 0 + 1)), 1)
    np_ = ND.Independent(ND.Normal(npgrad.tensor(loc), npgrad.tensor(scale)), 1)
    nq = ND.Independent(ND.Normal(npgrad.tensor(loc * 0), npgrad.tensor(scale * 0 + 1)), 1)
    np.testing.assert_allclose(ND.kl_divergence(np_, nq).numpy(),
                               TD.kl_divergence(tp, tq).numpy(), rtol=1e-6)


def test_kl_unregistered_pair_raises_torchs_error():
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for "
                                                  "p type Cauchy and q type Normal"):
        ND.kl_divergence(ND.Cauchy(0.0, 1.0), ND.Normal(0.0, 1.0))


def test_register_kl_most_specific_pair_wins():
    class MyNormal(ND.Normal):
        pass

    @ND.register_kl(MyNormal, ND.Normal)
    def _kl(p, q):
        return p.loc * 0 + 42.0

    assert float(ND.kl_divergence(MyNormal(0.0, 1.0), ND.Normal(0.0, 1.0))) == 42.0
    # the base pair is untouched
    assert float(ND.kl_divergence(ND.Normal(0.0, 1.0), ND.Normal(0.0, 1.0))) == 0.0
    with pytest.raises(TypeError):
        ND.register_kl(int, ND.Normal)
