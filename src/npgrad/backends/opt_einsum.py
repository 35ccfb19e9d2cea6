"""``npgrad.backends.opt_einsum``: whether the opt_einsum package is installed, and the
``enabled``/``strategy`` settings, with PyTorch's answers.

PyTorch asks the same question (can ``opt_einsum`` be imported). Its two settings are plain
module attributes in practice (its checking properties never reach the module class), so
they are plain attributes here too. npgrad's ``einsum`` orders its contractions with NumPy's
own path search either way, so they are kept only.
"""
from __future__ import annotations

import importlib
import importlib.util

__all__ = ["enabled", "get_opt_einsum", "is_available", "strategy"]

_AVAILABLE = importlib.util.find_spec("opt_einsum") is not None
enabled = _AVAILABLE
strategy = "auto" if _AVAILABLE else None


def is_available() -> bool:
    """Whether the opt_einsum package can be imported."""
    return _AVAILABLE


def get_opt_einsum():
    """The opt_einsum package when installed, else None."""
    return importlib.import_module("opt_einsum") if _AVAILABLE else None
