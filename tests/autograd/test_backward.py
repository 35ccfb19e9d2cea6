"""Tensor.backward and autograd.grad against PyTorch: accumulation, dtypes, retain_grad,
errors, ``inputs=``, ``allow_unused``, broadcasting and retain_graph."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import grad as ng_grad

from ._util import close, pair


# -- accumulation into leaves -----------------------------------------------------------------

def test_scalar_backward_and_accumulation():
    a, t = pair([1.0, 2.0, 3.0])
    for lib, x in ((npgrad, a), (torch, t)):
        (x * x).sum().backward()
        (x * 3).sum().backward()   # a second graph: gradients add up in .grad
    close(a.grad, t.grad)


def test_grad_in_leaf_dtype_when_mixed_with_float64():
    a, t = pair([1.0, 2.0], dtype="float32")
    a64, t64 = pair([3.0, 4.0], dtype="float64", requires_grad=False)
    ya, yt = (a * a64).sum(), (t * t64).sum()
    assert ya.dtype == npgrad.float64 and yt.dtype == torch.float64
    ya.backward()
    yt.backward()
    close(a.grad, t.grad)
    assert a.grad.dtype == npgrad.float32
    # accumulating a second float64 gradient keeps float32
    (a.double() * 2).sum().backward()
    (t.double() * 2).sum().backward()
    close(a.grad, t.grad)


def test_grad_is_a_fresh_tensor_not_the_upstream_one():
    a, t = pair([1.0, 2.0])
    b, u = pair([3.0, 4.0])
    (a + b).sum().backward()
    (t + u).sum().backward()
    a.grad.add_(1)   # must not change b.grad (same upstream gradient reached both)
    t.grad.add_(1)
    close(b.grad, u.grad)
    close(a.grad, t.grad)


def test_non_leaf_grad_is_none_unless_retained():
    a, t = pair([1.0, 2.0])
    ya, yt = a * 2, t * 2
    za, zt = a * 3, t * 3
    ya.retain_grad()
    yt.retain_grad()
    ((ya * za).sum()).backward()
    ((yt * zt).sum()).backward()
    assert za.grad is None
    assert not ya.is_leaf and ya.retains_grad
    close(ya.grad, yt.grad)
    close(a.grad, t.grad)


def test_retained_grads_accumulate_like_torch():
    a, t = pair([1.0, -2.0])
    ya, yt = a * 2, t * 2
    ya.retain_grad()
    yt.retain_grad()
    la, lt = (ya * ya).sum(), (yt * yt).sum()
    la.backward(retain_graph=True)
    lt.backward(retain_graph=True)
    la.backward()
    lt.backward()
    close(ya.grad, yt.grad)
    close(a.grad, t.grad)


def test_retain_grad_on_leaf_is_a_noop_and_on_no_grad_tensor_raises():
    a, _ = pair([1.0])
    a.retain_grad()
    assert a.is_leaf
    c = npgrad.tensor([1.0])
    with pytest.raises(RuntimeError):
        c.retain_grad()
    with pytest.raises(RuntimeError):
        torch.tensor([1.0]).retain_grad()


def test_explicit_gradient_argument():
    a, t = pair([[1.0, 2.0], [3.0, 4.0]])
    g = np.array([[1.0, -1.0], [0.5, 2.0]])
    (a * a).backward(npgrad.tensor(g))
    (t * t).backward(torch.tensor(g))
    close(a.grad, t.grad)


# -- errors -------------------------------------------------------------------------------

def test_non_scalar_output_without_gradient_raises():
    a, t = pair([1.0, 2.0])
    with pytest.raises(RuntimeError, match="scalar outputs"):
        (t * 2).backward()
    with pytest.raises(RuntimeError, match="scalar outputs"):
        (a * 2).backward()
    with pytest.raises(RuntimeError, match="scalar outputs"):
        ng_grad(a * 2, a)


def test_backward_on_tensor_without_grad_raises():
    x = npgrad.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        x.sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.tensor([1.0, 2.0]).sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        with npgrad.no_grad():
            y = (npgrad.tensor([1.0], requires_grad=True) * 2).sum()
        y.backward()


def test_gradient_shape_mismatch_raises():
    a, t = pair([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (t * 2).backward(torch.ones(3, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (a * 2).backward(npgrad.ones(3, dtype=npgrad.float64))


def test_grad_of_input_that_does_not_require_grad_raises():
    a, _ = pair([1.0, 2.0])
    c = npgrad.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        ng_grad((a * c).sum(), [a, c])


# -- inputs= and autograd.grad ------------------------------------------------------------

def test_backward_inputs_restricts_accumulation():
    a, t = pair([1.0, 2.0])
    b, u = pair([3.0, 4.0])
    (a * b).sum().backward(inputs=[a])
    (t * u).sum().backward(inputs=[t])
    close(a.grad, t.grad)
    assert b.grad is None and u.grad is None
    # a single tensor is accepted too
    (a * b).sum().backward(inputs=b)
    (t * u).sum().backward(inputs=u)
    close(b.grad, u.grad)
    close(a.grad, t.grad)


def test_backward_inputs_non_leaf_gets_grad():
    a, t = pair([1.0, 2.0])
    ya, yt = a * 3, t * 3
    (ya * ya).sum().backward(inputs=[ya])
    (yt * yt).sum().backward(inputs=[yt])
    close(ya.grad, yt.grad)
    assert a.grad is None and t.grad is None


def test_autograd_grad_leaves_dot_grad_untouched():
    a, t = pair([1.0, 2.0, 3.0])
    b, u = pair([0.5, 0.5, 2.0])
    ga = ng_grad((a * a * b).sum(), [a, b])
    gt = torch.autograd.grad((t * t * u).sum(), [t, u])
    assert isinstance(ga, tuple) and len(ga) == 2
    for x, y in zip(ga, gt):
        close(x, y)
        assert not x.requires_grad
    assert a.grad is None and b.grad is None


def test_autograd_grad_single_input_and_grad_outputs():
    a, t = pair([[1.0, 2.0], [3.0, 4.0]])
    v = np.array([[1.0, 0.0], [2.0, -1.0]])
    (ga,) = ng_grad(a * a, a, npgrad.tensor(v))
    (gt,) = torch.autograd.grad(t * t, t, torch.tensor(v))
    close(ga, gt)


def test_autograd_grad_multiple_outputs():
    a, t = pair([1.0, 2.0])
    ga = ng_grad([(a * a).sum(), (a * 3).sum()], a)
    gt = torch.autograd.grad([(t * t).sum(), (t * 3).sum()], t)
    close(ga[0], gt[0])


def test_autograd_grad_wrt_intermediate():
    a, t = pair([1.0, 2.0])
    ya, yt = a * 2, t * 2
    (ga,) = ng_grad((ya * ya).sum(), ya)
    (gt,) = torch.autograd.grad((yt * yt).sum(), yt)
    close(ga, gt)


def test_allow_unused():
    a, t = pair([1.0, 2.0])
    b, u = pair([3.0, 4.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        torch.autograd.grad((t * 2).sum(), [t, u])
    with pytest.raises(RuntimeError, match="allow_unused"):
        ng_grad((a * 2).sum(), [a, b])
    ga = ng_grad((a * 2).sum(), [a, b], allow_unused=True)
    gt = torch.autograd.grad((t * 2).sum(), [t, u], allow_unused=True)
    close(ga[0], gt[0])
    assert ga[1] is None and gt[1] is None
    ga = ng_grad((a * 2).sum(), [a, b], materialize_grads=True)
    gt = torch.autograd.grad((t * 2).sum(), [t, u], materialize_grads=True)
    close(ga[1], gt[1])


# -- broadcasting: undone once, in the engine -----------------------------------------------

@pytest.mark.parametrize("sa,sb", [((3, 1), (1, 4)), ((), (2, 3)), ((4,), (3, 4)),
                                   ((2, 1, 3), (4, 1)), ((1,), ()), ((0, 3), (1, 3)),
                                   ((), ())])
def test_broadcast_gradients_exact(sa, sb):
    rs = np.random.default_rng(0)
    a, t = pair(rs.standard_normal(sa))
    b, u = pair(rs.standard_normal(sb))
    for fn in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x - y * x,
               lambda x, y: x / (y * y + 1)):
        a.grad = b.grad = t.grad = u.grad = None
        ra, rt = fn(a, b), fn(t, u)
        close(ra, rt)
        g = rs.standard_normal(rt.shape)
        ra.backward(npgrad.tensor(g))
        rt.backward(torch.tensor(g))
        close(a.grad, t.grad, rtol=1e-12)
        close(b.grad, u.grad, rtol=1e-12)


def test_broadcast_with_python_scalar_and_0d_float32():
    a, t = pair(2.0, dtype="float32")          # 0-d leaf
    b, u = pair([[1.0, 2.0, 3.0]], dtype="float32")
    ra, rt = (a * b + 1.5) * a, (t * u + 1.5) * t
    ra.sum().backward()
    rt.sum().backward()
    close(a.grad, t.grad, rtol=1e-6)
    close(b.grad, u.grad, rtol=1e-6)
    assert a.grad.shape == () and a.grad.dtype == npgrad.float32


def test_broadcast_gradient_reaches_leaf_through_expand():
    a, t = pair([[1.0], [2.0]])
    ra = a.expand(2, 3) * npgrad.arange(3.0, dtype=npgrad.float64)
    rt = t.expand(2, 3) * torch.arange(3.0, dtype=torch.float64)
    ra.sum().backward()
    rt.sum().backward()
    close(a.grad, t.grad)


# -- retain_graph ---------------------------------------------------------------------------

def test_second_backward_without_retain_graph_raises():
    a, t = pair([1.0, 2.0])
    la, lt = (a.exp() * a).sum(), (t.exp() * t).sum()
    la.backward()
    lt.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        lt.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        la.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    a, t = pair([1.0, 2.0])
    la, lt = (a.exp() * a).sum(), (t.exp() * t).sum()
    la.backward(retain_graph=True)
    lt.backward(retain_graph=True)
    la.backward()
    lt.backward()
    close(a.grad, t.grad)


def test_autograd_grad_frees_graph_too():
    a, _ = pair([1.0, 2.0])
    la = (a.exp() * a).sum()
    ng_grad(la, a)
    with pytest.raises(RuntimeError, match="retain_graph"):
        ng_grad(la, a)
    la = (a.exp() * a).sum()
    g1 = ng_grad(la, a, retain_graph=True)
    g2 = ng_grad(la, a)
    np.testing.assert_allclose(g1[0].numpy(), g2[0].numpy())


def test_saved_tensors_access_after_free_raises():
    a, t = pair([1.0, 2.0])
    ya, yt = a.exp(), t.exp()
    ya.sum().backward()
    yt.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        yt.grad_fn._saved_result
    # a node that saved nothing can run twice (as in torch: (x + 1).sum())
    sa, st = (a + 1).sum(), (t + 1).sum()
    sa.backward()
    st.backward()
    sa.backward()
    st.backward()
    close(a.grad, t.grad)


# -- edge cases found while hardening -----------------------------------------------------------

def test_inputs_with_retained_non_leaf_counts_once():
    a, t = pair([1.0, 2.0])
    ya, yt = a * 3, t * 3
    ya.retain_grad()
    yt.retain_grad()
    (ya * ya).sum().backward(inputs=[ya])
    (yt * yt).sum().backward(inputs=[yt])
    close(ya.grad, yt.grad)


def test_hooks_apply_with_inputs():
    a, t = pair([1.0, 2.0])
    res = []
    for x in (a, t):
        y = x * 3
        y.register_hook(lambda g: g * 10)
        (y * y).sum().backward(inputs=[y, x])
        res.append(y.grad)
    close(res[0], res[1])
    close(a.grad, t.grad)


def test_empty_inputs_raises():
    a, t = pair([1.0])
    for x in (a, t):
        with pytest.raises(RuntimeError, match="cannot be empty"):
            (x * 2).sum().backward(inputs=[])


def test_gradient_cast_to_output_dtype():
    a, t = pair([1.0, 2.0], dtype="float32")
    a.backward(npgrad.tensor([1.0, 3.0], dtype=npgrad.float64))
    t.backward(torch.tensor([1.0, 3.0], dtype=torch.float64))
    close(a.grad, t.grad)
    ya, yt = a * 2, t * 2
    (ga,) = ng_grad(ya, a, npgrad.tensor([1.0, 1.0], dtype=npgrad.float64))
    (gt,) = torch.autograd.grad(yt, t, torch.tensor([1.0, 1.0], dtype=torch.float64))
    close(ga, gt)


def test_grad_of_output_wrt_itself_and_unused_inputs():
    a, t = pair([1.0, 2.0])
    ya, yt = (a * 2).sum(), (t * 2).sum()
    close(ng_grad(ya, ya)[0], torch.autograd.grad(yt, yt)[0])
    c, u = pair([1.0])
    (a * 2).sum().backward(inputs=[c])
    (t * 2).sum().backward(inputs=[u])
    assert c.grad is None and u.grad is None and a.grad is None and t.grad is None


def test_autograd_backward_function_with_lists():
    a, t = pair([1.0, 2.0])
    for lib, x in ((npgrad, a), (torch, t)):
        lib.autograd.backward([(x * x).sum(), x * 3],
                              [None, lib.tensor([1.0, -1.0], dtype=lib.float64)])
    close(a.grad, t.grad)


def test_backward_inside_no_grad_still_computes():
    a, t = pair([1.0, 2.0])
    for lib, x in ((npgrad, a), (torch, t)):
        y = (x * x).sum()
        with lib.no_grad():
            y.backward()
        assert lib.is_grad_enabled()
    close(a.grad, t.grad)


def test_concurrent_backward_in_threads():
    import threading

    errors, results = [], {}

    def work(k):
        try:
            x = npgrad.tensor([float(k), 1.0], dtype=npgrad.float64, requires_grad=True)
            for _ in range(50):
                x.grad = None
                with npgrad.no_grad() if k % 2 else npgrad.enable_grad():
                    pass
                y = (x * x * x).sum()
                (g,) = npgrad.autograd.grad(y, x, create_graph=True)
                g.sum().backward()
            results[k] = x.grad.tolist()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for k in range(4):
        assert results[k] == [6.0 * k, 6.0]
