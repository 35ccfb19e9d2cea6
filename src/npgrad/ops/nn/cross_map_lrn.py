"""The legacy cross-channel local response norm of ``nn.CrossMapLRN2d`` (Lua Torch's
``SpatialCrossMapLRN``), whose forward and backward PyTorch keeps as they were; both differ
from ``local_response_norm``, so this is its own primitive.

Forward: ``out = x * (k + alpha / size * s) ** -beta``, where ``s`` is a running sum of
squares over channels: channel 0 sums the first ``pre = (size - 1) // 2 + 1`` channels, and
each next channel adds the square ``pre - 1`` channels ahead and, once past channel ``pre``,
drops the one ``pre`` channels behind. Channel 0's square is never dropped, so from channel
``pre`` on the windows are not the centred ones ``local_response_norm`` uses.

Backward (not the derivative of that forward): ``g * scale ** -beta - 2 * alpha * beta /
size * x * w``, where ``w`` sums ``g * out / scale`` over channels ``c - (size + 1) // 2`` to
``c + size - 1 - (size + 1) // 2``. Written in npgrad ops, so it is differentiable again.
"""
from __future__ import annotations

from ...autograd.function import Primitive
from ...autograd.grad_mode import no_grad
from ...dtypes import is_float_np, scalar_type_name
from .._arguments import Tensor, as_tensor_arg
from ..reduction.scans import cumsum
from ..shape.joins import cat
from .pad import pad


def _running_sums(x: Tensor, size: int) -> Tensor:
    """The legacy running sums of squares over channels (dim 1), described above."""
    sq = x * x
    channels = x.shape[1]
    pre = (size - 1) // 2 + 1
    first = sq[:, :min(pre, channels)].sum(1, keepdim=True)
    adds = sq[:, pre:]                              # channel c >= 1 adds square c + pre - 1
    adds = pad(adds, (0, 0, 0, 0, 0, channels - 1 - adds.shape[1]))
    drops = sq[:, 1:max(channels - pre, 1)]          # channel c > pre drops square c - pre
    drops = pad(drops, (0, 0, 0, 0, channels - 1 - drops.shape[1], 0))
    return cumsum(cat([first, adds - drops], 1), 1)


def _scale(x: Tensor, size: int, alpha: float, k: float) -> Tensor:
    return _running_sums(x, size) * (alpha / size) + k


class CrossMapLRN2d(Primitive):
    """``nn.CrossMapLRN2d``'s op, with PyTorch's node name."""

    node_name = "CrossMapLRN2dBackward"
    saves = "input"

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        ctx.args = size, alpha, beta, k
        with no_grad():
            scale = _scale(Tensor._make(x), size, alpha, k)._data
        return x * scale ** -beta

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        size, alpha, beta, k = ctx.args
        scale = _scale(x, size, alpha, k)
        ratio = grad * (x * scale ** -beta) / scale
        before = (size + 1) // 2
        padded = pad(ratio, (0, 0, 0, 0, before, size - 1))
        channels = x.shape[1]
        window = padded[:, 0:channels]
        for j in range(1, size):
            window = window + padded[:, j:j + channels]
        return grad * scale ** -beta - (2 * alpha * beta / size) * x * window, None, None, \
            None, None


def cross_map_lrn2d(input, size: int, alpha: float = 1e-4, beta: float = 0.75,
                    k: float = 1.0) -> Tensor:
    """The legacy local response norm of 4-D ``input`` (N, C, H, W) across channels.

    NOTE: PyTorch's backward fails for ``size=1`` (it slices past its padded buffer); npgrad
    applies the same formula there."""
    input = as_tensor_arg(input, "CrossMapLRN2d")
    if input.ndim != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"CrossMapLRN2d: result type Float can't be cast to the desired "
                           f"output type {scalar_type_name(input._data.dtype)}")
    return CrossMapLRN2d.apply(input, int(size), float(alpha), float(beta), float(k))
