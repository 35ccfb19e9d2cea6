"""Matrix decompositions (``npgrad.linalg``): qr, eigh, svd, svdvals, pinv; and
``cdist``.

Each decomposition is one primitive: NumPy's LAPACK call forward, and backward the standard
matrix-calculus result written with npgrad ops (matmul, solve, masks), so it can be
differentiated again. Triangle masks and identities enter backward as constants. ``__all__``
lists the names PyTorch also has at top level (``torch.svd``...); ``npgrad/linalg.py``
exports the ``torch.linalg`` spellings.

Also the deprecated top-level ``torch.matrix_rank`` (``matrix_rank_toplevel``); the Cholesky
factorisation is in ``cholesky.py``, LU in ``lu.py``.
"""
from __future__ import annotations

import builtins

import numpy as np

from ...backend import array_module, as_array, on_device_of
from .. import autocast
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ... import return_types
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe
from ..shape.joins import cat
from .solvers import (_const, _eye, _lapack_lacks, _matrix, empty_via_float32, no_kernel,
                      np_eigh, np_svd, Solve)

__all__ = ["pinverse", "svd", "qr", "cdist"]

linalg_eigh = return_types.make("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_qr = return_types.make("linalg_qr", ("Q", "R"))
linalg_svd = return_types.make("linalg_svd", ("U", "S", "Vh"))
svd_result = return_types.make("svd", ("U", "S", "V"))
qr_result = return_types.make("qr", ("Q", "R"))


def _mask(n: int, like: Tensor, k: int = 0, lower: bool = True, diag: float = 1.0) -> Tensor:
    """A constant triangle mask (``tril``/``triu`` of ones) with ``diag`` on the diagonal."""
    xp, dt = array_module(like._data), like._data.dtype
    m = xp.tri(n, k=k, dtype=dt) if lower else 1 - xp.tri(n, k=k - 1, dtype=dt)
    if k == 0 and diag != 1:
        m = m + (diag - 1) * xp.eye(n, dtype=dt)
    return Tensor._make(m)


def _diag_embed(v: Tensor) -> Tensor:
    """A batch of diagonal matrices from a batch of vectors."""
    return v.unsqueeze(-2) * _eye(v.shape[-1], v)


def _rdiv_upper(X: Tensor, R: Tensor) -> Tensor:
    """``X @ R^{-T}``, i.e. the solution ``Y`` of ``Y R^T = X``."""
    return Solve.apply(R, X.mT).mT


# ---------------------------------------------------------------------------------------------
# qr
# ---------------------------------------------------------------------------------------------

class QR(Primitive):
    node_name = "LinalgQrBackward0"
    materialize_grads = False

    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode = mode
        if mode == "r":
            r = np.linalg.qr(a, mode="r")
            return np.zeros_like(a, shape=(0,)), r
        q, r = np.linalg.qr(a, mode=mode)
        ctx.save_for_backward(a, q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        a, q, r = ctx.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_backward_tall(q, r, gq, gr)
        # wide: A = [X | Y] = Q [U | V]; Y = Q V feeds gQ, and X = Q U is the square case
        gu = gv = None
        if gr is not None:
            gu, gv = gr[..., :, :m], gr[..., :, m:]
        y = a[..., :, m:]
        if gv is not None:
            gq = y @ gv.mT if gq is None else gq + y @ gv.mT
        gx = _qr_backward_tall(q, r[..., :, :m], gq, gu)
        gy = q @ gv if gv is not None else Tensor._make(np.zeros_like(y._data))
        return cat([gx, gy], -1)


def _qr_backward_tall(q: Tensor, r: Tensor, gq, gr) -> Tensor:
    """Gradient of A = QR (m >= n) from gQ and gR.

    With C = Q^T dQ (skew) and B = Q^T dA R^-1 = C + dR R^-1 (upper part from dR), the
    adjoint is gA = (gQ + Q N) R^-T where M = gR R^T - Q^T gQ and N is the symmetric matrix
    with M's upper triangle.
    """
    n = r.shape[-1]
    m_ = 0
    if gr is not None:
        m_ = gr @ r.mT
    if gq is not None:
        m_ = m_ - q.mT @ gq
    if isinstance(m_, int):
        return Tensor._make(np.zeros_like(q._data, shape=tuple(q.shape[:-1]) + (n,)))
    upper = _mask(n, r, lower=False)
    strict = _mask(n, r, k=1, lower=False)
    sym = m_ * upper + (m_ * strict).mT
    lhs = q @ sym if gq is None else gq + q @ sym
    return _rdiv_upper(lhs, r)


@autocast.float32
def qr_linalg(A, mode: str = "reduced") -> tuple:
    """``A = Q R`` with orthonormal ``Q`` and upper-triangular ``R``; ``mode`` is
    ``'reduced'``, ``'complete'`` or ``'r'`` (``Q`` empty)."""
    A = as_tensor_arg(A, "linalg.qr")
    no_kernel(A, "linalg.qr", "geqrf_cpu", even_empty=True)
    A = _matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"linalg.qr: received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return linalg_qr(*QR.apply(A, mode=mode))


@autocast.float32
def qr(input, some: bool = True) -> tuple:
    """``torch.qr``: ``linalg.qr`` with ``some=True`` for the reduced mode."""
    return qr_result(*qr_linalg(input, "reduced" if some else "complete"))


# ---------------------------------------------------------------------------------------------
# eigh, svd, svdvals, pinv
# ---------------------------------------------------------------------------------------------

def _inv_gaps(e: Tensor) -> Tensor:
    """F[i, j] = 1 / (e[j] - e[i]) off the diagonal, 0 on it (distinct values assumed)."""
    n = e.shape[-1]
    eye = _eye(n, e)
    return (1 - eye) / (e.unsqueeze(-2) - e.unsqueeze(-1) + eye)


class Eigh(Primitive):
    node_name = "LinalgEighBackward0"
    materialize_grads = False

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = np_eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        # A = V diag(w) V^T: gA = V (diag(gw) + F o skew(V^T gV)) V^T, F = 1 / eigengaps
        w, v = ctx.saved_tensors
        inner = 0
        if gw is not None:
            inner = _diag_embed(gw)
        if gv is not None:
            k = v.mT @ gv
            inner = inner + _inv_gaps(w) * (0.5 * (k - k.mT))
        return v @ inner @ v.mT


@autocast.float32
def eigh(A, UPLO: str = "L") -> tuple:
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, reading
    its lower (``UPLO='L'``) or upper triangle. Gradients assume distinct eigenvalues."""
    A = as_tensor_arg(A, "linalg.eigh")
    dt = A._data.dtype
    if A.ndim >= 2 and A.shape[-1] == A.shape[-2] and (not is_float_np(dt) or dt.itemsize < 4):
        # after the shape checks, as PyTorch: its kernel has no integer or 16-bit version
        if not _lapack_lacks(A):
            raise NotImplementedError(f"linalg.eigh: \"linalg_eigh_cpu\" not implemented for "
                                      f"'{_dt.scalar_type_name(dt)}'")
        return empty_via_float32(A, lambda a: eigh(a, UPLO))
    A = _matrix("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"linalg.eigh: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return linalg_eigh(*Eigh.apply(A, uplo=UPLO))


@autocast.float32
def eigvalsh(A, UPLO: str = "L") -> Tensor:
    """The eigenvalues of a symmetric matrix, ascending."""
    return eigh(A, UPLO).eigenvalues


class SVD(Primitive):
    node_name = "LinalgSvdBackward0"
    materialize_grads = False

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = np_svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        # full_matrices: the extra columns are arbitrary, so (as PyTorch) they get no gradient
        if u.shape[-1] != k:
            u = u[..., :, :k]
            gu = gu[..., :, :k] if gu is not None else None
        if vh.shape[-2] != k:
            vh = vh[..., :k, :]
            gvh = gvh[..., :k, :] if gvh is not None else None
        return _svd_backward(u, s, vh, gu, gs, gvh, m, n)


def _svd_backward(u, s, vh, gu, gs, gvh, m: int, n: int) -> Tensor:
    """Townsend's SVD gradient (distinct nonzero singular values):
    gA = U [diag(gS) + F o (U^T gU - gU^T U) S + S F o (V^T gV - gV^T V)] V^T
         + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T),  F[i, j] = 1 / (s_j^2 - s_i^2)."""
    inner = 0
    if gs is not None:
        inner = _diag_embed(gs)
    if gu is not None or gvh is not None:
        f = _inv_gaps(s * s)
        row, col = s.unsqueeze(-1), s.unsqueeze(-2)
        if gu is not None:
            ku = u.mT @ gu
            inner = inner + f * (ku - ku.mT) * col
        if gvh is not None:
            kv = vh @ gvh.mT
            inner = inner + row * (f * (kv - kv.mT))
    if isinstance(inner, int):
        return Tensor._make(np.zeros_like(u._data, shape=tuple(u.shape[:-1]) + (n,)))
    ga = u @ inner @ vh
    if gu is not None and m > s.shape[-1]:
        ga = ga + ((gu - u @ (u.mT @ gu)) / s.unsqueeze(-2)) @ vh
    if gvh is not None and n > s.shape[-1]:
        ga = ga + u @ ((gvh - (gvh @ vh.mT) @ vh) / s.unsqueeze(-1))
    return ga


@autocast.float32
def svd_linalg(A, full_matrices: bool = True) -> tuple:
    """``A = U diag(S) Vh`` with singular values descending. Gradients assume distinct
    nonzero singular values; with ``full_matrices`` the extra columns get none."""
    A = as_tensor_arg(A, "linalg.svd")
    no_kernel(A, "linalg.svd", "linalg_svd_cpu")
    if _lapack_lacks(A) and is_float_np(A._data.dtype):
        return empty_via_float32(A, lambda a: svd_linalg(a, full_matrices))
    A = _matrix("linalg.svd", A, square=False)
    return linalg_svd(*SVD.apply(A, full_matrices=bool(full_matrices)))


@autocast.float32
def svdvals(A) -> Tensor:
    """The singular values of ``A``, descending."""
    return svd_linalg(A, full_matrices=False).S


@autocast.float32
def svd(input, some: bool = True, compute_uv: bool = True) -> tuple:
    """``torch.svd``: ``(U, S, V)`` with ``V`` (not ``Vh``); ``some`` for the reduced form."""
    if not compute_uv:
        # as PyTorch: U and V are zero-filled, square (the full_matrices shapes)
        A = as_tensor_arg(input, "svd")
        no_kernel(A, "svd", "linalg_svd_cpu")
        A = _matrix("svd", A, square=False)
        m, n = A._data.shape[-2:]
        batch = A._data.shape[:-2]
        a = A._data
        return svd_result(Tensor._make(np.zeros_like(a, shape=batch + (m, m))), svdvals(A),
                          Tensor._make(np.zeros_like(a, shape=batch + (n, n))))
    U, S, Vh = svd_linalg(input, full_matrices=not some)
    return svd_result(U, S, Vh.mT)


class Pinv(Primitive):
    node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        m, n = a.shape[-2:]
        if a.size == 0:
            out = np.zeros_like(a, shape=a.shape[:-2] + (n, m))
        elif hermitian:
            w, q = np_eigh(a)
            tol = _tolerance(np.abs(w).max(-1), atol, rtol, m, n, a.dtype)
            keep = np.abs(w) > tol[..., None]
            winv = np.where(keep, 1 / np.where(keep, w, 1), 0)
            out = (q * winv[..., None, :]) @ np.swapaxes(q, -1, -2)
        else:
            u, s, vh = np_svd(a, full_matrices=False)
            tol = _tolerance(s[..., 0], atol, rtol, m, n, a.dtype)
            keep = s > tol[..., None]
            sinv = np.where(keep, 1 / np.where(keep, s, 1), 0)
            out = (np.swapaxes(vh, -1, -2) * sinv[..., None, :]) @ np.swapaxes(u, -1, -2)
        out = out.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P  (constant rank)
        a, p = ctx.saved_tensors
        pt = p.mT
        ga = -(pt @ grad @ pt)
        ga = ga + (grad.mT - a @ (p @ grad.mT)) @ (p @ pt)
        ga = ga + (pt @ p) @ (grad.mT - (grad.mT @ p) @ a)
        return ga


def _tolerance(smax, atol, rtol, m: int, n: int, dtype) -> np.ndarray:
    """PyTorch's cut-off: max(atol, rtol * smax); rtol defaults to eps * max(m, n) when
    neither is given, and to 0 when only atol is."""
    if rtol is None:
        rtol = np.finfo(dtype).eps * max(m, n) if atol is None else 0.0
    atol = 0.0 if atol is None else atol
    return np.maximum(on_device_of(as_array(atol), smax), on_device_of(as_array(rtol), smax) * smax)


def pinv(A, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse; singular values below ``max(atol, rtol * s_max)``
    count as zero. Gradients assume the rank does not change nearby."""
    A = _matrix("linalg.pinv", A, square=False)
    atol = atol._data if isinstance(atol, Tensor) else atol
    rtol = rtol._data if isinstance(rtol, Tensor) else rtol
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=bool(hermitian))


