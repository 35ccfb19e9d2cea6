"""create_graph=True against PyTorch: grad of grad, Hessian-vector products, third
derivatives."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import grad as ng_grad

from ._util import close, pair


def _derivatives(lib, x, fn, n):
    """The first ``n`` derivatives of ``fn(x).sum()`` with respect to ``x``."""
    out, y = [], fn(x).sum()
    for _ in range(n):
        (y,) = lib.autograd.grad(y, x, create_graph=True)
        out.append(y)
        y = y.sum()
    return out


FUNCS = {
    "cube": lambda x: x ** 3,
    "exp": lambda x: x.exp(),
    "exp_of_square": lambda x: (x * x).exp(),
    "log_sqrt": lambda x: (x * x + 1).log() * (x * x + 2).sqrt(),
    "quotient": lambda x: x / (x * x + 1),
    "pow_tensor": lambda x: (x * x + 1) ** (x * 0.5),
    "sin_cos": lambda x: (x.sin() * x).cos(),
    "tanh_sigmoid": lambda x: x.tanh() * x.sigmoid(),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_third_derivative_matches_torch(name):
    a, t = pair([0.3, -1.2, 2.0])
    da = _derivatives(npgrad, a, FUNCS[name], 3)
    dt = _derivatives(torch, t, FUNCS[name], 3)
    for x, y in zip(da, dt):
        close(x, y, rtol=1e-10)
        assert x.requires_grad


def test_cube_derivatives_closed_form():
    a, _ = pair([2.0])
    d1, d2, d3 = _derivatives(npgrad, a, lambda x: x ** 3, 3)
    assert d1.item() == 12.0 and d2.item() == 12.0 and d3.item() == 6.0


@pytest.mark.filterwarnings("ignore:Using backward")
def test_grad_of_grad_via_backward_create_graph():
    a, t = pair([1.5, -0.5])
    for x in (a, t):
        y = (x ** 3).sum()
        y.backward(create_graph=True)
        g = x.grad
        assert g.requires_grad
        x.grad = None
        g.sum().backward()
    close(a.grad, t.grad)


def test_hessian_vector_product():
    rs = np.random.default_rng(1)
    A = rs.standard_normal((4, 4))
    v = rs.standard_normal(4)
    a, t = pair(rs.standard_normal(4))
    results = []
    for lib, x in ((npgrad, a), (torch, t)):
        M = lib.tensor(A)
        f = ((M @ x) ** 2).sum() + (x * x * x).sum()
        (g,) = lib.autograd.grad(f, x, create_graph=True)
        (hv,) = lib.autograd.grad(g, x, grad_outputs=lib.tensor(v))
        results.append(hv)
    close(results[0], results[1], rtol=1e-10)
    # and against the closed form: H = 2 A^T A + diag(6 x)
    H = 2 * A.T @ A + np.diag(6 * a.detach().numpy())
    np.testing.assert_allclose(results[0].numpy(), H @ v, rtol=1e-10)


def test_mixed_partials_two_inputs():
    a, t = pair([1.0, 2.0])
    b, u = pair([0.5, -1.0])
    res = []
    for lib, x, y in ((npgrad, a, b), (torch, t, u)):
        f = (x * x * y + (x * y).exp()).sum()
        gx, gy = lib.autograd.grad(f, [x, y], create_graph=True)
        (gxy,) = lib.autograd.grad(gx.sum(), y, retain_graph=True)
        (gyx,) = lib.autograd.grad(gy.sum(), x)
        res.append((gxy, gyx))
    close(res[0][0], res[1][0], rtol=1e-10)
    close(res[0][1], res[1][1], rtol=1e-10)


def test_create_graph_grad_through_broadcast():
    a, t = pair([[1.0], [2.0]])
    b, u = pair([[0.5, 1.0, 1.5]])
    res = []
    for lib, x, y in ((npgrad, a, b), (torch, t, u)):
        (gx,) = lib.autograd.grad((x * x * y).sum(), x, create_graph=True)
        (gy,) = lib.autograd.grad((gx * gx).sum(), y)
        res.append((gx, gy))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_without_create_graph_result_has_no_graph():
    a, _ = pair([1.0])
    (g,) = ng_grad((a ** 3).sum(), a)
    assert not g.requires_grad and g.grad_fn is None


@pytest.mark.parametrize("name", ["exp", "sqrt", "sigmoid", "tanh", "log", "sin"])
def test_second_derivative_of_0d_inputs_matches_torch(name):
    """NumPy returns scalars for 0-d inputs; the saved output must still be the output."""
    import torch
    results = []
    for lib in (npgrad, torch):
        x = lib.tensor(0.7, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(getattr(lib, name)(x), x, create_graph=True)
        (gg,) = lib.autograd.grad(g, x)
        results.append(gg.item())
    assert results[0] == pytest.approx(results[1], rel=1e-12)
