"""Householder reflectors in LAPACK's convention (``npgrad.linalg``): ``geqrf``,
``householder_product`` (``orgqr``) and ``ormqr``.

``geqrf`` stores ``A = Q R`` as ``R`` on and above the diagonal and the reflectors below it:
column ``i`` holds ``v_i`` under an implicit 1 at row ``i`` (zeros above), and
``Q = H_0 H_1 ... H_{k-1}`` with ``H_i = I - tau_i v_i v_i^T``. NumPy's QR in ``'raw'`` mode is
LAPACK's geqrf itself (its result transposed), and CuPy's is cuSOLVER's geqrf, so ``geqrf``
runs on the device. The products are composites that apply one reflector at a time as a
rank-one update, so they are differentiable, twice, in the vectors (only the entries below the
diagonal are read) and in ``tau``.
"""
from __future__ import annotations

import numpy as np

from ... import return_types
from ...backend import ascontiguous
from ...dtypes import scalar_type_name
from .._arguments import Tensor, as_tensor_arg
from ..elementwise.unary import not_differentiable
from ..shape.joins import cat

__all__ = ["geqrf", "orgqr", "ormqr"]

geqrf_type = return_types.make("geqrf", ("a", "tau"))


def _float_matrix(x: Tensor, op: str, kernel: str, name: str = "input") -> None:
    if x.ndim < 2:
        raise RuntimeError(f"{op}: {name} must have at least 2 dimensions.")
    if x._data.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for "
                                  f"'{scalar_type_name(x._data.dtype)}'")


def _check_tau(input: Tensor, tau: Tensor, op: str) -> None:
    if tau.ndim != input.ndim - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.ndim} and input.ndim is equal to "
                           f"{input.ndim}")
    if tuple(tau.shape[:-1]) != tuple(input.shape[:-2]):
        raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")


def _check_dtypes(op: str, first: Tensor, second: Tensor, names: tuple) -> None:
    if first._data.dtype != second._data.dtype:
        raise RuntimeError(f"{op}: Expected {names[0]} and {names[1]} to have the same dtype, "
                           f"but {names[0]} has dtype{scalar_type_name(first._data.dtype)} and "
                           f"{names[1]} has dtype {scalar_type_name(second._data.dtype)}")


def geqrf(input) -> tuple:
    """``(a, tau)``: the QR factorisation of a (batch of) matrices as LAPACK's geqrf leaves it
    (see the module docstring). Not differentiable, as in PyTorch."""
    input = as_tensor_arg(input, "geqrf")
    _float_matrix(input, "torch.geqrf", "geqrf")
    h, tau = np.linalg.qr(input._data, mode="raw")
    message = "the derivative for 'geqrf' is not implemented."
    return geqrf_type(*(not_differentiable(ascontiguous(x), "geqrf", input,
                                           message=message, error=NotImplementedError)
                        for x in (np.swapaxes(h, -1, -2), tau)))


# ---------------------------------------------------------------------------------------------
# products of reflectors: composites
# ---------------------------------------------------------------------------------------------

def _vectors(input: Tensor, k: int) -> Tensor:
    """The reflectors' vectors as columns: the part below the diagonal, a 1 on it."""
    m = input.shape[-2]
    eye = Tensor._make(np.eye(m, k, dtype=input._data.dtype, like=input._data))
    return input[..., :, :k].tril(-1) + eye


def _reflect(C: Tensor, v: Tensor, t: Tensor, i: int, left: bool) -> Tensor:
    """``H C`` (``C H`` if not ``left``), ``H = I - t v v^T`` with ``v`` zero above row ``i``:
    only rows (columns) ``i:`` of ``C`` change, as LAPACK's larf (no products with the zeros,
    so an infinite ``t`` stays where LAPACK has it)."""
    v = v[..., i:, :]
    if left:
        head, tail = C[..., :i, :], C[..., i:, :]
        tail = tail - (t * v) @ (v.mT @ tail)
        return cat([head, tail], -2) if i else tail
    head, tail = C[..., :, :i], C[..., :, i:]
    tail = tail - (tail @ v) @ (t * v.mT)
    return cat([head, tail], -1) if i else tail


