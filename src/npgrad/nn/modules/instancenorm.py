"""Instance normalisation: each channel of each sample normalised over its spatial dims
(``InstanceNorm1d/2d/3d``), optionally with running statistics for eval mode."""
from __future__ import annotations

import warnings

from ...ops.nn import normalization as F
from ...tensor import Tensor
from .normalization import _LazyNormBase, _NormBase


class _InstanceNorm(_NormBase):
    """Shared by InstanceNorm1d/2d/3d: ``_n`` spatial dims; input (N, C, *S) or (C, *S)."""

    _n = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        # (BatchNorm's, with neither affine parameters nor running statistics by default)
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        n = self._n
        if input.ndim not in (n + 1, n + 2):
            raise ValueError(f"expected {n + 1}D or {n + 2}D input (got {input.ndim}D input)")
        unbatched = input.ndim == n + 1
        channels = input.shape[0 if unbatched else 1]
        if channels != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={0 if unbatched else 1} to "
                                 f"match num_features ({self.num_features}), but got: "
                                 f"{channels}.")
            warnings.warn("input's size at dim=1 does not match num_features. You can silence "
                          "this warning by not passing in num_features, which is not used "
                          "because affine=False", stacklevel=2)
        x = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance norm of (N, C, L) or (C, L) inputs."""
    _n = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance norm of (N, C, H, W) or (C, H, W) inputs."""
    _n = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance norm of (N, C, D, H, W) or (C, D, H, W) inputs."""
    _n = 3


# NOTE: PyTorch's lazy instance norms default to affine=True and track_running_stats=True
# (the batch norms' defaults, not InstanceNorm's), and read num_features from dim 1 even of
# unbatched input; npgrad's do the same.


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    """``InstanceNorm1d`` with ``num_features`` from the first input."""
    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    """``InstanceNorm2d`` with ``num_features`` from the first input."""
    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    """``InstanceNorm3d`` with ``num_features`` from the first input."""
    cls_to_become = InstanceNorm3d
