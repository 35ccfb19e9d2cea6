"""Every collective with 2 and 3 processes against its definition (float32/64, int32/64,
float16, bool; sync and async; groups; point to point; objects): the checks run in
scripts/collectives.py, started once per world size."""
from __future__ import annotations

import pytest

from ._launch import SCRIPTS, launch, needs_mpi

pytestmark = needs_mpi


@pytest.mark.parametrize("nproc", [2, 3])
def test_collectives(nproc):
    out = launch(["-m", "npgrad.distributed.run", f"--nproc_per_node={nproc}",
                  str(SCRIPTS / "collectives.py")])
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1].startswith("OK"), \
        out.stdout + out.stderr
