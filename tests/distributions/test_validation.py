"""validate_args: the same exception class and message as PyTorch for invalid parameters
and values (messages compared up to the printed tensor, whose repr differs)."""
from __future__ import annotations

import pytest
import torch
import torch.distributions as TD

import npgrad
import npgrad.distributions as ND


def _t(lib, x):
    mod = npgrad if lib is ND else torch
    return mod.tensor(x, dtype=mod.float64) if isinstance(x, (list, float)) else x


# each builds something with (D, t) = (distributions module, tensor maker) and must raise
CASES = {
    "normal_negative_scale": lambda D, t: D.Normal(0.0, -1.0),
    "normal_negative_scale_tensor": lambda D, t: D.Normal(t([0.0, 1.0]), t([1.0, -2.0])),
    "normal_nan_loc": lambda D, t: D.Normal(t([float("nan")]), t([1.0])),
    "exponential_zero_rate": lambda D, t: D.Exponential(t([0.0])),
    "gamma_bad_concentration": lambda D, t: D.Gamma(t([-1.0]), t([1.0])),
    "beta_bad": lambda D, t: D.Beta(t([0.0]), t([1.0])),
    "bernoulli_both": lambda D, t: D.Bernoulli(probs=t([0.5]), logits=t([0.0])),
    "bernoulli_neither": lambda D, t: D.Bernoulli(),
    "bernoulli_probs_above_one": lambda D, t: D.Bernoulli(probs=t([1.5])),
    "categorical_scalar_probs": lambda D, t: D.Categorical(probs=t(0.5)),
    "categorical_negative_probs": lambda D, t: D.Categorical(probs=t([0.5, -0.1])),
    "dirichlet_scalar": lambda D, t: D.Dirichlet(t(1.0)),
    "uniform_low_above_high": lambda D, t: D.Uniform(t([1.0]), t([0.0])),
    "poisson_negative": lambda D, t: D.Poisson(t([-1.0])),
    "binomial_fractional_count": lambda D, t: D.Binomial(t([2.5]), probs=t([0.5])),
    "mvn_none": lambda D, t: D.MultivariateNormal(t([0.0, 0.0])),
    "mvn_scalar_loc": lambda D, t: D.MultivariateNormal(t(0.0), scale_tril=t([[1.0]])),
    "mvn_not_tril": lambda D, t: D.MultivariateNormal(t([0.0, 0.0]), scale_tril=t(
        [[1.0, 1.0], [0.0, 1.0]])),
    "mvn_not_pd": lambda D, t: D.MultivariateNormal(t([0.0, 0.0]), covariance_matrix=t(
        [[1.0, 2.0], [2.0, 1.0]])),
    "lowrank_bad_factor": lambda D, t: D.LowRankMultivariateNormal(
        t([0.0, 0.0]), t([1.0, 1.0]), t([1.0, 1.0])),
    "independent_too_many": lambda D, t: D.Independent(D.Normal(t([0.0]), t([1.0])), 2),
    "lkj_dim": lambda D, t: D.LKJCholesky(1),
    "wishart_df": lambda D, t: D.Wishart(t(0.5), covariance_matrix=t([[1.0, 0.0],
                                                                     [0.0, 1.0]])),
    "mixture_not_categorical": lambda D, t: D.MixtureSameFamily(
        D.Normal(t([0.0]), t([1.0])), D.Normal(t([0.0]), t([1.0]))),
    "mixture_mismatch": lambda D, t: D.MixtureSameFamily(
        D.Categorical(probs=t([0.5, 0.5])), D.Normal(t([0.0, 1.0, 2.0]), t([1.0, 1.0, 1.0]))),
    # values outside the support, or of the wrong shape
    "log_prob_outside_support": lambda D, t: D.Exponential(t([1.0])).log_prob(t([-1.0])),
    "log_prob_not_a_tensor": lambda D, t: D.Normal(t([0.0]), t([1.0])).log_prob(0.5),
    "log_prob_event_shape": lambda D, t: D.MultivariateNormal(
        t([0.0, 0.0]), scale_tril=t([[1.0, 0.0], [0.0, 1.0]])).log_prob(t([0.0, 0.0, 0.0])),
    "log_prob_batch_shape": lambda D, t: D.Normal(t([0.0, 0.0]), t([1.0, 1.0])).log_prob(
        t([0.0, 0.0, 0.0])),
    "categorical_value_out_of_range": lambda D, t: D.Categorical(
        probs=t([0.5, 0.5])).log_prob(t([2.0])),
    "bernoulli_value_not_binary": lambda D, t: D.Bernoulli(probs=t([0.5])).log_prob(
        t([0.5])),
    "dirichlet_value_off_simplex": lambda D, t: D.Dirichlet(t([1.0, 1.0])).log_prob(
        t([0.5, 0.6])),
    "beta_value_above_one": lambda D, t: D.Beta(t([1.0]), t([1.0])).log_prob(t([1.5])),
}


def _error(build, D):
    try:
        build(D, lambda x: _t(D, x))
    except Exception as e:  # noqa: BLE001 (the point is to compare whatever is raised)
        return e
    return None


@pytest.mark.parametrize("case", sorted(CASES))
def test_validation_errors_match_torch(case):
    expected = _error(CASES[case], TD)
    got = _error(CASES[case], ND)
    assert expected is not None
    assert type(got) is type(expected), f"{type(got).__name__}: {got}"
    want = str(expected).split("found invalid values")[0].replace("dtype=torch.", "dtype=").replace(
        "torch.Size", "Size")
    have = str(got).split("found invalid values")[0].replace("dtype=npgrad.", "dtype=").replace(
        "npgrad.Size", "Size")
    assert have == want


def test_validation_off_accepts_invalid_values():
    d = ND.Normal(0.0, -1.0, validate_args=False)
    assert d.scale.item() == -1.0
    assert ND.Exponential(npgrad.tensor([1.0]), validate_args=False).log_prob(
        npgrad.tensor([-1.0])).shape == (1,)


def test_set_default_validate_args():
    ND.Distribution.set_default_validate_args(False)
    try:
        ND.Normal(0.0, -1.0)
    finally:
        ND.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        ND.Normal(0.0, -1.0)
