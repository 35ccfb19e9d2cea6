"""Products: ``matmul`` (``@``) in all the cases ``torch.matmul`` handles, ``mm``, ``bmm``,
``mv``, ``dot``, ``outer`` and ``cross``.

One primitive, :class:`Matmul`, covers matrices and batches of them (with broadcasting of
batch dimensions, which the engine undoes). Vector cases are composites that add and remove
a dimension around it, so their backward is right by construction (the 1-D matmul backward
bugs listed in ANCHORS.md cannot occur).
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Primitive
from ._util import Tensor, as_tensor_arg, describe, norm_dim

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "cross"]


def _same_dtype(op: str, a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected both operands to have the same dtype, but got "
                           f"{describe(a, b)}")


class Matmul(Primitive):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.ndim > 2 or b.ndim > 2:
            ctx.node_name = "BmmBackward0" if a.ndim == b.ndim == 3 else "MatmulBackward0"
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # batch dims that were broadcast are summed away by the engine
        ga = grad @ b.mT if need_a else None
        gb = a.mT @ grad if need_b else None
        return ga, gb


def _check_inner(op: str, a: Tensor, b: Tensor) -> None:
    sa, sb = a._data.shape, b._data.shape
    ka, kb = sa[-1], sb[-2] if len(sb) > 1 else sb[-1]
    if ka != kb:
        raise RuntimeError(f"{op}: shapes {tuple(sa)} and {tuple(sb)} cannot be multiplied "
                           f"({ka} != {kb})")
    batch_a, batch_b = sa[:-2], sb[:-2]
    try:
        np.broadcast_shapes(batch_a, batch_b)
    except ValueError:
        raise RuntimeError(f"{op}: batch dimensions of shapes {tuple(sa)} and {tuple(sb)} do "
                           "not broadcast") from None


def matmul(input, other) -> Tensor:
    """Matrix product with NumPy/PyTorch semantics for every number of dimensions.

    1-D by 1-D is a dot product, a 1-D operand gets a dimension added (and removed from the
    result), and batch dimensions broadcast.

    >>> (npgrad.ones(2, 3) @ npgrad.ones(3)).shape
    npgrad.Size([2])
    """
    a, b = as_tensor_arg(input, "matmul"), as_tensor_arg(other, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes "
                           f"{tuple(a.shape)} and {tuple(b.shape)}")
    _same_dtype("matmul", a, b)
    _check_inner("matmul", a, b)
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    if a.ndim == 1:
        return Matmul.apply(a.unsqueeze(0), b).squeeze(-2)
    if b.ndim == 1:
        return Matmul.apply(a, b.unsqueeze(1)).squeeze(-1)
    return Matmul.apply(a, b)


def mm(input, mat2) -> Tensor:
    """Product of two matrices (2-D only; use ``matmul`` to broadcast)."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2-D tensors, got shapes {tuple(input.shape)} and "
                           f"{tuple(mat2.shape)}")
    _same_dtype("mm", input, mat2)
    _check_inner("mm", input, mat2)
    return Matmul.apply(input, mat2)


def bmm(input, mat2) -> Tensor:
    """Batched product of two 3-D tensors with the same batch size (no broadcasting)."""
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm: expected 3-D tensors, got shapes {tuple(input.shape)} and "
                           f"{tuple(mat2.shape)}")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: shapes {tuple(input.shape)} and "
                           f"{tuple(mat2.shape)}")
    _same_dtype("bmm", input, mat2)
    _check_inner("bmm", input, mat2)
    return Matmul.apply(input, mat2)


def mv(input, vec) -> Tensor:
    """Matrix-vector product."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"mv: expected a 2-D and a 1-D tensor, got shapes "
                           f"{tuple(input.shape)} and {tuple(vec.shape)}")
    return matmul(input, vec)


class Dot(Primitive):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.asarray(np.dot(a, b))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


def dot(input, other) -> Tensor:
    """Inner product of two 1-D tensors of the same length and dtype."""
    a, b = as_tensor_arg(input, "dot"), as_tensor_arg(other, "dot")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"dot: 1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a._data.shape != b._data.shape:
        raise RuntimeError(f"dot: inconsistent tensor size, expected tensor [{a.shape[0]}] and "
                           f"src [{b.shape[0]}] to have the same number of elements")
    _same_dtype("dot", a, b)
    return Dot.apply(a, b)


vdot = dot  # real tensors only: conjugation is the identity


def outer(input, vec2) -> Tensor:
    """Outer product of two vectors: ``out[i, j] = input[i] * vec2[j]``."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got shapes {tuple(input.shape)} and "
                           f"{tuple(vec2.shape)}")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


class Cross(Primitive):
    node_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return np.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # d(a x b) = da x b + a x db, so a gets b x grad and b gets grad x a
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = Cross.apply(b, grad, dim=ctx.dim) if need_a else None
        gb = Cross.apply(grad, a, dim=ctx.dim) if need_b else None
        return ga, gb


def cross(input, other, dim: int | None = None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (default: the first dimension of size 3, as
    ``torch.cross``); the operands broadcast."""
    a, b = as_tensor_arg(input, "cross"), as_tensor_arg(other, "cross")
    try:
        shape = np.broadcast_shapes(a._data.shape, b._data.shape)
    except ValueError:
        raise RuntimeError(f"cross: shapes {describe(a, b)} do not broadcast") from None
    if dim is None:
        dims = [i for i, s in enumerate(shape) if s == 3]
        if not dims:
            raise RuntimeError(f"cross: no dimension of size 3 in input of shape {shape}")
        dim = dims[0]
    d = norm_dim(dim, len(shape), "cross")
    if a.ndim != b.ndim or shape[d] != 3 or a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"cross: inputs must have the same number of dimensions and size 3 "
                           f"at dim {dim}, got {describe(a, b)}")
    _same_dtype("cross", a, b)
    return Cross.apply(a, b, dim=d)
