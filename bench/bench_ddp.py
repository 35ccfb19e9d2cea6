"""Data-parallel training speed (issue 21), side by side with PyTorch: the training step of
the benchmark GPT (models.gpt: 4 blocks of width 128, context 64, AdamW) on 1 and 2
processes of one BLAS thread each, every process with its own batch of 16 windows (so two
processes train twice the samples per step). npgrad runs under its launcher with
DistributedDataParallel over MPI; PyTorch under torchrun with its DDP over gloo.

Printed per library: samples per second on 1 and 2 processes, the scaling efficiency
(samples/s on 2 processes / twice that on 1), and for npgrad the share of a step spent
waiting for gradients at the end of backward (time in the final waits / step time).

    python bench/bench_ddp.py [--steps 20] [--batch 16]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def worker(lib_name: str, steps: int, batch: int) -> None:
    """One process of the job: time ``steps`` training steps after 3 warm-up steps."""
    import numpy as np
    if lib_name == "torch":
        import torch as lib
        from torch.nn.parallel import DistributedDataParallel as DDP
    else:
        import npgrad as lib
        from npgrad.nn.parallel import DistributedDataParallel as DDP
    lib.set_num_threads(1)
    sys.path.insert(0, HERE)
    import models
    dist = lib.distributed
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    lib.manual_seed(0)
    model = DDP(models.gpt(lib))
    wait = [0.0]
    if lib_name == "npgrad":  # time the final waits (and the copies back into .grad)
        finish = model._finish

        def timed_finish():
            t0 = time.perf_counter()
            finish()
            wait[0] += time.perf_counter() - t0
        model._finish = timed_finish
    opt = lib.optim.AdamW(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(rank)
    F = lib.nn.functional

    def step():
        x = rng.integers(0, 65, (batch, 65))
        idx, tgt = lib.from_numpy(x[:, :-1]), lib.from_numpy(x[:, 1:])
        logits = model(idx)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    dist.barrier()
    wait[0] = 0.0
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    dist.barrier()
    elapsed = time.perf_counter() - t0
    every = [None] * world
    dist.all_gather_object(every, (elapsed, wait[0]))
    if rank == 0:
        slowest = max(e for e, _ in every)
        print("RESULT " + json.dumps({
            "samples_per_s": world * batch * steps / slowest,
            "wait_share": max(w for _, w in every) / slowest if lib_name == "npgrad" else None}),
            flush=True)
    dist.destroy_process_group()


def launch(lib_name: str, nproc: int, steps: int, batch: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    launcher = ["-m", "npgrad.distributed.run"] if lib_name == "npgrad" else \
        ["-m", "torch.distributed.run", "--master_port=29517"]
    cmd = [sys.executable, *launcher, f"--nproc_per_node={nproc}", os.path.abspath(__file__),
           "--worker", lib_name, "--steps", str(steps), "--batch", str(batch)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{lib_name} on {nproc} processes failed:\n{out.stdout}\n{out.stderr}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--worker", choices=["npgrad", "torch"])
    args = p.parse_args()
    if args.worker:
        worker(args.worker, args.steps, args.batch)
        return
    print(f"GPT training step, batch {args.batch} per process, {args.steps} steps, 1 BLAS "
          f"thread per process, {os.cpu_count()} CPUs")
    print(f"{'library':8} {'1 proc (samples/s)':>19} {'2 procs (samples/s)':>20} "
          f"{'efficiency':>11} {'comm wait':>10}")
    for lib_name in ("npgrad", "torch"):
        one = launch(lib_name, 1, args.steps, args.batch)
        two = launch(lib_name, 2, args.steps, args.batch)
        eff = two["samples_per_s"] / (2 * one["samples_per_s"])
        wait = "-" if two["wait_share"] is None else f"{100 * two['wait_share']:.1f}%"
        print(f"{lib_name:8} {one['samples_per_s']:19.1f} {two['samples_per_s']:20.1f} "
              f"{100 * eff:10.0f}% {wait:>10}", flush=True)


if __name__ == "__main__":
    main()
