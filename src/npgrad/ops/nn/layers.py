"""Layer functions of ``nn.functional`` that are plain algebra: ``linear`` and ``bilinear``, and
``linear_cross_entropy`` (a linear layer straight into the cross-entropy loss)."""
from __future__ import annotations

import numpy as np

from .. import autocast
from ...dtypes import is_float_np
from ...autograd.function import Primitive
from .._arguments import Tensor, named_errors
from .loss import cross_entropy

__all__ = ["linear", "bilinear", "linear_cross_entropy"]


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
        rows = int(np.prod(x.shape[:-1]))  # not -1: ambiguous when x is empty
        out = np.matmul(x.reshape(rows, x.shape[-1]), w.T)
        if b is not None:
            out += b
        return out.reshape(x.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        flat = x.ndim != 2  # (a reshape costs a node even when it changes nothing)
        rows = int(np.prod(x.shape[:-1]))
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
    out = input @ weight.mT if weight.ndim == 2 else input @ weight
    return out + bias if bias is not None else out


@named_errors("bilinear")
def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``out[..., k] = input1 @ weight[k] @ input2 + bias[k]`` for ``weight`` of shape
    ``(out_features, in1_features, in2_features)``."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear: input1 and input2 must have the same batch dimensions, "
                           f"got {tuple(input1.shape)} and {tuple(input2.shape)}")
    # (*, 1, 1, in1) @ (out, in1, in2) -> (*, out, 1, in2); then with (*, 1, in2, 1)
    left = input1.unsqueeze(-2).unsqueeze(-2) @ weight
    out = (left @ input2.unsqueeze(-2).unsqueeze(-1)).squeeze(-1).squeeze(-1)
    return out + bias if bias is not None else out


_NO_CLASS = -(2 ** 62)  # an ignore_index no target can equal ("ignore nothing")


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``; a weight of
    shape (C, d_1, ..., d_K, in) gives K-dimensional logits (N, C, d_1, ..., d_K).

    NOTE: PyTorch can chunk the batch to save memory (``options``); npgrad accepts the options
    and computes the reference form, which gives the same values."""
    classes = tuple(linear_weight.shape[:-1])
    logits = linear(input, linear_weight.reshape(-1, linear_weight.shape[-1]))
    logits = logits.reshape(*input.shape[:-1], *classes)
    if linear_bias is not None:
        logits = logits + linear_bias
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=_NO_CLASS if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)
