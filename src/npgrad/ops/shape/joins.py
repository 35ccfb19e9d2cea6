"""Joins and splits: cat, stack, hstack, vstack, dstack, column_stack, atleast_nd; split,
chunk, tensor_split, hsplit, vsplit, dsplit.

``cat`` is a primitive (its gradient is a narrow per input), and so is ``stack``, the adjoint
of ``unbind``; hstack and friends are cats of reshaped inputs. Splits are tuples of views:
one ``Split`` node (gradient: a ``cat``) when a graph is recorded, ``narrow`` views
otherwise.

Also ``split_with_sizes`` and the legacy ``unsafe_*`` forms.
"""
from __future__ import annotations

import builtins
import numbers

import numpy as np

from ... import dtypes as _dt
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from .._arguments import Tensor, as_tensor_arg, norm_dim
from ..indexing.indexing import getitem
from .views import narrow, reshape

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "atleast_1d", "atleast_2d", "atleast_3d", "split", "chunk",
           "tensor_split", "hsplit", "vsplit", "dsplit", "unsafe_chunk", "unsafe_split",
           "unsafe_split_with_sizes", "split_with_sizes", "unbind"]


# ---------------------------------------------------------------------------------------------
# cat and the stacks
# ---------------------------------------------------------------------------------------------

class Cat(Primitive):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim, skip, dtype):
        ctx.dim, ctx.skip = dim, skip
        ctx.sizes = [x.shape[dim] if not s else 0 for x, s in zip(arrays, skip)]
        parts = [x for x, s in zip(arrays, skip) if not s]
        return np.concatenate(parts, axis=dim, dtype=dtype, casting="unsafe")

    @staticmethod
    def backward(ctx, grad):
        out, start = [], 0
        for size, skipped in zip(ctx.sizes, ctx.skip):
            if skipped:  # a legacy empty 1-D input: its gradient is empty too
                out.append(grad.new_zeros(0))
                continue
            if ctx.needs_input_grad[len(out)]:
                out.append(narrow(grad, ctx.dim, start, size))
            else:
                out.append(None)
            start += size
        return tuple(out)


def _tensor_list(tensors, op: str) -> list:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}(): argument 'tensors' must be tuple of Tensors, not Tensor")
    return [as_tensor_arg(t, op) for t in tensors]


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension (dtypes promote, as in PyTorch)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(f"cat: zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")
    # PyTorch skips 1-D empty tensors (legacy behaviour), also in checking the dim: when all
    # are such, any dim gives one of them; their dtypes still take part in the promotion
    dt = _dt.result_type(*[x._data for x in tensors])
    skip = tuple(x.ndim == 1 and x._data.shape[0] == 0 for x in tensors)
    if all(skip):
        return Cat.apply(*tensors, dim=0, skip=(False,) * len(tensors), dtype=dt)
    parts = [x for x, s in zip(tensors, skip) if not s]
    ref = parts[0]
    d = norm_dim(dim, ref.ndim, "cat")
    for i, p in enumerate(parts):
        if p.ndim != ref.ndim:
            raise RuntimeError(f"cat: Tensors must have same number of dimensions: got "
                               f"{ref.ndim} and {p.ndim} (shapes "
                               f"{[tuple(q.shape) for q in tensors]})")
        for k in range(ref.ndim):
            if k != d and p._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(f"cat: Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref._data.shape[k]} but got size "
                                   f"{p._data.shape[k]} for tensor number {i} in the list "
                                   f"(shapes {[tuple(q.shape) for q in tensors]})")
    return Cat.apply(*tensors, dim=d, skip=skip, dtype=dt)


concat = concatenate = cat


class Stack(Primitive):
    """Join along a new dimension; the adjoint of ``unbind`` (one node instead of an unsqueeze
    per input and a cat)."""

    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim, dtype):
        ctx.dim = dim
        return np.stack(arrays, axis=dim, dtype=dtype, casting="unsafe")

    @staticmethod
    def backward(ctx, grad):
        return unbind(grad, ctx.dim)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    d = norm_dim(dim, len(shape) + 1, "stack")  # (PyTorch checks the dim before the sizes)
    for i, x in enumerate(tensors):
        if x._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(x.shape)} at entry {i}")
    return Stack.apply(*tensors, dim=d, dtype=_dt.result_type(*[x._data for x in tensors]))