def _apply(V: Tensor, tau: Tensor, C: Tensor, left: bool, reverse: bool) -> Tensor:
    """``C`` with ``H_i`` applied for each ``i``, last first if ``reverse``."""
    k = tau.shape[-1]
    for i in reversed(range(k)) if reverse else range(k):
        C = _reflect(C, V[..., :, i:i + 1], tau[..., i:i + 1].unsqueeze(-1), i, left)
    return C


def householder_product(A, tau) -> Tensor:
    """The first ``n`` columns of ``H_0 H_1 ... H_{k-1}`` from the reflectors stored below
    the diagonal of ``A`` (``m x n``, ``m >= n >= k``) and their scales ``tau``."""
    op = "torch.linalg.householder_product"
    A = as_tensor_arg(A, "linalg.householder_product")
    tau = as_tensor_arg(tau, "linalg.householder_product", "tau")
    if tau.ndim == 0:  # (PyTorch reads tau's last size first)
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    _float_matrix(A, op, "orgqr")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.shape[-1] > n:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    _check_tau(A, tau, op)
    if A._data.dtype != tau._data.dtype:
        raise RuntimeError(f"{op}: tau dtype {scalar_type_name(tau._data.dtype)} does not match "
                           f"input dtype {scalar_type_name(A._data.dtype)}")
    # LAPACK's org2r: Q's trailing block B_i (rows and columns i:) from B_{i+1}, last
    # reflector first; column i is e_i - t v, the rest H_i [0; B_{i+1}]
    k = tau.shape[-1]
    V = _vectors(A, k)
    eye = np.broadcast_to(np.eye(m - k, n - k, dtype=A._data.dtype, like=A._data),
                          A._data.shape[:-2] + (m - k, n - k))
    B = Tensor._make(eye)
    if k == 0:
        return B + A * 0  # (in the graph even with no reflectors, as PyTorch's)
    for i in reversed(range(k)):
        t = tau[..., i:i + 1].unsqueeze(-1)
        v = V[..., i + 1:, i:i + 1]
        w = v.mT @ B
        top = cat([1 - t, -(t * w)], -1)
        B = cat([top, cat([-(t * v), B - v @ (t * w)], -1)], -2)
    return B


def orgqr(input, tau) -> Tensor:
    """``torch.orgqr``: ``linalg.householder_product``."""
    return householder_product(input, tau)


def ormqr(input, tau, other, left: bool = True, transpose: bool = False) -> Tensor:
    """``Q other`` (``other Q`` if not ``left``; ``Q^T`` for ``Q`` if ``transpose``), ``Q``
    the full square product of the reflectors in ``(input, tau)``, as ``geqrf`` gives them."""
    op = "torch.ormqr"
    input = as_tensor_arg(input, "ormqr")
    tau, other = as_tensor_arg(tau, "ormqr", "tau"), as_tensor_arg(other, "ormqr", "other")
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if other.ndim < 2:
        raise RuntimeError(f"{op}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{op}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"{op}: tau.shape[-1] must be equal to min(other.shape[{side}], "
                           "input.shape[-1])")
    _check_tau(input, tau, op)
    if other.ndim != input.ndim:
        raise RuntimeError(f"{op}: Expected other to have the same number of dimensions as "
                           f"input, but got other.ndim equal to {other.ndim} and input.ndim is "
                           f"equal to {input.ndim}")
    if tuple(other.shape[:-2]) != tuple(input.shape[:-2]):
        raise RuntimeError(f"{op}: Expected batch dimensions of other to be equal to "
                           f"input.shape[:-2], but got {list(other.shape[:-2])}")
    _check_dtypes(op, input, tau, ("input", "tau"))
    _check_dtypes(op, input, other, ("input", "other"))
    _float_matrix(input, op, "ormqr")  # (PyTorch's kernel dispatch: after the shape checks)
    # Q C = H_0 (H_1 (... C)): last reflector first; Q^T C and C Q: first reflector first
    V = _vectors(input, tau.shape[-1])
    return _apply(V, tau, other, left=left, reverse=left != transpose)
