"""``npgrad.cuda``: PyTorch's ``torch.cuda`` as a CPU-only PyTorch build has it.

Programs written for a GPU ask here first (``torch.cuda.is_available()``, seeding, memory
statistics, ``torch.cuda.amp``) and go on on the CPU. Every function answers, returns or
raises exactly as in a CPU-only PyTorch build, including the ``AssertionError('Torch not
compiled with CUDA enabled')`` of the functions that need a device, so a program's own
``try``/``if`` around them takes the same path.

Whether CUDA exists is asked of :mod:`npgrad.backend` only (through ``_runtime``), so a
CuPy backend makes these answers real in one place.
"""
from __future__ import annotations

from .._tensortype import make_types as _make_types
from . import amp, memory, random
from ._runtime import device_count, is_available, is_initialized
from ._runtime import device_index as _device_index
from ._runtime import lazy_init as _lazy_init, missing_binding as _missing_binding
from .memory import (empty_cache, max_memory_allocated, max_memory_cached,
                     max_memory_reserved, memory_allocated, memory_cached, memory_reserved,
                     memory_stats, memory_stats_as_nested_dict, reset_accumulated_memory_stats,
                     reset_max_memory_allocated, reset_max_memory_cached,
                     reset_peak_memory_stats)
from .random import (get_rng_state, get_rng_state_all, initial_seed, manual_seed,
                     manual_seed_all, seed, seed_all, set_rng_state, set_rng_state_all)

__all__ = ["BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor",
           "FloatTensor", "HalfTensor", "IntTensor", "LongTensor", "OutOfMemoryError",
           "ShortTensor", "amp", "current_device",
           "device", "device_count", "device_of", "empty_cache", "get_arch_list",
           "get_device_capability", "get_device_name", "get_device_properties", "get_rng_state",
           "get_rng_state_all", "init", "initial_seed", "ipc_collect", "is_available",
           "is_bf16_supported", "is_initialized", "is_tf32_supported", "manual_seed",
           "manual_seed_all", "max_memory_allocated", "max_memory_cached", "max_memory_reserved",
           "mem_get_info", "memory", "memory_allocated", "memory_cached", "memory_reserved",
           "memory_stats", "memory_stats_as_nested_dict", "random",
           "reset_accumulated_memory_stats", "reset_max_memory_allocated",
           "reset_max_memory_cached", "reset_peak_memory_stats", "seed", "seed_all", "set_device",
           "set_rng_state", "set_rng_state_all", "synchronize"]


# PyTorch's legacy CUDA tensor types: no tensor is one of them, and making one raises
_TYPES = _make_types(__name__, is_cuda=True)
FloatTensor, DoubleTensor, HalfTensor = (_TYPES["FloatTensor"], _TYPES["DoubleTensor"],
                                         _TYPES["HalfTensor"])
LongTensor, IntTensor, ShortTensor = (_TYPES["LongTensor"], _TYPES["IntTensor"],
                                      _TYPES["ShortTensor"])
CharTensor, ByteTensor, BoolTensor = (_TYPES["CharTensor"], _TYPES["ByteTensor"],
                                      _TYPES["BoolTensor"])
BFloat16Tensor = _TYPES["BFloat16Tensor"]


class OutOfMemoryError(RuntimeError):
    """Raised when a CUDA allocation fails (``torch.cuda.OutOfMemoryError``): programs catch
    it around a step to retry with a smaller batch, so the name must exist."""


def init() -> None:
    """Start the CUDA runtime: ``AssertionError`` without CUDA, as in PyTorch."""
    _lazy_init()


def current_device() -> int:
    """The index of the current CUDA device: ``AssertionError`` without CUDA."""
    _lazy_init()
    return 0


def set_device(device) -> None:
    """Select the current CUDA device. A negative index does nothing (as in PyTorch); any
    other raises what PyTorch's CPU build raises (``ValueError`` for a bad argument,
    ``AttributeError`` for a device it cannot reach)."""
    index = _device_index(device)
    if index >= 0:
        raise _missing_binding("_cuda_setDevice")


def synchronize(device=None) -> None:
    """Wait for the device's work to finish: ``AssertionError`` without CUDA (PyTorch's
    CPU build raises it too, so programs guard it with ``is_available()``)."""
    _lazy_init()


def get_device_name(device=None) -> str:
    """The device's name: ``AssertionError`` without CUDA."""
    _lazy_init()
    return ""


def get_device_capability(device=None) -> tuple[int, int]:
    """The device's compute capability: ``AssertionError`` without CUDA."""
    _lazy_init()
    return (0, 0)


def get_device_properties(device=None):
    """The device's properties: ``AssertionError`` without CUDA."""
    _lazy_init()


def mem_get_info(device=None) -> tuple[int, int]:
    """Free and total device memory: ``AssertionError`` without CUDA."""
    _lazy_init()
    return (0, 0)


def ipc_collect() -> None:
    """Free memory shared with other processes: ``AssertionError`` without CUDA."""
    _lazy_init()


def get_arch_list() -> list[str]:
    """The CUDA architectures the build supports: none."""
    return []


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """Whether the current device supports bfloat16: False without CUDA (as in PyTorch)."""
    return False


def is_tf32_supported() -> bool:
    """Whether the current device supports TF32 matmuls: False without CUDA."""
    return False


class device:
    """Context manager that makes a CUDA device current (``torch.cuda.device``). Entering
    it with a device index raises ``RuntimeError`` without CUDA, as in PyTorch; a negative
    index (PyTorch's "no device") passes."""

    def __init__(self, device) -> None:
        self.idx = _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self) -> None:
        if self.idx < 0:  # PyTorch's _exchange_device: no device to change to
            return
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc) -> bool:
        return False


class device_of(device):
    """``device`` for the device a tensor lives on: a CPU tensor makes it do nothing."""

    def __init__(self, obj) -> None:
        self.idx = obj.get_device() if getattr(obj, "is_cuda", False) else -1
        self.prev_idx = -1
