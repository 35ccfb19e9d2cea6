"""The op families' speed (issue 3), side by side with PyTorch CPU in one run:
conv2d forward and backward (batch 32 of 28x28 images, 3x3 kernels, 1->8 and 8->16
channels), max_pool2d, a large einsum contraction, and ``x[idx]`` with 10,000 indices.

    python bench/bench_ops.py [--rounds 7] [--threads 1]

``--threads 1`` times both libraries on one thread: far steadier than the default 2 threads
when other processes keep the machine busy (PyTorch's and OpenBLAS's 2-thread kernels then
wait for a descheduled thread and their medians swing by 10x).
"""
from __future__ import annotations

import argparse

import numpy as np

import common
from common import Bench, run, timed


def _fwd_bwd(lib, make, repeat: int) -> tuple:
    """(forward ms, backward ms) of ``make(lib)() -> output``, with a fixed upstream grad."""
    fn, leaves = make(lib)
    out = fn()
    g = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(
        np.float32))
    outs = []
    fwd = timed(lambda: outs.append(fn()), repeat)

    def backward():
        for t in leaves:
            t.grad = None
        outs.pop().backward(g)
    bwd = timed(backward, repeat)
    return fwd * 1e3, bwd * 1e3


def _randn(lib, *shape, grad=True):
    a = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    return lib.tensor(a, requires_grad=grad)


def conv(cin: int, cout: int):
    def make(lib):
        x, w, b = _randn(lib, 32, cin, 28, 28), _randn(lib, cout, cin, 3, 3), \
            _randn(lib, cout)
        return (lambda: lib.nn.functional.conv2d(x, w, b, padding=1)), (x, w, b)
    return lambda lib, repeat: _fwd_bwd(lib, make, repeat)


def max_pool(lib, repeat):
    x = _randn(lib, 32, 16, 28, 28)
    return _fwd_bwd(lib, lambda lib: ((lambda: lib.nn.functional.max_pool2d(x, 2)), (x,)),
                    repeat)


def einsum(lib, repeat):
    a, b = _randn(lib, 32, 64, 128), _randn(lib, 32, 128, 96)
    return _fwd_bwd(lib, lambda lib: ((lambda: lib.einsum("bij,bjk->bik", a, b)), (a, b)),
                    repeat)


def getitem(lib, repeat):
    x = _randn(lib, 1000, 64)
    idx = lib.tensor(np.random.default_rng(0).integers(0, 1000, 10_000))
    return _fwd_bwd(lib, lambda lib: ((lambda: x[idx]), (x,)), repeat)


BENCHES = [
    Bench(("conv2d 1->8, forward", "conv2d 1->8, backward"), "ms", conv(1, 8), 20),
    Bench(("conv2d 8->16, forward", "conv2d 8->16, backward"), "ms", conv(8, 16), 20),
    Bench(("max_pool2d 32x16x28x28, forward", "max_pool2d, backward"), "ms", max_pool, 10),
    Bench(("einsum bij,bjk->bik, forward", "einsum, backward"), "ms", einsum, 10),
    Bench(("x[idx] 10k of (1000,64), forward", "x[idx], backward"), "ms", getitem, 10),
]

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None,
                        help=f"threads for both libraries (default {common.THREADS})")
    args = parser.parse_args()
    if args.threads and args.threads != common.THREADS:
        if common.threadpool_limits is None:
            parser.error("--threads needs threadpoolctl (NumPy's BLAS is already loaded)")
        common.THREADS = args.threads
        common.threadpool_limits(args.threads)
        common.torch.set_num_threads(args.threads)
    run(BENCHES, args.rounds, "op families")
