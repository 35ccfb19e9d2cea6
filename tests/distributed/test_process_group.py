"""npgrad.distributed in one process, with no process group: PyTorch's errors, the lazy
import of mpi4py, and DataParallel."""
from __future__ import annotations

import subprocess
import sys

import pytest
import torch

import npgrad
import npgrad.distributed as dist


@pytest.mark.parametrize("call", [
    lambda d, t: d.get_rank(), lambda d, t: d.get_world_size(), lambda d, t: d.barrier(),
    lambda d, t: d.get_backend(), lambda d, t: d.all_reduce(t.ones(2)),
    lambda d, t: d.broadcast(t.ones(2), src=0), lambda d, t: d.new_group([0]),
    lambda d, t: d.all_gather_object([None], 1)])
def test_collectives_before_init_raise_pytorchs_error(call):
    for lib, d in ((npgrad, dist), (torch, torch.distributed)):
        assert not d.is_initialized()
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            call(d, lib)


def test_init_errors_as_pytorch(monkeypatch):
    monkeypatch.delenv("RANK", raising=False)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with pytest.raises(RuntimeError, match="Distributed package doesn't have NCCL built in"):
        dist.init_process_group("nccl", init_method="tcp://127.0.0.1:1", rank=0, world_size=1)
    with pytest.raises(ValueError, match="environment variable RANK expected, but not set"):
        dist.init_process_group("gloo")
    with pytest.raises(ValueError, match="tcp:// rendezvous: rank parameter missing"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1")
    with pytest.raises(ValueError, match="world size parameter missing"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1", rank=0)
    with pytest.raises(RuntimeError, match="No rendezvous handler for bogus://"):
        dist.init_process_group("gloo", init_method="bogus://x", rank=0, world_size=1)
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()
    assert not dist.is_initialized()


def test_names_as_pytorch():
    assert dist.Backend("GLOO") == "gloo" == dist.Backend.GLOO
    assert dist.is_gloo_available() == dist.is_available() and not dist.is_nccl_available()
    for op in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        assert getattr(dist.ReduceOp, op).name == getattr(torch.distributed.ReduceOp, op).name
    assert npgrad.utils.data.DistributedSampler is \
        npgrad.utils.data.distributed.DistributedSampler
    assert npgrad.nn.parallel.DistributedDataParallel.__name__ == "DistributedDataParallel"


def test_importing_npgrad_does_not_import_mpi4py():
    probe = ("import sys, npgrad, npgrad.distributed as d, npgrad.nn.parallel; "
             "assert d.is_available() in (True, False); "
             "print(sorted(m for m in sys.modules if m.startswith('mpi4py')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "mpi4py.MPI" not in out.stdout


def test_data_parallel_runs_the_module():
    net = npgrad.nn.Linear(3, 2)
    dp = npgrad.nn.DataParallel(net)
    x = npgrad.randn(4, 3)
    assert npgrad.equal(dp(x), net(x)) and dp.module is net
    assert list(dp.state_dict()) == ["module.weight", "module.bias"]
    tnet = torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert list(tnet.state_dict()) == list(dp.state_dict())


def test_sync_batchnorm_without_a_group_is_batchnorm():
    x = npgrad.randn(6, 3, 4)
    sync, plain = npgrad.nn.SyncBatchNorm(3), npgrad.nn.BatchNorm1d(3)
    assert npgrad.allclose(sync(x), plain(x))
    assert npgrad.allclose(sync.running_var, plain.running_var)
    with pytest.raises(ValueError, match=r"expected at least 2D input \(got 1D input\)"):
        sync(npgrad.ones(3))

    def net(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3),
                             nn.Sequential(nn.BatchNorm2d(3, momentum=None)))
    ours = npgrad.nn.SyncBatchNorm.convert_sync_batchnorm(net(npgrad))
    theirs = torch.nn.SyncBatchNorm.convert_sync_batchnorm(net(torch))
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.skipif(not dist.is_available(), reason="needs mpi4py")
def test_one_process_group_without_a_launcher():
    probe = """
import npgrad as torch, npgrad.distributed as dist
dist.init_process_group('gloo', init_method='tcp://127.0.0.1:23456', rank=0, world_size=1)
x = torch.ones(3)
dist.all_reduce(x, op=dist.ReduceOp.AVG)
model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 1))
model(torch.ones(1, 2)).sum().backward()
print(x.tolist(), dist.get_world_size(), dist.get_backend(), model.module.weight.grad.tolist())
try:
    dist.init_process_group('gloo', init_method='tcp://127.0.0.1:23456', rank=0, world_size=1)
except ValueError as e:
    print(e)
dist.destroy_process_group()
try:
    dist.init_process_group('gloo', init_method='tcp://127.0.0.1:23456', rank=0, world_size=2)
except RuntimeError as e:
    print(e)
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "[1.0, 1.0, 1.0] 1 gloo [[1.0, 1.0]]"
    assert lines[1] == "trying to initialize the default process group twice!"
    assert "world_size=2, but MPI started 1 process(es)" in lines[2]


def test_launcher_command_for_several_machines(monkeypatch):
    from npgrad.distributed import run  # (a program's module: not imported by the package)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    args = run.parse_args(["--nnodes=2", "--nproc-per-node=4", "--hosts=node1,node2",
                           "--mpiexec=/opt/mpi/bin/mpiexec", "--master_addr=node1",
                           "--mpiexec_args=-bind-to core", "-m", "pkg.train", "--lr", "3"])
    cmd, env = run.mpiexec_command(args)
    assert cmd[:8] == ["/opt/mpi/bin/mpiexec", "-n", "8", "-ppn", "4", "-hosts", "node1,node2",
                       "-bind-to"]
    assert cmd[8:] == ["core", sys.executable, "-m", "npgrad.distributed.worker", "-m",
                       "pkg.train", "--lr", "3"]
    assert (env["MASTER_ADDR"], env["MASTER_PORT"], env["OMP_NUM_THREADS"]) == (
        "node1", "29500", "1")
