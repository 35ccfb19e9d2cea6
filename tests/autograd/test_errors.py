"""Errors as PyTorch raises them: the same exception class, a message naming the op and the
shapes/dtypes, and every tensor left unchanged."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

# name -> (call, substrings npgrad's message must contain)
CASES = {
    "add_shapes": (lambda l: l.ones(2, 3) + l.ones(4), ["add", "(2, 3)", "(4,)"]),
    "mul_shapes": (lambda l: l.ones(2, 3) * l.ones(3, 2), ["mul", "(2, 3)", "(3, 2)"]),
    "matmul_shapes": (lambda l: l.ones(2, 3) @ l.ones(2, 3), ["matmul", "(2, 3)"]),
    "cat_shapes": (lambda l: l.cat([l.ones(2, 3), l.ones(2, 4)]), ["cat"]),
    "view_bad": (lambda l: l.ones(2, 3).view(4), ["view", "(2, 3)"]),
    "expand_bad": (lambda l: l.ones(3).expand(2, 4), ["expand"]),
    "mm_1d": (lambda l: l.mm(l.ones(3), l.ones(3)), ["mm", "(3,)"]),
    "index_oob": (lambda l: l.ones(3)[5], ["index", "5", "(3,)"]),
    "index_oob_2d": (lambda l: l.ones(3, 2)[:, 2], ["index", "(3, 2)"]),
    "dim_oob_sum": (lambda l: l.ones(3).sum(dim=2), ["sum", "range"]),
    "dim_oob_transpose": (lambda l: l.ones(3).transpose(0, 2), ["transpose"]),
    "add_str": (lambda l: l.ones(2) + "a", ["add", "str"]),
    "sum_dim_str": (lambda l: l.ones(2).sum(dim="a"), ["sum", "str"]),
    "sum_dim_float": (lambda l: l.ones(2).sum(dim=0.5), ["sum", "float"]),
    "grad_assign_type": (lambda l: setattr(l.ones(2, requires_grad=True), "grad", 3), ["int"]),
    "grad_assign_shape": (lambda l: setattr(l.ones(2, requires_grad=True), "grad", l.ones(3)),
                          ["size"]),
    "int_requires_grad": (lambda l: l.tensor([1, 2], requires_grad=True), ["int64"]),
    "zeros_int_requires_grad": (lambda l: l.zeros(2, dtype=l.int64, requires_grad=True),
                                ["int64"]),
    "requires_grad_on_int": (lambda l: l.tensor([1, 2]).requires_grad_(), ["int64"]),
    "requires_grad_on_bool": (lambda l: l.tensor([True]).requires_grad_(), ["bool"]),
    "non_leaf_requires_grad_false": (
        lambda l: setattr(l.ones(2, requires_grad=True) * 2, "requires_grad", False), ["leaf"]),
    "numpy_requires_grad": (lambda l: l.ones(2, requires_grad=True).numpy(), ["detach"]),
    "item_many": (lambda l: l.ones(3).item(), ["3 elements"]),
    "bool_ambiguous": (lambda l: bool(l.ones(3)), ["ambiguous"]),
}


def _outcome(lib, fn):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 (we compare the classes)
        return e
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_exception_class_as_torch(name):
    fn, words = CASES[name]
    ours, theirs = _outcome(npgrad, fn), _outcome(torch, fn)
    assert theirs is not None and ours is not None, (ours, theirs)
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    for w in words:
        assert w in str(ours), (w, str(ours))


@pytest.mark.parametrize("lib", [npgrad, torch])
def test_int_tensor_cannot_require_grad_and_stays_usable(lib):
    x = lib.tensor([1, 2])
    with pytest.raises(RuntimeError):
        x.requires_grad = True
    assert not x.requires_grad
    assert (x + 1).tolist() == [2, 3]


@pytest.mark.parametrize("lib", [npgrad, torch])
def test_failed_ops_leave_tensors_unchanged(lib):
    a = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    x = a * 1
    node, version = x.grad_fn, x._version
    before = x.detach().clone()
    bad = [lambda: x.add_(lib.ones(4)), lambda: x.copy_(lib.ones(5)),
           lambda: x.__setitem__(7, 1.0),
           lambda: x.__setitem__((slice(None), 0), lib.ones(3)),
           lambda: x.view(-1).add_(lib.ones(5)),
           lambda: x.mul_("a"),
           lambda: x @ lib.ones(2, 2)]
    for op in bad:
        with pytest.raises((RuntimeError, TypeError, IndexError)):
            op()
    assert x.grad_fn is node and x._version == version
    assert np.array_equal(x.detach().numpy(), before.numpy())
    x.sum().backward()
    assert a.grad.tolist() == [[1.0] * 3] * 2


def test_failed_backward_does_not_free_or_partially_accumulate_on_bad_gradient():
    a = npgrad.tensor([1.0, 2.0], requires_grad=True)
    y = a.exp()
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        y.backward(npgrad.ones(3))
    assert a.grad is None
    y.backward(npgrad.ones(2))          # the graph is still intact
    np.testing.assert_allclose(a.grad.numpy(), np.exp([1.0, 2.0]), rtol=1e-6)
