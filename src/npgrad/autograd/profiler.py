"""``torch.autograd.profiler``: time every op, backward node and ``record_function`` block.

While a :class:`profile` is active, every op call goes through a dispatch wrapper (see
``autograd/function.py``) and every backward node through an engine wrapper, which record
named, nested time ranges; with no profile active, neither is installed and ops run as
usual. Op names follow PyTorch's where npgrad's op mirrors one (``aten::mul``, from the
node name ``MulBackward0``); backward nodes appear as
``autograd::engine::evaluate_function: MulBackward0`` around ``MulBackward0``, as in
PyTorch. npgrad's ops are not PyTorch's kernels, so the set of names differs (PyTorch
shows ``aten::matmul`` and the ``aten::mm`` it calls, npgrad the one op it runs).
"""
from __future__ import annotations

import functools
import re
import threading
import time
from typing import Any, Optional

from ..tensor import Tensor
from . import engine
from .function import Primitive, add_dispatch_wrapper, remove_dispatch_wrapper
from .profiler_util import EventList, FunctionEvent, FunctionEventAvg

__all__ = ["profile", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg"]


class _Recorder:
    """The ranges of one profiling session: nested by a stack per thread."""

    def __init__(self, record_shapes: bool) -> None:
        self.record_shapes = record_shapes
        self.events: list = []
        self.stacks: dict = {}   # thread ident -> open events
        self.threads: dict = {}  # thread ident -> 1, 2... (as PyTorch numbers them)
        self.origin = time.perf_counter_ns()
        self.lock = threading.Lock()

    def now_us(self) -> float:
        return (time.perf_counter_ns() - self.origin) / 1000.0

    def open(self, name: str, shapes: Optional[list] = None) -> FunctionEvent:
        ident = threading.get_ident()
        with self.lock:
            thread = self.threads.setdefault(ident, len(self.threads) + 1)
            event = FunctionEvent(len(self.events), name, thread, self.now_us(), 0.0,
                                  input_shapes=shapes)
            self.events.append(event)
        stack = self.stacks.setdefault(ident, [])
        if stack:
            stack[-1].append_cpu_child(event)
            event.set_cpu_parent(stack[-1])
        stack.append(event)
        return event

    def close(self, event: FunctionEvent) -> None:
        event.time_range.end = self.now_us()
        stack = self.stacks.get(threading.get_ident())
        if stack and stack[-1] is event:
            stack.pop()
        elif stack and event in stack:
            stack.remove(event)


_ACTIVE: list = []  # the recorders of the profiles active now (innermost last)


# ---------------------------------------------------------------------------------------------
# What is recorded: ops (a dispatch wrapper) and backward nodes (an engine wrapper)
# ---------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def op_name(cls: type) -> str:
    """The name an op is recorded under: ``aten::<name>`` from a built-in op's node name
    (``MulBackward0`` -> ``aten::mul``), a custom Function's class name."""
    if not issubclass(cls, Primitive):
        return cls.__name__
    base = re.sub(r"Backward\d*$", "", cls.node_name or cls.__name__)
    return "aten::" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


def _shapes(args) -> list:
    return [list(a.shape) if isinstance(a, Tensor) else [] for a in args]


def _record_op(cls, args, kwargs, call):
    if not _ACTIVE:
        return call(args, kwargs)
    recorder = _ACTIVE[-1]
    event = recorder.open(op_name(cls), _shapes(args) if recorder.record_shapes else None)
    try:
        return call(args, kwargs)
    finally:
        recorder.close(event)


def _record_node(node, run) -> None:
    if not _ACTIVE:
        return run()
    recorder = _ACTIVE[-1]
    outer = recorder.open(f"autograd::engine::evaluate_function: {node.name()}")
    inner = recorder.open(node.name())
    try:
        run()
    finally:
        recorder.close(inner)
        recorder.close(outer)


def _start(recorder: _Recorder) -> None:
    if not _ACTIVE:
        add_dispatch_wrapper(_record_op)
        engine.NODE_WRAPPERS.append(_record_node)
    _ACTIVE.append(recorder)


def _stop(recorder: _Recorder) -> None:
    _ACTIVE.remove(recorder)
    if not _ACTIVE:
        remove_dispatch_wrapper(_record_op)
        engine.NODE_WRAPPERS.remove(_record_node)


# ---------------------------------------------------------------------------------------------
# The public API
# ---------------------------------------------------------------------------------------------

class profile:
    """Context manager that records every op and backward node run inside it.

    >>> with npgrad.autograd.profiler.profile(record_shapes=True) as prof:
    ...     y = (x @ x).relu().sum()
    >>> print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))

    CPU times only (``use_cuda``/``use_device``, ``profile_memory``, ``with_flops``,
    ``with_stack``, ``with_modules`` and the Kineto options are accepted and record nothing
    more: npgrad has no device kernels to time nor allocator to watch).
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False,
                 use_device: Optional[str] = None, record_shapes: bool = False,
                 with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = False,
                 use_cpu: bool = True, experimental_config: Any = None,
                 acc_events: bool = False, custom_trace_id_callback: Any = None) -> None:
        self.enabled, self.record_shapes = enabled, record_shapes
        self.profile_memory, self.with_flops, self.with_stack = (profile_memory, with_flops,
                                                                  with_stack)
        self.use_device = use_device or ("cuda" if use_cuda else None)
        self.entered = False
        self._recorder: Optional[_Recorder] = None
        self._events: Optional[EventList] = None

    def __enter__(self) -> "profile":
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._recorder = _Recorder(self.record_shapes)
        _start(self._recorder)
        return self

    def __exit__(self, *exc) -> None:
        if not self.enabled or self._recorder is None:
            return
        _stop(self._recorder)
        self._events = EventList(self._recorder.events)
        self._recorder = None

    def _check_finished(self) -> None:
        if self._events is None:
            raise RuntimeError("Profiler didn't finish running")

    @property
    def function_events(self) -> Optional[EventList]:
        """Every recorded range, in the order they started."""
        return self._events

    def table(self, sort_by: Optional[str] = None, row_limit: int = 100, **kwargs) -> str:
        self._check_finished()
        return self._events.table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """The events averaged by name (and input shapes with ``group_by_input_shape``)."""
        self._check_finished()
        return self._events.key_averages(group_by_input_shape, group_by_stack_n)

    def total_average(self) -> FunctionEventAvg:
        self._check_finished()
        return self._events.total_average()

    @property
    def self_cpu_time_total(self) -> float:
        self._check_finished()
        return self._events.self_cpu_time_total

    def export_chrome_trace(self, path: str) -> None:
        self._check_finished()
        self._events.export_chrome_trace(path)

    def __str__(self) -> str:
        self._check_finished()
        return self._events.table()

    __repr__ = __str__


class record_function:
    """Context manager (or decorator) that records its block as one named range inside the
    active profile (nothing when none is active).

    >>> with npgrad.autograd.profiler.record_function("loss"):
    ...     loss = criterion(out, target)
    """

    def __init__(self, name: str, args: Optional[str] = None) -> None:
        self.name, self.args = name, args
        self._event = None
        self._recorder = None

    def __enter__(self) -> "record_function":
        if _ACTIVE:
            self._recorder = _ACTIVE[-1]
            self._event = self._recorder.open(self.name)
        return self

    def __exit__(self, *exc) -> None:
        if self._event is not None:
            self._recorder.close(self._event)
            self._event = self._recorder = None

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapper
