"""nn.grad (a convolution's gradients with respect to its input and weight) against
PyTorch, and its own differentiability."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

CASES = [
    (1, (2, 4, 9), (6, 2, 3), dict(stride=2, padding=1, groups=2)),
    (2, (2, 3, 7, 6), (4, 3, 3, 2), dict(stride=(2, 1), padding=1, dilation=(1, 2))),
    (3, (1, 2, 4, 5, 4), (3, 2, 2, 2, 2), dict(padding=1)),
]


@pytest.mark.parametrize("n,x_shape,w_shape,kw", CASES)
def test_conv_input_and_weight_gradients_match_torch(n, x_shape, w_shape, kw):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    conv = getattr(torch.nn.functional, f"conv{n}d")
    g = rng.standard_normal(tuple(conv(torch.tensor(x), torch.tensor(w), **kw).shape))
    results = []
    for lib in (npgrad, torch):
        G = lib.nn.grad
        gi = getattr(G, f"conv{n}d_input")(x_shape, lib.tensor(w), lib.tensor(g), **kw)
        gw = getattr(G, f"conv{n}d_weight")(lib.tensor(x), w_shape, lib.tensor(g), **kw)
        results.append((gi.numpy(), gw.numpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_conv_input_gradient_is_differentiable_in_the_weight():
    x_shape = (1, 2, 5, 5)
    w = npgrad.randn(3, 2, 3, 3, dtype=npgrad.float64, requires_grad=True)
    g = npgrad.randn(1, 3, 3, 3, dtype=npgrad.float64, requires_grad=True)
    assert npgrad.autograd.gradcheck(
        lambda w, g: npgrad.nn.grad.conv2d_input(x_shape, w, g), (w, g))
