"""Creation functions against PyTorch: values, shapes and dtypes for the deterministic ones,
shapes, dtypes, ranges and statistics for the random ones, and seeding."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad


def _same(make, exact: bool = False) -> None:
    ours, theirs = make(npgrad), make(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert ours.requires_grad == theirs.requires_grad
    o, t = ours.detach().numpy(), theirs.detach().numpy()
    if exact or o.dtype.kind in "biu":
        np.testing.assert_array_equal(o, t)
    else:
        rtol = 1e-3 if o.dtype == np.float16 else 1e-6
        np.testing.assert_allclose(o, t, rtol=rtol, atol=1e-7)


DETERMINISTIC = [
    lambda l: l.zeros(2, 3), lambda l: l.zeros((2, 3)), lambda l: l.zeros([2]),
    lambda l: l.zeros(()), lambda l: l.zeros(0), lambda l: l.zeros(2, 0, 3),
    lambda l: l.ones(2, dtype=l.int32), lambda l: l.ones(2, 3, requires_grad=True),
    lambda l: l.ones(3, dtype=l.bool), lambda l: l.full((2,), 3), lambda l: l.full((2,), 3.0),
    lambda l: l.full((2,), True), lambda l: l.full([2, 2], 1.5, dtype=l.float64),
    lambda l: l.full((), 7), lambda l: l.full((2,), 2.5, requires_grad=True),
    lambda l: l.eye(3), lambda l: l.eye(2, 3), lambda l: l.eye(3, dtype=l.int64),
    lambda l: l.eye(0), lambda l: l.zeros_like(l.tensor([1, 2])),
    lambda l: l.ones_like(l.tensor([1.0, 2]), dtype=l.float64),
    lambda l: l.full_like(l.tensor([1, 2]), 2.7), lambda l: l.full_like(l.tensor([1.0, 2]), 7),
    lambda l: l.ones_like(l.tensor([1.0]), requires_grad=True),
    lambda l: l.zeros(2, device="cpu"), lambda l: l.ones(2, device=l.device("cpu")),
    lambda l: l.full((1,), 1, device="cpu"), lambda l: l.eye(2, device="cpu"),
    lambda l: l.zeros_like(l.ones(2), device="cpu"),
    lambda l: l.arange(5), lambda l: l.arange(0, 1, 0.1), lambda l: l.arange(1, 2.5, 0.5),
    lambda l: l.arange(10, 0, -3), lambda l: l.arange(0, -1, -0.1), lambda l: l.arange(5.0),
    lambda l: l.arange(0, 10, 3, dtype=l.float64), lambda l: l.arange(1, 4, dtype=l.uint8),
    lambda l: l.arange(0, 1.0000001, 0.1), lambda l: l.arange(l.tensor(3)),
    lambda l: l.arange(-0.5, 0.5, 0.25), lambda l: l.arange(0, 1, 1 / 3),
    lambda l: l.arange(0, 3, 0.1), lambda l: l.arange(0.1, 1.1, 0.1),
    lambda l: l.arange(1e-3, 2e-3, 1e-4), lambda l: l.arange(0, 100, 0.7),
    lambda l: l.arange(5, 5), lambda l: l.arange(0, 5, 1.5, dtype=l.int64),
    lambda l: l.arange(-2.5, 2, 1, dtype=l.int64), lambda l: l.arange(0.5, 5.5, 1.5, dtype=l.int32),
    lambda l: l.arange(0, 2.5, dtype=l.int16), lambda l: l.arange(3, device="cpu"),
    lambda l: l.arange(0.0, 3, requires_grad=True),
    lambda l: l.linspace(0, 1, 5), lambda l: l.linspace(0, 1, 1), lambda l: l.linspace(0, 1, 0),
    lambda l: l.linspace(-3, 7, 11, dtype=l.float64), lambda l: l.linspace(0, 10, 4, dtype=l.int64),
    lambda l: l.linspace(0, 1, 7), lambda l: l.linspace(1, 0, 100),
    lambda l: l.linspace(l.tensor(0.0), l.tensor(1.0), 3),
    lambda l: l.linspace(0, 7, 5, dtype=l.int64),
    lambda l: l.linspace(-7, 0, 5, dtype=l.int32), lambda l: l.linspace(0, 1, 10, dtype=l.float16),
    lambda l: l.linspace(-3.3, 7.1, 101), lambda l: l.linspace(0, 1, 3, device="cpu"),
    lambda l: l.linspace(0.0, 1, 4, requires_grad=True),
    lambda l: l.logspace(0, 2, 3), lambda l: l.scalar_tensor(3),
]


@pytest.mark.parametrize("i", range(len(DETERMINISTIC)))
def test_deterministic_creation_matches_torch(i):
    _same(DETERMINISTIC[i])


def test_empty_and_empty_like():
    for make in (lambda l: l.empty(2, 3), lambda l: l.empty((2,), dtype=l.int64),
                 lambda l: l.empty_like(l.tensor([[1, 2]])), lambda l: l.empty(0, device="cpu")):
        ours, theirs = make(npgrad), make(torch)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]


def test_arange_lengths_match_torch_for_float_steps():
    rng = np.random.default_rng(0)
    for _ in range(300):
        start = float(np.round(rng.uniform(-5, 5), int(rng.integers(0, 3))))
        step = float(np.round(rng.uniform(0.05, 2), int(rng.integers(1, 3))))
        end = start + float(np.round(rng.uniform(0, 10), int(rng.integers(0, 3))))
        assert len(npgrad.arange(start, end, step)) == len(torch.arange(start, end, step)), \
            (start, end, step)


@pytest.mark.parametrize("make,error", [
    (lambda l: l.arange(0, 5, 0), (RuntimeError, ValueError)),
    (lambda l: l.arange(5, 0), RuntimeError),
    (lambda l: l.arange(0, 5, -1), RuntimeError),
    (lambda l: l.zeros(-1), RuntimeError),
    (lambda l: l.ones(2, dtype=l.int64, requires_grad=True), RuntimeError),
    (lambda l: l.zeros(2, device="cuda"), (RuntimeError, AssertionError)),
    (lambda l: l.rand(2, dtype=l.int64), RuntimeError),
    (lambda l: l.multinomial(l.tensor([1.0, 0.0]), 3), RuntimeError),
    (lambda l: l.multinomial(l.tensor([1.0, -1.0]), 1), RuntimeError),
])
def test_creation_errors_match_torch(make, error):
    with pytest.raises(error):
        make(torch)
    with pytest.raises(error):
        make(npgrad)


# ---------------------------------------------------------------------------------------------
# Random sampling
# ---------------------------------------------------------------------------------------------

RANDOM = [
    lambda l: l.rand(2, 3), lambda l: l.rand((4,)), lambda l: l.rand(()), lambda l: l.rand(0, 2),
    lambda l: l.rand(3, dtype=l.float64), lambda l: l.rand(3, dtype=l.float16),
    lambda l: l.rand(2, requires_grad=True), lambda l: l.randn(2, 3),
    lambda l: l.randn(5, dtype=l.float64),
    lambda l: l.randn(2, device="cpu"), lambda l: l.randint(10, (3,)),
    lambda l: l.randint(2, 10, (3, 2)),
    lambda l: l.randint(0, 10, size=(2, 2)), lambda l: l.randint(3, 5, (2,), dtype=l.int32),
    lambda l: l.randint(3, 5, (2,), dtype=l.float32), lambda l: l.randperm(5),
    lambda l: l.randperm(5, dtype=l.int32), lambda l: l.randperm(0),
    lambda l: l.rand_like(l.ones(2, dtype=l.float64)), lambda l: l.randn_like(l.ones(2, 2)),
    lambda l: l.rand_like(l.ones(2), requires_grad=True), lambda l: l.randint_like(l.ones(3), 4),
    lambda l: l.multinomial(l.tensor([[0.0, 1, 3], [1, 1, 0]]), 2),
    lambda l: l.multinomial(l.tensor([0.2, 0.8]), 5, replacement=True),
    lambda l: l.multinomial(l.tensor([1.0, 2, 3]), 3),
    lambda l: l.multinomial(l.tensor([[1.0, 0.0, 0.0]] * 3), 3),
]


@pytest.mark.parametrize("i", range(len(RANDOM)))
def test_random_shapes_and_dtypes_match_torch(i):
    ours, theirs = RANDOM[i](npgrad), RANDOM[i](torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert ours.requires_grad == theirs.requires_grad


def test_random_ranges_and_statistics():
    npgrad.manual_seed(0)
    u = npgrad.rand(100_000).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    n = npgrad.randn(100_000, dtype=npgrad.float64).numpy()
    assert abs(n.mean()) < 0.02 and abs(n.std() - 1) < 0.02
    r = npgrad.randint(-3, 4, (100_000,)).numpy()
    assert r.min() == -3 and r.max() == 3 and abs(r.mean()) < 0.05
    p = npgrad.randperm(1000).numpy()
    assert sorted(p.tolist()) == list(range(1000))
    s = npgrad.multinomial(npgrad.tensor([1.0, 2.0, 3.0, 0.0]), 60_000, replacement=True).numpy()
    np.testing.assert_allclose(np.bincount(s, minlength=4) / 60_000, [1 / 6, 2 / 6, 3 / 6, 0],
                               atol=0.01)
    rows = npgrad.multinomial(npgrad.tensor([[1.0, 2, 3, 0]] * 20_000), 1).numpy().ravel()
    np.testing.assert_allclose(np.bincount(rows, minlength=4) / 20_000, [1 / 6, 2 / 6, 3 / 6, 0],
                               atol=0.015)
    no_rep = npgrad.multinomial(npgrad.ones(50, 10), 10).numpy()
    assert all(sorted(row) == list(range(10)) for row in no_rep.tolist())


def test_manual_seed_and_generators_reproduce():
    npgrad.manual_seed(123)
    a = (npgrad.rand(3), npgrad.randn(2), npgrad.randint(0, 100, (4,)), npgrad.randperm(6))
    npgrad.manual_seed(123)
    b = (npgrad.rand(3), npgrad.randn(2), npgrad.randint(0, 100, (4,)), npgrad.randperm(6))
    for x, y in zip(a, b):
        assert x.tolist() == y.tolist()
    g1 = npgrad.Generator().manual_seed(7)
    g2 = npgrad.Generator()
    g2.manual_seed(7)
    assert npgrad.rand(4, generator=g1).tolist() == npgrad.rand(4, generator=g2).tolist()
    assert g1.initial_seed() == 7
    state = npgrad.get_rng_state()
    x = npgrad.randn(3)
    npgrad.set_rng_state(state)
    assert npgrad.randn(3).tolist() == x.tolist()
    # a separate generator does not disturb the default one
    npgrad.manual_seed(5)
    first = npgrad.rand(2)
    npgrad.manual_seed(5)
    npgrad.rand(3, generator=npgrad.Generator().manual_seed(1))
    assert npgrad.rand(2).tolist() == first.tolist()


def test_python_floats_go_straight_to_the_requested_dtype():
    import torch
    for v in (0.3, [0.1, 0.7], [[1e-40, 3.3]]):
        ours = npgrad.tensor(v, dtype=npgrad.float64).numpy()
        theirs = torch.tensor(v, dtype=torch.float64).numpy()
        assert (ours == theirs).all()


_FILLS = {
    "fill_": lambda L, d, v: L.zeros(3, dtype=d).fill_(v),
    "full": lambda L, d, v: L.full((3,), v, dtype=d),
    "full_like": lambda L, d, v: L.full_like(L.zeros(3, dtype=d), v),
    "new_full": lambda L, d, v: L.zeros(3, dtype=d).new_full((3,), v),
    "masked_fill": lambda L, d, v: L.zeros(3, dtype=d).masked_fill(L.tensor([True, False, True]),
                                                                  v),
    "index_fill": lambda L, d, v: L.zeros(3, dtype=d).index_fill(0, L.tensor([1]), v),
    "fill_diagonal_": lambda L, d, v: L.zeros(2, 2, dtype=d).fill_diagonal_(v),
    "setitem": lambda L, d, v: (lambda a: (a.__setitem__(1, v), a)[1])(L.zeros(3, dtype=d)),
}


@pytest.mark.parametrize("op", sorted(_FILLS))
@pytest.mark.parametrize("dtype, value", [
    ("uint8", -1), ("uint8", -255), ("uint8", -256), ("uint8", 300), ("uint8", -1.0),
    ("int8", 127.9), ("int8", -129), ("int8", float("nan")), ("float32", 1e40),
    ("float32", 1 + 1j), ("bool", 2), ("int32", -3.7)])
def test_fill_values_convert_as_pytorch(op, dtype, value):
    """c10's checked conversion of fill values: out of range is a RuntimeError, negative
    integers wrap into unsigned dtypes (the fuzzer found masked_fill and index_fill raising
    NumPy's OverflowError, and fill_diagonal_ wrapping 300 into a uint8)."""
    results = []
    for lib in (torch, npgrad):
        try:
            results.append(_FILLS[op](lib, getattr(lib, dtype), value).tolist())
        except RuntimeError:
            results.append("RuntimeError")
    assert results[0] == results[1]
