"""Storages and tensor rebuilding: what the names in a PyTorch checkpoint's pickle stand for.

A PyTorch checkpoint pickles each tensor as a call ``torch._utils._rebuild_tensor_v2(storage,
offset, size, stride, requires_grad, hooks)``, where ``storage`` is a persistent id naming a
flat buffer of one dtype (``torch.FloatStorage``...) stored beside the pickle. Here a storage
is a 1-D NumPy array, and a tensor is a strided view of it, so tensors that shared a storage
when saved share memory again when loaded (tied weights, views).
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..backend import CPU, device, to_device
from ..nn.parameter import Parameter
from ..tensor import Tensor
from ._errors import CheckpointError


def npgrad_dtype(name: str):
    """The npgrad dtype of a PyTorch dtype name ('float32', 'bfloat16'...), or None."""
    return getattr(_dt, name, None) if name in _dt._BY_NAME or name == "bfloat16" else None


def unsupported_dtype(name: str) -> CheckpointError:
    what = "BF16 (bfloat16)" if name == "bfloat16" else name
    return CheckpointError(f"the checkpoint holds {what} tensors, which npgrad does not support "
                           f"yet (it holds {', '.join(_dt._BY_NAME)})")


class StorageType:
    """What ``torch.FloatStorage`` and its kin stand for in a pickle: a dtype's storage."""

    def __init__(self, torch_name: str, dtype_name: str) -> None:
        self.torch_name, self.dtype_name = torch_name, dtype_name

    def __repr__(self) -> str:
        return f"torch.{self.torch_name}"

    def np_dtype(self) -> np.dtype:
        d = npgrad_dtype(self.dtype_name)
        if d is None:
            raise unsupported_dtype(self.dtype_name)
        return d.np


# Every storage class PyTorch 2.13 pickles, by name, with the dtype it holds.
STORAGE_TYPES = {s.torch_name: s for s in (
    StorageType(n, d) for d, n in [
        ("float16", "HalfStorage"), ("float32", "FloatStorage"), ("float64", "DoubleStorage"),
        ("bfloat16", "BFloat16Storage"), ("int8", "CharStorage"), ("int16", "ShortStorage"),
        ("int32", "IntStorage"), ("int64", "LongStorage"), ("uint8", "ByteStorage"),
        ("bool", "BoolStorage"), ("complex64", "ComplexFloatStorage"),
        ("complex128", "ComplexDoubleStorage"), ("quint8", "QUInt8Storage"),
        ("qint8", "QInt8Storage"), ("qint32", "QInt32Storage"),
        ("quint4x2", "QUInt4x2Storage"), ("quint2x4", "QUInt2x4Storage"),
        ("uint8", "UntypedStorage")])}

# PyTorch's dtypes by the name they pickle as; npgrad builds those it has (bfloat16 once it
# exists) and refuses the others with a clear message.
TORCH_DTYPE_NAMES = (
    "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8",
    "bool", "complex32", "complex64", "complex128", "uint16", "uint32", "uint64",
    "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu",
    "float4_e2m1fn_x2", "quint8", "qint8", "qint32", "quint4x2", "quint2x4",
    *[f"bits{n}" for n in ("1x8", "2x4", "4x2", "8", "16")],
    *[f"int{n}" for n in range(1, 8)], *[f"uint{n}" for n in range(1, 8)])


class Storage:
    """A loaded storage: a flat array of one dtype, and the device PyTorch saved it on.

    ``map_location`` callables receive and return these (``lambda storage, loc: storage``).
    """

    def __init__(self, array: np.ndarray, location: str = "cpu") -> None:
        self.array, self.location = array, location
        self.target = CPU  # where its tensors go (map_location, or where it was saved)

    @property
    def device(self) -> device:
        return self.target

    @property
    def dtype(self):
        return _dt.from_numpy_dtype(self.array.dtype)

    def size(self) -> int:
        return self.array.size

    def __len__(self) -> int:
        return self.array.size

    def nbytes(self) -> int:
        return self.array.nbytes

    def cpu(self) -> Storage:
        return self

    def __repr__(self) -> str:
        return f"npgrad storage of {self.array.size} {self.dtype} on {self.location}"


def _ints(value, what: str) -> tuple:
    if not isinstance(value, (tuple, list)) or not all(type(v) is int for v in value):
        raise CheckpointError(f"tensor {what} {value!r} is not a tuple of ints")
    return tuple(value)


