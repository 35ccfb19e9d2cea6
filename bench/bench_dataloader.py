"""DataLoader with worker processes: the time of one epoch over a dataset whose
``__getitem__`` is slow, for npgrad and PyTorch, with 0 (loading in the main process), 2 and 4
workers.

Two kinds of slow samples: ``sleep`` (I/O-like waits: workers overlap them, so the speed-up
grows with the worker count even on few cores) and ``cpu`` (NumPy work on each sample: the
speed-up is bounded by the free cores). Each sample is a 3x32x32 float32 image and a label;
batches of 16, so each batch also travels between processes (pickled arrays in npgrad,
shared memory in PyTorch). Worker start-up is included, as a user waits for it.

    python bench/bench_dataloader.py [--samples 128] [--delay-ms 20] [--workers 0 2 4]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from common import npgrad, torch  # noqa: F401  (sets 2 threads for both)


def make_dataset(base, kind: str, samples: int, delay_s: float):
    """A map-style dataset subclassing ``base`` (npgrad's or torch's Dataset)."""
    class Slow(base):
        def __len__(self):
            return samples

        def __getitem__(self, i):
            rng = np.random.default_rng(i)
            image = rng.standard_normal((3, 32, 32)).astype(np.float32)
            if kind == "sleep":
                time.sleep(delay_s)
            else:  # about delay_s of arithmetic on the image
                end = time.perf_counter() + delay_s
                while time.perf_counter() < end:
                    image = np.tanh(image * 1.0001)
            return image, i % 10
    return Slow()


def epoch_seconds(lib, kind: str, samples: int, delay_s: float, workers: int) -> float:
    data = lib.utils.data
    loader = data.DataLoader(make_dataset(data.Dataset, kind, samples, delay_s), batch_size=16,
                             shuffle=False, num_workers=workers)
    start = time.perf_counter()
    n = sum(len(y) for _, y in loader)
    assert n == samples
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=128, help="dataset size (default 128)")
    parser.add_argument("--delay-ms", type=float, default=20.0,
                        help="time of one __getitem__ (default 20)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2, 4],
                        help="worker counts to time (default 0 2 4)")
    args = parser.parse_args()
    delay = args.delay_ms / 1000
    print(f"{args.samples} samples, {args.delay_ms:g} ms each, batch 16; seconds per epoch")
    print(f"{'kind':6} {'workers':>7} {'npgrad':>8} {'torch':>8} {'npgrad speed-up':>16}")
    for kind in ("sleep", "cpu"):
        base = None
        for workers in args.workers:
            ours = epoch_seconds(npgrad, kind, args.samples, delay, workers)
            theirs = epoch_seconds(torch, kind, args.samples, delay, workers)
            base = ours if base is None else base
            print(f"{kind:6} {workers:7d} {ours:8.2f} {theirs:8.2f} {base / ours:15.1f}x")


if __name__ == "__main__":
    main()
