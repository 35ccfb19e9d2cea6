"""Collectives of picklable Python objects (``broadcast_object_list``, ``all_gather_object``,
``gather_object``, ``scatter_object_list``), through mpi4py's pickling calls."""
from __future__ import annotations

from .process_group import resolve
from .transport import _root

__all__ = ["broadcast_object_list", "all_gather_object", "gather_object",
           "scatter_object_list"]


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
