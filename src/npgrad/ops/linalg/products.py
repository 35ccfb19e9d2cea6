"""Products: ``matmul`` (``@``) in all the cases ``torch.matmul`` handles, ``mm``, ``bmm``,
``mv``, ``dot``, ``outer``, ``cross``, the ``add*`` family (``addmm``...), ``einsum``,
``tensordot``, ``inner`` and ``kron``.

One primitive, :class:`Matmul`, covers matrices and batches of them (with broadcasting of
batch dimensions, which the engine undoes). Vector cases are composites that add and remove
a dimension around it, so their backward is right by construction (the 1-D matmul backward
bugs listed in ANCHORS.md cannot occur).

Also ``chain_matmul``.
"""
from __future__ import annotations

import math
import numbers
from functools import lru_cache

import numpy as np

from ...backend import array_module, as_array, ascontiguous
from .. import autocast
from ...autograd.function import Primitive
from ...dtypes import is_float_np, scalar_type_name
from .._arguments import Tensor, as_tensor_arg, describe, int_arg, named_errors, norm_dim
from ..elementwise.binary import where

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "cross", "addmm", "addmv",
           "addr", "baddbmm", "addbmm", "einsum", "tensordot", "inner", "kron", "chain_matmul"]


def _same_dtype(op: str, a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected both operands to have the same dtype, but got "
                           f"{describe(a, b)}")
    if a._data.dtype.kind == "b":
        raise NotImplementedError(f"{op}: not implemented for bool tensors ({describe(a, b)})")


class Matmul(Primitive):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.ndim > 2 or b.ndim > 2:
            ctx.node_name = "BmmBackward0" if a.ndim == b.ndim == 3 else "MatmulBackward0"
        if b.ndim == 2 and a.ndim > 2:
            # NumPy broadcasts a 2-D operand through a slow non-BLAS loop (10x slower than
            # one GEMM here): fold the batch dims into the rows instead (x @ W in Linear).
            rows = int(np.prod(a.shape[:-1]))  # not -1: ambiguous when a is empty
            return (a.reshape(rows, a.shape[-1]) @ b).reshape(a.shape[:-1] + (b.shape[-1],))
        return _bmm(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # batch dims that were broadcast are summed away by the engine
        ga = grad @ b.mT if need_a else None
        gb = None
        if need_b:
            if b.ndim == 2 and a.ndim > 2:  # one GEMM over all rows, not a batch then a sum
                rows = int(np.prod(a.shape[:-1]))
                gb = a.reshape(rows, a.shape[-1]).mT @ grad.reshape(rows, grad.shape[-1])
            else:
                gb = a.mT @ grad
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


@autocast.lower_precision
def matmul(input, other) -> Tensor:
    """Matrix product with NumPy/PyTorch semantics for every number of dimensions.

    1-D by 1-D is a dot product, a 1-D operand gets a dimension added (and removed from the
    result), and batch dimensions broadcast.

    >>> (npgrad.ones(2, 3) @ npgrad.ones(3)).shape
    npgrad.Size([2])
    """
    for x, name in ((input, "input"), (other, "other")):
        if isinstance(x, numbers.Number):
            raise TypeError(f"matmul(): argument '{name}' must be Tensor, not "
                            f"{type(x).__name__}")
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


@autocast.lower_precision
def mm(input, mat2) -> Tensor:
    """Product of two matrices (2-D only; use ``matmul`` to broadcast)."""
    input, mat2 = as_tensor_arg(input, "mm"), as_tensor_arg(mat2, "mm")
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2-D tensors, got shapes {tuple(input.shape)} and "
                           f"{tuple(mat2.shape)}")
    _same_dtype("mm", input, mat2)
    _check_inner("mm", input, mat2)
    return Matmul.apply(input, mat2)


