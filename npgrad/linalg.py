"""``npgrad.linalg``: PyTorch's ``torch.linalg`` namespace (implementations live in ops/)."""
from __future__ import annotations

from .ops.norms import linalg_norm as norm, matrix_norm, vector_norm

__all__: list = []
__all__ += ["vector_norm", "matrix_norm", "norm"]
