"""Transforms, constraints and biject_to/transform_to against PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.distributions as TD

import npgrad
import npgrad.distributions as ND

R = np.random.default_rng(2)


def _lib(lib):
    return (npgrad, ND) if lib == "np" else (torch, TD)


def _t(lib, x):
    mod, _ = _lib(lib)
    return mod.tensor(np.asarray(x, np.float64))


# name -> (builder(D, t), input values)
TRANSFORMS = {
    "exp": (lambda D, t: D.ExpTransform(), R.normal(size=(3, 2))),
    "power": (lambda D, t: D.PowerTransform(t([2.5, 0.5])), R.uniform(0.5, 2, (3, 2))),
    "sigmoid": (lambda D, t: D.SigmoidTransform(), R.normal(size=(3, 2))),
    "softplus": (lambda D, t: D.SoftplusTransform(), R.normal(size=(3, 2))),
    "tanh": (lambda D, t: D.TanhTransform(), R.normal(size=(3, 2))),
    "abs": (lambda D, t: D.AbsTransform(), R.normal(size=(3, 2))),
    "affine": (lambda D, t: D.AffineTransform(t([1.0, -1.0]), t([2.0, -0.5])),
               R.normal(size=(3, 2))),
    "affine_scalar": (lambda D, t: D.AffineTransform(1.0, -3.0), R.normal(size=(3, 2))),
    "affine_event": (lambda D, t: D.AffineTransform(t([1.0, -1.0]), t([2.0, -0.5]),
                                                    event_dim=1), R.normal(size=(3, 2))),
    "softmax": (lambda D, t: D.SoftmaxTransform(), R.normal(size=(3, 4))),
    "stick_breaking": (lambda D, t: D.StickBreakingTransform(), R.normal(size=(3, 4))),
    "lower_cholesky": (lambda D, t: D.LowerCholeskyTransform(), R.normal(size=(2, 3, 3))),
    "positive_definite": (lambda D, t: D.PositiveDefiniteTransform(),
                          R.normal(size=(2, 3, 3))),
    "corr_cholesky": (lambda D, t: D.CorrCholeskyTransform(), R.normal(size=(2, 6))),
    "compose": (lambda D, t: D.ComposeTransform([D.ExpTransform(),
                                                 D.AffineTransform(1.0, 2.0)]),
                R.normal(size=(3, 2))),
    "compose_event": (lambda D, t: D.ComposeTransform([D.AffineTransform(0.0, 2.0),
                                                       D.StickBreakingTransform()]),
                      R.normal(size=(3, 2))),
    "independent": (lambda D, t: D.IndependentTransform(D.ExpTransform(), 1),
                    R.normal(size=(3, 2))),
    "reshape": (lambda D, t: D.ReshapeTransform((4,), (2, 2)), R.normal(size=(3, 4))),
    "cat": (lambda D, t: D.CatTransform([D.ExpTransform(), D.SigmoidTransform()], dim=-1,
                                        lengths=[1, 2]), R.normal(size=(3, 3))),
    "stack": (lambda D, t: D.StackTransform([D.ExpTransform(), D.TanhTransform()], dim=-1),
              R.normal(size=(3, 2))),
    "cdf": (lambda D, t: D.CumulativeDistributionTransform(D.Normal(t(0.5), t(2.0))),
            R.normal(size=(3, 2))),
    "inverse_exp": (lambda D, t: D.ExpTransform().inv, R.uniform(0.5, 2, (3, 2))),
    "identity": (lambda D, t: D.identity_transform, R.normal(size=(3, 2))),
}


def _close(a, b, what):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-9,
                               err_msg=what)


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_matches_torch(name):
    build, x = TRANSFORMS[name]
    tt = build(TD, lambda v: _t("torch", v))
    nt = build(ND, lambda v: _t("np", v))
    tx, nx = _t("torch", x), _t("np", x)
    ty, ny = tt(tx), nt(nx)
    _close(ny, ty, "forward")
    _close(nt.inv(ny), tt.inv(ty), "inverse")
    assert nt.bijective == tt.bijective
    assert nt.domain.event_dim == tt.domain.event_dim
    assert nt.codomain.event_dim == tt.codomain.event_dim
    assert tuple(nt.forward_shape(tuple(x.shape))) == tuple(tt.forward_shape(x.shape))
    assert tuple(nt.inverse_shape(tuple(ty.shape))) == tuple(tt.inverse_shape(ty.shape))
    assert bool(tt.codomain.check(ty).all())
    try:
        expected = tt.log_abs_det_jacobian(tx, ty)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            nt.log_abs_det_jacobian(nx, ny)
        return
    _close(nt.log_abs_det_jacobian(nx, ny), expected, "log_abs_det_jacobian")


def test_cache_returns_the_same_tensor():
    t = ND.ExpTransform(cache_size=1)
    x = npgrad.randn(3)
    y = t(x)
    assert t.inv(y) is x
    assert t(x) is y
    with pytest.raises(ValueError):
        ND.ExpTransform(cache_size=2)


CONSTRAINTS = {
    "real": lambda c: c.real, "positive": lambda c: c.positive,
    "nonnegative": lambda c: c.nonnegative, "unit_interval": lambda c: c.unit_interval,
    "interval": lambda c: c.interval(-1.0, 2.0),
    "half_open_interval": lambda c: c.half_open_interval(-1.0, 2.0),
    "greater_than": lambda c: c.greater_than(1.5), "greater_than_eq": lambda c:
    c.greater_than_eq(1.5), "less_than": lambda c: c.less_than(-0.5),
    "simplex": lambda c: c.simplex, "real_vector": lambda c: c.real_vector,
    "lower_cholesky": lambda c: c.lower_cholesky, "corr_cholesky": lambda c: c.corr_cholesky,
    "positive_definite": lambda c: c.positive_definite,
    "independent": lambda c: c.independent(c.positive, 1),
    "cat": lambda c: c.cat([c.positive, c.real], dim=-1, lengths=[1, 2]),
    "stack": lambda c: c.stack([c.positive, c.unit_interval], dim=-1),
}


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_biject_to_and_transform_to_match_torch(name):
    tc, nc = CONSTRAINTS[name](TD.constraints), CONSTRAINTS[name](ND.constraints)
    assert repr(nc) == repr(tc)
    assert nc.event_dim == tc.event_dim and nc.is_discrete == tc.is_discrete
    shape = {0: (4, 3), 1: (4, 3), 2: (4, 3, 3)}[tc.event_dim]
    if name == "stack":
        shape = (4, 2)
    x = R.normal(size=shape)
    for registry in ("biject_to", "transform_to"):
        try:
            tt = getattr(TD, registry)(tc)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                getattr(ND, registry)(nc)
            continue
        nt = getattr(ND, registry)(nc)
        assert type(nt).__name__ == type(tt).__name__
        ty, ny = tt(_t("torch", x)), nt(_t("np", x))
        _close(ny, ty, registry)
        assert bool(tc.check(ty).all()) and bool(nc.check(ny).all())
        # check answers as PyTorch's on valid and on perturbed values
        bad = ty + _t("torch", R.normal(size=tuple(ty.shape)))
        for v in (ty, bad):
            np.testing.assert_array_equal(nc.check(_t("np", v.numpy())).numpy(),
                                          tc.check(v).numpy())


def test_dependent_constraints():
    assert ND.constraints.is_dependent(ND.constraints.dependent)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        ND.constraints.dependent.check(npgrad.zeros(1))
    assert isinstance(ND.Uniform.support, ND.constraints.Constraint)
    assert repr(ND.Uniform(0.0, 2.0).support) == repr(TD.Uniform(0.0, 2.0).support)


def test_transformed_and_independent_distributions():
    loc, scale = R.normal(size=(2, 3)), R.uniform(0.5, 2, (2, 3))
    tbase = TD.Independent(TD.Normal(torch.tensor(loc), torch.tensor(scale)), 1)
    nbase = ND.Independent(ND.Normal(npgrad.tensor(loc), npgrad.tensor(scale)), 1)
    tts = [TD.StickBreakingTransform()]
    nts = [ND.StickBreakingTransform()]
    td = TD.TransformedDistribution(tbase, tts)
    nd = ND.TransformedDistribution(nbase, nts)
    assert tuple(nd.batch_shape) == tuple(td.batch_shape) == (2,)
    assert tuple(nd.event_shape) == tuple(td.event_shape) == (4,)
    y = td.sample((5,))
    _close(nd.log_prob(npgrad.tensor(y.numpy())), td.log_prob(y), "log_prob")
    assert tuple(nd.rsample((5,)).shape) == (5, 2, 4)
    # cdf/icdf through a decreasing transform are flipped
    t2 = TD.TransformedDistribution(TD.Normal(0.0, 1.0), [TD.AffineTransform(1.0, -2.0)])
    n2 = ND.TransformedDistribution(ND.Normal(0.0, 1.0), [ND.AffineTransform(1.0, -2.0)])
    v = torch.tensor([-1.0, 0.5, 2.0])
    _close(n2.cdf(npgrad.tensor(v.numpy())), t2.cdf(v), "cdf")
    _close(n2.icdf(npgrad.tensor([0.2, 0.7])), t2.icdf(torch.tensor([0.2, 0.7])), "icdf")


def test_enumerate_support():
    for build in (lambda D, m: D.Bernoulli(m.tensor([0.2, 0.7])),
                  lambda D, m: D.Categorical(m.tensor([[0.2, 0.8], [0.5, 0.5]])),
                  lambda D, m: D.OneHotCategorical(m.tensor([0.2, 0.3, 0.5])),
                  lambda D, m: D.Binomial(4, m.tensor([0.2, 0.7]))):
        t, n = build(TD, torch), build(ND, npgrad)
        for expand in (True, False):
            np.testing.assert_array_equal(n.enumerate_support(expand).numpy(),
                                          t.enumerate_support(expand).numpy())
