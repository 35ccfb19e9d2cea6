"""torch.func (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call,
stack_module_state, linearize) and torch.vmap: values, structures and errors against
PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

RNG = np.random.default_rng(11)
X = RNG.standard_normal(3)
Y = RNG.standard_normal(3)
B = RNG.standard_normal((4, 3))
M = RNG.standard_normal((3, 2))


def same(a, t, check_rg: bool = True) -> None:
    """Same pytree structure, shapes, values and requires_grad."""
    if isinstance(t, dict):
        assert isinstance(a, dict) and list(a) == list(t)
        for k in t:
            same(a[k], t[k], check_rg)
        return
    if isinstance(t, (tuple, list)):
        assert type(a) is type(t) and len(a) == len(t), (type(a), type(t))
        for x, y in zip(a, t):
            same(x, y, check_rg)
        return
    assert isinstance(a, npgrad.Tensor), type(a)
    assert tuple(a.shape) == tuple(t.shape), (a.shape, t.shape)
    assert a.requires_grad == t.requires_grad or not check_rg, (a.requires_grad,
                                                                t.requires_grad)
    np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-9)


def run(make, *arrays, requires_grad=False, check_rg=True):
    """``make(lib)(*tensors)`` in both libraries; compares the results."""
    out = []
    for lib in (npgrad, torch):
        tensors = [lib.tensor(a, requires_grad=requires_grad) for a in arrays]
        out.append(make(lib)(*tensors))
    same(*out, check_rg=check_rg)
    return out


def f(lib):
    return lambda x: (x.sin() * x).sum()


def f2(lib):
    return lambda x, y: ((x * y).exp() + x @ lib.ones(3, dtype=x.dtype) * y).sum()


def vec(lib):
    return lambda x: {"s": x.sin(), "t": (x.sum(), x * 2)}


@pytest.mark.parametrize("requires_grad", [False, True])
def test_grad_and_grad_and_value(requires_grad):
    run(lambda lib: lib.func.grad(f(lib)), X, requires_grad=requires_grad)
    run(lambda lib: lib.func.grad(f2(lib), argnums=(0, 1)), X, Y, requires_grad=requires_grad)
    run(lambda lib: lib.func.grad(f2(lib), argnums=1), X, Y, requires_grad=requires_grad)
    run(lambda lib: lib.func.grad_and_value(f(lib)), X, requires_grad=requires_grad)
    run(lambda lib: lib.func.grad(lambda x: ((x ** 2).sum(), x.cos()), has_aux=True), X,
        requires_grad=requires_grad)
    run(lambda lib: lib.func.grad_and_value(lambda x: ((x ** 2).sum(), x.cos()),
                                            has_aux=True), X, requires_grad=requires_grad)


def test_grad_of_a_dict_argument_and_nested_grad():
    out = []
    for lib in (npgrad, torch):
        p = {"w": lib.tensor(X), "b": lib.tensor(Y)}
        out.append(lib.func.grad(lambda p, x: (p["w"] * x + p["b"]).pow(2).sum())(
            p, lib.tensor(M[:, 0])))
    same(*out)
    run(lambda lib: lib.func.grad(lib.func.grad(lambda x: x.sin() * x)),
        np.array(0.7))


def test_vjp_jvp_linearize():
    out = []
    for lib in (npgrad, torch):
        x, y = lib.tensor(X), lib.tensor(Y)
        value, fn = lib.func.vjp(lambda a, b: (a * b, a.sum()), x, y)
        ct = (lib.ones(3), lib.tensor(2.0))
        out.append((value, fn(ct), fn(ct)))
        value, fn, aux = lib.func.vjp(lambda a: (a.sin(), a.cos()), x, has_aux=True)
        out.append((value, fn(lib.ones(3)), aux))
        out.append(lib.func.jvp(lambda a, b: (a * b).sin(), (x, y), (y, x)))
        out.append(lib.func.jvp(lambda a: (a.exp(), a.sum()), (x,), (y,), has_aux=True))
        value, jfn = lib.func.linearize(lambda a: a.sin() * a, x)
        out.append((value, jfn(y)))
    half = len(out) // 2
    for a, t in zip(out[:half], out[half:]):
        same(a, t)


@pytest.mark.parametrize("requires_grad", [False, True])
def test_jacobians_and_hessian(requires_grad):
    run(lambda lib: lib.func.jacrev(lambda x: x.sin() * x.sum()), X,
        requires_grad=requires_grad)
    run(lambda lib: lib.func.jacfwd(lambda x: x.sin() * x.sum()), X,
        requires_grad=requires_grad)
    run(lambda lib: lib.func.jacrev(vec(lib), argnums=(0,)), X, requires_grad=requires_grad)
    # (forward mode: PyTorch's Jacobian requires grad whenever the input does, even where it
    # is constant in it, as the x * 2 here; npgrad's only where it depends on it)
    run(lambda lib: lib.func.jacfwd(vec(lib)), X, requires_grad=requires_grad, check_rg=False)
    run(lambda lib: lib.func.jacrev(lambda x, m: x @ m, argnums=(0, 1)), X, M,
        requires_grad=requires_grad)
    run(lambda lib: lib.func.jacfwd(lambda x, m: x @ m, argnums=1), X, M,
        requires_grad=requires_grad)
    run(lambda lib: lib.func.hessian(f(lib)), X)
    run(lambda lib: lib.func.hessian(f2(lib), argnums=(0, 1)), X, Y)
    run(lambda lib: lib.func.jacrev(lambda x: (x.sin(), x.sum()), has_aux=True), X)


def test_vmap():
    run(lambda lib: lib.vmap(lambda a, m: a @ m, in_dims=(0, None)), B, M)
    run(lambda lib: lib.func.vmap(lambda a: (a.sin(), a.sum()), out_dims=(1, 0)), B)
    run(lambda lib: lib.vmap(lambda a, b: a * b, in_dims=(1, 0)), B, B.T.copy())
    run(lambda lib: lib.vmap(lib.vmap(lambda a: a.sum())), B)
    run(lambda lib: lib.vmap(lambda a: a * 2, in_dims=-1, out_dims=-1), B)
    run(lambda lib: lib.vmap(lambda a: a * 2), np.zeros((0, 3)))
    run(lambda lib: lib.vmap(lambda x: {"y": x.exp(), "z": [x.cos()]}), B)
    # per-sample gradients: vmap over grad
    run(lambda lib: lib.vmap(lib.func.grad(lambda w, x: ((w * x).sum()) ** 2),
                             in_dims=(None, 0)), X, B)
    out = []
    for lib in (npgrad, torch):
        out.append(lib.vmap(lambda d: d["x"] @ d["m"], in_dims=({"x": 0, "m": None},))(
            {"x": lib.tensor(B), "m": lib.tensor(M)}))
    same(*out)


def test_vmap_randomness():
    for lib in (npgrad, torch):
        x = lib.zeros(4, 3)
        with pytest.raises(RuntimeError, match="called random operation while in randomness "
                                               "error mode"):
            lib.vmap(lambda a: a + lib.rand(3))(x)
        same_rows = lib.vmap(lambda a: a + lib.rand(3), randomness="same")(x)
        assert (same_rows == same_rows[0]).all()
        different = lib.vmap(lambda a: a + lib.rand(3), randomness="different")(x)
        assert not (different == different[0]).all()
        with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
            lib.vmap(lambda a: a, randomness="maybe")


def test_errors_as_pytorch():
    for lib in (npgrad, torch):
        x = lib.tensor(X)
        with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar "
                                               "Tensor, got tensor with 1 dims"):
            lib.func.grad(lambda a: a * 2)(x)
        with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a Tensor"):
            lib.func.grad(lambda a: 3)(x)
        with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
            lib.func.grad(lambda a: a.sum(), argnums=2)(x)
        with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
            lib.func.jvp(lambda a: a, x, x)
        with pytest.raises(ValueError, match="Expected all tensors to have the same size in "
                                             "the mapped dimension, got sizes \\[4, 5\\]"):
            lib.vmap(lambda a, b: a)(lib.zeros(4, 3), lib.zeros(5, 3))
        with pytest.raises(ValueError, match="Expected at least one Tensor to vmap over"):
            lib.vmap(lambda a: a, in_dims=(None,))(lib.zeros(4, 3))
        with pytest.raises(ValueError, match="must only return Tensors, got type <class "
                                             "'float'>"):
            lib.vmap(lambda a: 3.0)(lib.zeros(4, 3))
        with pytest.raises(ValueError, match="Got in_dim=2 for some input, but that input is a "
                                             "Tensor of dimensionality 2"):
            lib.vmap(lambda a: a, in_dims=2)(lib.zeros(4, 3))
        with pytest.raises(ValueError, match="chunk_size should be None or greater than 0"):
            lib.vmap(lambda a: a, chunk_size=0)


def test_functional_call_and_stack_module_state():
    out = []
    for lib in (npgrad, torch):
        lib.manual_seed(0)
        models = [lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2))
                  for _ in range(3)]
        params, buffers = lib.func.stack_module_state(models)
        assert [(k, tuple(v.shape), v.requires_grad, v.is_leaf) for k, v in params.items()] == \
            [(k, (3,) + tuple(p.shape), True, True) for k, p in models[0].named_parameters()]
        assert [(k, tuple(v.shape)) for k, v in buffers.items()] == \
            [(k, (3,) + tuple(b.shape)) for k, b in models[0].named_buffers()]
        m = models[0]
        weights = {"0.weight": lib.tensor(M.T, dtype=lib.float32), "0.bias": lib.zeros(2)}
        xb = lib.tensor(B, dtype=lib.float32)
        out.append(lib.func.functional_call(m, (weights, {}), (xb,)))
        out.append(lib.func.functional_call(m, weights, xb))
        with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
            lib.func.functional_call(m, (weights, {"0.bias": lib.ones(2)}), xb)
        with pytest.raises(RuntimeError, match="Expected at least one model, got 0"):
            lib.func.stack_module_state([])
    same(out[:2], out[2:])
