"""Tensors through ``multiprocessing`` pickling, in shared memory (PyTorch's
``torch.multiprocessing.reductions``).

A tensor put on a ``Queue`` or passed to a ``Process`` is first moved into a POSIX
shared-memory block (``Tensor.share_memory_()``); the pickle then carries only the block's
name and the tensor's geometry, and the receiving process maps the same block. So both
processes see one another's in-place changes, as with PyTorch (its ``file_system`` sharing
strategy). The process that made a block unlinks it when it exits.
"""
from __future__ import annotations

import atexit
import multiprocessing
from multiprocessing import reduction
from typing import TYPE_CHECKING

import numpy as np

from ..tensor import Tensor

if TYPE_CHECKING:  # (imported on first use below: it is ~4% of `import npgrad`)
    from multiprocessing import shared_memory

__all__ = ["init_reductions", "rebuild_tensor", "reduce_tensor", "share_array"]

# the blocks this process mapped, by name: kept open while the process lives (NumPy arrays
# point into them), and unlinked at exit by the process that made them
_MAPPED: dict[str, shared_memory.SharedMemory] = {}
_MADE: list = []


def _unlink_made() -> None:
    for shm in _MADE:
        try:
            shm.unlink()
        except FileNotFoundError:  # (already unlinked)
            pass


atexit.register(_unlink_made)


def _start(shm: shared_memory.SharedMemory) -> int:
    """The address of a block's first byte."""
    return np.frombuffer(shm.buf, np.uint8).__array_interface__["data"][0]


def _owner(a: np.ndarray) -> str | None:
    """The name of the shared block ``a``'s memory lies in, if any."""
    if not _MAPPED or not isinstance(a, np.ndarray):
        return None
    address = a.__array_interface__["data"][0]
    for name, shm in _MAPPED.items():
        start = _start(shm)
        if start <= address < start + shm.size:
            return name
    return None


def share_array(a: np.ndarray) -> np.ndarray:
    """``a``'s values in a new shared-memory block (or ``a`` itself if already in one)."""
    if _owner(a) is not None:
        return a
    from multiprocessing import shared_memory  # noqa: PLC0415 (first use: ~4% of import npgrad)
    shm = shared_memory.SharedMemory(create=True, size=max(a.nbytes, 1))
    _MAPPED[shm.name] = shm
    _MADE.append(shm)
    out = np.ndarray(a.shape, a.dtype, buffer=shm.buf)
    out[...] = a
    return out


def _attach(name: str) -> shared_memory.SharedMemory:
    if name not in _MAPPED:
        # (Python < 3.13 registers an attached block with the resource tracker too; child
        # processes share their parent's tracker, where the name is already registered)
        from multiprocessing import shared_memory  # noqa: PLC0415 (first use, see share_array)
        _MAPPED[name] = shared_memory.SharedMemory(name=name)
    return _MAPPED[name]


def rebuild_tensor(cls, name: str, offset: int, shape: tuple, strides: tuple, dtype: str,
                   requires_grad: bool) -> Tensor:
    """The tensor of a shared block, in the receiving process."""
    shm = _attach(name)
    a = np.ndarray(shape, np.dtype(dtype), buffer=shm.buf, offset=offset, strides=strides)
    t = Tensor._make(a) if cls is Tensor else cls(Tensor._make(a), requires_grad)
    if cls is Tensor and requires_grad:
        t.requires_grad_(True)
    return t


def reduce_tensor(t: Tensor):
    """What a pickle carries of ``t``: its shared block (made now if needed) and geometry.
    Like PyTorch, a non-leaf tensor that requires grad is refused."""
    if t.requires_grad and not t.is_leaf:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, "
                           "since autograd does not support crossing process boundaries.  If "
                           "you just want to transfer the data, call detach() on the tensor "
                           "before serializing (e.g., putting it on the queue).")
    t.share_memory_()
    a = t._data
    name = _owner(a)
    offset = a.__array_interface__["data"][0] - _start(_MAPPED[name])
    return rebuild_tensor, (type(t), name, offset, a.shape, a.strides, a.dtype.str,
                            t.requires_grad)


def init_reductions() -> None:
    """Make ``multiprocessing``'s pickler send tensors (and Parameters) through shared
    memory (done when ``npgrad.multiprocessing`` is imported)."""
    from ..nn.parameter import Parameter  # (nn sits above tensor; needed only here)
    for cls in (Tensor, Parameter):
        reduction.ForkingPickler.register(cls, reduce_tensor)


del multiprocessing
