"""The array backend: the one place that knows which array module holds a tensor's data.

Ops never branch on the device; they ask :func:`array_module` for ``xp`` and call
``xp.exp`` and friends. Today only NumPy (the ``'cpu'`` device) exists; a CuPy backend
slots in here (the only file that may import cupy).
"""
from __future__ import annotations

import os
import sys

import numpy as np


class device:
    """Where a tensor's data lives, as in ``torch.device``: ``npgrad.device('cpu')``.

    >>> npgrad.device('cpu') == 'cpu'
    True
    """

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, idx = type.split(":", 1)
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device "
                               f"string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def as_device(d) -> device:
    """Normalise a ``device=`` argument (None, a string or a device) and check it exists."""
    if d is None or d is CPU:
        return CPU
    d = device(d)
    if d.type != "cpu":
        # a CPU-only PyTorch build answers any use of a CUDA device so (torch.zeros(2,
        # device='cuda'), x.cuda(), model.to('cuda')); programs and tests catch exactly this
        raise AssertionError("Torch not compiled with CUDA enabled")
    return CPU


def array_module(data=None):
    """The array module (``numpy``) for an array, in the style of ``cupy.get_array_module``."""
    return np


# ---------------------------------------------------------------------------------------------
# Accelerator queries
#
# npgrad.cuda, npgrad.backends and the amp classes ask these and nothing else, so a CuPy
# backend changes their answers here. Today npgrad is a CPU-only build: no CUDA array module,
# no device, no allocator, which is what a CPU-only PyTorch build answers.
# ---------------------------------------------------------------------------------------------

def cuda_is_built() -> bool:
    """Whether npgrad has a CUDA array module at all (PyTorch: compiled with CUDA)."""
    return False


def cuda_device_count() -> int:
    """How many CUDA devices the array backend sees (0 without a CUDA array module)."""
    return 0


def cuda_is_available() -> bool:
    """Whether CUDA can be used now: built, with at least one device."""
    return cuda_is_built() and cuda_device_count() > 0


def cuda_memory_stats(index: int | None = None) -> dict:
    """The CUDA allocator's statistics for one device as a nested dict, in the shape of
    ``torch.cuda.memory_stats_as_nested_dict``: empty while no allocator exists."""
    return {}


# ---------------------------------------------------------------------------------------------
# Memory reuse
#
# A training step allocates and frees the same large arrays every time. glibc's malloc serves
# arrays above a (dynamic) threshold with fresh mmap()s and hands freed heap tops back to the
# kernel, so each step re-faults its pages: ~10,000 page faults and ~15% of a GPT step spent
# in the kernel zeroing memory. Keeping freed memory in the process (up to 256 MB) and serving
# arrays up to 32 MB from the heap makes the step reuse it, as PyTorch's caching allocator
# does. Set NPGRAD_MALLOC_TUNE=0 to keep glibc's defaults (or set glibc's own
# MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_, which are then left alone).
# ---------------------------------------------------------------------------------------------

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _keep_freed_memory() -> bool:
    """Tune glibc's malloc as above; False where it does not apply (not glibc, opted out)."""
    if (not sys.platform.startswith("linux") or os.environ.get("NPGRAD_MALLOC_TUNE") == "0"
            or "MALLOC_MMAP_THRESHOLD_" in os.environ
            or "MALLOC_TRIM_THRESHOLD_" in os.environ):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20) and mallopt(_M_TRIM_THRESHOLD, 256 << 20))


_keep_freed_memory()
