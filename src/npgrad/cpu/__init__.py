"""``npgrad.cpu``: PyTorch's ``torch.cpu``, the host device's module: ``is_available()``,
``device_count()``, ``current_device()``, ``synchronize()``, and ``amp`` (the deprecated CPU
spellings of ``npgrad.amp``'s ``autocast`` and ``GradScaler``)."""
from __future__ import annotations

from . import amp

__all__ = ["amp", "current_device", "device_count", "is_available", "synchronize"]


def is_available() -> bool:
    """True: the CPU is always there."""
    return True


def device_count() -> int:
    """1, as PyTorch counts the host."""
    return 1


def current_device() -> str:
    """'cpu', as PyTorch answers."""
    return "cpu"


def synchronize(device=None) -> None:
    """Nothing to wait for: CPU ops finish before they return."""
