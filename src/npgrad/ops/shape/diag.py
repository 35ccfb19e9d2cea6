"""Diagonals and triangles: tril, triu, diagonal, diag_embed, diag, trace.

``diagonal`` is a writable strided view (as in PyTorch). It and ``diag_embed`` are an adjoint
pair: the gradient of reading a diagonal is writing it into zeros, and back. ``tril``/``triu``
mask with the same triangle in both directions.

Also ``diagflat``, ``block_diag`` and ``fill_diagonal`` (behind ``Tensor.fill_diagonal_``).
"""
from __future__ import annotations

import numpy as np

from ...backend import as_strided
from .. import autocast
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, int_arg, norm_dim
from ... import dtypes as _dt
from .joins import cat
from ..creation.factories import empty, full_like
from ..nn.pad import pad
from ..elementwise.binary import where

__all__ = ["tril", "triu", "diagonal", "diag_embed", "diag", "trace", "diagflat",
           "block_diag"]


# ---------------------------------------------------------------------------------------------
# tril / triu
# ---------------------------------------------------------------------------------------------

class Tril(Primitive):
    node_name = "TrilBackward0"

    @staticmethod
    def forward(ctx, a, diagonal):
        ctx.k = diagonal
        return np.tril(a, diagonal)  # on the last two dims, for any batch shape

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, diagonal=ctx.k)


class Triu(Primitive):
    node_name = "TriuBackward0"

    @staticmethod
    def forward(ctx, a, diagonal):
        ctx.k = diagonal
        return np.triu(a, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, diagonal=ctx.k)


def _check_matrix(input: Tensor, op: str) -> None:
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions (got shape "
                           f"{tuple(input.shape)})")


def tril(input, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below the ``diagonal``-th diagonal) of the last two dims."""
    input = as_tensor_arg(input, "tril")
    _check_matrix(input, "tril")
    return Tril.apply(input, diagonal=int_arg(diagonal, "tril", "diagonal"))


def triu(input, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above the ``diagonal``-th diagonal) of the last two dims."""
    input = as_tensor_arg(input, "triu")
    _check_matrix(input, "triu")
    return Triu.apply(input, diagonal=int_arg(diagonal, "triu", "diagonal"))


# ---------------------------------------------------------------------------------------------
# diagonal (a view) and diag_embed (writes into zeros): an adjoint pair
# ---------------------------------------------------------------------------------------------

def diagonal_view(a: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """The ``offset``-th diagonal of dims ``d1, d2`` of ``a`` as a strided view (writable when
    ``a`` is), with the diagonal as the last dimension, as PyTorch orders it."""
    rest = [i for i in range(a.ndim) if i not in (d1, d2)]
    b = a.transpose(rest + [d1, d2])
    n, m = b.shape[-2:]
    length = max(0, min(n, m - offset) if offset >= 0 else min(n + offset, m))
    if length:
        b = b[..., max(-offset, 0):, max(offset, 0):]
    step = b.strides[-2] + b.strides[-1]
    if type(b) is not np.ndarray:
        return as_strided(b, b.shape[:-2] + (length,), b.strides[:-2] + (step,))
    return np.lib.stride_tricks.as_strided(b, b.shape[:-2] + (length,), b.strides[:-2] + (step,),
                                           writeable=b.flags.writeable)


class Diagonal(Primitive):
    node_name = "DiagonalBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2):
        ctx.in_shape, ctx.args = a.shape, dict(offset=offset, dim1=dim1, dim2=dim2)
        return diagonal_view(a, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, shape=ctx.in_shape, **ctx.args)


class DiagonalScatter(Primitive):
    """Zeros of ``shape`` with ``g`` written on a diagonal; the adjoint of ``diagonal``."""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, dim1, dim2):
        ctx.args = dict(offset=offset, dim1=dim1, dim2=dim2)
        out = np.zeros_like(g, shape=shape)
        diagonal_view(out, offset, dim1, dim2)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, **ctx.args)


class DiagEmbed(DiagonalScatter):
    node_name = "DiagEmbedBackward0"


