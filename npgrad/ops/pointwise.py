"""Binary elementwise math beyond the operators: maximum, minimum, atan2, hypot, lerp, ...

Same rules as ``binary.py``: operands broadcast, PyTorch's result dtype, and the engine undoes
broadcasting in gradients.
"""
from __future__ import annotations

__all__: list = []
