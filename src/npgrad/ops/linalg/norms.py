"""Norms: ``norm`` (PyTorch's older entry point) and ``linalg.vector_norm`` /
``linalg.matrix_norm`` (exported from ``npgrad/linalg.py``, not top-level, as in PyTorch).

Only floating inputs, as PyTorch. ``dtype=`` computes in a wider dtype.

Also ``linalg.cond``, the condition number in a norm (of singular values for 2 and 'nuc').

Also distances and norms of older entry points: ``dist``, ``renorm``, ``pdist``,
``frobenius_norm``, ``nuclear_norm``.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ...backend import as_array
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from .. import autocast
from .._arguments import Tensor, as_tensor_arg, norm_dim
from ..reduction.reduce import amax, amin, expand_back, reduce_dims
from ..elementwise.binary import where
from ..elementwise.unary import sign
from .decompositions import svdvals
from .solvers import _matrix, inv, no_kernel

__all__ = ["norm", "frobenius_norm", "nuclear_norm", "dist", "renorm", "pdist",
           "norm_except_dim"]


def _share(a: np.ndarray, value: np.ndarray, dims: tuple, dtype) -> Tensor:
    """Where ``a`` equals ``value`` (keepdim shape), 1 / (number of such places), else 0."""
    mask = a == value
    count = np.maximum(np.sum(mask, axis=dims, keepdims=True), 1)
    return Tensor._make((mask / count).astype(dtype))


# ---------------------------------------------------------------------------------------------
# vector_norm
# ---------------------------------------------------------------------------------------------

class VectorNorm(Primitive):
    """A primitive so that its gradient at 0 is 0, as PyTorch (a composite of sqrt and sum
    would give nan there)."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, ord, dims, keepdim, dtype):
        ctx.ord, ctx.dims, ctx.keepdim, ctx.in_shape = ord, dims, keepdim, a.shape
        x = a if dtype is None else a.astype(dtype)
        ab = np.abs(x)
        if ord != 0 and math.prod(x.shape[d] for d in dims) == 1:
            # one element per norm: |x| exactly, as PyTorch (x * x would under- or overflow
            # for |x| beyond 1e+-19 in float32)
            out = np.max(ab, axis=dims, keepdims=keepdim)
        elif ord == math.inf:
            out = np.max(ab, axis=dims, keepdims=keepdim)
        elif ord == -math.inf:
            out = np.min(ab, axis=dims, keepdims=keepdim)
        elif ord == 0:
            out = np.sum(x != 0, axis=dims, keepdims=keepdim, dtype=x.dtype)
        elif ord == 1:
            out = np.sum(ab, axis=dims, keepdims=keepdim)
        elif ord == 2:
            out = np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim))
        else:
            out = np.sum(ab ** x.dtype.type(ord), axis=dims, keepdims=keepdim)
            out = out ** x.dtype.type(1 / ord)
        out = as_array(out, x.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a._data.dtype != out._data.dtype:
            a = a.to(out.dtype)
        p = ctx.ord
        g = expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        norm = expand_back(out, ctx.in_shape, ctx.dims, ctx.keepdim)
        if p == 0:
            return g * 0.0
        if p == 1:
            return g * sign(a)  # NOTE: 0 at a == 0 (sign(0) = 0), as PyTorch
        if p in (math.inf, -math.inf):
            # NOTE: tied largest (smallest) |a| share the gradient evenly, as PyTorch
            share = _share(np.abs(a._data), norm._data, ctx.dims, a._data.dtype)
            return g * sign(a) * share
        zero = Tensor._make(norm._data == 0)
        # NOTE: where the norm is 0 the gradient is 0, as PyTorch; the 1.0 placeholders keep
        # the branch not taken finite, so double backward gives no nan either
        if p == 2:
            return a * where(zero, 0.0, g / where(zero, 1.0, norm))
        if p < 1:
            at0 = Tensor._make(a._data == 0)
            scaled = where(at0, 0.0, sign(a) * where(at0, 1.0, a.abs()) ** (p - 1))
            return scaled * g * norm ** (1 - p)
        scaled = sign(a) * a.abs() ** (p - 1) if p < 2 else a * a.abs() ** (p - 2)
        return scaled * where(zero, 0.0, g / where(zero, 1.0, norm) ** (p - 1))


def _float_check(input: Tensor, op: str, dtype):
    """PyTorch's input checks of the norms; returns the NumPy dtype to compute in (or None)."""
    a = input._data
    if not is_float_np(a.dtype):
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. "
                           f"Got {input.dtype}")
    if dtype is None:
        return None
    dt = _dt.dtype_arg(dtype, op).np
    if _dt.promote_types(a.dtype, dt) != dt:
        raise RuntimeError(f"{op}: the dtype of the input ({input.dtype}) should be "
                           f"convertible without narrowing to the specified dtype ({dtype})")
    return None if dt == a.dtype else dt


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``sum(|x| ** ord) ** (1 / ord)`` over ``dim`` (all dims when None); ``ord`` any float,
    ``inf`` / ``-inf`` (largest / smallest ``|x|``), 0 (the number of nonzeros).

    >>> npgrad.linalg.vector_norm(npgrad.tensor([3., 4.]))
    tensor(5.)
    """
    x = as_tensor_arg(x, "linalg.vector_norm")
    if isinstance(ord, bool) or not isinstance(ord, numbers.Real):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be a number, not "
                        f"{type(ord).__name__}")
    dt = _float_check(x, "linalg.vector_norm", dtype)
    dims = reduce_dims(dim, x.ndim, "linalg.vector_norm")
    if (ord < 0 or ord == math.inf) and any(x.shape[d] == 0 for d in dims):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty "
                           f"tensor because the operation does not have an identity")
    return VectorNorm.apply(x, ord=float(ord), dims=dims, keepdim=keepdim, dtype=dt)


# ---------------------------------------------------------------------------------------------
# matrix_norm
# ---------------------------------------------------------------------------------------------

def _empty_norm(x: Tensor, dims: tuple, keepdim: bool) -> Tensor:
    """The norm (largest column or row sum, largest singular value) of empty matrices: 0, a
    constant, as PyTorch."""
    shape = [1 if i in dims else n for i, n in enumerate(x.shape) if keepdim or i not in dims]
    return Tensor._make(np.zeros_like(x._data, shape=tuple(shape)))


def _svd_norm(A: Tensor, ord, dims: tuple, keepdim: bool, dtype) -> Tensor:
    """Norms from the singular values of the matrices over ``dims``: 'nuc' (their sum), 2 (the
    largest), -2 (the smallest). Through ``svdvals``, whose backward is written in npgrad ops,
    so the norm can be differentiated twice (``linalg.cond(A, 'nuc')`` needs it)."""
    x = A if dtype is None else A.to(_dt.from_numpy_dtype(dtype))
    if ord == 2 and 0 in (x.shape[dims[0]], x.shape[dims[1]]):
        return _empty_norm(x, dims, keepdim)
    s = svdvals(x.movedim(dims, (-2, -1)))
    out = s.sum(-1) if ord == "nuc" else (amax if ord == 2 else amin)(s, -1)
    for d in sorted(dims) if keepdim else ():
        out = out.unsqueeze(d)
    return out


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None) -> Tensor:
    """A matrix norm over the two dims ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf.

    >>> npgrad.linalg.matrix_norm(npgrad.tensor([[1., -2.], [3., 4.]]), 1)
    tensor(6.)
    """
    op = "linalg.matrix_norm"
    A = as_tensor_arg(A, op)
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {tuple(dim)}")
    # (as PyTorch: the dtype checks before the dims')
    dt = _float_check(A, op, dtype)
    if ord in ("nuc", 2, -2) and (dt or A._data.dtype).itemsize < 4:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got "
                           f"{_dt.scalar_type_name(dt or A._data.dtype)}")
    d0, d1 = (norm_dim(d, A.ndim, op) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({d0}, {d1})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in ("nuc", 2, -2):
        return _svd_norm(A, ord, (d0, d1), keepdim, dt)
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"{op}: Order {ord} not supported.")
    x = A if dt is None else A.to(_dt.from_numpy_dtype(dt))
    # 1: the largest column sum of |A| (sum over rows); inf: the largest row sum
    over, across = (d0, d1) if ord in (1, -1) else (d1, d0)
    if ord > 0 and x.shape[across] == 0:  # as PyTorch: 0, without gradient (amin raises)
        return _empty_norm(x, (d0, d1), keepdim)
    pick = amax if ord > 0 else amin
    out = pick(x.abs().sum(over, keepdim=True), across, keepdim=True)
    if keepdim:
        return out
    shape = [s for i, s in enumerate(A.shape) if i not in (d0, d1)]
    return out.reshape(shape)


@autocast.float32
def cond(A, p=None) -> Tensor:
    """The condition number of ``A`` in the norm ``p``: ``s_max / s_min`` for ``None``/2
    (``s_min / s_max`` for -2), else ``norm(A, p) * norm(inv(A), p)``."""
    A = as_tensor_arg(A, "linalg.cond")
    if A._data.size == 0 and p not in ("fro", "nuc") and A.ndim >= 2 and is_float_np(
            A._data.dtype):
        # as PyTorch: 0 for empty matrices, whatever their shape (and no gradient)
        return Tensor._make(np.zeros_like(A._data, shape=A._data.shape[:-2]))
    if p in (None, 2, -2, "nuc"):
        no_kernel(A, "linalg.cond", "linalg_svd_cpu")
    A = _matrix("linalg.cond", A, square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svdvals(A)
        hi, lo = s[..., 0], s[..., -1]
        return hi / lo if p != -2 else lo / hi
    return matrix_norm(A, p) * matrix_norm(inv(A), p)



# ---------------------------------------------------------------------------------------------
# norm: the older entry point, dispatched the way torch.norm does
# ---------------------------------------------------------------------------------------------

def norm(input, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """The vector norm ``p`` (a number; 'fro' is 2) over ``dim`` (all dims when None), or
    the nuclear norm (``p='nuc'``) of matrices.

    >>> npgrad.tensor([[3., 4.], [0., 0.]]).norm()
    tensor(5.)
    """
    if out is not None:
        raise NotImplementedError("norm(): the out= argument is not supported by npgrad")
    input = as_tensor_arg(input, "norm")
    dims = [dim] if isinstance(dim, (int, np.integer)) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
        return matrix_norm(input, p, dims if dims is not None else tuple(range(input.ndim)),
                           keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


def linalg_norm(A, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``linalg.norm``: a vector norm over one dim (or of everything when ``ord`` and ``dim``
    are None), a matrix norm over two dims or of a 2-D input."""
    op = "linalg.norm"
    A = as_tensor_arg(A, op)
    if dim is not None:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        if len(dims) == 1 and isinstance(ord, str):  # a matrix norm's name
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                               f"{', '.join(map(str, dims))}")
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        raise RuntimeError(f"{op}: If dim is specified, it must be of length 1 or 2. Got {dims}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1 and not isinstance(ord, str):
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(f"{op}: If dim is not specified but ord is, the input must be 1D or 2D. "
                       f"Got {A.ndim}D.")


def frobenius_norm(input, dim, keepdim: bool = False) -> Tensor:
    """The Frobenius norm over ``dim``, at most two dims (deprecated in PyTorch for
    ``linalg.norm``)."""
    if dim is None:
        raise TypeError("frobenius_norm(): argument 'dim' (position 2) must be tuple of ints, "
                        "not NoneType")
    if isinstance(dim, (tuple, list)) and len(dim) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions "
                           f"instead.")
    return vector_norm(as_tensor_arg(input, "frobenius_norm"), 2, dim, keepdim)


