"""Dropout layers (active in training mode only)."""
from __future__ import annotations

from ...ops.nn import dropout as F
from ...tensor import Tensor
from .module import Module


class _DropoutNd(Module):
    fn = None

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0.0 or p > 1.0:  # (as PyTorch: a nan passes, and the forward refuses it)
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self).fn(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training, scaling the rest by 1/(1-p)."""
    fn = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Zero whole channels of 1-d feature maps."""
    fn = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of 2-d feature maps."""
    fn = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of 3-d feature maps."""
    fn = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's mean and variance."""
    fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels (SELU's saturation value in place of zero)."""
    fn = staticmethod(F.feature_alpha_dropout)
