"""Gradients and values at NaN, +-inf and +-0 that the differential fuzzer (issue #16) found
different from PyTorch's: each case runs in both libraries and compares values and the
gradients of every input, NaN positions and the signs of infinities included."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

INF, NAN = float("inf"), float("nan")


def _np(t) -> np.ndarray:
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach()._data)


def _same(ours: np.ndarray, theirs: np.ndarray, what: str) -> None:
    assert ours.shape == theirs.shape, what
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)), f"{what}: {ours} vs {theirs}"
    fin = ~np.isnan(theirs)
    rtol = 1e-6 if theirs.dtype == np.float64 else 1e-4
    np.testing.assert_allclose(ours[fin], theirs[fin], rtol=rtol, atol=1e-12, err_msg=what)


def check(fn, *inputs, upstream=None, dtype="float64") -> None:
    """``fn(lib, *tensors)`` in npgrad and PyTorch: the outputs, then the gradients of every
    float input for the given upstream gradient (ones if not given)."""
    results = []
    for lib in (npgrad, torch):
        xs = [lib.tensor(np.array(x, dtype=dtype if np.asarray(x).dtype.kind == "f"
                                  else np.asarray(x).dtype)) for x in inputs]
        for x in xs:
            if x.is_floating_point():
                x.requires_grad_(True)
        out = fn(lib, *xs)
        g = np.ones(tuple(out.shape)) if upstream is None else np.asarray(upstream, float)
        out.backward(lib.tensor(g.astype(dtype)))
        results.append((_np(out), [None if x.grad is None else _np(x.grad) for x in xs]))
    (out_o, grads_o), (out_t, grads_t) = results
    _same(out_o, out_t, "output")
    for i, (a, b) in enumerate(zip(grads_o, grads_t)):
        if b is not None:
            _same(np.zeros_like(b) if a is None else a, b, f"grad of input {i}")


def test_pow_scalar_minus_half_is_rsqrt():
    # PyTorch: x ** -0.5 is rsqrt (-inf at -0, nan at -inf); so is x ** 0.5's derivative
    check(lambda lib, x: x ** -0.5, [-0.0, 0.0, -INF, 4.0])
    check(lambda lib, x: x.pow(0.5), [-0.0, 0.0, 4.0], upstream=[1.0, -1.0, 2.0])


def test_pow_grad_multiplies_grad_last():
    # a tiny exponent times a small grad underflows to 0 before meeting 0 ** (b - 1) = inf
    check(lambda lib, x, y: x ** y, [0.0, 0.0], [-5e-324, 1e-300], upstream=[0.5, 0.5])
    # a nan or inf upstream gradient is not masked where d/db is defined as 0 (0 ** b, b >= 0)
    check(lambda lib, x, y: x ** y, [0.0, 2.0], [2.0, 1.0], upstream=[NAN, INF])
    check(lambda lib, y: lib.pow(0.0, y), [1.0, -1.0], upstream=[NAN, 1.0])


def test_pow_zero_exponent_grad_is_zero_for_nan_grad():
    check(lambda lib, x: x ** 0, [1.0, NAN], upstream=[NAN, INF])


def test_prelu_infinite_slope_leaves_positive_inputs_alone():
    # where(x > 0, x, x * w) sent 0 * inf = nan into the gradient of every positive x
    check(lambda lib, x, w: lib.nn.functional.prelu(x, w),
          [[1.5, -2.0, 0.5], [-1.0, 3.0, NAN]], [INF], upstream=[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    check(lambda lib, x, w: lib.nn.functional.prelu(x, w), [[1.5, -2.0], [0.5, -1.0]],
          [-1e30, INF])


def test_prelu_refuses_a_2d_weight():
    for lib in (npgrad, torch):
        with pytest.raises(RuntimeError, match="scalar or 1D"):
            lib.nn.functional.prelu(lib.ones(2, 3, 4), lib.ones(1, 3))


@pytest.mark.parametrize("loss", ["smooth_l1_loss", "huber_loss"])
def test_smooth_l1_and_huber_at_infinite_and_nan_differences(loss):
    # the masked quadratic branch put 0 * inf = nan into the gradient at an infinite
    # difference (PyTorch: +-1); a nan difference has a nan gradient in both
    check(lambda lib, x, t: getattr(lib.nn.functional, loss)(x, t, reduction="none"),
          [-INF, 2.0, NAN, 0.5, INF], [0.5, 1.0, 0.0, -INF, 1.0])


def test_renorm_gradient_of_unscaled_nan_and_inf_slices():
    # slices that are not scaled pass grad through unchanged, even when they hold nan
    x = [[NAN, 1.0, 0.5], [0.1, 0.2, 0.1], [3.0, -4.0, 1e-30], [-INF, 1.0, 2.0]]
    check(lambda lib, x: lib.renorm(x, 2, 0, 1.0), x, upstream=np.arange(12.0).reshape(4, 3))


def test_addcmul_addcdiv_gradients_in_pytorchs_order():
    # an empty output gives zero gradients (the composite summed grad first, then met a nan)
    check(lambda lib, x, a, b: lib.addcmul(x, a, b), np.zeros((0, 3)), [-1.8, 1.0, NAN], [0.0])
    # value / t2 and value * t1 / (t2 * t2): a subnormal t2 squares to 0, so the gradient is inf
    check(lambda lib, x, a, b: lib.addcdiv(x, a, b), [1.0, 2.0, 3.0], [0.0, 1.0, 2.0],
          [0.5, -5e-324, 0.8])
    check(lambda lib, x, a, b: lib.addcmul(x, a, b, value=-2), [[1.0, 2.0]], [INF],
          [[1e-300], [0.0]], upstream=[[1.0, 1e-300], [2.0, 3.0]])


def test_logit_gradient_at_signed_zero_is_grad_times_inf():
    check(lambda lib, x: lib.logit(x), [-0.0, 0.0, 1.0, 0.5], upstream=[1.0, -1.0, 2.0, 1.0])


@pytest.mark.parametrize("name", ["i1", "i1e", "i0e"])
def test_bessel_i1_derivative_near_zero(name):
    # I1(x) / x lost all precision at a subnormal float32 x (1 or 0 for the limit 1/2)
    check(lambda lib, x: getattr(lib.special, name)(x), [-1.4e-45, 1.4e-45, 1e-30, -7.5],
          dtype="float32")


def test_log_ndtr_float32_second_derivative_below_minus_nine():
    # log(ndtr(x))'s second derivative divided by ndtr(x) ** 2, 0 in float32 there: inf
    x = npgrad.tensor([-9.3, -9.0, -8.8], requires_grad=True)
    g, = npgrad.autograd.grad(npgrad.special.log_ndtr(x).sum(), x, create_graph=True)
    gg, = npgrad.autograd.grad(g.sum(), x)
    # -f'(x) (x + f'(x)) with f' = phi / Phi, from mpmath at 50 digits
    np.testing.assert_allclose(gg.numpy(), [-0.98917, -0.98849, -0.98799], rtol=1e-4)


def test_hardswish_below_minus_three_is_x_times_zero():
    # PyTorch's x * relu6(x + 3) / 6: -0 below -3 and nan at -inf, gradient 0 there
    check(lambda lib, x: lib.nn.functional.hardswish(x), [-INF, -5.0, -3.0, INF, NAN, 1.0])


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2),
    lambda lib, x: lib.nn.functional.interpolate(x, size=5, mode="nearest-exact"),
    lambda lib, x: lib.nn.functional.interpolate(x, size=2, mode="area"),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool1d(x, 3),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="linear"),
], ids=["nearest", "nearest-exact", "area", "adaptive_avg", "linear"])
def test_resampling_keeps_nan_and_inf_to_the_outputs_that_read_them(fn):
    # the matmul with the resampling matrix spread 0 * nan to every output of the row
    check(fn, [[[NAN, 1.0, 2.0, 3.0], [INF, 1.0, -INF, 4.0]]])


def test_kl_div_is_xlogy_of_the_target():
    # PyTorch: xlogy(t, t) - t * input; a negative target is nan (npgrad gave 0)
    check(lambda lib, x, t: lib.nn.functional.kl_div(x, t, reduction="none"),
          [-0.3, 0.5, NAN, -INF, 0.2], [0.7, -1e-30, 0.1, 0.4, 0.0])


def test_binary_cross_entropy_gradients_are_pytorchs_formulas():
    # d/dx = (x - t) / max(x (1 - x), 1e-12): 1e10-scale at x = 1e-28, not 1 / x;
    # d/dt = -logit(x), inf at 0 and -inf at 1
    check(lambda lib, x, t: lib.nn.functional.binary_cross_entropy(x, t, reduction="none"),
          [1e-28, 0.0, 0.5, 1.0, 1 - 1e-16], [0.3, 0.2, 0.1, 0.9, 0.5])