def nuclear_norm(input, dim=(-2, -1), keepdim: bool = False) -> Tensor:
    """The sum of singular values of the matrices over ``dim``."""
    input = as_tensor_arg(input, "nuclear_norm")
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim) is the other overload
        dim, keepdim = (-2, -1), dim
    return matrix_norm(input, "nuc", dim, keepdim)


def dist(input, other, p=2) -> Tensor:
    """The ``p``-norm of ``input - other`` (broadcast)."""
    input, other = as_tensor_arg(input, "dist"), as_tensor_arg(other, "dist")
    return vector_norm(input - other, float(p))


def norm_except_dim(v, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002 (torch's name)
    """The ``pow``-norm of each slice ``v.select(dim, i)``, shaped 1 in every other dim (the
    norm of weight normalisation); ``dim=-1`` means the norm of the whole tensor, as in
    PyTorch (not the last dim)."""
    v = as_tensor_arg(v, "norm_except_dim")
    if isinstance(pow, bool) or not isinstance(pow, (int, np.integer)):
        raise TypeError(f"norm_except_dim(): argument 'pow' (position 2) must be int, not "
                        f"{type(pow).__name__}")
    if dim == -1:
        return vector_norm(v, float(pow))
    if v.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = norm_dim(dim, v.ndim, "norm_except_dim")
    others = tuple(k for k in range(v.ndim) if k != d)
    return vector_norm(v, float(pow), others, keepdim=True)


def renorm(input, p, dim: int, maxnorm) -> Tensor:
    """Each slice ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` is scaled
    down to norm ``maxnorm`` (the others are kept)."""
    input = as_tensor_arg(input, "renorm")
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"renorm: expected a floating point tensor but got {input.dtype}")
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported (got p={p})")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    d = norm_dim(dim, input.ndim, "renorm")
    others = tuple(k for k in range(input.ndim) if k != d)
    exceeds = Tensor._make(vector_norm(input.detach(), float(p), others, keepdim=True)._data
                           > maxnorm)
    # only the slices that are scaled enter the norm's graph, as in PyTorch's backward (the
    # others' gradient is grad itself): a nan or inf slice sent 0 * nan through the norm
    norms = vector_norm(where(exceeds, input, 0.0), float(p), others, keepdim=True)
    # PyTorch's factor: maxnorm / (norm + 1e-7) where the norm exceeds maxnorm, else 1
    factor = where(exceeds, maxnorm / (norms + 1e-7), 1.0)
    return input * factor


def pdist(input, p: float = 2) -> Tensor:
    """The ``p``-norm distances between all pairs of rows of an (N, M) tensor: the upper
    triangle of the distance matrix, row by row, N (N - 1) / 2 values."""
    input = as_tensor_arg(input, "pdist")
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"pdist only supports floating-point dtypes (got {input.dtype})")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(input.shape[0], 1)
    diffs = input[Tensor._make(i)] - input[Tensor._make(j)]
    return vector_norm(diffs, float(p), dim=-1)
