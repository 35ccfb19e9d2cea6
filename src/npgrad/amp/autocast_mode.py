"""``autocast``: PyTorch's mixed-precision regions.

A CPU region (``torch.autocast('cpu')``, ``torch.amp.autocast('cpu', dtype=...)``) casts the
ops on PyTorch's CPU autocast lists as PyTorch does: matmul, linear, conv... to the region's
dtype (bfloat16 by default, or float16), the losses and a few others to float32; see
``npgrad/ops/autocast.py``, where the lists are applied. Regions nest, ``enabled=False`` turns
autocast off inside, and a region is a decorator too.

A CUDA region cannot cast anything without CUDA: as in PyTorch, asking for one warns
('CUDA is not available or torch_xla is imported. Disabling autocast.') and runs the code
unchanged, so ``with torch.autocast(device_type='cuda'):`` around a forward pass costs
nothing.
"""
from __future__ import annotations

import functools
import warnings

from .. import dtypes as _dt
from ..backend import cuda_is_available, device as _device
from ..ops.autocast import STATE as _STATE

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "get_autocast_dtype",
           "set_autocast_enabled", "set_autocast_dtype", "is_autocast_cpu_enabled",
           "get_autocast_cpu_dtype", "set_autocast_cpu_enabled", "set_autocast_cpu_dtype",
           "get_autocast_gpu_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
           "clear_autocast_cache", "set_autocast_gpu_dtype", "autocast_increment_nesting",
           "autocast_decrement_nesting"]

# The lower-precision types each device's autocast accepts (PyTorch's lists).
_SUPPORTED = {"cpu": (_dt.bfloat16, _dt.float16), "cuda": (_dt.float16, _dt.bfloat16)}


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast knows ``device_type`` ('cpu' and 'cuda' here; RuntimeError for a
    string that names no device)."""
    return _device(device_type).type in _SUPPORTED


def is_autocast_enabled(device_type: str = "cuda") -> bool:
    """Whether an enabled autocast region of ``device_type`` is open (without an argument,
    CUDA's, as in PyTorch)."""
    return _STATE.enabled.get(device_type, False)


def get_autocast_dtype(device_type: str) -> _dt.dtype:
    """The dtype autocast regions of ``device_type`` cast to (bfloat16 for 'cpu')."""
    return _STATE.dtype[_device(device_type).type]


def set_autocast_enabled(device_type: str, enabled: bool) -> None:
    """Turn autocast of ``device_type`` on or off (what a region does on entry and exit)."""
    _STATE.enabled[_device(device_type).type] = bool(enabled)


def set_autocast_dtype(device_type: str, dtype) -> None:
    """Set the dtype autocast regions of ``device_type`` cast to."""
    _STATE.dtype[_device(device_type).type] = _dt.to_dtype(dtype)


# PyTorch's older per-device spellings: they work, with its DeprecationWarning
def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled() -> bool:
    """Deprecated: ``is_autocast_enabled('cpu')``."""
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def get_autocast_cpu_dtype() -> _dt.dtype:
    """Deprecated: ``get_autocast_dtype('cpu')``."""
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype() -> _dt.dtype:
    """Deprecated: ``get_autocast_dtype('cuda')``."""
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype) -> None:
    """Deprecated: ``set_autocast_dtype('cuda', dtype)``."""
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


def set_autocast_cpu_enabled(enabled: bool) -> None:
    """Deprecated: ``set_autocast_enabled('cpu', enabled)``."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def set_autocast_cpu_dtype(dtype) -> None:
    """Deprecated: ``set_autocast_dtype('cpu', dtype)``."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


# PyTorch caches the casts of leaf tensors (weights) within a region; npgrad casts at each use,
# so the cache is a setting that changes nothing but what it reads back.
_CACHE = {"enabled": True}


def is_autocast_cache_enabled() -> bool:
    """Whether autocast's cast cache is on (True unless turned off)."""
    return _CACHE["enabled"]


def set_autocast_cache_enabled(enabled: bool) -> None:
    """Turn the cast cache setting on or off."""
    _CACHE["enabled"] = bool(enabled)


def clear_autocast_cache() -> None:
    """Nothing to clear: npgrad keeps no cast cache."""


# How many autocast regions are open, as PyTorch counts them for its cast cache (cleared when
# the count drops to 0): the low-level calls its autocast regions (and torch.compile) make.
_NESTING = [0]


def autocast_increment_nesting() -> int:
    """Count one more open autocast region; returns the new count."""
    _NESTING[0] += 1
    return _NESTING[0]


def autocast_decrement_nesting() -> int:
    """Count one autocast region less (the count may go below 0, as PyTorch's); returns the
    new count."""
    _NESTING[0] -= 1
    if _NESTING[0] == 0:
        clear_autocast_cache()
    return _NESTING[0]


class autocast:
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: a
    context manager (or decorator) for a mixed-precision region; see the module docstring
    for what it does on npgrad."""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type "
                               f"'{device_type}'")
        self.device = device_type
        self.fast_dtype = _STATE.dtype[device_type] if dtype is None else _dt.to_dtype(dtype)
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                if not cuda_is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                                  "autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in _SUPPORTED[device_type]:
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. "
                              f"Disabling autocast.\n{name} Autocast only supports dtypes of "
                              + ", ".join(map(str, _SUPPORTED[device_type])) + " currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self) -> "autocast":
        self.prev, self.prev_fastdtype = _STATE.enabled[self.device], _STATE.dtype[self.device]
        _STATE.enabled[self.device] = self._enabled
        if self.fast_dtype in _SUPPORTED[self.device]:
            _STATE.dtype[self.device] = self.fast_dtype
        autocast_increment_nesting()
        return self

    def __exit__(self, *exc) -> bool:
        _STATE.enabled[self.device], _STATE.dtype[self.device] = self.prev, self.prev_fastdtype
        autocast_decrement_nesting()
        return False

    def __call__(self, func):
        """Use the region as a decorator: ``func`` runs inside it."""
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got "
                            f"{type(func).__name__}. Did you mean to use autocast as a context "
                            "manager? For example:\n    with torch.autocast(device_type=...):\n"
                            "        output = model(input)")

        @functools.wraps(func)
        def in_region(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return in_region