def _no_dims(t, dim: int, op: str) -> None:
    """PyTorch's IndexError where an op reads ``t.size(dim)`` of a 0-d tensor before it checks
    the operands' ranks."""
    if isinstance(t, Tensor) and t.ndim == 0:
        raise IndexError(f"{op}: Dimension specified as {dim} but tensor has no dimensions")


@autocast.lower_precision
def bmm(input, mat2) -> Tensor:
    """Batched product of two 3-D tensors with the same batch size (no broadcasting)."""
    input, mat2 = as_tensor_arg(input, "bmm"), as_tensor_arg(mat2, "bmm")
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
    input, vec = as_tensor_arg(input, "mv"), as_tensor_arg(vec, "mv")
    _no_dims(input, 0, "mv")  # (PyTorch sizes the result from input's dim 0 first)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"mv: expected a 2-D and a 1-D tensor, got shapes "
                           f"{tuple(input.shape)} and {tuple(vec.shape)}")
    _same_dtype("mv", input, vec)
    _check_inner("mv", input, vec)
    return Matmul.apply(input, vec.unsqueeze(1)).squeeze(-1)


class Dot(Primitive):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return as_array(np.dot(a, b))

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
    input, vec2 = as_tensor_arg(input, "outer"), as_tensor_arg(vec2, "outer")
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


def cross_linalg(input, other, *, dim: int = -1) -> Tensor:
    """``torch.linalg.cross``: as ``cross`` with the last dimension by default."""
    return cross(input, other, dim)


@autocast.lower_precision
def vecdot(x, y, *, dim: int = -1) -> Tensor:
    """Dot products along ``dim`` (real tensors: no conjugation); operands broadcast."""
    x, y = as_tensor_arg(x, "linalg.vecdot"), as_tensor_arg(y, "linalg.vecdot", "y")
    if not is_float_np(x._data.dtype):
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as "
                           f"input. Got {scalar_type_name(x._data.dtype)}")
    if y._data.dtype != x._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {scalar_type_name(x._data.dtype)} and y of type "
                           f"{scalar_type_name(y._data.dtype)} instead")
    return (x * y).sum(int_arg(dim, "linalg_vecdot", "dim"))


@autocast.lower_precision
def multi_dot(tensors) -> Tensor:
    """The product of a chain of matrices; the first and last may be vectors."""
    tensors = [as_tensor_arg(t, "linalg.multi_dot") for t in tensors]
    if len(tensors) < 2:
        raise RuntimeError(f"linalg.multi_dot: expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        if t.ndim != 2 and not (t.ndim == 1 and i in (0, len(tensors) - 1)):
            raise RuntimeError(f"linalg.multi_dot: tensor {i} must be 2D (the first and last may "
                               f"be 1D) but got {t.ndim}D")
    if len(tensors) == 2:
        return matmul(tensors[0], tensors[1])
    # vectors as a row and a column, so that the chain is of matrices; squeezed back at the end
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = ([tensors[0].unsqueeze(0)] if first else [tensors[0]]) + tensors[1:-1] \
        + ([tensors[-1].unsqueeze(-1)] if last else [tensors[-1]])
    out = _chain_product(mats, _chain_order(tuple(m.shape[0] for m in mats)
                                            + (mats[-1].shape[1],)))
    if last:
        out = out.squeeze(-1)
    return out.squeeze(0) if first else out


def _chain_order(dims: tuple):
    """The cheapest parenthesisation of matrices of shapes (dims[i], dims[i+1]) by the count
    of multiplications, as PyTorch picks it (its order decides where inf and nan land): for
    three, (AB)C unless A(BC) is strictly cheaper; for more, the textbook dynamic programme
    with the first cheapest split. Returns nested pairs of matrix indices."""
    n = len(dims) - 1
    if n == 3:
        a, b, c, d = dims
        return (0, (1, 2)) if a * c * (b + d) > b * d * (a + c) else ((0, 1), 2)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k

    def nest(i, j):
        return i if i == j else (nest(i, split[i][j]), nest(split[i][j] + 1, j))
    return nest(0, n - 1)


def _chain_product(mats: list, order) -> Tensor:
    if isinstance(order, int):
        return mats[order]
    return matmul(_chain_product(mats, order[0]), _chain_product(mats, order[1]))


# ---------------------------------------------------------------------------------------------
# mm-plus-input ops: addmm, addmv, addr, baddbmm, addbmm (beta * input + alpha * product)
# ---------------------------------------------------------------------------------------------

def _add_scaled(op: str, input, prod: Tensor, beta, alpha) -> Tensor:
    """``beta * input + alpha * prod``, where ``input`` broadcasts to ``prod``'s shape."""
    inp = as_tensor_arg(input, op)
    if inp._data.dtype != prod._data.dtype:
        raise RuntimeError(f"{op}: expected input and the product to have the same dtype, but "
                           f"got {describe(inp, prod)}")
    try:
        ok = np.broadcast_shapes(inp._data.shape, prod._data.shape) == prod._data.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"{op}: input of shape {tuple(inp.shape)} cannot be broadcast to the "
                           f"product's shape {tuple(prod.shape)}")
    if prod._data.dtype.kind in "iu":
        # as PyTorch: the scales take the integer result's type (truncated), so it stays
        alpha, beta = int(alpha), int(beta)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        # NOTE: as PyTorch, beta=0 ignores input (nan and inf in it do not propagate) and
        # gives it a zero gradient
        return prod + where(Tensor._make(np.zeros_like(inp._data, bool)), inp, 0)
    return prod + (inp if beta == 1 else inp * beta)


