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

from .. import backend as _backend
from .._tensortype import make_types as _make_types
from . import amp, memory, random, streams
from ._runtime import device_count, is_available, is_initialized
from ._runtime import device_index as _device_index
from ._runtime import lazy_init as _lazy_init, missing_binding as _missing_binding
from .memory import (empty_cache, max_memory_allocated, max_memory_cached,
                     max_memory_reserved, memory_allocated, memory_cached, memory_reserved,
                     memory_stats, memory_stats_as_nested_dict, reset_accumulated_memory_stats,
                     reset_max_memory_allocated, reset_max_memory_cached,
                     reset_peak_memory_stats)
from .streams import (Event, Stream, StreamContext, current_stream, default_stream,
                      set_stream, stream)
from .random import (get_rng_state, get_rng_state_all, initial_seed, manual_seed,
                     manual_seed_all, seed, seed_all, set_rng_state, set_rng_state_all)

__all__ = ["BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "Event",
           "Stream", "StreamContext", "current_stream", "default_stream", "set_stream",
           "stream", "streams",
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
    return _backend.current_cuda_index()


def set_device(device) -> None:
    """Select the current CUDA device. A negative index does nothing (as in PyTorch); without
    CUDA any other raises what PyTorch's CPU build raises (``ValueError`` for a bad argument,
    ``AttributeError`` for a device it cannot reach)."""
    index = _device_index(device)
    if index < 0:
        return
    if not _backend.cuda_is_built():
        raise _missing_binding("_cuda_setDevice")
    _backend.as_device(index)  # (checks the ordinal)
    _backend.cuda_module().cuda.Device(index).use()


def _dev(device):
    """The backend's ``cupy.cuda.Device`` for a device argument (None: the current one)."""
    _lazy_init()
    index = _device_index(device, optional=True)
    return _backend.cuda_module().cuda.Device(current_device() if index is None else index)


def synchronize(device=None) -> None:
    """Wait for the device's work to finish: ``AssertionError`` without CUDA (PyTorch's
    CPU build raises it too, so programs guard it with ``is_available()``)."""
    _dev(device).synchronize()


def get_device_properties(device=None) -> "_DeviceProperties":
    """The device's properties (name, total_memory, major, minor, multi_processor_count):
    ``AssertionError`` without CUDA."""
    index = _dev(device).id
    props = _backend.cuda_module().cuda.runtime.getDeviceProperties(index)
    return _DeviceProperties(props)


class _DeviceProperties:
    """``torch.cuda.get_device_properties(...)``'s answer, from the CUDA runtime's."""

    def __init__(self, props: dict) -> None:
        name = props["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.total_memory = int(props["totalGlobalMem"])
        self.major, self.minor = int(props["major"]), int(props["minor"])
        self.multi_processor_count = int(props["multiProcessorCount"])

    def __repr__(self) -> str:
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory >> 20}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_name(device=None) -> str:
    """The device's name: ``AssertionError`` without CUDA."""
    return get_device_properties(device).name


def get_device_capability(device=None) -> tuple[int, int]:
    """The device's compute capability: ``AssertionError`` without CUDA."""
    p = get_device_properties(device)
    return (p.major, p.minor)


def mem_get_info(device=None) -> tuple[int, int]:
    """Free and total device memory in bytes: ``AssertionError`` without CUDA."""
    with _dev(device):
        runtime = _backend.cuda_module().cuda.runtime
        if hasattr(runtime, "memGetInfo"):
            free, total = runtime.memGetInfo()
            return (int(free), int(total))
    total = get_device_properties(device).total_memory
    return (total, total)


def ipc_collect() -> None:
    """Free memory shared with other processes: ``AssertionError`` without CUDA."""
    _lazy_init()


def get_arch_list() -> list[str]:
    """The CUDA architectures the build supports: none without CUDA."""
    if not is_available():
        return []
    major, minor = get_device_capability()
    return [f"sm_{major}{minor}"]


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """Whether bfloat16 tensors work on the device: False (CuPy has no bfloat16; PyTorch's
    CPU build also answers False)."""
    return False


def is_tf32_supported() -> bool:
    """Whether the current device supports TF32 matmuls (compute capability 8.0 or more)."""
    return is_available() and get_device_capability()[0] >= 8


class device:
    """Context manager that makes a CUDA device current (``torch.cuda.device``). Entering
    it with a device index raises ``RuntimeError`` without CUDA, as in PyTorch; a negative
    index (PyTorch's "no device") passes."""

    def __init__(self, device) -> None:
        self.idx = _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self) -> None:
        if self.idx is None or self.idx < 0:  # PyTorch's _exchange_device: nothing to change
            return
        if not _backend.cuda_is_built():
            raise RuntimeError("PyTorch was compiled without CUDA support")
        self.prev_idx = current_device()
        set_device(self.idx)

    def __exit__(self, *exc) -> bool:
        if self.prev_idx >= 0:
            set_device(self.prev_idx)
        return False


class device_of(device):
    """``device`` for the device a tensor lives on: a CPU tensor makes it do nothing."""

    def __init__(self, obj) -> None:
        self.idx = obj.get_device() if getattr(obj, "is_cuda", False) else -1
        self.prev_idx = -1
