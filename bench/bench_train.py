"""Training-step speed and peak memory (issue 4), side by side with PyTorch CPU:
one step (forward, cross-entropy, backward, optimizer) of a 64-256-256-10 MLP at batch 64
(Adam), a two-conv CNN on 28x28 images at batch 32 (Adam), and a 4-layer, 4-head, 128-wide
character-level GPT at batch 16 and context 64 (AdamW).

Peak memory is the peak resident set size of a fresh process that imports the library and
trains 20 steps, minus the same process's size after the imports.

    python bench/bench_train.py [--rounds 5] [--no-memory]
"""
from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np

import models
from common import Bench, run, timed


def _setup(lib, kind: str):
    import torch
    torch.manual_seed(0)
    make = {"mlp": models.mlp, "cnn": models.cnn, "gpt": models.gpt}[kind]
    model = make(torch)
    if lib is not torch:
        ours = make(lib)
        models.same_weights(ours, model, torch)
        model = ours
    opt = (lib.optim.AdamW if kind == "gpt" else lib.optim.Adam)(model.parameters(), lr=1e-3)
    x, y = models.batches(kind, np.random.default_rng(0))
    x, y = lib.tensor(x), lib.tensor(y)

    def step():
        opt.zero_grad()
        logits = model(x)
        loss = lib.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               y.reshape(-1))
        loss.backward()
        opt.step()
        return loss
    return step


def step_bench(kind: str):
    def fn(lib, repeat):
        step = _setup(lib, kind)
        step()  # warm-up inside the round: state allocation, caches
        return (timed(step, repeat) * 1e3,)
    return fn


BENCHES = [
    Bench(("MLP 64-256-256-10 step, batch 64",), "ms", step_bench("mlp"), 20),
    Bench(("CNN two-conv step, batch 32",), "ms", step_bench("cnn"), 5),
    Bench(("GPT 4x128 step, batch 16 ctx 64",), "ms", step_bench("gpt"), 3),
]

_MEMORY_SCRIPT = """
import resource, sys
sys.path.insert(0, {bench!r})
import common, bench_train
lib = common.npgrad if {lib!r} == "npgrad" else common.torch
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
step = bench_train._setup(lib, {kind!r})
for _ in range(20):
    step()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base / 1024, peak / 1024)
"""


def peak_memory(kind: str, lib: str) -> tuple:
    """(MB after imports, MB peak) of a fresh process training 20 steps."""
    import os
    bench = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT.format(bench=bench, lib=lib,
                                                                      kind=kind)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args()
    run(BENCHES, args.rounds, "training steps")
    if not args.no_memory:
        print(f"\n{'peak memory of 20 steps (MB above imports)':44s} {'npgrad':>10s} "
              f"{'torch':>10s} {'ratio':>7s}")
        for kind in ("mlp", "cnn", "gpt"):
            ob, op = peak_memory(kind, "npgrad")
            tb, tp = peak_memory(kind, "torch")
            print(f"{kind:44s} {op - ob:10.1f} {tp - tb:10.1f} {(op - ob) / (tp - tb):6.2f}x")
