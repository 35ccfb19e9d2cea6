"""Tensor methods: shape and view ops: reshape, transpose, joins, tiling, diagonals
(``npgrad/ops/shape/``).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

from ..ops import inplace as _inplace
from ..ops._arguments import ALL_DIMS, as_tensor_arg
from ..ops.shape import copies as _copies, diag as _diag, joins as _joins, tiling as _tiling, views as _views
from ..tensor import Tensor


class ShapeMethods:
    """The shape and view ops methods of :class:`npgrad.Tensor`."""

    def reshape(self, *shape, **kwargs):
        """See :func:`npgrad.reshape`."""
        return _views.reshape(self, *shape, **kwargs)

    def view(self, *shape):
        """A view with a new shape (sharing memory), or the same bytes read as another dtype."""
        return _views.view(self, *shape)  # view(dtype) reinterprets the bytes

    def view_as(self, other):
        """``self.view(other.shape)``."""
        return _views.view(self, as_tensor_arg(other, "view_as", "other").shape)

    def reshape_as(self, other):
        """See :func:`npgrad.reshape`."""
        return _views.reshape(self, other.shape)

    def transpose(self, dim0, dim1):
        """See :func:`npgrad.transpose`."""
        return _views.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        """See :func:`npgrad.t`."""
        return _views.t(self)

    def permute(self, *dims, **kwargs):
        """See :func:`npgrad.permute`."""
        return _views.permute(self, *dims, **kwargs)

    def expand(self, *sizes):
        """A view with size-1 dimensions repeated to ``sizes`` (-1 keeps a size), no copy."""
        return _views.expand(self, *sizes)

    def expand_as(self, other):
        """``self.expand(other.shape)``."""
        return _views.expand(self, as_tensor_arg(other, "expand_as", "other").shape)

    def squeeze(self, dim=ALL_DIMS):
        """See :func:`npgrad.squeeze`."""
        return _views.squeeze(self, dim)

    def unsqueeze(self, dim):
        """See :func:`npgrad.unsqueeze`."""
        return _views.unsqueeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        """See :func:`npgrad.flatten`."""
        return _views.flatten(self, start_dim, end_dim)

    def unbind(self, dim=0):
        """See :func:`npgrad.unbind`."""
        return _joins.unbind(self, dim)

    def squeeze_(self, dim=ALL_DIMS):
        """In-place form of :meth:`Tensor.squeeze`."""
        return _views.shape_inplace_(self, _views.squeeze, dim, name="squeeze_")

    def unsqueeze_(self, dim):
        """In-place form of :meth:`Tensor.unsqueeze`."""
        return _views.shape_inplace_(self, _views.unsqueeze, dim, name="unsqueeze_")

    def t_(self):
        """In-place form of :meth:`Tensor.t`."""
        return _views.shape_inplace_(self, _views.t, name="t_")

    def transpose_(self, dim0, dim1):
        """In-place form of :meth:`Tensor.transpose`."""
        return _views.shape_inplace_(self, _views.transpose, dim0, dim1,
                                         name="transpose_")

    swapaxes_ = swapdims_ = transpose_

    def unflatten(self, dim, sizes):
        """See :func:`npgrad.unflatten`."""
        return _views.unflatten(self, dim, sizes)

    def movedim(self, source, destination):
        """See :func:`npgrad.movedim`."""
        return _views.movedim(self, source, destination)

    moveaxis = movedim

    def adjoint(self):
        """See :func:`npgrad.adjoint`."""
        return _views.adjoint(self)

    def broadcast_to(self, size):
        """See :func:`npgrad.broadcast_to`."""
        return _views.broadcast_to(self, size)

    def narrow(self, dim, start, length):
        """See :func:`npgrad.narrow`."""
        return _views.narrow(self, dim, start, length)

    def split(self, split_size, dim=0):
        """See :func:`npgrad.split`."""
        return _joins.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        """See :func:`npgrad.chunk`."""
        return _joins.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        """See :func:`npgrad.tensor_split`."""
        return _joins.tensor_split(self, indices_or_sections, dim)

    def hsplit(self, indices_or_sections):
        """See :func:`npgrad.hsplit`."""
        return _joins.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        """See :func:`npgrad.vsplit`."""
        return _joins.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        """See :func:`npgrad.dsplit`."""
        return _joins.dsplit(self, indices_or_sections)

    def ravel(self):
        """See :func:`npgrad.ravel`."""
        return _views.ravel(self)

    def repeat(self, *sizes):
        """The tensor tiled ``sizes`` times along each dimension (a copy), as ``npgrad.tile``."""
        return _tiling.repeat(self, *sizes)

    def tile(self, *dims):
        """See :func:`npgrad.tile`."""
        return _tiling.tile(self, dims[0] if len(dims) == 1 else dims)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        """See :func:`npgrad.repeat_interleave`."""
        return _tiling.repeat_interleave(self, repeats, dim, output_size=output_size)

    def flip(self, *dims, **kwargs):
        """See :func:`npgrad.flip`."""
        return _tiling.flip(self, kwargs.get("dims", dims[0] if len(dims) == 1 else dims))

    def unfold(self, dimension, size, step):
        """See :func:`npgrad.nn.functional.unfold`."""
        return _tiling.unfold(self, dimension, size, step)

    def rot90(self, k=1, dims=(0, 1)):
        """See :func:`npgrad.rot90`."""
        return _tiling.rot90(self, k, dims)

    def select(self, dim, index):
        """See :func:`npgrad.select`."""
        return _views.select(self, dim, index)

    def tril_(self, diagonal=0):
        """In-place form of :meth:`Tensor.tril`."""
        return _inplace.apply_(self, _diag.tril, diagonal)

    def triu_(self, diagonal=0):
        """In-place form of :meth:`Tensor.triu`."""
        return _inplace.apply_(self, _diag.triu, diagonal)

    def fliplr(self):
        """See :func:`npgrad.fliplr`."""
        return _tiling.fliplr(self)

    def flipud(self):
        """See :func:`npgrad.flipud`."""
        return _tiling.flipud(self)

    def roll(self, shifts, dims=None):
        """See :func:`npgrad.roll`."""
        return _tiling.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        """See :func:`npgrad.tril`."""
        return _diag.tril(self, diagonal)

    def triu(self, diagonal=0):
        """See :func:`npgrad.triu`."""
        return _diag.triu(self, diagonal)

    def diag(self, diagonal=0):
        """See :func:`npgrad.diag`."""
        return _diag.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """See :func:`npgrad.diagonal`."""
        return _diag.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        """See :func:`npgrad.diag_embed`."""
        return _diag.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        """See :func:`npgrad.trace`."""
        return _diag.trace(self)

    # functional scatters and splits
    def split_with_sizes(self, split_sizes, dim=0):
        """See :func:`npgrad.split_with_sizes`."""
        return _joins.split_with_sizes(self, split_sizes, dim)

    def fill_diagonal_(self, fill_value, wrap=False):
        """Fill the main diagonal with ``fill_value`` in place (``wrap`` continues it in tall
        matrices)."""
        return _inplace.apply_(self, _diag.fill_diagonal, fill_value, wrap)

    def diagflat(self, offset=0):
        """See :func:`npgrad.diagflat`."""
        return _diag.diagflat(self, offset)

    def narrow_copy(self, dim, start, length):
        """See :func:`npgrad.narrow`."""
        return _views.narrow(self, dim, start, length).clone()

    def unsafe_chunk(self, chunks, dim=0):
        """See :func:`npgrad.chunk`."""
        return _joins.chunk(self, chunks, dim)

    def unsafe_split(self, split_size, dim=0):
        """See :func:`npgrad.split`."""
        return _joins.split(self, split_size, dim)

    def unsafe_split_with_sizes(self, split_sizes, dim=0):
        """See :func:`npgrad.split_with_sizes`."""
        return _joins.split_with_sizes(self, split_sizes, dim)

    def __reversed__(self):
        """``reversed(self)``: the tensor flipped along dimension 0."""
        return self if self.ndim == 0 else _tiling.flip(self, (0,))

    def as_strided(self, size, stride, storage_offset=None):
        """See :func:`npgrad.as_strided`."""
        return _views.as_strided(self, size, stride, storage_offset)

    def slice_inverse(self, src, dim=0, start=None, end=None, step=1):
        """See :func:`npgrad.slice_inverse`."""
        return _copies.slice_inverse(self, src, dim, start, end, step)

    def as_strided_(self, size, stride, storage_offset=None):
        """See :func:`npgrad.as_strided_`."""
        return _views.as_strided_(self, size, stride, storage_offset)

    @property
    def T(self) -> "Tensor":
        """The tensor with its dimensions reversed (``permute(n-1, ..., 0)``)."""
        return _views.permute(self, tuple(range(self.ndim))[::-1])

    @property
    def mT(self) -> "Tensor":
        """The transpose of the last two dimensions (a view; 2-D or more)."""
        return _views.adjoint(self)  # RuntimeError below 2-D, as PyTorch

    @property
    def H(self) -> "Tensor":
        """The conjugate transpose of a 2-D tensor (``T``: npgrad tensors are real)."""
        return self.T

    @property
    def mH(self) -> "Tensor":
        """The conjugate transpose of the last two dimensions (``mT``: npgrad tensors are real)."""
        return self.mT

    def __iter__(self):
        """Iterate over dimension 0 (each item a view); an error for a 0-d tensor."""
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_joins.unbind(self, 0))
