"""``python -m npgrad.distributed.run --nproc_per_node=N train.py [args...]``: torchrun's
command line, with MPI starting the processes.

Each process runs ``train.py`` as ``python train.py args`` would, with the environment
torchrun gives it: ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``,
``GROUP_RANK``, ``MASTER_ADDR``, ``MASTER_PORT`` (and ``OMP_NUM_THREADS=1`` unless set), so
``init_process_group('gloo')`` and ``int(os.environ['RANK'])``-style programs run unchanged.
A process that raises prints its traceback and ends the whole job (``MPI_Abort``): no hang.

Several machines: unlike torchrun (one launcher per machine), MPI starts every process from
one place. Run the launcher once, naming the machines (reachable by ssh, with the same Python
environment): ``--nnodes=2 --nproc_per_node=4 --hosts=node1,node2``. Options for another
``mpiexec`` than MPICH's go through ``--mpiexec_args``.

Run as ``python -m npgrad.run -m npgrad.distributed.run ...``, every process runs its
program with ``import torch`` meaning npgrad, as ``python -m npgrad.run`` does.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import uuid

__all__ = ["main", "mpiexec_command", "parse_args"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m npgrad.distributed.run",
        description="Start a program on several processes (through mpiexec), as torchrun.")
    for name, kw in [
        ("nproc_per_node", dict(type=str, default="1",
                                help="processes per machine: a number, or 'auto'/'cpu'")),
        ("nnodes", dict(type=str, default="1", help="number of machines (min:max: the max)")),
        ("node_rank", dict(type=int, default=0, help="accepted for torchrun's sake; MPI "
                                                     "numbers the machines")),
        ("master_addr", dict(type=str, default="127.0.0.1", help="exported as MASTER_ADDR")),
        ("master_port", dict(type=int, default=29500, help="exported as MASTER_PORT")),
        ("hosts", dict(type=str, default=None, help="comma-separated machines for mpiexec")),
        ("mpiexec", dict(type=str, default=None, help="the mpiexec program to use")),
        ("mpiexec_args", dict(type=str, default="", help="more options for mpiexec")),
        ("rdzv_backend", dict(type=str, default="static", help="accepted, unused")),
        ("rdzv_endpoint", dict(type=str, default="", help="accepted, unused")),
        ("rdzv_id", dict(type=str, default=None, help="exported as TORCHELASTIC_RUN_ID")),
        ("max_restarts", dict(type=int, default=0, help="accepted; MPI jobs do not restart")),
    ]:
        p.add_argument("--" + name, "--" + name.replace("_", "-"), dest=name, **kw)
    p.add_argument("--standalone", action="store_true", help="one machine (the default)")
    p.add_argument("-m", "--module", action="store_true", dest="module",
                   help="run training_script as a module, as python -m")
    p.add_argument("--no_python", "--no-python", action="store_true", dest="no_python",
                   help="training_script is a program, not a Python file")
    p.add_argument("training_script")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p.parse_args(argv)


def _nproc(spec: str) -> int:
    if spec in ("auto", "cpu", "gpu"):
        return os.cpu_count() or 1
    return int(spec)


def _find_mpiexec(given: str | None) -> str:
    if given:
        return given
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")  # the mpich wheel's
    found = beside if os.path.exists(beside) else shutil.which("mpiexec")
    if found is None:
        raise SystemExit("npgrad.distributed.run needs MPI's mpiexec: pip install mpi4py mpich "
                         "(or install your system's MPI)")
    return found


def _torch_alias_installed() -> bool:
    """Whether this launcher itself runs under ``python -m npgrad.run``."""
    # (by name: under ``python -m npgrad.run`` its module is ``__main__``, not npgrad.run)
    return any(type(f).__name__ == "TorchAlias" for f in sys.meta_path)


def mpiexec_command(args: argparse.Namespace) -> tuple[list[str], dict]:
    """The mpiexec command line that starts every process, and its environment."""
    per_node, nodes = _nproc(args.nproc_per_node), int(str(args.nnodes).split(":")[-1])
    cmd = [_find_mpiexec(args.mpiexec), "-n", str(per_node * nodes)]
    if args.hosts:
        cmd += ["-ppn", str(per_node), "-hosts", args.hosts]
    cmd += shlex.split(args.mpiexec_args)
    cmd += [sys.executable, "-m", "npgrad.distributed.worker"]
    if _torch_alias_installed():
        cmd.append("--as-torch")
    if args.no_python:
        cmd.append("--no-python")
    elif args.module:
        cmd.append("-m")
    cmd += [args.training_script, *args.training_script_args]
    env = dict(os.environ)
    env.update(MASTER_ADDR=args.master_addr, MASTER_PORT=str(args.master_port),
               TORCHELASTIC_RUN_ID=args.rdzv_id or uuid.uuid4().hex,
               TORCHELASTIC_RESTART_COUNT="0", TORCHELASTIC_MAX_RESTARTS="0")
    if per_node > 1 and "OMP_NUM_THREADS" not in env:
        # as torchrun: processes sharing a machine should not each take every core
        env["OMP_NUM_THREADS"] = "1"
    # so that the processes find this npgrad, wherever the launcher found it
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return cmd, env


def main(argv: list[str] | None = None) -> int:
    """Run the job; returns mpiexec's exit status (non-zero when a process failed)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cmd, env = mpiexec_command(args)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
