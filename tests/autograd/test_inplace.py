"""In-place safety against PyTorch: version counters, modified saved tensors, leaves, views
of non-leaves (CopySlices), failed in-place ops leaving tensors unchanged."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

from ._util import close, pair

LIBS = [npgrad, torch]


def _grads(fn, data=(1.0, -2.0, 3.0, 0.5)):
    """Run ``fn(lib, leaf)`` (it calls backward) in both libraries; compare the leaves' grads."""
    a, t = pair(list(data))
    ra, rt = fn(npgrad, a), fn(torch, t)
    close(a.grad, t.grad)
    return ra, rt


# -- version counter ---------------------------------------------------------------------------

@pytest.mark.parametrize("lib", LIBS)
def test_version_counter_bumps(lib):
    x = lib.zeros(4)
    assert x._version == 0
    x.add_(1)
    assert x._version == 1
    x += 1
    x.mul_(2)
    assert x._version == 3
    x[0] = 5.0
    assert x._version == 4
    x.zero_()
    x.fill_(2.0)
    x.copy_(lib.ones(4))
    assert x._version == 7
    v = x.view(2, 2)
    v.add_(1)                       # a view shares its base's counter
    assert x._version == v._version == 8
    d = x.detach()
    d.mul_(2)                       # so does detach()
    assert x._version == 9
    x.data.mul_(2)                  # .data does not (autograd does not see the change)
    assert x._version == 9
    y = x + 1                       # out-of-place: a fresh counter
    assert y._version == 0


def test_version_through_slices_and_chains():
    for lib in LIBS:
        x = lib.zeros(3, 4)
        x[1].add_(1)
        x[:, 2].mul_(3)
        x.view(-1)[5:7].sub_(1)
        assert x._version == 3
        r = x.add_(1).mul_(2)
        assert r is x and x._version == 5


# -- saved tensors modified in place -----------------------------------------------------------

