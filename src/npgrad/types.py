"""``npgrad.types``: the type aliases PyTorch's annotations use (``torch.types.Number``...),
for code that imports them. npgrad has no symbolic sizes, so the ``*LikeType`` aliases are the
plain Python types."""
from __future__ import annotations

import os
from typing import IO, Union

from .backend import device as _device
from .tensor import Size, Tensor

__all__ = ["BoolLikeType", "Device", "FileLike", "FloatLikeType", "IntLikeType", "Number",
           "Size", "Tensor", "py_sym_types"]

Number = Union[int, float, bool]
Device = Union[_device, str, int, None]
FileLike = Union[str, os.PathLike, IO[bytes]]
IntLikeType = int
FloatLikeType = float
BoolLikeType = bool
py_sym_types: tuple = ()  # (no SymInt / SymFloat / SymBool in npgrad)
