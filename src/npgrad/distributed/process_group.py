"""Process groups on MPI: ``init_process_group``, ``new_group`` and the questions about them
(``get_rank``, ``get_world_size``, ``get_backend``...), as ``torch.distributed``'s.

npgrad writes no transport of its own: every process group is an MPI communicator (mpi4py).
The backends ``'mpi'`` and ``'gloo'`` are both served by MPI, so programs written for PyTorch's
CPU backend run unchanged; ``'nccl'`` raises PyTorch's error on a CPU-only build.

mpi4py is imported on first use (:func:`mpi`), never when npgrad is imported: importing
``mpi4py.MPI`` initialises MPI, which a program that stays on one process should not pay for,
and npgrad must import where mpi4py is not installed.
"""
from __future__ import annotations

import datetime
import os
import warnings

__all__ = ["Backend", "GroupMember", "ProcessGroup", "group", "is_available",
           "is_mpi_available", "is_gloo_available", "is_nccl_available",
           "is_torchelastic_launched", "init_process_group", "is_initialized",
           "destroy_process_group", "new_group", "get_rank", "get_world_size", "get_backend",
           "get_global_rank", "get_group_rank", "get_process_group_ranks"]

_MPI = None


def mpi():
    """The ``mpi4py.MPI`` module, imported (and MPI initialised) on the first call."""
    global _MPI
    if _MPI is None:
        from mpi4py import MPI  # lazily: importing it initialises MPI (module docstring)
        _MPI = MPI
    return _MPI


def is_available() -> bool:
    """Whether distributed runs are possible: mpi4py is installed (checked without
    initialising MPI)."""
    try:
        import mpi4py  # noqa: F401  (the package only: its MPI module would initialise MPI)
    except ImportError:
        return False
    return True


def is_mpi_available() -> bool:
    """Whether the ``'mpi'`` backend is available (mpi4py is installed)."""
    return is_available()


def is_gloo_available() -> bool:
    """Whether the ``'gloo'`` backend is available: npgrad serves it with MPI too."""
    return is_available()


def is_nccl_available() -> bool:
    """False: npgrad runs on CPUs."""
    return False


def is_torchelastic_launched() -> bool:
    """Whether this process was started by a launcher (``npgrad.distributed.run``)."""
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


class Backend(str):
    """A backend's name, as ``torch.distributed.Backend``: ``Backend('GLOO') == 'gloo'``."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    backend_list = [UNDEFINED, GLOO, NCCL, UCC, MPI]

    def __new__(cls, name: str) -> "Backend":
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: "
                             f"{type(name)}")
        return str.__new__(cls, name.lower())


class ProcessGroup:
    """A group of processes: an MPI communicator and the global ranks of its members, in the
    order of their ranks within the group."""

    def __init__(self, comm, ranks: list[int], backend: str) -> None:
        self.comm, self.ranks, self.backend = comm, list(ranks), Backend(backend)

    def rank(self) -> int:
        """This process's rank within the group."""
        return self.comm.Get_rank()

    def size(self) -> int:
        """The number of processes in the group."""
        return self.comm.Get_size()

    def name(self) -> str:
        return self.backend

    def group_rank(self, global_rank: int) -> int:
        """The rank within this group of the process with ``global_rank``."""
        try:
            return self.ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"Global rank {global_rank} is not part of group {self}"
                             ) from None

    def __repr__(self) -> str:
        return f"<npgrad.distributed.ProcessGroup {self.backend} ranks={self.ranks}>"


class GroupMember:
    """The default group (``WORLD``, None until ``init_process_group``) and the marker
    ``new_group`` returns to processes outside the new group."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = -100


group = GroupMember  # torch.distributed.group.WORLD is the same object


def _not_initialized() -> ValueError:
    return ValueError("Default process group has not been initialized, please make sure to "
                      "call init_process_group.")


def resolve(group: ProcessGroup | None) -> ProcessGroup | None:
    """``group``, the default group for None; None for a process outside ``group``. Raises
    PyTorch's error before ``init_process_group``."""
    if GroupMember.WORLD is None:
        raise _not_initialized()
    if group is None or group is GroupMember.WORLD:
        return GroupMember.WORLD
    if group is GroupMember.NON_GROUP_MEMBER:
        return None
    return group


# -- init and destroy -----------------------------------------------------------------------

def _env_int(name: str, given: int, scheme: str) -> int:
    if given != -1:
        return given
    if name not in os.environ:
        raise ValueError(f"Error initializing torch.distributed using {scheme} rendezvous: "
                         f"environment variable {name} expected, but not set")
    return int(os.environ[name])


def _rendezvous(init_method: str, rank: int, world_size: int) -> tuple[int, int]:
    """The rank and world size that ``init_method`` names. MPI has already connected the
    processes, so an address in ``tcp://`` or ``file://`` is not used, and env:// needs
    RANK and WORLD_SIZE but not MASTER_ADDR/MASTER_PORT (which PyTorch needs for its store)."""
    scheme = init_method.split("://")[0] + "://" if "://" in init_method else init_method
    if scheme == "env://":
        return _env_int("RANK", rank, scheme), _env_int("WORLD_SIZE", world_size, scheme)
    if scheme in ("tcp://", "file://"):
        if rank == -1:
            raise ValueError(f"Error initializing torch.distributed using {scheme} "
                             f"rendezvous: rank parameter missing")
        if world_size == -1:
            raise ValueError(f"Error initializing torch.distributed using {scheme} "
                             f"rendezvous: world size parameter missing")
        return rank, world_size
    raise RuntimeError(f"No rendezvous handler for {scheme}")


