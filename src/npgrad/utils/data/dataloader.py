"""``DataLoader``: batches from a dataset, in the main process or in worker processes; and
``default_collate`` / ``default_convert``, how it turns samples into batches, with PyTorch's
rules for every kind of element (its ``_utils/collate.py``).

``collate`` dispatches on the type of a batch's first element through a table
(``default_collate_fn_map``, extensible as PyTorch's: an exact type first, then the first
entry the element is an instance of), and recurses into containers, keeping their types:
a dict subclass stays that subclass, a named tuple that named tuple, a list subclass that
subclass; a plain tuple becomes a list (PyTorch keeps that for backwards compatibility).
"""
from __future__ import annotations

import collections.abc
import copy
import itertools
import numbers
import re
import warnings
from typing import Callable

import numpy as np

from ...dtypes import float64
from ...ops.creation.factories import as_tensor, tensor
from ...ops.shape.joins import stack
from ...random import rng
from ...tensor import Tensor
from .dataset import IterableDataset
from ._fetch import IterableFetcher, MapFetcher
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from ._worker import STATUS_CHECK_INTERVAL as _STATUS_CHECK_INTERVAL
from ._worker import ExceptionWrapper, ResumeIteration, StreamEnd, worker_loop

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
          "lists; found {}")
# NumPy dtypes of strings, bytes and objects, which make no tensor
_STRINGS_OR_OBJECTS = re.compile(r"[SaUO]")


def _rebuilt(original, values: Callable[[], dict | list], kind: str):
    """A container of ``original``'s type holding ``values()``: a mutable one is copied and
    filled in (so subclasses with extra state survive), an immutable one is called with the
    plain dict or list; a type that cannot be built so falls back to that plain container."""
    built = values()
    try:
        if kind == "mapping" and isinstance(original, collections.abc.MutableMapping):
            clone = copy.copy(original)
            clone.update(built)
            return clone
        if kind == "sequence" and isinstance(original, collections.abc.MutableSequence):
            clone = copy.copy(original)
            for i, value in enumerate(built):
                clone[i] = value
            return clone
        return type(original)(built)
    except TypeError:
        return built


