"""The launcher: torchrun's environment in every process, PyTorch programs unchanged under
``python -m npgrad.run``, and a failing rank ends the job."""
from __future__ import annotations

import json
import subprocess
import sys

import npgrad

from ._launch import SCRIPTS, launch, needs_mpi

pytestmark = needs_mpi


def test_processes_get_torchruns_environment_and_run_a_torch_program():
    out = launch(["-m", "npgrad.run", "-m", "npgrad.distributed.run", "--nproc-per-node=2",
                  "--master_port=29999", str(SCRIPTS / "launched.py"), "x", "--flag"])
    assert out.returncode == 0, out.stderr
    every = [json.loads(line[7:]) for line in out.stdout.splitlines()
             if line.startswith("RESULT ")][0]
    envs = [e["env"] for e in every]
    assert [(e["RANK"], e["LOCAL_RANK"], e["WORLD_SIZE"], e["LOCAL_WORLD_SIZE"],
             e["GROUP_RANK"]) for e in envs] == [("0", "0", "2", "2", "0"),
                                                 ("1", "1", "2", "2", "0")]
    assert {(e["MASTER_ADDR"], e["MASTER_PORT"], e["torch"], e["main"]) for e in envs} == {
        ("127.0.0.1", "29999", "npgrad", "__main__")}
    assert all(e["argv"] == ["x", "--flag"] for e in envs)
    assert len({e["TORCHELASTIC_RUN_ID"] for e in envs}) == 1
    # d(sum of 2 outputs)/dw = 2 * x, averaged over ranks with x = 0 and x = 1
    assert [e["grad"] for e in every] == [[[1.0, 1.0, 1.0]]] * 2


def test_a_failing_rank_ends_the_job_with_its_traceback():
    out = launch(["-m", "npgrad.run", "-m", "npgrad.distributed.run", "--nproc_per_node=3",
                  str(SCRIPTS / "launched.py"), "fail"], timeout=60)
    assert out.returncode != 0
    assert "ValueError: rank 1 fails on purpose" in out.stderr
    assert 'launched.py", line' in out.stderr and "worker.py" not in out.stderr
    assert "RESULT" not in out.stdout


def test_usage_and_help():
    out = subprocess.run([sys.executable, "-m", "npgrad.distributed.run", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--nproc_per_node" in out.stdout


def test_the_char_gpt_demo_trains_data_parallel(tmp_path):
    out = launch(["-m", "npgrad.distributed.run", "--nproc_per_node=2", "-m", "npgrad.examples",
                  "char_gpt", "--steps", "3", "--batch-size", "4", "--context", "8", "--width",
                  "16", "--layers", "1", "--heads", "2", "--eval-batches", "1", "--chars", "5",
                  "--out", str(tmp_path), "--quiet"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("trained 3 steps") == 1  # process 0 alone reports and saves
    state = npgrad.load(str(tmp_path / "model.safetensors"))
    assert "tok_emb.weight" in state["model"]  # the model's own names, not DDP's module.*
