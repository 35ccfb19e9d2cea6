"""``npgrad.backends.mps``: Apple's Metal backend, which npgrad (like PyTorch's Linux CPU
build) has not."""
from __future__ import annotations

__all__ = ["is_available", "is_built"]


def is_built() -> bool:
    """Whether the build has MPS support: False."""
    return False


def is_available() -> bool:
    """Whether an MPS device can be used: False."""
    return False
