"""Starting multi-process jobs from the tests: loopback only, with a timeout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "scripts"
SRC = Path(__file__).resolve().parents[2] / "src"


def _mpiexec() -> bool:
    beside = Path(sys.executable).parent / "mpiexec"
    return beside.exists() or shutil.which("mpiexec") is not None


def _has_mpi4py() -> bool:
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


needs_mpi = pytest.mark.skipif(not (_has_mpi4py() and _mpiexec()),
                               reason="needs mpi4py and mpiexec (pip install mpi4py mpich)")


def launch(args: list[str], timeout: float = 90) -> subprocess.CompletedProcess:
    """``python args...`` (a launcher command) with this checkout's npgrad; a hang fails."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p))
    env.setdefault("HYDRA_IFACE", "lo")  # MPICH: loopback only, whatever the network
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)
