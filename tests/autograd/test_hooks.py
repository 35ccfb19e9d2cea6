"""Tensor.register_hook and node hooks, against PyTorch."""
from __future__ import annotations

import pytest
import torch

import npgrad

from ._util import close, pair


def _both(fn):
    """Run ``fn(lib, x)`` with the same leaf in both libraries; return both leaves."""
    a, t = pair([1.0, -2.0, 3.0])
    ra, rt = fn(npgrad, a), fn(torch, t)
    return a, t, ra, rt


def test_leaf_hook_sees_grad_and_can_replace_it():
    seen = {}

    def run(lib, x):
        def hook(g):
            seen[lib.__name__] = g.clone()
            return g * 2
        x.register_hook(hook)
        (x * x).sum().backward()

    a, t, _, _ = _both(run)
    close(seen["npgrad"], seen["torch"])
    close(a.grad, t.grad)


def test_hook_returning_none_keeps_grad():
    def run(lib, x):
        calls = []
        x.register_hook(lambda g: calls.append(1))
        (x * 3).sum().backward()
        return len(calls)

    a, t, na, nt = _both(run)
    assert na == nt == 1
    close(a.grad, t.grad)


def test_non_leaf_hook_replacement_flows_upstream():
    def run(lib, x):
        y = x * x
        y.register_hook(lambda g: g * 10)
        (y * 3).sum().backward()

    a, t, _, _ = _both(run)
    close(a.grad, t.grad)


def test_hooks_chain_in_registration_order():
    def run(lib, x):
        y = x * 1
        y.register_hook(lambda g: g + 1)
        y.register_hook(lambda g: g * 3)
        x.register_hook(lambda g: g - 1)
        x.register_hook(lambda g: g * 5)
        y.sum().backward()

    a, t, _, _ = _both(run)
    close(a.grad, t.grad)


def test_handle_remove():
    def run(lib, x):
        y = x * 1
        h1 = y.register_hook(lambda g: g * 10)
        h2 = x.register_hook(lambda g: g * 7)
        h1.remove()
        h2.remove()
        h2.remove()   # removing twice is harmless
        y.sum().backward()

    a, t, _, _ = _both(run)
    close(a.grad, t.grad)


def test_hook_runs_before_retain_grad_regardless_of_order():
    # torch >= 2.0: the retain_grad hook always runs after the tensor's other hooks
    def run(lib, x):
        y, z = x * 1, x * 1
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        z.register_hook(lambda g: g * 10)
        z.retain_grad()
        (y * 3 + z).sum().backward()
        return y.grad, z.grad

    a, t, ra, rt = _both(run)
    close(ra[0], rt[0])
    close(ra[1], rt[1])
    close(a.grad, t.grad)


def test_hook_called_once_with_summed_grad():
    def run(lib, x):
        calls = []
        y = x * 2
        y.register_hook(lambda g: calls.append(g.clone()))
        x.register_hook(lambda g: calls.append(g.clone()))
        (y * y + y * 3 + x).sum().backward()
        return calls

    a, t, ca, ct = _both(run)
    assert len(ca) == len(ct) == 2
    for u, v in zip(ca, ct):
        close(u, v)


def test_hooks_apply_in_autograd_grad():
    def run(lib, x):
        x.register_hook(lambda g: g * 2)
        y = x * 1
        y.register_hook(lambda g: g * 10)
        gx = lib.autograd.grad((y * 3).sum(), x, retain_graph=True)[0]
        gy = lib.autograd.grad((y * 3).sum(), y)[0]
        return gx, gy

    _, _, ra, rt = _both(run)
    close(ra[0], rt[0])
    close(ra[1], rt[1])


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError):
        torch.ones(2).register_hook(lambda g: g)
    with pytest.raises(RuntimeError, match="doesn't require"):
        npgrad.ones(2).register_hook(lambda g: g)


def test_hook_changing_shape_raises():
    for lib in (npgrad, torch):
        for leaf in (True, False):
            x = lib.ones(2, requires_grad=True)
            y = x if leaf else x * 1
            y.register_hook(lambda g: lib.ones(3))
            with pytest.raises(RuntimeError, match="size"):
                (y * 2).sum().backward()


def test_node_post_hook_and_prehook():
    seen = {}

    def run(lib, x):
        y = x * x
        out = []
        y.grad_fn.register_hook(lambda gi, go: out.append((gi[0].clone(), go[0].clone())))
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        y.sum().backward()
        seen[lib.__name__] = out

    a, t, _, _ = _both(run)
    close(a.grad, t.grad)
    (gi_a, go_a), = seen["npgrad"]
    (gi_t, go_t), = seen["torch"]
    close(gi_a, gi_t)
    close(go_a, go_t)


def test_post_accumulate_grad_hook_sees_the_accumulated_grad():
    def run(lib, x):
        seen = []
        handle = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (x * 3).sum().backward()
        (x * x).sum().backward()  # accumulates: the hook sees the sum of both passes
        lib.autograd.grad((x * 5).sum(), x)  # accumulates nothing, so no call
        handle.remove()
        (x * 2).sum().backward()
        return seen

    _, _, seen_a, seen_t = _both(run)
    assert len(seen_a) == len(seen_t) == 2
    for a, t in zip(seen_a, seen_t):
        close(a, t)


@pytest.mark.parametrize("lib", [npgrad, torch], ids=["npgrad", "torch"])
def test_post_accumulate_grad_hook_errors(lib):
    x = lib.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)
