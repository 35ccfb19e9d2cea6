"""``torch.cuda.amp.autocast``: the deprecated CUDA-only spelling of ``torch.autocast``."""
from __future__ import annotations

import warnings

from ... import dtypes as _dt
from ...amp.autocast_mode import autocast as _autocast

__all__ = ["autocast"]


class autocast(_autocast):
    """``torch.autocast('cuda', ...)`` with PyTorch's deprecation warning; without CUDA it
    also warns that autocast is disabled, and runs the region unchanged."""

    def __init__(self, enabled: bool = True, dtype=_dt.float16,
                 cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)
