"""Transforms: invertible (mostly) maps with the log-determinant of their Jacobian, for
building distributions by change of variables (PyTorch's ``torch.distributions.transforms``).
The classes live in three modules by family; this one gathers them under PyTorch's path."""
from __future__ import annotations

from ._transform import (ComposeTransform, IndependentTransform, ReshapeTransform, Transform,
                         identity_transform, _InverseTransform)  # noqa: F401
from ._scalar_transforms import (AbsTransform, AffineTransform,
                                 CumulativeDistributionTransform, ExpTransform, PowerTransform,
                                 SigmoidTransform, SoftplusTransform, TanhTransform)
from ._vector_transforms import (CatTransform, CorrCholeskyTransform, LowerCholeskyTransform,
                                 PositiveDefiniteTransform, SoftmaxTransform, StackTransform,
                                 StickBreakingTransform)

__all__ = ["AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform",
           "CorrCholeskyTransform", "CumulativeDistributionTransform", "ExpTransform",
           "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftplusTransform",
           "TanhTransform", "SoftmaxTransform", "StackTransform", "StickBreakingTransform",
           "Transform", "identity_transform"]
