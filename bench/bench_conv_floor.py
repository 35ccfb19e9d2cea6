"""Where the floor of conv2d 8->16's forward lies (issue 3's 1.5x target), in one run:
PyTorch's conv2d, npgrad's, and the matmuls alone -- the same multiply-adds that npgrad's
forward does, one (16, 73) @ (73, 784) per image (8 channels x 3x3 taps + the bias row, over
28x28 positions), through NumPy's BLAS, with no columns to fill:

* on one thread, block by block over columns that stay in the L2 cache (as npgrad's do);
* the same blocks shared by npgrad's threads (``parallel_chunks``, as the convolution runs
  them, the BLAS on one thread inside);
* by the BLAS's own threads, as one matmul over the whole batch ((16, 73) @ (73, 32 * 784)).

A batch of 32 28x28 images, 3x3 kernels, padding 1, float32, timed by ``common.run``
(interleaved rounds, the first dropped, medians), each case as the median of single calls
after 5 settling calls. The PyTorch column is its whole conv2d on every row, so each ratio is
that case over PyTorch's conv2d.

    python bench/bench_conv_floor.py [--rounds 7]
"""
from __future__ import annotations

import argparse
import statistics

import numpy as np

import common
from common import Bench, npgrad, run, timed, torch
from npgrad._parallel import parallel_chunks

N, C, O, S = 32, 8, 16, 28
K, L = C * 9 + 1, S * S
BLOCK = 8  # images a block: 8 x 73 x 784 float32 columns = 1.8 MB


def cases() -> tuple:
    """PyTorch's conv2d forward, and the (label, function, BLAS threads) of the cases."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, S, S)).astype(np.float32)
    w = rng.standard_normal((O, C, 3, 3)).astype(np.float32)
    b = rng.standard_normal(O).astype(np.float32)
    tx, tw, tb = (torch.from_numpy(a) for a in (x, w, b))
    nx, nw, nb = (npgrad.tensor(a) for a in (x, w, b))
    wm = rng.standard_normal((O, K)).astype(np.float32)
    out = np.empty((N, O, L), np.float32)
    # Each thread's columns: one block of BLOCK images that stays in its core's L2 cache
    # (as npgrad's blocks do), multiplied for each of its blocks as if filled for free.
    threads = common.THREADS
    cols = [rng.standard_normal((BLOCK, K, L)).astype(np.float32) for _ in range(threads)]
    blocks = [(n0, n0 + BLOCK) for n0 in range(0, N, BLOCK)]
    per = len(blocks) // threads
    shares = [[(t, n0, n1) for n0, n1 in blocks[t * per:(t + 1) * per]] for t in range(threads)]
    wide = rng.standard_normal((K, N * L)).astype(np.float32)
    wide_out = np.empty((O, N * L), np.float32)

    def work(run):
        for share in run:
            for t, n0, n1 in share:
                np.matmul(wm, cols[t], out=out[n0:n1])

    def one_thread():
        work([[(0, n0, n1) for n0, n1 in blocks]])

    def shared():
        parallel_chunks(shares, work, max_threads=threads, one_blas_thread=True)

    def torch_conv():
        with torch.no_grad():
            torch.nn.functional.conv2d(tx, tw, tb, padding=1)

    def npgrad_conv():
        with npgrad.no_grad():
            npgrad.nn.functional.conv2d(nx, nw, nb, padding=1)

    return torch_conv, [  # (label, function, BLAS threads while it is timed)
        ("conv2d 8->16 forward", npgrad_conv, threads),
        ("matmuls alone, 1 thread", one_thread, 1),
        (f"matmuls alone, npgrad's {threads} threads", shared, threads),
        (f"one batch matmul, BLAS's {threads} threads",
         lambda: np.matmul(wm, wide, out=wide_out), threads),
    ]


def _ms(fn, repeat: int, blas: int) -> float:
    """Median ms of single calls, with BLAS on ``blas`` threads, after 5 settling calls."""
    with common.threadpool_limits(blas):
        timed(fn, 5)  # settle after the switch of case (BLAS threads, caches)
        return statistics.median(timed(fn, 1) for _ in range(repeat)) * 1e3


def bench() -> Bench:
    """One row per case; npgrad's column times the case, PyTorch's its whole conv2d (so the
    ratio is the case's time over PyTorch's conv)."""
    torch_conv, rows = cases()

    def fn(lib, repeat):
        if lib is torch:
            return (_ms(torch_conv, repeat, common.THREADS),) * len(rows)
        return tuple(_ms(f, repeat, blas) for _, f, blas in rows)
    return Bench(tuple(label for label, _, _ in rows), "ms", fn, 30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if common.threadpool_limits is None:
        parser.error("needs threadpoolctl (to time the one-thread matmul)")
    run([bench()], args.rounds, f"conv2d 8->16 forward and its matmul floor "
        f"({2 * N * O * K * L / 1e6:.0f} MFLOP)")
