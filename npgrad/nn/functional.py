"""``npgrad.nn.functional``: functional forms of layers, as ``torch.nn.functional``."""
from __future__ import annotations

__all__: list = []
