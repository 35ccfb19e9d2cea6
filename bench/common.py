"""Shared machinery of the benchmarks: 2 threads for both libraries, interleaved rounds with
the first dropped as warm-up, medians, and a table of npgrad/PyTorch ratios.

A benchmark is a function ``fn(lib, repeat) -> tuple of numbers`` (one per label), called
once per library per round; ``lib`` is the ``npgrad`` or the ``torch`` module, so the same
code measures both.
"""
from __future__ import annotations

import os

THREADS = int(os.environ.get("BENCH_THREADS", "2"))  # (BENCH_THREADS=1: see CLOCK)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))  # before NumPy loads its BLAS

import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Callable  # noqa: E402

import torch  # noqa: E402

import npgrad  # noqa: E402

try:
    from threadpoolctl import threadpool_limits  # noqa: E402
    threadpool_limits(THREADS)
except ImportError:  # the environment variables above do the same at start-up
    threadpool_limits = None
torch.set_num_threads(THREADS)

LIBS = (npgrad, torch)
# What ``timed`` measures: wall time, or with ``--cpu`` in a script that offers it, this
# process's CPU time (steadier on a loaded machine; fair only with BENCH_THREADS=1, since
# PyTorch's idle OpenMP threads spin, and that counts as CPU time)
CLOCK = time.perf_counter


@dataclass
class Bench:
    """``fn(lib, repeat)`` returns one number per label, in ``unit``."""

    labels: tuple
    unit: str
    fn: Callable
    repeat: int


def timed(fn: Callable, repeat: int) -> float:
    """Mean seconds per call of ``fn`` over ``repeat`` calls."""
    t0 = CLOCK()
    for _ in range(repeat):
        fn()
    return (CLOCK() - t0) / repeat


def run(benches: list, rounds: int, title: str) -> dict:
    """Run every bench for both libraries, interleaved, and print the table of medians."""
    results = {(label, lib.__name__): [] for b in benches for label in b.labels for lib in LIBS}
    for r in range(rounds):
        for b in benches:
            for lib in (LIBS if r % 2 == 0 else LIBS[::-1]):
                values = b.fn(lib, b.repeat)
                if r == 0:
                    continue  # warm-up round
                for label, v in zip(b.labels, values):
                    results[(label, lib.__name__)].append(v)
    clock = "CPU time" if CLOCK is time.process_time else "wall time"
    print(f"{title}: npgrad {npgrad.__version__} vs torch {torch.__version__}, {THREADS} "
          f"threads, {clock}, load {os.getloadavg()[0]:.1f}, {rounds - 1} timed rounds "
          f"(medians); threadpoolctl: "
          f"{'yes' if threadpool_limits else 'no (env vars)'}")
    print(f"{'case':44s} {'unit':>6s} {'npgrad':>10s} {'torch':>10s} {'ratio':>7s}")
    table = {}
    for b in benches:
        for label in b.labels:
            ours = statistics.median(results[(label, "npgrad")])
            theirs = statistics.median(results[(label, "torch")])
            table[label] = (ours, theirs)
            print(f"{label:44s} {b.unit:>6s} {ours:10.3f} {theirs:10.3f} {ours / theirs:6.2f}x")
    return table