def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False, tol=None) -> Tensor:
    """The number of singular values above ``max(atol, rtol * s_max)`` (``tol``: an absolute
    tolerance, PyTorch's older spelling); an int64 tensor without gradient."""
    A = as_tensor_arg(A, "linalg.matrix_rank")
    # (empty matrices have rank 0 whatever their shape, hermitian or not, as in PyTorch)
    A = _matrix("linalg.matrix_rank", A, square=hermitian and A.numel() > 0)
    if tol is not None:
        atol, rtol = tol, 0.0
    a = A._data
    m, n = a.shape[-2:]
    if a.size == 0:
        return Tensor._make(np.zeros_like(a, shape=a.shape[:-2], dtype=np.int64))
    if hermitian:
        s = np.abs(np_eigh(a, values_only=True))
    else:
        s = np_svd(a, compute_uv=False)
    atol = atol._data if isinstance(atol, Tensor) else atol
    rtol = rtol._data if isinstance(rtol, Tensor) else rtol
    tol_ = _tolerance(s.max(-1), atol, rtol, m, n, a.dtype)
    return Tensor._make(as_array((s > tol_[..., None]).sum(-1), np.int64))


def diagonal(A, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """``torch.linalg.diagonal``: the diagonal of each matrix in a batch (a view)."""
    return as_tensor_arg(A, "linalg.diagonal").diagonal(offset, dim1, dim2)


linalg_lstsq = return_types.make("linalg_lstsq",
                                 ("solution", "residuals", "rank", "singular_values"))


@autocast.float32
def lstsq(A, B, rcond=None, *, driver=None) -> tuple:
    """Least squares ``min ||A X - B||`` (the minimum-norm solution when underdetermined),
    as ``pinv(A) @ B``. As PyTorch's CPU drivers: ``rank`` unless ``driver='gels'``,
    ``singular_values`` for ``'gelsd'``/``'gelss'``, ``residuals`` (squared, per column) for
    drivers other than the default ``'gelsy'`` when ``A`` is tall and of full rank."""
    if driver is not None and not isinstance(driver, str):
        raise TypeError(f"linalg_lstsq(): argument 'driver' must be str, not "
                        f"{type(driver).__name__}")
    A = _matrix("linalg.lstsq", A, square=False)
    B = as_tensor_arg(B, "linalg.lstsq")
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to "
                           "other.dim() and (input.dim() - other.dim()) <= 1")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.lstsq: Expected input and other to have the same dtype, "
                           f"but got {describe(A, B)}")
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           f"gelsy, gelsd, gelss), but got {driver}")
    vector = B.ndim == A.ndim - 1  # (as PyTorch: a batch of vectors, of one dim less than A)
    Bm = B.unsqueeze(-1) if vector else B
    if Bm._data.shape[-2] != A._data.shape[-2]:
        raise RuntimeError(f"linalg.lstsq: input.size(-2) should match other.size(-2), got "
                           f"{describe(A, B)}")
    m, n = A._data.shape[-2:]
    X = pinv(A, rtol=rcond) @ Bm
    empty = np.zeros_like(A._data, shape=(0,))
    rank = (matrix_rank(A, rtol=rcond) if driver != "gels"
            else Tensor._make(np.zeros_like(A._data, shape=(0,), dtype=np.int64)))
    sv = (Tensor._make(np_svd(A._data, compute_uv=False)) if driver in ("gelsd", "gelss")
          else Tensor._make(empty))
    full = driver == "gels" or bool(np.all(rank._data == n))
    if driver != "gelsy" and m > n and full:
        residuals = ((A @ X - Bm) ** 2).sum(-2)
    else:
        residuals = X.reshape(-1)[:0]  # empty, but part of the graph as PyTorch's
    return linalg_lstsq(X.squeeze(-1) if vector else X, residuals, rank, sv)


