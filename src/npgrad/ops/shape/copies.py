"""The ``*_copy`` forms of the view ops (``transpose_copy``, ``slice_copy``...): the view's
values in new, contiguous memory, differentiable like the view.

PyTorch has them for graph capture (functionalization replaces each view by its copy);
programs also call them to get a view's values without aliasing. Each is the view followed by
``clone``, so its gradient is the view's. Also ``slice_inverse``, the other functionalization
op: ``self`` seen through the size, strides and offset of another tensor.
"""
from __future__ import annotations

import builtins
import numbers

from ... import dtypes as _dt
from .._arguments import ALL_DIMS, Tensor, as_tensor_arg, named_errors, int_arg, norm_dim
from ..elementwise.unary import clone, not_differentiable
from ..indexing.indexing import getitem
from . import diag, joins, tiling, views

__all__ = ["alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
           "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
           "unsqueeze_copy", "view_copy", "slice_inverse"]


def _copies(tensors) -> tuple:
    """Each view of a split in its own memory."""
    return tuple(clone(t) for t in tensors)


@named_errors("alias_copy")
def alias_copy(input) -> Tensor:
    """A copy of ``input`` (the copy of ``alias``, a view of the whole tensor)."""
    return clone(as_tensor_arg(input, "alias_copy"))


@named_errors("as_strided_copy")
def as_strided_copy(input, size, stride, storage_offset=None) -> Tensor:
    """:func:`npgrad.as_strided` in new memory (npgrad's ``as_strided`` already copies)."""
    if storage_offset is not None:
        storage_offset = int_arg(storage_offset, "as_strided_copy", "storage_offset", 4)
    return views.as_strided(as_tensor_arg(input, "as_strided_copy"), size, stride,
                            storage_offset)


@named_errors("detach_copy")
def detach_copy(input) -> Tensor:
    """A copy of ``input``'s values. NOTE: as in PyTorch, the result stays in the graph but
    refuses backward ("derivative for aten::detach_copy is not implemented")."""
    input = as_tensor_arg(input, "detach_copy")
    return not_differentiable(input._data.copy(), "detach_copy", input)


@named_errors("diagonal_copy")
def diagonal_copy(input, offset: builtins.int = 0, dim1: builtins.int = 0,
                  dim2: builtins.int = 1) -> Tensor:
    """:func:`npgrad.diagonal` in new memory."""
    return clone(diag.diagonal(as_tensor_arg(input, "diagonal_copy"), offset, dim1, dim2))


@named_errors("expand_copy")
def expand_copy(input, size, *, implicit: builtins.bool = False) -> Tensor:
    """``input.expand(size)`` in new memory (``implicit`` is PyTorch's tracing flag)."""
    return clone(views.expand(as_tensor_arg(input, "expand_copy"), size))


