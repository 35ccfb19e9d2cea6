"""npgrad core speed, side by side with PyTorch CPU in one run (never part of the tests).

(a) a chain of 50 small elementwise ops on 4-element tensors that require grad: forward and
    backward, in microseconds per op (the per-op overhead of the engine);
(b) the same with a mix of unary ops: 5 x (mul, add, sin, exp, div, tanh, sub, square,
    sigmoid, residual add);
(c) a 1024x1024 float32 matmul, forward and backward (the BLAS-bound case).

Both libraries use 2 threads. The libraries are interleaved over several rounds (the first
is a warm-up and is dropped) and the table shows medians and npgrad/PyTorch ratios.

    python bench/bench_core.py [--rounds 7] [--profile]
    python bench/bench_core.py --cpu   # CPU time (steadier on a loaded machine; the chains
                                       # use one thread in both libraries anyway)
"""
from __future__ import annotations

import argparse
import os

THREADS = 2
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))  # before NumPy loads its BLAS

import cProfile  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

import npgrad  # noqa: E402

try:
    from threadpoolctl import threadpool_limits  # noqa: E402
    threadpool_limits(THREADS)
except ImportError:  # the environment variables above do the same at start-up
    threadpool_limits = None
torch.set_num_threads(THREADS)

CHAIN_OPS = 50
CLOCK = [time.perf_counter]  # time.process_time with --cpu


def chain(x, y):
    """50 elementwise ops: 10 x (mul, add, neg, exp, mul by a number); values stay bounded."""
    h = x
    for _ in range(10):
        h = h * y
        h = h + x
        h = -h
        h = h.exp()
        h = h * 0.5
    return h


def mixed_chain(x, y):
    """50 elementwise ops, unary ones among them: 5 x (mul, add, sin, exp, div, tanh, sub,
    square, sigmoid, residual add); values stay bounded."""
    h = x
    for _ in range(5):
        r = h
        h = h * y
        h = h + x
        h = h.sin()
        h = h.exp()
        h = h / 3.0
        h = h.tanh()
        h = h - y
        h = h.square()
        h = h.sigmoid()
        h = h + r
    return h


def _fwd_bwd(forward, backward, repeat: int) -> tuple:
    """Mean seconds of ``forward()`` and of ``backward(out)``, timed in the same loop (one
    graph alive at a time, as in training)."""
    t_fwd = t_bwd = 0.0
    clock = CLOCK[0]
    for _ in range(repeat):
        t0 = clock()
        out = forward()
        t1 = clock()
        backward(out)
        t2 = clock()
        t_fwd += t1 - t0
        t_bwd += t2 - t1
    return t_fwd / repeat, t_bwd / repeat


def _chain_bench(make_chain):
    def bench(lib, repeat: int) -> tuple:
        """(forward, backward) microseconds per op."""
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
        y = lib.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
        g = lib.ones(4)
        fwd, bwd = _fwd_bwd(lambda: make_chain(x, y), lambda out: out.backward(g), repeat)
        return fwd / CHAIN_OPS * 1e6, bwd / CHAIN_OPS * 1e6
    return bench


bench_chain = _chain_bench(chain)
bench_mixed_chain = _chain_bench(mixed_chain)


def bench_matmul(lib, repeat: int) -> tuple:
    """(forward, backward) milliseconds of a 1024x1024 float32 matmul."""
    rng = np.random.default_rng(0)
    a = lib.tensor(rng.standard_normal((1024, 1024)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal((1024, 1024)).astype(np.float32), requires_grad=True)
    g = lib.tensor(rng.standard_normal((1024, 1024)).astype(np.float32))

    def backward(out):
        a.grad = b.grad = None
        out.backward(g)

    fwd, bwd = _fwd_bwd(lambda: a @ b, backward, repeat)
    return fwd * 1e3, bwd * 1e3


CASES = [
    ("(a) 50-op chain, forward", "us/op", bench_chain, 0, 200),
    ("(a) 50-op chain, backward", "us/op", bench_chain, 1, 200),
    ("(b) 50-op mixed unary chain, forward", "us/op", bench_mixed_chain, 0, 200),
    ("(b) 50-op mixed unary chain, backward", "us/op", bench_mixed_chain, 1, 200),
    ("(c) matmul 1024^2 f32, forward", "ms", bench_matmul, 0, 5),
    ("(c) matmul 1024^2 f32, backward", "ms", bench_matmul, 1, 5),
]


def run(rounds: int) -> None:
    results = {(name, lib.__name__): [] for name, *_ in CASES for lib in (npgrad, torch)}
    for r in range(rounds):
        for fn, repeat in {(c[2], c[4]) for c in CASES}:
            for lib in ((npgrad, torch) if r % 2 == 0 else (torch, npgrad)):  # interleave
                pair = fn(lib, repeat)
                if r == 0:
                    continue  # warm-up round
                for name, _, f, which, _ in CASES:
                    if f is fn:
                        results[(name, lib.__name__)].append(pair[which])
    print(f"npgrad {npgrad.__version__} vs torch {torch.__version__}, {THREADS} threads, "
          f"{'CPU' if CLOCK[0] is time.process_time else 'wall'} time, load "
          f"{os.getloadavg()[0]:.1f}, {rounds - 1} timed rounds (medians); threadpoolctl: "
          f"{'yes' if threadpool_limits else 'no (env vars)'}")
    print(f"{'case':40s} {'unit':>6s} {'npgrad':>10s} {'torch':>10s} {'ratio':>8s}")
    for name, unit, *_ in CASES:
        ours = statistics.median(results[(name, "npgrad")])
        theirs = statistics.median(results[(name, "torch")])
        print(f"{name:40s} {unit:>6s} {ours:10.2f} {theirs:10.2f} {ours / theirs:7.2f}x")


def profile(top: int = 15) -> None:
    """cProfile of npgrad's mixed chain (forward + backward), top functions by own time."""
    rng = np.random.default_rng(0)
    x = npgrad.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    y = npgrad.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    g = npgrad.ones(4)

    def work():
        for _ in range(300):
            mixed_chain(x, y).backward(g)

    work()
    prof = cProfile.Profile()
    prof.runcall(work)
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile top-15 of (b)")
    parser.add_argument("--cpu", action="store_true", help="time this process's CPU seconds")
    args = parser.parse_args()
    if args.cpu:
        CLOCK[0] = time.process_time
    run(args.rounds)
    if args.profile:
        profile()