def _atleast(tensors, n: int, op: str):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    out = []
    for x in tensors:
        x = as_tensor_arg(x, op)
        if x.ndim < n:
            shape = tuple(x.shape)
            if n == 1 or x.ndim == 0:
                shape = (1,) * (n - x.ndim) + shape
            elif n == 2:            # (k,) -> (1, k)
                shape = (1,) + shape
            elif x.ndim == 1:       # (k,) -> (1, k, 1)
                shape = (1,) + shape + (1,)
            else:                   # (m, k) -> (m, k, 1)
                shape = shape + (1,)
            x = reshape(x, shape)
        out.append(x)
    return out[0] if single else tuple(out)


def atleast_1d(*tensors):
    """Tensors with at least one dimension (0-d becomes shape ``(1,)``)."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    """Tensors with at least two dimensions (a vector becomes a row)."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    """Tensors with at least three dimensions (``(k,) -> (1, k, 1)``, ``(m, k) -> (m, k, 1)``)."""
    return _atleast(tensors, 3, "atleast_3d")


def hstack(tensors) -> Tensor:
    """Join column-wise: along dim 0 for vectors, dim 1 otherwise."""
    parts = atleast_1d(_tensor_list(tensors, "hstack"))
    return cat(parts, 0 if parts and parts[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Join row-wise, after making every input at least 2-D."""
    return cat(atleast_2d(_tensor_list(tensors, "vstack")), 0)


row_stack = vstack


def dstack(tensors) -> Tensor:
    """Join depth-wise (dim 2), after making every input at least 3-D."""
    return cat(atleast_3d(_tensor_list(tensors, "dstack")), 2)


def column_stack(tensors) -> Tensor:
    """Join along dim 1, making 0-d and 1-D inputs columns first."""
    parts = [reshape(x, (x.numel(), 1)) if x.ndim <= 1 else x
             for x in _tensor_list(tensors, "column_stack")]
    return hstack(parts)


# ---------------------------------------------------------------------------------------------
# splits: tuples of narrow views
# ---------------------------------------------------------------------------------------------

class Split(Primitive):
    """The pieces of ``a`` along ``dim`` (views), as one node whose gradient is one ``cat``
    (speed: as separate narrow views, each piece's gradient is a zero tensor of the input's
    full size, and the engine then adds those up)."""

    node_name = "SplitBackward0"

    @staticmethod
    def forward(ctx, a, dim, sizes):
        ctx.dim = dim
        lead, out, start = (slice(None),) * dim, [], 0
        for n in sizes:
            out.append(a[lead + (slice(start, start + n),)])
            start += n
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):  # (pieces that got no gradient arrive as zeros)
        return cat(grads, ctx.dim)


def _pieces(input: Tensor, d: int, sizes, node: str = "SplitBackward0") -> tuple:
    if input._rg and STATE.enabled and len(sizes) > 1:
        outs = Split.apply(input, dim=d, sizes=tuple(sizes))
        if outs[0].grad_fn is not None:
            outs[0].grad_fn.node_name = node
        vc = input._counter()
        for o in outs:  # views of the input: they count its in-place changes (and it theirs)
            o._vc = vc
        return outs
    out, start = [], 0
    for s in sizes:
        out.append(narrow(input, d, start, s))
        start += s
    return tuple(out)


def split(tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or pieces of the given
    sizes (a list that must add up to the dimension's size)."""
    tensor = as_tensor_arg(tensor, "split")
    if tensor.ndim == 0:
        raise RuntimeError("split: split expects at least a 1-dimensional tensor")
    d = norm_dim(dim, tensor.ndim, "split")
    n = tensor._data.shape[d]
    sections = split_size_or_sections
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, numbers.Integral):
        size = int(sections)
        if size < 0:
            raise RuntimeError(f"split: split_size must be non-negative, got {size}")
        if size == 0:
            if n:
                raise RuntimeError(f"split: split_size can only be 0 if dimension size is 0, "
                                   f"but got dimension size of {n}")
            return (narrow(tensor, d, 0, 0),)
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
        return _pieces(tensor, d, sizes or [0])
    sizes = [int(s) for s in sections]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {d}), but got split_sizes={sizes}")
    return _pieces(tensor, d, sizes, "SplitWithSizesBackward0")


