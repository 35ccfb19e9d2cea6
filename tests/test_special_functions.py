"""The ``torch.special`` functions of npgrad's NumPy kernels (Bessel, polynomials, zeta,
incomplete gamma, erfcx) against PyTorch, beyond the op specs (tests/ops/specs/special.py):
float64 agreement to ~1e-12 wherever PyTorch's own kernels are that accurate, ``out=``, the
derivatives PyTorch refuses, and argument errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import npgrad

RNG = np.random.default_rng(0)


def _both(name: str, *arrays, lib_ns=("special",)):
    """(npgrad's, PyTorch's) values of special.NAME on the same float64 arrays."""
    ours = getattr(npgrad.special, name)(*[npgrad.tensor(a) for a in arrays]).numpy()
    theirs = getattr(torch.special, name)(*[torch.tensor(a) for a in arrays]).numpy()
    return ours, theirs


def _close(ours, theirs, rtol, atol=0.0):
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


# ---------------------------------------------------------------------------------------------
# Accuracy (float64) where PyTorch's kernels are accurate
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["chebyshev_polynomial_t", "chebyshev_polynomial_u",
                                  "chebyshev_polynomial_v", "chebyshev_polynomial_w",
                                  "shifted_chebyshev_polynomial_t", "hermite_polynomial_h",
                                  "hermite_polynomial_he", "laguerre_polynomial_l",
                                  "legendre_polynomial_p"])
def test_polynomials_agree_to_rounding(name):
    x = np.concatenate([RNG.uniform(-1.3, 1.3, 200), [-1.0, 0.0, 1.0, 0.5]])[:, None]
    n = np.array([-1.0, 0.0, 1.0, 2.0, 5.0, 8.0, 9.0, 13.0, 40.0, 3.7])
    # (PyTorch's compiled recurrences fuse multiply-adds: the last digits may differ)
    _close(*_both(name, x, n), rtol=1e-11, atol=1e-12)


def test_polynomials_float32_round_like_pytorch():
    # float32 steps are rounded once, as PyTorch's fused multiply-adds: even the overflow
    # boundary agrees (U_100(1.4179) is 3.29e38, whose last step overflows unfused)
    x = np.float32([1.4178864, 0.93981, -0.77497])
    for name in ("chebyshev_polynomial_u", "legendre_polynomial_p", "hermite_polynomial_he"):
        ours = getattr(npgrad.special, name)(npgrad.tensor(x), 100.0).numpy()
        theirs = getattr(torch.special, name)(torch.tensor(x), 100.0).numpy()
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name,low,high", [
    ("bessel_j0", 1e-8, 2.5), ("bessel_j1", 1e-8, 2.5), ("bessel_y0", 1e-8, 2.5),
    ("bessel_y1", 1e-8, 2.5), ("bessel_j0", 25.0, 200.0), ("bessel_y1", 25.0, 200.0),
    ("modified_bessel_i0", -700.0, 700.0), ("modified_bessel_i1", -700.0, 700.0),
    ("modified_bessel_k0", 1e-8, 700.0), ("modified_bessel_k1", 1e-8, 700.0),
    ("scaled_modified_bessel_k0", 1e-3, 1e4), ("scaled_modified_bessel_k1", 1e-3, 1e4),
    ("spherical_bessel_j0", -50.0, 50.0), ("airy_ai", -1.9, 30.0), ("airy_ai", -15.0, -5.0),
    ("erfcx", -25.0, 1e4)])
def test_unary_functions_agree(name, low, high):
    x = RNG.uniform(low, high, 2000)
    ours, theirs = _both(name, x)
    # relative where the functions are far from their zeros, absolute near them
    _close(ours, theirs, rtol=2e-12, atol=2e-14 * np.max(np.abs(theirs)))


@pytest.mark.parametrize("name", ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
                                  "airy_ai"])
def test_where_pytorchs_float64_is_inaccurate_float32_agrees(name):
    # PyTorch's float64 J, Y are off by up to 4e-7 in (3, 20), Ai by 3e-6 in (-4, -2.1)
    x = np.float32(RNG.uniform(-4.0, -2.0, 500) if name == "airy_ai"
                   else RNG.uniform(-20.0, 20.0, 500))
    ours = getattr(npgrad.special, name)(npgrad.tensor(x)).numpy()
    theirs = getattr(torch.special, name)(torch.tensor(x)).numpy()
    _close(ours, theirs, rtol=1e-4, atol=2e-6)


def test_polynomial_degrees_at_the_edges():
    # non-finite and out-of-int64 degrees are negative (0), fractions truncate, Hermite is nan
    # above 512 (128 in float32), huge degrees of bounded recurrences end in nan or overflow
    n = np.array([np.inf, -np.inf, np.nan, 1e20, -1e20, 2.9, -0.5, 513.0, 129.0, 5000.0])
    x = np.array([[0.3], [-0.7], [1.5], [1.0], [-1.0], [0.0]])
    for dtype in (np.float64, np.float32):
        for name in ("chebyshev_polynomial_t", "chebyshev_polynomial_v",
                     "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
                     "hermite_polynomial_he", "legendre_polynomial_p", "laguerre_polynomial_l"):
            ours, theirs = _both(name, x.astype(dtype), n.astype(dtype))
            _close(ours, theirs, rtol=1e-9 if dtype == np.float64 else 1e-4, atol=1e-12)


def test_bessel_special_values_are_pytorchs():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300, -1.5, 1e5])
    for name in ("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
                 "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
                 "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                 "spherical_bessel_j0", "airy_ai", "erfcx"):
        ours, theirs = _both(name, x)
        _close(ours, theirs, rtol=1e-9, atol=1e-300)


def test_zeta_is_pytorchs_to_the_last_digit():
    x = np.concatenate([RNG.uniform(1.0, 60.0, 500), np.round(RNG.uniform(2, 8, 100))])
    q = np.concatenate([RNG.uniform(1e-3, 1e3, 500), RNG.uniform(-20, 0, 100)])
    ours, theirs = _both("zeta", x, q)
    _close(ours, theirs, rtol=1e-14)
    specials = np.array([np.nan, -np.inf, -2.0, -1.5, 0.0, 0.5, 1.0, 2.0, 1e30, np.inf])
    _close(*_both("zeta", specials[:, None], specials), rtol=1e-14)


@pytest.mark.parametrize("low,high", [(1e-3, 1.0), (0.5, 15.0), (300.0, 1e5)])
def test_incomplete_gamma_agrees(low, high):
    # (PyTorch's asymptotic branch, a > 20 and |x - a| < 0.3 a, is off by ~1e-9 (npgrad
    # agrees with mpmath there to ~1e-14): left out)
    a = np.exp(RNG.uniform(np.log(low), np.log(high), 600))
    spread = RNG.uniform(0.31, 1.0, 600) * RNG.choice([-1, 1], 600)
    x = a * np.exp(np.where(a > 20, spread, RNG.uniform(-1.0, 1.0, 600)))
    for name in ("gammainc", "gammaincc"):
        # (values down to 1e-300: the exponent -a D(x/a) carries ~1e-16 a of rounding)
        _close(*_both(name, a, x), rtol=2e-11, atol=1e-300)


# ---------------------------------------------------------------------------------------------
# out=, gradients, errors
# ---------------------------------------------------------------------------------------------

def test_out_receives_the_result():
    x = npgrad.tensor([0.5, 1.5])
    out = npgrad.empty(2, dtype=npgrad.float64)
    assert npgrad.special.bessel_j0(x, out=out) is out
    np.testing.assert_allclose(out.numpy(), torch.special.bessel_j0(torch.tensor([0.5, 1.5])))
    assert out.dtype == npgrad.float64
    out = npgrad.empty(3)
    with pytest.warns(UserWarning, match="resized"):
        npgrad.special.zeta(x + 1, 2.0, out=out)
    assert tuple(out.shape) == (2,)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        npgrad.special.chebyshev_polynomial_t(x, 2, out=npgrad.empty(2, dtype=npgrad.long))
    empty = npgrad.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # no warning for an empty out
        npgrad.igamma(x, x, out=empty)
    assert tuple(empty.shape) == (2,)


def test_out_refuses_autograd_where_the_op_is_differentiable():
    x = npgrad.tensor([0.5, 1.5], requires_grad=True)
    npgrad.special.bessel_y0(x, out=npgrad.empty(2))     # not differentiable: allowed
    for call in (lambda o: npgrad.special.erfcx(x, out=o),
                 lambda o: npgrad.special.zeta(2.0, x, out=o),
                 lambda o: npgrad.special.gammaincc(x.detach(), x, out=o)):
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            call(npgrad.empty(2))


def test_no_graph_for_bessel_and_polynomials():
    x = npgrad.tensor([0.5, 1.5], requires_grad=True)
    assert not npgrad.special.modified_bessel_k1(x).requires_grad
    assert not npgrad.special.hermite_polynomial_h(x, x).requires_grad


@pytest.mark.parametrize("lib", [npgrad, torch])
def test_derivatives_pytorch_does_not_implement(lib):
    a = lib.tensor([2.0], requires_grad=True)
    x = lib.tensor([1.5], requires_grad=True)
    for fn, node in ((lib.igamma, "IgammaBackward0"), (lib.igammac, "IgammacBackward0"),
                     (lib.special.zeta, "SpecialZetaBackward0")):
        y = fn(a, x)
        assert y.grad_fn.name() == node
        with pytest.raises(NotImplementedError, match="derivative for '(igammac?: input|zeta)'"):
            y.sum().backward()
    assert lib.special.zeta(2.0, x).grad_fn.name() == "SpecialZetaBackward1"
    assert lib.special.zeta(a, 2.0).grad_fn.name() == "SpecialZetaBackward2"
    assert lib.special.erfcx(x).grad_fn.name() == "SpecialErfcxBackward0"


def test_gradients_match():
    a, xv = np.array([0.3, 2.0, 7.5]), np.array([0.2, 2.5, 5.0])
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor(xv, requires_grad=True)
        (lib.igamma(lib.tensor(a), x).sum() + lib.special.gammaincc(lib.tensor(a), x).sum() * 2
         + lib.special.zeta(lib.tensor(a) + 1.5, x).sum() + lib.special.erfcx(x).sum()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(*grads, rtol=1e-12)


@pytest.mark.parametrize("lib", [npgrad, torch])
def test_argument_errors(lib):
    x = lib.tensor([1.0, 2.0])
    with pytest.raises(NotImplementedError, match="not implemented for 'Half'"):
        lib.special.bessel_j1(x.half())
    with pytest.raises(NotImplementedError, match="not implemented for 'BFloat16'"):
        lib.special.legendre_polynomial_p(x.bfloat16(), 2)
    with pytest.raises(NotImplementedError, match="\"igamma_cpu\" not implemented for 'Long'"):
        lib.igamma(lib.tensor([1, 2]), lib.tensor([1, 2]))
    with pytest.raises(TypeError):
        lib.special.gammainc(x, 2.0)
    with pytest.raises(TypeError):
        lib.special.zeta(2, 3)
    with pytest.raises(TypeError):
        lib.special.airy_ai([1.0])
    with pytest.raises(RuntimeError, match="size of tensor a"):
        lib.special.zeta(lib.ones(2), lib.ones(3))
    with pytest.raises(RuntimeError, match="can't be cast"):
        lib.tensor([1, 2]).igamma_(x)
    # float16 is computed (PyTorch's igamma has Half and BFloat16 kernels)
    assert lib.igammac(x.half(), x.half()).dtype == lib.float16


def test_inplace_methods():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0, 3.0])
        assert x.igamma_(lib.tensor([1.0])) is x
    ours = npgrad.tensor([1.0, 2.0]).igammac_(npgrad.tensor([0.5, 4.0])).numpy()
    theirs = torch.tensor([1.0, 2.0]).igammac_(torch.tensor([0.5, 4.0])).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
