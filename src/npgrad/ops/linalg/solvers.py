"""Inverses, linear systems and matrix functions (``npgrad.linalg``): inv, det, slogdet,
logdet, solve, solve_triangular, cholesky_solve/inverse, matrix_exp, matrix_power; shared
checks for the decompositions in ``decompositions.py``.

Each is a primitive: NumPy's LAPACK call forward, and backward the standard matrix-calculus
result written with npgrad ops, so it can be differentiated again. ``__all__`` lists the
names PyTorch also has at top level (``torch.det``...); ``npgrad/linalg.py`` exports the
``torch.linalg`` spellings.

Also the legacy ``triangular_solve`` and ``torch.vander``
(``vander_toplevel``; ``linalg.vander`` orders its powers the other way).
"""
from __future__ import annotations

import builtins

import numpy as np

from ...backend import array_module, as_array, linalg_errors
from .. import autocast
from ...dtypes import is_float_np, scalar_type_name
from ... import dtypes as _dt
from ... import return_types
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe, int_arg
from ..elementwise.binary import where
from ..shape.joins import cat
from .products import matmul
from ..creation.factories import ones_like
from ..reduction.scans import cumprod

__all__ = ["det", "logdet", "slogdet", "inverse", "matrix_power", "cholesky_solve",
           "cholesky_inverse", "matrix_exp", "triangular_solve"]


class LinAlgError(RuntimeError):
    """A matrix had no solution or factorisation (``torch.linalg.LinAlgError``)."""


def lapack(routine, *args, failure: str, **kwargs):
    """``routine(*args, **kwargs)``, a NumPy linear-algebra routine, whose LinAlgError is
    raised as PyTorch's ``LinAlgError`` with PyTorch's message ``failure`` (on the device too,
    where CuPy reports it only when asked: ``linalg_errors``)."""
    try:
        with linalg_errors(*args):
            return routine(*args, **kwargs)
    except np.linalg.LinAlgError:
        raise LinAlgError(failure) from None


def raise_for_info(op: str, info: np.ndarray, text, error: type = LinAlgError) -> None:
    """PyTorch's ``check_errors``: raise ``error`` for the first nonzero LAPACK ``info`` (a
    batch's message names its element); ``text(code)`` is the message."""
    codes = info.reshape(-1).tolist()
    for i, code in enumerate(codes):
        if code != 0:
            where = f"(Batch element {i}): " if info.ndim else ""
            raise error(f"{op}: {where}{text(code)}")


_SVD_NON_FINITE = ("linalg.svd: The algorithm failed to converge because the input matrix "
                   "contained non-finite values.")


def np_svd(a: np.ndarray, **kwargs):
    """NumPy's SVD; a non-finite input refused with PyTorch's LinAlgError before LAPACK sees
    it: NumPy's LAPACK loops forever on some matrices with an inf entry (float32 3x3 with one
    inf). PyTorch raises this for NaN; for inf its LAPACK returns NaNs or raises depending on
    the matrix, and npgrad raises (README, "Deliberate differences from PyTorch")."""
    if not np.isfinite(a).all():
        raise LinAlgError(_SVD_NON_FINITE)
    return lapack(np.linalg.svd, a, failure=_SVD_NON_FINITE, **kwargs)


_EIGH_FAILED = ("linalg.eigh: The algorithm failed to converge because the input matrix is "
                "ill-conditioned or has too many repeated eigenvalues (error code: 1).")


def np_eigh(a: np.ndarray, **kwargs):
    """NumPy's ``eigh`` (or ``eigvalsh`` with ``values_only=True``), its failure to converge
    (a NaN or inf entry, say) raised as PyTorch's LinAlgError, not NumPy's ValueError."""
    routine = np.linalg.eigvalsh if kwargs.pop("values_only", False) else np.linalg.eigh
    return lapack(routine, a, failure=_EIGH_FAILED, **kwargs)


linalg_slogdet = return_types.make("linalg_slogdet", ("sign", "logabsdet"))


def _matrix(op: str, A, square: bool = True) -> Tensor:
    """Check ``A`` is a (batch of) floating (square) matrices, as ``torch.linalg`` does."""
    A = as_tensor_arg(A, op)
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if not is_float_np(A._data.dtype):
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{scalar_type_name(A._data.dtype)}")
    if A._data.dtype.itemsize < 4:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got "
                           f"{scalar_type_name(A._data.dtype)}")
    if square and A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    return A


