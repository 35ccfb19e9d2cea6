"""``npgrad.cuda.amp``: the deprecated CUDA spellings of ``npgrad.amp``'s ``autocast`` and
``GradScaler``, which warn as PyTorch's do and then behave as ``npgrad.amp``'s for 'cuda'."""
from .autocast_mode import autocast
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast"]
