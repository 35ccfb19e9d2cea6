"""``npgrad.quasirandom``: low-discrepancy sequences, as ``torch.quasirandom``
(:class:`SobolEngine`, in ``_sobol.py``)."""
from ._sobol import SobolEngine

__all__ = ["SobolEngine"]
