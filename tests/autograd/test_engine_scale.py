"""The engine is iterative and visits each node once: deep chains, doubling graphs."""
from __future__ import annotations

import gc
import sys
from contextlib import contextmanager

import numpy as np
import torch

import npgrad
from npgrad.autograd.function import Primitive


class _Step(Primitive):
    """The cheapest op there is (identity), so a million of them build quickly."""

    node_name = "StepBackward0"

    @staticmethod
    def forward(ctx, a):
        return a

    @staticmethod
    def backward(ctx, grad):
        return grad


def _depth() -> int:
    f, n = sys._getframe(), 0
    while f is not None:
        f, n = f.f_back, n + 1
    return n


@contextmanager
def _shallow_stack(extra: int = 200):
    """Allow only ``extra`` Python frames beyond the current depth: any recursion over the
    graph's depth would raise RecursionError."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(_depth() + extra)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# SLOW TEST (the one long test of this directory, ~10-30 s depending on the machine):
# backward through a chain of 1,000,000 nodes, with the stack limited to 200 frames.
def test_million_node_chain_has_no_recursion():
    # The cyclic GC would rescan the million live nodes again and again (4x slower); the
    # graph has no cycles, so nothing is lost by pausing it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        x = npgrad.tensor([1.0, 2.0], requires_grad=True)
        y = x
        for _ in range(1_000_000):
            y = _Step.apply(y)
        y = (y * 3.0).sum()
        with _shallow_stack():
            y.backward()
        assert x.grad.tolist() == [3.0, 3.0]
        with _shallow_stack():
            del y       # freeing the chain must not recurse either (CPython's trashcan)
    finally:
        if was_enabled:
            gc.enable()


def test_deep_chain_of_real_ops_first_and_second_order():
    a = npgrad.tensor([0.5, -0.25], dtype=npgrad.float64, requires_grad=True)
    t = torch.tensor([0.5, -0.25], dtype=torch.float64, requires_grad=True)
    results = []
    for lib, x in ((npgrad, a), (torch, t)):
        y = x
        for i in range(2_000):
            y = (y * 1.0001 + 0.0001) if i % 2 else (y * y * 0.1 + y)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        with _shallow_stack() if lib is npgrad else _noop():
            (h,) = lib.autograd.grad(g.sum(), x)
        results.append((g, h))
    for u, v in zip(*results):
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=1e-9)


@contextmanager
def _noop():
    yield


class _Count(npgrad.autograd.Function):
    calls = 0

    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, g):
        _Count.calls += 1
        return g


def test_doubling_graph_visits_each_node_once():
    x = npgrad.tensor(1.0, dtype=npgrad.float64, requires_grad=True)
    hook_calls = []
    y = x
    _Count.calls = 0
    for _ in range(40):
        y = _Count.apply(y)
        y.register_hook(lambda g: hook_calls.append(1))
        y = y + y
    with _shallow_stack():
        y.backward()
    assert x.grad.item() == 2.0 ** 40
    assert _Count.calls == 40 and len(hook_calls) == 40
    (g,) = npgrad.autograd.grad(_Count.apply(x) + _Count.apply(x), x)
    assert g.item() == 2.0


def test_doubling_graph_matches_torch_and_autograd_grad_is_linear():
    a = npgrad.tensor(1.5, dtype=npgrad.float64, requires_grad=True)
    t = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    res = []
    for lib, x in ((npgrad, a), (torch, t)):
        y, mid = x, None
        for i in range(40):
            y = y + y * 0.5
            if i == 20:
                mid = y
        res.append(lib.autograd.grad(y, [x, mid]))
    for u, v in zip(*res):
        np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-12)


def test_wide_graph_many_leaves():
    leaves = [npgrad.tensor(float(i), requires_grad=True) for i in range(5_000)]
    total = npgrad.stack(leaves).sum() if hasattr(npgrad, "stack") else sum(leaves)
    (total * 2).backward()
    assert all(p.grad.item() == 2.0 for p in leaves)
