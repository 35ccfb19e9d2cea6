"""``skip_init``: build a module without its initialisation mattering."""
from __future__ import annotations

import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """``module_cls(*args, **kwargs)`` with parameters whose values are unspecified.

    PyTorch builds the module on the meta device and allocates it uninitialised; npgrad has
    no meta device, so the module is built (and initialised) normally: what callers may rely
    on, parameters of the right shapes and dtypes, is the same. As in PyTorch, the class must
    take a ``device`` argument.
    """
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs.pop("device", None)
    return module_cls(*args, **kwargs)
