"""Solvers on an LU factorisation (``npgrad.linalg``): ``lu_solve``, ``solve_ex``, ``inv_ex``,
and the deprecated ``torch.lu_solve``.

``lu_solve`` is the primitive: forward the row permutation and two triangular substitutions
(LAPACK's getrs, so a zero on ``U``'s diagonal gives inf/nan as PyTorch's, not an error);
backward a solve with the transposed factorisation for ``B`` and the chain rule through
``A = P L U`` for ``LU``. ``solve_ex`` and ``inv_ex`` factor and solve, so their gradients
flow through ``lu_factor``'s backward.
"""
from __future__ import annotations

import numpy as np

from .. import autocast
from ... import return_types
from ...dtypes import is_float_np, scalar_type_name
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe
from .lu import LUFactor, permutation, permutation_matrix, unpack_factors
from .solvers import _matrix, raise_for_info, solve_operands, substitute

__all__: list = []

linalg_solve_ex = return_types.make("linalg_solve_ex", ("result", "info"))
linalg_inv_ex = return_types.make("linalg_inv_ex", ("inverse", "info"))


# ---------------------------------------------------------------------------------------------
# kernels on raw arrays
# ---------------------------------------------------------------------------------------------

def _rows(x: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``x[..., index[i], :]`` per matrix (``index``'s batch broadcasts against ``x``'s)."""
    batch = np.broadcast_shapes(x.shape[:-2], index.shape[:-1])
    x = np.broadcast_to(x, batch + x.shape[-2:])
    index = index[..., :, None]
    index = index.reshape((1,) * (x.ndim - index.ndim) + index.shape)
    return np.take_along_axis(x, index, axis=-2)


def getrs(lu: np.ndarray, perm: np.ndarray, b: np.ndarray, adjoint: bool) -> np.ndarray:
    """``X`` with ``A X = B`` (``A^T X = B`` if ``adjoint``), ``A = P L U`` packed in ``lu``
    with the row permutation ``perm`` (``lu.permutation``)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if not adjoint:  # U X = L^-1 P^T B
            y = substitute(lu, _rows(b, perm), lower=True, unit=True)
            return substitute(lu, y, lower=False, unit=False)
        luT = np.swapaxes(lu, -1, -2)  # A^T = U^T L^T P^T
        y = substitute(luT, b, lower=True, unit=False)
        z = substitute(luT, y, lower=False, unit=True)
        return _rows(z, np.argsort(perm, axis=-1))


# ---------------------------------------------------------------------------------------------
# lu_solve
# ---------------------------------------------------------------------------------------------

class LuSolve(Primitive):
    node_name = "LinalgLuSolveBackward0"

    @staticmethod
    def forward(ctx, lu, b, perm, left, adjoint):
        ctx.perm, ctx.left, ctx.adjoint = perm, left, adjoint
        if left:
            x = getrs(lu, perm, b, adjoint)
        else:  # X op(A) = B is op(A)^T X^T = B^T
            x = np.swapaxes(getrs(lu, perm, np.swapaxes(b, -1, -2), not adjoint), -1, -2)
        ctx.save_for_backward(lu, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        # left: X = op(A)^-1 B, so gB = op(A)^-T gX and g op(A) = -gB X^T; right:
        # X = B op(A)^-1, gB = gX op(A)^-T and g op(A) = -X^T gB. Then A = P L U gives
        # gL = tril(P^T gA U^T, -1) and gU = triu(L^T P^T gA), packed as LU is
        LU, x = ctx.saved_tensors
        gb = LuSolve.apply(LU, grad, perm=ctx.perm, left=ctx.left, adjoint=not ctx.adjoint)
        if not ctx.needs_input_grad[0]:
            return None, gb
        g_op = -(gb @ x.mT) if ctx.left else -(x.mT @ gb)
        ga = g_op.mT if ctx.adjoint else g_op
        L, U = unpack_factors(LU)
        pta = Tensor._make(permutation_matrix(ctx.perm, LU._data.dtype)).mT @ ga
        g_lu = (pta @ U.mT).tril(-1) + (L.mT @ pta).triu()
        return g_lu, (gb if ctx.needs_input_grad[1] else None)


def _check_lu_solve(LU: Tensor, piv: Tensor, B: Tensor, left: bool) -> None:
    op = "linalg.lu_solve"
    if LU.ndim < 2 or LU._data.shape[-1] != LU._data.shape[-2]:
        raise RuntimeError(f"torch.{op}: A must be batches of square matrices, but they are "
                           f"{LU.shape[-2]} by {LU.shape[-1]} matrices")
    if not is_float_np(LU._data.dtype):
        raise RuntimeError(f"torch.{op}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_type_name(LU._data.dtype)}")
    if B.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    n = LU._data.shape[-1]
    if B._data.shape[-2 if left else -1] != n:
        shapes = "x".join(map(str, LU.shape[-2:])), "x".join(map(str, B.shape[-2:]))
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({shapes[0]} and {shapes[1]})")
    if piv._data.dtype != np.int32:
        raise RuntimeError(f"{op}: pivots should be a Tensor of scalar type torch.int32")
    if piv._data.shape[-1:] != (n,):
        raise RuntimeError(f"{op}: Number of pivots per batch should be same as the dimension "
                           "of the matrix")
    if piv._data.shape != LU._data.shape[:-1]:
        raise RuntimeError(f"{op}: Expected LU.shape[:-1] and pivots.shape to be the same, but "
                           f"got pivots with shape {list(piv.shape)} instead")
    if LU._data.dtype != B._data.dtype:
        raise RuntimeError(f"{op}: Expected LU and B to have the same dtype, but found LU of "
                           f"type {scalar_type_name(LU._data.dtype)} and B of type "
                           f"{scalar_type_name(B._data.dtype)} instead")
    try:
        np.broadcast_shapes(LU._data.shape[:-2], B._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{op}: batch dimensions of {describe(LU, B)} do not broadcast") \
            from None


@autocast.float32
def lu_solve(LU, pivots, B, *, left: bool = True, adjoint: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` if not ``left``; ``A^T`` for ``A`` if
    ``adjoint``) from ``lu_factor``'s ``(LU, pivots)`` of ``A``; batches broadcast."""
    LU = as_tensor_arg(LU, "linalg.lu_solve", "LU")
    piv = as_tensor_arg(pivots, "linalg.lu_solve", "pivots")
    B = as_tensor_arg(B, "linalg.lu_solve", "B")
    _check_lu_solve(LU, piv, B, left)
    perm = permutation(piv._data, LU._data.shape[-1])
    return LuSolve.apply(LU, B, perm=perm, left=bool(left), adjoint=bool(adjoint))


def lu_solve_toplevel(b, LU_data, LU_pivots) -> Tensor:
    """Deprecated ``torch.lu_solve``: ``linalg.lu_solve(LU_data, LU_pivots, b)``."""
    return lu_solve(LU_data, LU_pivots, b)


# ---------------------------------------------------------------------------------------------
# solve_ex, inv_ex: factor, then solve
# ---------------------------------------------------------------------------------------------

def _factor_solve(A: Tensor, B: Tensor, left: bool) -> tuple:
    LU, piv, info = LUFactor.apply(A)
    perm = permutation(piv._data, A._data.shape[-1])
    return LuSolve.apply(LU, B, perm=perm, left=left, adjoint=False), info


@autocast.float32
def solve_ex(A, B, *, left: bool = True, check_errors: bool = False) -> tuple:
    """``(result, info)``: ``linalg.solve`` that reports a singular ``A`` in ``info`` (LU's:
    the first zero on ``U``'s diagonal) instead of raising, unless ``check_errors``."""
    A, Bm, vector = solve_operands(A, B, left)
    X, info = _factor_solve(A, Bm, bool(left))
    if check_errors:
        raise_for_info("torch.linalg.solve_ex", info._data,
                       lambda code: "The solver failed because the input matrix is singular.")
    return linalg_solve_ex(X.squeeze(-1) if vector else X, info)


@autocast.float32
def inv_ex(A, *, check_errors: bool = False) -> tuple:
    """``(inverse, info)``: ``linalg.inv`` that reports a singular ``A`` in ``info`` instead of
    raising, unless ``check_errors``."""
    A = _matrix("linalg.inv", A)
    eye = np.broadcast_to(np.eye(A._data.shape[-1], dtype=A._data.dtype, like=A._data),
                          A._data.shape)
    X, info = _factor_solve(A, Tensor._make(eye), True)
    if check_errors:
        raise_for_info("linalg.inv_ex", info._data,
                       lambda code: f"The diagonal element {code} is zero, the inversion could "
                       "not be completed because the input matrix is singular.")
    return linalg_inv_ex(X, info)