def _diag_dims(ndim: int, dim1: int, dim2: int, op: str) -> tuple:
    d1, d2 = norm_dim(dim1, ndim, op), norm_dim(dim2, ndim, op)
    if d1 == d2:
        raise RuntimeError(f"{op}: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset``-th diagonal of dims ``dim1, dim2``, as the last dimension (a view)."""
    input = as_tensor_arg(input, "diagonal")
    d1, d2 = _diag_dims(input.ndim, dim1, dim2, "diagonal")
    return Diagonal.apply(input, offset=int_arg(offset, "diagonal", "offset"), dim1=d1,
                          dim2=d2)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Tensors whose diagonals (dims ``dim1, dim2`` of the result) are ``input``'s last dim."""
    input = as_tensor_arg(input, "diag_embed")
    n = input.ndim + 1
    d1, d2 = _diag_dims(n, dim1, dim2, "diag_embed")
    size = (input._data.shape[-1] if input.ndim else 1) + abs(int_arg(offset, "diag_embed",
                                                                      "offset"))
    shape = list(input._data.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, size)
    return DiagEmbed.apply(input, shape=tuple(shape), offset=int(offset), dim1=d1, dim2=d2)


def diag(input, diagonal: int = 0) -> Tensor:
    """A vector to a matrix with it on the ``diagonal``-th diagonal, or a matrix's diagonal
    (a copy) as a vector."""
    input = as_tensor_arg(input, "diag")
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return Diagonal.apply(input, offset=int(diagonal), dim1=0, dim2=1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


@autocast.float32
def trace(input) -> Tensor:
    """The sum of a matrix's main diagonal (integers sum to int64)."""
    input = as_tensor_arg(input, "trace")
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return Diagonal.apply(input, offset=0, dim1=0, dim2=1).sum()


def fill_diagonal(input, fill_value, wrap: bool = False) -> Tensor:
    """``input`` with its main diagonal (all indices equal) set to ``fill_value``; tall
    matrices restart the diagonal every ncols + 1 rows with ``wrap``. (``Tensor.fill_diagonal_``
    writes it in place.)"""
    input = as_tensor_arg(input, "fill_diagonal_")
    if input.ndim < 2:
        raise RuntimeError("fill_diagonal_: dimensions must larger than 1")
    if input.ndim > 2 and len(set(input.shape)) != 1:
        raise RuntimeError("fill_diagonal_: all dimensions of input must be of equal length")
    _dt.checked_scalar(fill_value, input._data.dtype)  # (PyTorch's overflow check)
    mask = np.zeros_like(input._data, bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    # the value cast to input's dtype first (wrapping as PyTorch's integer casts do):
    # where(mask, 2.5, int32) would compute in float32 and round the other elements
    # (2**31 - 1 came back as -2**31)
    exact = _dt.int64 if isinstance(fill_value, (bool, int, np.integer)) else _dt.float64
    if input._data.dtype.kind == "c":
        exact = input.dtype
    fill = full_like(input, fill_value, dtype=exact).to(input.dtype)
    return where(Tensor._make(mask), fill, input)


def diagflat(input, offset: int = 0) -> Tensor:
    """A 2-D matrix with the flattened ``input`` on its ``offset``-th diagonal."""
    return diag(as_tensor_arg(input, "diagflat").reshape(-1), offset)


def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix from 0-, 1- or 2-D tensors (1-D count as one row)."""
    mats = []
    for i, t in enumerate(tensors):
        t = as_tensor_arg(t, "block_diag")
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.ndim} dimensions")
        mats.append(t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t)
    if not mats:
        return empty(1, 0)
    dt = _dt.result_type(*[m._data for m in mats])
    cols = sum(m.shape[1] for m in mats)
    rows, c0 = [], 0
    for m in mats:
        m = m.to(_dt.from_numpy_dtype(dt))
        rows.append(pad(m, (c0, cols - c0 - m.shape[1])))
        c0 += m.shape[1]
    return cat(rows, 0)
