"""``npgrad.signal``: signal-processing helpers (``npgrad.signal.windows``), as PyTorch's."""
from . import windows

__all__ = ["windows"]