def _strided(storage, offset, size, stride) -> np.ndarray:
    """The array ``size``/``stride``/``offset`` describe in ``storage``, checked to lie in it."""
    if not isinstance(storage, Storage):
        raise CheckpointError(f"a tensor's storage is a {type(storage).__name__}, not a storage")
    size, stride = _ints(size, "size"), _ints(stride, "stride")
    if type(offset) is not int or offset < 0 or len(size) != len(stride) or min(
            size + stride, default=0) < 0:
        raise CheckpointError(f"invalid tensor geometry: offset {offset!r}, size {size}, "
                              f"stride {stride}")
    arr = storage.array
    if 0 in size:
        return np.empty(size, arr.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= arr.size:
        raise CheckpointError(
            f"a tensor of size {list(size)}, stride {list(stride)} and storage offset {offset} "
            f"needs {last + 1} elements, but its storage holds {arr.size}")
    item = arr.itemsize
    return np.lib.stride_tricks.as_strided(arr[offset:], size, [s * item for s in stride])


def rebuild_tensor(storage, offset, size, stride) -> Tensor:
    """``torch._utils._rebuild_tensor``: a strided view of a storage (a copy of it on the
    storage's target device, when that is a CUDA device)."""
    data = _strided(storage, offset, size, stride)
    return Tensor._make(data if storage.target is CPU else to_device(data, storage.target))


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks,
                      metadata=None) -> Tensor:
    """``torch._utils._rebuild_tensor_v2``; hooks and metadata are not kept (nor does PyTorch
    restore backward hooks from a file)."""
    t = rebuild_tensor(storage, offset, size, stride)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise CheckpointError(f"a {t.dtype} tensor cannot require grad")
        t.requires_grad = True
    return t


def rebuild_tensor_v3(storage, offset, size, stride, requires_grad, backward_hooks, dtype,
                      metadata=None) -> Tensor:
    """``torch._utils._rebuild_tensor_v3``: v2 on an untyped storage, with the dtype given."""
    if not isinstance(dtype, _dt.dtype) or not isinstance(storage, Storage):
        raise CheckpointError(f"invalid _rebuild_tensor_v3 arguments ({dtype!r})")
    raw = storage.array.view(np.uint8)
    usable = raw.size - raw.size % dtype.itemsize
    typed = Storage(raw[:usable].view(dtype.np), storage.location)
    return rebuild_tensor_v2(typed, offset, size, stride, requires_grad, backward_hooks)


def _set_state(obj, state) -> None:
    if state is None:
        return
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise CheckpointError(f"invalid tensor state {type(state).__name__}")
    # A file may give a tensor Python attributes of its own (as PyTorch allows), but never
    # replace npgrad's machinery (_hooks, _view, grad, requires_grad...).
    taken = [k for k in state if hasattr(type(obj), k)]
    if taken:
        raise CheckpointError(f"the checkpoint sets the tensor attribute {taken[0]!r}, which "
                              "is npgrad's own")
    obj.__dict__.update(state)


def rebuild_parameter(data, requires_grad, backward_hooks) -> Parameter:
    """``torch._utils._rebuild_parameter``."""
    if not isinstance(data, Tensor):
        raise CheckpointError(f"a Parameter's data is a {type(data).__name__}, not a tensor")
    return Parameter(data, bool(requires_grad))


def rebuild_parameter_with_state(data, requires_grad, backward_hooks, state) -> Parameter:
    """``torch._utils._rebuild_parameter_with_state``: a Parameter with Python attributes."""
    p = rebuild_parameter(data, requires_grad, backward_hooks)
    _set_state(p, state)
    return p


def rebuild_from_type_v2(func, new_type, args, state):
    """``torch._tensor._rebuild_from_type_v2``: a tensor rebuilt by ``func`` that carried
    Python attributes (``state``). Only plain tensors and Parameters are rebuilt."""
    if not callable(func) or not isinstance(args, tuple):
        raise CheckpointError("invalid _rebuild_from_type_v2 arguments")
    obj = func(*args)
    if new_type not in (Tensor, Parameter) or not isinstance(obj, Tensor):
        raise CheckpointError(f"cannot rebuild a tensor of type {new_type!r}")
    if new_type is Parameter and type(obj) is Tensor:
        obj = Parameter(obj, obj.requires_grad)
    _set_state(obj, state)
    return obj


def get_layout(name):
    """``torch.serialization._get_layout``: the layout named ``'torch.strided'``."""
    if name != "torch.strided":
        raise CheckpointError(f"npgrad has only the strided layout, not {name!r}")
    return _dt.strided


def _unsupported(kind: str):
    def refuse(*args, **kwargs):
        raise CheckpointError(f"the checkpoint holds {kind}, which npgrad does not support")
    refuse.__name__ = refuse.__qualname__ = f"rebuild_{kind.replace(' ', '_')}"
    return refuse


# PyTorch's rebuild functions by their pickled names.
REBUILD = {
    "torch._utils._rebuild_tensor": rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": rebuild_tensor_v2,
    "torch._utils._rebuild_tensor_v3": rebuild_tensor_v3,
    "torch._utils._rebuild_parameter": rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": rebuild_parameter_with_state,
    "torch._tensor._rebuild_from_type_v2": rebuild_from_type_v2,
    "torch.serialization._get_layout": get_layout,
    "torch._utils._rebuild_qtensor": _unsupported("quantized tensors"),
    "torch._utils._rebuild_sparse_tensor": _unsupported("sparse tensors"),
    "torch._utils._rebuild_meta_tensor_no_storage": _unsupported("meta tensors"),
    "torch._utils._rebuild_nested_tensor": _unsupported("nested tensors"),
    "torch._utils._rebuild_wrapper_subclass": _unsupported("tensor subclasses"),
    "torch._utils._rebuild_device_tensor_from_numpy": _unsupported("device tensors"),
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": _unsupported("device tensors"),
}
