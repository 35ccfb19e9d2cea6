"""Top-level names of issue #18 that the op harness cannot check by itself: gradients PyTorch
gets wrong, in-place shape changes, dtypes, and the small modules (``npgrad.accelerator``,
``npgrad.multiprocessing``, ``npgrad.masked``...), each against PyTorch 2.13."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad


def test_slice_inverse_gradient_is_as_strided_s():
    """PyTorch's own backward of slice_inverse fails, so only finite differences judge ours."""
    src = npgrad.zeros(3, 4)[:, 1:3]
    x = npgrad.randn(3, 4, dtype=npgrad.float64, requires_grad=True)
    f = lambda x: npgrad.slice_inverse(x, src, 1, 1, 3)  # noqa: E731
    assert npgrad.autograd.gradcheck(f, (x,))
    assert npgrad.autograd.gradgradcheck(f, (x,))


def test_as_strided_in_place_refuses_a_leaf_and_keeps_it():
    x = npgrad.tensor([1., 2., 3., 4.], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.as_strided_((2,), (2,))
    assert x.shape == (4,)
    y = npgrad.tensor([1., 2., 3., 4.])
    assert y.as_strided_((2, 2), (1, 1)) is y
    t = torch.tensor([1., 2., 3., 4.]).as_strided_((2, 2), (1, 1))
    np.testing.assert_array_equal(y.numpy(), t.numpy())
    assert npgrad.as_strided_(npgrad.arange(6.), (2,), (2,), 1).tolist() == [1., 3.]


def test_as_strided_in_place_gradient_matches_pytorch():
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor([1., 2., 3., 4., 5.], requires_grad=True)
        y = x * 1
        y.as_strided_((2, 2), (1, 2), 1)
        (y * lib.tensor([[1., 2.], [3., 4.]])).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_native_dropout_output_is_the_masked_scaled_input(p):
    npgrad.manual_seed(0)
    x = npgrad.randn(200, 50, requires_grad=True)
    out, mask = npgrad.native_dropout(x, p, True)
    assert mask.dtype == npgrad.bool and out.requires_grad
    scale = 0.0 if p == 1.0 else 1 / (1 - p)
    np.testing.assert_allclose(out.detach().numpy(), (x * mask * scale).detach().numpy(),
                               rtol=1e-6)
    assert abs(mask.float().mean().item() - (1 - p)) < 0.02
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), mask.numpy() * scale, rtol=1e-6)
