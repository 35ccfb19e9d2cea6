"""Questions asked of a tensor or an object, answered without computing on its elements
(except ``is_nonzero``): ``is_tensor``, ``numel``, ``is_floating_point``, ``is_signed``,
``is_complex``, ``is_nonzero``, ``is_same_size``, ``is_storage``, ``is_inference``,
``get_device`` and ``typename``.
"""
from __future__ import annotations

import builtins

from .. import dtypes as _dt
from ..tensor import Tensor
from ._arguments import type_name

__all__: list = ["is_tensor", "numel", "is_floating_point", "typename", "is_nonzero",
                 "is_same_size", "is_signed", "is_inference", "is_complex", "is_storage",
                 "get_device", "is_distributed"]


def is_tensor(obj) -> builtins.bool:
    """True if ``obj`` is an npgrad Tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> builtins.int:
    """The number of elements of ``input``."""
    return input.numel()


def is_floating_point(input: Tensor) -> builtins.bool:
    """True if ``input``'s dtype is a floating one."""
    return input.is_floating_point()


def typename(obj) -> str:
    """'torch.FloatTensor' style names for tensors (as PyTorch spells them), the class name
    otherwise."""
    if isinstance(obj, Tensor):
        return _dt.tensor_type_name(obj.dtype)
    return type_name(obj)


def is_nonzero(input: Tensor) -> builtins.bool:
    """The truth value of a one-element tensor (RuntimeError otherwise)."""
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(input._data.reshape(()))


def is_same_size(input: Tensor, other: Tensor) -> builtins.bool:
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input: Tensor) -> builtins.bool:
    """True for signed integer and floating dtypes."""
    return input.dtype.is_signed


def is_inference(input: Tensor) -> builtins.bool:
    """False: npgrad has no inference tensors (``inference_mode`` acts as ``no_grad``)."""
    return False


def is_complex(input: Tensor) -> builtins.bool:
    return False


def is_storage(obj) -> builtins.bool:
    return False


def get_device(input: Tensor) -> builtins.int:
    """-1: the CPU, as PyTorch numbers it."""
    return -1


def is_distributed(input: Tensor) -> builtins.bool:
    """False: PyTorch's legacy flag of its removed distributed tensors (THD); no tensor is
    one."""
    if not isinstance(input, Tensor):
        raise TypeError(f"is_distributed(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(input)}")
    return False
