"""Tensor methods: matrix products, solvers, decompositions and norms (``npgrad/ops/linalg/``).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

from ..ops import inplace as _inplace
from ..ops.linalg import (cholesky as _cholesky, decompositions as _decompositions,
                          householder as _householder, lu as _lu,
                          lu_solve as _lu_solve, norms as _norms, products as _products,
                          solvers as _solvers)


class LinalgMethods:
    """The matrix products, solvers, decompositions and norms methods of :class:`npgrad.Tensor`."""

    def matmul(self, other):
        """See :func:`npgrad.matmul`."""
        return _products.matmul(self, other)

    def mm(self, mat2):
        """See :func:`npgrad.mm`."""
        return _products.mm(self, mat2)

    def bmm(self, mat2):
        """See :func:`npgrad.bmm`."""
        return _products.bmm(self, mat2)

    def mv(self, vec):
        """See :func:`npgrad.mv`."""
        return _products.mv(self, vec)

    def dot(self, other):
        """See :func:`npgrad.dot`."""
        return _products.dot(self, other)

    def outer(self, vec2):
        """See :func:`npgrad.outer`."""
        return _products.outer(self, vec2)

    ger = outer

    def cross(self, other, dim=None):
        """See :func:`npgrad.cross`."""
        return _products.cross(self, other, dim)

    def vdot(self, other):
        """See :func:`npgrad.vdot`."""
        return _products.vdot(self, other)

    def inner(self, other):
        """See :func:`npgrad.inner`."""
        return _products.inner(self, other)

    def kron(self, other):
        """See :func:`npgrad.kron`."""
        return _products.kron(self, other)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        """See :func:`npgrad.addmm`."""
        return _products.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """See :func:`npgrad.addmv`."""
        return _products.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """See :func:`npgrad.addr`."""
        return _products.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """See :func:`npgrad.baddbmm`."""
        return _products.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """See :func:`npgrad.addbmm`."""
        return _products.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def det(self):
        """See :func:`npgrad.det`."""
        return _solvers.det(self)

    def logdet(self):
        """See :func:`npgrad.logdet`."""
        return _solvers.logdet(self)

    def slogdet(self):
        """See :func:`npgrad.slogdet`."""
        return _solvers.slogdet(self)

    def inverse(self):
        """See :func:`npgrad.inverse`."""
        return _solvers.inverse(self)

    def pinverse(self, rcond=1e-15):
        """See :func:`npgrad.pinverse`."""
        return _decompositions.pinverse(self, rcond)

    def matrix_power(self, n):
        """See :func:`npgrad.matrix_power`."""
        return _solvers.matrix_power(self, n)

    def svd(self, some=True, compute_uv=True):
        """See :func:`npgrad.svd`."""
        return _decompositions.svd(self, some, compute_uv)

    def qr(self, some=True):
        """See :func:`npgrad.qr`."""
        return _decompositions.qr(self, some)

    def matrix_exp(self):
        """See :func:`npgrad.matrix_exp`."""
        return _solvers.matrix_exp(self)

    def cholesky_solve(self, input2, upper=False):
        """See :func:`npgrad.cholesky_solve`."""
        return _solvers.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper=False):
        """See :func:`npgrad.cholesky_inverse`."""
        return _solvers.cholesky_inverse(self, upper)

    def dist(self, other, p=2):
        """See :func:`npgrad.dist`."""
        return _norms.dist(self, other, p)

    def renorm(self, p, dim, maxnorm):
        """See :func:`npgrad.renorm`."""
        return _norms.renorm(self, p, dim, maxnorm)

    def renorm_(self, p, dim, maxnorm):
        """In-place form of :meth:`Tensor.renorm`."""
        return _inplace.apply_(self, _norms.renorm, p, dim, maxnorm)

    # in-place products
    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        """In-place form of :meth:`Tensor.addmm`."""
        return _inplace.apply_(self, _products.addmm, mat1, mat2, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        """In-place form of :meth:`Tensor.addmv`."""
        return _inplace.apply_(self, _products.addmv, mat, vec, beta=beta, alpha=alpha)

    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        """In-place form of :meth:`Tensor.addr`."""
        return _inplace.apply_(self, _products.addr, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        """In-place form of :meth:`Tensor.baddbmm`."""
        return _inplace.apply_(self, _products.baddbmm, batch1, batch2, beta=beta,
                                   alpha=alpha)

    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        """In-place form of :meth:`Tensor.addbmm`."""
        return _inplace.apply_(self, _products.addbmm, batch1, batch2, beta=beta,
                                   alpha=alpha)

    def cholesky(self, upper=False):
        """See :func:`npgrad.cholesky`."""
        return _cholesky.cholesky_toplevel(self, upper)

    def lu(self, pivot=True, get_infos=False):
        """See :func:`npgrad.lu`."""
        return _lu.lu_toplevel(self, pivot, get_infos)

    def lu_solve(self, LU_data, LU_pivots):
        """See :func:`npgrad.lu_solve`."""
        return _lu_solve.lu_solve_toplevel(self, LU_data, LU_pivots)

    def triangular_solve(self, A, upper=True, transpose=False, unitriangular=False):
        """See :func:`npgrad.triangular_solve`."""
        return _solvers.triangular_solve(self, A, upper, transpose, unitriangular)

    def geqrf(self):
        """See :func:`npgrad.geqrf`."""
        return _householder.geqrf(self)

    def orgqr(self, input2):
        """See :func:`npgrad.orgqr`."""
        return _householder.orgqr(self, input2)

    def ormqr(self, input2, input3, left=True, transpose=False):
        """See :func:`npgrad.ormqr`."""
        return _householder.ormqr(self, input2, input3, left, transpose)
