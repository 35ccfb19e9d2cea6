"""Intra-op parallelism: run an op's independent chunks of work on a few threads.

NumPy releases the GIL inside its array loops and BLAS calls, so threads run them truly in
parallel. This matters where an op is many *small* BLAS calls (a convolution is one small
matmul per block of samples): OpenBLAS runs a small matmul on one thread, while PyTorch
splits the same work over its intra-op threads. Ops hand :func:`parallel_chunks` a list
of work items; it splits them into one contiguous run per thread (``npgrad.get_num_threads()``,
as PyTorch's ``torch.get_num_threads``) and runs them concurrently, the calling thread
taking the first run.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

_POOL: dict = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    pool = _POOL.get(workers)
    if pool is None:
        pool = _POOL[workers] = ThreadPoolExecutor(workers, thread_name_prefix="npgrad")
    return pool


def num_threads() -> int:
    """The threads an op may use (``npgrad.get_num_threads()``)."""
    from ._compat import get_num_threads
    return get_num_threads()


def parallel_chunks(items: list, work, max_threads: int | None = None) -> list:
    """Call ``work(run)`` on contiguous runs of ``items``, one run per thread, and return
    the results in order (none for no items). With one thread (or one item) it is a plain
    call.

    ``work`` must only touch data its own run owns (e.g. its own output rows and its own
    scratch buffer): the runs execute at the same time.
    """
    if not items:
        return []
    threads = min(len(items), num_threads() if max_threads is None else max_threads)
    if threads <= 1:
        return [work(items)]
    step, extra = divmod(len(items), threads)
    runs, start = [], 0
    for t in range(threads):
        stop = start + step + (t < extra)
        runs.append(items[start:stop])
        start = stop
    futures = [_pool(threads - 1).submit(work, run) for run in runs[1:]]
    first = work(runs[0])
    return [first] + [f.result() for f in futures]