def no_kernel(A: Tensor, op: str, kernel: str, *, low_precision_only: bool = True,
              even_empty: bool = False) -> None:
    """PyTorch's NotImplementedError for a dtype its CPU ``kernel`` lacks, which comes before
    the checks of ``_matrix``: half precision (when there is something to compute, or with
    ``even_empty`` always: linalg.qr's geqrf), or with ``low_precision_only=False`` every
    dtype but float32/float64. (The message names ``op`` before PyTorch's text.)"""
    dt = A._data.dtype
    if dt in (np.float32, np.float64):
        return
    if low_precision_only and not (is_float_np(dt) and (A.numel() or even_empty)):
        return
    raise NotImplementedError(f"{op}: \"{kernel}\" not implemented for "
                              f"'{scalar_type_name(dt)}'")


def empty_via_float32(A: Tensor, fn):
    """``fn(A)`` for an empty ``A`` of a dtype LAPACK lacks (float16, the integers, where
    PyTorch's kernel has no version but, with nothing to compute, returns empty results in
    ``A``'s dtype): computed in float32, its tensors cast back to ``A``'s dtype."""
    out = fn(A.to(_dt.float32))
    back = lambda t: t.to(A.dtype) if isinstance(t, Tensor) else t  # noqa: E731
    return type(out)(*map(back, out)) if isinstance(out, tuple) else back(out)


def _lapack_lacks(A: Tensor) -> bool:
    """Whether ``A`` is an empty tensor of a dtype LAPACK has no routine for."""
    return A._data.size == 0 and A._data.dtype not in (np.float32, np.float64)


def _eye(n: int, like: Tensor, shape: tuple | None = None) -> Tensor:
    """The ``n x n`` identity in ``like``'s dtype, on its device (broadcast to ``shape``)."""
    eye = array_module(like._data).eye(n, dtype=like._data.dtype)
    return Tensor._make(eye if shape is None else np.broadcast_to(eye, shape))


def _const(mask: np.ndarray, like: Tensor) -> Tensor:
    """A constant 0/1 tensor of ``like``'s dtype."""
    return Tensor._make(mask.astype(like._data.dtype))


# ---------------------------------------------------------------------------------------------
# inv, det, slogdet, solve
# ---------------------------------------------------------------------------------------------

class Inv(Primitive):
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        out = lapack(np.linalg.inv, a, failure="linalg.inv: The input matrix is singular, the "
                     "inversion could not be completed.")
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d(A^-1) = -A^-1 dA A^-1
        (inv,) = ctx.saved_tensors
        return -(inv.mT @ grad @ inv.mT)


@autocast.float32
def inv(A) -> Tensor:
    """The inverse of a (batch of) square matrices; singular input raises ``LinAlgError``."""
    return Inv.apply(_matrix("linalg.inv", A))


inverse = inv


class Det(Primitive):
    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        out = as_array(np.linalg.det(a))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d det(A) = det(A) tr(A^-1 dA). NOTE: as PyTorch, a singular A (det exactly 0)
        # gets a zero gradient; the identity stands in for it so inv does not raise
        a, out = ctx.saved_tensors
        singular = (out._data == 0)[..., None, None]
        if singular.any():
            a = where(Tensor._make(singular), _eye(a.shape[-1], a, a._data.shape), a)
        return (grad * out).unsqueeze(-1).unsqueeze(-1) * inv(a).mT


def det(A) -> Tensor:
    """The determinant of a (batch of) square matrices."""
    A = as_tensor_arg(A, "linalg.det")
    no_kernel(A, "linalg.det", "lu_cpu")
    if _lapack_lacks(A) and is_float_np(A._data.dtype):
        return empty_via_float32(A, det)
    return Det.apply(_matrix("linalg.det", A))


class Slogdet(Primitive):
    node_name = "LinalgSlogdetBackward0"
    materialize_grads = False

    @staticmethod
    def forward(ctx, a):
        sign, logabs = np.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return as_array(sign), as_array(logabs)

    @staticmethod
    def backward(ctx, g_sign, g_logabs):
        # the sign is piecewise constant; d log|det A| = tr(A^-1 dA)
        if g_logabs is None:
            return None
        (a,) = ctx.saved_tensors
        return g_logabs.unsqueeze(-1).unsqueeze(-1) * inv(a).mT


def slogdet(A) -> tuple:
    """``(sign, logabsdet)`` of the determinant, stable where ``det`` over/underflows."""
    return linalg_slogdet(*Slogdet.apply(_matrix("linalg.slogdet", A)))


def logdet(input) -> Tensor:
    """``log(det(input))``: nan for a negative determinant, -inf for zero."""
    sign, logabs = slogdet(input)
    return logabs + sign.log()


