"""``npgrad.cuda.Stream`` and ``Event``: ordering and timing work on a CUDA device.

npgrad runs every op on the device's current stream (CuPy's), so a ``Stream`` here is that
stream and an ``Event`` marks a point in it; ``Event(enable_timing=True)`` pairs time GPU
work as in PyTorch: ``start.record(); ...; end.record(); end.synchronize();
start.elapsed_time(end)`` (milliseconds). Without CUDA both raise as a CPU-only PyTorch
build's do.
"""
from __future__ import annotations

import time

from .. import backend as _backend
from ._runtime import lazy_init

__all__ = ["Event", "Stream", "StreamContext", "current_stream", "default_stream", "stream",
           "set_stream"]


class Stream:
    """A CUDA stream: npgrad's work all goes to the device's current stream."""

    def __init__(self, device=None, priority: int = 0, **kwargs) -> None:
        if not _backend.cuda_is_built():
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
        self.device = _backend.as_device(device if device is not None else "cuda")
        self.priority = priority

    def synchronize(self) -> None:
        """Wait for the stream's work to finish."""
        _backend.cuda_module().cuda.Device(self.device.index).synchronize()

    def query(self) -> bool:
        """Whether all the stream's work has finished."""
        self.synchronize()
        return True

    def wait_event(self, event: "Event") -> None:
        """Make later work wait for ``event`` (one stream: already in order)."""

    def wait_stream(self, stream: "Stream") -> None:
        """Make later work wait for ``stream``'s (one stream: already in order)."""

    def record_event(self, event: "Event | None" = None) -> "Event":
        """Record ``event`` (a new one by default) on the stream."""
        event = event or Event()
        event.record(self)
        return event

    def __eq__(self, other) -> bool:
        return isinstance(other, Stream) and other.device == self.device

    def __hash__(self) -> int:
        return hash(self.device)

    def __repr__(self) -> str:
        return f"<torch.cuda.Stream device={self.device} cuda_stream=0x0>"


class Event:
    """A point in a stream's work; with ``enable_timing``, the time it was reached."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False, external: bool = False) -> None:
        if not _backend.cuda_is_built():
            raise RuntimeError("Tried to instantiate dummy base class Event")
        self.enable_timing = enable_timing
        self._time: float | None = None
        self._device = None

    def record(self, stream: Stream | None = None) -> None:
        """Mark the current end of ``stream``'s work (the current stream by default). The
        device is synchronised first, so the time is when the work before it finished."""
        stream = stream or current_stream()
        self._device = stream.device
        stream.synchronize()
        self._time = time.perf_counter()

    def synchronize(self) -> None:
        """Wait until the work before the event has finished."""
        if self._device is not None:
            Stream(self._device).synchronize()

    def query(self) -> bool:
        """Whether the work before the event has finished."""
        self.synchronize()
        return True

    def wait(self, stream: Stream | None = None) -> None:
        """Make ``stream``'s later work wait for this event (one stream: in order)."""

    def elapsed_time(self, end_event: "Event") -> float:
        """Milliseconds from this event to ``end_event`` (both recorded, with timing)."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._time is None or end_event._time is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end_event._time - self._time) * 1000.0


def current_stream(device=None) -> Stream:
    """The device's current stream: ``AssertionError`` without CUDA."""
    lazy_init()
    return Stream(device)


def default_stream(device=None) -> Stream:
    """The device's default stream: ``AssertionError`` without CUDA."""
    lazy_init()
    return Stream(device)


def set_stream(stream: Stream) -> None:
    """Make ``stream`` current (npgrad has one stream per device: nothing changes)."""
    if stream is not None:
        lazy_init()


class StreamContext:
    """``with torch.cuda.stream(s):``: work inside goes to ``s`` (npgrad: one stream per
    device, so the context only checks its argument). ``stream(None)`` does nothing."""

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream

    def __enter__(self) -> Stream | None:
        if self.stream is not None:
            lazy_init()
        return self.stream

    def __exit__(self, *exc) -> bool:
        return False


def stream(stream: Stream | None) -> StreamContext:
    """A context that makes ``stream`` current."""
    return StreamContext(stream)
