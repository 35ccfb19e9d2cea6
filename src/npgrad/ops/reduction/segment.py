"""``segment_reduce``: a reduction over consecutive runs ("segments") of one axis.

Segments are given by their ``lengths`` or by their ``offsets`` (start of each, then the end
of the last), per row of the dims before ``axis`` (lengths of shape ``(*data.shape[:axis],
S)``). A composite: a (segment, position) membership mask picks each segment's elements out
of ``data`` (``where`` with the reduction's neutral value), and the ordinary reduction runs
over the positions, so the gradient is that reduction's (ties of max/min share it, as
PyTorch's) and differentiable again (PyTorch's backward is not).
"""
from __future__ import annotations

import math

import numpy as np

from ...backend import array_module
from ...dtypes import is_float_np, scalar_type_name
from .._arguments import Tensor, as_tensor_arg, named_errors, norm_dim
from ..elementwise.binary import where
from .reduce import amax, amin, prod, sum

__all__ = ["segment_reduce"]

_REDUCTIONS = {"sum": "sum", "mean": "mean", "prod": "prod", "max": "amax", "amax": "amax",
               "min": "amin", "amin": "amin"}


def _bounds(data: Tensor, lengths, offsets, axis: int, unsafe: bool, op: str) -> tuple:
    """Each segment's start and end (exclusive) along ``axis``, as arrays of shape
    ``(*data.shape[:axis], S)``."""
    if lengths is None and offsets is None:
        raise RuntimeError(f"{op}(): Either lengths or offsets must be defined.")
    given = as_tensor_arg(lengths if lengths is not None else offsets, op)
    if given._data.dtype not in (np.int32, np.int64):
        raise NotImplementedError(f'"_segment_reduce_lengths_cpu_kernel1" not implemented for '
                                  f"'{scalar_type_name(given._data.dtype)}' ({op}: lengths and "
                                  f"offsets are int32 or int64)")
    if data.ndim < given.ndim:
        raise RuntimeError("Expected data.dim() >= lengths_value.dim() to be true, but got "
                           "false.  (Could this error message be improved?  If so, please "
                           "report an enhancement request to PyTorch.)")
    if given.ndim != axis + 1:
        raise RuntimeError(f"{op}(): Expected axis to be the last dimension of lengths but got "
                           f"{axis}.")
    g = given._data.astype(np.int64)
    xp = array_module(g)
    if lengths is not None:
        if g.size == 0:
            raise RuntimeError("min(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        if (g < 0).any():
            raise RuntimeError("lengths contains negative value!")
        if not unsafe and (g.sum(-1) != data.shape[axis]).any():
            raise RuntimeError(f"{op}(): Expected all rows of lengths along axis to sum to "
                               f"data.size(lengths.dim()-1) when !unsafe.")
        ends = xp.cumsum(g, -1)
        return ends - g, ends
    starts, ends = g[..., :-1], g[..., 1:]
    if (ends < starts).any():
        raise RuntimeError("Expected segment_length >= 0 to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    if g.size and (g.min() < 0 or g.max() > data.shape[axis]):
        # NOTE: PyTorch reads outside the data for such offsets; npgrad refuses them
        raise RuntimeError(f"{op}(): offsets must lie in [0, {data.shape[axis]}] (the size of "
                           f"data along axis {axis}), got {g.tolist()}")
    return starts, ends


@named_errors("segment_reduce")
def segment_reduce(data, reduce: str, *, lengths=None, indices=None, offsets=None,
                   axis: int = 0, unsafe: bool = False, initial=None) -> Tensor:
    """Reduce each segment of ``data`` along ``axis`` with ``reduce`` ('sum', 'mean', 'max'
    or 'amax', 'min' or 'amin', 'prod'), starting from ``initial`` when given. An empty
    segment gives ``initial``, or the reduction's identity (0, 1, -inf, inf; nan for
    'mean')."""
    op = "segment_reduce"
    data = as_tensor_arg(data, op)
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if indices is not None and lengths is None and offsets is None:
        raise RuntimeError(f"{op}(): indices based reduction is not supported yet.")
    axis = norm_dim(axis, data.ndim, op)
    if not is_float_np(data._data.dtype):
        raise NotImplementedError(f'"_segment_reduce_cpu" not implemented for '
                                  f"'{scalar_type_name(data._data.dtype)}' ({op})")
    starts, ends = _bounds(data, lengths, offsets, axis, unsafe, op)
    xp = array_module(starts)
    length = data.shape[axis]
    position = xp.arange(length)
    member = (position >= starts[..., None]) & (position < ends[..., None])  # (*lead, S, L)
    tail = data.ndim - axis - 1
    member = Tensor._make(member.reshape(member.shape + (1,) * tail))
    x = data.unsqueeze(axis)                                 # (*lead, 1, L, *tail)
    how = _REDUCTIONS[reduce]
    if how in ("sum", "mean"):
        out = sum(where(member, x, 0.0), axis + 1)
    elif how == "prod":
        out = prod(where(member, x, 1.0), axis + 1)
    else:
        fill = -math.inf if how == "amax" else math.inf
        out = (amax if how == "amax" else amin)(where(member, x, fill), axis + 1)
    if initial is not None:
        initial = initial.item() if isinstance(initial, Tensor) else initial
        out = {"sum": out + initial, "mean": out + initial, "prod": out * initial,
               "amax": out.clamp_min(initial), "amin": out.clamp_max(initial)}[how]
    if how == "mean":
        count = (ends - starts).astype(data._data.dtype)
        count = Tensor._make(count.reshape(count.shape + (1,) * tail))
        if initial is not None:  # an empty segment keeps its initial value
            count = Tensor._make(xp.maximum(count._data, 1))
        out = out / count
    return out