def _backend_name(backend) -> str:
    if backend is None:
        # NOTE: PyTorch's get_backend() then answers 'undefined'; the group is gloo here
        return Backend.GLOO
    name = Backend(backend)
    if ":" in name:  # 'cpu:gloo,cuda:nccl': a device -> backend map; CPU is all there is
        pairs = dict(part.split(":", 1) for part in name.split(","))
        name = Backend(pairs.get("cpu", Backend.GLOO))
    if name == Backend.NCCL:
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name == Backend.UCC:
        raise RuntimeError("Distributed package doesn't have UCC built in")
    if name not in (Backend.GLOO, Backend.MPI):
        raise AssertionError(f"Unknown backend type {name}")
    return name


def _mpi_world():
    if not is_available():
        raise RuntimeError("npgrad.distributed needs mpi4py: pip install mpi4py mpich "
                           "(or pip install 'npgrad[distributed]')")
    return mpi().COMM_WORLD


def init_process_group(backend=None, init_method: str | None = None,
                       timeout: datetime.timedelta | None = None, world_size: int = -1,
                       rank: int = -1, store=None, group_name: str = "", pg_options=None,
                       device_id=None) -> None:
    """Join this process to the default group, as ``torch.distributed.init_process_group``.

    The processes must have been started by MPI (``python -m npgrad.distributed.run`` or
    ``mpiexec``), as many as ``world_size``. With ``'mpi'`` the rank and world size are MPI's;
    otherwise they come from ``init_method`` (env:// reads ``RANK`` and ``WORLD_SIZE``) and may
    number the processes in any order. ``timeout`` and ``store`` are accepted and unused: MPI
    has neither.
    """
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = _backend_name(backend)
    if name == Backend.MPI:
        if rank != -1 or world_size != -1:
            warnings.warn(f"For MPI backend, world_size ({world_size}) and rank ({rank}) are "
                          f"ignored since they are assigned by the MPI runtime.", stacklevel=2)
        world = _mpi_world()
        rank, world_size = world.Get_rank(), world.Get_size()
    else:
        rank, world_size = _rendezvous(init_method or "env://", rank, world_size)
        world = _mpi_world()
    if world_size != world.Get_size():
        raise RuntimeError(
            f"init_process_group: world_size={world_size}, but MPI started "
            f"{world.Get_size()} process(es): launch the program with "
            f"`python -m npgrad.distributed.run --nproc_per_node={world_size} ...` "
            f"or `mpiexec -n {world_size} ...`")
    if not 0 <= rank < world_size:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, "
                         f"{world_size - 1}]")
    ranks = world.allgather(rank)
    if sorted(ranks) != list(range(world_size)):
        raise RuntimeError(f"init_process_group: the processes claim ranks {ranks}; each of "
                           f"0..{world_size - 1} must be taken once")
    # a communicator whose MPI ranks are the requested ranks
    comm = world.Split(0, rank)
    GroupMember.WORLD = ProcessGroup(comm, range(world_size), name)


def is_initialized() -> bool:
    """Whether ``init_process_group`` has run (and ``destroy_process_group`` has not)."""
    return GroupMember.WORLD is not None


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Leave ``group`` (the default group and every group made from it, for None)."""
    if GroupMember.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if group is None or group is GroupMember.WORLD:
        GroupMember.WORLD.comm.Free()
        GroupMember.WORLD = None
    elif isinstance(group, ProcessGroup):
        group.comm.Free()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization: bool = False, group_desc=None, device_id=None):
    """A group of the processes with global ``ranks`` (all, for None). Every process of the
    default group must call it; those outside ``ranks`` get ``GroupMember.NON_GROUP_MEMBER``."""
    world = resolve(None)
    size = world.size()
    ranks = list(range(size)) if ranks is None else sorted(int(r) for r in ranks)
    for r in ranks:
        if not 0 <= r < size:
            raise ValueError(f"Rank {r} is out of range. Valid ranks are 0 to {size - 1} "
                             f"(world_size={size})")
    me = world.rank()
    member = me in ranks
    comm = world.comm.Split(0 if member else mpi().UNDEFINED, ranks.index(me) if member else 0)
    if not member:
        return GroupMember.NON_GROUP_MEMBER
    return ProcessGroup(comm, ranks, _backend_name(backend) if backend else world.backend)


# -- questions about a group ----------------------------------------------------------------

def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in ``group`` (the default group for None); -1 outside it."""
    pg = resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of processes in ``group``; -1 for a process outside it."""
    pg = resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group: ProcessGroup | None = None) -> Backend:
    """The backend's name: ``'gloo'`` or ``'mpi'``."""
    pg = resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg.backend


def get_global_rank(group: ProcessGroup, group_rank: int) -> int:
    """The global rank of the process with rank ``group_rank`` in ``group``."""
    pg = resolve(group)
    if not 0 <= group_rank < len(pg.ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
    return pg.ranks[group_rank]


def get_group_rank(group: ProcessGroup, global_rank: int) -> int:
    """The rank within ``group`` of the process with ``global_rank``."""
    return resolve(group).group_rank(global_rank)


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    """The global ranks of ``group``'s processes, in group-rank order."""
    return list(resolve(group).ranks)
