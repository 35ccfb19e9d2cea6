"""PyTorch's import path ``nn.modules.flatten`` for ``Flatten`` and ``Unflatten``, which npgrad
defines in ``linear.py`` (the same classes)."""
from .linear import Flatten, Unflatten  # noqa: F401

__all__ = ["Flatten", "Unflatten"]
