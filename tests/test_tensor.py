"""The Tensor API against PyTorch: construction and dtype inference, conversions, attributes
and the conversion/autograd methods."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad


def _dtype_name(d) -> str:
    return str(d).split(".")[-1]


def _same(make) -> None:
    ours, theirs = make(npgrad), make(torch)
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, npgrad.Tensor)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert _dtype_name(ours.dtype) == _dtype_name(theirs.dtype)
        assert ours.requires_grad == theirs.requires_grad
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    else:
        assert type(ours) is type(theirs) and ours == theirs, (ours, theirs)


CONSTRUCT = [
    lambda l: l.tensor(1), lambda l: l.tensor(1.5), lambda l: l.tensor(True),
    lambda l: l.tensor([1, 2.5]), lambda l: l.tensor([[1, 2], [3, 4]]),
    lambda l: l.tensor([True, 1]),
    lambda l: l.tensor([True, 1.5]), lambda l: l.tensor((1, 2)), lambda l: l.tensor([]),
    lambda l: l.tensor([[]]), lambda l: l.tensor(np.array([1, 2], np.int32)),
    lambda l: l.tensor(np.array([1.0, 2.0])), lambda l: l.tensor(np.array(True)),
    lambda l: l.tensor(np.float64(2.0)), lambda l: l.tensor(np.int32(3)),
    lambda l: l.tensor([np.float64(2.0)]), lambda l: l.tensor([np.float64(2), 1.5]),
    lambda l: l.tensor([np.float16(2), 1.5]), lambda l: l.tensor([np.float16(2), 1]),
    lambda l: l.tensor([np.int32(1), 2]), lambda l: l.tensor([np.int8(1), np.int16(2)]),
    lambda l: l.tensor([[np.int8(1)], [np.int16(2)]]),
    lambda l: l.tensor([np.uint8(3), np.int8(1)]),
    lambda l: l.tensor([l.tensor(1.0), l.tensor(2.0)]),
    lambda l: l.tensor([l.tensor(1), l.tensor(2)]),
    lambda l: l.tensor([l.tensor(1.0, dtype=l.float64), 2.5]),
    lambda l: l.tensor([l.tensor(1, dtype=l.int8), 2.5]),
    lambda l: l.tensor([l.tensor(1, dtype=l.int8)]),
    lambda l: l.tensor([l.tensor(1.0, dtype=l.float16), 2]), lambda l: l.tensor([l.tensor(True)]),
    lambda l: l.tensor([np.array([1, 2], np.int8), np.array([3, 4], np.int8)]),
    lambda l: l.tensor([1, 2], dtype=l.float16), lambda l: l.tensor([1.7, -2.7], dtype=l.int32),
    lambda l: l.tensor([0, 2], dtype=l.bool), lambda l: l.tensor(l.tensor([1, 2])),
    lambda l: l.tensor([1, 2], device="cpu"), lambda l: l.tensor([1, 2], device=l.device("cpu")),
    lambda l: l.tensor([1.0, 2.0], requires_grad=True), lambda l: l.tensor([1, 2**40]),
    lambda l: l.tensor(float("nan")), lambda l: l.tensor([[1.5, 2], [3, 4]], dtype=l.float64),
    lambda l: l.Tensor([1, 2]), lambda l: l.from_numpy(np.arange(3, dtype=np.int16)),
    lambda l: l.as_tensor([1, 2.0]), lambda l: l.as_tensor(np.ones(2, np.float32), dtype=l.float64),
]


@pytest.mark.parametrize("i", range(len(CONSTRUCT)))
def test_construction_and_inference_match_torch(i):
    _same(CONSTRUCT[i])


def test_default_dtype_followed_by_python_floats():
    npgrad.set_default_dtype(npgrad.float64)
    try:
        assert npgrad.tensor([1.0, 2.0]).dtype == npgrad.float64
        assert npgrad.tensor([npgrad.tensor(1, dtype=npgrad.int8), 2.5]).dtype == npgrad.float64
        assert npgrad.tensor([1, 2]).dtype == npgrad.int64
        assert npgrad.Tensor([1, 2]).dtype == npgrad.float64
    finally:
        npgrad.set_default_dtype(npgrad.float32)


@pytest.mark.parametrize("make,error", [
    (lambda l: l.tensor([[1, 2], [3]]), ValueError),
    (lambda l: l.tensor(2**63), ValueError),
    (lambda l: l.tensor([1, 2**64]), ValueError),
    (lambda l: l.tensor("a"), TypeError),
    (lambda l: l.tensor([1], dtype=l.int64, requires_grad=True), RuntimeError),
    (lambda l: l.tensor([1.0], requires_grad=True).numpy(), RuntimeError),
    (lambda l: l.tensor([1.0, 2.0]).item(), RuntimeError),
    (lambda l: bool(l.tensor([1, 2])), RuntimeError),
    (lambda l: len(l.tensor(1)), TypeError),
    (lambda l: list(l.tensor(1.0)), TypeError),
    (lambda l: l.tensor([[1, 2]]).size(2), IndexError),
    (lambda l: l.tensor([1]).requires_grad_(), RuntimeError),
])
def test_errors_match_torch(make, error):
    with pytest.raises(error):
        make(torch)
    with pytest.raises(error):
        make(npgrad)


CONVERT = [
    lambda l: l.tensor(3.0).item(), lambda l: l.tensor([3]).item(),
    lambda l: l.tensor([[2.5]]).item(),
    lambda l: l.tensor(True).item(), lambda l: l.tensor([[1, 2]]).tolist(),
    lambda l: l.tensor(2).tolist(),
    lambda l: l.tensor([]).tolist(), lambda l: l.tensor([1.5, 2]).tolist(),
    lambda l: float(l.tensor([2])), lambda l: int(l.tensor(2.7)), lambda l: int(l.tensor(-2.7)),
    lambda l: bool(l.tensor([0.0])), lambda l: bool(l.tensor(3)), lambda l: len(l.tensor([[1, 2]])),
    lambda l: [0, 1, 2][l.tensor(1)], lambda l: f"{l.tensor(1.23456):.2f}",
    lambda l: len(list(l.tensor([[1, 2], [3, 4]]))),
    lambda l: [t.tolist() for t in l.tensor([[1, 2], [3, 4]])],
]


@pytest.mark.parametrize("i", range(len(CONVERT)))
def test_python_conversions_match_torch(i):
    _same(CONVERT[i])


def test_iteration_gives_tensors_with_grad():
    x = npgrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(x)
    assert all(isinstance(r, npgrad.Tensor) and r.shape == (2,) for r in rows)
    (rows[0] * 2 + rows[1]).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0], [1.0, 1.0]]


def test_numpy_interop_shares_memory():
    a = np.arange(4.0)
    t = npgrad.from_numpy(a)
    a[0] = 10
    assert t[0].item() == 10
    t.add_(1)
    assert a.tolist() == [11.0, 2.0, 3.0, 4.0]
    assert t.numpy() is a or np.shares_memory(t.numpy(), a)
    assert np.shares_memory(np.asarray(t), a)
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    # tensor() always copies
    c = npgrad.tensor(a)
    a[1] = -1
    assert c[1].item() == 2.0
    assert npgrad.tensor([1.0], requires_grad=True).detach().numpy().tolist() == [1.0]
    with pytest.raises(TypeError):
        npgrad.from_numpy([1, 2])


ATTRS = [
    lambda l: l.tensor([1, 2]).ndim, lambda l: l.tensor([1, 2]).dim(),
    lambda l: l.tensor([[1, 2]]).numel(),
    lambda l: tuple(l.tensor([[1, 2]]).shape), lambda l: tuple(l.tensor([[1, 2]]).size()),
    lambda l: l.tensor([[1, 2]]).size(1), lambda l: l.tensor([[1, 2]]).size(-1),
    lambda l: l.tensor([[1, 2]]).shape == (1, 2), lambda l: l.tensor([[1, 2]]).shape[1],
    lambda l: str(l.tensor([1.0]).device), lambda l: l.tensor([1.0]).device == l.device("cpu"),
    lambda l: l.tensor([1.0]).device.type, lambda l: l.tensor([1.0], requires_grad=True).is_leaf,
    lambda l: (l.tensor([1.0], requires_grad=True) * 2).is_leaf, lambda l: l.tensor([1.0]).is_leaf,
    lambda l: l.tensor([1.0]).grad is None, lambda l: l.tensor([1.0]).grad_fn is None,
    lambda l: (l.tensor([1.0], requires_grad=True) * 2).grad_fn.name(),
    lambda l: (l.tensor([1.0], requires_grad=True) * 2).requires_grad,
    lambda l: l.tensor([1.0]).is_floating_point(), lambda l: l.tensor([1]).is_floating_point(),
    lambda l: l.tensor([1.0]).element_size(), lambda l: l.tensor([[1.0, 2]]).t().is_contiguous(),
    lambda l: l.tensor([[1.0, 2], [3, 4]]).t().is_contiguous(),
    lambda l: l.tensor([[1.0, 2], [3, 4]]).t().contiguous().is_contiguous(),
    lambda l: l.zeros(2, 3).stride(), lambda l: l.tensor([1, 2]).type(),
    lambda l: l.tensor([1.0]).dtype == l.float, lambda l: l.tensor([1.0]).dtype == l.float32,
]


@pytest.mark.parametrize("i", range(len(ATTRS)))
def test_attributes_match_torch(i):
    assert ATTRS[i](npgrad) == ATTRS[i](torch)  # x.type() too: 'torch.LongTensor', as PyTorch


METHODS = [
    lambda l: l.tensor([1.0, 2]).to(l.float64), lambda l: l.tensor([1.0, 2]).to("cpu"),
    lambda l: l.tensor([1.5, 2]).to("cpu", l.int64),
    lambda l: l.tensor([1.0, 2]).to(l.device("cpu")),
    lambda l: l.tensor([1.5, 2]).to(l.tensor([1])),
    lambda l: l.tensor([1.0, 2]).to(device="cpu", dtype=l.float16),
    lambda l: l.tensor([1.0, 2]).to(dtype=l.int8), lambda l: l.tensor([1.5, 2]).long(),
    lambda l: l.tensor([1.5, 2]).int(), lambda l: l.tensor([1.5, 0]).bool(),
    lambda l: l.tensor([1, 2]).half(),
    lambda l: l.tensor([1, 2]).float(), lambda l: l.tensor([1, 2]).double(),
    lambda l: l.tensor([-1.5, 300]).byte(),
    lambda l: l.tensor([1, 2]).type_as(l.tensor([1.0])), lambda l: l.tensor([1.0, 2]).cpu(),
    lambda l: l.tensor([1.0, 2]).requires_grad_(),
    lambda l: l.tensor([1.0, 2], requires_grad=True).clone(),
    lambda l: l.tensor([1.0, 2], requires_grad=True).detach(),
    lambda l: l.tensor([1.0, 2], requires_grad=True).requires_grad_(False),
    lambda l: l.tensor([1.0, 2], requires_grad=True).double(),
    lambda l: l.tensor([[1.0, 2], [3, 4]]).t().contiguous(),
    lambda l: l.tensor([1.0]).type(l.float64),
]


@pytest.mark.parametrize("i", range(len(METHODS)))
def test_conversion_methods_match_torch(i):
    _same(METHODS[i])


def test_to_returns_self_when_nothing_changes():
    t = npgrad.tensor([1.0, 2.0])
    assert t.to(npgrad.float32) is t and t.to("cpu") is t and t.cpu() is t and t.float() is t
    assert t.to(npgrad.float32, copy=True) is not t
    c = t.contiguous()
    assert c is t


def test_casts_and_clone_are_differentiable():
    x = npgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    assert y.dtype == npgrad.float64 and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.dtype == npgrad.float32 and x.grad.tolist() == [3.0, 3.0]
    x.grad = None
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0" and not c.is_leaf
    (c * c).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    # casting to an integer dtype cuts the graph, as in PyTorch
    assert not x.long().requires_grad


def test_detach_shares_data_and_retain_grad():
    x = npgrad.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    d.zero_()
    assert x.tolist() == [0.0, 0.0]
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    assert y.grad.tolist() == [0.0, 0.0] and x.grad.tolist() == [0.0, 0.0]
    w = npgrad.tensor([1.0, 2.0], requires_grad=True) * 2
    w.retain_grad()
    (w * 3).sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError):
        npgrad.tensor([1.0]).retain_grad()


def test_device_objects():
    d = npgrad.device("cpu")
    assert d == "cpu" and d == npgrad.device(d) and d.type == "cpu" and d.index is None
    assert repr(npgrad.device("cpu", 0)) == repr(torch.device("cpu", 0))
    assert hash(d) == hash(npgrad.device("cpu"))
    with pytest.raises(RuntimeError):
        npgrad.device("tpu")
    with pytest.raises(AssertionError, match="not compiled with CUDA"):  # as a CPU-only torch
        npgrad.zeros(2, device="cuda")


def test_equality_with_none_and_membership():
    t = npgrad.tensor([1, 2])
    assert (t == None) is False and (t != None) is True  # noqa: E711 (the point of the test)
    assert t in [t] and None not in [t] and t not in [None]
    assert npgrad.tensor([1], pin_memory=False).tolist() == [1]
    with pytest.raises(TypeError):
        t + None


# The arithmetic operators take a shortcut for Tensor and Python-number operands and go
# through the op functions for anything else; every kind must give PyTorch's result.
OPERANDS = {
    "tensor": lambda l: l.tensor([3., -4.], requires_grad=True),
    "parameter": lambda l: l.nn.Parameter(l.tensor([3., -4.])),
    "0-d tensor": lambda l: l.tensor(2., dtype=l.float64, requires_grad=True),
    "int tensor": lambda l: l.tensor([3, 5]),
    "float": lambda l: 2.5, "int": lambda l: 3, "bool": lambda l: True,
    "np.float64": lambda l: np.float64(2.5), "np.int64": lambda l: np.int64(3),
}
ARITHMETIC = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b,
              "mul": lambda a, b: a * b, "truediv": lambda a, b: a / b}


@pytest.mark.parametrize("op", list(ARITHMETIC))
@pytest.mark.parametrize("kind", list(OPERANDS))
@pytest.mark.parametrize("reflected", [False, True])
def test_arithmetic_with_every_operand_kind(op, kind, reflected):
    results = {}
    for lib in (npgrad, torch):
        x = lib.tensor([1.5, -2.], requires_grad=True)
        other = OPERANDS[kind](lib)
        try:
            out = ARITHMETIC[op](other, x) if reflected else ARITHMETIC[op](x, other)
        except Exception as e:  # (x - True: both raise)
            results[lib] = type(e)
            continue
        out.sum().backward()
        grads = [t.grad for t in (x, other) if isinstance(t, lib.Tensor) and t.requires_grad]
        results[lib] = (out, grads)
    if isinstance(results[torch], type):
        assert results[npgrad] is results[torch]
        return
    (ours, our_grads), (theirs, their_grads) = results[npgrad], results[torch]
    assert _dtype_name(ours.dtype) == _dtype_name(theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)
    assert len(our_grads) == len(their_grads)
    for g, tg in zip(our_grads, their_grads):
        assert _dtype_name(g.dtype) == _dtype_name(tg.dtype)
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-6)