@autocast.float32
def pinverse(input, rcond: float = 1e-15) -> Tensor:
    """``torch.pinverse``: ``linalg.pinv`` with relative tolerance ``rcond``."""
    return pinv(input, rtol=rcond)


# ---------------------------------------------------------------------------------------------
# cdist: the p-norm over the last dimension of broadcast differences
# ---------------------------------------------------------------------------------------------

class _PNormLast(Primitive):
    node_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, d, p):
        ctx.p = p
        a = np.abs(d)
        if p == 0:
            out = (a != 0).sum(-1).astype(d.dtype)
        elif p == np.inf:
            out = a.max(-1, initial=0)
        elif p == 1:
            out = a.sum(-1)
        elif p == 2:
            out = np.sqrt((a * a).sum(-1))
        else:
            out = (a ** p).sum(-1) ** (1 / p)
        out = as_array(out, d.dtype)
        ctx.save_for_backward(d, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # NOTE: as PyTorch, a zero distance (p > 1) or a zero difference (p < 1) gets a zero
        # subgradient
        d, out = ctx.saved_tensors
        p, g = ctx.p, grad.unsqueeze(-1)
        if p == 0:
            return Tensor._make(np.zeros_like(d._data))
        if p == 1:
            return g * d.sign()
        dist = out.unsqueeze(-1)
        if p == np.inf:
            return g * d.sign() * _const(np.abs(d._data) == dist._data, d)
        zero = _const((out._data == 0)[..., None], d)
        safe = dist + zero  # 1 where the distance is 0, so no 0 / 0
        if p == 2:
            return g * d / safe * (1 - zero)
        dz = _const(d._data == 0, d)
        ratio = (d.abs() + dz) / safe
        return g * d.sign() * ratio ** (p - 1) * (1 - zero)


@autocast.float32
def cdist(x1, x2, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
          ) -> Tensor:
    """p-norm distances between each row of ``x1`` (..., P, M) and each row of ``x2``
    (..., R, M), as (..., P, R); batch dimensions broadcast."""
    x1, x2 = as_tensor_arg(x1, "cdist"), as_tensor_arg(x2, "cdist")
    for x, name in ((x1, "X1"), (x2, "X2")):
        if x.ndim < 2:
            raise RuntimeError(f"cdist: only supports at least 2D tensors, {name} got: "
                               f"{x.ndim}D")
        if not is_float_np(x._data.dtype):
            raise RuntimeError(f"cdist: only supports floating-point dtypes, {name} got: "
                               f"{x.dtype}")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(f"cdist: X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(f"cdist: expected both inputs to have the same dtype, but got "
                           f"{describe(x1, x2)}")
    if p < 0:
        raise RuntimeError("cdist: only supports non-negative p values")
    try:
        np.broadcast_shapes(x1._data.shape[:-2], x2._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"cdist: batch dimensions of {describe(x1, x2)} do not broadcast") \
            from None
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return _PNormLast.apply(diff, p=float(p))


def matrix_rank_toplevel(input: Tensor, tol=None, symmetric: builtins.bool = False) -> Tensor:
    """Deprecated ``torch.matrix_rank``: ``linalg.matrix_rank`` (``tol`` as ``atol``)."""
    return matrix_rank(input, atol=tol, hermitian=symmetric) if tol is not None else \
        matrix_rank(input, hermitian=symmetric)
