"""autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp): values, result structure,
options and errors against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

RNG = np.random.default_rng(3)
X = RNG.standard_normal((2, 3))
Y = RNG.standard_normal(3)
V2 = RNG.standard_normal(2)


def same(a, t, check_rg: bool = True) -> None:
    """The same structure (tuple/list/Tensor) and values."""
    if isinstance(t, (tuple, list)):
        assert type(a) is type(t) and len(a) == len(t), (type(a), type(t))
        for x, y in zip(a, t):
            same(x, y, check_rg)
        return
    assert isinstance(a, npgrad.Tensor), type(a)
    assert tuple(a.shape) == tuple(t.shape), (a.shape, t.shape)
    assert a.requires_grad == t.requires_grad or not check_rg
    np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-9)


def both(name, f, inputs, check_rg: bool = True, **kwargs):
    """``autograd.functional.<name>`` of ``f`` in both libraries (arrays become tensors)."""
    out = []
    for lib in (npgrad, torch):
        conv = lambda v: tuple(lib.tensor(a) for a in v) if isinstance(v, tuple) \
            else lib.tensor(v)
        kw = {k: conv(v) if isinstance(v, (tuple, np.ndarray)) else v
              for k, v in kwargs.items()}
        out.append(getattr(lib.autograd.functional, name)(
            lambda *a: f(lib, *a), conv(inputs), **kw))
    same(*out, check_rg=check_rg)


def f_vec(lib, a):
    return (a.sin() * a).sum(1)


def f_pair(lib, a, b):
    return (a * b).exp().sum(), a @ b


def f_scalar(lib, a):
    return (a.sin() * a).sum()


def f_scalar2(lib, a, b):
    return ((a @ b).tanh() * b.sum()).sum()


@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_and_jvp(create_graph):
    both("vjp", f_vec, X, v=V2, create_graph=create_graph)
    both("vjp", f_scalar, X, create_graph=create_graph)
    both("vjp", f_pair, (X, Y), v=(np.array(1.5), V2), create_graph=create_graph)
    both("jvp", f_vec, X, v=X * 0.5, create_graph=create_graph)
    both("jvp", f_pair, (X, Y), v=(X, Y), create_graph=create_graph)


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_structures(vectorize):
    both("jacobian", f_vec, X, vectorize=vectorize)
    both("jacobian", f_pair, (X, Y), vectorize=vectorize)
    both("jacobian", f_pair, (X, Y), create_graph=True, vectorize=vectorize)
    both("jacobian", lambda lib, a: (a.sum(), a * 2), X, vectorize=vectorize)
    both("jacobian", lambda lib, a: a * 2, (X,), vectorize=vectorize)


def test_jacobian_forward_mode_gives_pytorchs_lists():
    both("jacobian", f_vec, X, vectorize=True, strategy="forward-mode")
    both("jacobian", f_pair, (X, Y), vectorize=True, strategy="forward-mode")
    both("jacobian", lambda lib, a: (a.sum(), a * 2), X, vectorize=True,
         strategy="forward-mode")


def test_hessian_and_products():
    both("hessian", f_scalar, X)
    both("hessian", f_scalar2, (X, Y))
    both("hessian", f_scalar2, (X, Y), create_graph=True)
    # (PyTorch's forward-over-reverse Hessian requires grad even without create_graph, a
    # side effect of its implementation; npgrad's does not)
    both("hessian", f_scalar, X, vectorize=True, outer_jacobian_strategy="forward-mode",
         check_rg=False)
    for name in ("vhp", "hvp"):
        both(name, f_scalar, X, v=X * 0.3)
        both(name, f_scalar2, (X, Y), v=(X, Y))


def test_unused_inputs_give_zeros_or_strict_errors():
    both("vjp", lambda lib, a, b: a.sum() * 2, (X, Y))
    both("jacobian", lambda lib, a, b: a * 2, (X, Y))
    for lib in (npgrad, torch):
        F = lib.autograd.functional
        x, y = lib.tensor(X), lib.tensor(Y)
        with pytest.raises(RuntimeError, match="independent of input 1"):
            F.vjp(lambda a, b: a.sum(), (x, y), strict=True)
        with pytest.raises(RuntimeError, match="does not require gradients"):
            F.jacobian(lambda a: lib.ones(2), x, strict=True)


def test_errors_as_pytorch():
    for lib in (npgrad, torch):
        F = lib.autograd.functional
        x = lib.tensor(X)
        with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
            F.vjp(lambda a: a, 3)
        with pytest.raises(TypeError, match="outputs of the user-provided function"):
            F.jacobian(lambda a: 3, x)
        with pytest.raises(RuntimeError, match="v has invalid size"):
            F.vjp(lambda a: a.sum(1), x, lib.ones(3))
        with pytest.raises(RuntimeError, match="can only be None if"):
            F.vjp(lambda a: a * 2, x)
        with pytest.raises(RuntimeError, match="should contain a single element"):
            F.hessian(lambda a: a * 2, x)
        with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
            F.jacobian(lambda a: a, x, strategy="forward-mode")
        with pytest.raises(RuntimeError, match="are not supported together"):
            F.jacobian(lambda a: a, x, strict=True, vectorize=True)
