"""The LDL factorisation of symmetric matrices (``npgrad.linalg``): ``ldl_factor``,
``ldl_factor_ex`` and ``ldl_solve``.

NumPy has no sytrf, so ``sytrf`` below is LAPACK's Bunch-Kaufman algorithm on the lower
triangle (as PyTorch calls it): ``P A P^T = L D L^T`` with ``D`` block diagonal (1x1 and 2x2
blocks) and pivots in LAPACK's convention (1-based; ``pivots[k] > 0``: a 1x1 block, rows ``k``
and ``pivots[k] - 1`` were swapped; ``pivots[k] = pivots[k+1] < 0``: a 2x2 block at ``k``,
rows ``k + 1`` and ``-pivots[k] - 1`` swapped). ``LD`` holds ``D`` and, below it, ``L``.
The pivot choices differ from matrix to matrix, so the batch is factored one matrix at a
time (each step array operations over the trailing block). CuPy has no sytrf and each step
decides on one element, so a device matrix is factored on the host (``backend.on_host``).
``ldl_solve`` is sytrs, row by row: on the host too.

Neither is differentiable in PyTorch; here, likewise, backward raises PyTorch's error.
"""
from __future__ import annotations

import numpy as np

from ... import return_types
from ...backend import on_host
from ...dtypes import is_float_np, scalar_type_name
from .._arguments import Tensor, as_tensor_arg
from ..elementwise.unary import not_differentiable
from .solvers import _matrix, no_kernel

__all__: list = []

linalg_ldl_factor = return_types.make("linalg_ldl_factor", ("LD", "pivots"))
linalg_ldl_factor_ex = return_types.make("linalg_ldl_factor_ex", ("LD", "pivots", "info"))

_ALPHA = (1 + np.sqrt(17)) / 8  # Bunch-Kaufman's growth bound


def _swap(a: np.ndarray, k: int, kk: int, kp: int) -> None:
    """Swap rows and columns ``kk`` and ``kp`` (``kk < kp``) of the symmetric trailing block
    (lower storage) of ``a``, and rows ``kk``/``kp`` of the columns ``k..kk-1`` before it."""
    a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
    between = a[kk + 1:kp, kk].copy()
    a[kk + 1:kp, kk] = a[kp, kk + 1:kp]
    a[kp, kk + 1:kp] = between
    a[[kk, kp], [kk, kp]] = a[[kp, kk], [kp, kk]]
    if kk > k:
        a[[kk, kp], k] = a[[kp, kk], k]


def _pivot(a: np.ndarray, k: int) -> tuple:
    """``(kp, kstep)`` as LAPACK's Bunch-Kaufman test at column ``k``; ``kp = -1`` when the
    column is all zero."""
    n = a.shape[-1]
    absakk = abs(a[k, k])
    imax, colmax = k, 0.0
    if k + 1 < n:
        imax = k + 1 + int(np.argmax(np.abs(a[k + 1:, k])))
        colmax = abs(a[imax, k])
    if max(absakk, colmax) == 0 or np.isnan(absakk):  # (LAPACK's test)
        return -1, 1
    if absakk >= _ALPHA * colmax:
        return k, 1
    # the largest off-diagonal magnitude in row/column imax
    rowmax = np.abs(a[imax, k:imax]).max()
    if imax + 1 < n:
        rowmax = max(rowmax, np.abs(a[imax + 1:, imax]).max())
    if absakk >= _ALPHA * colmax * (colmax / rowmax):
        return k, 1
    if abs(a[imax, imax]) >= _ALPHA * rowmax:
        return imax, 1
    return imax, 2


