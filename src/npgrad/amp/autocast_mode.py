"""``autocast``: PyTorch's mixed-precision regions, as a CPU-only PyTorch build runs them.

A CUDA region cannot cast anything without CUDA: as in PyTorch, asking for one warns
('CUDA is not available or torch_xla is imported. Disabling autocast.') and runs the code
unchanged, so ``with torch.autocast(device_type='cuda'):`` around a forward pass costs
nothing. A CPU region records that it is on (``is_autocast_enabled('cpu')`` answers as in
PyTorch) but npgrad computes it in full precision: NumPy has no bfloat16, PyTorch's CPU
autocast type, and casting to float16 instead would give other numbers than PyTorch's.
"""
from __future__ import annotations

import functools
import warnings

from .. import dtypes as _dt
from ..backend import cuda_is_available, device as _device

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled"]

# The low-precision types each device's autocast accepts (PyTorch's CPU one also takes
# bfloat16, which npgrad lacks), and the type a region uses when none is given.
_SUPPORTED = {"cpu": (_dt.float16,), "cuda": (_dt.float16,)}
_DEFAULT_DTYPE = {"cpu": None, "cuda": _dt.float16}
_ENABLED = {"cpu": False, "cuda": False}
_DTYPE = dict(_DEFAULT_DTYPE)


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast knows ``device_type`` ('cpu' and 'cuda' here; RuntimeError for a
    string that names no device)."""
    return _device(device_type).type in _SUPPORTED


def is_autocast_enabled(device_type: str = "cuda") -> bool:
    """Whether an enabled autocast region of ``device_type`` is open (without an argument,
    CUDA's, as in PyTorch)."""
    return _ENABLED.get(device_type, False)


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
        self.fast_dtype = _DTYPE[device_type] if dtype is None else dtype
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                if not cuda_is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                                  "autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype is not None and self.fast_dtype not in _SUPPORTED[device_type]:
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. "
                              f"Disabling autocast.\n{name} Autocast only supports dtypes of "
                              + ", ".join(map(str, _SUPPORTED[device_type])) + " currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self) -> "autocast":
        self.prev, self.prev_fastdtype = _ENABLED[self.device], _DTYPE[self.device]
        _ENABLED[self.device], _DTYPE[self.device] = self._enabled, self.fast_dtype
        return self

    def __exit__(self, *exc) -> bool:
        _ENABLED[self.device], _DTYPE[self.device] = self.prev, self.prev_fastdtype
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
