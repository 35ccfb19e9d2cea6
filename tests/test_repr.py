"""``repr(tensor)`` must be exactly PyTorch's (with ``torch.`` read as ``npgrad.``)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

_rng = np.random.default_rng(0)

ARRAYS = [
    np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.25, -3.0]), np.array(3.0),
    np.array(3), np.array(-2.5), np.array([1e-5, 1.0]), np.array([1e5, 1.0]), np.array([1e10]),
    np.array([123456789.0]), np.array([1e-4, 0.5]), np.array([1e8, 1.0]), np.array([3.0e7, 1.5]),
    np.array([np.nan, 1.0, np.inf, -np.inf]), np.array([np.nan]), np.array([np.inf, 1.5]),
    np.array([0.0, -0.0]), np.array([-1.0, -2.0]), np.array([1e-10, 1e10]),
    np.array([1.123456789]), np.array([100.5, 2.0]), np.array([1000.5, 2.0]),
    np.array([0.0001]), np.array([0.00001]), np.array([12345.678]), np.array([-1e-3, 1e3]),
    np.array([1e20, np.nan]), np.array([1e-20]), np.array([5e-324]), np.array([1e-5, np.inf]),
    np.array([[1, -200], [3, 4]]), np.array([[1.5, -200], [3, 4]]), np.array([2**62, -7]),
    np.arange(30.0).reshape(2, 3, 5), np.arange(100), np.arange(2000), np.arange(2000.0),
    _rng.standard_normal((2, 3)), _rng.standard_normal((2, 3, 4)), _rng.standard_normal((3, 1)),
    _rng.standard_normal(1001), _rng.standard_normal((40, 40)), _rng.standard_normal((10, 10, 12)),
    _rng.standard_normal(30), _rng.standard_normal((5, 30)), _rng.standard_normal(200) * 1000,
    _rng.standard_normal((2, 2, 2, 2)) * 1e-3, _rng.integers(-10**6, 10**6, (7, 9)),
    np.array([True, False]), np.array(True), _rng.random((2, 2)) < 0.5, np.ones((20, 60), bool),
    np.zeros((0,)), np.zeros((0, 3)), np.zeros((2, 0, 3), np.int64), np.zeros(0, np.int32),
    np.zeros((0,), bool),
]
for _dt in ("float16", "float32", "float64", "int8", "int16", "int32", "uint8"):
    ARRAYS.append(np.array([1, 2, 100]).astype(_dt))
    ARRAYS.append((_rng.standard_normal((3, 4)) * 10).astype(_dt))
for _scale in (1e-6, 1e-3, 1.0, 1e3, 1e6, 1e9):
    ARRAYS.append(_rng.standard_normal((4, 5)) * _scale)
    ARRAYS.append(np.round(_rng.standard_normal(6) * _scale))


def _same(ours, theirs) -> None:
    expected = repr(theirs).replace("torch.", "npgrad.")
    assert repr(ours) == expected
    assert str(ours) == expected


@pytest.mark.parametrize("i", range(len(ARRAYS)))
def test_repr_matches_torch(i):
    a = ARRAYS[i]
    _same(npgrad.tensor(a), torch.tensor(a))


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2,
    lambda lib: lib.tensor([1, 2]) * lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True),
    lambda lib: lib.tensor(2.0, requires_grad=True) + 1,
    lambda lib: lib.tensor([], requires_grad=True),
    lambda lib: lib.tensor([], dtype=lib.float64),
    lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True),
    lambda lib: lib.tensor([[1.0, 2.0], [3, 4]], requires_grad=True).sum(),
    lambda lib: lib.zeros(2, 3, dtype=lib.float16, requires_grad=True) * 1,
    lambda lib: lib.ones(1200).reshape(2, 600),
    lambda lib: lib.arange(5000.0, dtype=lib.float64, requires_grad=True) * 3,
    lambda lib: lib.tensor([1.5]).to(lib.float64),
], ids=lambda f: "")
def test_repr_suffixes_match_torch(make):
    _same(make(npgrad), make(torch))


def test_repr_follows_default_dtype():
    npgrad.set_default_dtype(npgrad.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for a in (np.array([1.5]), np.array([1.5], np.float32), np.array([1, 2]), np.zeros(0)):
            _same(npgrad.tensor(a), torch.tensor(a))
    finally:
        npgrad.set_default_dtype(npgrad.float32)
        torch.set_default_dtype(torch.float32)


def test_size_and_dtype_and_device_reprs():
    assert repr(npgrad.zeros(2, 3).shape) == "npgrad.Size([2, 3])"
    assert repr(npgrad.float16) == "npgrad.float16"
    assert repr(npgrad.device("cpu")) == repr(torch.device("cpu"))
    assert str(npgrad.device("cpu")) == "cpu"
    assert f"{npgrad.tensor(1.23456):.2f}" == "1.23"


def test_repr_matches_torch_on_random_tensors():
    rng = np.random.default_rng(1)
    failures = []
    for _ in range(400):
        nd = int(rng.integers(0, 5))
        shape = tuple(int(s) for s in rng.integers(0, 9 if nd < 3 else 5, size=nd))
        if rng.random() < 0.05:
            shape = (int(rng.integers(900, 1300)),)
        dt = str(rng.choice(["float16", "float32", "float64", "int8", "int32", "int64",
                             "uint8", "bool"]))
        a = rng.standard_normal(shape) * 10.0 ** int(rng.integers(-9, 10))
        if rng.random() < 0.3:
            a = np.round(a)
        if rng.random() < 0.1 and a.size:
            a.flat[0] = np.nan
        if rng.random() < 0.1 and a.size:
            a.flat[-1] = -np.inf
        if dt[0] in "iu":
            limit = 100 if dt in ("int8", "uint8") else 1e15
            a = np.nan_to_num(a, posinf=0, neginf=0).clip(-limit, limit)
        a = a.astype(dt) if dt != "bool" else a > 0
        ours, theirs = repr(npgrad.tensor(a)), repr(torch.tensor(a)).replace("torch.", "npgrad.")
        if ours != theirs:
            failures.append(f"{dt} {shape}:\n{ours}\n!=\n{theirs}")
    assert not failures, f"{len(failures)} differ; first:\n" + failures[0]
