"""PyTorch's type promotion as public functions: ``promote_types`` (of two dtypes),
``result_type`` (of two operands, tensors or Python numbers) and ``can_cast`` (the in-place
rule). The rules themselves live in ``dtypes.py``.
"""
from __future__ import annotations

import builtins

from .. import dtypes as _dt
from ..tensor import Tensor

__all__ = ["promote_types", "result_type", "can_cast"]


def promote_types(type1: _dt.dtype, type2: _dt.dtype) -> _dt.dtype:
    """The dtype PyTorch's promotion gives two tensors of these dtypes."""
    a, b = _dt.to_dtype(type1), _dt.to_dtype(type2)
    return _dt.from_numpy_dtype(_dt.promote_types(a.np, b.np))


def result_type(tensor1, tensor2) -> _dt.dtype:
    """The dtype of an arithmetic op on these operands (tensors or Python numbers)."""
    operands = [t._data if isinstance(t, Tensor) else t for t in (tensor1, tensor2)]
    return _dt.from_numpy_dtype(_dt.result_type(*operands))


def can_cast(from_: _dt.dtype, to: _dt.dtype) -> builtins.bool:
    """Whether PyTorch's in-place casting rule allows ``from_`` into ``to``."""
    return _dt.can_cast_inplace(_dt.to_dtype(from_).np, _dt.to_dtype(to).np)
