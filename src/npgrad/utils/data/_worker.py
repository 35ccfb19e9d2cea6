"""What runs inside a DataLoader worker process, and what it tells the main process.

A worker reads ``(task_id, index)`` from its own index queue, builds the item with a fetcher
(the same code the main process uses with ``num_workers=0``) and puts ``(task_id, item)`` on
the shared result queue. Items travel pickled (NumPy arrays pickle as one copy of their bytes).
A failure travels as an :class:`ExceptionWrapper`, re-raised by the main process with the
worker's traceback in its message, in PyTorch's words.
"""
from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass

import numpy as np

from ..._settings import set_num_threads
from ...random import manual_seed
from ._fetch import IterableFetcher, MapFetcher

# How often (seconds) a waiting worker checks that its parent is alive, and a waiting main
# process that its workers are (PyTorch's MP_STATUS_CHECK_INTERVAL)
STATUS_CHECK_INTERVAL = 5.0
# How often an idle worker looks at the stop event (waking an idle process is cheap)
POLL_INTERVAL = 0.25


class WorkerInfo:
    """Which worker this process is: ``id``, ``num_workers``, ``seed`` (its npgrad seed) and
    ``dataset`` (its own copy). Read-only, as in PyTorch."""

    __initialized = False

    def __init__(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        self.__keys = tuple(fields)
        self.__initialized = True

    def __setattr__(self, name: str, value) -> None:
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")
        super().__setattr__(name, value)

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{type(self).__name__}({body})"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker process, its :class:`WorkerInfo`; in the main process, None.

    An IterableDataset uses it to give each worker its own share of the stream (otherwise each
    worker would yield the whole stream):

    >>> info = get_worker_info()
    >>> start = 0 if info is None else info.id  # and step by info.num_workers
    """
    return _worker_info


def thread_safe_generator():
    """The random generator for a DataLoader thread worker, None elsewhere (the global one).
    npgrad's DataLoader workers are processes, never threads, so it is always None."""
    return None


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process as its type and its
    formatted traceback (a traceback object cannot be pickled)."""

    def __init__(self, where: str) -> None:
        import traceback  # noqa: PLC0415 (on an error only: keeps it out of `import npgrad`)
        exc_type, exc, tb = sys.exc_info()
        self.exc_type = exc_type
        self.trace = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.trace}"
        if self.exc_type is KeyError:
            # KeyError's str() is the repr of its argument, which would print "\n" escapes
            msg = _VerbatimMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            # an exception class whose constructor takes other arguments
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            del exception  # this frame holding it would make a cycle through its traceback


class _VerbatimMessage(str):
    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class ResumeIteration:
    """Sent to persistent workers when a new epoch starts; each answers with it once it has
    restarted its stream, so the main process knows older results are all drained."""


@dataclass(frozen=True)
class StreamEnd:
    """A worker's IterableDataset copy is spent: it gets no more tasks this epoch."""
    worker_id: int


def numpy_seed(base_seed: int, worker_id: int) -> list[int]:
    """The seed of a worker's global NumPy generator: PyTorch's (a SeedSequence hash of the
    worker id and the 64-bit base seed), so it differs from the other generators' seeds."""
    entropy = [worker_id, base_seed & 0xFFFF_FFFF, base_seed >> 32, 0]
    return np.random.SeedSequence(entropy).generate_state(4).tolist()


def _make_fetcher(kind: str, dataset, auto_collation: bool, batch_size, drop_last,
                  collate_fn):
    if kind == "iterable":
        return IterableFetcher(dataset, batch_size if auto_collation else None, drop_last,
                               collate_fn)
    return MapFetcher(dataset, auto_collation, collate_fn)


def worker_loop(kind: str, dataset, index_queue, result_queue, done_event, auto_collation,
                batch_size, drop_last, collate_fn, base_seed: int, init_fn, worker_id: int,
                num_workers: int) -> None:
    """The body of worker process ``worker_id``: seed, run ``init_fn``, then answer tasks
    until told to stop (``None``), or until the main process is gone."""
    global _worker_info
    parent = os.getppid()
    try:
        # as PyTorch: one intra-op thread per worker (the workers are the parallelism), and
        # every generator seeded from base_seed + worker_id, so workers draw different numbers
        set_num_threads(1)
        seed = base_seed + worker_id
        random.seed(seed)
        manual_seed(seed)
        np.random.seed(numpy_seed(base_seed, worker_id))
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        pending_error, fetcher = None, None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _make_fetcher(kind, dataset, auto_collation, batch_size, drop_last,
                                    collate_fn)
        except Exception:
            pending_error = ExceptionWrapper(where)
        stream_ended = False
        import queue  # noqa: PLC0415 (in worker processes only: keeps it out of `import npgrad`)
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=POLL_INTERVAL)
            except queue.Empty:
                if done_event.is_set():
                    break  # stopped by a garbage collection that could not send the None
                continue
            if isinstance(task, ResumeIteration):
                stream_ended = False
                if pending_error is None:
                    try:
                        fetcher = _make_fetcher(kind, dataset, auto_collation, batch_size,
                                                drop_last, collate_fn)
                    except Exception:
                        pending_error = ExceptionWrapper(where)
                result_queue.put((task, None))
                continue
            if task is None:
                break
            if done_event.is_set() or stream_ended:
                continue  # shutting down, or nothing left to give this epoch
            task_id, index = task
            if pending_error is not None:
                item, pending_error = pending_error, None
            else:
                try:
                    item = fetcher.fetch(index)
                except StopIteration:
                    if kind != "iterable":
                        item = ExceptionWrapper(where)
                    else:
                        item, stream_ended = StreamEnd(worker_id), True
                except Exception:
                    item = ExceptionWrapper(where)
            result_queue.put((task_id, item))
            del item, task, index  # drop this process's reference before waiting again
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches the whole process group: the main process raises it
    if done_event.is_set():
        # the main process may no longer read: exit without flushing unread results
        result_queue.cancel_join_thread()
        result_queue.close()
