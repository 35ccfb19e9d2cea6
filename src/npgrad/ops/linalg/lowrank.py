"""Randomized and iterative low-rank methods: ``svd_lowrank``, ``pca_lowrank`` and
``lobpcg``.

``svd_lowrank`` is Halko, Martinsson and Tropp's randomized range finder (2011, algorithms
4.4 and 5.1) written with npgrad ops, so it is differentiable like the QR and SVD it is built
from. ``lobpcg`` is Knyazev's locally optimal block preconditioned conjugate gradient (2001):
the iteration runs on arrays (without a graph), and the result is a primitive whose backward
is that of the top (bottom) ``k`` eigenpairs of a symmetric matrix. Both draw their start from
npgrad's random generator, so their values are not PyTorch's: only what is determined
(singular values of a low-rank matrix, eigenvalues, subspaces) agrees.
"""
from __future__ import annotations

import numpy as np

from ... import dtypes as _dt
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg
from ..creation.factories import randn
from .decompositions import qr_linalg, svd_linalg
from .solvers import Solve, _eye, np_eigh, np_svd

__all__ = ["svd_lowrank", "pca_lowrank", "lobpcg"]


# ---------------------------------------------------------------------------------------------
# svd_lowrank, pca_lowrank
# ---------------------------------------------------------------------------------------------

def _range_basis(A: Tensor, q: int, niter: int, M) -> Tensor:
    """An orthonormal ``m x q`` basis ``Q`` with ``A - M ~ Q Q^T (A - M)``: a random
    projection, then ``niter`` rounds of power iteration (re-orthonormalised each time)."""
    n = A.shape[-1]
    R = randn(n, q, dtype=A.dtype, device=A.device)
    Am = A if M is None else A - M
    Q = qr_linalg(Am @ R).Q
    for _ in range(niter):
        Q = qr_linalg(Am.mT @ Q).Q
        Q = qr_linalg(Am @ Q).Q
    return Q


def svd_lowrank(A, q: int | None = 6, niter: int | None = 2, M=None) -> tuple:
    """``(U, S, V)``: an approximate rank-``q`` SVD ``A - M ~ U diag(S) V^T`` (``q`` at most
    ``min(m, n)``), by a random projection refined with ``niter`` power iterations; exact
    for a matrix of rank at most ``q``. Differentiable."""
    A = as_tensor_arg(A, "svd_lowrank", "A")
    m, n = A.shape[-2:]
    q = min(6 if q is None else int(q), m, n)
    niter = 2 if niter is None else int(niter)
    if M is not None:
        M = as_tensor_arg(M, "svd_lowrank", "M")
    if m < n:  # work on the tall transpose: the basis is of the smaller space
        V, S, U = svd_lowrank(A.mT, q, niter, None if M is None else M.mT)
        return U, S, V
    Q = _range_basis(A, q, niter, M)
    Am = A if M is None else A - M
    Ub, S, Vh = svd_linalg(Q.mT @ Am, full_matrices=False)
    return Q @ Ub, S, Vh.mT


def pca_lowrank(A, q: int | None = None, center: bool = True, niter: int = 2) -> tuple:
    """``(U, S, V)``: the principal components of the rows of ``A`` (centred on the column
    means when ``center``), as ``svd_lowrank`` with ``q = min(6, m, n)`` by default."""
    A = as_tensor_arg(A, "pca_lowrank", "A")
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not (isinstance(q, int) and 0 <= q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)="
                         f"{min(m, n)}")
    if niter < 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if center:
        A = A - A.mean(dim=-2, keepdim=True)
    return svd_lowrank(A, q, niter)


# ---------------------------------------------------------------------------------------------
# lobpcg
# ---------------------------------------------------------------------------------------------

def _orthonormal(S: np.ndarray, B) -> np.ndarray:
    """A ``B``-orthonormal basis of ``S``'s columns (the identity when ``B`` is None),
    dropping directions that are numerically dependent."""
    G = S.T @ S if B is None else S.T @ (B @ S)
    G = 0.5 * (G + G.T)
    w, V = np_eigh(G)
    keep = w > w.max() * S.shape[0] * np.finfo(S.dtype).eps
    return S @ (V[:, keep] / np.sqrt(w[keep]))


def _project_out(D: np.ndarray, X: np.ndarray, B) -> np.ndarray:
    """``D`` less its ``B``-projection on the ``B``-orthonormal columns of ``X``."""
    return D - X @ (X.T @ (D if B is None else B @ D))