@pytest.mark.parametrize("lib", LIBS)
def test_modified_saved_input_raises_naming_the_op(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = a * 1
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as e:
        z.sum().backward()
    assert "version 1" in str(e.value) and "version 0" in str(e.value)
    if lib is npgrad:   # torch names the tensor's current producer; npgrad also the saver
        assert "saved by MulBackward0" in str(e.value)


@pytest.mark.parametrize("lib", LIBS)
def test_modified_saved_output_raises(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = a.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as e:
        y.sum().backward()
    if lib is npgrad:
        assert "ExpBackward0" in str(e.value)


@pytest.mark.parametrize("lib", LIBS)
def test_modified_through_detach_or_view_raises(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = a.exp()
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    b = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = b * 1
    z = (x * x).sum()
    with lib.no_grad():
        x[0].mul_(2)       # not recorded, but still a write: backward must refuse
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_unsaved_tensor_may_be_modified():
    def fn(lib, a):
        y = a * 1
        s = (y + 2).sum()          # add saves nothing
        y.add_(1)
        s.backward()
    _grads(fn)


def test_modification_after_backward_with_retained_graph_detected():
    for lib in LIBS:
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        y = a * 1
        z = (y * y).sum()
        z.backward(retain_graph=True)
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.backward()


# -- leaves ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lib", LIBS)
def test_in_place_on_leaf_requiring_grad(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    for op in (lambda: a.add_(1), lambda: a.mul_(2), lambda: a.zero_(),
               lambda: a.__setitem__(0, 3.0), lambda: a.copy_(lib.ones(2)),
               lambda: a.fill_(1.0)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            op()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        a[0].add_(1)               # a view of such a leaf too
    assert a.tolist() == [1.0, 2.0] and a._version == 0
    with lib.no_grad():
        a.add_(1)
        a[0] = 10.0
    assert a.tolist() == [10.0, 3.0] and a.is_leaf and a.requires_grad
    (a * a).sum().backward()
    assert a.grad.tolist() == [20.0, 6.0]


def test_in_place_into_plain_leaf_with_grad_operand():
    def fn(lib, a):
        c = lib.zeros(4, dtype=lib.float64)
        c.add_(a * 2)
        assert c.requires_grad and not c.is_leaf
        assert c.grad_fn.name() == "AddBackward0"
        (c * c).sum().backward()
    _grads(fn)


def test_setitem_with_grad_value():
    b, u = pair([5.0, 6.0])

    def fn(lib, a):
        v = b if lib is npgrad else u
        x = a * 1
        x[1:3] = v * v
        (x * x).sum().backward()
        return x

    ra, rt = _grads(fn)
    close(ra, rt)
    close(b.grad, u.grad)


# -- in-place through views of non-leaves --------------------------------------------------------

VIEW_CASES = {
    "index_mul": lambda lib, x: x[0].mul_(2),
    "flat_add": lambda lib, x: x.view(-1).add_(1),
    "slice_mul": lambda lib, x: x[1:3].mul_(x[0].detach() + 3),
    "two_views": lambda lib, x: (x[0].mul_(2), x[2:].add_(x[1:3].clone())),
    "view_of_view": lambda lib, x: x.view(2, 2)[1].mul_(5),
    "iadd_view": lambda lib, x: x[::2].__iadd__(x[1::2].clone()),
    "sub_into_row": lambda lib, x: x.view(2, 2)[:, 1].sub_(x.view(2, 2)[:, 0].clone()),
    "setitem_view": lambda lib, x: x[1:].__setitem__(slice(0, 2), x[:2].clone() * 2),
    "mul_by_self_view": lambda lib, x: x.view(2, 2)[0].mul_(x.view(2, 2)[1].exp()),
}


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_in_place_through_view_updates_base_graph(name):
    def fn(lib, a):
        x = a * 1
        VIEW_CASES[name](lib, x)
        (x * x * lib.arange(1.0, 5.0, dtype=lib.float64)).sum().backward()
        return x

    ra, rt = _grads(fn)
    close(ra, rt)


def test_write_after_view_times_constant():
    """Mul saves only what the needed gradients use (as torch), so writing into the base of
    a view that was multiplied by a constant does not make backward raise."""
    for lib in LIBS:
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = a * 1
        y = x[1:] * lib.tensor([2.0, 3.0])
        x[0].add_(1)
        y.sum().backward()


def test_view_sees_write_and_its_grad_fn_follows():
    def fn(lib, a):
        x = a * 1
        v = x[1:3]
        v.mul_(3)
        assert v.requires_grad and not v.is_leaf
        ((v * v).sum() + x.sum()).backward()
        return v

    ra, rt = _grads(fn)
    close(ra, rt)


def test_in_place_on_non_leaf_chain_grads():
    def fn(lib, a):
        x = a * 1
        x.add_(1).mul_(x.detach().clone())
        x.exp_()
        (x / 2).sum().backward()
        return x

    ra, rt = _grads(fn)
    close(ra, rt)


@pytest.mark.parametrize("lib", LIBS)
def test_write_after_in_place_op_that_saved_its_output_raises(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    x = a * 1
    x.exp_()               # saves its result, which is x
    x.mul_(2)              # so this write invalidates it
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        x.sum().backward()


# -- failed in-place ops leave tensors unchanged -----------------------------------------------

@pytest.mark.parametrize("lib", LIBS)
def test_int_tensor_iadd_float_raises_and_is_unchanged(lib):
    x = lib.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        x += 1.5
    assert x.tolist() == [1, 2, 3] and x._version == 0
    with pytest.raises(RuntimeError):
        x.mul_(lib.tensor([0.5, 0.5, 0.5]))
    assert x.tolist() == [1, 2, 3]
    b = lib.tensor([True, False])
    with pytest.raises(RuntimeError):
        b.add_(2)
    assert b.tolist() == [True, False]


@pytest.mark.parametrize("lib", LIBS)
def test_in_place_shape_mismatch_raises_and_is_unchanged(lib):
    x = lib.ones(3)
    with pytest.raises(RuntimeError):
        x.add_(lib.ones(4))
    with pytest.raises(RuntimeError):
        x.add_(lib.ones(2, 3))     # the result would broadcast beyond x's shape
    with pytest.raises(RuntimeError):
        x.copy_(lib.ones(2))
    assert x.tolist() == [1.0, 1.0, 1.0] and x._version == 0


@pytest.mark.parametrize("lib", LIBS)
def test_failed_in_place_keeps_graph(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = a * 3
    node = y.grad_fn
    with pytest.raises(RuntimeError):
        y.add_(lib.ones(3))
    assert y.grad_fn is node and y._version == 0
    y.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_expanded_view_write_raises_unchanged():
    base = npgrad.ones(1, 3)
    e = base.expand(2, 3)
    with pytest.raises(RuntimeError):
        e.add_(1)
    with pytest.raises(RuntimeError):
        torch.ones(1, 3).expand(2, 3).add_(1)
    assert base.tolist() == [[1.0, 1.0, 1.0]]


def test_from_numpy_shares_memory_with_in_place():
    arr = np.zeros(3)
    x = npgrad.from_numpy(arr)
    x.add_(2)
    x[0] = 7
    assert arr.tolist() == [7.0, 2.0, 2.0]


@pytest.mark.parametrize("lib", LIBS)
def test_optimizer_step_before_backward_is_detected(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with lib.no_grad():
        w -= 0.1                 # the leaf changed after forward saved it
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
