"""Tensor methods: indexing, scatter/gather, masking, sorting and searching
(``npgrad/ops/indexing/``).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

from ..ops import inplace as _inplace
from ..ops.indexing import (indexing as _indexing, masked as _masked, scatter as _scatter, sorting
                            as _sorting)


class IndexingMethods:
    """The indexing, scatter/gather, masking, sorting and searching methods of
    :class:`npgrad.Tensor`."""

    def index_put(self, indices, values, accumulate=False):
        """See :func:`npgrad.index_put`."""
        return _indexing.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        """In-place form of :meth:`Tensor.index_put`."""
        return _inplace.apply_(self, _indexing.index_put, indices, values, accumulate)

    def index_select(self, dim, index):
        """See :func:`npgrad.index_select`."""
        return _indexing.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        """See :func:`npgrad.index_add`."""
        return _indexing.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        """In-place form of :meth:`Tensor.index_add`."""
        return _inplace.apply_(self, _indexing.index_add, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        """See :func:`npgrad.index_copy`."""
        return _indexing.index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        """In-place form of :meth:`Tensor.index_copy`."""
        return _inplace.apply_(self, _indexing.index_copy, dim, index, source)

    def index_fill(self, dim, index, value):
        """See :func:`npgrad.index_fill`."""
        return _indexing.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        """In-place form of :meth:`Tensor.index_fill`."""
        return _inplace.apply_(self, _indexing.index_fill, dim, index, value)

    def masked_fill(self, mask, value):
        """See :func:`npgrad.masked_fill`."""
        return _masked.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        """In-place form of :meth:`Tensor.masked_fill`."""
        return _inplace.apply_(self, _masked.masked_fill, mask, value)

    def masked_select(self, mask):
        """See :func:`npgrad.masked_select`."""
        return _masked.masked_select(self, mask)

    def masked_scatter(self, mask, source):
        """See :func:`npgrad.masked_scatter`."""
        return _masked.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        """In-place form of :meth:`Tensor.masked_scatter`."""
        return _inplace.apply_(self, _masked.masked_scatter, mask, source)

    def take(self, index):
        """See :func:`npgrad.take`."""
        return _scatter.take(self, index)

    def put(self, index, source, accumulate=False):
        """See :func:`npgrad.put`."""
        return _scatter.put(self, index, source, accumulate)

    def put_(self, index, source, accumulate=False):
        """In-place form of :meth:`Tensor.put`."""
        return _inplace.apply_(self, _scatter.put, index, source, accumulate)

    def nonzero(self, *, as_tuple=False):
        """See :func:`npgrad.nonzero`."""
        return _indexing.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        """See :func:`npgrad.argwhere`."""
        return _indexing.argwhere(self)

    def gather(self, dim, index, *, sparse_grad=False):
        """See :func:`npgrad.gather`."""
        return _scatter.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        """See :func:`npgrad.scatter`."""
        return _scatter.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        """In-place form of :meth:`Tensor.scatter`."""
        return _inplace.apply_(self, _scatter.scatter, dim, index, src, value=value,
                                   reduce=reduce)

    def scatter_add(self, dim, index, src):
        """See :func:`npgrad.scatter_add`."""
        return _scatter.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        """In-place form of :meth:`Tensor.scatter_add`."""
        return _inplace.apply_(self, _scatter.scatter_add, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        """See :func:`npgrad.scatter_reduce`."""
        return _scatter.scatter_reduce(self, dim, index, src, reduce,
                                           include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        """In-place form of :meth:`Tensor.scatter_reduce`."""
        return _inplace.apply_(self, _scatter.scatter_reduce, dim, index, src, reduce,
                                   include_self=include_self)

    def take_along_dim(self, indices, dim=None):
        """See :func:`npgrad.take_along_dim`."""
        return _scatter.take_along_dim(self, indices, dim)

    def sort(self, dim=-1, descending=False, *, stable=False):
        """See :func:`npgrad.sort`."""
        return _sorting.sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, *, stable=False):
        """See :func:`npgrad.argsort`."""
        return _sorting.argsort(self, dim, descending, stable=stable)

    def msort(self):
        """See :func:`npgrad.msort`."""
        return _sorting.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """See :func:`npgrad.topk`."""
        return _sorting.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        """See :func:`npgrad.kthvalue`."""
        return _sorting.kthvalue(self, k, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        """See :func:`npgrad.unique`."""
        return _sorting.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        """See :func:`npgrad.unique_consecutive`."""
        return _sorting.unique_consecutive(self, return_inverse, return_counts, dim)

    def select_scatter(self, src, dim, index):
        """See :func:`npgrad.select_scatter`."""
        return _scatter.select_scatter(self, src, dim, index)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        """See :func:`npgrad.slice_scatter`."""
        return _scatter.slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        """See :func:`npgrad.diagonal_scatter`."""
        return _scatter.diagonal_scatter(self, src, offset, dim1, dim2)

    def index_reduce(self, dim, index, source, reduce, *, include_self=True):
        """See :func:`npgrad.index_reduce`."""
        return _scatter.index_reduce(self, dim, index, source, reduce,
                                             include_self=include_self)

    def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
        """In-place form of :meth:`Tensor.index_reduce`."""
        return _inplace.apply_(self, _scatter.index_reduce, dim, index, source,
                                   reduce, include_self=include_self)

    def nonzero_static(self, *, size, fill_value=-1):
        """See :func:`npgrad.nonzero_static`."""
        return _indexing.nonzero_static(self, size=size, fill_value=fill_value)

    def as_strided_scatter(self, src, size, stride, storage_offset=None):
        """See :func:`npgrad.as_strided_scatter`."""
        return _scatter.as_strided_scatter(self, src, size, stride, storage_offset)
