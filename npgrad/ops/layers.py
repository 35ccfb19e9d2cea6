"""Layer functions of ``nn.functional`` that are plain algebra: ``linear`` and ``bilinear``."""
from __future__ import annotations

from ._util import Tensor

__all__ = ["linear", "bilinear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, for inputs of shape ``(*, in_features)``.

    >>> F.linear(npgrad.ones(2, 3), npgrad.ones(4, 3)).shape
    npgrad.Size([2, 4])
    """
    out = input @ weight.mT if weight.ndim == 2 else input @ weight
    return out + bias if bias is not None else out


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
