"""``npgrad.cuda.memory``: the CUDA caching allocator's statistics, as PyTorch's CPU build
reports them without CUDA (nothing allocated: zeros and empty dicts; the "reset" functions
raise the ``AttributeError`` the CPU build raises, its C library lacking the binding they
call), and from CuPy's memory pool with CUDA. The renamed ``*_cached`` forms warn as
PyTorch's do.

The numbers come from ``npgrad.backend.cuda_memory_stats``, which a CuPy backend fills.
"""
from __future__ import annotations

import collections
import warnings

from ..backend import cuda_empty_cache, cuda_is_built, cuda_memory_stats, cuda_reset_peak_memory
from ._runtime import device_index, missing_binding

__all__ = ["empty_cache", "max_memory_allocated", "max_memory_cached", "max_memory_reserved",
           "memory_allocated", "memory_cached", "memory_reserved", "memory_stats",
           "memory_stats_as_nested_dict", "reset_accumulated_memory_stats",
           "reset_max_memory_allocated", "reset_max_memory_cached", "reset_peak_memory_stats"]


def empty_cache() -> None:
    """Release the allocator's cached blocks (CuPy's memory pool's free blocks); nothing is
    cached without CUDA."""
    cuda_empty_cache()


def memory_stats_as_nested_dict(device=None) -> dict:
    """The allocator's statistics as nested dicts: ``{}`` without CUDA."""
    return cuda_memory_stats(device)


def memory_stats(device=None) -> "collections.OrderedDict[str, int]":
    """The allocator's statistics flattened to dotted keys, sorted (``OrderedDict()``
    without CUDA)."""
    flat: list = []

    def add(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                add(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat.append((prefix, value))

    add("", memory_stats_as_nested_dict(device))
    return collections.OrderedDict(sorted(flat))


def memory_allocated(device=None) -> int:
    """Bytes held by tensors on the device: 0."""
    return memory_stats(device).get("allocated_bytes.all.current", 0)


def max_memory_allocated(device=None) -> int:
    """The peak of :func:`memory_allocated`: 0."""
    return memory_stats(device).get("allocated_bytes.all.peak", 0)


def memory_reserved(device=None) -> int:
    """Bytes the allocator holds for the device: 0."""
    return memory_stats(device).get("reserved_bytes.all.current", 0)


def max_memory_reserved(device=None) -> int:
    """The peak of :func:`memory_reserved`: 0."""
    return memory_stats(device).get("reserved_bytes.all.peak", 0)


def memory_cached(device=None) -> int:
    """The old name of :func:`memory_reserved` (with PyTorch's ``FutureWarning``)."""
    warnings.warn("`torch.cuda.memory_cached` has been renamed to `torch.cuda.memory_reserved`",
                  FutureWarning, stacklevel=2)
    return memory_reserved(device)


def max_memory_cached(device=None) -> int:
    """The old name of :func:`max_memory_reserved` (with PyTorch's ``FutureWarning``)."""
    warnings.warn("`torch.cuda.max_memory_cached` has been renamed to "
                  "`torch.cuda.max_memory_reserved`", FutureWarning, stacklevel=2)
    return max_memory_reserved(device)


def reset_peak_memory_stats(device=None) -> None:
    """Reset the "peak" statistics: PyTorch's CPU build raises ``AttributeError`` here (its
    C library has no such binding), so programs call it under ``is_available()``."""
    device_index(device, optional=True)
    if not cuda_is_built():
        raise missing_binding("_cuda_resetPeakMemoryStats")
    cuda_reset_peak_memory()


def reset_accumulated_memory_stats(device=None) -> None:
    """Reset the accumulated statistics: ``AttributeError`` as in PyTorch's CPU build."""
    device_index(device, optional=True)
    if not cuda_is_built():
        raise missing_binding("_cuda_resetAccumulatedMemoryStats")


def reset_max_memory_allocated(device=None) -> None:
    """The old form of :func:`reset_peak_memory_stats` (with PyTorch's ``FutureWarning``)."""
    warnings.warn("torch.cuda.reset_max_memory_allocated now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)


def reset_max_memory_cached(device=None) -> None:
    """The old form of :func:`reset_peak_memory_stats` (with PyTorch's ``FutureWarning``)."""
    warnings.warn("torch.cuda.reset_max_memory_cached now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)
