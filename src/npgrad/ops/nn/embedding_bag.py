"""``embedding_bag``: the sum, mean or max of the embeddings of each bag of indices, without
materialising the (bag, index, dim) tensor of a plain embedding.

Bags are the rows of a 2-D ``input``, or the runs of a 1-D ``input`` that ``offsets``
starts. A composite: the looked-up rows (``embedding``), optionally scaled by
``per_sample_weights``, reduced per bag by ``index_add`` (sum, mean) or ``scatter_reduce``
(max), so gradients reach ``weight`` (and the sample weights) through those ops. Indices equal
to ``padding_idx`` are left out of their bag (and of its count); an empty bag gives zeros.
"""
from __future__ import annotations

import numpy as np

from ...backend import array_module, host_check
from .._arguments import Tensor, as_tensor_arg
from ..creation.factories import zeros
from ..indexing.indexing import index_add
from ..indexing.scatter import scatter_reduce
from .dropout import embedding

__all__ = ["embedding_bag"]


def _bags(op: str, input: Tensor, offsets, include_last_offset: bool) -> tuple:
    """The flat indices and, for each, the number of its bag; and the number of bags."""
    idx = input._data
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets).__name__}")
        n_bags, length = idx.shape
        xp = array_module(idx)
        return idx.reshape(-1), xp.repeat(xp.arange(n_bags), length), n_bags
    if input.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    starts = as_tensor_arg(offsets, op)._data.astype(np.int64).reshape(-1)
    if starts.size and host_check(starts[0] != 0):
        raise RuntimeError(f"{op}: offsets[0] has to be 0, i.e., the first sequence in the "
                           f"mini-batch has to start from position 0. However, got "
                           f"{int(starts[0])}")
    if include_last_offset:
        ends, starts = starts[1:], starts[:-1]
    else:
        ends = np.concatenate([starts[1:], np.full_like(starts, idx.size, shape=(1,))])
    if starts.size and host_check(np.any(ends < starts) | (ends[-1] > idx.size)):
        raise RuntimeError(f"{op}: offsets must be non-decreasing and at most the number of "
                           f"indices ({idx.size})")
    # Each position's bag: the last start at or before it (no repeat by data-dependent
    # counts, which a device would have to read on the host). Positions past the last
    # bag's end (a short last offset with include_last_offset) go to no bag: number n_bags.
    xp = array_module(starts)
    pos = xp.arange(idx.size)
    if not starts.size:
        return idx, xp.zeros_like(pos), 0
    bag = xp.searchsorted(starts, pos, side="right") - 1
    return idx, np.where(pos < ends[-1], bag, starts.size), starts.size


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights=None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """The ``mode`` ('sum', 'mean' or 'max') of ``weight``'s rows over each bag of
    indices."""
    op = "embedding_bag"
    input = as_tensor_arg(input, op)
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                      f"per_sample_weights is only supported for mode='sum' "
                                      f"(got mode='{mode}'). Please open a feature request "
                                      f"on GitHub.")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) "
                             f"is not None, then it must have the same shape as the input "
                             f"({tuple(input.shape)})")
    flat, bag, n_bags = _bags(op, input, offsets, include_last_offset)
    if padding_idx is not None:  # padded positions go to the spare bag n_bags, dropped below
        pad = padding_idx + weight.shape[0] if padding_idx < 0 else padding_idx
        bag = np.where(flat != pad, bag, n_bags)
    rows = embedding(Tensor._make(flat), weight, max_norm=max_norm, norm_type=norm_type)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1)[:flat.size].unsqueeze(1)
    dim = weight.shape[1]
    # one spare bag for the positions in no bag (padding): the arrays keep their shapes, so
    # nothing depends on how many there are (a device would read that count on the host)
    out = zeros(n_bags + 1, dim, dtype=weight.dtype, device=weight.device)
    bags = Tensor._make(bag.astype(np.int64))
    if mode == "max":
        index = Tensor._make(np.broadcast_to(bag[:, None], (bag.size, dim)).astype(np.int64))
        return scatter_reduce(out, 0, index, rows, "amax", include_self=False)[:n_bags]
    out = index_add(out, 0, bags, rows)[:n_bags]
    if mode == "mean":
        counts = np.bincount(bag, minlength=n_bags + 1)[:n_bags].astype(weight._data.dtype)
        out = out / Tensor._make(np.maximum(counts, 1)[:, None])
    return out
