"""How tensors travel through MPI, for every operation of npgrad.distributed: the reduce
ops, a tensor's array staged as MPI can send it, and running an MPI call now or in the
background (:class:`Work`).

MPI has no float16 or bool arithmetic: such tensors travel as float32 and uint8 and are cast
back (a float16 sum is then rounded once, at the end).
"""
from __future__ import annotations

import enum

import numpy as np

from ..tensor import Tensor
from .process_group import mpi

__all__ = ["RedOpType", "ReduceOp", "Work"]


class RedOpType(enum.Enum):
    """The kinds of reduction (``ReduceOp.SUM`` is ``RedOpType.SUM``, as in PyTorch)."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7


class ReduceOp:
    """The reductions of ``all_reduce``, ``reduce`` and ``reduce_scatter``."""

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


_MPI_OP = {RedOpType.SUM: "SUM", RedOpType.AVG: "SUM", RedOpType.PRODUCT: "PROD",
           RedOpType.MIN: "MIN", RedOpType.MAX: "MAX", RedOpType.BAND: "BAND",
           RedOpType.BOR: "BOR", RedOpType.BXOR: "BXOR"}


def _mpi_op(op, name: str, dtype: np.dtype):
    op = getattr(op, "op", op)  # (a _ReduceOpWithFactor-like wrapper has the type in .op)
    if op not in _MPI_OP:
        raise ValueError(f"{name}: unsupported reduce op {op}")
    if op is RedOpType.AVG and dtype.kind not in "fc":
        # as PyTorch's gloo backend ("result type Float can't be cast to the desired output
        # type Long"): the average of integers is not an integer
        raise RuntimeError(f"{name}: ReduceOp.AVG needs a floating-point tensor, got {dtype}")
    return getattr(mpi(), _MPI_OP[op])


# -- staging: a tensor's array as MPI can send it -----------------------------------------------

_WIRE = {np.dtype(np.float16): np.dtype(np.float32), np.dtype(np.bool_): np.dtype(np.uint8)}


def _check_tensor(t, param: str = "tensor") -> np.ndarray:
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{param}` of type "
                        f"torch.Tensor\n             but got {type(t)} instead.")
    return t._data


def _wire_dtype(dtype: np.dtype) -> np.dtype:
    if dtype in _WIRE:
        return _WIRE[dtype]
    if dtype.kind == "V" or dtype.name == "bfloat16":  # ml_dtypes' bfloat16
        return np.dtype(np.float32)
    return dtype


class _Staged:
    """A contiguous array of a type MPI knows, holding ``arrays`` one after another (a view
    of the tensor's own array when it already is one); ``finish()`` copies results back."""

    def __init__(self, arrays: list[np.ndarray], fill: bool = True) -> None:
        self.arrays = arrays
        dtype = _wire_dtype(arrays[0].dtype)
        one = arrays[0]
        if len(arrays) == 1 and dtype == one.dtype and one.flags.c_contiguous \
                and one.flags.writeable:
            self.buf, self.copied = one.reshape(-1), False
            return
        self.buf, self.copied = np.empty(sum(a.size for a in arrays), dtype), True
        if fill:
            for view, a in zip(self.views(), arrays):
                view[...] = a.reshape(-1)

    def views(self) -> list[np.ndarray]:
        """The flat piece of ``buf`` that belongs to each array."""
        out, start = [], 0
        for a in self.arrays:
            out.append(self.buf[start:start + a.size])
            start += a.size
        return out

    def finish(self) -> None:
        if self.copied:
            for view, a in zip(self.views(), self.arrays):
                if a.dtype == np.bool_:
                    view = view != 0
                np.copyto(a, view.reshape(a.shape), casting="unsafe")


def _stage(tensors, fill: bool = True, param: str = "tensor") -> _Staged:
    return _Staged([_check_tensor(t, param) for t in tensors], fill)


# -- running an MPI call, now or in the background ------------------------------------------

class Work:
    """A collective started with ``async_op=True``: ``wait()`` blocks until its results are
    in the tensors; ``is_completed()`` asks without blocking."""

    def __init__(self, requests: list, finish=None, tensors=None, buffers=None) -> None:
        self._requests, self._finish, self._tensors = requests, finish, tensors or []
        self._buffers = buffers  # the arrays MPI reads and writes, alive until it is done
        self._done = False

    def _complete(self) -> None:
        self._done = True
        if self._finish is not None:
            self._finish()
        self._buffers = None

    def wait(self, timeout=None) -> bool:
        """Block until the operation has finished; returns True."""
        if not self._done:
            mpi().Request.Waitall(self._requests)
            self._complete()
        return True

    def is_completed(self) -> bool:
        """Whether the operation has finished (its results are then in the tensors)."""
        if not self._done and mpi().Request.Testall(self._requests):
            self._complete()
        return self._done

    def is_success(self) -> bool:
        """Whether it finished without error (MPI errors raise instead)."""
        return self.is_completed()

    def synchronize(self) -> None:
        self.wait()

    def result(self) -> list:
        """The tensors the operation wrote."""
        self.wait()
        return list(self._tensors)


def _run(comm, call: str, args: tuple, async_op: bool, finish=None, tensors=None, **kw):
    """``comm.<call>(*args)``, or with async_op its non-blocking form (``Allreduce`` ->
    ``Iallreduce``), returning a Work that runs ``finish`` once the data is in."""
    if not async_op:
        value = getattr(comm, call)(*args, **kw)
        if finish is not None:
            finish()
        return value
    request = getattr(comm, "I" + call[0].lower() + call[1:])(*args, **kw)
    return Work([request], finish, tensors, args)


def _root(pg, rank, group_rank, name: str, role: str) -> int:
    """A collective's root as a rank within ``pg`` (from a global rank or a group rank)."""
    if rank is not None and group_rank is not None:
        raise ValueError("Can't specify both group_rank and global_rank")
    if rank is None and group_rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    if group_rank is None:
        group_rank = pg.group_rank(rank)
    if not 0 <= group_rank < pg.size():
        raise RuntimeError(f"{name}: invalid root rank: {group_rank}")
    return group_rank


def _check_list(tensors, n: int, like: np.ndarray, name: str, what: str) -> None:
    if len(tensors) != n:
        raise RuntimeError(f"{name}: invalid {what} list (expected length {n}, got "
                           f"{len(tensors)})")
    for i, t in enumerate(tensors):
        a = _check_tensor(t, what)
        if a.shape != like.shape or a.dtype != like.dtype:
            raise RuntimeError(f"{name}: invalid tensor at index {i} (expected "
                               f"{tuple(like.shape)} {like.dtype}, got {tuple(a.shape)} "
                               f"{a.dtype})")