def _sytf2(a: np.ndarray) -> tuple:
    """``(LD, pivots, info)`` of one symmetric matrix (its lower triangle; ``a`` is
    overwritten)."""
    n = a.shape[-1]
    piv = np.zeros_like(a, shape=(n,), dtype=np.int32)
    info, k = 0, 0
    while k < n:
        kp, kstep = _pivot(a, k)
        if kp < 0:  # a zero column: D[k, k] = 0, nothing to eliminate
            info = info or k + 1
            piv[k] = k + 1
            k += 1
            continue
        kk = k + kstep - 1
        if kp != kk:
            _swap(a, k, kk, kp)
        if kstep == 1:
            x = a[k + 1:, k].copy()
            a[k + 1:, k + 1:] -= np.outer(x, x) / a[k, k]
            a[k + 1:, k] = x / a[k, k]
            piv[k] = kp + 1
        else:
            # D = [[d11, d21], [d21, d22]]: W = C D^-1, trailing block -= W C^T
            C = a[k + 2:, k:k + 2].copy()
            d11, d21, d22 = a[k, k], a[k + 1, k], a[k + 1, k + 1]
            det = d11 * d22 - d21 * d21
            D_inv = np.array([[d22, -d21], [-d21, d11]], dtype=a.dtype) / det
            W = C @ D_inv
            a[k + 2:, k + 2:] -= W @ C.T
            a[k + 2:, k:k + 2] = W
            piv[k] = piv[k + 1] = -(kp + 1)
        k += kstep
    return np.tril(a), piv, info


def sytrf(a: np.ndarray) -> tuple:
    """``(LD, pivots, info)`` of a batch of symmetric matrices (see the module docstring)."""
    n = a.shape[-1]
    batch = a.shape[:-2]
    if a.size == 0:
        return a.copy(), np.zeros_like(a, shape=batch + (n,), dtype=np.int32), \
            np.zeros_like(a, shape=batch, dtype=np.int32)
    results = [_sytf2(m.copy()) for m in a.reshape((-1, n, n))]
    ld = np.stack([r[0] for r in results]).reshape(a.shape)
    piv = np.stack([r[1] for r in results]).reshape(batch + (n,))
    info = np.array([r[2] for r in results], dtype=np.int32).reshape(batch)
    return ld, piv, info


def _factor(A, op: str, check_errors: bool) -> tuple:
    A = as_tensor_arg(A, f"linalg.{op}")
    no_kernel(A, f"linalg.{op}", "ldl_factor_kernel_cpu")
    if not (is_float_np(A._data.dtype) and A._data.dtype.itemsize < 4 and A.ndim >= 2):
        A = _matrix("torch.linalg.ldl_factor_ex", A)  # (empty half: nothing to factor)
    ld, piv, info = on_host(sytrf, A._data)  # (CuPy has no sytrf: see on_host)
    codes = [code for code in info.reshape(-1).tolist() if code] if check_errors else ()
    if codes:  # (PyTorch's own message for a singular D: an internal assert's, no batch index)
        raise RuntimeError(f"torch.linalg.{op}: Unknown error code: {codes[0]}.")
    LD = not_differentiable(ld, "linalg_ldl_factor_ex", A)
    return LD, Tensor._make(piv), Tensor._make(info)


def ldl_factor_ex(A, *, hermitian: bool = False, check_errors: bool = False) -> tuple:
    """``(LD, pivots, info)``: the Bunch-Kaufman factorisation ``P A P^T = L D L^T`` of a
    (batch of) symmetric matrices, read from the lower triangle; ``info > 0``: ``D`` has an
    exact zero at that (1-based) index. ``hermitian`` is the same for real matrices."""
    return linalg_ldl_factor_ex(*_factor(A, "ldl_factor_ex", check_errors))


def ldl_factor(A, *, hermitian: bool = False) -> tuple:
    """``(LD, pivots)`` as ``ldl_factor_ex``; a singular ``D`` is an error."""
    return linalg_ldl_factor(*_factor(A, "ldl_factor", True)[:2])


# ---------------------------------------------------------------------------------------------
# ldl_solve: LAPACK's sytrs on the lower factor
# ---------------------------------------------------------------------------------------------

