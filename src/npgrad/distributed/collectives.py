"""The collectives of ``torch.distributed`` on MPI communicators: ``broadcast``,
``all_reduce``, ``all_gather``... and point-to-point ``send``/``recv``.

Each works in place on its tensors' arrays. With ``async_op=True`` it starts MPI's
non-blocking form (``MPI_Iallreduce``...) and returns a :class:`Work`; its results are in the
tensors once ``wait()`` returns (or ``is_completed()`` says True). Ranks (``src``, ``dst``)
are global ranks, as in PyTorch; ``group_src``/``group_dst`` are ranks within ``group``.

MPI has no float16 or bool arithmetic: such tensors travel as float32 and uint8 and are cast
back (a float16 sum is then rounded once, at the end).
"""
from __future__ import annotations

import enum

import numpy as np

from ..tensor import Tensor
from .process_group import mpi, resolve

__all__ = ["ReduceOp", "Work", "broadcast", "all_reduce", "reduce", "all_gather",
           "all_gather_into_tensor", "gather", "scatter", "reduce_scatter",
           "reduce_scatter_tensor", "all_to_all", "all_to_all_single", "send", "recv", "isend",
           "irecv", "barrier", "broadcast_object_list", "all_gather_object", "gather_object",
           "scatter_object_list"]


class RedOpType(enum.Enum):
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
        # NOTE: NCCL's AVG of integers divides with truncation and gloo refuses AVG; npgrad
        # refuses it for integers rather than pick one
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


def _chain(*steps):
    def run():
        for step in steps:
            step()
    return run


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


# -- collectives ----------------------------------------------------------------------------

def broadcast(tensor: Tensor, src: int | None = None, group=None, async_op: bool = False,
              group_src: int | None = None):
    """Copy ``tensor`` from process ``src`` into ``tensor`` on every process of ``group``."""
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "broadcast", "src")
    staged = _stage([tensor], fill=pg.rank() == root)
    return _run(pg.comm, "Bcast", (staged.buf, root), async_op, staged.finish, [tensor])


def _averaged(staged: _Staged, op, n: int):
    def finish():
        if getattr(op, "op", op) is RedOpType.AVG:
            staged.buf /= n
        staged.finish()
    return finish


def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce ``tensor`` over the processes of ``group`` with ``op``; every process gets the
    result in ``tensor``."""
    pg = resolve(group)
    if pg is None:
        return None
    staged = _stage([tensor])
    mop = _mpi_op(op, "all_reduce", staged.arrays[0].dtype)
    return _run(pg.comm, "Allreduce", (mpi().IN_PLACE, staged.buf, mop), async_op,
                _averaged(staged, op, pg.size()), [tensor])


def reduce(tensor: Tensor, dst: int | None = None, op=ReduceOp.SUM, group=None,
           async_op: bool = False, group_dst: int | None = None):
    """Reduce ``tensor`` over ``group`` into ``tensor`` on process ``dst`` (the others' are
    left as they are)."""
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "reduce", "dst")
    staged = _stage([tensor])
    mop = _mpi_op(op, "reduce", staged.arrays[0].dtype)
    if pg.rank() == root:
        return _run(pg.comm, "Reduce", (mpi().IN_PLACE, staged.buf, mop, root), async_op,
                    _averaged(staged, op, pg.size()), [tensor])
    return _run(pg.comm, "Reduce", (staged.buf, None, mop, root), async_op, None, [tensor])


def all_gather(tensor_list: list, tensor: Tensor, group=None, async_op: bool = False):
    """Every process's ``tensor`` into ``tensor_list`` (one per process, in rank order)."""
    pg = resolve(group)
    if pg is None:
        return None
    mine = _check_tensor(tensor)
    _check_list(tensor_list, pg.size(), mine, "all_gather", "output tensor")
    send, recv = _stage([tensor]), _stage(tensor_list, fill=False, param="tensor_list")
    return _run(pg.comm, "Allgather", (send.buf, recv.buf), async_op, recv.finish, tensor_list)


def _check_numel(big: np.ndarray, small: np.ndarray, n: int, name: str) -> None:
    if big.size != n * small.size or big.dtype != small.dtype:
        raise ValueError(f"{name}: the larger tensor must hold world_size ({n}) times the "
                         f"other's elements, of the same dtype; got {tuple(big.shape)} "
                         f"{big.dtype} and {tuple(small.shape)} {small.dtype}")


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor, group=None,
                           async_op: bool = False):
    """Every process's ``input_tensor`` concatenated (rank order) into ``output_tensor``,
    which is ``world_size`` times larger along dim 0 (or stacked on a new dim 0)."""
    pg = resolve(group)
    if pg is None:
        return None
    _check_numel(_check_tensor(output_tensor, "output_tensor"),
                 _check_tensor(input_tensor, "input_tensor"), pg.size(),
                 "all_gather_into_tensor")
    send, recv = _stage([input_tensor]), _stage([output_tensor], fill=False)
    return _run(pg.comm, "Allgather", (send.buf, recv.buf), async_op, recv.finish,
                [output_tensor])