@named_errors("permute_copy")
def permute_copy(input, dims) -> Tensor:
    """:func:`npgrad.permute` in new memory."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"permute_copy(): argument 'dims' (position 2) must be tuple of ints, "
                        f"not {type(dims).__name__}")
    return clone(views.permute(as_tensor_arg(input, "permute_copy"), dims))


@named_errors("select_copy")
def select_copy(input, dim: builtins.int, index: builtins.int) -> Tensor:
    """:func:`npgrad.select` in new memory."""
    return clone(views.select(as_tensor_arg(input, "select_copy"), dim, index))


@named_errors("slice_copy")
def slice_copy(input, dim: builtins.int = 0, start=None, end=None,
               step: builtins.int = 1) -> Tensor:
    """``input[..., start:end:step, ...]`` along ``dim``, in new memory (PyTorch's
    ``aten::slice``: out-of-range bounds are clamped, negative ones count from the end)."""
    input = as_tensor_arg(input, "slice_copy")
    start, end = (None if v is None else int_arg(v, "slice_copy", name, pos)
                  for v, name, pos in ((start, "start", 3), (end, "end", 4)))
    step = int_arg(step, "slice_copy", "step", 5)
    if step <= 0:
        raise RuntimeError("slice_copy: slice step must be positive")
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, input.ndim, "slice_copy")
    key = (slice(None),) * d + (slice(start, end, step),)
    return clone(getitem(input, key))


@named_errors("split_copy")
def split_copy(input, split_size, dim: builtins.int = 0) -> tuple:
    """:func:`npgrad.split` with each piece in its own memory ."""
    return _copies(joins.split(as_tensor_arg(input, "split_copy"), split_size, dim))


@named_errors("split_with_sizes_copy")
def split_with_sizes_copy(input, split_sizes, dim: builtins.int = 0) -> tuple:
    """:func:`npgrad.split_with_sizes` with each piece in its own memory."""
    input = as_tensor_arg(input, "split_with_sizes_copy")
    if input.ndim == 0:
        raise RuntimeError("split_with_sizes_copy: split expects at least a 1-dimensional "
                           "tensor")
    return _copies(joins.split_with_sizes(input, split_sizes, dim))


@named_errors("squeeze_copy")
def squeeze_copy(input, dim=ALL_DIMS) -> Tensor:
    """:func:`npgrad.squeeze` in new memory."""
    return clone(views.squeeze(as_tensor_arg(input, "squeeze_copy"), dim))


@named_errors("t_copy")
def t_copy(input) -> Tensor:
    """:func:`npgrad.t` in new memory."""
    return clone(views.t(as_tensor_arg(input, "t_copy")))


@named_errors("transpose_copy")
def transpose_copy(input, dim0: builtins.int, dim1: builtins.int) -> Tensor:
    """:func:`npgrad.transpose` in new memory."""
    return clone(views.transpose(as_tensor_arg(input, "transpose_copy"), dim0, dim1))


@named_errors("unbind_copy")
def unbind_copy(input, dim: builtins.int = 0) -> tuple:
    """:func:`npgrad.unbind` with each slice in its own memory."""
    return _copies(joins.unbind(as_tensor_arg(input, "unbind_copy"), dim))


@named_errors("unfold_copy")
def unfold_copy(input, dimension: builtins.int, size: builtins.int,
                step: builtins.int) -> Tensor:
    """``input.unfold(dimension, size, step)`` in new memory."""
    size, step = int_arg(size, "unfold_copy", "size", 3), int_arg(step, "unfold_copy", "step", 4)
    return clone(tiling.unfold(as_tensor_arg(input, "unfold_copy"), dimension, size, step))


@named_errors("unsqueeze_copy")
def unsqueeze_copy(input, dim: builtins.int) -> Tensor:
    """:func:`npgrad.unsqueeze` in new memory."""
    return clone(views.unsqueeze(as_tensor_arg(input, "unsqueeze_copy"), dim))


@named_errors("view_copy")
def view_copy(input, size) -> Tensor:
    """``input.view(size)`` (a shape, or a dtype to reinterpret the bytes as) in new memory.
    Unlike ``view``, the copy does not need ``input``'s strides to allow the view."""
    input = as_tensor_arg(input, "view_copy")
    if isinstance(size, _dt.dtype):
        return clone(input.contiguous().view(size))
    if isinstance(size, numbers.Integral):
        size = (size,)
    return clone(views.reshape(input, tuple(size)))


@named_errors("slice_inverse")
def slice_inverse(input, src, dim: builtins.int = 0, start=None, end=None,
                  step: builtins.int = 1) -> Tensor:
    """``input`` seen through ``src``'s size, strides and storage offset (PyTorch's
    functionalization op that undoes ``slice``: ``dim``/``start``/``end``/``step`` only
    describe the slice ``src`` came from). Like :func:`npgrad.as_strided`, the elements are
    taken from ``input``'s values in row-major order, as a copy."""
    input = as_tensor_arg(input, "slice_inverse")
    src = as_tensor_arg(src, "slice_inverse", "src")
    int_arg(dim, "slice_inverse", "dim", 3)
    int_arg(step, "slice_inverse", "step", 6)
    for v, name, pos in ((start, "start", 4), (end, "end", 5)):
        if v is not None:
            int_arg(v, "slice_inverse", name, pos)
    return views.as_strided(input, src.shape, src.stride(), src.storage_offset())
