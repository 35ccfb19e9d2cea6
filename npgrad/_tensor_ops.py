"""The op methods of Tensor, each a one-line call into ``npgrad.ops``, grouped by family.

``Tensor`` inherits them from :class:`TensorOps`; the state, conversions and autograd
methods are in ``tensor.py``. Methods are written out (no generated wrappers), so grep finds
every one.
"""
from __future__ import annotations

from . import ops as _ops  # the op modules are attributes once tensor.py has imported them


class TensorOps:
    """The operator and op methods of :class:`npgrad.Tensor`."""

    __slots__ = ()

    # -- Python operators -------------------------------------------------------------------
    def __add__(self, other):
        return _ops.binary.add(self, other)

    def __radd__(self, other):
        return _ops.binary.add(other, self)

    def __sub__(self, other):
        return _ops.binary.sub(self, other)

    def __rsub__(self, other):
        return _ops.binary.sub(other, self)

    def __mul__(self, other):
        return _ops.binary.mul(self, other)

    def __rmul__(self, other):
        return _ops.binary.mul(other, self)

    def __truediv__(self, other):
        return _ops.binary.div(self, other)

    def __rtruediv__(self, other):
        return _ops.binary.div(other, self)

    def __floordiv__(self, other):
        return _ops.binary.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.binary.floor_divide(other, self)

    def __mod__(self, other):
        return _ops.binary.remainder(self, other)

    def __rmod__(self, other):
        return _ops.binary.remainder(other, self)

    def __pow__(self, other):
        return _ops.binary.pow(self, other)

    def __rpow__(self, other):
        return _ops.binary.pow(other, self)

    def __matmul__(self, other):
        return _ops.linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.linalg.matmul(other, self)

    def __neg__(self):
        return _ops.unary.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.unary.abs(self)

    def __invert__(self):
        return _ops.binary.bitwise_not(self)

    def __and__(self, other):
        return _ops.binary.bitwise_and(self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _ops.binary.bitwise_or(self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _ops.binary.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __lshift__(self, other):
        return _ops.binary.bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return _ops.binary.bitwise_left_shift(other, self)

    def __rshift__(self, other):
        return _ops.binary.bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return _ops.binary.bitwise_right_shift(other, self)

    def __eq__(self, other):
        return _ops.binary.eq(self, other)

    def __ne__(self, other):
        return _ops.binary.ne(self, other)

    def __lt__(self, other):
        return _ops.binary.lt(self, other)

    def __le__(self, other):
        return _ops.binary.le(self, other)

    def __gt__(self, other):
        return _ops.binary.gt(self, other)

    def __ge__(self, other):
        return _ops.binary.ge(self, other)

    def __getitem__(self, key):
        return _ops.indexing.getitem(self, key)

    def __setitem__(self, key, value) -> None:
        _ops.indexing.setitem(self, key, value)

    # in-place operators: x += y modifies x's data, as in PyTorch
    def __iadd__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.add, other)

    def __isub__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.sub, other)

    def __imul__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.mul, other)

    def __itruediv__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.div, other)

    def __ifloordiv__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.floor_divide, other)

    def __imod__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.remainder, other)

    def __ipow__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.pow, other)

    def __iand__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.bitwise_and, other)

    def __ior__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.bitwise_or, other)

    def __ixor__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.bitwise_xor, other)

    def __ilshift__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.bitwise_left_shift, other)

    def __irshift__(self, other):
        return _ops.inplace.apply_(self, _ops.binary.bitwise_right_shift, other)

    # -- named arithmetic, comparison and logic -------------------------------------------
    def add(self, other, *, alpha=1):
        return _ops.binary.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _ops.binary.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        return _ops.binary.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return _ops.binary.div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other):
        return _ops.binary.floor_divide(self, other)

    def remainder(self, other):
        return _ops.binary.remainder(self, other)

    def pow(self, exponent):
        return _ops.binary.pow(self, exponent)

    def eq(self, other):
        return _ops.binary.eq(self, other)

    def ne(self, other):
        return _ops.binary.ne(self, other)

    def lt(self, other):
        return _ops.binary.lt(self, other)

    def le(self, other):
        return _ops.binary.le(self, other)

    def gt(self, other):
        return _ops.binary.gt(self, other)

    def ge(self, other):
        return _ops.binary.ge(self, other)

    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def bitwise_and(self, other):
        return _ops.binary.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _ops.binary.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _ops.binary.bitwise_xor(self, other)

    def bitwise_not(self):
        return _ops.binary.bitwise_not(self)

    def bitwise_left_shift(self, other):
        return _ops.binary.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        return _ops.binary.bitwise_right_shift(self, other)

    def logical_and(self, other):
        return _ops.binary.logical_and(self, other)

    def logical_or(self, other):
        return _ops.binary.logical_or(self, other)

    def logical_xor(self, other):
        return _ops.binary.logical_xor(self, other)

    def logical_not(self):
        return _ops.binary.logical_not(self)

    def where(self, condition, other):
        return _ops.binary.where(condition, self, other)

    # -- elementwise ------------------------------------------------------------------------
    def neg(self):
        return _ops.unary.neg(self)

    negative = neg

    def abs(self):
        return _ops.unary.abs(self)

    absolute = abs

    def exp(self):
        return _ops.unary.exp(self)

    def log(self):
        return _ops.unary.log(self)

    def sqrt(self):
        return _ops.unary.sqrt(self)

    def clamp(self, min=None, max=None):
        return _ops.unary.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return _ops.pointwise.maximum(self, other)

    def minimum(self, other):
        return _ops.pointwise.minimum(self, other)

    def fmax(self, other):
        return _ops.pointwise.fmax(self, other)

    def fmin(self, other):
        return _ops.pointwise.fmin(self, other)

    # -- end of elementwise (new elementwise methods go above this line) --

    # -- reductions --------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduce.mean(self, dim, keepdim, dtype=dtype)

    def sum_to_size(self, *size):
        return _ops.reduce.sum_to_size(self, *size)

    # -- end of reductions (new reduction methods go above this line) --

    # -- shape --------------------------------------------------------------------------------
    def reshape(self, *shape):
        return _ops.shape.reshape(self, *shape)

    def view(self, *shape):
        return _ops.shape.view(self, *shape)  # view(dtype) reinterprets the bytes

    def view_as(self, other):
        return _ops.shape.view(self, other.shape)

    def reshape_as(self, other):
        return _ops.shape.reshape(self, other.shape)

    def transpose(self, dim0, dim1):
        return _ops.shape.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _ops.shape.t(self)

    def permute(self, *dims):
        return _ops.shape.permute(self, *dims)

    def expand(self, *sizes):
        return _ops.shape.expand(self, *sizes)

    def expand_as(self, other):
        return _ops.shape.expand(self, other.shape)

    def squeeze(self, dim=None):
        return _ops.shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _ops.shape.unsqueeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.shape.flatten(self, start_dim, end_dim)

    def unbind(self, dim=0):
        return _ops.shape.unbind(self, dim)

    def unflatten(self, dim, sizes):
        return _ops.shape.unflatten(self, dim, sizes)

    def movedim(self, source, destination):
        return _ops.shape.movedim(self, source, destination)

    moveaxis = movedim

    def adjoint(self):
        return _ops.shape.adjoint(self)

    def broadcast_to(self, size):
        return _ops.shape.broadcast_to(self, size)

    def narrow(self, dim, start, length):
        return _ops.shape.narrow(self, dim, start, length)

    def split(self, split_size, dim=0):
        return _ops.joins.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _ops.joins.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return _ops.joins.tensor_split(self, indices_or_sections, dim)

    def repeat(self, *sizes):
        return _ops.tiling.repeat(self, *sizes)

    def tile(self, *dims):
        return _ops.tiling.tile(self, dims[0] if len(dims) == 1 else dims)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return _ops.tiling.repeat_interleave(self, repeats, dim, output_size=output_size)

    def flip(self, *dims):
        return _ops.tiling.flip(self, dims[0] if len(dims) == 1 else dims)

    def fliplr(self):
        return _ops.tiling.fliplr(self)

    def flipud(self):
        return _ops.tiling.flipud(self)

    def roll(self, shifts, dims=None):
        return _ops.tiling.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        return _ops.diag.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _ops.diag.triu(self, diagonal)

    def diag(self, diagonal=0):
        return _ops.diag.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _ops.diag.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _ops.diag.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return _ops.diag.trace(self)

    # -- end of shape (new shape methods go above this line) --

    # -- indexing -----------------------------------------------------------------------------

    # -- end of indexing (new indexing methods go above this line) --

    # -- products -----------------------------------------------------------------------------
    def matmul(self, other):
        return _ops.linalg.matmul(self, other)

    def mm(self, mat2):
        return _ops.linalg.mm(self, mat2)

    def bmm(self, mat2):
        return _ops.linalg.bmm(self, mat2)

    def mv(self, vec):
        return _ops.linalg.mv(self, vec)

    def dot(self, other):
        return _ops.linalg.dot(self, other)

    def outer(self, vec2):
        return _ops.linalg.outer(self, vec2)

    ger = outer

    def cross(self, other, dim=None):
        return _ops.linalg.cross(self, other, dim)

    # -- end of linear algebra (new linear algebra methods go above this line) --

    # -- in-place -----------------------------------------------------------------------------
    def add_(self, other, *, alpha=1):
        return _ops.inplace.apply_(self, _ops.binary.add, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return _ops.inplace.apply_(self, _ops.binary.sub, other, alpha=alpha)

    def mul_(self, other):
        return _ops.inplace.apply_(self, _ops.binary.mul, other)

    def div_(self, other, *, rounding_mode=None):
        return _ops.inplace.apply_(self, _ops.binary.div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent):
        return _ops.inplace.apply_(self, _ops.binary.pow, exponent)

    def neg_(self):
        return _ops.inplace.apply_(self, _ops.unary.neg)

    def exp_(self):
        return _ops.inplace.apply_(self, _ops.unary.exp)

    def log_(self):
        return _ops.inplace.apply_(self, _ops.unary.log)

    def sqrt_(self):
        return _ops.inplace.apply_(self, _ops.unary.sqrt)

    def abs_(self):
        return _ops.inplace.apply_(self, _ops.unary.abs)

    def clamp_(self, min=None, max=None):
        return _ops.inplace.apply_(self, _ops.unary.clamp, min, max)

    clip_ = clamp_

    def zero_(self):
        return _ops.inplace.fill_(self, 0)

    def fill_(self, value):
        return _ops.inplace.fill_(self, value)

    def copy_(self, src, non_blocking: builtins.bool = False):
        return _ops.inplace.copy_(self, src)

