"""Copies that rearrange or repeat data: repeat, tile, repeat_interleave, flip, roll; and
``Tensor.unfold``, the sliding windows of one dimension (a read-only view).

Each gradient is the adjoint rearrangement: ``repeat`` sums the gradient over the copies (a
reshape that separates them, then a sum), ``flip`` flips back and ``roll`` rolls back by the
negated shift. ``repeat_interleave`` is an index-select, whose gradient is a scatter-add.
"""
from __future__ import annotations

import numbers

import numpy as np

from ...backend import array_module, as_array
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, int_arg, norm_dim, norm_dims, size_args
from ..indexing.indexing import getitem
from .views import flatten, reshape, transpose

# repeat is a Tensor method only (torch.repeat does not exist)
__all__ = ["tile", "repeat_interleave", "flip", "fliplr", "flipud", "rot90", "roll"]


# ---------------------------------------------------------------------------------------------
# repeat / tile
# ---------------------------------------------------------------------------------------------

class Repeat(Primitive):
    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, a, reps):
        ctx.in_shape = a.shape
        padded = (1,) * (len(reps) - a.ndim) + a.shape
        ctx.padded, ctx.reps = padded, reps
        return np.tile(a.reshape(padded), reps)

    @staticmethod
    def backward(ctx, grad):
        # separate each repeated dimension into (copies, size) and sum over the copies
        reps = ctx.reps
        if 0 in reps:
            return grad.new_zeros(ctx.in_shape)
        split = [n for pair in zip(reps, ctx.padded) for n in pair]
        summed = grad.reshape(split).sum(tuple(range(0, 2 * len(reps), 2)))
        return summed.reshape(ctx.in_shape)


def repeat(input, *sizes) -> Tensor:
    """``input`` repeated ``sizes[i]`` times along each dimension (new leading dims allowed)."""
    reps = size_args(sizes, "repeat")
    if len(reps) < input.ndim:
        raise RuntimeError(f"repeat: Number of dimensions of repeat dims can not be smaller than "
                           f"number of dimensions of tensor (repeats {list(reps)}, tensor shape "
                           f"{tuple(input.shape)})")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"repeat: Trying to create tensor with negative dimension: {reps}")
    return Repeat.apply(input, reps=reps)


def tile(input, dims) -> Tensor:
    """``repeat`` where missing leading repeats count as 1."""
    input = as_tensor_arg(input, "tile")
    reps = size_args((dims,) if isinstance(dims, numbers.Integral) else tuple(dims), "tile")
    reps = (1,) * (input.ndim - len(reps)) + reps
    return repeat(input, reps)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or a tensor with one count per element
    along ``dim``); a flattened input when ``dim`` is None. ``repeat_interleave(counts)`` alone
    gives the indices ``0..n-1`` each repeated ``counts[i]`` times."""
    if repeats is None:  # the index form
        counts = as_tensor_arg(input, "repeat_interleave")._data
        if counts.ndim > 1 or counts.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave: repeats must be a 0-dim or 1-dim int tensor")
        if (counts < 0).any():
            raise RuntimeError("repeat_interleave: repeats can not be negative")
        counts = counts.reshape(-1)
        xp = array_module(counts)
        return Tensor._make(xp.repeat(xp.arange(counts.shape[0], dtype=np.int64), counts))
    input = as_tensor_arg(input, "repeat_interleave")
    if dim is None:
        input, d = flatten(input), 0
    else:
        d = norm_dim(dim, input.ndim, "repeat_interleave")
    n = input._data.shape[d] if input.ndim else 1
    counts = repeats._data if isinstance(repeats, Tensor) else as_array(repeats)
    if counts.ndim > 1 or counts.dtype.kind not in "iu":
        raise RuntimeError("repeat_interleave: repeats must be an int or a 0-dim or 1-dim int "
                           "tensor")
    if counts.ndim == 1 and counts.shape[0] not in (1, n):
        raise RuntimeError(f"repeat_interleave: repeats must have the same size as input along "
                           f"dim, but got repeats.size(0) = {counts.shape[0]} and "
                           f"input.size({d}) = {n}")
    if (counts < 0).any():
        raise RuntimeError("repeat_interleave: Repeats must be non-negative")
    xp = array_module(counts)
    idx = xp.repeat(xp.arange(n, dtype=np.int64), np.broadcast_to(counts.reshape(-1), (n,)))
    if output_size is not None and output_size != idx.shape[0]:
        raise RuntimeError(f"repeat_interleave: output_size ({output_size}) does not match the "
                           f"total of the repeats ({idx.shape[0]})")
    if input.ndim == 0:
        input = reshape(input, (1,))
    return getitem(input, (slice(None),) * d + (idx,))


# ---------------------------------------------------------------------------------------------
# flip: its own adjoint
# ---------------------------------------------------------------------------------------------

class Flip(Primitive):
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy()  # PyTorch's flip copies (negative strides are a view)

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def flip(input, dims) -> Tensor:
    """Reverse the order of elements along ``dims`` (an int or a tuple); a copy."""
    input = as_tensor_arg(input, "flip")
    dims = norm_dims((dims,) if isinstance(dims, numbers.Integral) else tuple(dims),
                     input.ndim, "flip")
    if input.ndim == 0:
        dims = ()
    return Flip.apply(input, dims=dims)


def fliplr(input) -> Tensor:
    """Flip left-right: reverse dimension 1 (at least 2-D input)."""
    input = as_tensor_arg(input, "fliplr")
    if input.ndim < 2:
        raise RuntimeError(f"fliplr: Input must be >= 2-d (got shape {tuple(input.shape)}).")
    return flip(input, (1,))


def flipud(input) -> Tensor:
    """Flip up-down: reverse dimension 0 (at least 1-D input)."""
    input = as_tensor_arg(input, "flipud")
    if input.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return flip(input, (0,))


def rot90(input, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first dim towards
    the second (a flip and a transpose)."""
    input, k = as_tensor_arg(input, "rot90"), int_arg(k, "rot90", "k", 2)
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"rot90: expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = (norm_dim(d, input.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(f"rot90: expected rotation dims to be different, but got dim0 = {d0} "
                           f"and dim1 = {d1}")
    k = int(k) % 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), (d1,))
    return input.clone()


