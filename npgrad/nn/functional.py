"""``npgrad.nn.functional``: functional forms of layers, as ``torch.nn.functional``."""
from __future__ import annotations

from ..ops.pad import pad

__all__: list = ["pad"]