@autocast.lower_precision
def addmm(input, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to the product."""
    with named_errors("addmm"):
        prod = mm(mat1, mat2)
    return _add_scaled("addmm", input, prod, beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    ranks = [t.ndim for t in (input, mat, vec) if isinstance(t, Tensor)]
    if len(ranks) == 3 and (ranks[1] != 2 or ranks[2] != 1 or ranks[0] > 1):
        # (PyTorch's own check, before mv's)
        raise RuntimeError(f"addmv: vector + matrix @ vector expected, got "
                           f"{', '.join(map(str, ranks))}")
    with named_errors("addmv"):
        prod = mv(mat, vec)
    return _add_scaled("addmv", input, prod, beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``."""
    with named_errors("addr"):
        prod = outer(vec1, vec2)
    if prod._data.dtype.kind in "iub":
        for name, scale in (("beta", beta), ("alpha", alpha)):
            if isinstance(scale, float):  # (addmm and the others truncate it instead)
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a "
                                   f"floating point number.")
    return _add_scaled("addr", input, prod, beta, alpha)


@autocast.lower_precision
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    # (PyTorch sizes the result from batch1's dims 0, 1 and batch2's dim 2 first)
    _no_dims(batch1, 0, "baddbmm")
    _no_dims(batch2, 2, "baddbmm")
    with named_errors("baddbmm"):
        prod = bmm(batch1, batch2)
    return _add_scaled("baddbmm", input, prod, beta, alpha)


