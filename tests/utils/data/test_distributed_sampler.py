"""DistributedSampler gives each rank the indices PyTorch's gives it (one process: rank and
num_replicas are passed, so no process group is needed)."""
from __future__ import annotations

import pytest
import torch
import torch.utils.data.distributed as torch_dist_data

import npgrad
from npgrad.utils.data.distributed import DistributedSampler, torch_randperm


@pytest.mark.parametrize("n", [0, 1, 2, 7, 100, 1001])
@pytest.mark.parametrize("seed", [0, 1, 42, -3, 2 ** 33 + 5])
def test_randperm_is_torchs(n, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    assert torch_randperm(n, seed) == torch.randperm(n, generator=g).tolist()


@pytest.mark.parametrize("n", [1, 5, 10, 17, 64])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("shuffle,drop_last", [(True, False), (True, True), (False, False),
                                               (False, True)])
def test_indices_equal_pytorchs(n, replicas, shuffle, drop_last):
    data = list(range(n))
    for rank in range(replicas):
        ours = DistributedSampler(data, replicas, rank, shuffle=shuffle, seed=7,
                                  drop_last=drop_last)
        theirs = torch_dist_data.DistributedSampler(data, replicas, rank, shuffle=shuffle,
                                                    seed=7, drop_last=drop_last)
        for epoch in (0, 1, 5):
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs), (rank, epoch)
            assert len(ours) == len(theirs)
            assert ours.total_size == theirs.total_size


def test_in_a_dataloader_and_errors():
    data = npgrad.utils.data.TensorDataset(npgrad.arange(10))
    sampler = npgrad.utils.data.DistributedSampler(data, num_replicas=2, rank=1, seed=3)
    loader = npgrad.utils.data.DataLoader(data, batch_size=2, sampler=sampler)
    want = list(torch_dist_data.DistributedSampler(range(10), 2, 1, seed=3))
    assert [i for (b,) in loader for i in b.tolist()] == want
    for lib in (npgrad, torch):
        with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval"):
            lib.utils.data.DistributedSampler(data, num_replicas=2, rank=2)
    if npgrad.distributed.is_available():
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            DistributedSampler(data)
    else:  # (mpi4py is not installed)
        with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
            DistributedSampler(data)
