"""Shape ops: views (reshape, transpose, permute, expand, squeeze, ...) and joins (cat, stack).

View ops return arrays that share memory with their input where NumPy can (``is_view``), so
that an in-place change to one is seen in the other, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.function import Primitive
from ._util import Tensor, as_tensor_arg, norm_dim, size_args

__all__ = ["reshape", "view", "transpose", "swapaxes", "swapdims", "t", "permute", "expand",
           "broadcast_to", "squeeze", "unsqueeze", "flatten", "unbind", "cat", "concat",
           "concatenate", "stack", "narrow"]


def infer_shape(shape: tuple, numel: int, op: str) -> tuple:
    """Resolve one -1 in ``shape`` and check the element count, with PyTorch's message."""
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Primitive):
    node_name = "ViewBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class View(Reshape):
    """Like reshape, but never copies: PyTorch raises when strides do not allow a view."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        out = a.view()
        try:
            out.shape = shape
        except AttributeError:
            raise RuntimeError(f"view: view size is not compatible with input tensor's size and "
                               f"stride (at least one dimension spans across two contiguous "
                               f"subspaces); shape {tuple(a.shape)} -> {shape}. Use .reshape(...) "
                               f"instead.") from None
        return out


class Squeeze(Reshape):
    node_name = "SqueezeBackward0"


class Unsqueeze(Reshape):
    node_name = "UnsqueezeBackward0"


def reshape(input, *shape) -> Tensor:
    """The same data with a new shape (a view when possible). One size may be -1."""
    input = as_tensor_arg(input, "reshape")
    shape = infer_shape(size_args(shape, "reshape"), input._data.size, "reshape")
    if shape == input._data.shape:
        return Reshape.apply(input, shape=shape) if input._rg else _alias(input)
    return Reshape.apply(input, shape=shape)


def view(input, *shape) -> Tensor:
    """The same data with a new shape; raises when that needs a copy (use ``reshape``)."""
    shape = infer_shape(size_args(shape, "view"), input._data.size, "view")
    return View.apply(input, shape=shape)


def _alias(input: Tensor) -> Tensor:
    """A new tensor object viewing the same data (for shape ops that change nothing)."""
    return Reshape.apply(input, shape=input._data.shape)


class Permute(Primitive):
    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims)))


class Transpose(Permute):
    node_name = "TransposeBackward0"


def permute(input, *dims) -> Tensor:
    """Reorder dimensions: ``x.permute(2, 0, 1)``."""
    dims = size_args(dims, "permute") if dims else ()
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute: number of dims don't match in permute (input has {n} "
                           f"dims, got {len(dims)})")
    dims = tuple(norm_dim(d, n, "permute") for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError(f"permute: repeated dim in {dims}")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    n = input.ndim
    d0, d1 = norm_dim(dim0, n, "transpose"), norm_dim(dim1, n, "transpose")
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Transpose.apply(input, dims=tuple(dims))


swapaxes = swapdims = transpose


def t(input) -> Tensor:
    """Transpose a tensor of at most 2 dimensions."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else _alias(input)


class Expand(Primitive):
    node_name = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.sum_to_size(ctx.in_shape)


def expand(input, *sizes) -> Tensor:
    """Broadcast singleton dimensions to ``sizes`` without copying (-1 keeps a size)."""
    sizes = size_args(sizes, "expand")
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({len(shape)})")
    lead = len(sizes) - len(shape)
    out = list(sizes)
    for i, s in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            out[lead + i] = s
        elif s != want and s != 1:
            raise RuntimeError(f"expand: the expanded size of the tensor ({want}) must match the "
                               f"existing size ({s}) at non-singleton dimension {lead + i}.  "
                               f"Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
    out = tuple(out)
    if out == shape:
        return _alias(input)
    return Expand.apply(input, shape=out)


def broadcast_to(input, size) -> Tensor:
    """``input.expand(size)``."""
    return expand(input, size)


def squeeze(input, dim=None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in ``dim``: an int or a tuple)."""
    shape = input._data.shape
    if dim is None:
        dims = {i for i, s in enumerate(shape) if s == 1}
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = {norm_dim(d, input.ndim, "squeeze") for d in dims}
        dims = {d for d in dims if input.ndim and shape[d] == 1}
    new = tuple(s for i, s in enumerate(shape) if i not in dims)
    return Squeeze.apply(input, shape=new)


def unsqueeze(input, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    n = input.ndim + 1
    d = norm_dim(dim, n, "unsqueeze")
    shape = list(input._data.shape)
    shape.insert(d, 1)
    return Unsqueeze.apply(input, shape=tuple(shape))


def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s, e = norm_dim(start_dim, len(shape), "flatten"), norm_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(input, shape[:s] + (-1 if 0 not in shape[s:e + 1] else 0,) + shape[e + 1:])


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
    d = norm_dim(dim, input.ndim, "unbind")
    if input._data.shape[d] == 0:
        return ()
    return Unbind.apply(input, dim=d)


# ---------------------------------------------------------------------------------------------
# Joins
# ---------------------------------------------------------------------------------------------

class Cat(Primitive):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] if x.ndim else 0 for x in arrays]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        out, start = [], 0
        for size in ctx.sizes:
            out.append(grad.narrow(ctx.dim, start, size) if size else None)
            start += size
        return tuple(out)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension (dtypes promote, as in PyTorch)."""
    tensors = [as_tensor_arg(t, "cat") for t in tensors]
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    # PyTorch skips 1-D empty tensors (legacy behaviour) when joining
    parts = [t for t in tensors if not (t.ndim == 1 and t._data.shape[0] == 0)] or tensors[:1]
    ref = parts[0]
    d = norm_dim(dim, ref.ndim, "cat")
    for i, p in enumerate(parts):
        if p.ndim != ref.ndim:
            raise RuntimeError(f"cat: tensors must have same number of dimensions: got "
                               f"{ref.ndim} and {p.ndim} (tensor {i})")
        for k in range(ref.ndim):
            if k != d and p._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(f"cat: sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref._data.shape[k]} but got size "
                                   f"{p._data.shape[k]} for tensor number {i} in the list "
                                   f"(shapes {[tuple(q.shape) for q in parts]})")
    dt = _dt.result_type(*[p._data for p in parts])
    parts = [p if p._data.dtype == dt else p.to(_dt.from_numpy_dtype(dt)) for p in parts]
    return Cat.apply(*parts, dim=d)


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension."""
    tensors = [as_tensor_arg(t, "stack") for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(x.shape)} at entry {i}")
    d = norm_dim(dim, len(shape) + 1, "stack")
    return cat([unsqueeze(x, d) for x in tensors], d)


def narrow(input, dim: int, start: int, length: int) -> Tensor:
    """The slice ``start:start+length`` of dimension ``dim`` (a view)."""
    d = norm_dim(dim, input.ndim, "narrow")
    size = input._data.shape[d]
    if start < 0:
        start += size
    if not (0 <= start <= size and 0 <= length and start + length <= size):
        raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds dimension "
                           f"size ({size}) of a tensor of shape {tuple(input.shape)}")
    from .indexing import getitem
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))
