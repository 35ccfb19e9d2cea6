"""``npgrad.accelerator``: PyTorch's device-agnostic API over the current accelerator.

The accelerator is CUDA when ``npgrad.cuda.is_available()``; every call then goes to
``npgrad.cuda``. Without one, npgrad answers as a CPU-only PyTorch build does:
``is_available()`` is False, ``device_count()`` 0, ``current_accelerator()`` None, and the
calls that need a device raise its RuntimeError.
"""
from __future__ import annotations

import contextlib

from . import cpu, cuda as _cuda
from .backend import device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index",
           "current_stream", "device_count", "device_index", "empty_cache",
           "empty_host_cache", "get_device_capability", "get_memory_info", "is_available",
           "max_memory_allocated", "max_memory_reserved", "memory_allocated",
           "memory_reserved", "memory_stats", "reset_accumulated_memory_stats",
           "reset_peak_memory_stats", "set_device_idx", "set_device_index", "set_stream",
           "synchronize"]


def _need() -> None:
    if not _cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def is_available() -> bool:
    """Whether an accelerator (CUDA) can be used."""
    return _cuda.is_available()


def device_count() -> int:
    """How many accelerator devices there are (0 without one)."""
    return _cuda.device_count() if _cuda.is_available() else 0


def current_accelerator(check_available: bool = False):
    """The accelerator's device type (``device('cuda')``), or None without one."""
    return _device("cuda") if _cuda.is_available() else None


def current_device_index() -> int:
    """The index of the current accelerator device."""
    _need()
    return _cuda.current_device()


current_device_idx = current_device_index  # PyTorch's deprecated spelling


def set_device_index(device) -> None:
    """Make ``device`` (an index or a device) the current accelerator device."""
    _need()
    _cuda.set_device(device)


set_device_idx = set_device_index  # PyTorch's deprecated spelling


class device_index(contextlib.AbstractContextManager):
    """Context manager that makes ``device`` the current accelerator device inside it (None:
    does nothing, as PyTorch's)."""

    def __init__(self, device, /) -> None:
        self.idx, self.prev = device, None

    def __enter__(self) -> "device_index":
        if self.idx is not None:
            self.prev = current_device_index()
            set_device_index(self.idx)
        return self

    def __exit__(self, *exc) -> None:
        if self.prev is not None:
            set_device_index(self.prev)


def current_stream(device=None):
    """The current stream of the accelerator device."""
    _need()
    return _cuda.current_stream(device)


def set_stream(stream) -> None:
    """Make ``stream`` the current stream of its device."""
    _need()
    _cuda.set_stream(stream)


def synchronize(device=None) -> None:
    """Wait until every kernel queued on the accelerator device has finished."""
    _need()
    _cuda.synchronize(device)


def get_device_capability(device=None) -> dict:
    """What the accelerator device can compute."""
    _need()
    return _cuda.get_device_capability(device)


def get_memory_info(device=None) -> tuple:
    """Free and total memory of the accelerator device, in bytes."""
    _need()
    return _cuda.mem_get_info(device)


def _memory(name: str):
    def fn(device=None):
        _need()
        return getattr(_cuda, name)(device)
    fn.__name__ = name
    fn.__doc__ = f"``npgrad.cuda.{name}`` of the accelerator device."
    return fn


memory_allocated = _memory("memory_allocated")
memory_reserved = _memory("memory_reserved")
max_memory_allocated = _memory("max_memory_allocated")
max_memory_reserved = _memory("max_memory_reserved")
memory_stats = _memory("memory_stats")
reset_accumulated_memory_stats = _memory("reset_accumulated_memory_stats")
reset_peak_memory_stats = _memory("reset_peak_memory_stats")


def empty_cache() -> None:
    """Release the accelerator's cached, unused memory."""
    _need()
    _cuda.empty_cache()


def empty_host_cache() -> None:
    """Release cached pinned host memory (npgrad keeps none)."""
    _need()


# -- names PyTorch has at the top level (npgrad.AcceleratorError...) ---------------------------

class AcceleratorError(RuntimeError):
    """An error reported by the accelerator's runtime (``torch.AcceleratorError``)."""


class FatalError(Exception):
    """PyTorch's error for an unrecoverable failure of its runtime (``torch.FatalError``);
    programs name it in ``except`` clauses."""


def get_device_module(device=None):
    """The module of a device type (``npgrad.cuda`` for 'cuda', ``npgrad.cpu`` for 'cpu');
    without ``device``, the current accelerator's, else ``npgrad.cpu``."""
    if device is None:
        return _cuda if _cuda.is_available() else cpu
    name = device.type if isinstance(device, _device) else _device(str(device)).type
    modules = {"cuda": _cuda, "cpu": cpu}
    if name not in modules:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered "
                           f"as 'torch.{name}'.")
    return modules[name]