def _swap_rows(b: np.ndarray, i: int, j: int) -> None:
    if i != j:
        b[[i, j]] = b[[j, i]]


def _sytrs(ld: np.ndarray, piv: np.ndarray, b: np.ndarray) -> None:
    """Solve ``A X = B`` in place in ``b`` for one factored matrix."""
    n = ld.shape[-1]
    k = 0
    while k < n:  # L D Y = P B, D's blocks inverted as they come
        if piv[k] > 0:
            _swap_rows(b, k, piv[k] - 1)
            b[k + 1:] -= np.outer(ld[k + 1:, k], b[k])
            b[k] /= ld[k, k]
            k += 1
            continue
        _swap_rows(b, k + 1, -piv[k] - 1)
        b[k + 2:] -= np.outer(ld[k + 2:, k], b[k]) + np.outer(ld[k + 2:, k + 1], b[k + 1])
        akm1k = ld[k + 1, k]
        akm1, ak = ld[k, k] / akm1k, ld[k + 1, k + 1] / akm1k
        denom = akm1 * ak - 1
        bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
        b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
        k += 2
    k = n - 1
    while k >= 0:  # L^T P^T X = Y
        if piv[k] > 0:
            b[k] -= ld[k + 1:, k] @ b[k + 1:]
            _swap_rows(b, k, piv[k] - 1)
            k -= 1
            continue
        b[k] -= ld[k + 1:, k] @ b[k + 1:]
        b[k - 1] -= ld[k + 1:, k - 1] @ b[k + 1:]
        _swap_rows(b, k, -piv[k] - 1)
        k -= 2


def _sytrs_batch(ld: np.ndarray, pv: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``x`` solved in place for each factored matrix of the batch."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in range(x.shape[0]):
            _sytrs(ld[i], pv[i].tolist(), x[i])
    return x


def ldl_solve(LD, pivots, B, *, hermitian: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` from ``ldl_factor``'s ``(LD, pivots)`` of ``A``;
    batches broadcast. Not differentiable, as in PyTorch."""
    op = "torch.linalg.ldl_solve"
    LD = _matrix(op, LD)
    piv = as_tensor_arg(pivots, "linalg.ldl_solve", "pivots")
    B = as_tensor_arg(B, "linalg.ldl_solve", "B")
    if piv._data.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: Expected pivots to be integers. Got "
                           f"{scalar_type_name(piv._data.dtype)}")
    if piv._data.shape != LD._data.shape[:-1]:
        raise RuntimeError(f"{op}: Expected LD.shape[:-1] and pivots.shape to be the same, but "
                           f"got pivots with shape {list(piv.shape)} instead")
    if B.ndim < 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    n = LD._data.shape[-1]
    if B._data.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {op}: each A matrix is {n} by {n} "
                           f"but each b matrix is {B.shape[-2]} by {B.shape[-1]}")
    if not is_float_np(B._data.dtype) or B._data.dtype != LD._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{scalar_type_name(B._data.dtype)} and A of type "
                           f"{scalar_type_name(LD._data.dtype)} instead.")
    try:
        batch = np.broadcast_shapes(LD._data.shape[:-2], B._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{op}: batch dimensions of LD {tuple(LD.shape)} and B "
                           f"{tuple(B.shape)} do not broadcast") from None
    count = int(np.prod(batch))
    ld = np.broadcast_to(LD._data, batch + (n, n)).reshape((count, n, n))
    pv = np.broadcast_to(piv._data, batch + (n,)).reshape((count, n))
    x = np.broadcast_to(B._data, batch + B._data.shape[-2:])
    x = x.astype(B._data.dtype, copy=True).reshape((count,) + B._data.shape[-2:])
    x = on_host(_sytrs_batch, ld, pv, x)  # (element by element: see on_host)
    return not_differentiable(x.reshape(batch + B._data.shape[-2:]), "linalg_ldl_solve", LD, B)
