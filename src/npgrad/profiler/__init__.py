"""``torch.profiler``: the profiler with schedules, trace handlers and activities.

Recording is ``npgrad.autograd.profiler``'s (op and backward-node CPU times); this adds
PyTorch's step schedule (``schedule(wait=, warmup=, active=, repeat=)`` with ``prof.step()``),
``on_trace_ready`` callbacks such as :func:`tensorboard_trace_handler`, and the
``ProfilerActivity`` names. npgrad times the CPU only: ``ProfilerActivity.CUDA`` is accepted
and adds nothing.
"""
from __future__ import annotations

import enum
import os
import time
import warnings
from typing import Any as _Any, Callable as _Callable, Iterable as _Iterable
from typing import Optional as _Optional

from ..autograd import profiler
from ..autograd.profiler import record_function
from ..autograd.profiler_util import EventList as _EventList

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler",
           "ProfilerAction", "ProfilerActivity", "kineto_available", "DeviceType",
           "record_function"]


class ProfilerActivity(enum.Enum):
    """What a profile records: npgrad records ``CPU`` activity only."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class DeviceType(enum.Enum):
    """The device an event ran on (every npgrad event is a CPU one)."""

    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    """What a schedule asks of the profiler at a step."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


def supported_activities() -> set:
    """The activities npgrad can record: the CPU's."""
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """False: npgrad has no Kineto backend (its profiler is its own)."""
    return False


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> _Callable[[int], ProfilerAction]:
    """The step -> action function of PyTorch's schedule: after ``skip_first`` steps, cycles
    of ``wait`` idle steps, ``warmup`` steps and ``active`` recorded ones (the last of which
    saves the trace), ``repeat`` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), "
            f"warmup={warmup} (need >= 0), active={active} (need > 0), repeat={repeat} "
            f"(need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        cycle = wait + warmup + active
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return schedule_fn


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name: str, worker_name: _Optional[str] = None,
                              use_gzip: bool = False) -> _Callable[["profile"], None]:
    """An ``on_trace_ready`` callback that writes each trace into ``dir_name`` as
    ``<worker>.<time in ms>.pt.trace.json`` (``.gz`` with ``use_gzip``), the file names
    TensorBoard's profiler plugin reads."""

    def handler(prof: "profile") -> None:
        os.makedirs(dir_name, exist_ok=True)
        import socket  # noqa: PLC0415 (only this handler needs it: ~1.5% of import npgrad)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json"
        path = os.path.join(dir_name, name)
        if use_gzip:
            import gzip  # (only this option needs it)
            import shutil  # (only this option needs it)
            prof.export_chrome_trace(path)
            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
        else:
            prof.export_chrome_trace(path)
    return handler


class profile:
    """Record op and backward-node CPU times, as ``torch.profiler.profile``.

    >>> with npgrad.profiler.profile(activities=[ProfilerActivity.CPU],
    ...                              schedule=schedule(wait=1, warmup=1, active=2),
    ...                              on_trace_ready=handler) as prof:
    ...     for batch in loader:
    ...         train_step(batch)
    ...         prof.step()

    Without a schedule, everything between start and stop is recorded. ``profile_memory``,
    ``with_stack``, ``with_flops``, ``with_modules`` and the experimental options are
    accepted and record nothing more.
    """

    def __init__(self, *, activities: _Optional[_Iterable[ProfilerActivity]] = None,
                 schedule: _Optional[_Callable[[int], ProfilerAction]] = None,
                 on_trace_ready: _Optional[_Callable[["profile"], _Any]] = None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config: _Any = None,
                 execution_trace_observer: _Any = None, acc_events: bool = False,
                 use_cuda: _Optional[bool] = None, custom_trace_id_callback: _Any = None,
                 post_processing_timeout_s: _Optional[float] = None) -> None:
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _always_record
        self.record_steps = schedule is not None
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.step_num = 0
        self.current_action = ProfilerAction.NONE
        self.profiler: _Optional[profiler.profile] = None  # the current recording
        self._session: _Optional[profiler.profile] = None
        self._step_range: _Optional[record_function] = None

    # -- recording sessions -----------------------------------------------------------------
    def _begin(self) -> None:
        self._session = profiler.profile(record_shapes=self.record_shapes)
        self._session.__enter__()

    def _end(self, save: bool) -> None:
        if self._session is None:
            return
        self._close_step()
        self._session.__exit__(None, None, None)
        self.profiler, self._session = self._session, None
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _open_step(self) -> None:
        if self.record_steps and self._session is not None:
            self._step_range = record_function(f"ProfilerStep#{self.step_num}")
            self._step_range.__enter__()

    def _close_step(self) -> None:
        if self._step_range is not None:
            self._step_range.__exit__(None, None, None)
            self._step_range = None

    # -- control ----------------------------------------------------------------------------
    def start(self) -> None:
        self.current_action = self.schedule(self.step_num)
        if self.current_action in _RECORDING:
            self._begin()
        self._open_step()

    def stop(self) -> None:
        self._close_step()
        self._end(save=self.current_action in _RECORDING)
        self.current_action = ProfilerAction.NONE

    def step(self) -> None:
        """Signal the end of a training step: the schedule may start, stop or save."""
        self._close_step()
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if prev in _RECORDING and (prev is ProfilerAction.RECORD_AND_SAVE
                                   or self.current_action not in _RECORDING):
            self._end(save=True)
        if self.current_action in _RECORDING and self._session is None:
            self._begin()
        self._open_step()

    def __enter__(self) -> "profile":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- results ----------------------------------------------------------------------------
    def _finished(self) -> profiler.profile:
        if self.profiler is None:
            raise AssertionError("Profiler must be initialized before getting events")
        return self.profiler

    def events(self) -> _EventList:
        """The recorded ranges of the last finished recording."""
        return self._finished().function_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> _EventList:
        return self._finished().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path: str) -> None:
        self._finished().export_chrome_trace(path)