def _same_batch(a, b) -> tuple:
    """``a`` and ``b`` broadcast to one batch shape (views): CuPy's solve, unlike NumPy's,
    does not broadcast batch dimensions."""
    if a.shape[:-2] == b.shape[:-2]:
        return a, b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])


class Solve(Primitive):
    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b):
        out = lapack(np.linalg.solve, *_same_batch(a, b), failure="linalg.solve: The solver "
                     "failed because the input matrix is singular.")
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # X = A^-1 B: gB = A^-T gX, gA = -gB X^T (batch dims broadcast: the engine sums)
        a, x = ctx.saved_tensors
        gb = Solve.apply(a.mT, grad)
        ga = -(gb @ x.mT) if ctx.needs_input_grad[0] else None
        return ga, (gb if ctx.needs_input_grad[1] else None)


@autocast.float32
def solve(A, B, *, left: bool = True) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` if not ``left``). ``B`` is a (batch of)
    vectors when it is 1-D or has ``A``'s shape without the last dimension."""
    A, Bm, vector = solve_operands(A, B, left)
    if not left:
        return Solve.apply(A.mT, Bm.mT).mT
    X = Solve.apply(A, Bm)
    return X.squeeze(-1) if vector else X


def solve_operands(A, B, left: bool) -> tuple:
    """``(A, B as a matrix, whether B was a vector)`` after ``linalg.solve``'s checks."""
    A = as_tensor_arg(A, "linalg.solve")
    no_kernel(A, "linalg.solve", "lu_cpu")
    A = _matrix("linalg.solve", A)
    B = as_tensor_arg(B, "linalg.solve")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but got "
                           f"{describe(A, B)}")
    # (as PyTorch, B is a batch of vectors by its shape alone, even when not left)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B._data.shape == A._data.shape[:-1])
    Bm = B.unsqueeze(-1) if vector else B
    n = A._data.shape[-1]
    if Bm.ndim < 2 or Bm._data.shape[-2 if left else -1] != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({describe(A, B)})")
    try:
        np.broadcast_shapes(A._data.shape[:-2], Bm._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: batch dimensions of {describe(A, B)} do not "
                           "broadcast") from None
    return A, Bm, vector


@autocast.float32
def tensorinv(A, ind: int = 2) -> Tensor:
    """The inverse of ``A`` seen as a linear map from its last dims to its first ``ind``
    dims: ``tensordot(tensorinv(A), A, ind)`` is the identity."""
    A = as_tensor_arg(A, "linalg.tensorinv")
    if ind <= 0:
        raise RuntimeError(f"linalg.tensorinv: Expected a strictly positive integer for 'ind', "
                           f"but got {ind}")
    out_shape, in_shape = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    rows, cols = int(np.prod(out_shape)), int(np.prod(in_shape))
    if rows != cols:
        raise RuntimeError(f"linalg.tensorinv: Expected self to satisfy the requirement "
                           f"prod(self.shape[ind:]) == prod(self.shape[:ind]), but got {cols} "
                           f"!= {rows}")
    return inv(A.reshape(rows, cols)).reshape(in_shape + out_shape)


def tensorsolve(A, B, dims=None) -> Tensor:
    """The ``X`` with ``tensordot(A, X, X.ndim) = B``; ``dims`` of ``A`` move to the end
    first."""
    A, B = as_tensor_arg(A, "linalg.tensorsolve"), as_tensor_arg(B, "linalg.tensorsolve")
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.permute([d for d in range(A.ndim) if d not in dims] + dims)
    rows, x_shape = int(np.prod(B.shape)), tuple(A.shape[B.ndim:])
    if int(np.prod(x_shape)) != rows or tuple(A.shape[:B.ndim]) != tuple(B.shape):
        raise RuntimeError(f"linalg.tensorsolve: Expected self to satisfy the requirement "
                           f"prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), "
                           f"but got {int(np.prod(x_shape))} != {rows}")
    return solve(A.reshape(rows, rows), B.reshape(rows)).reshape(x_shape)


def vander(x, *, N: int | None = None) -> Tensor:
    """The Vandermonde matrix ``[1, x, x^2, ..., x^(N-1)]`` of each vector in a batch (a 0-d
    ``x`` is one element, as in PyTorch): ones, then the cumulative product of ``x`` repeated
    (so the gradient at ``x = 0`` is finite, and ``x``'s own column is ``x``, not a product
    divided by it again: exact for subnormal ``x``)."""
    x = as_tensor_arg(x, "linalg.vander")
    if x._data.dtype == np.bool_:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, "
                           "but got Bool")
    if x.ndim == 0:
        x = x.reshape(1)
    n = x.shape[-1] if N is None else int(N)
    if n <= 1:
        raise RuntimeError(f"linalg.vander: N must be greater than 1, got {n}")
    ones = Tensor._make(np.ones_like(x._data, shape=tuple(x.shape) + (1,)))
    powers = cumprod(x.unsqueeze(-1).expand(*x.shape, n - 1), -1)
    return cat([ones, powers], -1)


# ---------------------------------------------------------------------------------------------
# triangular systems: substitution, one row per step (LAPACK's trsm: a zero on the diagonal
# gives inf/nan, not an error); the gradient of A lands on the triangle that was read
# ---------------------------------------------------------------------------------------------

def substitute(T: np.ndarray, B: np.ndarray, lower: bool, unit: bool) -> np.ndarray:
    """``X`` with ``T X = B``, reading only ``T``'s lower (upper) triangle, its diagonal taken
    as ones if ``unit``: one row per step, the batch together (batches broadcast)."""
    n = T.shape[-1]
    batch = np.broadcast_shapes(T.shape[:-2], B.shape[:-2])
    X = np.broadcast_to(B, batch + B.shape[-2:]).astype(np.result_type(T, B), copy=True)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in range(n) if lower else range(n - 1, -1, -1):
            known = slice(0, i) if lower else slice(i + 1, n)
            X[..., i:i + 1, :] -= T[..., i:i + 1, known] @ X[..., known, :]
            if not unit:
                X[..., i:i + 1, :] /= T[..., i:i + 1, i:i + 1]
    return X


class TriangularSolve(Primitive):
    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, a, b, upper, unitriangular):
        ctx.upper, ctx.unit = upper, unitriangular
        x = substitute(a, b, lower=not upper, unit=unitriangular)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        # X = T^-1 B: gB = T^-T gX, gT = -gB X^T on T's (strict, if unit) triangle
        a, x = ctx.saved_tensors
        gb = TriangularSolve.apply(a.mT, grad, upper=not ctx.upper, unitriangular=ctx.unit)
        if not ctx.needs_input_grad[0]:
            return None, gb
        ga = -(gb @ x.mT)
        k = 1 if ctx.unit else 0
        ga = ga.triu(k) if ctx.upper else ga.tril(-k)
        return ga, (gb if ctx.needs_input_grad[1] else None)


def solve_triangular(A, B, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """The solution of ``A X = B`` (``X A = B`` if not ``left``) reading only ``A``'s upper
    or lower triangle (with ones on the diagonal if ``unitriangular``); a zero on the
    diagonal gives inf/nan, as PyTorch."""
    op = "linalg.solve_triangular"
    A = as_tensor_arg(A, op)
    no_kernel(A, op, "triangular_solve_cpu", low_precision_only=False)
    A = _matrix(op, A)
    B = as_tensor_arg(B, op)
    if B.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    n = A._data.shape[-1]
    if B._data.shape[-2 if left else -1] != n:
        shapes = ["x".join(map(str, t.shape[-2:])) for t in (A, B)]
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({shapes[0]} and {shapes[1]})")
    try:
        np.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{op}: batch dimensions of {describe(A, B)} do not broadcast") \
            from None
    if B._data.dtype != A._data.dtype:  # (PyTorch computes in A's dtype)
        B = B.to(A.dtype)
    if left:
        return TriangularSolve.apply(A, B, upper=bool(upper), unitriangular=bool(unitriangular))
    # X A = B is A^T X^T = B^T
    return TriangularSolve.apply(A.mT, B.mT, upper=not upper,
                                 unitriangular=bool(unitriangular)).mT


def cholesky_solve(B, L, upper: bool = False) -> Tensor:
    """The solution of ``A X = B`` given the Cholesky factor of ``A`` (``L``, or ``U`` if
    ``upper``)."""
    L = _matrix("cholesky_solve", L)
    B = as_tensor_arg(B, "cholesky_solve")
    if B._data.dtype != L._data.dtype:
        raise RuntimeError(f"cholesky_solve: Expected b and A to have the same dtype, but found b "
                           f"of type {scalar_type_name(B._data.dtype)} and A of type "
                           f"{scalar_type_name(L._data.dtype)} instead.")
    if upper:
        L = L.mT
    Y = solve_triangular(L, B, upper=False)
    return solve_triangular(L.mT, Y, upper=True)


def cholesky_inverse(L, upper: bool = False) -> Tensor:
    """The inverse of ``A`` from its Cholesky factor (``L``, or ``U`` if ``upper``)."""
    L = _matrix("cholesky_inverse", L)
    return cholesky_solve(_eye(L.shape[-1], L, L._data.shape), L, upper)


# ---------------------------------------------------------------------------------------------
# matrix_exp: scaling and squaring with the degree-13 Pade approximant (Higham 2005); the
# gradient is a block of the exponential of a block matrix, so it is matrix_exp again
# ---------------------------------------------------------------------------------------------

_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)


def _expm(a: np.ndarray) -> np.ndarray:
    """exp of a batch of matrices, in float64 (one scaling for the whole batch); NaN for a
    matrix with an inf or NaN entry, as PyTorch (the others are unaffected)."""
    a = a.astype(np.float64)
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norms = np.abs(a).sum(-2).max(-1)
    finite = np.isfinite(norms)[..., None, None]
    a = np.where(finite, a, 0.0)
    norm = np.max(np.where(finite[..., 0, 0], norms, 0.0))
    s = max(0, int(np.ceil(np.log2(norm / 5.371920351148152)))) if norm > 0 else 0
    a = a / 2.0 ** s
    b = _PADE13
    eye = array_module(a).eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    with linalg_errors(a):
        r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return np.where(finite, r, np.nan)


class MatrixExp(Primitive):
    node_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        # the Frechet derivative's adjoint: exp([[A^T, G], [0, A^T]]) has it top right
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        zero = Tensor._make(np.zeros_like(a._data))
        block = cat([cat([a.mT, grad], -1), cat([zero, a.mT], -1)], -2)
        return MatrixExp.apply(block)[..., :n, n:]


def matrix_exp(A) -> Tensor:
    """The matrix exponential of a (batch of) square matrices."""
    return MatrixExp.apply(_matrix("linalg.matrix_exp", A))


# ---------------------------------------------------------------------------------------------
# matrix_power: repeated squaring with matmul (negative powers invert first)
# ---------------------------------------------------------------------------------------------

def matrix_power(A, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times; ``n = 0`` gives the identity, ``n < 0`` powers
    of the inverse."""
    A = as_tensor_arg(A, "linalg.matrix_power")
    if A.ndim < 2 or A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"got shape {tuple(A.shape)}")
    n = int_arg(n, "linalg_matrix_power", "n", 2)
    if n == 0:
        # NOTE: as PyTorch, the identity still depends on A (with a zero gradient)
        never = Tensor._make(np.zeros_like(A._data, dtype=bool))
        return where(never, A, _eye(A.shape[-1], A, A._data.shape))
    if n < 0:
        A, n = inv(A), -n
    if n == 1:
        return A.clone()
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


_triangular_solve_type = None


def triangular_solve(b: Tensor, A: Tensor, upper: builtins.bool = True,
                     transpose: builtins.bool = False, unitriangular: builtins.bool = False):
    """Deprecated ``torch.triangular_solve``: ``(solution, cloned_coefficient)`` of
    ``A X = b`` (``A^T X = b`` with ``transpose``)."""
    global _triangular_solve_type
    if _triangular_solve_type is None:
        _triangular_solve_type = return_types.make("triangular_solve",
                                                   ("solution", "cloned_coefficient"))
    b, A = as_tensor_arg(b, "triangular_solve"), as_tensor_arg(A, "triangular_solve", "A")
    if b._data.dtype != A._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{scalar_type_name(b._data.dtype)} and A of type "
                           f"{scalar_type_name(A._data.dtype)} instead. (triangular_solve)")
    M = A.mT if transpose else A
    x = solve_triangular(M, b, upper=upper != transpose, unitriangular=unitriangular)
    # the coefficient comes back with the batch dimensions broadcast, as PyTorch's
    batch = tuple(x.shape[:-2])
    return _triangular_solve_type(x, A.expand(*batch, *A.shape[-2:]).clone())


def vander_toplevel(x, N=None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D ``x``: columns ``x ** (N - 1) ... x ** 0`` (reversed
    with ``increasing``); built by a cumulative product, so its gradient at 0 is finite."""
    x = as_tensor_arg(x, "vander")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind in "biu":
        x = x.long()        # integers and bools give int64 for every N, as PyTorch (cumprod)
    if n == 0:
        return x.detach().unsqueeze(-1)[:, :0]   # (len(x), 0) on x's device, no graph
    cols = [ones_like(x).unsqueeze(-1)]
    if n > 1:
        cols.append(x.unsqueeze(-1).expand(x.shape[0], n - 1).cumprod(-1))
    out = cat(cols, -1)
    return out if increasing else out.flip(-1)