def collate(batch: list, *, collate_fn_map: dict | None = None):
    """Collate ``batch`` (a list of samples) with ``collate_fn_map`` for the leaves and
    PyTorch's rules for containers."""
    elem = batch[0]
    if collate_fn_map is not None:
        if type(elem) in collate_fn_map:
            return collate_fn_map[type(elem)](batch, collate_fn_map=collate_fn_map)
        for kind, fn in collate_fn_map.items():
            if isinstance(elem, kind):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuilt(elem, lambda: {k: collate([d[k] for d in batch],
                                                  collate_fn_map=collate_fn_map)
                                       for k in elem}, "mapping")
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):       # a named tuple
        # (the columns stay tuples: a column of strings comes back as a tuple, as PyTorch's)
        return type(elem)(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = list(zip(*batch))
        fields = lambda: [collate(c, collate_fn_map=collate_fn_map)  # noqa: E731
                          for c in columns]
        if isinstance(elem, tuple):
            return fields()
        return _rebuilt(elem, fields, "sequence")
    raise TypeError(_ERROR.format(type(elem)))


def collate_tensor_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list, *, collate_fn_map: dict | None = None):
    if _STRINGS_OR_OBJECTS.search(batch[0].dtype.str) is not None:
        raise TypeError(_ERROR.format(batch[0].dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return as_tensor(np.array(batch))


def collate_float_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return tensor(batch, dtype=float64)


def collate_int_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return tensor(batch)


def collate_str_fn(batch: list, *, collate_fn_map: dict | None = None) -> list:
    return batch


default_collate_fn_map: dict = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: list):
    """Stack a list of samples into a batch, recursively, as PyTorch does: tensors and NumPy
    arrays are stacked into a tensor, NumPy scalars make a tensor of their dtype, Python
    floats a float64 tensor and ints (bools) an int64 (bool) tensor; strings and bytes stay a
    list; mappings, named tuples and sequences are collated field by field, keeping their
    type (tuples give lists). Samples of unequal length, and NumPy arrays of strings or
    objects, are refused with PyTorch's errors.

    >>> default_collate([{"x": 0, "y": "a"}, {"x": 1, "y": "b"}])
    {'x': tensor([0, 1]), 'y': ['a', 'b']}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """What the loader returns when batching is off: NumPy arrays and scalars become tensors
    (arrays of strings or objects stay), inside mappings, named tuples and sequences too,
    whose types are kept as in :func:`default_collate` (tuples become lists); anything else
    is returned as it is."""
    kind = type(data)
    if isinstance(data, Tensor):
        return data
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_"):
        if kind.__name__ == "ndarray" and _STRINGS_OR_OBJECTS.search(data.dtype.str):
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuilt(data, lambda: {k: default_convert(data[k]) for k in data}, "mapping")
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuilt(data, lambda: [default_convert(d) for d in data], "sequence")
    return data


def _context(mp_context, num_workers: int):
    """The multiprocessing context named or given (PyTorch's checks and messages)."""
    if mp_context is None:
        return None
    if num_workers == 0:
        raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                         f"(num_workers > 0), but got num_workers={num_workers}")
    import multiprocessing  # noqa: PLC0415 (imported on first use: ~10% of `import npgrad`)
    if isinstance(mp_context, str):
        methods = multiprocessing.get_all_start_methods()
        if mp_context not in methods:
            raise ValueError(f"multiprocessing_context option should specify a valid start "
                             f"method in {methods!r}, but got "
                             f"multiprocessing_context={mp_context!r}")
        return multiprocessing.get_context(mp_context)
    if not isinstance(mp_context, multiprocessing.context.BaseContext):
        raise TypeError(f"multiprocessing_context option should be a valid context object or a "
                        f"string specifying the start method, but got "
                        f"multiprocessing_context={mp_context}")
    return mp_context


class DataLoader:
    """Iterate over a dataset in batches, as ``torch.utils.data.DataLoader``.

    With ``num_workers > 0`` the batches are built by that many worker processes
    (``multiprocessing``), each holding ``prefetch_factor`` batches in flight, and come back in
    the sampler's order. Workers are seeded from ``generator`` as PyTorch seeds them
    (``base_seed + worker_id``; see ``get_worker_info``), live for one pass over the data
    unless ``persistent_workers``, and are stopped when the loop ends or is left.
    ``pin_memory`` is accepted; there is no accelerator memory to pin it to.

    >>> loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2,
    ...                     generator=npgrad.Generator().manual_seed(0))
    >>> for x, y in loader: ...
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0,
                 collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if prefetch_factor == 0 and num_workers > 0:
            # NOTE: PyTorch accepts it and then fails an assertion at the first batch
            raise ValueError("prefetch_factor option should be positive with num_workers > 0: "
                             "each worker needs at least one batch in flight")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.multiprocessing_context = _context(multiprocessing_context, num_workers)
        self.dataset, self.num_workers, self.generator = dataset, num_workers, generator
        self.pin_memory, self.timeout, self.drop_last = pin_memory, timeout, drop_last
        self.pin_memory_device, self.in_order = pin_memory_device, in_order
        self.worker_init_fn, self.persistent_workers = worker_init_fn, persistent_workers
        self.prefetch_factor = 2 if prefetch_factor is None and num_workers > 0 \
            else prefetch_factor
        self._iterator = None
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 "sampler and batch_sampler options")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else \
                SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.sampler, self.batch_sampler = batch_size, sampler, batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self) -> bool:
        """Whether samples are grouped into batches (by batch_size or a batch_sampler)."""
        return self.batch_size is not None or self.batch_sampler is not None

    def _index_sampler(self):
        """What each item is built from: a list of indices, one index, or (a stream) None."""
        if self._iterable:
            return itertools.repeat(None)
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.pin_memory:
            # PyTorch's warning on a machine without an accelerator
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None:
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator.reset(self)
        return self._iterator

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler) if self.batch_sampler is not None else len(self.sampler)


def _base_seed(loader: DataLoader) -> int:
    """The seed workers derive theirs from, drawn from the loader's generator (or the default
    one) at the start of each pass, whether workers use it or not, as PyTorch does: a
    shuffled order is then the same with and without workers."""
    return int(rng(loader.generator).integers(0, 2 ** 63))


def _fetcher(loader: DataLoader):
    if loader._iterable:
        return IterableFetcher(loader.dataset, loader.batch_size, loader.drop_last,
                               loader.collate_fn)
    return MapFetcher(loader.dataset, loader._auto_collation, loader.collate_fn)


class _SingleProcessIter:
    """One pass over the data, built in this process."""

    def __init__(self, loader: DataLoader) -> None:
        self._indices = iter(loader._index_sampler())
        _base_seed(loader)  # drawn though unused, so the order is the same with workers
        self._fetcher = _fetcher(loader)
        self._length = len(loader) if not loader._iterable else None

    def __iter__(self):
        return self

    def __next__(self):
        return self._fetcher.fetch(next(self._indices))

    def __len__(self) -> int:
        return self._length


class _MultiProcessIter:
    """One pass over the data (or, with persistent workers, every pass), built by worker
    processes.

    Tasks (a task id and what to fetch) go round-robin to the live workers' index queues, at
    most ``prefetch_factor`` per worker in flight; results come back on one queue in any order
    and are handed out in task order (or as they come, with ``in_order=False``). Results that
    arrive early wait in ``self._tasks[task_id]``.
    """

    def __init__(self, loader: DataLoader) -> None:
        self._shut = True  # nothing to stop until the workers exist
        import multiprocessing  # noqa: PLC0415 (imported on first use: see _context)
        ctx = loader.multiprocessing_context or multiprocessing
        self._num_workers, self._timeout = loader.num_workers, loader.timeout
        self._in_flight_max = loader.prefetch_factor * loader.num_workers
        self._in_order, self._persistent = loader.in_order, loader.persistent_workers
        # each worker seeds itself with base_seed + worker_id (persistent workers keep theirs)
        self._indices = iter(loader._index_sampler())
        base_seed = _base_seed(loader)
        self._results = ctx.Queue()
        self._done = ctx.Event()
        self._index_queues, self._workers = [], []
        self._shut = False
        kind = "iterable" if loader._iterable else "map"
        for worker_id in range(loader.num_workers):
            index_queue = ctx.Queue()
            # the queue's feeder thread must not keep this process alive at exit
            index_queue.cancel_join_thread()
            worker = ctx.Process(target=worker_loop, daemon=True, args=(
                kind, loader.dataset, index_queue, self._results, self._done,
                loader._auto_collation, loader.batch_size, loader.drop_last,
                loader.collate_fn, base_seed, loader.worker_init_fn, worker_id,
                loader.num_workers))
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self.reset(loader, first=True)

    def reset(self, loader: DataLoader, first: bool = False) -> None:
        """Start a pass: a fresh index stream, all workers live; persistent workers first
        restart their streams and drain what the last (perhaps unfinished) pass left."""
        if not first:
            # (no new base seed: PyTorch's persistent workers keep theirs and draw none)
            self._indices = iter(loader._index_sampler())
        self._length = len(loader) if not loader._iterable else None
        self._next_send, self._next_out, self._in_flight = 0, 0, 0
        self._tasks: dict[int, tuple] = {}  # task id -> (worker id,) or (worker id, result)
        self._live = [True] * self._num_workers
        self._turn = itertools.cycle(range(self._num_workers))
        if not first:
            for q in self._index_queues:
                q.put(ResumeIteration())
            acks = self._num_workers
            while acks:
                task_id, _ = self._get()
                acks -= isinstance(task_id, ResumeIteration)
        for _ in range(self._in_flight_max):
            self._send_next()

    def _send_next(self) -> None:
        if self._in_flight >= self._in_flight_max:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._turn)
            if self._live[worker_id]:
                break
        else:
            return  # every worker's stream has ended
        try:
            index = next(self._indices)
        except StopIteration:
            return
        self._index_queues[worker_id].put((self._next_send, index))
        self._tasks[self._next_send] = (worker_id,)
        self._in_flight += 1
        self._next_send += 1

    def _get(self):
        """The next result from any worker; errors if none comes within ``timeout`` or a
        worker died."""
        import queue  # noqa: PLC0415 (with workers only; multiprocessing has loaded it then)
        wait = self._timeout if self._timeout > 0 else _STATUS_CHECK_INTERVAL
        while True:
            try:
                return self._results.get(timeout=wait)
            except queue.Empty:
                if self._timeout > 0:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} "
                                       f"seconds") from None
                dead = [str(w.pid) for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(dead)}) exited "
                                       f"unexpectedly") from None

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            # skip tasks already handed out (in_order=False) or lost with an ended stream
            while self._next_out < self._next_send:
                task = self._tasks.get(self._next_out)
                if task is not None and (len(task) == 2 or self._live[task[0]]):
                    break
                self._tasks.pop(self._next_out, None)
                self._next_out += 1
            else:
                if not self._persistent:
                    self._shutdown()
                raise StopIteration
            task = self._tasks[self._next_out]
            if len(task) == 2:
                del self._tasks[self._next_out]
                self._next_out += 1
                return self._hand_out(task[1])
            if self._shut:
                raise StopIteration
            task_id, item = self._get()
            self._in_flight -= 1
            if isinstance(item, StreamEnd):
                self._live[item.worker_id] = False
                del self._tasks[task_id]
                self._send_next()
                continue
            if task_id == self._next_out or not self._in_order:
                del self._tasks[task_id]
                return self._hand_out(item)
            self._tasks[task_id] += (item,)

    def _hand_out(self, item):
        self._send_next()
        if isinstance(item, ExceptionWrapper):
            item.reraise()
        return item

    def __len__(self) -> int:
        return self._length

    def _shutdown(self) -> None:
        """Stop every worker: tell them (the event, and a None task), wait a little, then
        terminate; idempotent.

        From a garbage collection the queues may already be closed (their finalizers run
        before this object's ``__del__``) and the None never sent: the workers also watch
        the event."""
        if self._shut:
            return
        self._shut = True
        try:
            self._done.set()
            for q in self._index_queues:
                q.put(None)
            for w in self._workers:
                w.join(timeout=_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.close()
            self._results.cancel_join_thread()
            self._results.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join()

    def __del__(self) -> None:
        self._shutdown()
