"""utils.data against torch.utils.data: batches, shuffling, collation, samplers, splits."""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import npgrad
import npgrad.utils.data as nud

Point = namedtuple("Point", "x y")


def _same(a, b):
    """Recursively compare a collated npgrad batch with torch's."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, npgrad.Tensor), type(a)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(b, dict):
        assert isinstance(a, dict) and a.keys() == b.keys()
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), (type(a), type(b))
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


class Samples:
    """A map-style dataset whose samples are nested structures of many kinds."""

    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"t": self.lib.tensor([i, i + 1.0]), "arr": np.arange(3) * i, "f": i / 2,
                "i": i, "b": i % 2 == 0, "s": f"s{i}", "tup": (i, [i * 1.5, np.float32(i)]),
                "nt": Point(i, float(i))}


def test_collate_of_nested_structures_matches_torch():
    ours = list(nud.DataLoader(Samples(npgrad), batch_size=3))
    theirs = list(tud.DataLoader(Samples(torch), batch_size=3))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        _same(a, b)


@pytest.mark.parametrize("drop_last", [False, True])
def test_sequential_batches_and_len(drop_last):
    x = np.arange(22, dtype=np.float32).reshape(11, 2)
    ours = nud.DataLoader(nud.TensorDataset(npgrad.tensor(x), npgrad.arange(11)), batch_size=4,
                          drop_last=drop_last)
    theirs = tud.DataLoader(tud.TensorDataset(torch.tensor(x), torch.arange(11)), batch_size=4,
                            drop_last=drop_last)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        _same(list(a), list(b))


def test_shuffle_is_a_reproducible_permutation():
    ds = nud.TensorDataset(npgrad.arange(50))

    def order(seed):
        g = npgrad.Generator().manual_seed(seed)
        return [int(v) for (b,) in nud.DataLoader(ds, batch_size=8, shuffle=True, generator=g)
                for v in b]
    assert sorted(order(0)) == list(range(50))
    assert order(0) == order(0) != order(1)
    npgrad.manual_seed(3)
    first = [int(v) for (b,) in nud.DataLoader(ds, batch_size=50, shuffle=True) for v in b]
    npgrad.manual_seed(3)
    again = [int(v) for (b,) in nud.DataLoader(ds, batch_size=50, shuffle=True) for v in b]
    assert first == again


def test_samplers():
    g = npgrad.Generator().manual_seed(0)
    assert list(nud.SequentialSampler(range(4))) == [0, 1, 2, 3]
    r = list(nud.RandomSampler(range(10), generator=g))
    assert sorted(r) == list(range(10))
    r = list(nud.RandomSampler(range(10), replacement=True, num_samples=25, generator=g))
    assert len(r) == 25 and all(0 <= i < 10 for i in r)
    r = list(nud.RandomSampler(range(4), num_samples=10, generator=g))
    assert len(r) == 10 and sorted(r[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert sorted(nud.SubsetRandomSampler([5, 7, 9], generator=g)) == [5, 7, 9]
    w = list(nud.WeightedRandomSampler([0.0, 0.0, 1.0, 0.0], 6, generator=g))
    assert w == [2] * 6
    assert list(nud.BatchSampler(nud.SequentialSampler(range(5)), 2, False)) == \
        list(tud.BatchSampler(tud.SequentialSampler(range(5)), 2, False))
    assert len(nud.BatchSampler(range(5), 2, True)) == 2
    with pytest.raises(ValueError):
        nud.BatchSampler(range(5), 0, False)


def test_batch_sampler_and_custom_collate():
    ds = nud.TensorDataset(npgrad.arange(6))
    loader = nud.DataLoader(ds, batch_sampler=[[0, 5], [1, 2, 3]],
                            collate_fn=lambda items: [int(t[0]) for t in items])
    assert list(loader) == [[0, 5], [1, 2, 3]]
    with pytest.raises(ValueError):
        nud.DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError):
        nud.DataLoader(ds, sampler=[0, 1], shuffle=True)


def test_random_split_lengths_match_torch():
    for lengths in ([0.5, 0.3, 0.2], [3, 7], [0.34, 0.33, 0.33]):
        ours = nud.random_split(range(10), lengths, generator=npgrad.Generator().manual_seed(1))
        theirs = tud.random_split(range(10), lengths,
                                  generator=torch.Generator().manual_seed(1))
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        assert sorted(i for s in ours for i in s) == list(range(10))
    with pytest.raises(ValueError):
        nud.random_split(range(10), [3, 3])


def test_concat_subset_and_iterable():
    a, b = nud.TensorDataset(npgrad.arange(3)), nud.TensorDataset(npgrad.arange(10, 14))
    cat = a + b
    assert len(cat) == 7 and int(cat[3][0]) == 10 and int(cat[-1][0]) == 13
    sub = nud.Subset(cat, [6, 0])
    assert [int(s[0]) for s in sub] == [13, 0]

    class Stream(nud.IterableDataset):
        def __iter__(self):
            return iter(range(5))
    assert [b.tolist() for b in nud.DataLoader(Stream(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError):
        nud.DataLoader(Stream(), shuffle=True)


def test_num_workers_loads_in_workers_without_warning():
    """(tests/utils/test_dataloader_workers.py tests the worker processes in depth.)"""
    ds = nud.TensorDataset(npgrad.arange(5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loader = nud.DataLoader(ds, batch_size=2, num_workers=2)
        assert sum(len(b[0]) for b in loader) == 5


def test_random_sampler_with_replacement_draws_lazily():
    """num_samples=1e10 means "forever" in real programs (minGPT's trainer): the first batch
    comes at once, without materialising 1e10 indices (it raised MemoryError before)."""
    sampler = nud.RandomSampler(range(7), replacement=True, num_samples=int(1e10),
                                generator=npgrad.Generator().manual_seed(0))
    first = [i for _, i in zip(range(3000), sampler)]
    assert len(first) == 3000 and set(first) <= set(range(7)) and len(set(first)) == 7
    assert len(sampler) == int(1e10)
    small = list(nud.RandomSampler(range(5), replacement=True, num_samples=2500))
    assert len(small) == 2500 and set(small) <= set(range(5))
