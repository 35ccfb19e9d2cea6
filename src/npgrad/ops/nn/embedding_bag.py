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

from ... import dtypes as _dt
from ...backend import array_module, host_check
from .._arguments import Tensor, as_tensor_arg
from ..creation.factories import full, zeros
from ..elementwise.binary import where
from ..indexing.indexing import index_add
from ..indexing.scatter import gather, scatter_reduce
from ..shape.joins import cat
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


def check_bag_weight(weight: Tensor, op: str) -> None:
    """PyTorch's kernel takes floating-point weights only."""
    if not _dt.is_float_np(weight._data.dtype):
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have one of the "
                           f"following scalar types: Half, BFloat16, Float, Double; but got "
                           f"{weight.dtype} instead ({op})")


def check_padding_idx(padding_idx, weight: Tensor) -> None:
    """``padding_idx`` names a row of ``weight`` (negative counts from the end)."""
    n = weight.shape[0]
    if padding_idx is not None and not -n <= padding_idx < n:
        raise RuntimeError(f"padding_idx must be within the number of embeddings, {-n} "
                           f"through {n - 1}, but got {padding_idx}")


def max_rows(weight: Tensor, output: Tensor, rows: np.ndarray, bag: np.ndarray, n_bags: int,
             missing: int = 0) -> Tensor:
    """For each bag and column, the first row of ``weight`` in the bag holding the bag's
    maximum (``output``, NaN matching NaN); ``missing`` for an empty bag."""
    dim = weight.shape[1]
    values = weight._data[rows]                                     # (items, dim)
    xp = array_module(values)
    position = xp.broadcast_to(xp.arange(rows.size)[:, None], values.shape)
    best = output._data[bag]
    hit = (values == best) | (xp.isnan(values) & xp.isnan(best))
    n = rows.size
    key = Tensor._make(xp.where(hit, position, n).astype(np.int64))
    index = Tensor._make(xp.broadcast_to(bag[:, None], (n, dim)).astype(np.int64))
    first = scatter_reduce(full((n_bags, dim), n, dtype=key.dtype, device=key.device), 0,
                           index, key, "amin")._data
    found = first < n
    padded = xp.concatenate([rows.astype(np.int64), xp.zeros(1, np.int64)])
    return Tensor._make(xp.where(found, padded[xp.minimum(first, n)], missing))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights=None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """The ``mode`` ('sum', 'mean' or 'max') of ``weight``'s rows over each bag of
    indices."""
    op = "embedding_bag"
    input = as_tensor_arg(input, op)
    # PyTorch's order: the sample weights' shape, weight's rank, input's rank and offsets,
    # the mode, then (in its kernel) weight's dtype and the indices' range
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != tuple(input.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) "
                         f"is not None, then it must have the same shape as the input "
                         f"({tuple(input.shape)})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.ndim}")
    flat, bag, n_bags = _bags(op, input, offsets, include_last_offset)
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' "
                                  f"(got mode='{mode}'). Please open a feature request "
                                  f"on GitHub.")
    check_padding_idx(padding_idx, weight)
    check_bag_weight(weight, op)
    n = weight.shape[0]
    if flat.size and host_check((flat.min() < 0) | (flat.max() >= n)):
        bad = flat[(flat < 0) | (flat >= n)][0]
        raise RuntimeError(f"{op}: Expected idx >= 0 && idx < num_embeddings but found idx "
                           f"to be {int(bad)}")
    if padding_idx is not None:  # padded positions go to the spare bag n_bags, dropped below
        pad = padding_idx + weight.shape[0] if padding_idx < 0 else padding_idx
        bag = np.where(flat != pad, bag, n_bags)
    rows = embedding(Tensor._make(flat), weight, max_norm=max_norm, norm_type=norm_type)
    if per_sample_weights is not None:
        if padding_idx is not None:  # a padded row (NaN too) gives its sample weight no grad
            rows = where(Tensor._make((flat != pad)[:, None]), rows, 0.0)
        rows = rows * per_sample_weights.reshape(-1)[:flat.size].unsqueeze(1)
    dim = weight.shape[1]
    # one spare bag for the positions in no bag (padding): the arrays keep their shapes, so
    # nothing depends on how many there are (a device would read that count on the host)
    out = zeros(n_bags + 1, dim, dtype=weight.dtype, device=weight.device)
    bags = Tensor._make(bag.astype(np.int64))
    if mode == "max":
        # The maximum (NaN propagating) picks, per bag and column, the first row holding it;
        # the output gathers those rows, so the gradient reaches them alone, as PyTorch's
        # (an empty bag gathers an appended zero row).
        # NOTE: PyTorch's kernel keeps a NaN only when it comes first in its bag (later ones
        # lose its `>` test); npgrad's maximum is NaN for any NaN, as max and amax are.
        index = Tensor._make(np.broadcast_to(bag[:, None], (bag.size, dim)).astype(np.int64))
        best = scatter_reduce(out.detach(), 0, index, rows.detach(), "amax",
                              include_self=False)
        n = weight.shape[0]
        pick = max_rows(weight, best, flat, bag, n_bags + 1, missing=n)[:n_bags]
        padded = cat([weight, zeros(1, dim, dtype=weight.dtype, device=weight.device)])
        return gather(padded, 0, pick)
    out = index_add(out, 0, bags, rows)[:n_bags]
    if mode == "mean":
        counts = np.bincount(bag, minlength=n_bags + 1)[:n_bags].astype(weight._data.dtype)
        out = out / Tensor._make(np.maximum(counts, 1)[:, None])
    return out
