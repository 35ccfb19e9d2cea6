"""PyTorch's import path ``nn.modules.batchnorm`` for the batch norms, which npgrad defines
in ``normalization.py`` and ``sync_batchnorm.py`` (the same classes)."""
from .normalization import _BatchNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: F401
from .sync_batchnorm import SyncBatchNorm  # noqa: F401
from .instancenorm import _InstanceNorm  # noqa: F401  (PyTorch's _NormBase subclasses)

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]
