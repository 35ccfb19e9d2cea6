"""npgrad.autograd.Function written exactly as torch.autograd.Function; each case runs the
same class body in both libraries."""
from __future__ import annotations

import pytest
import torch

import npgrad

from ._util import close, pair

LIBS = [npgrad, torch]


def _fn(lib, forward, backward, name="MyFn", **extra):
    """Build a Function subclass of ``lib`` from plain functions (same code for both)."""
    ns = {"forward": staticmethod(forward), "backward": staticmethod(backward), **extra}
    return type(name, (lib.autograd.Function,), ns)


# -- the basics -------------------------------------------------------------------------------

def _exp_forward(ctx, x):
    y = x.exp()
    ctx.save_for_backward(y)
    return y


def _exp_backward(ctx, g):
    (y,) = ctx.saved_tensors
    return g * y


def test_forward_gets_tensors_with_grad_off_and_backward_runs():
    seen = {}
    a, t = pair([0.5, -1.0])
    res = []
    for lib, x in ((npgrad, a), (torch, t)):
        def forward(ctx, x, lib=lib):
            seen[lib.__name__] = (isinstance(x, lib.Tensor), lib.is_grad_enabled())
            return _exp_forward(ctx, x)

        y = _fn(lib, forward, _exp_backward, name="Exp").apply(x)
        assert y.requires_grad and not y.is_leaf
        assert y.grad_fn.name() == "ExpBackward"
        y.sum().backward()
        res.append(y)
    assert seen["npgrad"] == seen["torch"] == (True, False)
    close(res[0], res[1])
    close(a.grad, t.grad)
    assert "ExpBackward" in repr(res[0].grad_fn)
    assert "grad_fn=<ExpBackward>" in repr(res[0])


def test_non_tensor_args_and_needs_input_grad():
    seen = {}

    def forward(ctx, x, k, y, flag):
        ctx.k = k
        ctx.save_for_backward(x, y)
        seen.setdefault("fwd", []).append(tuple(ctx.needs_input_grad))
        return x * k + y if flag else x

    def backward(ctx, g):
        x, y = ctx.saved_tensors
        seen.setdefault("bwd", []).append(tuple(ctx.needs_input_grad))
        gx = g * ctx.k if ctx.needs_input_grad[0] else None
        gy = g if ctx.needs_input_grad[2] else None
        return gx, None, gy, None

    a, t = pair([1.0, 2.0])
    b, u = pair([3.0, 4.0], requires_grad=False)
    for lib, x, y in ((npgrad, a, b), (torch, t, u)):
        fn = _fn(lib, forward, backward)
        fn.apply(x, 3.0, y, True).sum().backward()
    assert seen["fwd"][0] == seen["fwd"][1] == (True, False, False, False)
    assert seen["bwd"][0] == seen["bwd"][1] == (True, False, False, False)
    close(a.grad, t.grad)


def test_input_not_requiring_grad_gives_plain_output():
    for lib in LIBS:
        fn = _fn(lib, _exp_forward, _exp_backward)
        y = fn.apply(lib.ones(2))
        assert not y.requires_grad and y.grad_fn is None
        with lib.no_grad():
            y = fn.apply(lib.ones(2, requires_grad=True))
        assert not y.requires_grad


def test_multiple_outputs_and_materialized_zeros():
    seen = {}

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 2, x * x

    def backward(ctx, g1, g2):
        (x,) = ctx.saved_tensors
        seen.setdefault("g2", []).append(g2)
        return g1 * 2 + g2 * 2 * x

    a, t = pair([1.0, -3.0])
    for lib, x in ((npgrad, a), (torch, t)):
        fn = _fn(lib, forward, backward)
        y1, y2 = fn.apply(x)
        assert y1.grad_fn is y2.grad_fn and (y1.output_nr, y2.output_nr) == (0, 1)
        y1.sum().backward()            # y2 gets no gradient: backward sees zeros
    close(seen["g2"][0], seen["g2"][1])
    close(a.grad, t.grad)


def test_set_materialize_grads_false_gives_none():
    seen = []

    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3

    def backward(ctx, g1, g2):
        seen.append(g2 is None)
        return g1 * 2 if g1 is not None else None

    for lib in LIBS:
        fn = _fn(lib, forward, backward)
        x = lib.ones(2, requires_grad=True)
        fn.apply(x)[0].sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]
    assert seen == [True, True]


