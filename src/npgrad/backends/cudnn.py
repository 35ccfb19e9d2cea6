"""``npgrad.backends.cudnn``: cuDNN's switches, as PyTorch's CPU build has them.

There is no cuDNN (``is_available()`` is False, ``version()`` None), but the switches that
training scripts set (``benchmark``, ``deterministic``, ``enabled``, ``allow_tf32``) exist,
keep what is assigned and check it as PyTorch does. They change nothing in npgrad's results.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Iterator

from ._flags import BoolFlag, install

__all__ = ["flags", "is_acceptable", "is_available", "set_flags", "version"]

_STATE = {"enabled": True, "benchmark": False, "deterministic": False, "allow_tf32": True}
benchmark_limit = None  # PyTorch has it only with cuDNN


def is_available() -> bool:
    """Whether cuDNN can be used: False (no CUDA)."""
    return False


def version() -> int | None:
    """cuDNN's version: None without cuDNN."""
    return None


def is_acceptable(tensor) -> bool:
    """Whether cuDNN would take ``tensor``: only CUDA tensors, so never."""
    return False


def set_flags(_enabled=None, _benchmark=None, _benchmark_limit=None, _deterministic=None,
              _allow_tf32=None) -> tuple:
    """Set the given switches; returns the old ones in PyTorch's order (``enabled``,
    ``benchmark``, ``benchmark_limit``, ``deterministic``, ``allow_tf32``)."""
    module = sys.modules[__name__]  # the module itself: its class checks the values
    old = (module.enabled, module.benchmark, None, module.deterministic, module.allow_tf32)
    for name, value in (("enabled", _enabled), ("benchmark", _benchmark),
                        ("deterministic", _deterministic), ("allow_tf32", _allow_tf32)):
        if value is not None:
            setattr(module, name, value)
    return old


@contextlib.contextmanager
def flags(enabled: bool = False, benchmark: bool = False, benchmark_limit: int = 10,
          deterministic: bool = False, allow_tf32: bool = True) -> Iterator[None]:
    """Set the switches for a ``with`` block, then put the old ones back."""
    old = set_flags(enabled, benchmark, benchmark_limit, deterministic, allow_tf32)
    try:
        yield
    finally:
        set_flags(*old)


install(__name__, {
    "enabled": BoolFlag(_STATE, "enabled", "set_enabled_cudnn"),
    "benchmark": BoolFlag(_STATE, "benchmark", "set_benchmark_cudnn"),
    "deterministic": BoolFlag(_STATE, "deterministic", "set_deterministic_cudnn"),
    # PyTorch's message names cuBLAS here too
    "allow_tf32": BoolFlag(_STATE, "allow_tf32", "set_allow_tf32_cublas"),
})
