"""Shape ops that are views: reshape, view, flatten, squeeze, permute, movedim, transpose,
expand, broadcast_tensors, narrow. (``unbind``, a split into views: ``joins.py``.)

View ops return arrays that share memory with their input where NumPy can (``is_view``), so
that an in-place change to one is seen in the other, as in PyTorch. Joins and splits (cat,
stack, split, chunk) are in ``joins.py``; copies that rearrange data (repeat, flip,
roll) in ``tiling.py``; diagonals and triangles in ``diag.py``; padding in ``pad.py``.

Also ``as_strided`` and ``narrow_copy``.
"""
from __future__ import annotations

import builtins
import numbers

import numpy as np

from ... import dtypes as _dt
from ...autograd.function import Primitive
from .._arguments import (ALL_DIMS, as_tensor_arg, int_arg, long_tensor, norm_dim, size_args,
                          Tensor)
from ...tensor import Size
from ..indexing.indexing import getitem
from ..inplace import check

# view and expand are Tensor methods only (torch.view and torch.expand do not exist)
__all__ = ["reshape", "transpose", "swapaxes", "swapdims", "t", "adjoint", "permute", "movedim",
           "moveaxis", "broadcast_to", "broadcast_tensors", "broadcast_shapes", "squeeze",
           "unsqueeze", "flatten", "ravel", "unflatten", "narrow", "select", "narrow_copy",
           "as_strided", "as_strided_"]


# ---------------------------------------------------------------------------------------------
# reshape / view / flatten / unflatten / squeeze / unsqueeze: one primitive, a new shape
# ---------------------------------------------------------------------------------------------

def infer_shape(shape: tuple, numel: int, op: str, in_shape: tuple | None = None) -> tuple:
    """Resolve one -1 in ``shape`` and check the element count, with PyTorch's message."""
    src = f" (input shape {tuple(in_shape)})" if in_shape is not None else ""
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size "
                               f"{numel}{src}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size "
                           f"{numel}{src}")
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
        try:
            return _reshape_no_copy(a, shape)
        except ValueError:
            raise RuntimeError(f"view: view size is not compatible with input tensor's size and "
                               f"stride (at least one dimension spans across two contiguous "
                               f"subspaces); shape {tuple(a.shape)} -> {shape}. Use .reshape(...) "
                               f"instead.") from None


def _reshape_no_copy(a: np.ndarray, shape: tuple) -> np.ndarray:
    """``a.reshape(shape)`` as a view, or ValueError when that needs a copy."""
    try:
        return np.reshape(a, shape, copy=False)
    except TypeError:  # NumPy < 2.1 has no copy=: reshape, then check nothing was copied
        out = a.reshape(shape)
        if a.size and not np.may_share_memory(out, a):
            raise ValueError("reshape needs a copy") from None
        return out


class Squeeze(Reshape):
    node_name = "SqueezeBackward0"


class Squeeze1(Reshape):
    node_name = "SqueezeBackward1"    # squeeze(dim) with an int


class Squeeze2(Reshape):
    node_name = "SqueezeBackward2"    # squeeze(dim) with a tuple


class Unsqueeze(Reshape):
    node_name = "UnsqueezeBackward0"


def reshape(input, *args, shape=None) -> Tensor:
    """The same data with a new shape (a view when possible). One size may be -1.

    ``reshape(x, (2, 3))``, ``reshape(x, shape=(2, 3))`` and ``x.reshape(2, 3)`` all work.
    """
    input = as_tensor_arg(input, "reshape")
    size = size_args(args if shape is None else (shape,), "reshape")
    shape = infer_shape(size, input._data.size, "reshape", input._data.shape)
    return Reshape.apply(input, shape=shape)


def view(input, *shape) -> Tensor:
    """The same data with a new shape; raises when that needs a copy (use ``reshape``).

    ``view(dtype)`` reinterprets the bytes as another dtype; as in PyTorch, the result is not
    part of the graph (even for the same dtype).
    """
    if len(shape) == 1 and isinstance(shape[0], (_dt.dtype, str, np.dtype, type)):
        return _view_dtype(input, _dt.to_dtype(shape[0]))
    shape = infer_shape(size_args(shape, "view"), input._data.size, "view", input._data.shape)
    return View.apply(input, shape=shape)