def test_mark_non_differentiable():
    def forward(ctx, x):
        idx = (x > 0).to(x.dtype)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return x * idx, idx

    def backward(ctx, g, g_idx):
        (idx,) = ctx.saved_tensors
        return g * idx

    a, t = pair([1.0, -2.0, 3.0])
    for lib, x in ((npgrad, a), (torch, t)):
        fn = _fn(lib, forward, backward)
        y, idx = fn.apply(x)
        assert y.requires_grad and not idx.requires_grad
        y.sum().backward()
    close(a.grad, t.grad)


def test_mark_dirty_in_place_forward():
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    def backward(ctx, g):
        return g * 2

    a, t = pair([1.0, 2.0])
    for lib, leaf in ((npgrad, a), (torch, t)):
        fn = _fn(lib, forward, backward, name="Double")
        x = leaf * 1
        v = x._version
        y = fn.apply(x)
        assert y is x and x.grad_fn.name() == "DoubleBackward"
        assert x._version == v + 2              # mul_ and mark_dirty, as torch counts
        (y * y).sum().backward()
        # a leaf that requires grad may not be dirtied
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            fn.apply(leaf)
        plain = lib.ones(2)
        fn.apply(plain)
        assert plain._version == 2
    close(a.grad, t.grad)


def test_returning_an_input_unchanged_makes_a_new_node_output():
    def forward(ctx, x):
        return x

    def backward(ctx, g):
        return g * 2

    a, t = pair([1.0, 2.0])
    for lib, x in ((npgrad, a), (torch, t)):
        y = _fn(lib, forward, backward, name="Id").apply(x)
        assert y is not x and y.grad_fn.name() == "IdBackward"
        y.sum().backward()
    close(a.grad, t.grad)


def test_save_intermediate_and_non_tensor():
    def forward(ctx, x):
        s = x.sum()
        ctx.save_for_backward(s, None, x)
        return x / s

    def backward(ctx, g):
        s, none, x = ctx.saved_tensors
        assert none is None
        return g / s - (g * x).sum() / (s * s)

    a, t = pair([1.0, 2.0, 3.0])
    for lib, x in ((npgrad, a), (torch, t)):
        (_fn(lib, forward, backward).apply(x) * lib.tensor([1.0, -1.0, 2.0],
                                                          dtype=lib.float64)).sum().backward()
    close(a.grad, t.grad)


# -- higher order ------------------------------------------------------------------------------

def _cube_forward(ctx, x):
    ctx.save_for_backward(x)
    return x ** 3


def test_double_backward_through_function_using_another_function():
    def sq_forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    def sq_backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x

    a, t = pair([1.5, -2.0])
    res = []
    for lib, x in ((npgrad, a), (torch, t)):
        Sq = _fn(lib, sq_forward, sq_backward, name="Sq")

        def cube_backward(ctx, g, Sq=Sq):
            (x,) = ctx.saved_tensors
            return g * 3 * Sq.apply(x)     # a Function inside another's backward

        Cube = _fn(lib, _cube_forward, cube_backward, name="Cube")
        (g1,) = lib.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        assert g1.grad_fn.name() == "MulBackward0"
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        res.append((g1, g2, g3))
    for u, v in zip(*res):
        close(u, v)


def test_saved_output_double_backward():
    a, t = pair([0.2, 1.0])
    res = []
    for lib, x in ((npgrad, a), (torch, t)):
        Exp = _fn(lib, _exp_forward, _exp_backward, name="Exp")
        (g1,) = lib.autograd.grad(Exp.apply(x * 2).sum(), x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x)
        res.append((g1, g2))
    for u, v in zip(*res):
        close(u, v)


def test_gradcheck_and_gradgradcheck_on_function():
    a = npgrad.tensor([0.3, -0.7], dtype=npgrad.float64, requires_grad=True)
    Exp = _fn(npgrad, _exp_forward, _exp_backward, name="Exp")
    assert npgrad.autograd.gradcheck(Exp.apply, (a,))
    assert npgrad.autograd.gradgradcheck(Exp.apply, (a,))


# -- errors --------------------------------------------------------------------------------

