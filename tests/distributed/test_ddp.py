"""DistributedDataParallel on 2 processes against one process with the whole batch (SGD
and Adam trajectories, no_sync, unused parameters, buffers, bucketing): the checks run in
scripts/ddp.py, started once."""
from __future__ import annotations

from ._launch import SCRIPTS, launch, needs_mpi

pytestmark = needs_mpi


def test_distributed_data_parallel():
    out = launch(["-m", "npgrad.distributed.run", "--nproc_per_node=2",
                  str(SCRIPTS / "ddp.py")])
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1].startswith("OK"), \
        out.stdout + out.stderr
