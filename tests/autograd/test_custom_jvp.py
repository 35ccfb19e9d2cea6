"""A custom autograd.Function's own jvp in forward-mode AD, and gradcheck's forward-mode
check (check_forward_ad / check_backward_ad), as PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest

import npgrad
import npgrad.autograd.forward_ad as fwAD


class ScaledPair(npgrad.autograd.Function):
    """(a * b * k, a + b) with a hand-written jvp and no backward."""

    @staticmethod
    def forward(ctx, a, b, k):
        ctx.k = k
        return a * b * k, a + b

    @staticmethod
    def jvp(ctx, ta, tb, tk):
        ScaledPair.seen = (ta, tb, tk)
        return ta * ctx.k, ta + tb


def test_the_function_s_jvp_gives_the_tangents():
    a, b = npgrad.ones(2), npgrad.full((2,), 2.0)
    with fwAD.dual_level():
        prod, total = ScaledPair.apply(fwAD.make_dual(a, npgrad.ones(2)), b, 3.0)
        assert fwAD.unpack_dual(prod).tangent.tolist() == [3.0, 3.0]
        assert fwAD.unpack_dual(total).tangent.tolist() == [1.0, 1.0]
    ta, tb, tk = ScaledPair.seen  # zeros for a Tensor without tangent, None for a number
    assert ta.tolist() == [1.0, 1.0] and tb.tolist() == [0.0, 0.0] and tk is None


def test_apply_bound_before_the_dual_level_still_sees_it():
    fn = ScaledPair.apply  # as tutorials write it, outside the level
    with fwAD.dual_level():
        prod, _ = fn(fwAD.make_dual(npgrad.ones(2), npgrad.ones(2)), npgrad.ones(2), 2.0)
        assert fwAD.unpack_dual(prod).tangent.tolist() == [2.0, 2.0]


class Exp(npgrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.result = npgrad.exp(x)
        return ctx.result

    @staticmethod
    def jvp(ctx, t):
        return t * ctx.result


class WrongExp(Exp):
    @staticmethod
    def jvp(ctx, t):
        return 2 * t * ctx.result


def test_gradcheck_checks_forward_ad_only_when_asked():
    x = npgrad.randn(3, 2, dtype=npgrad.float64, requires_grad=True)
    assert npgrad.autograd.gradcheck(Exp.apply, (x,), check_forward_ad=True,
                                     check_backward_ad=False)
    with pytest.raises(RuntimeError, match="(?i)forward"):  # GradcheckError
        npgrad.autograd.gradcheck(WrongExp.apply, (x,), check_forward_ad=True,
                                  check_backward_ad=False)
    assert not npgrad.autograd.gradcheck(WrongExp.apply, (x,), check_forward_ad=True,
                                         check_backward_ad=False, raise_exception=False)
    with pytest.raises(NotImplementedError):  # backward is checked by default: Exp has none
        npgrad.autograd.gradcheck(Exp.apply, (x,))


def test_gradcheck_forward_ad_of_ordinary_ops():
    a = npgrad.randn(2, 2, dtype=npgrad.float64, requires_grad=True)
    b = npgrad.randn(2, 2, dtype=npgrad.float64, requires_grad=True)
    assert npgrad.autograd.gradcheck(lambda p, q: (p * q.sin(), (p @ q).sum()), (a, b),
                                     check_forward_ad=True)
    np.testing.assert_equal(a.grad, None)  # gradcheck leaves .grad alone