@autocast.lower_precision
def addbmm(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2).sum(0)``."""
    # (PyTorch sizes the result from batch1's dim 1 and batch2's dim 2 first)
    _no_dims(batch1, 1, "addbmm")
    _no_dims(batch2, 2, "addbmm")
    with named_errors("addbmm"):
        prod = bmm(batch1, batch2)
    # (summed in its own dtype: an integer sum would otherwise widen to int64)
    return _add_scaled("addbmm", input, prod.sum(0, dtype=prod.dtype), beta, alpha)


# ---------------------------------------------------------------------------------------------
# einsum: one primitive on an explicit equation (no ellipsis, operands pre-broadcast); the
# gradient of each operand is another einsum, so every order of derivative is an einsum
# ---------------------------------------------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Einsum(Primitive):
    node_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, *arrays, equation):
        ctx.save_for_backward(*arrays)
        ctx.equation = equation
        if len(arrays) == 2:
            out = _contract_pair(equation, *arrays)
            if out is not None:
                return out
        return as_array(np.einsum(equation, *arrays, optimize=len(arrays) > 1))

    @staticmethod
    def backward(ctx, grad):
        ops = ctx.saved_tensors
        ins, out = ctx.equation.split("->")
        subs = ins.split(",")
        used = set(ctx.equation)
        fresh = (c for c in _LETTERS if c not in used)
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            shape, dt = ops[k]._data.shape, grad._data.dtype
            terms, args = [out], [grad]
            for j, (s, o) in enumerate(zip(subs, ops)):
                if j != k:
                    terms.append(s)
                    args.append(o)
            # a label repeated in operand k (a diagonal) gets a fresh label tied to the first
            # by an identity matrix, so the gradient lands on the diagonal
            target, seen = [], set()
            for c, n in zip(subs[k], shape):
                if c in seen:
                    f = next(fresh)
                    terms.append(c + f)
                    args.append(Tensor._make(array_module(grad._data).eye(n, dtype=dt)))
                    c = f
                seen.add(c)
                target.append(c)
            # a label only operand k has was summed over: its gradient is broadcast along it
            have = set("".join(terms))
            for c, n in zip(target, shape):
                if c not in have:
                    terms.append(c)
                    args.append(Tensor._make(np.ones_like(grad._data, shape=(n,))))
            grads.append(Einsum.apply(*args, equation=",".join(terms) + "->" + "".join(target)))
        return tuple(grads)


def _contract_pair(equation: str, a: np.ndarray, b: np.ndarray):
    """Two-operand einsum as one batched matmul (NumPy's einsum does not use BLAS when there
    are batch labels, which made e.g. attention's backward ~30x slower). Returns None for
    equations with a label repeated inside an operand (diagonals), left to np.einsum."""
    plan = _pair_plan(equation, a.shape, b.shape)
    if plan is None:
        return None
    sum_a, sum_b, swap, perm_a, shape_a, perm_b, shape_b, res_shape, res_perm = plan
    if sum_a:
        a = a.sum(axis=sum_a)
    if sum_b:
        b = b.sum(axis=sum_b)
    if swap:
        a, b = b, a
    am = a.transpose(perm_a).reshape(shape_a)
    bm = b.transpose(perm_b).reshape(shape_b)
    order_a, order_b = _order(am), _order(bm)
    if order_a is None:
        am = ascontiguous(am)
    # OpenBLAS's threaded sgemm with only the right operand transposed stalls for 10-700 ms
    # on a busy machine in NumPy's batched loop (seen at 32x(64x96 @ 96x128), 2 threads);
    # the other orientations don't: copy it then.
    if order_b is None or (order_b == "F" and order_a != "F" and bm.ndim > 2):
        bm = ascontiguous(bm)
    res = np.matmul(am, bm)
    res = res.reshape(res_shape)
    if res_perm is None:
        return res
    return ascontiguous(res.transpose(res_perm))


@lru_cache(maxsize=1024)
def _pair_plan(equation: str, shape_a: tuple, shape_b: tuple):
    """How :func:`_contract_pair` computes ``equation`` for these shapes (cached: the same
    contraction runs every step): the labels summed away first, whether the operands swap
    places (so that the matmul's result is already in the output's order), the operands'
    transposes and matrix shapes, and the result's shape and final transpose (or None)."""
    ins, out = equation.split("->")
    sa, sb = ins.split(",")
    if len(set(sa)) != len(sa) or len(set(sb)) != len(sb) or len(set(out)) != len(out):
        return None
    size = dict(zip(sa, shape_a))
    for c, n in zip(sb, shape_b):
        if size.setdefault(c, n) != n:  # size-1 labels broadcast: leave them to np.einsum
            return None
    # labels in one operand only and not in the output are summed away first
    only_a = [c for c in sa if c not in sb and c not in out]
    only_b = [c for c in sb if c not in sa and c not in out]
    sum_a = tuple(sa.index(c) for c in only_a)
    sum_b = tuple(sb.index(c) for c in only_b)
    sa = "".join(c for c in sa if c not in only_a)
    sb = "".join(c for c in sb if c not in only_b)
    batch = [c for c in out if c in sa and c in sb]
    contract = [c for c in sa if c in sb and c not in out]
    free_a = [c for c in sa if c not in sb]
    free_b = [c for c in sb if c not in sa]
    # the matmul gives batch + free_a + free_b; with the operands swapped, batch + free_b +
    # free_a: pick the one that is the output's order, so no transposing copy is needed
    swap = list(out) != batch + free_a + free_b and list(out) == batch + free_b + free_a
    if swap:
        sa, sb, free_a, free_b = sb, sa, free_b, free_a
    nb = [size[c] for c in batch]
    na, nk, nn = (math.prod(size[c] for c in g) for g in (free_a, contract, free_b))
    order = batch + free_a + free_b
    res_perm = None if list(out) == order else tuple(order.index(c) for c in out)
    return (sum_a, sum_b, swap,
            tuple(sa.index(c) for c in batch + free_a + contract), tuple(nb + [na, nk]),
            tuple(sb.index(c) for c in batch + contract + free_b), tuple(nb + [nk, nn]),
            tuple(size[c] for c in order), res_perm)


def _order(m: np.ndarray):
    """"C" or "F" if the matrices of ``m`` (its last two dims) can go to BLAS as they are,
    as rows or as columns (np.matmul then takes them without a copy), else None: with
    neither dim contiguous NumPy's matmul falls back to a loop far slower than a copy."""
    if m.ndim < 2:
        return "C"
    (rows, cols), (sr, sc), item = m.shape[-2:], m.strides[-2:], m.itemsize
    if sc == item and sr % item == 0 and sr // item >= cols:
        return "C"
    if sr == item and sc % item == 0 and sc // item >= rows:
        return "F"
    return None


def _bmm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.matmul, with stacks of matrices made contiguous first: NumPy's batched loop falls
    off BLAS for transposed stacks (200x slower at attention sizes), a copy is O(n)."""
    if a.ndim > 2 and not a.flags.c_contiguous:
        a = ascontiguous(a)
    if b.ndim > 2 and not b.flags.c_contiguous:
        b = ascontiguous(b)
    return np.matmul(a, b)


def _einsum_parse(equation: str, shapes: list) -> tuple:
    """PyTorch's einsum equation (with ``...`` and implicit output) as explicit subscripts."""
    eq = equation.replace(" ", "")
    ins, arrow, out = eq.partition("->")
    subs = ins.split(",")
    if len(subs) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                           "equation")
    if len(subs) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    for s in subs + [out]:
        bad = set(s.replace("...", "")) - set(_LETTERS)
        if bad or s.count("...") > 1:
            raise RuntimeError(f"einsum(): invalid subscript given in equation {equation!r}: "
                               f"only letters and at most one ellipsis per operand")
    free = [c for c in _LETTERS if c not in eq]
    n_ell = 0
    for i, (s, shape) in enumerate(zip(subs, shapes)):
        n = len(s.replace("...", ""))
        if ("..." in s and n > len(shape)) or ("..." not in s and n != len(shape)):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does "
                               f"not match the number of dimensions ({len(shape)}) for operand "
                               f"{i}" + ("" if "..." in s else " and no ellipsis was given"))
        if "..." in s:
            n_ell = max(n_ell, len(shape) - n)
    ell = "".join(free[:n_ell])
    # an operand's ellipsis dims align with the rightmost of the broadcast ellipsis dims
    subs = [s.replace("...", ell[n_ell - (len(shape) - len(s) + 3):]) for s, shape in
            zip(subs, shapes)]
    if arrow:
        out = out.replace("...", ell)
        for c in out:
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
            if not any(c in s for s in subs):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
    else:
        letters = "".join(s for s in subs)
        out = ell + "".join(sorted(c for c in set(letters) - set(ell)
                                   if letters.count(c) == 1))
    return subs, out