# ---------------------------------------------------------------------------------------------
# roll: the adjoint of a roll is the roll by the negated shifts
# ---------------------------------------------------------------------------------------------

class Roll(Primitive):
    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims)


def roll(input, shifts, dims=None) -> Tensor:
    """Shift elements cyclically by ``shifts`` along ``dims`` (the flattened tensor when None)."""
    input = as_tensor_arg(input, "roll")
    shifts = (int(shifts),) if isinstance(shifts, numbers.Integral) else tuple(
        int(s) for s in shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if not dims:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:0")
        flat = Roll.apply(reshape(input, (-1,)), shifts=shifts, dims=(0,))
        return reshape(flat, tuple(input.shape))
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    dims = tuple(norm_dim(d, input.ndim, "roll") for d in dims)
    return Roll.apply(input, shifts=shifts, dims=dims)


# ---------------------------------------------------------------------------------------------
# unfold: sliding windows (a view); its adjoint adds each window back where it came from
# ---------------------------------------------------------------------------------------------

class Unfold(Primitive):
    node_name = "UnfoldBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim, size, step):
        ctx.in_shape, ctx.args = a.shape, dict(dim=dim, size=size, step=step)
        if a.ndim == 0:
            return a.reshape(1)
        windows = np.lib.stride_tricks.sliding_window_view(a, size, axis=dim)
        return windows[(slice(None),) * dim + (slice(None, None, step),)]

    @staticmethod
    def backward(ctx, grad):
        return UnfoldAdjoint.apply(grad, shape=ctx.in_shape, **ctx.args)


class UnfoldAdjoint(Primitive):
    """Zeros of ``shape`` plus every window of ``g`` added back at its place."""

    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        ctx.args = dict(dim=dim, size=size, step=step)
        if not shape:
            return g.reshape(())
        out = np.zeros_like(g, shape=shape)
        count = g.shape[dim]
        lead = (slice(None),) * dim
        for k in range(size):  # one vectorised add per position inside the window
            out[lead + (slice(k, k + step * (count - 1) + 1, step),)] += g[..., k]
        return out

    @staticmethod
    def backward(ctx, grad):
        return Unfold.apply(grad, **ctx.args)


def unfold(input, dimension: int, size: int, step: int) -> Tensor:
    """All windows of ``size`` elements along ``dimension``, ``step`` apart, as a new last
    dimension (``Tensor.unfold``; a read-only view)."""
    d = norm_dim(dimension, input.ndim, "unfold")
    size, step = int_arg(size, "unfold", "size", 2), int_arg(step, "unfold", "step", 3)
    n = input._data.shape[d] if input.ndim else 1
    if size > n:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {d} is {n} but size "
                           f"is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    return Unfold.apply(input, dim=d, size=int(size), step=int(step))
