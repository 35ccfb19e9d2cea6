"""``multi_head_attention_forward``: multi-head attention as a function of its weights, with
PyTorch's signature (what ``nn.MultiheadAttention`` calls).

Inputs are (L, N, E) (or unbatched (L, E)); ``attn_mask`` (L, S) or (N * heads, L, S) and
``key_padding_mask`` (N, S) are bool (True = masked out) or additive float masks.
"""
from __future__ import annotations

import math

import numpy as np

from ...dtypes import is_float_np
from .._arguments import Tensor
from ..creation.factories import zeros
from ..shape.joins import cat
from .activation import softmax
from .dropout import dropout
from .layers import linear
from .pad import pad

__all__ = ["multi_head_attention_forward"]


def _additive(mask: Tensor | None, dtype) -> Tensor | None:
    """A bool mask (True = do not attend) as an additive -inf mask."""
    if mask is None or is_float_np(mask._data.dtype):
        return mask
    return Tensor._make(np.where(mask._data, -np.inf, 0.0).astype(dtype))


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """Allow attention to one more key position (a bias or zero key appended at the end)."""
    return None if mask is None else pad(mask, (0, 1))


def _split3(t: Tensor | None, e: int) -> tuple:
    return (None, None, None) if t is None else (t[:e], t[e:2 * e], t[2 * e:])


def multi_head_attention_forward(query, key, value, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v,
                                 add_zero_attn: bool, dropout_p: float, out_proj_weight,
                                 out_proj_bias, training: bool = True, key_padding_mask=None,
                                 need_weights: bool = True, attn_mask=None,
                                 use_separate_proj_weight: bool = False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple:
    """``(output, weights)``: ``softmax(Q K^T / sqrt(d) + masks) V`` in ``num_heads`` heads,
    projected in and out; the weights averaged over heads (``average_attn_weights``) or None
    without ``need_weights``."""
    batched = query.ndim == 3
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    L, N, E = query.shape
    if E != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {E}")
    H = num_heads
    D = E // H
    bq, bk, bv = _split3(in_proj_bias, E)
    if use_separate_proj_weight:
        wq, wk, wv = q_proj_weight, k_proj_weight, v_proj_weight
    else:
        wq, wk, wv = _split3(in_proj_weight, E)
    q, k, v = linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)
    dt = q._data.dtype
    attn_mask = _additive(attn_mask, dt)
    key_padding_mask = _additive(key_padding_mask, dt)
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.expand(1, N, E)], 0)
        v = cat([v, bias_v.expand(1, N, E)], 0)
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    # (L, N, E) -> (N, H, L, D); static keys and values come as (N * H, S, D)
    q = q.reshape(L, N, H, D).permute(1, 2, 0, 3)
    k = k.reshape(k.shape[0], N, H, D).permute(1, 2, 0, 3) if static_k is None else \
        static_k.reshape(N, H, -1, D)
    v = v.reshape(v.shape[0], N, H, D).permute(1, 2, 0, 3) if static_v is None else \
        static_v.reshape(N, H, -1, D)
    if add_zero_attn:
        k = cat([k, zeros(N, H, 1, D, dtype=k.dtype, device=k.device)], 2)
        v = cat([v, zeros(N, H, 1, D, dtype=v.dtype, device=v.device)], 2)
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    S = k.shape[2]
    scores = (q @ k.mT) * (1.0 / math.sqrt(D))
    if attn_mask is not None:
        if attn_mask.ndim == 3:  # (N * H, L, S)
            attn_mask = attn_mask.reshape(N, H, L, S)
        scores = scores + attn_mask
    if key_padding_mask is not None:
        scores = scores + key_padding_mask.reshape(N, 1, 1, S)
    weights = softmax(scores, -1)
    if dropout_p > 0.0 and training:
        weights = dropout(weights, dropout_p, True)
    out = (weights @ v).permute(2, 0, 1, 3).reshape(L, N, E)
    out = linear(out, out_proj_weight, out_proj_bias)
    if not batched:
        out = out.squeeze(1)
    if not need_weights:
        return out, None
    w = weights.mean(1) if average_attn_weights else weights
    return out, (w if batched else w.squeeze(0))
