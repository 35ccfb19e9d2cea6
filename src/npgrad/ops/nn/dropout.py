"""Dropout, embedding lookup and attention: the remaining layer functions of
``nn.functional``.

The top-level forms with torch's argument names (``torch.dropout(input, p, train)``,
``torch.embedding(weight, indices)``...) are at the end, as ``*_toplevel``.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from ...backend import as_array, host_check
from .. import autocast
from ...autograd.function import Primitive
from ...dtypes import is_float_np, scalar_type_name
from ...random import rng
from .. import inplace as _inplace
from ... import dtypes as _dt
from .._arguments import Tensor, as_tensor_arg, float_arg
from .activation import softmax
from ..elementwise.binary import where
from ..indexing.indexing import IndexAdd
from ...autograd.grad_mode import no_grad

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout", "embedding",
           "scaled_dot_product_attention"]


def _float_input(input: Tensor, op: str) -> None:
    """PyTorch scales the kept elements in the input's dtype: integers cannot hold 1/(1-p)."""
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{scalar_type_name(input._data.dtype)} ({op})")


def _check_p(p: float) -> None:
    # PyTorch's Python check (p < 0 or p > 1) is a ValueError; a nan passes it and fails its
    # kernel's check, a RuntimeError (also outside training)
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p != p:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape: tuple, p: float, like: np.ndarray) -> Tensor:
    """1/(1-p) where kept, 0 where dropped (the scaled mask), as a constant tensor of
    ``like``'s dtype, drawn on its device."""
    if p == 1.0:
        return Tensor._make(np.zeros_like(like, shape=shape))
    keep = rng(None, like).random(shape) >= p
    return Tensor._make((keep * (1.0 / (1.0 - p))).astype(like.dtype))


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` in training and scale the rest by 1/(1-p)."""
    input = as_tensor_arg(input, "dropout")
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, dropout, p, training)
    _check_p(p)
    if not training or p == 0.0:
        return input
    _float_input(input, "dropout")
    out = input * _keep_mask(tuple(input.shape), p, input._data)
    return out


def _channel_dropout(input, p: float, training: bool, inplace: bool, spatial: int) -> Tensor:
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, _channel_dropout, p, training, spatial)
    _check_p(p)
    if not training or p == 0.0:
        return input
    if input.ndim < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input "
                           f"(dropout{spatial}d: input of shape {tuple(input.shape)})")
    _float_input(input, f"dropout{spatial}d")
    batched = input.ndim == spatial + 2
    shape = tuple(input.shape[:2 if batched else 1]) + (1,) * spatial
    out = input * _keep_mask(shape, p, input._data)
    return out


def dropout1d(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) inputs."""
    return _channel_dropout(input, p, training, inplace, 1)


def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) inputs."""
    return _channel_dropout(input, p, training, inplace, 2)


def dropout3d(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs."""
    return _channel_dropout(input, p, training, inplace, 3)


def _alpha_dropout(input, p: float, training: bool, mask_shape: tuple) -> Tensor:
    """Alpha dropout with one keep/drop draw per element of ``mask_shape`` (broadcast)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    alpha_p = -1.7580993408473766
    keep = rng(None, input._data).random(mask_shape) >= p
    a = ((1 - p) * (1 + p * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * p
    dt = input._data.dtype
    out = input * Tensor._make((keep * a).astype(dt)) + Tensor._make(
        (~keep * (a * alpha_p) + b).astype(dt))
    return out


def alpha_dropout(input, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalising mean and variance."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, alpha_dropout, p, training)
    return _alpha_dropout(input, p, training, tuple(input.shape))


def feature_alpha_dropout(input, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels: one draw per (sample, channel), as ``dropout2d`` is
    to ``dropout``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, feature_alpha_dropout, p, training)
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _alpha_dropout(input, p, training, shape)


class Embedding(Primitive):
    """Rows of ``weight`` at integer ``indices``; the gradient is scattered back with
    repeated indices accumulating, and none for ``padding_idx``."""

    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        # embedding() checked the indices: in [0, n), so no negative one wraps around
        ctx.indices, ctx.padding_idx, ctx.shape = indices, padding_idx, weight.shape
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        if ctx.padding_idx is not None:
            keep = Tensor._make(as_array(ctx.indices != ctx.padding_idx)[..., None])
            grad = where(keep, grad, 0.0)
        return IndexAdd.apply(grad, key=(ctx.indices,), shape=ctx.shape), None, None


def embedding(input, weight, padding_idx: int | None = None, max_norm=None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` (num_embeddings, dim) for integer ``input`` of any shape."""
    input = as_tensor_arg(input, "embedding")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: 'weight' must be 2-D (got shape {tuple(weight.shape)})")
    indices, n = input._data, weight.shape[0]
    if indices.dtype not in (np.int64, np.int32):  # (PyTorch's index dtypes: no int16, uint8)
        raise RuntimeError(f"embedding: Expected tensor for argument #1 'indices' to have one "
                           f"of the following scalar types: Long, Int; but got "
                           f"{indices.dtype} (indices of shape {tuple(indices.shape)})")
    # Checked before max_norm renormalises any row, so an error leaves weight unchanged
    # (PyTorch renormalises first). PyTorch has no negative indices here: -1 is out of range
    if indices.size and host_check((indices.min() < 0) | (indices.max() >= n)):
        if max_norm is not None and (indices.min() < -n or indices.max() >= n):
            # PyTorch's renormalisation selects the sorted rows first, and -n <= i < 0 wraps
            bad = indices[(indices < -n) | (indices >= n)].min()
            raise IndexError(f"select(): index {bad} out of range for tensor of size "
                             f"[{', '.join(map(str, weight.shape))}] at dimension 0")
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    if max_norm is not None:
        with no_grad():  # renormalise the looked-up rows in place, as PyTorch
            embedding_renorm_(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input._data, padding_idx)


def embedding_renorm_(input: Tensor, indices, max_norm: float, norm_type: float) -> Tensor:
    """Scale, in place, each row of ``input`` that ``indices`` names and whose
    ``norm_type``-norm exceeds ``max_norm`` down to norm ``max_norm`` (``embedding``'s
    ``max_norm``); returns ``input``."""
    op = "embedding_renorm_"
    input, indices = as_tensor_arg(input, op), as_tensor_arg(indices, op, "indices")
    max_norm = float_arg(max_norm, op, "max_norm", 3)
    norm_type = float_arg(norm_type, op, "norm_type", 4)
    if not _dt.is_float_np(input._data.dtype):
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {_dt.scalar_type_name(input._data.dtype)} instead. ({op})")
    if input.ndim != 2:
        raise RuntimeError(f"{op}: Expected 2-dimensional tensor, but got {input.ndim}-"
                           f"dimensional tensor for argument #1 'self'")
    if indices._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{op}: Expected tensor for argument #2 'indices' to have one of "
                           f"the following scalar types: Long, Int; but got "
                           f"{indices.dtype} instead")
    _inplace.check(input, op)
    rows = np.unique(indices._data)
    if rows.size and (rows[0] < -input.shape[0] or rows[-1] >= input.shape[0]):
        bad = rows[0] if rows[0] < -input.shape[0] else rows[-1]
        raise IndexError(f"select(): index {bad} out of range for tensor of size "
                         f"[{', '.join(map(str, input.shape))}] at dimension 0 ({op})")
    w = input._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1, keepdims=True)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[rows] = w[rows] * scale.astype(w.dtype)
    input._bump()
    return input


@autocast.lower_precision
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(q @ k.T * scale + mask) @ v`` over the last two dims.

    ``attn_mask`` is a bool mask (True = attend) or an additive float mask; ``is_causal``
    masks future positions.
    """
    L, S = query.shape[-2], key.shape[-2]
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, dim=-3)
        value = value.repeat_interleave(rep, dim=-3)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.mT) * scale
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("scaled_dot_product_attention: explicit attn_mask should not be "
                               "set when is_causal=True")
        causal = Tensor._make(np.tril(np.ones_like(scores._data, bool, shape=(L, S))))
        scores = where(causal, scores, -math.inf)
    if attn_mask is not None:
        if attn_mask._data.dtype.kind == "b":
            scores = where(attn_mask, scores, -math.inf)
        else:
            scores = scores + attn_mask
    attn = softmax(scores, -1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ value


# ---------------------------------------------------------------------------------------------
# Top-level forms: torch.dropout(input, p, train) and friends, with torch's argument names
# ---------------------------------------------------------------------------------------------

def dropout_toplevel(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    """``torch.dropout(input, p, train)``: ``nn.functional.dropout`` with torch's names."""
    return dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return dropout(input, p, train, inplace=True)


def alpha_dropout_toplevel(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return _inplace.apply_(input, alpha_dropout, p, train)


def feature_alpha_dropout_toplevel(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    """``torch.feature_alpha_dropout(input, p, train)``."""
    return feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return _inplace.apply_(input, feature_alpha_dropout, p, train)


def feature_dropout(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    """``torch.feature_dropout``: whole channels (dim 1) zeroed, as ``dropout2d``."""
    return _channel_dropout(input, p, train, False, input.ndim - 2)


def feature_dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return input.copy_(feature_dropout(input, p, train)) if train else input


def embedding_toplevel(weight, indices, padding_idx: builtins.int = -1,
              scale_grad_by_freq: builtins.bool = False,
              sparse: builtins.bool = False) -> Tensor:
    """``torch.embedding(weight, indices)``: the table comes first here."""
    return embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                           scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)
