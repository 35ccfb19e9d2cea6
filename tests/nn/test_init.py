"""nn.init's remaining functions against PyTorch: sparse_, dirac_, the fan rules on
convolution-shaped weights, and the deprecated names without the underscore."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import npgrad


@pytest.mark.parametrize("shape", [(3, 4, 3), (4, 2, 3, 3), (6, 3, 3, 2, 3), (2, 5, 3, 3)])
@pytest.mark.parametrize("groups", [1, 2])
def test_dirac_matches_torch(shape, groups):
    if shape[0] % groups:
        with pytest.raises(ValueError, match="divisible by groups"):
            npgrad.nn.init.dirac_(npgrad.empty(*shape), groups)
        return
    ours = npgrad.nn.init.dirac_(npgrad.empty(*shape), groups).numpy()
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_dirac_convolution_passes_its_input_through():
    w = npgrad.nn.init.dirac_(npgrad.empty(3, 3, 3, 3))
    x = npgrad.randn(2, 3, 5, 5)
    np.testing.assert_allclose(npgrad.nn.functional.conv2d(x, w, padding=1).numpy(),
                               x.numpy(), atol=1e-6)


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.75])
def test_sparse_zeroes_the_same_count_per_column_as_torch(sparsity):
    ours = npgrad.nn.init.sparse_(npgrad.empty(40, 30), sparsity, std=0.5).numpy()
    theirs = torch.nn.init.sparse_(torch.empty(40, 30), sparsity, std=0.5).numpy()
    np.testing.assert_array_equal((ours == 0).sum(0), (theirs == 0).sum(0))
    assert ours[ours != 0].std() == pytest.approx(theirs[theirs != 0].std(), rel=0.15)


def test_sparse_and_dirac_refuse_what_torch_refuses():
    for lib in (npgrad, torch):
        with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
            lib.nn.init.sparse_(lib.empty(3, 4, 5), 0.5)
        with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions"):
            lib.nn.init.dirac_(lib.empty(3, 4))


@pytest.mark.parametrize("name,kwargs", [
    ("kaiming_uniform_", dict(a=math.sqrt(5))), ("kaiming_normal_", dict(mode="fan_out")),
    ("xavier_uniform_", dict(gain=2.0)), ("xavier_normal_", {}),
    ("kaiming_uniform_", dict(nonlinearity="relu", mode="fan_out"))])
def test_fan_rules_on_convolution_weights_match_torch(name, kwargs):
    """fan_in = in_channels * receptive field, fan_out = out_channels * receptive field."""
    ours = getattr(npgrad.nn.init, name)(npgrad.empty(64, 32, 5, 5), **kwargs).numpy()
    theirs = getattr(torch.nn.init, name)(torch.empty(64, 32, 5, 5), **kwargs).numpy()
    assert ours.std() == pytest.approx(theirs.std(), rel=0.03)
    if "uniform" in name:
        assert np.abs(ours).max() <= np.abs(theirs).max() * 1.001 + 1e-6
        assert np.abs(ours).max() >= np.abs(theirs).max() * 0.99


def test_zero_element_tensors_warn_as_torch():
    for lib in (npgrad, torch):
        with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
            lib.nn.init.kaiming_uniform_(lib.empty(0, 3))


DEPRECATED = ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform",
              "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]


@pytest.mark.parametrize("name", DEPRECATED)
def test_deprecated_names_warn_as_torch_and_initialise(name):
    args = {"constant": (0.3,), "sparse": (0.5,)}.get(name, ())
    shape = (4, 3, 3) if name == "dirac" else (4, 3)
    messages = []
    for lib in (npgrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.manual_seed(0)
            t = getattr(lib.nn.init, name)(lib.empty(*shape), *args)
        messages.append([(w.category, str(w.message)) for w in caught])
        assert tuple(t.shape) == shape
    assert messages[0] == messages[1]
    if name in ("constant", "eye", "dirac"):  # deterministic fills
        np.testing.assert_array_equal(t.numpy(), getattr(npgrad.nn.init, name + "_")(
            npgrad.empty(*shape), *args).numpy())
