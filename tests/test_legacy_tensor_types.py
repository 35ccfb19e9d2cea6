"""PyTorch's legacy tensor types (``npgrad.FloatTensor``, ``LongTensor``...) make tensors,
answer ``isinstance`` and name types as PyTorch's do, and ``x.type(...)`` converts with
them; every case is compared with torch (values, dtypes, shapes, exception classes and,
where PyTorch's message is its own, the message)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import _settings

TYPES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
         "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]
DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def seen(value):
    """What a result looks like, library aside: a tensor as (dtype, shape, values)."""
    if isinstance(value, (npgrad.Tensor, torch.Tensor)):
        return ("tensor", str(value.dtype).split(".")[-1], tuple(value.shape),
                value.tolist())
    return value


def outcome(call, lib, message=True):
    try:
        return ("value", seen(call(lib)))
    except Exception as e:  # the point: compare what each library raises
        return ("raises", type(e).__name__) + ((str(e),) if message else ())


def same_outcome(call, message=True):
    ours, theirs = outcome(call, npgrad, message), outcome(call, torch, message)
    assert ours == theirs
    return ours


MADE = {
    "F([1, 2])": lambda t: t.FloatTensor([1, 2]),
    "F([[1, 2], [3, 4]])": lambda t: t.FloatTensor([[1, 2], [3, 4]]),
    "F((1, 2))": lambda t: t.FloatTensor((1, 2)),
    "F([])": lambda t: t.FloatTensor([]),
    "F()": lambda t: t.FloatTensor(),
    "F(0)": lambda t: t.FloatTensor(0),
    "F(ndarray int)": lambda t: t.FloatTensor(np.array([1, 2])),
    "F(ndarray float64)": lambda t: t.FloatTensor(np.array([1.5, 2.0])),
    "F(float tensor)": lambda t: t.FloatTensor(t.tensor([1.0, 2.0])),
    "F(2, device='cpu').shape": lambda t: tuple(t.FloatTensor(2, device="cpu").shape),
    "L([1, 2])": lambda t: t.LongTensor([1, 2]),
    "L([1.7, 2])": lambda t: t.LongTensor([1.7, 2]),
    "L([True])": lambda t: t.LongTensor([True]),
    "D([0.1])": lambda t: t.DoubleTensor([0.1]),
    "H([0.5])": lambda t: t.HalfTensor([0.5]),
    "I([3])": lambda t: t.IntTensor([3]),
    "S([3])": lambda t: t.ShortTensor([3]),
    "C([-3])": lambda t: t.CharTensor([-3]),
    "Byte([1, 255])": lambda t: t.ByteTensor([1, 255]),
    "Bool([True, False])": lambda t: t.BoolTensor([True, False]),
    "Bool([0, 2])": lambda t: t.BoolTensor([0, 2]),
}


@pytest.mark.parametrize("name", MADE)
def test_made_from_data_as_pytorch(name):
    same_outcome(MADE[name])


@pytest.mark.parametrize("type_name,dtype", list(zip(TYPES, DTYPES)))
@pytest.mark.parametrize("size", [(2, 3), (0,), (4,)])
def test_made_from_sizes_as_pytorch(type_name, dtype, size):
    def call(t):
        made = getattr(t, type_name)(*size)
        return str(made.dtype).split(".")[-1], tuple(made.shape), made.requires_grad
    assert same_outcome(call)[1][0] == dtype
    same_outcome(lambda t: tuple(getattr(t, type_name)(t.Size(size)).shape))


ERRORS = {
    "F(2.5)": lambda t: t.FloatTensor(2.5),
    "F('a')": lambda t: t.FloatTensor("a"),
    "F(iterator)": lambda t: t.FloatTensor(iter([1, 2])),
    "F(-1)": lambda t: t.FloatTensor(-1),
    "F(2, -3)": lambda t: t.FloatTensor(2, -3),
    "F(2, device='cuda')": lambda t: t.FloatTensor(2, device="cuda"),
    "cuda.FloatTensor(2)": lambda t: t.cuda.FloatTensor(2),
    "cuda.LongTensor([1])": lambda t: t.cuda.LongTensor([1]),
}


@pytest.mark.parametrize("name", ERRORS)
def test_construction_errors_as_pytorch(name):
    assert same_outcome(ERRORS[name])[0] == "raises"


# PyTorch's messages here come from its C++ argument parser; the classes match
LOOSE_ERRORS = {
    "F(2, dtype=float64)": lambda t: t.FloatTensor(2, dtype=t.float64),
    "F(2, requires_grad=True)": lambda t: t.FloatTensor(2, requires_grad=True),
    "F([1], 2)": lambda t: t.FloatTensor([1], 2),
    "F(long tensor)": lambda t: t.FloatTensor(t.tensor([1, 2])),
}


@pytest.mark.parametrize("name", LOOSE_ERRORS)
def test_construction_errors_raise_pytorchs_class(name):
    assert same_outcome(LOOSE_ERRORS[name], message=False)[0] == "raises"


def test_made_from_a_tensor_of_its_dtype_shares_memory():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0])
        y = lib.FloatTensor(x)
        y[0] = 5.0
        assert x.tolist() == [5.0, 2.0] and type(y) is lib.Tensor


@pytest.mark.parametrize("dtype", DTYPES)
def test_isinstance_is_true_exactly_for_its_dtype(dtype):
    def call(t):
        x = t.zeros(2, dtype=getattr(t, dtype))
        return [isinstance(x, getattr(t, name)) for name in TYPES] + [
            isinstance(x, getattr(t.cuda, name)) for name in TYPES]
    answers = same_outcome(call)[1]
    assert answers[:len(TYPES)] == [d == dtype for d in DTYPES] and not any(answers[len(TYPES):])


def test_isinstance_of_other_objects_and_parameters():
    same_outcome(lambda t: (isinstance(1.0, t.FloatTensor), isinstance([1], t.LongTensor),
                            isinstance(t.nn.Parameter(t.ones(2)), t.FloatTensor),
                            isinstance(t.FloatTensor, type),
                            issubclass(t.FloatTensor, t.Tensor)))


def test_the_classes_describe_themselves_as_pytorchs():
    for name, dtype in zip(TYPES, DTYPES):
        same_outcome(lambda t: (getattr(t, name).__name__, str(getattr(t, name).dtype)
                                .split(".")[-1], getattr(t, name).is_cuda,
                                getattr(t, name).is_sparse, getattr(t.cuda, name).is_cuda))
        assert getattr(npgrad, name).dtype is getattr(npgrad, dtype)
        assert repr(getattr(npgrad, name)) == f"<class 'npgrad.{name}'>"


@pytest.mark.parametrize("dtype", DTYPES)
def test_type_names_the_tensor_as_pytorch(dtype):
    same_outcome(lambda t: t.zeros(2, dtype=getattr(t, dtype)).type())
    same_outcome(lambda t: t.typename(t.zeros(2, dtype=getattr(t, dtype))))


CONVERSIONS = {
    "type(LongTensor)": lambda t: t.tensor([1.5, -2.0]).type(t.LongTensor),
    "type('torch.LongTensor')": lambda t: t.tensor([1.5, -2.0]).type("torch.LongTensor"),
    "type(int64)": lambda t: t.tensor([1.5, -2.0]).type(t.int64),
    "type(dtype=DoubleTensor)": lambda t: t.tensor([1.5]).type(dtype=t.DoubleTensor),
    "type(BoolTensor)": lambda t: t.tensor([0.0, 2.0]).type(t.BoolTensor),
    "type(HalfTensor, non_blocking)": lambda t: t.tensor([1.5]).type(t.HalfTensor, True),
    "same type is self": lambda t: [x.type(k) is x for x in [t.tensor([1.0])]
                                    for k in (t.FloatTensor, "torch.FloatTensor", t.float32)],
    "grad flows": lambda t: (lambda x: (x.type(t.DoubleTensor).grad_fn.name(),))(
        t.tensor([1.0], requires_grad=True)),
    "type('torch.Foo')": lambda t: t.ones(1).type("torch.Foo"),
    "type('FloatTensor')": lambda t: t.ones(1).type("FloatTensor"),
    "type(int)": lambda t: t.ones(1).type(int),
    "type(np.float64)": lambda t: t.ones(1).type(np.float64),
}


@pytest.mark.parametrize("name", CONVERSIONS)
def test_type_converts_as_pytorch(name):
    same_outcome(CONVERSIONS[name])


@pytest.mark.parametrize("target", ["torch.cuda.FloatTensor", "cuda class"])
def test_type_to_a_cuda_type_raises(target):
    def call(t):
        return t.ones(1).type(t.cuda.FloatTensor if target == "cuda class" else target)
    same_outcome(call, message=False)


def test_module_type_and_parameter_containers():
    for dst in ("DoubleTensor", "torch.DoubleTensor"):
        same_outcome(lambda t: str(t.nn.Linear(2, 1).type(
            getattr(t, dst) if "." not in dst else dst).weight.dtype).split(".")[-1])
    same_outcome(lambda t: repr(t.nn.ParameterDict({"a": t.nn.Parameter(t.ones(2, 3))})))


def test_set_default_tensor_type_takes_the_classes_and_warns_once():
    _settings._WARNED_DEFAULT_TENSOR_TYPE.clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            npgrad.set_default_tensor_type(npgrad.DoubleTensor)
            assert npgrad.tensor([1.0]).dtype is npgrad.float64
            npgrad.set_default_tensor_type("torch.FloatTensor")
        assert [str(w.message)[:58] for w in caught] == [
            "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1"[:58]]
        assert caught[0].filename == __file__
    finally:
        npgrad.set_default_dtype(npgrad.float32)
    assert npgrad.tensor([1.0]).dtype is npgrad.float32
