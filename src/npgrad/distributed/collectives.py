"""The collectives of ``torch.distributed`` on MPI communicators: ``broadcast``,
``all_reduce``, ``all_gather``, ``reduce_scatter``, ``all_to_all``...

Each works in place on its tensors' arrays. With ``async_op=True`` it starts MPI's
non-blocking form (``MPI_Iallreduce``...) and returns a :class:`Work`; its results are in the
tensors once ``wait()`` returns (or ``is_completed()`` says True). Ranks (``src``, ``dst``)
are global ranks, as in PyTorch; ``group_src``/``group_dst`` are ranks within ``group``.
"""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .process_group import mpi, resolve
from .transport import (ReduceOp, RedOpType, _check_list, _check_tensor, _mpi_op, _root, _run,
                        _stage, _Staged)

__all__ = ["broadcast", "broadcast_coalesced", "all_reduce", "reduce", "all_gather", "all_gather_into_tensor",
           "gather", "scatter", "reduce_scatter", "reduce_scatter_tensor", "all_to_all",
           "all_to_all_single", "barrier"]


def broadcast(tensor: Tensor, src: int | None = None, group=None, async_op: bool = False,
              group_src: int | None = None):
    """Copy ``tensor`` from process ``src`` into ``tensor`` on every process of ``group``."""
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "broadcast", "src")
    staged = _stage([tensor], fill=pg.rank() == root)
    return _run(pg.comm, "Bcast", (staged.buf, root), async_op, staged.finish, [tensor])


def broadcast_coalesced(tensors: list, group=None, group_src: int = 0) -> None:
    """Broadcast many tensors from ``group_src``, one MPI call per dtype (what DDP does with
    the parameters and buffers: PyTorch's ``_broadcast_coalesced``)."""
    pg = resolve(group)
    if pg is None or not tensors:
        return
    root = _root(pg, None, group_src, "broadcast_coalesced", "src")
    by_dtype: dict = {}
    for t in tensors:
        by_dtype.setdefault(_check_tensor(t).dtype, []).append(t)
    for same in by_dtype.values():
        staged = _stage(same, fill=pg.rank() == root)
        pg.comm.Bcast(staged.buf, root)
        staged.finish()


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
