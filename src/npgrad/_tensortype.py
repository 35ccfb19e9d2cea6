"""PyTorch's legacy tensor types: ``npgrad.FloatTensor``, ``LongTensor``... one per dtype.

They are classes that make tensors, not subclasses of Tensor (as in PyTorch, every tensor is
a plain ``Tensor``): ``LongTensor([1, 2])`` makes a tensor from data, ``FloatTensor(2, 3)`` an
uninitialised one of that size, and ``isinstance(x, FloatTensor)`` is true exactly for the
CPU tensors of that dtype. :func:`dtype_of` reads what ``x.type(...)`` and
``Module.type(...)`` accept (a class, a 'torch.LongTensor' name or a dtype).

``npgrad.cuda.FloatTensor``... exist too, as in a CPU-only PyTorch build: no tensor is one of
them, and making one raises.
"""
from __future__ import annotations

import numpy as np

from . import dtypes as _dt
from .backend import device as _device
from .ops.creation.factories import empty, tensor as _tensor
from .tensor import Size, Tensor

__all__ = ["BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor",
           "FloatTensor", "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "dtype_of",
           "tensortype"]

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _type_name(obj) -> str:
    """How PyTorch names an object's type in its errors ('int', 'numpy.float64')."""
    kind = obj if isinstance(obj, type) else type(obj)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


class tensortype(type):
    """The class of the legacy tensor types (PyTorch's ``torch.tensortype``): calling one
    makes a tensor of its dtype; ``isinstance`` asks the tensor's dtype."""

    dtype: _dt.dtype
    is_cuda: bool
    is_sparse: bool

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and not cls.is_cuda and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None, **kwargs) -> Tensor:
        if cls.is_cuda:
            raise TypeError(f"type {cls.type_name} not available. {_NOT_COMPILED}.")
        if device is not None and _device(device).type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{_device(device).type} was passed")
        if kwargs:
            raise TypeError(f"new() received an invalid combination of arguments - got "
                            f"unexpected keyword arguments {sorted(kwargs)}")
        if not args:
            return empty(0, dtype=cls.dtype)
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            return cls._of_size(tuple(int(a) for a in args))
        if len(args) > 1:
            raise TypeError(f"new() received an invalid combination of arguments - got "
                            f"({', '.join(_type_name(a) for a in args)})")
        (data,) = args
        if isinstance(data, Size):
            return cls._of_size(tuple(data))
        if isinstance(data, Tensor):
            if data.dtype is not cls.dtype:
                raise TypeError(f"expected {cls.type_name} (got "
                                f"{_dt.tensor_type_name(data.dtype)})")
            return data.detach()  # PyTorch returns an alias of the same memory
        if isinstance(data, str):
            raise TypeError(f"new(): invalid data type '{_type_name(data)}'")
        if not isinstance(data, (list, tuple, np.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {_type_name(data)})")
        return _tensor(data, dtype=cls.dtype)

    def _of_size(cls, size: tuple) -> Tensor:
        negative = [d for d in size if d < 0]
        if negative:
            raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: "
                               f"{list(size)}")
        return empty(size, dtype=cls.dtype)

    @property
    def type_name(cls) -> str:
        """The name ``x.type()`` gives: 'torch.FloatTensor' ('torch.cuda.FloatTensor')."""
        name = _dt.TENSOR_TYPE_NAMES[cls.dtype.name]
        return f"torch.cuda.{name}" if cls.is_cuda else f"torch.{name}"

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"


def make_types(module: str, is_cuda: bool) -> dict[str, tensortype]:
    """One legacy type per dtype, named as PyTorch names them, living in ``module``."""
    return {name: tensortype(name, (), {"__module__": module, "dtype": _dt._BY_NAME[d],
                                        "is_cuda": is_cuda, "is_sparse": False,
                                        "layout": _dt.strided,
                                        "__doc__": _doc(name, d, is_cuda)})
            for d, name in _dt.TENSOR_TYPE_NAMES.items()}


def _doc(name: str, dtype_name: str, is_cuda: bool) -> str:
    if is_cuda:
        return (f"PyTorch's legacy CUDA {dtype_name} tensor type: no tensor is one, and "
                "making one raises (npgrad has no CUDA).")
    return (f"PyTorch's legacy {dtype_name} tensor type: ``{name}([1, 2])`` from data, "
            f"``{name}(2, 3)`` uninitialised of that size; ``isinstance(x, {name})`` for "
            f"the tensors of dtype {dtype_name}.")


_CPU_TYPES = make_types("npgrad", is_cuda=False)
FloatTensor = _CPU_TYPES["FloatTensor"]
DoubleTensor = _CPU_TYPES["DoubleTensor"]
HalfTensor = _CPU_TYPES["HalfTensor"]
BFloat16Tensor = _CPU_TYPES["BFloat16Tensor"]
LongTensor = _CPU_TYPES["LongTensor"]
IntTensor = _CPU_TYPES["IntTensor"]
ShortTensor = _CPU_TYPES["ShortTensor"]
CharTensor = _CPU_TYPES["CharTensor"]
ByteTensor = _CPU_TYPES["ByteTensor"]
BoolTensor = _CPU_TYPES["BoolTensor"]


def dtype_of(t) -> _dt.dtype:
    """The dtype ``x.type(t)`` converts to: a legacy type (``npgrad.LongTensor``), its name
    ('torch.LongTensor') or a dtype. A CUDA type raises ``RuntimeError`` (no CUDA), anything
    else PyTorch's ``ValueError("invalid type: '...'")``."""
    if isinstance(t, _dt.dtype):
        return t
    if isinstance(t, tensortype):
        name, cuda = t.type_name, t.is_cuda
    elif isinstance(t, str):
        name, cuda = t, t.startswith("torch.cuda.")
    else:
        raise ValueError(f"invalid type: '{_type_name(t)}'")
    if cuda:
        raise RuntimeError(f"type {name} not available. {_NOT_COMPILED}.")
    found = _dt.from_tensor_type_name(name) if name.startswith(("torch.", "npgrad.")) else None
    if found is None:
        raise ValueError(f"invalid type: '{name}'")
    return found
