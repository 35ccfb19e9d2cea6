"""The machinery of ``npgrad.backends``' settable flags: a module whose attributes check what
is assigned to them, as PyTorch's ``torch.backends.cudnn.benchmark = True`` does.

PyTorch makes each such module an instance of a ``types.ModuleType`` subclass with properties
(its ``PropModule``); npgrad does the same by giving the module a subclass as its
``__class__``, so ``import torch.backends.cudnn as cudnn`` and ``cudnn.benchmark = True`` both
go through the checks below.
"""
from __future__ import annotations

import sys
import types


def type_name(value) -> str:
    """A value's type as PyTorch's argument errors print it ('int', 'numpy.bool')."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


class BoolFlag:
    """A True/False setting kept in ``state[key]``; assigning anything but a ``bool`` raises
    PyTorch's ``RuntimeError('<setter> expects a bool, but got <type>')``."""

    def __init__(self, state: dict, key: str, setter: str) -> None:
        self.state, self.key, self.setter = state, key, setter

    def __get__(self, module, owner=None):
        return self if module is None else self.state[self.key]

    def __set__(self, module, value) -> None:
        if not isinstance(value, bool):
            raise RuntimeError(f"{self.setter} expects a bool, but got {type_name(value)}")
        self.state[self.key] = value


def install(module_name: str, flags: dict) -> None:
    """Give module ``module_name`` the ``flags`` (name -> descriptor) as checked attributes."""
    module = sys.modules[module_name]
    kind = type(f"{module_name.rsplit('.', 1)[-1].capitalize()}Module", (types.ModuleType,),
                {"__module__": module_name, **flags})
    module.__class__ = kind
