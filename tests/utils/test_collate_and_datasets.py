"""``default_collate``/``default_convert`` against PyTorch's on nested structures, NumPy
arrays and scalars, strings and container subclasses; ``ChainDataset`` and ``StackDataset``
against PyTorch's, alone and through the DataLoader."""
from __future__ import annotations

import collections
from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import npgrad
import npgrad.utils.data as nud

Point = namedtuple("Point", "x y")


class Tagged(dict):
    """A dict subclass that carries an attribute: collation must keep both."""

    tag = "plain"


class Row(list):
    pass


class Frozen(collections.abc.Mapping):
    """An immutable mapping built from a dict."""

    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, k):
        return self._data[k]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


def same(a, b):
    """Recursively: npgrad's result against torch's (types, dtypes, values)."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, npgrad.Tensor), (type(a), b)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(b, collections.abc.Mapping):
        assert type(a) is type(b) and list(a) == list(b), (type(a), type(b))
        for k in b:
            same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), (type(a), type(b))
        for x, y in zip(a, b):
            same(x, y)
    elif isinstance(b, np.ndarray):
        np.testing.assert_array_equal(a, b)
        assert type(a) is type(b)
    else:
        assert type(a) is type(b) and a == b, (a, b)


def samples(lib, i):
    """Leaves of every kind, in containers of every kind."""
    tagged = Tagged(v=i)
    tagged.tag = f"t{i}"
    return {
        "tensor": lib.tensor([i, i + 0.5]),
        "arr_f32": np.arange(3, dtype=np.float32) * i,
        "arr_i16": np.full((2, 2), i, dtype=np.int16),
        "arr_0d": np.array(i * 1.5),
        "np_f64": np.float64(i / 3), "np_i8": np.int8(i), "np_bool": np.bool_(i % 2),
        "np_str": np.str_(f"s{i}"),
        "float": i / 4, "int": i, "bool": i % 2 == 0, "str": f"x{i}", "bytes": b"b%d" % i,
        "tuple": (i, (i * 2.0, f"y{i}")), "list": [i, [i, i + 1]],
        "point": Point(np.float32(i), [i, i]), "ordered": OrderedDict(b=i, a=float(i)),
        "tagged": tagged, "row": Row([i, i * 2]), "frozen": Frozen({"k": i}),
    }


def test_default_collate_matches_torch_on_nested_structures():
    ours = nud.default_collate([samples(npgrad, i) for i in range(3)])
    theirs = tud.default_collate([samples(torch, i) for i in range(3)])
    same(ours, theirs)
    assert ours["tagged"].tag == theirs["tagged"].tag == "t0"


@pytest.mark.parametrize("batch", [
    [[1, 2], [3]],                                  # unequal lengths
    [np.array(["a"]), np.array(["b"])],             # strings in NumPy arrays
    [np.array([object()]), np.array([object()])],
    [None, None],
    [{1, 2}, {3, 4}],
])
def test_default_collate_refuses_as_torch(batch):
    with pytest.raises(Exception) as theirs:
        tud.default_collate(batch)
    with pytest.raises(type(theirs.value)) as ours:
        nud.default_collate(batch)
    assert str(ours.value) == str(theirs.value)


def test_default_collate_of_unequal_tensors_is_torchs_error():
    with pytest.raises(RuntimeError) as theirs:
        tud.default_collate([torch.zeros(2), torch.zeros(3)])
    with pytest.raises(RuntimeError) as ours:
        nud.default_collate([npgrad.zeros(2), npgrad.zeros(3)])
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("make", [
    lambda lib: np.arange(4.0), lambda lib: np.float32(2.5), lambda lib: np.int64(7),
    lambda lib: np.bool_(True), lambda lib: np.array(["a", "b"]), lambda lib: np.str_("s"),
    lambda lib: 3, lambda lib: "text", lambda lib: lib.ones(2),
    lambda lib: (np.arange(2), "a"), lambda lib: [np.int32(1), (np.arange(2),)],
    lambda lib: Point(np.arange(2), 1), lambda lib: {"a": np.zeros(2), "b": [np.ones(1)]},
    lambda lib: OrderedDict(z=np.zeros(1)), lambda lib: Row([np.ones(2)]),
    lambda lib: Frozen({"k": np.ones(1)}),
])
def test_default_convert_matches_torch(make):
    same(nud.default_convert(make(npgrad)), tud.default_convert(make(torch)))


def test_loader_without_batching_converts_as_torch():
    data = [(np.arange(3) * i, {"label": np.int64(i), "name": f"n{i}"}) for i in range(4)]
    ours = list(nud.DataLoader(data, batch_size=None))
    theirs = list(tud.DataLoader(data, batch_size=None))
    same(ours, theirs)


class Stream:
    """An iterable dataset of ``n`` numbers from ``start`` (in both libraries)."""

    @staticmethod
    def make(lib, start, n):
        base = (nud if lib is npgrad else tud).IterableDataset

        class _Stream(base):
            def __iter__(self):
                return iter(range(start, start + n))

            def __len__(self):
                return n
        return _Stream()


@pytest.mark.parametrize("lib", [npgrad, torch])
def test_chain_dataset(lib):
    data = lib.utils.data
    a, b = Stream.make(lib, 0, 3), Stream.make(lib, 10, 2)
    chain = data.ChainDataset([a, b])
    assert list(chain) == [0, 1, 2, 10, 11] and len(chain) == 5
    assert isinstance(a + b, data.ChainDataset) and list(a + b) == list(chain)
    batches = [x.tolist() for x in data.DataLoader(chain, batch_size=2)]
    assert batches == [[0, 1], [2, 10], [11]]
    bad = data.ChainDataset([a, data.TensorDataset(lib.zeros(2))])
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(bad)
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        len(bad)
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        data.ConcatDataset([a])
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        data.ConcatDataset([])


class Batched:
    """A map-style dataset that also answers a whole batch at once (``__getitems__``)."""

    def __init__(self, n, wrong=False):
        self.n, self.wrong, self.calls = n, wrong, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * 10

    def __getitems__(self, indices):
        self.calls += 1
        return [i * 10 for i in indices][:len(indices) - self.wrong]


def test_stack_dataset_matches_torch():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    labels = list("abcdef")
    for lib, data in ((npgrad, nud), (torch, tud)):
        xs = data.TensorDataset(lib.tensor(x))
        by_position = data.StackDataset(xs, labels)
        by_name = data.StackDataset(x=xs, label=labels)
        assert len(by_position) == len(by_name) == 6
        assert by_position[2][1] == "c" and by_name[3]["label"] == "d"
    ours = list(nud.DataLoader(nud.StackDataset(x=nud.TensorDataset(npgrad.tensor(x)),
                                                label=labels), batch_size=4))
    theirs = list(tud.DataLoader(tud.StackDataset(x=tud.TensorDataset(torch.tensor(x)),
                                                  label=labels), batch_size=4))
    same(ours, theirs)
    ours = list(nud.DataLoader(nud.StackDataset(nud.TensorDataset(npgrad.tensor(x)), labels),
                               batch_size=4))
    theirs = list(tud.DataLoader(tud.StackDataset(tud.TensorDataset(torch.tensor(x)), labels),
                                 batch_size=4))
    same(ours, theirs)


@pytest.mark.parametrize("args,kwargs", [
    ((), {}), (([1, 2],), {"b": [1, 2]}), (([1, 2], [1]), {}), ((), {"a": [1], "b": [1, 2]}),
])
def test_stack_dataset_errors_as_torch(args, kwargs):
    with pytest.raises(ValueError) as theirs:
        tud.StackDataset(*args, **kwargs)
    with pytest.raises(ValueError) as ours:
        nud.StackDataset(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_stack_dataset_batches_through_members_getitems():
    for data in (nud, tud):
        member = Batched(5)
        stacked = data.StackDataset(member, list(range(5)))
        assert stacked.__getitems__([0, 3]) == [(0, 0), (30, 3)] and member.calls == 1
        assert data.StackDataset(a=member).__getitems__([4]) == [{"a": 40}]
        with pytest.raises(ValueError, match="Nested dataset's output size mismatch. "
                                             "Expected 2, got 1"):
            data.StackDataset(Batched(5, wrong=True)).__getitems__([0, 1])
