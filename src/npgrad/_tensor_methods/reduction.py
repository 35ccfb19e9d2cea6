"""Tensor methods: reductions, statistics, scans and histograms (``npgrad/ops/reduction/``).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

from ..ops._arguments import ALL_DIMS
from ..ops import inplace as _inplace
from ..ops.linalg import norms as _norms
from ..ops.reduction import (hashing as _hashing, histograms as _histograms, reduce as _reduce,
                             scans as _scans, stats as _stats)


class ReductionMethods:
    """The reductions, statistics, scans and histograms methods of :class:`npgrad.Tensor`."""

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        """See :func:`npgrad.sum`."""
        return _reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        """See :func:`npgrad.mean`."""
        return _reduce.mean(self, dim, keepdim, dtype=dtype)

    def sum_to_size(self, *size):
        """See :func:`npgrad.sum_to_size`."""
        return _reduce.sum_to_size(self, *size)

    def prod(self, dim=ALL_DIMS, keepdim=False, *, dtype=None):
        """See :func:`npgrad.prod`."""
        return _reduce.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=ALL_DIMS, keepdim=False):
        """See :func:`npgrad.max`."""
        return _reduce.max(self, dim, keepdim)

    def min(self, dim=ALL_DIMS, keepdim=False):
        """See :func:`npgrad.min`."""
        return _reduce.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        """See :func:`npgrad.amax`."""
        return _reduce.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        """See :func:`npgrad.amin`."""
        return _reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        """See :func:`npgrad.argmax`."""
        return _reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        """See :func:`npgrad.argmin`."""
        return _reduce.argmin(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        """See :func:`npgrad.all`."""
        return _reduce.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        """See :func:`npgrad.any`."""
        return _reduce.any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        """See :func:`npgrad.count_nonzero`."""
        return _reduce.count_nonzero(self, dim)

    def hash_tensor(self, dim=(), *, keepdim=False, mode=0):
        """See :func:`npgrad.hash_tensor`."""
        return _hashing.hash_tensor(self, dim, keepdim=keepdim, mode=mode)

    def logsumexp(self, dim, keepdim=False):
        """See :func:`npgrad.logsumexp`."""
        return _reduce.logsumexp(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """See :func:`npgrad.var`."""
        return _stats.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """See :func:`npgrad.std`."""
        return _stats.std(self, dim, unbiased, keepdim, correction=correction)

    def median(self, dim=ALL_DIMS, keepdim=False):
        """See :func:`npgrad.median`."""
        return _stats.median(self, dim, keepdim)

    def cumsum(self, dim, *, dtype=None):
        """See :func:`npgrad.cumsum`."""
        return _scans.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        """See :func:`npgrad.cumprod`."""
        return _scans.cumprod(self, dim, dtype=dtype)

    def cummax(self, dim):
        """See :func:`npgrad.cummax`."""
        return _stats.cummax(self, dim)

    def cummin(self, dim):
        """See :func:`npgrad.cummin`."""
        return _stats.cummin(self, dim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """See :func:`npgrad.norm`."""
        return _norms.norm(self, p, dim, keepdim, dtype=dtype)

    def cumsum_(self, dim, *, dtype=None):
        """In-place form of :meth:`Tensor.cumsum`."""
        return _inplace.apply_(self, _scans.cumsum, dim, dtype=dtype)

    def cumprod_(self, dim, *, dtype=None):
        """In-place form of :meth:`Tensor.cumprod`."""
        return _inplace.apply_(self, _scans.cumprod, dim, dtype=dtype)

    # reductions, statistics and scans
    def aminmax(self, *, dim=None, keepdim=False):
        """See :func:`npgrad.aminmax`."""
        return _stats.aminmax(self, dim=dim, keepdim=keepdim)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        """See :func:`npgrad.nansum`."""
        return _stats.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        """See :func:`npgrad.nanmean`."""
        return _stats.nanmean(self, dim, keepdim, dtype=dtype)

    def nanmedian(self, dim=ALL_DIMS, keepdim=False):
        """See :func:`npgrad.nanmedian`."""
        return _stats.nanmedian(self, dim, keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """See :func:`npgrad.quantile`."""
        return _stats.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """See :func:`npgrad.nanquantile`."""
        return _stats.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def mode(self, dim=-1, keepdim=False):
        """See :func:`npgrad.mode`."""
        return _stats.mode(self, dim, keepdim)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        """See :func:`npgrad.diff`."""
        return _scans.diff(self, n, dim, prepend, append)

    def logcumsumexp(self, dim):
        """See :func:`npgrad.logcumsumexp`."""
        return _scans.logcumsumexp(self, dim)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        """See :func:`npgrad.cov`."""
        return _stats.cov(self, correction=correction, fweights=fweights,
                              aweights=aweights)

    def corrcoef(self):
        """See :func:`npgrad.corrcoef`."""
        return _stats.corrcoef(self)

    def bincount(self, weights=None, minlength=0):
        """See :func:`npgrad.bincount`."""
        return _histograms.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        """See :func:`npgrad.histc`."""
        return _histograms.histc(self, bins, min, max)

    def histogram(self, bins=100, *, range=None, weight=None, density=False):
        """See :func:`npgrad.histogram`."""
        return _histograms.histogram(self, bins, range=range, weight=weight,
                                             density=density)