def _view_dtype(input: Tensor, dtype) -> Tensor:
    a = input._data
    if dtype.itemsize != a.itemsize and (a.ndim == 0 or a.strides[-1] != a.itemsize):
        raise RuntimeError(f"view: self.stride(-1) must be 1 to view {input.dtype} as {dtype} "
                           f"(different element sizes), got shape {tuple(a.shape)}")
    try:
        out = Tensor._make(a.view(dtype.np))
    except ValueError as e:
        raise RuntimeError(f"view: cannot view a {input.dtype} tensor of shape "
                           f"{tuple(a.shape)} as {dtype}: {e}") from None
    out._vc = input._counter()   # the same memory: share the version counter
    return out


def _alias(input: Tensor) -> Tensor:
    """A new tensor object viewing the same data (for shape ops that change nothing)."""
    return Reshape.apply(input, shape=input._data.shape)


def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one (a 0-d tensor becomes 1-D)."""
    input = as_tensor_arg(input, "flatten")
    shape = input._data.shape
    s, e = norm_dim(start_dim, len(shape), "flatten"), norm_dim(end_dim, len(shape), "flatten")
    if not shape:
        return Reshape.apply(input, shape=(1,))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return _alias(input)
    return Reshape.apply(input, shape=shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def ravel(input) -> Tensor:
    """The elements as a 1-D tensor (a view when the layout allows, else a copy)."""
    input = as_tensor_arg(input, "ravel")
    return Reshape.apply(input, shape=(input._data.size,))


def unflatten(input, dim: int, sizes) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one of them may be -1)."""
    input = as_tensor_arg(input, "unflatten")
    shape = input._data.shape
    d = norm_dim(dim, len(shape), "unflatten")
    sizes = size_args((sizes,), "unflatten")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    known = int(np.prod([s for s in sizes if s != -1]))
    if sizes.count(-1) > 1 or (-1 not in sizes and known != shape[d]) or (
            -1 in sizes and (known == 0 or shape[d] % known)):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[d]}) in the input tensor of shape "
                           f"{tuple(shape)}")
    sizes = tuple(shape[d] // known if s == -1 else s for s in sizes)
    return Reshape.apply(input, shape=shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=ALL_DIMS) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in ``dim``: an int or a tuple)."""
    input = as_tensor_arg(input, "squeeze")
    shape = input._data.shape
    if dim is ALL_DIMS:
        dims, cls = {i for i, s in enumerate(shape) if s == 1}, Squeeze
    else:
        cls = Squeeze2 if isinstance(dim, (tuple, list)) else Squeeze1
        dim = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
        dims = [norm_dim(d, input.ndim, "squeeze") for d in dim]
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"squeeze: dim {dims[0] if len(dims) == 1 else dims} appears "
                               f"multiple times in the list of dims")
        dims = {d for d in dims if input.ndim and shape[d] == 1}
    new = tuple(s for i, s in enumerate(shape) if i not in dims)
    return cls.apply(input, shape=new)


def unsqueeze(input, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    input = as_tensor_arg(input, "unsqueeze")
    n = input.ndim + 1
    d = norm_dim(dim, n, "unsqueeze")
    shape = list(input._data.shape)
    shape.insert(d, 1)
    return Unsqueeze.apply(input, shape=tuple(shape))


# ---------------------------------------------------------------------------------------------
# permute / transpose / movedim: one primitive, a new order of the dimensions
# ---------------------------------------------------------------------------------------------

class Permute(Primitive):
    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return Permute.apply(grad, dims=tuple(int(i) for i in np.argsort(ctx.dims)))


class Transpose(Permute):
    node_name = "TransposeBackward0"


class TransposeT(Permute):
    node_name = "TBackward0"


def permute(input, *args, dims=None) -> Tensor:
    """Reorder dimensions: ``x.permute(2, 0, 1)``, ``permute(x, (2, 0, 1))``."""
    input = as_tensor_arg(input, "permute")
    if dims is not None:
        args = (dims,)
    if not args:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
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
    input = as_tensor_arg(input, "transpose")
    n = input.ndim
    d0, d1 = norm_dim(dim0, n, "transpose"), norm_dim(dim1, n, "transpose")
    if n == 0:
        return _alias(input)
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Transpose.apply(input, dims=tuple(dims))


swapaxes = swapdims = transpose


def t(input) -> Tensor:
    """Transpose a tensor of at most 2 dimensions."""
    input = as_tensor_arg(input, "t")
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return TransposeT.apply(input, dims=(1, 0)) if input.ndim == 2 else _alias(input)


def adjoint(input) -> Tensor:
    """The transpose of the last two dimensions (``x.mT``; real tensors have no conjugate)."""
    input = as_tensor_arg(input, "adjoint")
    if input.ndim == 0:
        return _alias(input)  # (a 0-d tensor is its own transpose, as in PyTorch)
    if input.ndim < 2:
        raise RuntimeError(f"adjoint: tensor.mT and adjoint() are only supported on matrices "
                           f"or batches of matrices. Got {input.ndim}-D tensor.")
    return transpose(input, -2, -1)


def _dim_list(dims, n: int) -> list:
    dims = [dims] if isinstance(dims, numbers.Integral) else list(dims)
    return [norm_dim(d, n, "movedim") for d in dims]


def movedim(input, source, destination) -> Tensor:
    """Move dimensions ``source`` (an int or a tuple) to positions ``destination``."""
    input = as_tensor_arg(input, "movedim")
    n = input.ndim
    src, dst = _dim_list(source, n), _dim_list(destination, n)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                           f"should contain the same number of dims as destination ({dst} dims)")
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({ds})")
    if n == 0:
        return _alias(input)
    order = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    if order == list(range(n)):
        return _alias(input)
    return Permute.apply(input, dims=tuple(order))


moveaxis = movedim


# ---------------------------------------------------------------------------------------------
# expand / broadcast: a read-only view with zero strides; its adjoint is sum_to_size
# ---------------------------------------------------------------------------------------------

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
    for i in range(lead):
        if sizes[i] < 0:
            raise RuntimeError(f"expand: the expanded size of the tensor ({sizes[i]}) isn't "
                               f"allowed in a leading, non-existing dimension {i}")
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
    return expand(as_tensor_arg(input, "broadcast_to"), size)


def broadcast_shapes(*shapes):
    """The shape that tensors of these shapes broadcast to (``Size``)."""
    return _broadcast_shape(shapes, "broadcast_shapes")


def _broadcast_shape(shapes, op: str):
    out: list = []
    for k, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
        if len(shape) > len(out):
            out = [1] * (len(shape) - len(out)) + out
        for i, s in enumerate(shape):
            j = len(out) - len(shape) + i
            if s != out[j] and s != 1 and out[j] != 1:
                raise RuntimeError(f"{op}: The size of tensor a ({out[j]}) must "
                                   f"match the size of tensor b ({s}) at non-singleton "
                                   f"dimension {i} (shape {shape} is number {k})")
            if out[j] == 1:
                out[j] = s
    return Size(out)


def broadcast_tensors(*tensors) -> tuple:
    """Expand all tensors to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = [as_tensor_arg(x, "broadcast_tensors") for x in tensors]
    shape = tuple(_broadcast_shape([x._data.shape for x in tensors], "broadcast_tensors"))
    return tuple(expand(x, shape) for x in tensors)