@lru_cache(maxsize=1024)
def _einsum_plan(equation: str, shapes: tuple) -> tuple:
    """The explicit equation for these operand shapes, and the shape each operand is expanded
    to first (None: as it is); checks that labels' sizes agree. Cached: a model runs the
    same einsum every step, and parsing costs about as much as a small contraction."""
    subs, out = _einsum_parse(equation, list(shapes))
    sizes = {}
    for i, (s, shape) in enumerate(zip(subs, shapes)):
        mine = {}
        for c, n in zip(s, shape):
            if mine.setdefault(c, n) != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but "
                                   f"the sizes don't match, {mine[c]} != {n}")
            old = sizes.get(c, 1)
            if n != old and old != 1 and n != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which "
                                   f"does not broadcast with previously seen size {old}")
            if old == 1:
                sizes[c] = n
    targets = tuple(tuple(sizes[c] for c in s) if any(n != sizes[c] for c, n in zip(s, shape))
                    and len(set(s)) == len(s) else None for s, shape in zip(subs, shapes))
    return ",".join(subs) + "->" + out, targets


def _einsum_sublists(args: tuple) -> tuple:
    """``(x, [0, 1], y, [1, 2], [0, 2])`` as ``('ab,bc->ac', x, y)``."""
    def letters(sub) -> str:
        out = []
        for i in sub:
            if i is Ellipsis:
                out.append("...")
            elif isinstance(i, (int, np.integer)) and 0 <= i < len(_LETTERS):
                out.append(_LETTERS[i])
            else:
                raise ValueError(f"einsum(): subscript in subscript list is not within the "
                                 f"valid range [0, {len(_LETTERS)})")
        return "".join(out)
    ops, subs = args[0:-1:2] if len(args) % 2 else args[0::2], []
    for k in range(len(ops)):
        subs.append(letters(args[2 * k + 1]))
    eq = ",".join(subs) + ("->" + letters(args[-1]) if len(args) % 2 else "")
    return (eq,) + tuple(ops)


