"""``npgrad.masked``: reductions and normalizations that see only the elements where
``mask`` is True (PyTorch's ``torch.masked`` functions on plain tensors).

NOTE: PyTorch's ``MaskedTensor`` (``masked_tensor``, ``as_masked_tensor``...) is not built.
"""
from ._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp,
                   logsumexp, mean, median, norm, normalize, prod, softmax, softmin, std,
                   sum, var)

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax",
           "logaddexp", "logsumexp", "mean", "median", "norm", "normalize", "prod", "softmax",
           "softmin", "std", "sum", "var"]
