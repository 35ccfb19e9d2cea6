"""``npgrad.monitor``: events and windowed statistics for watching a training run, as
``torch.monitor``.

An :class:`Event` (a name, a timestamp and a dict of numbers and strings) goes to every
handler registered with :func:`register_event_handler` when :func:`log_event` is called. A
:class:`Stat` aggregates the values added to it over fixed time windows and, when a value
arrives after its window has closed, logs the closed window's aggregates as an event named
``torch.monitor.Stat`` (keys ``"<name>.<aggregation>"``).
"""
from __future__ import annotations

import datetime
import enum
import math
import threading
import time
from typing import Callable

__all__ = ["Aggregation", "Event", "EventHandlerHandle", "Stat", "TensorboardEventHandler",
           "data_value_t", "log_event", "register_event_handler", "unregister_event_handler",
           "STAT_EVENT", "VALUE", "MEAN", "COUNT", "SUM", "MAX", "MIN"]

STAT_EVENT = "torch.monitor.Stat"  # the name of the events a Stat logs (PyTorch's, so
                                   # handlers written for PyTorch recognise them)


class Aggregation(enum.Enum):
    """The statistics a :class:`Stat` can keep over a window."""

    VALUE = 0  # the last value added (PyTorch's Stat does not compute it: neither does npgrad)
    MEAN = 2
    COUNT = 3
    SUM = 4
    MAX = 5
    MIN = 6

    def __int__(self) -> int:
        return self.value

    __index__ = __int__

    def __hash__(self) -> int:
        return hash(self.value)


VALUE, MEAN, COUNT, SUM, MAX, MIN = (Aggregation.VALUE, Aggregation.MEAN, Aggregation.COUNT,
                                     Aggregation.SUM, Aggregation.MAX, Aggregation.MIN)


class _NotConstructible:
    """Types PyTorch exposes from C++ without a constructor."""

    def __init__(self, *args, **kwargs) -> None:
        raise TypeError(f"torch._C._monitor.{type(self).__name__}: No constructor defined!")


class data_value_t(_NotConstructible):  # noqa: N801 (PyTorch's name)
    """data_value_t is one of ``str``, ``float``, ``int``, ``bool``."""