def chunk(input, chunks: int, dim: int = 0) -> tuple:
    """At most ``chunks`` pieces of equal size ``ceil(n / chunks)`` (the last may be smaller)."""
    input = as_tensor_arg(input, "chunk")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = norm_dim(dim, input.ndim, "chunk")
    n = input._data.shape[d]
    if n == 0:  # PyTorch returns `chunks` empty pieces
        return _pieces(input, d, [0] * chunks)
    return split(input, -(-n // chunks), d)


def tensor_split(input, indices_or_sections, dim: int = 0) -> tuple:
    """Split into ``sections`` pieces as equal as possible (the first ``n % sections`` one
    longer), or at the given indices."""
    input = as_tensor_arg(input, "tensor_split")
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = norm_dim(dim, input.ndim, "tensor_split")
    n = input._data.shape[d]
    arg = indices_or_sections
    if isinstance(arg, Tensor):
        arg = arg.item() if arg.ndim == 0 else arg.tolist()
    if isinstance(arg, numbers.Integral):
        k = int(arg)
        if k <= 0:
            raise RuntimeError(f"tensor_split: number of sections must be larger than 0, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        return _pieces(input, d, sizes, "SliceBackward0")
    # slicing semantics: negative indices count from the end, out-of-order ones give empties
    bounds = [None] + [int(i) for i in arg] + [None]
    lead = (slice(None),) * d
    return tuple(getitem(input, lead + (slice(a, b),)) for a, b in zip(bounds, bounds[1:]))


def _split_along(input, arg, dim: int, min_ndim: int, op: str) -> tuple:
    if input.ndim < min_ndim:
        raise RuntimeError(f"{op} requires a tensor with at least {min_ndim} dimension, but got "
                           f"a tensor with {input.ndim} dimensions!")
    if isinstance(arg, numbers.Integral):
        n = input._data.shape[dim]
        if arg == 0 or n % arg:
            raise RuntimeError(f"{op} attempted to split along dimension {dim}, but the size of "
                               f"the dimension {n} is not divisible by the split_size {arg}!")
    return tensor_split(input, arg, dim)


def hsplit(input, indices_or_sections) -> tuple:
    """``tensor_split`` along dim 1 (dim 0 for vectors); equal sections must divide evenly."""
    input = as_tensor_arg(input, "hsplit")
    return _split_along(input, indices_or_sections, 0 if input.ndim == 1 else 1, 1, "hsplit")


def vsplit(input, indices_or_sections) -> tuple:
    """``tensor_split`` along dim 0 of an at least 2-D tensor."""
    input = as_tensor_arg(input, "vsplit")
    return _split_along(input, indices_or_sections, 0, 2, "vsplit")


def dsplit(input, indices_or_sections) -> tuple:
    """``tensor_split`` along dim 2 of an at least 3-D tensor."""
    input = as_tensor_arg(input, "dsplit")
    return _split_along(input, indices_or_sections, 2, 3, "dsplit")


def unsafe_chunk(input: Tensor, chunks: builtins.int, dim: builtins.int = 0) -> tuple:
    return input.chunk(chunks, dim)


def unsafe_split(input: Tensor, split_size, dim: builtins.int = 0) -> tuple:
    return input.split(split_size, dim)


def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: builtins.int = 0) -> tuple:
    return input.split_with_sizes(split_sizes, dim)


def split_with_sizes(input, split_sizes, dim: int = 0) -> tuple:
    """Split ``input`` along ``dim`` into pieces of the given sizes (which must add up)."""
    input = as_tensor_arg(input, "split_with_sizes")
    d = norm_dim(dim, input.ndim, "split_with_sizes")
    sizes = [int(s) for s in split_sizes]
    if sum(sizes) != input.shape[d] or any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                           f"{input.shape[d]} (input tensor's size at dimension {d}), but got "
                           f"split_sizes={sizes}")
    return split(input, sizes, d)


# ---------------------------------------------------------------------------------------------
# unbind: every slice along a dimension (views of the input); its adjoint is stack
# ---------------------------------------------------------------------------------------------

class Unbind(Primitive):
    node_name = "UnbindBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        moved = np.moveaxis(a, dim, 0)
        return tuple(moved[i] for i in range(moved.shape[0]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim)


def unbind(input, dim: int = 0) -> tuple:
    """The slices along ``dim``, as a tuple of tensors."""
    input = as_tensor_arg(input, "unbind")
    if input.ndim == 0:
        raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
    d = norm_dim(dim, input.ndim, "unbind")
    if input._data.shape[d] == 0:
        return ()
    outs = Unbind.apply(input, dim=d)
    vc = input._counter()
    for o in outs:  # views of the input: they count its in-place changes (and it theirs)
        o._vc = vc
    return outs
