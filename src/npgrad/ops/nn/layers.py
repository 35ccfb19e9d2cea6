"""Layer functions of ``nn.functional`` that are plain algebra: ``linear`` and ``bilinear``, and
``linear_cross_entropy`` (a linear layer straight into the cross-entropy loss)."""
from __future__ import annotations

import math

import numpy as np

from .. import autocast
from ...backend import to_host
from ...dtypes import is_float_np, scalar_type_name, type_meta_name
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg, describe, named_errors, tensor_or_none
from ..creation.factories import zeros
from ..linalg.products import matmul
from ..shape.joins import cat, stack
from .loss import cross_entropy
from .pad import pad

__all__ = ["linear", "bilinear", "linear_cross_entropy", "grouped_mm"]


class Linear(Primitive):
    """Fused ``x @ W.T + b`` (speed: one GEMM over all rows with the bias added in place,
    one node instead of matmul + add, and the bias gradient as one row sum, not the engine's
    broadcast reduction). Backward in npgrad ops."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        if x.ndim != 2:
            ctx.node_name = "ViewBackward0"  # torch flattens the rows and views the result
        rows = math.prod(x.shape[:-1])  # not -1: ambiguous when x is empty
        out = np.matmul(x.reshape(rows, x.shape[-1]), w.T)
        if b is not None:
            out += b
        return out.reshape(x.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        flat = x.ndim != 2  # (a reshape costs a node even when it changes nothing)
        rows = math.prod(x.shape[:-1])
        g2 = grad.reshape(rows, w.shape[0]) if flat else grad
        gx = None
        if need_x:
            gx = g2 @ w
            gx = gx.reshape(x.shape) if flat else gx
        gw = g2.mT @ (x.reshape(rows, x.shape[-1]) if flat else x) if need_w else None
        gb = g2.sum(0) if need_b else None
        return gx, gw, gb


def _fusable(input: Tensor, weight: Tensor, bias) -> bool:
    """Linear's fast path: same float dtype throughout, a matrix weight, shapes that fit
    (anything else takes the composite, which raises matmul's errors)."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)):
        return False
    x, w = input._data, weight._data
    if (w.ndim != 2 or x.ndim == 0 or x.dtype != w.dtype or not is_float_np(x.dtype)
            or x.shape[-1] != w.shape[1]):
        return False
    if bias is None:
        return True
    return (isinstance(bias, Tensor) and bias._data.dtype == x.dtype
            and bias._data.shape == (w.shape[0],))


@autocast.lower_precision
@named_errors("linear")
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, for inputs of shape ``(*, in_features)``.

    >>> F.linear(npgrad.ones(2, 3), npgrad.ones(4, 3)).shape
    npgrad.Size([2, 4])
    """
    if bias is not None and _fusable(input, weight, bias):
        return Linear.apply(input, weight, bias)
    input, weight = as_tensor_arg(input, "linear"), as_tensor_arg(weight, "linear", "weight")
    bias = tensor_or_none(bias, "linear", "bias", 3)
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{scalar_type_name(bias._data.dtype)} and "
                           f"{scalar_type_name(input._data.dtype)} (bias {describe(bias)}, "
                           f"input {describe(input)})")
    out = input @ weight.mT if weight.ndim == 2 else input @ weight
    return out + bias if bias is not None else out


@named_errors("bilinear")
def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``out[..., k] = input1 @ weight[k] @ input2 + bias[k]`` for ``weight`` of shape
    ``(out_features, in1_features, in2_features)``."""
    input1, input2 = as_tensor_arg(input1, "bilinear", "input1"), as_tensor_arg(input2, "bilinear",
                                                                                  "input2")
    weight, bias = as_tensor_arg(weight, "bilinear", "weight"), tensor_or_none(bias, "bilinear",
                                                                                "bias", 4)
    if bias is not None and bias.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions (bilinear: bias)")
    if bias is not None and bias._data.dtype != input1._data.dtype:
        raise RuntimeError(f"All tensors must have the same dtype, got input1: "
                           f"{input1._data.dtype}, input2: {input2._data.dtype}, weight: "
                           f"{weight._data.dtype}, bias: {bias._data.dtype} (bilinear)")
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear: input1 and input2 must have the same batch dimensions, "
                           f"got {tuple(input1.shape)} and {tuple(input2.shape)}")
    if weight.ndim < 2:
        raise IndexError(f"Dimension specified as 1 but tensor has {weight.ndim or 'no'} "
                         f"dimensions (bilinear: weight)")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0]} but expected {weight.shape[0]}")
    # (*, 1, 1, in1) @ (out, in1, in2) -> (*, out, 1, in2); then with (*, 1, in2, 1)
    left = input1.unsqueeze(-2).unsqueeze(-2) @ weight
    out = (left @ input2.unsqueeze(-2).unsqueeze(-1)).squeeze(-1).squeeze(-1)
    return out + bias if bias is not None else out


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``; a weight of
    shape (C, d_1, ..., d_K, in) gives K-dimensional logits (N, C, d_1, ..., d_K).
    ``ignore_index=None`` ignores the targets -100 (class targets) or nothing (probabilities).

    NOTE: PyTorch can chunk the batch to save memory (``options``); npgrad accepts the options
    and computes the reference form, which gives the same values."""
    op = "linear_cross_entropy"
    input, linear_weight, target = (as_tensor_arg(t, op, name) for t, name in (
        (input, "input"), (linear_weight, "linear_weight"), (target, "target")))
    if not 1 <= input.ndim <= 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.ndim}")
    if input.shape[-1] != linear_weight.shape[-1]:
        raise RuntimeError(f"expected equal input and linear_weight last dimensions "
                           f"(in_features), got {input.shape[-1]} and {linear_weight.shape[-1]}, "
                           f"respectively")
    classes, batch = tuple(linear_weight.shape[:-1]), tuple(input.shape[:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != classes:
        raise RuntimeError(f"expected linear_bias shape {classes}, got "
                           f"{tuple(linear_bias.shape)}")
    if len(classes) > 1 and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape "
                           f"{tuple(linear_weight.shape)} requires batched input, "
                           f"(N, {input.shape[-1]}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    if tuple(target.shape) == batch + classes and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    logits = linear(input, linear_weight.reshape(-1, linear_weight.shape[-1]))
    logits = logits.reshape(*batch, *classes)
    if linear_bias is not None:
        logits = logits + linear_bias
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


# ---------------------------------------------------------------------------------------------
# grouped_mm: one matrix product per group (mixture-of-experts layers)
# ---------------------------------------------------------------------------------------------

def _group_bounds(offs: Tensor, groups: int | None, op: str) -> list:
    """``[(start, end)]`` of each group from the int32 end offsets ``offs``."""
    if offs.ndim != 1:
        raise RuntimeError("offs has to be 1D")
    if offs._data.dtype != np.int32:
        raise RuntimeError("Offsets have to be int32")
    if groups is not None and offs.shape[0] != groups:
        raise RuntimeError("matrix batch sizes have to match")
    ends = [int(e) for e in to_host(offs._data)]  # (one small host copy: the group sizes)
    if any(e < s for s, e in zip([0] + ends[:-1], ends)):
        # NOTE: PyTorch lets overlapping groups overwrite each other; npgrad refuses them
        raise RuntimeError(f"{op}: offsets must be non-decreasing and non-negative, got {ends}")
    return list(zip([0] + ends[:-1], ends))


def _check_extent(bounds: list, size: int, op: str) -> None:
    # NOTE: PyTorch reads past the operand for offsets beyond it; npgrad refuses them
    if any(e > size for _, e in bounds):
        raise RuntimeError(f"{op}: offsets must be at most {size} (the length of the jagged "
                           f"dimension), got {[e for _, e in bounds]}")


@named_errors("grouped_mm")
def grouped_mm(mat_a, mat_b, *, offs=None, bias=None, out_dtype=None) -> Tensor:
    """A matrix product per group, as PyTorch's CPU kernel: 3-D x 3-D is ``bmm``; a 2-D
    operand is cut into groups along its jagged dim by the int32 end offsets ``offs``:
    (M, K) x (G, K, N) -> (M, N) (rows of ``mat_a``), (G, M, K) x (K, T) -> (M, T) (columns
    of ``mat_b``), (K, T) x (T, N) -> (G, K, N) (the contraction dim). Output past
    ``offs[-1]`` is zero.

    NOTE: PyTorch leaves output past ``offs[-1]`` uninitialised, refuses float64 and needs
    16-byte-aligned strides (its GPU kernels' layout); npgrad takes float64 too (so gradcheck
    runs) and any strides."""
    op = "grouped_mm"
    a, b = as_tensor_arg(mat_a, op), as_tensor_arg(mat_b, op)
    for t, name in ((a, "mat_a"), (b, "mat_b")):
        if not is_float_np(t._data.dtype):
            raise RuntimeError(f"Expected {name} to be Float32, BFloat16 or Float16 matrix, "
                               f"got {scalar_type_name(t._data.dtype)}")
    for t, name in ((a, "mat_a"), (b, "mat_b")):
        if t.ndim not in (2, 3):
            raise RuntimeError(f"{name} has to be 2 or 3d")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype "
                           f"{type_meta_name(b._data.dtype)}, but got "
                           f"{type_meta_name(a._data.dtype)} instead")
    if out_dtype is not None and out_dtype != a.dtype:
        raise RuntimeError("Grouped gemm output dtype must match `mat_a` dtype")
    if bias is not None:
        raise RuntimeError("Bias not supported yet")
    if (a.ndim == 2 or b.ndim == 2) != (offs is not None):
        raise RuntimeError("Have to provide offsets if there is a 2d matrix, or no offset if "
                           "both matrices are 3d")
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError("contraction dimension of mat_a and mat_b must match")
    if a.ndim == 3 and b.ndim == 3:
        if a.shape[0] != b.shape[0]:
            raise RuntimeError("batched dimension has to match")
        return matmul(a, b)
    offs = as_tensor_arg(offs, op)
    if a.ndim == 2 and b.ndim == 3:      # rows of a in groups, each times its b[g]
        bounds = _group_bounds(offs, b.shape[0], op)
        _check_extent(bounds, a.shape[0], op)
        parts = [matmul(a[s:e], b[g]) for g, (s, e) in enumerate(bounds)]
        return _joined(parts, 0, a.shape[0], (a.shape[0], b.shape[2]), a)
    if a.ndim == 3:                      # columns of b in groups, each a[g] times them
        bounds = _group_bounds(offs, a.shape[0], op)
        _check_extent(bounds, b.shape[1], op)
        parts = [matmul(a[g], b[:, s:e]) for g, (s, e) in enumerate(bounds)]
        return _joined(parts, 1, b.shape[1], (a.shape[1], b.shape[1]), a)
    bounds = _group_bounds(offs, None, op)  # the contraction dim in groups
    _check_extent(bounds, a.shape[1], op)
    return stack([matmul(a[:, s:e], b[s:e]) for s, e in bounds])


def _joined(parts: list, dim: int, size: int, shape: tuple, like: Tensor) -> Tensor:
    """The groups' results side by side along ``dim``, zero-padded to ``size`` there."""
    if not parts:
        return zeros(*shape, dtype=like.dtype, device=like.device)
    out = cat(parts, dim)
    missing = size - out.shape[dim]
    if missing:
        out = pad(out, (0, 0, 0, missing) if dim == 0 else (0, missing))
    return out