# ---------------------------------------------------------------------------------------------
# narrow: a slice along one dimension (a getitem view)
# ---------------------------------------------------------------------------------------------

def narrow(input, dim: int, start, length: int) -> Tensor:
    """The slice ``start:start+length`` of dimension ``dim`` (a view)."""
    input = as_tensor_arg(input, "narrow")
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, input.ndim, "narrow")
    start, length = int_arg(start, "narrow", "start"), int_arg(length, "narrow", "length")
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start out of range (expected to be in range of [{-size}, "
                         f"{size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds dimension "
                           f"size ({size}) of a tensor of shape {tuple(input.shape)}.")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def select(input, dim: int, index: int) -> Tensor:
    """The slice at ``index`` of dimension ``dim``, without that dimension (a view)."""
    input = as_tensor_arg(input, "select")
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, input.ndim, "select")
    size, index = input._data.shape[d], int_arg(index, "select", "index")
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return getitem(input, (slice(None),) * d + (index,))


# ---------------------------------------------------------------------------------------------
# in-place shape changes: squeeze_, unsqueeze_, t_, transpose_ (Tensor methods)
# ---------------------------------------------------------------------------------------------

def shape_inplace_(t: Tensor, fn, *args, name: str) -> Tensor:
    """Give ``t`` the shape (and strides) of the view ``fn(t, *args)``, in place: ``t`` keeps
    its memory, its version goes up, and it becomes the output of the view's node."""
    check(t, name)
    out = fn(t, *args)
    t._data = out._data
    t._bump()
    if out._rg:
        t.grad_fn, t._output_nr, t._rg = out.grad_fn, out._output_nr, True
    if t._view is not None:  # still a view of the same base, one step further
        t._view = out._view
    return t