def gather(tensor: Tensor, gather_list: list | None = None, dst: int | None = None,
           group=None, async_op: bool = False, group_dst: int | None = None):
    """Every process's ``tensor`` into ``gather_list`` on process ``dst``."""
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "gather", "dst")
    send = _stage([tensor])
    if pg.rank() != root:
        if gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination "
                             "ranks.")
        return _run(pg.comm, "Gather", (send.buf, None, root), async_op, None, [tensor])
    _check_list(gather_list or [], pg.size(), send.arrays[0], "gather", "gather_list")
    recv = _stage(gather_list, fill=False, param="gather_list")
    return _run(pg.comm, "Gather", (send.buf, recv.buf, root), async_op, recv.finish,
                gather_list)


def scatter(tensor: Tensor, scatter_list: list | None = None, src: int | None = None,
            group=None, async_op: bool = False, group_src: int | None = None):
    """Process ``src``'s ``scatter_list[i]`` into ``tensor`` on the process of rank i."""
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "scatter", "src")
    recv = _stage([tensor], fill=False)
    if pg.rank() != root:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                             "ranks.")
        return _run(pg.comm, "Scatter", (None, recv.buf, root), async_op, recv.finish,
                    [tensor])
    _check_list(scatter_list or [], pg.size(), recv.arrays[0], "scatter", "scatter_list")
    send = _stage(scatter_list, param="scatter_list")
    return _run(pg.comm, "Scatter", (send.buf, recv.buf, root), async_op, recv.finish,
                [tensor])


def _reduce_scatter(pg, output: Tensor, send: _Staged, op, name: str, async_op: bool):
    recv = _stage([output], fill=False)
    mop = _mpi_op(op, name, recv.arrays[0].dtype)
    return _run(pg.comm, "Reduce_scatter_block", (send.buf, recv.buf, mop), async_op,
                _averaged(recv, op, pg.size()), [output])


def reduce_scatter(output: Tensor, input_list: list, op=ReduceOp.SUM, group=None,
                   async_op: bool = False):
    """``output`` on the process of rank i gets the reduction over processes of their
    ``input_list[i]``."""
    pg = resolve(group)
    if pg is None:
        return None
    _check_list(input_list, pg.size(), _check_tensor(output, "output"), "reduce_scatter",
                "input tensor")
    return _reduce_scatter(pg, output, _stage(input_list, param="input_list"), op,
                           "reduce_scatter", async_op)


def reduce_scatter_tensor(output: Tensor, input: Tensor, op=ReduceOp.SUM, group=None,
                          async_op: bool = False):
    """As :func:`reduce_scatter`, with the inputs concatenated in one tensor along dim 0."""
    pg = resolve(group)
    if pg is None:
        return None
    _check_numel(_check_tensor(input, "input"), _check_tensor(output, "output"), pg.size(),
                 "reduce_scatter_tensor")
    return _reduce_scatter(pg, output, _stage([input]), op, "reduce_scatter_tensor", async_op)


def _alltoallv(pg, outputs: list[np.ndarray], inputs: list[np.ndarray], out_tensors,
               async_op: bool, name: str):
    if len(outputs) != pg.size() or len(inputs) != pg.size():
        raise RuntimeError(f"{name}: expected {pg.size()} input and output pieces, got "
                           f"{len(inputs)} and {len(outputs)}")
    dtypes = {a.dtype for a in outputs + inputs}
    if len(dtypes) != 1:
        raise RuntimeError(f"{name}: all tensors must have the same dtype, got "
                           f"{sorted(map(str, dtypes))}")
    send, recv = _Staged(inputs), _Staged(outputs, fill=False)

    def layout(arrays):
        counts = [a.size for a in arrays]
        return counts, list(np.cumsum([0] + counts[:-1]))
    return _run(pg.comm, "Alltoallv", ([send.buf, layout(inputs)], [recv.buf, layout(outputs)]),
                async_op, recv.finish, out_tensors)


def all_to_all(output_tensor_list: list, input_tensor_list: list, group=None,
               async_op: bool = False):
    """``input_tensor_list[j]`` of process i lands in ``output_tensor_list[i]`` of process
    j (the pieces may differ in size)."""
    pg = resolve(group)
    if pg is None:
        return None
    return _alltoallv(pg, [_check_tensor(t, "output_tensor_list") for t in output_tensor_list],
                      [_check_tensor(t, "input_tensor_list") for t in input_tensor_list],
                      output_tensor_list, async_op, "all_to_all")


