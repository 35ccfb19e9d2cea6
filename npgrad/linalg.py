"""``npgrad.linalg``: PyTorch's ``torch.linalg`` namespace (implementations live in ops/)."""
from __future__ import annotations

__all__: list = []
