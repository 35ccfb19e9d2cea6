"""``npgrad.nn.functional``: functional forms of layers, as ``torch.nn.functional``."""
from __future__ import annotations

from ..ops.pad import pad
from ..ops.scatter import one_hot

__all__: list = ["pad", "one_hot"]
