"""nn.utils.parametrize, parametrizations.weight_norm/spectral_norm and the older
weight_norm/spectral_norm hooks against PyTorch: state_dict keys, reprs, values after
copying PyTorch's state, gradients, training steps, and removal."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import npgrad


def _load(ours, theirs):
    sd = theirs.state_dict()
    assert list(ours.state_dict()) == list(sd)
    ours.load_state_dict({k: npgrad.tensor(v.detach().numpy()) for k, v in sd.items()})


def _pair(make, wrap):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = wrap(torch, make(torch).double())
        ours = wrap(npgrad, make(npgrad).double())
    _load(ours, theirs)
    return ours, theirs


def _steps(ours, theirs, shape, steps=3):
    """A few SGD steps in both; outputs, parameter grads and state must agree throughout."""
    opt_o = npgrad.optim.SGD(ours.parameters(), lr=0.1)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        x = rng.standard_normal(shape)
        out_o, out_t = ours(npgrad.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), rtol=1e-9,
                                   atol=1e-12)
        (out_o ** 2).sum().backward()
        (out_t ** 2).sum().backward()
        for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-8,
                                       atol=1e-12, err_msg=n)
        opt_o.step(), opt_t.step()
        opt_o.zero_grad(), opt_t.zero_grad()
    for (n, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-8, atol=1e-12,
                                   err_msg=n)


LAYERS = {
    "Linear": (lambda lib: lib.nn.Linear(3, 4), (5, 3)),
    "Conv2d": (lambda lib: lib.nn.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    "ConvTranspose1d": (lambda lib: lib.nn.ConvTranspose1d(2, 3, 3), (2, 2, 5)),
}
WRAPS = {
    "parametrizations.weight_norm": lambda lib, m: lib.nn.utils.parametrizations.weight_norm(m),
    "parametrizations.weight_norm-dim1": lambda lib, m:
        lib.nn.utils.parametrizations.weight_norm(m, dim=1),
    "parametrizations.weight_norm-dimNone": lambda lib, m:
        lib.nn.utils.parametrizations.weight_norm(m, dim=None),
    "parametrizations.spectral_norm": lambda lib, m:
        lib.nn.utils.parametrizations.spectral_norm(m, n_power_iterations=2),
    "weight_norm": lambda lib, m: lib.nn.utils.weight_norm(m),
    "spectral_norm": lambda lib, m: lib.nn.utils.spectral_norm(m),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("wrap", sorted(WRAPS))
def test_normalised_layers_match_torch(layer, wrap):
    make, shape = LAYERS[layer]
    ours, theirs = _pair(make, WRAPS[wrap])
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    _steps(ours, theirs, shape)
    ours.eval(), theirs.eval()
    _steps(ours, theirs, shape, steps=1)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations_matches_torch(leave):
    results = []
    for lib in (npgrad, torch):
        P = lib.nn.utils.parametrize

        class Double(lib.nn.Module):
            def forward(self, x):
                return 2 * x

            def right_inverse(self, x):
                return x / 2

        m = lib.nn.Linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.arange(6.0).reshape(2, 3))
        P.register_parametrization(m, "weight", Double())
        assert P.is_parametrized(m) and P.is_parametrized(m, "weight")
        assert not P.is_parametrized(m, "bias")
        assert P.type_before_parametrizations(m) is lib.nn.Linear
        original = m.parametrizations.weight.original
        results.append((type(m).__name__, repr(m), list(m.state_dict()), m.weight.tolist(),
                        original.tolist()))
        m.weight = lib.ones(2, 3)  # through right_inverse
        results.append(original.tolist())
        P.remove_parametrizations(m, "weight", leave_parametrized=leave)
        results.append((type(m).__name__, list(m.state_dict()), m.weight.tolist(),
                        isinstance(m.weight, lib.nn.Parameter), m.weight is original))
    half = len(results) // 2
    assert results[:half] == results[half:]


def test_chained_parametrizations_and_cached_match_torch():
    values = []
    for lib in (npgrad, torch):
        P = lib.nn.utils.parametrize
        calls = []

        class Symmetric(lib.nn.Module):
            def forward(self, x):
                calls.append(1)
                return x.triu() + x.triu(1).mT

        class Scale(lib.nn.Module):
            def forward(self, x):
                return x * 3

        m = lib.nn.Linear(3, 3)
        with lib.no_grad():
            m.weight.copy_(lib.arange(9.0).reshape(3, 3))
        P.register_parametrization(m, "weight", Symmetric())
        P.register_parametrization(m, "weight", Scale())
        with P.cached():
            a, b = m.weight, m.weight
        values.append((a.tolist(), len(calls), repr(m)))
    assert values[0] == values[1]


def test_errors_match_torch():
    for lib in (npgrad, torch):
        P = lib.nn.utils.parametrize

        class Shrink(lib.nn.Module):
            def forward(self, x):
                return x[:1]

        with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
            P.register_parametrization(lib.nn.Linear(2, 2), "nope", Shrink())
        with pytest.raises(ValueError, match="may not change the shape"):
            P.register_parametrization(lib.nn.Linear(2, 2), "weight", Shrink())
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            P.remove_parametrizations(lib.nn.Linear(2, 2), "weight")
        with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
            lib.nn.utils.remove_weight_norm(lib.nn.Linear(2, 2))
        with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
            lib.nn.utils.remove_spectral_norm(lib.nn.Linear(2, 2))
        m = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(2, 2))
        with pytest.raises(ValueError, match="Cannot leave unparametrized"):
            P.remove_parametrizations(m, "weight", leave_parametrized=False)


@pytest.mark.parametrize("name", ["weight_norm", "spectral_norm"])
def test_old_hooks_remove_back_to_one_parameter_as_torch(name):
    results = []
    for lib in (npgrad, torch):
        torch.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            m = getattr(lib.nn.utils, name)(lib.nn.Linear(3, 4))
        keys = list(m.state_dict())
        getattr(lib.nn.utils, "remove_" + name)(m)
        results.append((keys, list(m.state_dict()), [n for n, _ in m.named_parameters()]))
    assert results[0] == results[1]


def test_old_weight_norm_warns_as_torch():
    for lib in (npgrad, torch):
        with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
            lib.nn.utils.weight_norm(lib.nn.Linear(2, 2))