def _data_value(key: str, value):
    """An event's value as PyTorch stores it: bools become floats (its variant tries float
    before bool), ints, floats and strings stay."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, str)):
        return value
    raise TypeError(f"__init__(): incompatible constructor arguments: the value of data[{key!r}]"
                    f" is a {type(value).__name__}; data_value_t is one of str, float, int, "
                    f"bool")


class Event:
    """A typed event to log: ``name`` (events of one kind share it), ``timestamp`` (a
    ``datetime``) and ``data``, a dict of ``str`` to numbers and strings."""

    def __init__(self, name: str, timestamp: datetime.datetime, data: dict) -> None:
        if not isinstance(name, str) or not isinstance(timestamp, datetime.datetime):
            raise TypeError("__init__(): incompatible constructor arguments. The following "
                            "argument types are supported: Event(name: str, timestamp: "
                            "datetime.datetime, data: Mapping[str, data_value_t])")
        self.name, self.timestamp = name, timestamp
        self.data = {str(k): _data_value(k, v) for k, v in dict(data).items()}

    def __repr__(self) -> str:
        return f"Event(name={self.name!r}, timestamp={self.timestamp!r}, data={self.data!r})"


class EventHandlerHandle(_NotConstructible):
    """What :func:`register_event_handler` returns, to unregister the handler with
    :func:`unregister_event_handler`; it cannot be made directly."""

    @classmethod
    def _make(cls, handler: Callable) -> "EventHandlerHandle":
        handle = object.__new__(cls)
        handle._handler = handler
        return handle


_HANDLERS: list = []
_LOCK = threading.Lock()


def register_event_handler(callback: Callable[[Event], None]) -> EventHandlerHandle:
    """Call ``callback(event)`` for every event logged from now on (during ``log_event``:
    it should not block)."""
    handle = EventHandlerHandle._make(callback)
    with _LOCK:
        _HANDLERS.append(handle)
    return handle


def unregister_event_handler(handler: EventHandlerHandle) -> None:
    """Stop calling the handler ``handler`` was returned for. NOTE: unregistering twice
    crashes PyTorch; npgrad ignores the second call."""
    with _LOCK:
        if handler in _HANDLERS:
            _HANDLERS.remove(handler)


def log_event(event: Event) -> None:
    """Pass ``event`` to every registered handler, in the order they were registered."""
    with _LOCK:
        handlers = list(_HANDLERS)
    for handle in handlers:
        handle._handler(event)


# The order in which a Stat's event lists its aggregates (PyTorch's)
_EVENT_ORDER = (COUNT, SUM, MEAN, MAX, MIN)


class Stat:
    """Summary statistics of the values added over fixed windows of ``window_size`` (a
    ``timedelta`` or seconds; millisecond precision). When a value arrives in a later
    window, the closed window's aggregates are logged as a ``torch.monitor.Stat`` event.
    With ``max_samples``, a window is logged as soon as it holds that many values, and the
    values added after that in the same window are dropped."""

    def __init__(self, name: str, aggregations, window_size, max_samples: int = 2 ** 63 - 1):
        self.name = name
        self._aggregations = [a for a in _EVENT_ORDER if a in set(aggregations)]
        seconds = window_size.total_seconds() if isinstance(window_size, datetime.timedelta) \
            else float(window_size)
        self._window_ms = max(int(round(seconds * 1000)), 1)
        self._max_samples = int(max_samples)
        self._lock = threading.Lock()
        self._window = self._window_id()
        self._full = False  # this window reached max_samples and was logged
        self._reset()
        self._last = self._aggregates()

    def _window_id(self) -> int:
        return int(time.monotonic() * 1000) // self._window_ms

    def _reset(self) -> None:
        self._count, self._sum, self._max, self._min = 0, 0.0, -math.inf, math.inf

    def _aggregates(self) -> dict:
        """The current window's aggregates (all zero while it is empty)."""
        if self._count == 0:
            return {a: 0.0 for a in self._aggregations}
        values = {COUNT: float(self._count), SUM: self._sum, MEAN: self._sum / self._count,
                  MAX: self._max, MIN: self._min}
        return {a: values[a] for a in self._aggregations}

    def _flush(self) -> Event | None:
        """End the current window: its aggregates become ``get()``'s, and an event to log
        if it held values."""
        self._last = self._aggregates()
        had_values = self._count > 0
        self._reset()
        if not had_values:
            return None
        data = {f"{self.name}.{a.name.lower()}": v for a, v in self._last.items()}
        return Event(STAT_EVENT, datetime.datetime.now(), data)

    @property
    def count(self) -> int:
        """The number of values in the current window (0 once it was logged)."""
        return self._count

    def add(self, v: float) -> None:
        """Add a value to the current window (first ending the previous window if it has
        closed)."""
        v = float(v)
        events = []
        with self._lock:
            window = self._window_id()
            if window != self._window:
                events.append(self._flush())
                self._window, self._full = window, False
            if not self._full:
                self._count += 1
                self._sum += v
                self._max, self._min = max(self._max, v), min(self._min, v)
                if self._count >= self._max_samples:
                    events.append(self._flush())
                    self._full = True
        for event in events:
            if event is not None:
                log_event(event)

    def get(self) -> dict:
        """The aggregates of the last window that ended (zeros before the first, or when it
        held no values)."""
        return dict(self._last)


class TensorboardEventHandler:
    """An event handler writing ``torch.monitor.Stat`` events to a TensorBoard
    ``SummaryWriter`` as scalars (one per aggregate, at the event's wall time); other events
    are ignored."""

    def __init__(self, writer) -> None:
        self._writer = writer

    def __call__(self, event: Event) -> None:
        if event.name != STAT_EVENT:
            return
        for key, value in event.data.items():
            self._writer.add_scalar(key, value, walltime=event.timestamp.timestamp())
