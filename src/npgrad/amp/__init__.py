"""``npgrad.amp``: automatic mixed precision, PyTorch's ``torch.amp`` (``autocast`` and
``GradScaler``) with a CPU-only PyTorch build's behaviour; see the two modules."""
from .autocast_mode import autocast, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "is_autocast_available"]
