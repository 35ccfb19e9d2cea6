"""``DistributedSampler``: each process of a data-parallel job reads its own share of a data
set, the same indices PyTorch's sampler gives it."""
from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from ...distributed import process_group as _pg
from .sampler import Sampler

__all__ = ["DistributedSampler"]


def torch_randperm(n: int, seed: int) -> list[int]:
    """The permutation ``torch.randperm(n, generator=torch.Generator().manual_seed(seed))``
    gives on CPU, so that a process reads the indices it would read under PyTorch.

    (npgrad's own ``randperm`` draws from NumPy's generator, which PyTorch's numbers cannot
    come from.) PyTorch's CPU generator is a Mersenne Twister seeded with the seed's low 32
    bits (the one NumPy's legacy ``RandomState`` runs), and randperm shuffles ``0..n-1`` by
    swapping position i with position ``i + (32-bit draw) % (n - i)``, i from 0 to n - 2.
    PyTorch switches to another algorithm for n of 2**32 / 20 or more, which this does not.
    """
    if n >= (2 ** 32 - 1) // 20:
        raise NotImplementedError(f"DistributedSampler: data sets of {n} items (2**32/20 or "
                                  f"more) are not supported")
    draws = np.random.RandomState(seed & 0xFFFFFFFF).randint(0, 2 ** 32, max(n - 1, 0),
                                                              dtype=np.uint64)
    offsets = (draws % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
    perm = list(range(n))
    for i, k in enumerate(offsets):
        perm[i], perm[i + k] = perm[i + k], perm[i]
    return perm


class DistributedSampler(Sampler):
    """Process ``rank`` of ``num_replicas`` reads every ``num_replicas``-th index of a
    (shuffled, when ``shuffle``) list of the data set's indices, from position ``rank``.

    The list is padded by repeating it from the start so that every process reads
    ``ceil(len / num_replicas)`` items, or, with ``drop_last``, cut to
    ``floor(len / num_replicas)`` items each. The shuffle is seeded with ``seed + epoch``:
    call :meth:`set_epoch` at the start of each epoch for a new order, the same on every
    process.
    """

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None:
            if not _pg.is_available():
                raise RuntimeError("Requires distributed package to be available")
            num_replicas = _pg.get_world_size()
        if rank is None:
            if not _pg.is_available():
                raise RuntimeError("Requires distributed package to be available")
            rank = _pg.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, "
                             f"{num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        indices = torch_randperm(n, self.seed + self.epoch) if self.shuffle else list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        elif len(indices) < self.total_size:
            short = self.total_size - len(indices)
            indices += (indices * math.ceil(short / len(indices)))[:short]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use the order of epoch ``epoch`` (the seed is ``seed + epoch``)."""
        self.epoch = epoch
