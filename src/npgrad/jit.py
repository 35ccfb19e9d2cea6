"""``npgrad.jit``: PyTorch's TorchScript API, run eagerly.

npgrad has no TorchScript compiler: what a program scripts or traces is what it runs.
``script`` and ``trace`` return the module or function they are given, so it computes the
same thing (its parameters and ``state_dict`` unchanged); the decorators (``ignore``,
``unused``, ``export``...) and annotations (``Final``, ``annotate``, ``Attribute``) leave the
code as written; ``is_scripting()`` and ``is_tracing()`` are False, so code that branches on
them takes its eager path. TorchScript *files* cannot be read or written: ``save`` and
``load`` say so, and how to save the weights instead.
"""
from __future__ import annotations

import builtins
import typing
from typing import Any, Callable

from .nn.modules.module import Module

__all__ = ["script", "trace", "trace_module", "ignore", "unused", "export", "is_scripting",
           "is_tracing", "annotate", "Final", "Attribute", "interface", "script_method",
           "ScriptModule", "ScriptFunction", "fork", "wait", "freeze",
           "optimize_for_inference", "isinstance", "save", "load", "Error"]

Final = typing.Final  # ``x: torch.jit.Final[int]`` in a Module is an ordinary attribute


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """Return ``obj`` itself (a Module, function or class): it runs eagerly, as written."""
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace: bool = True,
          check_inputs=None, check_tolerance: float = 1e-5, strict: bool = True, **kwargs):
    """Return ``func`` itself: eager execution gives what a trace of it would compute for the
    example inputs (and, unlike a trace, follows data-dependent branches for other inputs)."""
    return func


def trace_module(mod, inputs, optimize=None, check_trace: bool = True, check_inputs=None,
                 check_tolerance: float = 1e-5, strict: bool = True, **kwargs):
    """Return ``mod`` itself, as :func:`trace`."""
    return mod


def ignore(drop=False, **kwargs):
    """Leave a function to Python: ``@ignore`` or ``@ignore(drop=True)``; here a no-op."""
    if callable(drop):  # used bare: @ignore
        return drop
    return lambda fn: fn


def unused(fn: Callable) -> Callable:
    """Mark a method TorchScript should skip; it stays callable here."""
    return fn


def export(fn: Callable) -> Callable:
    """Mark a method TorchScript should compile as an entry point; a no-op here."""
    return fn


def script_method(fn: Callable) -> Callable:
    """The decorator of ``ScriptModule`` methods in old code; a no-op here."""
    return fn


def interface(obj):
    """Declare a TorchScript interface class; the class is returned as it is."""
    return obj


def is_scripting() -> bool:
    """False: npgrad never compiles code, so the eager branch is the one that runs."""
    return False


def is_tracing() -> bool:
    """False: npgrad never traces code."""
    return False


def annotate(the_type, the_value):
    """TorchScript's type hint for a value (``annotate(List[int], [])``): the value."""
    return the_value


def Attribute(value, type=None):  # noqa: N802  (PyTorch's name; a class there)
    """TorchScript's typed module attribute (``self.x = Attribute(0, int)``): the value."""
    return value


def isinstance(obj, target_type) -> bool:  # noqa: A001  (PyTorch's name)
    """``torch.jit.isinstance``: a container-aware isinstance; eagerly, the origin type of a
    ``typing`` hint (``List[int]`` checks for a list)."""
    origin = typing.get_origin(target_type) or target_type
    return builtins.isinstance(obj, origin)


ScriptModule = Module  # a subclass of torch.jit.ScriptModule is a Module run eagerly
ScriptFunction = type(lambda: None)


class _Future:
    """What :func:`fork` returns: the result, already computed."""

    def __init__(self, value) -> None:
        self._value = value

    def wait(self):
        return self._value


def fork(func: Callable, *args, **kwargs) -> _Future:
    """TorchScript's asynchronous call, run at once here."""
    return _Future(func(*args, **kwargs))


def wait(future: _Future):
    """The result of :func:`fork`."""
    return future.wait()


def freeze(mod, preserved_attrs=None, optimize_numerics: bool = True):
    """Return ``mod``: freezing inlines a ScriptModule's weights, a no-op for eager code."""
    return mod


def optimize_for_inference(mod, other_methods=None):
    """Return ``mod``, as :func:`freeze`."""
    return mod


class Error(RuntimeError):
    """A TorchScript error (``torch.jit.Error``)."""


_NO_FILES = ("npgrad.jit.{}: TorchScript files are not supported: npgrad runs models eagerly and "
             "has no TorchScript compiler or interpreter. Save and load the weights instead: "
             "npgrad.save(model.state_dict(), path), then model.load_state_dict(npgrad.load(path))"
             " on a model built from its Python class.")


def save(m, f, _extra_files=None) -> None:
    """Refuse: a TorchScript file holds compiled code, which npgrad cannot produce."""
    raise RuntimeError(_NO_FILES.format("save"))


def load(f, map_location=None, _extra_files=None, _restore_shapes: bool = False) -> Any:
    """Refuse: a TorchScript file holds compiled code, which npgrad cannot run."""
    raise RuntimeError(_NO_FILES.format("load"))
