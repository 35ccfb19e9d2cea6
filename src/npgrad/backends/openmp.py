"""``npgrad.backends.openmp``: answered as PyTorch's CPU build answers."""
from __future__ import annotations

__all__ = ["is_available"]


def is_available() -> bool:
    """Whether PyTorch's CPU build has OpenMP: True."""
    return True