def narrow_copy(input: Tensor, dim: builtins.int, start: builtins.int,
                length: builtins.int) -> Tensor:
    return input.narrow_copy(dim, start, length)


def as_strided(input, size, stride, storage_offset=None) -> Tensor:
    """The elements at ``storage_offset + sum(i_k * stride_k)`` arranged as ``size``
    (positions may repeat; their gradients add up). npgrad takes ``input``'s elements in
    row-major order as the storage, which is PyTorch's storage for contiguous tensors; the
    result is a copy, not a view."""
    input = as_tensor_arg(input, "as_strided")
    idx = _strided_index(input, size, stride, storage_offset, "as_strided")
    return input.reshape(-1)[long_tensor(idx)]


def as_strided_(input: Tensor, size, stride, storage_offset=None) -> Tensor:
    """In-place :func:`as_strided`: ``input`` takes the strided arrangement of its elements.
    NOTE: npgrad's ``as_strided`` copies, so ``input`` gets new memory (PyTorch's keeps its
    storage): views taken of ``input`` before no longer see its changes."""
    input = as_tensor_arg(input, "as_strided_")
    return shape_inplace_(input, as_strided, size, stride, storage_offset, name="as_strided_")


def _int_list(v, op: str, name: str, position: int) -> tuple:
    """A size or stride argument: a sequence of ints (PyTorch's TypeError otherwise)."""
    if not isinstance(v, (tuple, list, Size)):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be tuple of "
                        f"ints, not {type(v).__name__}")
    return tuple(int_arg(e, op, name, position) for e in v)


def _strided_index(input: Tensor, size, stride, storage_offset, op: str) -> np.ndarray:
    """Flat positions, in ``input``'s row-major order, of a strided view of it."""
    size, stride = _int_list(size, op, "size", 2), _int_list(stride, op, "stride", 3)
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: mismatch in length of strides and shape ({len(stride)} vs "
                           f"{len(size)})")
    if any(v < 0 for v in size + stride):
        raise RuntimeError(f"{op}: negative sizes or strides are not supported (got size "
                           f"{list(size)}, stride {list(stride)})")
    offset = 0 if storage_offset is None else int_arg(storage_offset, op, "storage_offset", 4)
    if offset < 0:
        raise RuntimeError(f"{op}: invalid storage offset {offset}")
    idx = np.full(size, offset, np.int64)
    for k, (n, st) in enumerate(zip(size, stride)):
        idx += (np.arange(n) * st).reshape([-1 if j == k else 1 for j in range(len(size))])
    needed = int(idx.max()) + 1 if idx.size else 0
    if needed > input.numel():
        raise RuntimeError(f"{op}: sizes {list(size)}, strides {list(stride)} and storage "
                           f"offset {offset} require a storage of {needed} elements, out of "
                           f"bounds for a tensor of {input.numel()} elements")
    return idx
