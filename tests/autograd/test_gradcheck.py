"""gradcheck / gradgradcheck: PyTorch's signatures, passing on correct functions, failing on a
wrong custom backward."""
from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import GradcheckError, gradcheck, gradgradcheck


def _x(*shape, seed=0):
    rs = np.random.default_rng(seed)
    return npgrad.tensor(rs.uniform(0.5, 1.5, shape), requires_grad=True)


@pytest.mark.parametrize("name", ["gradcheck", "gradgradcheck"])
def test_signature_matches_torch(name):
    ours = inspect.signature(getattr(npgrad.autograd, name))
    theirs = inspect.signature(getattr(torch.autograd, name))
    assert list(ours.parameters) == list(theirs.parameters)
    for p, q in zip(ours.parameters.values(), theirs.parameters.values()):
        assert p.kind == q.kind, p.name
        assert p.default == q.default or (p.default is None and q.default is None), p.name


def test_public_names():
    assert npgrad.autograd.gradcheck is gradcheck
    assert issubclass(GradcheckError, RuntimeError)
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError
    assert issubclass(TorchGradcheckError, RuntimeError)


def test_user_functions_pass():
    a, b = _x(3), _x(2, 3, seed=1)
    assert gradcheck(lambda x, y: (x * y).exp() / (x + 2), (a, b))
    assert gradcheck(lambda x: (x * x).sum(), a)              # a single tensor as inputs
    assert gradcheck(lambda x, k: x ** k, (a, 3))              # non-tensor inputs pass through
    assert gradcheck(lambda x, y: (x * y, x.sum()), (a, b))    # several outputs
    assert gradgradcheck(lambda x, y: (x * y).exp() / (x + 2), (a, b))
    assert gradgradcheck(lambda x: (x.log() * x).sum(), (a,))


def test_input_without_grad_is_constant():
    a = _x(3)
    c = npgrad.tensor([1.0, 2.0, 3.0], dtype=npgrad.float64)
    assert gradcheck(lambda x, y: x * y, (a, c))


def test_no_input_requires_grad_raises():
    with pytest.raises(ValueError):
        gradcheck(lambda x: x * 2, (npgrad.ones(2, dtype=npgrad.float64),))


def test_float32_input_warns():
    x = npgrad.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="double precision"):
        gradcheck(lambda t: t * 2, (x,), atol=1e-2, rtol=1e-2, eps=1e-3)


class _WrongBackward(npgrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x          # should be 2x


class _WrongDoubleBackward(npgrad.autograd.Function):
    """Right first derivative (2x), but built from a detached x: no second derivative."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x.detach()


def test_wrong_custom_backward_fails():
    a = _x(3)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(_WrongBackward.apply, (a,))
    assert gradcheck(_WrongBackward.apply, (a,), raise_exception=False) is False
    assert gradcheck(_WrongDoubleBackward.apply, (a,))
    with pytest.raises(GradcheckError):
        gradgradcheck(_WrongDoubleBackward.apply, (a,))
    assert gradgradcheck(_WrongDoubleBackward.apply, (a,), raise_exception=False) is False


def test_torch_agrees_on_the_wrong_backward():
    class Wrong(torch.autograd.Function):
        forward = staticmethod(_WrongBackward.forward)
        backward = staticmethod(_WrongBackward.backward)

    t = torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(Wrong.apply, (t,), raise_exception=False) is False


def test_gradgradcheck_with_explicit_grad_outputs():
    a = _x(2, 2)
    v = npgrad.tensor(np.ones((2, 2)) * 0.5, requires_grad=True)
    assert gradgradcheck(lambda x: x.exp() * x, (a,), (v,))


def test_inputs_unchanged_after_check():
    a = _x(3)
    before = a.detach().numpy().copy()
    gradcheck(lambda x: x.exp(), (a,))
    np.testing.assert_array_equal(a.detach().numpy(), before)
    assert a.grad is None
