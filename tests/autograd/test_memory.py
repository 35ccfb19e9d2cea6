"""Memory: backward frees what the graph saved; dropping outputs frees the graph (no reference
cycles); a training loop keeps memory flat."""
from __future__ import annotations

import gc
import tracemalloc
import weakref
from contextlib import contextmanager

import numpy as np

import npgrad
from npgrad.autograd.function import edge


@contextmanager
def _no_cyclic_gc():
    """Objects must be freed by reference counting alone (the graph holds no cycles)."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _SaveIntermediate(npgrad.autograd.Function):
    """Saves a tensor made inside forward; tests read it back through a weakref."""

    refs: list = []

    @staticmethod
    def forward(ctx, x):
        tmp = x * 2 + 1
        _SaveIntermediate.refs.append((weakref.ref(tmp), weakref.ref(tmp._data)))
        ctx.save_for_backward(tmp)
        return x * tmp

    @staticmethod
    def backward(ctx, g):
        (tmp,) = ctx.saved_tensors
        return g * (2 * tmp - 1)


def test_saved_values_freed_by_backward_while_outputs_live():
    with _no_cyclic_gc():
        _SaveIntermediate.refs = []
        x = npgrad.randn(1000, requires_grad=True)
        y = _SaveIntermediate.apply(x)
        h = (x * 3).exp()          # exp saves its output: an array only the graph holds
        href = weakref.ref(h._data)
        z = (y.sum() + h.sum())
        del h
        tref, aref = _SaveIntermediate.refs[0]
        assert tref() is not None and aref() is not None and href() is not None
        z.backward()
        assert tref() is None and aref() is None and href() is None   # z is still alive
        assert y.grad_fn is not None


def test_retain_graph_keeps_then_last_backward_frees():
    with _no_cyclic_gc():
        _SaveIntermediate.refs = []
        x = npgrad.randn(10, requires_grad=True)
        z = _SaveIntermediate.apply(x).sum()
        z.backward(retain_graph=True)
        tref, aref = _SaveIntermediate.refs[0]
        assert aref() is not None
        z.backward()
        assert aref() is None


def test_graph_freed_when_outputs_dropped_without_backward():
    with _no_cyclic_gc():
        x = npgrad.randn(100, requires_grad=True)
        y = (x * 2).exp()
        z = (y * y).sum()
        refs = [weakref.ref(z.grad_fn), weakref.ref(y.grad_fn), weakref.ref(y._data)]
        del y, z
        assert all(r() is None for r in refs)


def test_graph_nodes_freed_after_backward_and_del():
    with _no_cyclic_gc():
        x = npgrad.randn(100, requires_grad=True)
        y = x.exp()
        y.retain_grad()
        y.register_hook(lambda g: g)
        z = (y * x).sum()
        refs = [weakref.ref(z.grad_fn), weakref.ref(y.grad_fn), weakref.ref(y)]
        z.backward()
        del y, z
        assert all(r() is None for r in refs)
        # the leaf's AccumulateGrad node is not kept alive by the leaf either
        acc = weakref.ref(edge(x)[0])
        assert acc() is None


def test_create_graph_grads_freed_after_use():
    with _no_cyclic_gc():
        x = npgrad.randn(50, dtype=npgrad.float64, requires_grad=True)
        y = (x ** 3).sum()
        (g,) = npgrad.autograd.grad(y, x, create_graph=True)
        refs = [weakref.ref(g.grad_fn), weakref.ref(y.grad_fn)]
        (h,) = npgrad.autograd.grad(g.sum(), x)
        del g, y
        assert all(r() is None for r in refs)
        np.testing.assert_allclose(h.numpy(), 6 * x.detach().numpy())


def _mlp_step(params, x, target, lr=0.01):
    w1, b1, w2, b2 = params
    h = (x @ w1 + b1).clamp(min=0)
    out = h @ w2 + b2
    loss = ((out - target) ** 2).mean()
    loss.backward()
    with npgrad.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss.item()


def test_training_loop_memory_is_flat():
    npgrad.manual_seed(0)
    x = npgrad.randn(32, 8)
    target = npgrad.randn(32, 1)
    params = [(npgrad.randn(8, 16) * 0.3).requires_grad_(), npgrad.zeros(16, requires_grad=True),
              (npgrad.randn(16, 1) * 0.3).requires_grad_(), npgrad.zeros(1, requires_grad=True)]
    with _no_cyclic_gc():
        first = _mlp_step(params, x, target)
        for _ in range(100):       # warm-up, untraced (first-call caches)
            _mlp_step(params, x, target)
        # CPython keeps up to 2000 freed tuples per length for reuse; tracemalloc counts
        # them as live, so a slowly filling free list looks like growth. Fill them first.
        junk = [tuple(range(i, i + n)) for n in range(1, 20) for i in range(2100)]
        del junk
        tracemalloc.start()
        try:
            for step in range(1000):
                last = _mlp_step(params, x, target)   # (a list of losses would grow)
                if step == 99:
                    at_100 = tracemalloc.get_traced_memory()[0]
            at_1000 = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    assert last < first                                # it trained
    # A leaked graph would cost kilobytes per step (arrays of 32 x 16 floats, ~30 nodes).
    assert at_1000 - at_100 < 16 * 1024, (at_100, at_1000)


def test_a_product_keeps_only_the_factors_a_gradient_needs():
    # d(a*c)/da needs c and d(a*c)/dc needs a: with c a constant, a is not kept alive
    # (Mul saves its inputs declaratively, Primitive.saves = "bilinear")
    with _no_cyclic_gc():
        w = npgrad.ones(3, requires_grad=True)
        c = npgrad.full((3,), 2.0)
        a = w * 3
        ref_a, ref_c = weakref.ref(a._data), weakref.ref(c._data)
        y = (a * c).sum()
        del a, c
        assert ref_a() is None and ref_c() is not None
        y.backward()
        assert np.allclose(w.grad.numpy(), 6.0)
        # both factors require grad: both are kept, for both gradients
        u, v = w * 1, w * 2
        ref_u, ref_v = weakref.ref(u._data), weakref.ref(v._data)
        z = (u * v).sum()
        del u, v
        assert ref_u() is not None and ref_v() is not None
        z.backward()
        assert ref_u() is None and ref_v() is None   # and backward frees them
        assert np.allclose(w.grad.numpy(), 6.0 + 4.0)
