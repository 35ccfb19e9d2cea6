"""nn.utils and nn.init against PyTorch."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import npgrad


def _params(lib, rs):
    ps = [lib.nn.Parameter(lib.tensor(rs.standard_normal(s).astype("float32")))
          for s in [(3, 4), (4,), (2, 2)]]
    for p in ps:
        p.grad = lib.tensor(rs.standard_normal(tuple(p.shape)).astype("float32") * 3)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    ours = _params(npgrad, np.random.default_rng(0))
    theirs = _params(torch, np.random.default_rng(0))
    n1 = npgrad.nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    n2 = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert float(n1) == pytest.approx(float(n2), rel=1e-5)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_clip_grad_value_and_vectors():
    ours = _params(npgrad, np.random.default_rng(1))
    theirs = _params(torch, np.random.default_rng(1))
    npgrad.nn.utils.clip_grad_value_(ours, 0.7)
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    v = npgrad.nn.utils.parameters_to_vector(ours)
    w = torch.nn.utils.parameters_to_vector(theirs)
    np.testing.assert_array_equal(v.detach().numpy(), w.detach().numpy())
    npgrad.nn.utils.vector_to_parameters(v * 2, ours)
    np.testing.assert_array_equal(ours[1].detach().numpy(), 2 * theirs[1].detach().numpy())
    with pytest.raises(RuntimeError):
        bad = _params(npgrad, np.random.default_rng(2))
        bad[0].grad = npgrad.full((3, 4), math.inf)
        npgrad.nn.utils.clip_grad_norm_(bad, 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("name,args", [
    ("uniform_", (-0.5, 0.5)), ("normal_", (1.0, 0.1)), ("xavier_uniform_", ()),
    ("xavier_normal_", (2.0,)), ("kaiming_uniform_", (math.sqrt(5),)),
    ("kaiming_normal_", (0, "fan_out", "relu")), ("trunc_normal_", (0.0, 1.0, -1.0, 1.0)),
    ("orthogonal_", (1.5,))])
def test_init_distributions_match_torch(name, args):
    """Same formulas as PyTorch: compare the statistics of large samples."""
    a = getattr(npgrad.nn.init, name)(npgrad.empty(300, 400), *args)
    b = getattr(torch.nn.init, name)(torch.empty(300, 400), *args)
    a, b = a.numpy(), b.numpy()
    assert a.mean() == pytest.approx(b.mean(), abs=0.02)
    assert a.std() == pytest.approx(b.std(), rel=0.03)
    assert a.min() >= b.min() - 0.1 * abs(b.min()) - 0.2 and a.max() <= b.max() * 1.1 + 0.2
    if name == "orthogonal_":
        np.testing.assert_allclose(a @ a.T, 1.5 ** 2 * np.eye(300), atol=1e-4)


def test_init_gain_constants_and_fills():
    for nl, p in [("relu", None), ("tanh", None), ("leaky_relu", 0.2), ("selu", None),
                  ("sigmoid", None), ("conv2d", None)]:
        assert npgrad.nn.init.calculate_gain(nl, p) == pytest.approx(
            torch.nn.init.calculate_gain(nl, p))
    t = npgrad.empty(3, 3)
    assert npgrad.nn.init.eye_(t).tolist() == np.eye(3).tolist()
    assert npgrad.nn.init.constant_(t, 0.5).tolist() == [[0.5] * 3] * 3
    assert npgrad.nn.init.zeros_(t).sum().item() == 0
    assert npgrad.nn.init.ones_(t).sum().item() == 9
    with pytest.raises(ValueError):
        npgrad.nn.init.xavier_uniform_(npgrad.empty(3))
