"""Intra-op parallelism: run an op's independent chunks of work on a few threads.

NumPy releases the GIL inside its array loops and BLAS calls, so threads run them truly in
parallel. This matters where an op is many *small* BLAS calls (a convolution is one small
matmul per block of samples): OpenBLAS runs a small matmul on one thread, while PyTorch
splits the same work over its intra-op threads. Ops hand :func:`parallel_chunks` a list
of work items; it splits them into one contiguous run per thread (``npgrad.get_num_threads()``,
as PyTorch's ``torch.get_num_threads``) and runs them concurrently, the calling thread
taking the first run; on request BLAS calls inside the runs use one thread (as in
PyTorch's parallel regions).
"""
from __future__ import annotations

import ctypes

import numpy as np  # noqa: F401  (loads NumPy's BLAS, which _blas_thread_setter looks for)

from ._settings import get_num_threads

_POOL: dict = {}


def _pool(workers: int):
    """The ThreadPoolExecutor of ``workers`` threads (concurrent.futures is imported on first
    use: a program that never runs a parallel op doesn't pay for its import)."""
    pool = _POOL.get(workers)
    if pool is None:
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (see above)
        pool = _POOL[workers] = ThreadPoolExecutor(workers, thread_name_prefix="npgrad")
    return pool


def num_threads() -> int:
    """The threads an op may use (``npgrad.get_num_threads()``)."""
    return get_num_threads()


def parallel_chunks(items: list, work, max_threads: int | None = None,
                    one_blas_thread: bool = False) -> list:
    """Call ``work(run)`` on contiguous runs of ``items``, one run per thread, and return
    the results in order (none for no items). With one thread (or one item) it is a plain
    call.

    ``work`` must only touch data its own run owns (e.g. its own output rows and its own
    scratch buffer): the runs execute at the same time. ``one_blas_thread``: the runs' BLAS
    calls use one thread (for matmuls large enough that OpenBLAS would split them).
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
    # With one_blas_thread, BLAS runs on one thread while the runs execute, as in PyTorch's
    # parallel regions: OpenBLAS would otherwise split each matmul of each run over the
    # cores that the runs already occupy (measured: a 16-channel conv forward ~28% slower
    # on 2 cores). Only on request: switching costs OpenBLAS a wake-up of its threads
    # afterwards (10% of a small CNN's backward, whose matmuls it would not split anyway).
    # Set and restored here, around all runs: in OpenBLAS's pthreads builds the "local"
    # count is the process's, so runs setting it themselves would race on the restore.
    switch = one_blas_thread and _SET_BLAS_THREADS is not None
    before = _SET_BLAS_THREADS(1) if switch else None
    try:
        futures = [_pool(threads - 1).submit(work, run) for run in runs[1:]]
        first = work(runs[0])
        return [first] + [f.result() for f in futures]
    finally:
        if before is not None:
            _SET_BLAS_THREADS(before)


def _blas_thread_setter():
    """OpenBLAS's ``openblas_set_num_threads_local`` (sets the BLAS threads, returns the
    previous number) in the BLAS that NumPy loaded, or None if it has none (an older
    OpenBLAS, MKL, Accelerate, or not Linux). Called through ``ctypes.PyDLL``, which keeps
    the GIL: a call that dropped it would have to wait for it again."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:
        return None
    for path in paths:
        try:
            fn = ctypes.PyDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn
    return None


_SET_BLAS_THREADS = _blas_thread_setter()