def _unit(D: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(D, axis=0)
    return D[:, norms > 0] / norms[norms > 0]


def _rayleigh_ritz(S: np.ndarray, A: np.ndarray, count: int) -> tuple:
    """The ``count`` largest Ritz pairs of ``A`` on the basis ``S``."""
    H = S.T @ A @ S
    e, C = np_eigh(0.5 * (H + H.T))
    top = np.argsort(e)[::-1][:count]
    return e[top], S @ C[:, top]


def _lobpcg_one(A, B, X, iK, niter: int, tol: float, k: int) -> tuple:
    """The ``k`` largest eigenpairs of ``A x = e B x`` for one matrix, in float64."""
    n = X.shape[-1]
    X = _orthonormal(X, B)
    E, X = _rayleigh_ritz(X, A, n)
    anorm = np_svd(A, compute_uv=False)[0]
    bnorm = 1.0 if B is None else np_svd(B, compute_uv=False)[0]
    P = None
    it = 0
    while niter < 0 or it < niter:
        BX = X if B is None else B @ X
        R = A @ X - BX * E
        err = np.linalg.norm(R, axis=0) / ((anorm + np.abs(E) * bnorm)
                                           * np.linalg.norm(X, axis=0))
        if np.all(err[:k] <= tol):
            break
        W = R if iK is None else iK @ R
        # the new directions, without their part along X and scaled to unit columns: tiny
        # residuals would otherwise vanish in the Gram matrix's rounding
        extra = [_unit(_project_out(D, X, B)) for D in ([W] if P is None else [W, P])]
        S = _orthonormal(_orthonormal(np.concatenate([X] + extra, axis=1), B), B)
        E_new, X_new = _rayleigh_ritz(S, A, n)
        XtBX = X.T @ (X_new if B is None else B @ X_new)
        P, X, E = X_new - X @ XtBX, X_new, E_new
        it += 1
    return E[:k], X[:, :k]


class LOBPCG(Primitive):
    node_name = "LOBPCGAutogradFunctionBackward"

    @staticmethod
    def forward(ctx, a, b, x, ik, niter, tol, largest, k):
        sign = 1.0 if largest else -1.0
        n, m = x.shape[-1], a.shape[-1]
        batch = a.shape[:-2]
        flat = [arr.astype(np.float64).reshape((-1,) + arr.shape[-2:])
                if arr is not None else None for arr in (a, b, x, ik)]
        E = np.zeros_like(a, shape=batch + (k,), dtype=np.float64).reshape(-1, k)
        V = np.zeros_like(a, shape=batch + (m, k), dtype=np.float64).reshape(-1, m, k)
        for i in range(flat[0].shape[0]):
            pick = [None if f is None else f[i % f.shape[0]] for f in flat]
            e, v = _lobpcg_one(sign * pick[0], pick[1], pick[2][:, :n], pick[3], niter, tol, k)
            E[i], V[i] = sign * e, v
        E, V = E.reshape(batch + (k,)).astype(a.dtype), V.reshape(batch + (m, k)).astype(a.dtype)
        ctx.generalized = b is not None
        ctx.save_for_backward(a, E, V)
        return E, V

    @staticmethod
    def backward(ctx, gE, gX):
        # eigenpairs (e_j, x_j) of a symmetric A: de_j = x_j^T dA x_j and
        # dx_j = -(A - e_j)^+ dA x_j, the pseudo-inverse applied as a solve with
        # A - e_j + x_j x_j^T; then symmetrised, as A is read as symmetric
        if ctx.generalized:
            raise ValueError("lobpcg.backward does not support backward with B != I yet.")
        a, E, V = ctx.saved_tensors
        ga = (V * gE.unsqueeze(-2)) @ V.mT
        m = a.shape[-1]
        eye = _eye(m, a)
        for j in range(V.shape[-1]):
            x, e = V[..., :, j:j + 1], E[..., j:j + 1].unsqueeze(-1)
            shifted = a - e * eye + x @ x.mT
            g = gX[..., :, j:j + 1]
            g = g - x @ (x.mT @ g)
            ga = ga - Solve.apply(shifted, g) @ x.mT
        return 0.5 * (ga + ga.mT)


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None,
           method=None, tracker=None, ortho_iparams=None, ortho_fparams=None,
           ortho_bparams=None) -> tuple:
    """``(E, X)``: the ``k`` largest (smallest if not ``largest``) eigenvalues and
    eigenvectors of the symmetric (generalized, with ``B``) problem ``A X = B X diag(E)``, by
    LOBPCG from ``X`` (``n`` random columns by default), preconditioned by ``iK``; at most
    ``niter`` iterations (-1: until the residuals are below ``tol``). ``method``, ``tracker``
    and the ``ortho_*`` tuning arguments are accepted; npgrad has one orthogonalisation.
    Differentiable in ``A`` (distinct eigenvalues) when ``B`` is not given, as PyTorch."""
    A = as_tensor_arg(A, "lobpcg", "A")
    m = A.shape[-1]
    if A.ndim < 2 or A.shape[-2] != m:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if X is None:
        k = 1 if k is None else int(k)
        n = k if n is None else int(n)
    else:
        X = as_tensor_arg(X, "lobpcg", "X")
        n = X.shape[-1]
        k = n if k is None else int(k)
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) "
                         f"is smaller than 3 x the number of requested eigenpairs (={n})")
    if X is None:  # (after the size check, as PyTorch: randn refuses integer dtypes)
        X = randn(*A.shape[:-2], m, n, dtype=A.dtype, device=A.device)
    if not _dt.is_float_np(A._data.dtype):
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_dt.scalar_type_name(A._data.dtype).lower()} int != float")
    tol = float(np.finfo(A._data.dtype).eps) ** 0.5 if tol is None else float(tol)
    niter = 1000 if niter is None else int(niter)
    raw = [None if t is None else as_tensor_arg(t, "lobpcg")._data for t in (B, iK)]
    E, V = LOBPCG.apply(A, b=raw[0], x=X._data, ik=raw[1], niter=niter, tol=tol,
                        largest=True if largest is None else bool(largest), k=k)
    return E, V
