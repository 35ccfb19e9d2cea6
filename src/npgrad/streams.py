"""``npgrad.Stream`` and ``npgrad.Event``: PyTorch's device-generic stream and event, on the
CPU.

A CPU stream runs its work as it is issued, so it is always done (``query()`` is True and
``synchronize()`` returns at once); PyTorch's CPU backend has no events, so recording one
raises its RuntimeError, and an event that was never recorded is complete.
"""
from __future__ import annotations

from .backend import device as _device

__all__ = ["Stream", "Event"]

_NO_EVENTS = "cpu backend doesn't support events."
_NO_IPC = "torch.Event ipc is not supported yet, please open an issue if you need this!"


def _cpu_only(dev) -> _device:
    d = _device("cpu") if dev is None else _device(dev)
    if d.type != "cpu":
        raise RuntimeError(f"PyTorch is not linked with support for {d.type} devices")
    return d


class Stream:
    """An ordered queue of work on a device; on the CPU, work is done when issued."""

    def __init__(self, device=None, *, priority: int = 0, **kwargs) -> None:
        self.device = _cpu_only(device)
        self.device_index, self.stream_id, self.device_type = -1, 0, 0  # (DeviceType CPU)

    def query(self) -> bool:
        """Whether all the stream's work is done: always, on the CPU."""
        return True

    def synchronize(self) -> None:
        """Wait for the stream's work: nothing to wait for on the CPU."""

    def wait_event(self, event: "Event") -> None:
        """Make later work wait for ``event``: an unrecorded CPU event is already complete."""

    def wait_stream(self, stream: "Stream") -> None:
        """Make later work wait for ``stream``'s (an event on it: unsupported on the CPU)."""
        raise RuntimeError(_NO_EVENTS)

    def record_event(self, event: "Event | None" = None) -> "Event":
        """Record an event on the stream (unsupported on the CPU, as in PyTorch)."""
        raise RuntimeError(_NO_EVENTS)

    def is_capturing(self) -> bool:
        """Whether a graph capture is under way on the stream: never, on the CPU."""
        return False

    @property
    def native_handle(self) -> int:
        return 0

    def __eq__(self, other) -> bool:
        return isinstance(other, Stream) and (self.device, self.stream_id) == (other.device,
                                                                               other.stream_id)

    def __hash__(self) -> int:
        return hash((str(self.device), self.stream_id))

    def __repr__(self) -> str:
        return (f"torch.Stream device_type={self.device.type}, device_index="
                f"{self.device_index}, stream_id={self.stream_id}")


class Event:
    """A marker in a stream's work, for synchronisation and timing (not recordable on the
    CPU, as in PyTorch's CPU backend)."""

    def __init__(self, device=None, *, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False) -> None:
        self.device = _cpu_only(device)
        self.device_index, self.event_id = -1, 0
        self._flag = int(bool(enable_timing))

    def record(self, stream: Stream | None = None) -> None:
        """Record the event on ``stream`` (unsupported on the CPU)."""
        raise RuntimeError(_NO_EVENTS)

    def query(self) -> bool:
        """Whether the work before the event is done: an unrecorded event is complete."""
        return True

    def synchronize(self) -> None:
        """Wait for the event: an unrecorded event is complete."""

    def wait(self, stream: Stream | None = None) -> None:
        """Make ``stream``'s later work wait for the event: nothing to wait for."""

    def elapsed_time(self, end_event: "Event") -> float:
        """Milliseconds between two recorded events (none can be recorded on the CPU)."""
        if not (self._flag and getattr(end_event, "_flag", 0)):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise RuntimeError(_NO_EVENTS)

    def ipc_handle(self):
        """A handle to share the event with another process (not supported, as PyTorch's)."""
        raise NotImplementedError(_NO_IPC)

    @classmethod
    def from_ipc_handle(cls, device, ipc_handle) -> "Event":
        """The event of a handle from another process (not supported, as PyTorch's)."""
        raise NotImplementedError(_NO_IPC)

    def __repr__(self) -> str:
        return (f"torch.Event device_type={self.device.type}, device_index="
                f"{self.device_index}, event_flag={self._flag}, event_id={self.event_id}")
