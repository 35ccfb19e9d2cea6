"""Anomaly detection: find the op whose backward produced NaN, and where forward called it.

While anomaly mode is on, every recorded node keeps the Python stack of its forward call, and
the engine checks every gradient a backward returns. The error names the node and prints that
stack, as PyTorch's ``detect_anomaly`` does.
"""
from __future__ import annotations

import builtins
import os
import warnings

from .grad_mode import ANOMALY


_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on.

    >>> with npgrad.autograd.detect_anomaly():
    ...     loss = f(x); loss.backward()   # NaN in a gradient -> RuntimeError naming the op
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> "detect_anomaly":
        self.prev = (ANOMALY.enabled, ANOMALY.check_nan)
        ANOMALY.enabled, ANOMALY.check_nan = True, self.check_nan
        return self

    def __exit__(self, *exc) -> None:
        ANOMALY.enabled, ANOMALY.check_nan = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off, now and as a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (ANOMALY.enabled, ANOMALY.check_nan)
        ANOMALY.enabled, ANOMALY.check_nan = bool(mode), check_nan

    def __enter__(self) -> "set_detect_anomaly":
        return self

    def __exit__(self, *exc) -> None:
        ANOMALY.enabled, ANOMALY.check_nan = self.prev


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on (``detect_anomaly`` / ``set_detect_anomaly``)."""
    return ANOMALY.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """True when anomaly mode also checks backward's gradients for NaN."""
    return ANOMALY.check_nan


def forward_trace() -> str:
    """The current Python stack, without npgrad's own frames at its end, so the last line
    shown is the user's line that called the op."""
    import traceback  # noqa: PLC0415 (anomaly mode only: ~0.5% of import npgrad)
    stack = traceback.extract_stack()[:-1]
    while stack and stack[-1].filename.startswith(_PKG_DIR):
        stack.pop()
    return "".join(traceback.format_list(stack))


def set_anomaly_enabled(enabled: builtins.bool, check_nan: builtins.bool = True) -> None:
    """``autograd.set_detect_anomaly(enabled, check_nan)`` as a plain call."""
    set_detect_anomaly(enabled, check_nan)
