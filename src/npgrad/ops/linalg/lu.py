"""LU factorisation with partial pivoting (``npgrad.linalg``): ``lu_factor``, ``lu_factor_ex``,
``lu``, ``lu_unpack``, and the deprecated ``torch.lu``.

NumPy has no LU, so ``getrf`` below computes LAPACK's: the unit lower factor ``L`` stored
below the diagonal and ``U`` on and above it, the row interchanges as 1-based int32 pivots
(row ``j`` was swapped with row ``pivots[j] - 1``, in order), and ``info``, the 1-based index
of the first exactly-zero pivot (0 when there is none; the factorisation still completes).
Batches run together: one Python step per column, array operations over the batch.

``A = P L U``. The gradient is the standard one (derived in ``lu_backward``); ``lu_solve.py``
builds the solvers on this factorisation.
"""
from __future__ import annotations

import numpy as np

from ... import return_types
from ...dtypes import scalar_type_name
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg
from ..shape.joins import cat
from .solvers import raise_for_info, solve_triangular

__all__ = ["lu_unpack"]

linalg_lu_factor = return_types.make("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = return_types.make("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_lu = return_types.make("linalg_lu", ("P", "L", "U"))
lu_unpack_type = return_types.make("lu_unpack", ("P", "L", "U"))
lu_with_info = return_types.make("_lu_with_info", ("LU", "pivots", "info"))


# ---------------------------------------------------------------------------------------------
# kernels on raw arrays
# ---------------------------------------------------------------------------------------------

def swap_rows(x: np.ndarray, j: int, p: np.ndarray) -> None:
    """Swap row ``j`` of every matrix in ``x`` with row ``p`` (one index per matrix), in
    place."""
    idx = p[..., None, None]
    row_p = np.take_along_axis(x, idx, axis=-2)
    row_j = x[..., j:j + 1, :].copy()
    np.put_along_axis(x, idx, row_j, axis=-2)
    x[..., j:j + 1, :] = row_p


def _idamax(x: np.ndarray) -> np.ndarray:
    """The index of the largest magnitude along the last axis, as BLAS's idamax: the first of
    ties; a NaN is never larger than what came before it (so it wins only in first place)."""
    mag = np.abs(x)
    first_nan = np.isnan(mag[..., 0])
    best = np.argmax(np.where(np.isnan(mag), -1, mag), axis=-1)
    return np.where(first_nan, 0, best)


def getrf(a: np.ndarray) -> tuple:
    """``(LU, pivots, info)`` of a batch of matrices, as LAPACK's getrf (see the module
    docstring): right-looking, the largest magnitude in the column as pivot (the first of
    ties), the column below it scaled by the pivot's reciprocal."""
    lu = a.copy()
    m, n = a.shape[-2:]
    batch = a.shape[:-2]
    piv = np.zeros_like(a, shape=batch + (min(m, n),), dtype=np.int32)
    info = np.zeros_like(a, shape=batch, dtype=np.int32)
    if a.size == 0:
        return lu, piv, info
    with np.errstate(invalid="ignore", over="ignore"):
        for j in range(min(m, n)):
            p = j + _idamax(lu[..., j:, j])
            piv[..., j] = p + 1
            swap_rows(lu, j, p)
            pivot = lu[..., j, j]
            zero = pivot == 0
            info = np.where(zero & (info == 0), j + 1, info).astype(np.int32)
            # a zero pivot leaves its column as it is (all zero below it), as LAPACK
            lu[..., j + 1:, j] *= (1 / np.where(zero, 1, pivot))[..., None]
            lu[..., j + 1:, j + 1:] -= lu[..., j + 1:, j:j + 1] * lu[..., j:j + 1, j + 1:]
    return lu, piv, info


def permutation(piv: np.ndarray, m: int) -> np.ndarray:
    """``perm`` with ``(P^T A)[i] = A[perm[i]]``: the row interchanges ``piv`` (1-based)
    applied in order to ``0..m-1``."""
    perm = np.broadcast_to(np.arange(m, dtype=np.int64, like=piv), piv.shape[:-1] + (m,)).copy()
    for j in range(piv.shape[-1]):
        p = (piv[..., j] - 1).astype(np.int64)[..., None]
        at_p = np.take_along_axis(perm, p, axis=-1)
        np.put_along_axis(perm, p, perm[..., j:j + 1].copy(), axis=-1)
        perm[..., j:j + 1] = at_p
    return perm


def permutation_matrix(perm: np.ndarray, dtype) -> np.ndarray:
    """``P`` with ``P[perm[i], i] = 1``, so that ``A = P (P^T A)``."""
    m = perm.shape[-1]
    return (perm[..., None, :] == np.arange(m, like=perm)[:, None]).astype(dtype)


def _check_lu_input(A, op: str) -> Tensor:
    """``A`` checked as ``lu_factor`` checks it: a (batch of) float32/float64 matrices."""
    A = as_tensor_arg(A, op)
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    if A._data.dtype not in (np.float32, np.float64) and A.numel():  # (empty: any dtype)
        raise NotImplementedError(f"\"lu_cpu\" not implemented for "
                                  f"'{scalar_type_name(A._data.dtype)}'")
    return A


# ---------------------------------------------------------------------------------------------
# the factorisation and its gradient
# ---------------------------------------------------------------------------------------------

def unpack_factors(LU: Tensor) -> tuple:
    """``(L, U)`` from a packed factorisation: composites of ``LU``, so gradients flow back
    into it (``L``: unit diagonal, ``m x k``; ``U``: ``k x n``)."""
    m, n = LU.shape[-2:]
    k = min(m, n)
    eye = Tensor._make(np.eye(m, k, dtype=LU._data.dtype, like=LU._data))
    return LU[..., :, :k].tril(-1) + eye, LU[..., :k, :].triu()


def lu_backward(P: Tensor, L: Tensor, U: Tensor, gL, gU) -> Tensor:
    """The gradient of ``A = P L U`` from those of ``L`` and ``U`` (either may be None).

    Square: with ``X = L^-1 P^T dA U^-1``, ``dL = L tril(X, -1)`` and ``dU = triu(X) U``, so
    ``gA = P L^-T M U^-T`` with ``M = tril(L^T gL, -1) + triu(gU U^T)``. Wide (``U = [U1 U2]``)
    adds ``dU2 = L^-1 P^T dA2 - tril(X, -1) U2``; tall (``L = [L1; L2]``) adds
    ``dL2 = (P^T dA)_2 U^-1 - L2 triu(X)``: each moves a term into ``M`` and a block into
    ``gA``.
    """
    m, k = L.shape[-2:]
    n = U.shape[-1]
    gL = gL if gL is not None else L.detach() * 0
    gU = gU if gU is not None else U.detach() * 0
    if m == n:
        M = (L.mT @ gL).tril(-1) + (gU @ U.mT).triu()
        inner = solve_triangular(U.mT, M, upper=False, left=False)
    elif m < n:  # wide: k = m
        U1, U2, gU1, gU2 = U[..., :, :k], U[..., :, k:], gU[..., :, :k], gU[..., :, k:]
        M = (L.mT @ gL - gU2 @ U2.mT).tril(-1) + (gU1 @ U1.mT).triu()
        inner = cat([solve_triangular(U1.mT, M, upper=False, left=False), gU2], -1)
    else:  # tall: k = n
        L1, L2, gL1, gL2 = L[..., :k, :], L[..., k:, :], gL[..., :k, :], gL[..., k:, :]
        M = (L1.mT @ gL1).tril(-1) + (gU @ U.mT - L2.mT @ gL2).triu()
        top = solve_triangular(L1.mT, M, upper=True, unitriangular=True)
        return P @ solve_triangular(U.mT, cat([top, gL2], -2), upper=False, left=False)
    return P @ solve_triangular(L.mT, inner, upper=True, unitriangular=True)


class LUFactor(Primitive):
    node_name = "LinalgLuFactorExBackward0"
    materialize_grads = False

    @staticmethod
    def forward(ctx, a):
        lu, piv, info = getrf(a)
        ctx.perm = permutation(piv, a.shape[-2])
        ctx.save_for_backward(lu)
        return lu, piv, info

    @staticmethod
    def backward(ctx, g_lu, g_piv, g_info):
        (LU,) = ctx.saved_tensors
        if g_lu is None or LU._data.size == 0:
            return None if g_lu is None else g_lu * 0
        L, U = unpack_factors(LU)
        k = L.shape[-1]
        P = Tensor._make(permutation_matrix(ctx.perm, LU._data.dtype))
        return lu_backward(P, L, U, g_lu[..., :, :k], g_lu[..., :k, :])


def _factor(A, op: str, pivot: bool) -> tuple:
    A = _check_lu_input(A, op)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    return LUFactor.apply(A)


def _zero_pivot(code: int) -> str:
    return (f"U[{code},{code}] is zero and using it on lu_solve would result in a division by "
            "zero. If you still want to perform the factorization, consider calling "
            "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor_ex(A, *, pivot: bool = True, check_errors: bool = False) -> tuple:
    """``(LU, pivots, info)``: the packed LU factorisation of a (batch of) matrices with
    LAPACK's pivots and ``info`` (nonzero: ``U`` has an exact zero on its diagonal, an error
    with ``check_errors``). ``pivot=False`` is not available on the CPU, as in PyTorch."""
    LU, piv, info = _factor(A, "linalg.lu_factor_ex", pivot)
    if check_errors:
        raise_for_info("torch.linalg.lu_factor_ex", info._data, _zero_pivot, RuntimeError)
    return linalg_lu_factor_ex(LU, piv, info)


def lu_factor(A, *, pivot: bool = True) -> tuple:
    """``(LU, pivots)`` as ``lu_factor_ex``; a singular matrix is an error."""
    LU, piv, info = _factor(A, "linalg.lu_factor", pivot)
    raise_for_info("torch.linalg.lu_factor", info._data, _zero_pivot, RuntimeError)
    return linalg_lu_factor(LU, piv)


def lu(A, *, pivot: bool = True) -> tuple:
    """``(P, L, U)`` with ``A = P L U``: ``P`` a permutation, ``L`` unit lower triangular
    (``m x k``), ``U`` upper triangular (``k x n``), ``k = min(m, n)``. Never an error for a
    singular matrix."""
    LU, piv, _ = _factor(A, "linalg.lu", pivot)
    return linalg_lu(*lu_unpack(LU, piv))


def lu_unpack(LU_data, LU_pivots, unpack_data: bool = True,
              unpack_pivots: bool = True) -> tuple:
    """``(P, L, U)`` from ``lu_factor``'s packed result; what is not unpacked is empty.
    ``L`` and ``U`` are differentiable in ``LU_data``."""
    LU = as_tensor_arg(LU_data, "lu_unpack", "LU_data")
    piv = as_tensor_arg(LU_pivots, "lu_unpack", "LU_pivots")
    if piv._data.dtype != np.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype.\nNote: this function is intended to be used with "
                           "the output produced by torch.linalg.lu_factor")
    m = LU._data.shape[-2]
    empty = Tensor._make(np.zeros_like(LU._data, shape=(0,)))
    P = empty
    if unpack_pivots:
        p = piv._data
        if p.size and (p.min() < 1 or p.max() > m):
            raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) "
                               "inclusive.Did you properly pass the result of lu_factor?")
        perm = permutation(p, m)
        perm = np.broadcast_to(perm, LU._data.shape[:-2] + (m,))
        P = Tensor._make(permutation_matrix(perm, LU._data.dtype))
    if not unpack_data:
        # empty, yet in the graph as PyTorch's (they require grad when LU_data does)
        return lu_unpack_type(P, LU.reshape(-1)[:0], LU.reshape(-1)[:0])
    return lu_unpack_type(P, *unpack_factors(LU))


def lu_toplevel(A, pivot: bool = True, get_infos: bool = False) -> tuple:
    """Deprecated ``torch.lu``: ``(LU, pivots)``, and ``infos`` with ``get_infos``, as
    ``linalg.lu_factor_ex`` (a singular matrix is not an error)."""
    LU, piv, info = _factor(A, "linalg.lu_factor", pivot)
    return lu_with_info(LU, piv, info) if get_infos else (LU, piv)