def _split(a: np.ndarray, sizes, n: int, name: str) -> list[np.ndarray]:
    if not sizes:
        if a.shape[0] % n:
            raise RuntimeError(f"{name}: dim 0 ({a.shape[0]}) is not divisible by the world "
                               f"size ({n})")
        sizes = [a.shape[0] // n] * n
    if sum(sizes) != a.shape[0]:
        raise RuntimeError(f"{name}: split sizes {list(sizes)} do not add up to dim 0 "
                           f"({a.shape[0]})")
    bounds = np.cumsum([0] + list(sizes))
    return [a[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]


def all_to_all_single(output: Tensor, input: Tensor, output_split_sizes=None,
                      input_split_sizes=None, group=None, async_op: bool = False):
    """:func:`all_to_all` with the pieces as slices of one tensor along dim 0."""
    pg = resolve(group)
    if pg is None:
        return None
    n = pg.size()
    outs = _split(_check_tensor(output, "output"), output_split_sizes, n, "all_to_all_single")
    ins = _split(_check_tensor(input, "input"), input_split_sizes, n, "all_to_all_single")
    return _alltoallv(pg, outs, ins, [output], async_op, "all_to_all_single")


def barrier(group=None, async_op: bool = False, device_ids=None):
    """Wait until every process of ``group`` has reached the barrier."""
    pg = resolve(group)
    if pg is None:
        return None
    return _run(pg.comm, "Barrier", (), async_op)


# -- point to point -------------------------------------------------------------------------

def _peer(pg, rank, group_rank, name: str, role: str, allow_any: bool = False) -> int:
    if rank is None and group_rank is None and allow_any:
        return mpi().ANY_SOURCE
    peer = _root(pg, rank, group_rank, name, role)
    if peer == pg.rank():
        what = "destination" if role == "dst" else "source"
        raise ValueError(f"Invalid {what} rank: {what} rank should not be the same as the "
                         f"rank of the current process.")
    return peer


def send(tensor: Tensor, dst: int | None = None, group=None, tag: int = 0,
         group_dst: int | None = None) -> None:
    """Send ``tensor`` to process ``dst`` (blocks until it may be reused)."""
    pg = resolve(group)
    if pg is not None:
        peer = _peer(pg, dst, group_dst, "send", "dst")
        pg.comm.Send(_stage([tensor]).buf, peer, tag)


def isend(tensor: Tensor, dst: int | None = None, group=None, tag: int = 0,
          group_dst: int | None = None) -> Work | None:
    """Start sending ``tensor`` to ``dst``; don't change it until the Work is waited on."""
    pg = resolve(group)
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "isend", "dst")
    return _run(pg.comm, "Send", (_stage([tensor]).buf, peer, tag), True, None, [tensor])


def recv(tensor: Tensor, src: int | None = None, group=None, tag: int = 0,
         group_src: int | None = None) -> int:
    """Receive into ``tensor`` from ``src`` (any process for None); returns the sender's
    global rank."""
    pg = resolve(group)
    if pg is None:
        return -1
    peer = _peer(pg, src, group_src, "recv", "src", allow_any=True)
    staged, status = _stage([tensor], fill=False), mpi().Status()
    pg.comm.Recv(staged.buf, peer, tag, status)
    staged.finish()
    return pg.ranks[status.Get_source()]


def irecv(tensor: Tensor, src: int | None = None, group=None, tag: int = 0,
          group_src: int | None = None) -> Work | None:
    """Start receiving into ``tensor`` from ``src``; the data is there once waited on."""
    pg = resolve(group)
    if pg is None:
        return None
    peer = _peer(pg, src, group_src, "irecv", "src", allow_any=True)
    staged = _stage([tensor], fill=False)
    return _run(pg.comm, "Recv", (staged.buf, peer, tag), True, staged.finish, [tensor])


# -- Python objects (pickled) ---------------------------------------------------------------

def broadcast_object_list(object_list: list, src: int | None = None, group=None, device=None,
                          group_src: int | None = None) -> None:
    """Process ``src``'s ``object_list`` items into every process's ``object_list``."""
    pg = resolve(group)
    if pg is None:
        return
    root = _root(pg, src, group_src, "broadcast_object_list", "src")
    got = pg.comm.bcast(list(object_list) if pg.rank() == root else None, root)
    object_list[:len(got)] = got


def all_gather_object(object_list: list, obj, group=None) -> None:
    """Every process's ``obj`` into ``object_list`` (one per process, in rank order)."""
    pg = resolve(group)
    if pg is None:
        return
    for i, item in enumerate(pg.comm.allgather(obj)):
        object_list[i] = item


def gather_object(obj, object_gather_list: list | None = None, dst: int | None = None,
                  group=None, group_dst: int | None = None) -> None:
    """Every process's ``obj`` into ``object_gather_list`` on process ``dst``."""
    pg = resolve(group)
    if pg is None:
        return
    root = _root(pg, dst, group_dst, "gather_object", "dst")
    got = pg.comm.gather(obj, root)
    if pg.rank() == root:
        for i, item in enumerate(got):
            object_gather_list[i] = item


def scatter_object_list(scatter_object_output_list: list, scatter_object_input_list=None,
                        src: int | None = None, group=None, group_src: int | None = None
                        ) -> None:
    """Process ``src``'s ``scatter_object_input_list[i]`` into
    ``scatter_object_output_list[0]`` on the process of rank i."""
    pg = resolve(group)
    if pg is None:
        return
    root = _root(pg, src, group_src, "scatter_object_list", "src")
    items = list(scatter_object_input_list) if pg.rank() == root else None
    scatter_object_output_list[0] = pg.comm.scatter(items, root)