@autocast.lower_precision
def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation as ``torch.einsum``: ``...`` broadcasts, an implicit output lists the
    labels seen once in alphabetical order, a label repeated in an operand takes a diagonal
    (``'ii->i'``), and operands come as arguments or as one list.

    >>> npgrad.einsum('bij,bjk->bik', npgrad.ones(2, 3, 4), npgrad.ones(2, 4, 5)).shape
    npgrad.Size([2, 3, 5])

    The sublist form ``einsum(x, [0, 1], y, [1, 2], [0, 2])`` (ints, ``...`` as Ellipsis)
    is accepted too.
    """
    if not isinstance(equation, str):
        return einsum(*_einsum_sublists((equation,) + operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [as_tensor_arg(o, "einsum") for o in operands]
    if not ops:
        raise RuntimeError("einsum(): must provide at least one operand")
    for o in ops[1:]:
        _same_dtype("einsum", ops[0], o)
    shapes = tuple(o._data.shape for o in ops)
    eq, targets = _einsum_plan(equation, shapes)
    # size-1 dimensions broadcast: expanding them first keeps the primitive's equation exact
    ops = [o if t is None else o.expand(*t) for o, t in zip(ops, targets)]
    if ops[0]._data.dtype.kind not in "biu":
        return Einsum.apply(*ops, equation=eq)
    # PyTorch sums some labels out with ``sum`` (which counts bools and adds integers in
    # int64, giving int64) and contracts the others with bmm (which keeps the dtype)
    if _einsum_sums_out(eq, shapes):
        return Einsum.apply(*[o.long() for o in ops], equation=eq)
    return Einsum.apply(*ops, equation=eq).to(ops[0].dtype)


def _einsum_sums_out(eq: str, shapes: tuple) -> bool:
    """Whether PyTorch's einsum reduces a label with ``sum`` for these operand shapes: with
    one operand, any label not in the output; with more, a label not in the output that has
    a size other than 1 in exactly one operand (in two or more it is contracted by bmm, in
    none squeezed away)."""
    ins, out = eq.split("->")
    subs = ins.split(",")
    gone = {c for s in subs for c in s} - set(out)
    if len(subs) == 1:
        return bool(gone)
    return any(sum(1 for s, shape in zip(subs, shapes)
                   if any(c == l and n != 1 for l, n in zip(s, shape))) == 1 for c in gone)


# ---------------------------------------------------------------------------------------------
# tensordot, inner, kron: composites of einsum, reshape and mul
# ---------------------------------------------------------------------------------------------

@autocast.lower_precision
def tensordot(a, b, dims=2) -> Tensor:
    """Contract the last ``dims`` dimensions of ``a`` with the first ``dims`` of ``b``, or the
    dimensions listed in ``dims = (dims_a, dims_b)``."""
    a, b = as_tensor_arg(a, "tensordot"), as_tensor_arg(b, "tensordot")
    _same_dtype("tensordot", a, b)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot: expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot: expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, (int, np.integer)) else list(da)
        db = [db] if isinstance(db, (int, np.integer)) else list(db)
        if len(da) != len(db):
            raise RuntimeError(f"tensordot: both dimension lists should have same length, "
                               f"got {len(da)} and {len(db)}")
        da = [norm_dim(d, a.ndim, "tensordot") for d in da]
        db = [norm_dim(d, b.ndim, "tensordot") for d in db]
    for i, j in zip(da, db):
        if a._data.shape[i] != b._data.shape[j]:
            raise RuntimeError(f"tensordot: contracted dimensions need to match, but first has "
                               f"size {a._data.shape[i]} in dim {i} and second has size "
                               f"{b._data.shape[j]} in dim {j}")
    sa = list(_LETTERS[:a.ndim])
    sb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(da, db):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in da] + [c for j, c in enumerate(sb)
                                                          if j not in db]
    return einsum("".join(sa) + "," + "".join(sb) + "->" + "".join(out), a, b)


def inner(input, other) -> Tensor:
    """Sum of products over the last dimension of both; a 0-d operand multiplies."""
    a, b = as_tensor_arg(input, "inner"), as_tensor_arg(other, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    _same_dtype("inner", a, b)
    if a._data.shape[-1] != b._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(a.shape)} and {list(b.shape)}")
    return tensordot(a, b, ([-1], [-1]))


def kron(input, other) -> Tensor:
    """Kronecker product: blocks ``input[i, j] * other`` laid out in ``input``'s grid."""
    a, b = as_tensor_arg(input, "kron"), as_tensor_arg(other, "kron")
    n = max(a.ndim, b.ndim)
    sa = (1,) * (n - a.ndim) + tuple(a.shape)
    sb = (1,) * (n - b.ndim) + tuple(b.shape)
    # interleave: a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...)
    ra = [x for s in sa for x in (s, 1)]
    rb = [x for s in sb for x in (1, s)]
    return (a.reshape(ra) * b.reshape(rb)).reshape([x * y for x, y in zip(sa, sb)])


@autocast.lower_precision
@named_errors("chain_matmul")
def chain_matmul(*matrices) -> Tensor:
    """The product of 2-D matrices left to right (deprecated in PyTorch for
    ``linalg.multi_dot``)."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if any(m.ndim != 2 for m in matrices):
        raise RuntimeError("chain_matmul(): Expected all tensors to be 2-D matrices")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(list(matrices))
