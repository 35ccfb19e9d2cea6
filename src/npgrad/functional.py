"""``npgrad.functional``: the module PyTorch keeps its Python-level tensor functions in
(``torch.functional.einsum``...); the same objects as ``npgrad.einsum`` and friends.

NOTE: ``lu``, ``pca_lowrank`` and ``svd_lowrank`` join with the linalg work of issue #18, and
``stft``/``istft`` with complex numbers.
"""
from __future__ import annotations

from .ops.linalg.norms import norm
from .ops.linalg.products import chain_matmul, einsum, tensordot
from .ops.linalg.decompositions import cdist
from .ops.indexing.sorting import unique, unique_consecutive
from .ops.indexing.indexing import unravel_index
from .ops.creation.grids import cartesian_prod, meshgrid
from .ops.shape.diag import block_diag
from .ops.shape.joins import atleast_1d, atleast_2d, atleast_3d, split
from .ops.shape.views import broadcast_shapes, broadcast_tensors

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes",
           "broadcast_tensors", "cartesian_prod", "cdist", "chain_matmul", "einsum", "meshgrid",
           "norm", "split", "tensordot", "unique", "unique_consecutive", "unravel_index"]


# the ops' inner errors name the op the user called (``cosine_embedding_loss: where: ...``)
from .ops._arguments import name_op_errors as _name_op_errors  # noqa: E402
_name_op_errors(globals(), __all__, __name__)
