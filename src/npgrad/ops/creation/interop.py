"""Tensors over memory from elsewhere: DLPack (``from_dlpack``/``to_dlpack``, shared with
NumPy, PyTorch, CuPy, JAX... without a copy) and binary files (``from_file``)."""
from __future__ import annotations

import builtins
import os

import numpy as np

from ... import dtypes as _dt
from ..._dlpack import KDL_CPU, KDL_CUDA, KDL_CUDA_MANAGED, device_field
from ...backend import as_device, cuda_module, to_device
from .._arguments import Tensor, int_arg

__all__ = ["from_dlpack", "to_dlpack", "from_file"]


class _Capsule:
    """A bare DLPack capsule (``to_dlpack``'s output) as an object NumPy can import from."""

    def __init__(self, capsule) -> None:
        self.capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self.capsule

    def __dlpack_device__(self) -> tuple:
        return (KDL_CPU, 0)  # (host capsules only: CUDA ones go to the CUDA array module)


def _on_cuda(ext_tensor) -> builtins.bool:
    """Whether a DLPack producer (or capsule) holds CUDA memory."""
    if hasattr(ext_tensor, "__dlpack_device__"):
        kind = ext_tensor.__dlpack_device__()[0]
    else:
        field = device_field(ext_tensor)
        kind = KDL_CPU if field is None else field[0]
    return kind in (KDL_CUDA, KDL_CUDA_MANAGED)


def from_dlpack(ext_tensor, *, device=None, copy: builtins.bool | None = None) -> Tensor:
    """A tensor sharing the memory of any DLPack producer (an object with ``__dlpack__``, or
    a capsule from ``to_dlpack``): host memory on the CPU, CUDA memory on its CUDA device;
    ``copy=True`` copies instead, ``device`` copies to that device when it is elsewhere."""
    if _on_cuda(ext_tensor):
        as_device("cuda")  # (PyTorch's error in a CPU-only build)
        a = cuda_module().from_dlpack(ext_tensor)
    else:
        source = ext_tensor if hasattr(ext_tensor, "__dlpack__") else _Capsule(ext_tensor)
        a = np.from_dlpack(source)
    if copy:
        a = a.copy()
    _dt.from_numpy_dtype(a.dtype)  # (TypeError for a dtype npgrad lacks)
    if device is not None:
        a = to_device(a, as_device(device))
    return Tensor._make(a)


def to_dlpack(tensor: Tensor):
    """A DLPack capsule of ``tensor``'s memory (consumed once by a ``from_dlpack``). It is a
    versioned (DLPack 1.0) capsule, which carries the memory's writability: an unversioned one
    is imported read-only by NumPy."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack(): argument 'data' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    return tensor._data.__dlpack__(max_version=(1, 0))


def from_file(filename: str, shared: builtins.bool | None = None, size: builtins.int = 0, *,
              dtype=None, layout=None, device=None, pin_memory: builtins.bool = False) -> Tensor:
    """The first ``size`` elements of a binary file as a 1-D tensor of ``dtype`` (the
    default dtype unless given). With ``shared=True`` the tensor maps the file, so in-place
    changes are written to it; otherwise it is a copy of the bytes."""
    if as_device(device).type != "cpu":
        # PyTorch registers from_file for the CPU only (a file maps to host memory): a CUDA
        # tensor of a file is from_file(...).to('cuda')
        raise NotImplementedError("Could not run 'aten::from_file' with arguments from the "
                                  "'CUDA' backend.")
    d = (_dt.dtype_arg(dtype, "from_file") if dtype is not None else _dt.get_default_dtype()).np
    size = 0 if size is None else int_arg(size, "from_file", "size", 3)
    needed = size * d.itemsize
    if size < 0:
        raise RuntimeError(f"from_file: unable to mmap {needed} bytes from file <{filename}>")
    if not os.path.exists(filename):
        raise RuntimeError(f"from_file: unable to open file <{filename}> in read-only mode: "
                           f"No such file or directory (2)")
    have = os.path.getsize(filename)
    if needed > have:
        raise RuntimeError(f"from_file: file <{filename}> size <{have}> is smaller than the "
                           f"required mapping size <{needed}>")
    if size == 0:
        return Tensor._make(np.empty(0, d))
    if shared:
        return Tensor._make(np.memmap(filename, d, "r+", shape=(size,)).view(np.ndarray))
    return Tensor._make(np.fromfile(filename, d, count=size))
