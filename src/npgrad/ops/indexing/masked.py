"""The masked family: ``masked_fill``, ``masked_select`` and ``masked_scatter``.

The mask is a bool tensor that broadcasts against the input (the out-of-place forms broadcast
both, as PyTorch does). Reads and writes go through the indexing primitives with the mask as
the key, so gradients are those of ``x[mask]`` and ``x[mask] = v``.
"""
from __future__ import annotations

import numbers

import numpy as np

from .._arguments import Tensor, as_tensor_arg, describe
from ..elementwise.binary import Where
from .indexing import GetItem, IndexPut, as_value

__all__ = ["masked_fill", "masked_select", "masked_scatter"]


class MaskedSelect(GetItem):
    node_name = "MaskedSelectBackward0"


def _mask_broadcast(input: Tensor, mask, op: str) -> tuple:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask._data.dtype != bool:
        raise RuntimeError(f"{op} only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype}")
    try:
        return np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        raise RuntimeError(f"{op}: the shapes of input and mask do not broadcast: "
                           f"{describe(input, mask)}") from None


class MaskedFill(Where):
    node_name = "MaskedFillBackward0"


def masked_fill(input, mask, value) -> Tensor:
    """``input`` with ``value`` where ``mask`` is True (``mask`` broadcasts)."""
    input = as_tensor_arg(input, "masked_fill")
    _mask_broadcast(input, mask, "masked_fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value.ndim} dimension(s).")
    elif not isinstance(value, (numbers.Number, np.generic)):
        raise TypeError(f"masked_fill(): argument 'value' must be Number or Tensor, not "
                        f"{type(value).__name__}")
    v = as_value(value, input)
    return MaskedFill.apply(mask, v if isinstance(v, Tensor) else Tensor._make(v), input)


def masked_select(input, mask) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast)."""
    input = as_tensor_arg(input, "masked_select")
    shape = _mask_broadcast(input, mask, "masked_select")
    if input._data.shape != shape:
        input = input.expand(shape)
    m = np.broadcast_to(mask._data, shape)
    if input.ndim == 0:
        input, m = input.reshape(1), m.reshape(1)
    return MaskedSelect.apply(input, key=(m,))


def masked_scatter(input, mask, source) -> Tensor:
    """``input`` with the True positions of ``mask`` filled, in order, from ``source``."""
    input = as_tensor_arg(input, "masked_scatter")
    shape = _mask_broadcast(input, mask, "masked_scatter")
    if not isinstance(source, Tensor):
        raise TypeError(f"masked_scatter(): argument 'source' must be Tensor, not "
                        f"{type(source).__name__}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {describe(input, source)}")
    m = np.broadcast_to(mask._data, shape)
    n = int(np.count_nonzero(m))
    if source.numel() < n:
        raise RuntimeError(f"masked_scatter: Number of elements of source ({source.numel()}) < "
                           f"number of ones in mask ({n})")
    if input._data.shape != shape:
        input = input.expand(shape)
    if input.ndim == 0:
        return masked_scatter(input.reshape(1), mask.reshape(1), source).reshape(())
    values = source.reshape(-1)[:n]
    return IndexPut.apply(input, values, key=(m,), op="masked_scatter",
                          node="MaskedScatterBackward0")