def test_wrong_gradient_shape_raises():
    for lib in LIBS:
        fn = _fn(lib, lambda ctx, x: x * 2, lambda ctx, g: lib.ones(3, dtype=g.dtype),
                 name="Bad")
        with pytest.raises(RuntimeError, match="BadBackward returned an invalid gradient"):
            fn.apply(lib.ones(2, requires_grad=True)).sum().backward()


def test_wrong_number_of_gradients_raises():
    for lib in LIBS:
        fn = _fn(lib, lambda ctx, x, k: x * k, lambda ctx, g: g, name="Bad")
        with pytest.raises(RuntimeError, match="incorrect number of gradients"):
            fn.apply(lib.ones(2, requires_grad=True), 2.0).sum().backward()
        fn = _fn(lib, lambda ctx, x: x * 2, lambda ctx, g: (g, g), name="Bad")
        with pytest.raises(RuntimeError, match="incorrect number of gradients"):
            fn.apply(lib.ones(2, requires_grad=True)).sum().backward()
        fn = _fn(lib, lambda ctx, x: x * 2, lambda ctx, g: (g, None), name="Ok")
        fn.apply(lib.ones(2, requires_grad=True)).sum().backward()   # extra None is fine


def test_non_tensor_gradient_raises():
    for lib in LIBS:
        fn = _fn(lib, lambda ctx, x: x * 2, lambda ctx, g: 3, name="Bad")
        with pytest.raises(RuntimeError):
            fn.apply(lib.ones(2, requires_grad=True)).sum().backward()


def test_saved_tensors_freed_after_backward():
    for lib in LIBS:
        Exp = _fn(lib, _exp_forward, _exp_backward, name="Exp")
        y = Exp.apply(lib.ones(2, requires_grad=True))
        y.sum().backward()
        with pytest.raises(RuntimeError, match="retain_graph"):
            y.grad_fn.saved_tensors
        with pytest.raises(RuntimeError, match="retain_graph"):
            y.sum().backward()


def test_saved_input_modified_in_place_raises():
    for lib in LIBS:
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x

        x = lib.ones(2, requires_grad=True) * 1
        y = _fn(lib, forward, backward).apply(x)
        x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_integer_output_is_not_differentiable():
    for lib in LIBS:
        fn = _fn(lib, lambda ctx, x: (x * 2, (x > 0).long()), lambda ctx, g, gi: g * 2)
        y, i = fn.apply(lib.ones(2, requires_grad=True))
        assert y.requires_grad and not i.requires_grad


def test_docstring_says_how_forward_differs_from_primitives():
    doc = npgrad.autograd.Function.__doc__
    assert "Primitive" in doc and "arrays" in doc and "receives the Tensors" in doc


# -- PyTorch 2 style and once_differentiable -------------------------------------------------

def test_setup_context_style():
    def forward(x, k):
        return x ** k

    def setup_context(ctx, inputs, output):
        x, k = inputs
        ctx.k = k
        ctx.save_for_backward(x)

    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ctx.k * x ** (ctx.k - 1), None

    a, t = pair([1.0, 2.0])
    res = []
    for lib, x in ((npgrad, a), (torch, t)):
        fn = _fn(lib, forward, backward, name="Pow",
                 setup_context=staticmethod(setup_context))
        y = fn.apply(x, 3)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        res.append((y, g, h))
    for u, v in zip(*res):
        close(u, v)


def test_once_differentiable():
    from torch.autograd.function import once_differentiable as t_once

    from npgrad.autograd.function import once_differentiable as n_once

    a, t = pair([1.0, 2.0])
    for lib, x, once in ((npgrad, a, n_once), (torch, t, t_once)):
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert not lib.is_grad_enabled()
            return g * 2 * x

        fn = _fn(lib, lambda ctx, x: (ctx.save_for_backward(x), x * x)[1], once(backward))
        fn.apply(x).sum().backward()
        (g,) = lib.autograd.grad(fn.apply(x).sum(), x, create_graph=True)
        with pytest.raises(RuntimeError, match="does not require grad"):
            g.sum().backward()        # upstream gradient was constant: no graph at all
        (g,) = lib.autograd.grad((fn.apply(x) * x).sum(), x, create_graph=True)
        with pytest.raises(RuntimeError, match="once_differentiable"):
            g.sum().backward()        # upstream gradient depends on x: refused
    close(a.grad, t.grad)
