"""Point-to-point messages between two processes: ``send``/``recv`` and their non-blocking
forms ``isend``/``irecv``, as ``torch.distributed``'s."""
from __future__ import annotations

from ..tensor import Tensor
from .process_group import mpi, resolve
from .transport import Work, _root, _run, _stage

__all__ = ["send", "recv", "isend", "irecv"]


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
