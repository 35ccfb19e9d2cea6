"""Training-step speed and peak memory (issue 4), side by side with PyTorch CPU:
one step (forward, cross-entropy, backward, optimizer) of a 64-256-256-10 MLP at batch 64
(Adam), a two-conv CNN on 28x28 images at batch 32 (Adam), and a 4-layer, 4-head, 128-wide
character-level GPT at batch 16 and context 64 (AdamW).

Peak memory: each library in a fresh process of its own (importing only that library, 2
threads), which first trains one step of the same model at batch 1 (so that both libraries
have paged in their code and built their lazily created runtime state: PyTorch's first step
alone adds ~80 MB of resident code and buffers); then the peak resident set size while it
builds the model and trains 20 steps, minus the process's size before (Linux: the peak is
reset there through /proc/self/clear_refs, and glibc's malloc_trim first returns the
warm-up's freed memory, which the measured run could otherwise reuse unseen; elsewhere the
lifetime peak is used). Medians of 3 processes.

Busy machine (``--busy``): the MLP and GPT steps again, first as they are and then while
another process keeps one core busy (a Python loop), interleaved per library; the table shows
each library's slowdown (busy / quiet). On a shared machine "quiet" means "without the extra
process", so compare the two libraries' slowdowns, measured in the same run.

    python bench/bench_train.py [--rounds 5] [--no-memory] [--busy]
    BENCH_THREADS=1 python bench/bench_train.py --cpu   # CPU time, for a loaded machine
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

import common  # (first: it sets the BLAS thread count, which NumPy reads when it loads)
import models
import numpy as np
from common import Bench, run, timed


def _setup(lib, kind: str):
    import torch
    torch.manual_seed(0)
    make = {"mlp": models.mlp, "cnn": models.cnn, "gpt": models.gpt,
            "gpt-tanh": lambda lib: models.gpt(lib, gelu="tanh"),
            "gpt-mingpt": lambda lib: models.gpt(lib, gelu="mingpt")}[kind]
    model = make(torch)
    if lib is not torch:
        ours = make(lib)
        models.same_weights(ours, model, torch)
        model = ours
    opt = (lib.optim.AdamW if kind.startswith("gpt") else lib.optim.Adam)(model.parameters(), lr=1e-3)
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
    Bench(("GPT step, GELU(approximate='tanh')",), "ms", step_bench("gpt-tanh"), 3),
    Bench(("GPT step, minGPT's GELU with pow(x, 3.0)",), "ms", step_bench("gpt-mingpt"), 3),
]

_MEMORY_SCRIPT = """
import ctypes, gc, os, resource, sys
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "2"
sys.path.insert(0, {bench!r})
import numpy as np
import models
import {lib} as lib
if {lib!r} == "torch":
    lib.set_num_threads(2)


def kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])


def train(steps, batch):
    model = getattr(models, {kind!r})(lib)
    opt = (lib.optim.AdamW if {kind!r} == "gpt" else lib.optim.Adam)(model.parameters(),
                                                                      lr=1e-3)
    x, y = (lib.tensor(a[:batch]) for a in models.batches({kind!r}, np.random.default_rng(0)))
    for _ in range(steps):
        opt.zero_grad()
        logits = model(x)
        loss = lib.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               y.reshape(-1))
        loss.backward()
        opt.step()


lib.manual_seed(0)
train(1, 1)  # warm-up at batch 1: pages in the code paths and lazily built runtime state
gc.collect()
try:  # hand the warm-up's freed memory back, so that the measured run cannot reuse it
    ctypes.CDLL("libc.so.6").malloc_trim(0)
except (OSError, AttributeError):
    pass
try:
    base = kb("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current size
    peak = lambda: kb("VmHWM")
except OSError:  # not Linux: the lifetime peak (which includes the imports)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
train(20, None)
print(base / 1024, peak() / 1024)
"""


def peak_memory(kind: str, lib: str) -> float:
    """MB by which a fresh process's peak size exceeds its size after importing ``lib`` and a
    warm-up, while building the ``kind`` model and training it for 20 steps."""
    import os
    bench = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT.format(bench=bench, lib=lib,
                                                                      kind=kind)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[1]) - float(out[0])


def memory_table(rounds: int = 3) -> None:
    """Median over ``rounds`` fresh processes per library and model, printed as a table."""
    import statistics
    print(f"\n{'peak memory, 20 steps (MB above warm start)':44s} {'npgrad':>10s} {'torch':>10s} "
          f"{'ratio':>7s}")
    for kind in ("mlp", "cnn", "gpt"):
        ours = statistics.median(peak_memory(kind, "npgrad") for _ in range(rounds))
        theirs = statistics.median(peak_memory(kind, "torch") for _ in range(rounds))
        ratio = f"{ours / theirs:6.2f}x" if theirs > 0.5 else "    n/a"  # below RSS noise
        print(f"{kind:44s} {ours:10.1f} {theirs:10.1f} {ratio}")


BUSY_BENCHES = [b for b in BENCHES if b.labels[0].startswith(("MLP", "GPT 4x128"))]


def busy_table(rounds: int) -> None:
    """Each library's MLP and GPT step times without and with another process spinning on
    one core, and the slowdown."""
    quiet = run(BUSY_BENCHES, rounds, "\nwithout the busy process")
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        busy = run(BUSY_BENCHES, rounds, "\nwith one core kept busy by another process")
    finally:
        spinner.kill()
        spinner.wait()
    print(f"\n{'slowdown, busy / quiet':44s} {'npgrad':>10s} {'torch':>10s}")
    for label, (ours, theirs) in busy.items():
        print(f"{label:44s} {ours / quiet[label][0]:9.2f}x {theirs / quiet[label][1]:9.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--cpu", action="store_true",
                        help="time this process's CPU seconds (fair with BENCH_THREADS=1)")
    parser.add_argument("--busy", action="store_true",
                        help="only the busy-machine case (MLP and GPT steps)")
    args = parser.parse_args()
    if args.cpu:
        common.CLOCK = time.process_time
    if args.busy:
        busy_table(args.rounds)
        sys.exit()
    run(BENCHES, args.rounds, "training steps")
    if not args.no_memory:
        memory_table()
