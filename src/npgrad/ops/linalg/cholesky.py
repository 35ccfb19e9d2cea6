"""The Cholesky factorisation (``npgrad.linalg``): ``cholesky``, ``cholesky_ex``, and the
deprecated ``torch.cholesky``.

One primitive: NumPy's LAPACK call forward, and when it refuses a matrix, ``potrf`` below
finds LAPACK's ``info`` (the order of the first leading minor that is not positive-definite)
and the partial factor LAPACK leaves; backward is the standard matrix-calculus result written
with npgrad ops.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import autocast
from ...backend import linalg_errors
from ... import return_types
from ...dtypes import is_float_np
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg
from .decompositions import _mask
from .solvers import _matrix, no_kernel, raise_for_info, Solve

__all__: list = []

linalg_cholesky_ex = return_types.make("linalg_cholesky_ex", ("L", "info"))


def potrf(a: np.ndarray) -> tuple:
    """``(L, info)`` of a batch of symmetric matrices (their lower triangles), as LAPACK's
    potrf: a matrix that is not positive-definite at column ``j`` gets ``info = j + 1`` and
    keeps what the left-looking algorithm had done: columns before ``j`` factored, the
    non-positive pivot on the diagonal, the rest of its lower triangle as it was."""
    if np.isfinite(a).all():  # (NumPy's call "factors" infinities without complaint)
        try:
            with linalg_errors(a):
                L = np.linalg.cholesky(a)
            return L, np.zeros_like(a, shape=a.shape[:-2], dtype=np.int32)
        except np.linalg.LinAlgError:
            pass
    L = np.tril(a)
    info = np.zeros_like(a, shape=a.shape[:-2], dtype=np.int32)
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(a.shape[-1]):
            done = L[..., j, :j]
            d = L[..., j, j] - (done * done).sum(-1)
            failed = (info == 0) & ~(d > 0)
            info = np.where(failed, j + 1, info).astype(np.int32)
            alive = info == 0
            root = np.sqrt(np.where(alive, d, 1))
            L[..., j, j] = np.where(alive, root, np.where(failed, d, L[..., j, j]))
            col = (L[..., j + 1:, j] - (L[..., j + 1:, :j] @ done[..., :, None])[..., 0]) \
                / root[..., None]
            L[..., j + 1:, j] = np.where(alive[..., None], col, L[..., j + 1:, j])
    return L, info


class Cholesky(Primitive):
    node_name = "LinalgCholeskyExBackward0"
    materialize_grads = False

    @staticmethod
    def forward(ctx, a, op, check_errors):
        L, info = potrf(a)
        if check_errors:
            raise_for_info(op, info, lambda code: "The factorization could not be completed "
                           "because the input is not positive-definite (the leading minor of "
                           f"order {code} is not positive-definite).")
        ctx.save_for_backward(L)
        return L, info

    @staticmethod
    def backward(ctx, grad, g_info):
        # A = L L^T gives L^-1 dA L^-T = X + X^T with X = L^-1 dL lower triangular, so
        # dL = L Phi(L^-1 dA L^-T) (Phi: lower triangle, halved diagonal) and
        # gA = L^-T Phi(L^T gL) L^-1, symmetrised as PyTorch (A is symmetric)
        if grad is None:
            return None
        (L,) = ctx.saved_tensors
        phi = (L.mT @ grad) * _mask(L.shape[-1], L, diag=0.5)
        ga = Solve.apply(L.mT, Solve.apply(L.mT, phi).mT).mT
        return 0.5 * (ga + ga.mT)


def _cholesky(A, op: str, upper: bool, check_errors: bool) -> tuple:
    A = as_tensor_arg(A, op)
    no_kernel(A, op, "cholesky_cpu")
    if is_float_np(A._data.dtype) and A._data.dtype.itemsize < 4 and A.ndim >= 2:  # (empty)
        return A * 1, Tensor._make(np.zeros_like(A._data, shape=A.shape[:-2], dtype=np.int32))
    A = _matrix("linalg.cholesky", A)
    if upper:
        L, info = Cholesky.apply(A.mT, op=op, check_errors=check_errors)
        return L.mT, info
    return Cholesky.apply(A, op=op, check_errors=check_errors)


@autocast.float32
def cholesky(A, *, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (``A = L L^T``), or ``U = L^T`` if ``upper``; only the lower
    (upper) triangle of ``A`` is read. Not positive-definite: ``LinAlgError``."""
    return _cholesky(A, "linalg.cholesky", upper, True)[0]


@autocast.float32
def cholesky_ex(A, *, upper: bool = False, check_errors: bool = False) -> tuple:
    """``(L, info)``: ``cholesky`` that reports a matrix that is not positive-definite in
    ``info`` (the order of its first such leading minor) instead of raising, unless
    ``check_errors``."""
    return linalg_cholesky_ex(*_cholesky(A, "linalg.cholesky_ex", upper, check_errors))


def cholesky_toplevel(input: Tensor, upper: builtins.bool = False) -> Tensor:
    """Deprecated ``torch.cholesky``: ``linalg.cholesky``, transposed when ``upper``."""
    return _cholesky(input, "cholesky", upper, True)[0]
