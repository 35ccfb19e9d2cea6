"""What each process started by ``python -m npgrad.distributed.run`` runs: export torchrun's
environment for this process (from MPI), run the program, and end the whole job if it fails.

``python -m npgrad.distributed.worker [--as-torch] [-m | --no-python] program [args...]``
"""
from __future__ import annotations

import os
import runpy
import subprocess
import sys
import traceback


def export_environment(MPI) -> None:
    """RANK, LOCAL_RANK, WORLD_SIZE... for this process, as torchrun sets them; a machine
    (a "node") is a set of processes that share memory."""
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    local = comm.Split_type(MPI.COMM_TYPE_SHARED, key=rank)
    leaders = sorted(set(comm.allgather(local.bcast(rank, root=0))))  # each machine's first
    node_rank = leaders.index(local.bcast(rank, root=0))
    env = dict(RANK=rank, WORLD_SIZE=size, LOCAL_RANK=local.Get_rank(),
               LOCAL_WORLD_SIZE=local.Get_size(), GROUP_RANK=node_rank,
               GROUP_WORLD_SIZE=len(leaders), ROLE_RANK=rank, ROLE_WORLD_SIZE=size,
               ROLE_NAME="default")
    os.environ.update({k: str(v) for k, v in env.items()})
    local.Free()


def _run_program(argv: list[str], as_torch: bool) -> None:
    mode, argv = (argv[0], argv[1:]) if argv[0] in ("-m", "--no-python") else ("", argv)
    if mode == "--no-python":
        code = subprocess.call(argv)
        if code:
            raise SystemExit(code)
        return
    if as_torch:
        from ..run import run  # the torch alias (a program's helper, as this module is one)
        run(["-m", *argv] if mode == "-m" else argv)
        return
    sys.argv = list(argv)
    if mode == "-m":
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))  # as python script.py
        runpy.run_path(argv[0], run_name="__main__")


def main(argv: list[str]) -> None:
    from mpi4py import MPI  # (this module only runs inside an MPI job)
    comm = MPI.COMM_WORLD
    export_environment(MPI)
    as_torch = bool(argv) and argv[0] == "--as-torch"
    argv = argv[1:] if as_torch else argv
    try:
        _run_program(argv, as_torch)
    except SystemExit as e:
        if e.code not in (None, 0):
            if not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
            _abort(comm, e.code if isinstance(e.code, int) else 1)
    except BaseException as e:
        print(f"[rank{comm.Get_rank()}]: the program raised; ending every process",
              file=sys.stderr)
        traceback.print_exception(type(e), e, _program_frames(e.__traceback__))
        _abort(comm, 1)


def _program_frames(tb):
    """The traceback from the program's own first frame (not this module's or runpy's)."""
    start = tb
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name != __file__ and "runpy" not in name and not name.endswith("npgrad/run.py"):
            return tb
        tb = tb.tb_next
    return start


def _abort(comm, code: int) -> None:
    """End every process of the job now (the others may be waiting on this one)."""
    sys.stdout.flush()
    sys.stderr.flush()
    comm.Abort(code)


if __name__ == "__main__":
    main(sys.argv[1:])
