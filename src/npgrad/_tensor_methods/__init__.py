"""The Tensor's op methods, one module per op family (``x.exp()``, ``x.sum(1)``, ``x @ y``...).

Layering: ``tensor.py`` defines :class:`~npgrad.tensor.Tensor` with its state (data, grad,
version counter) and the methods that need no op, so that autograd and the ops, which build
Tensors, can sit above it. The methods here call the ops, so they sit above ``ops/``; each
module holds one family's methods in a plain class (``ElementwiseMethods``...), and
:func:`install` copies them onto ``Tensor`` once, when ``npgrad`` is imported. This is the one
place a class is extended after its definition; it keeps every method written out where grep
finds it, and the import graph one-way.
"""
from __future__ import annotations

import inspect

from ..ops._arguments import named_errors
from ..tensor import Tensor
from .arithmetic import ArithmeticMethods
from .autograd import AutogradMethods
from .conversion import ConversionMethods
from .elementwise import ElementwiseMethods
from .indexing import IndexingMethods
from .inplace import InPlaceMethods
from .linalg import LinalgMethods
from .random import RandomMethods
from .reduction import ReductionMethods
from .shape import ShapeMethods
from .storage import StorageMethods

FAMILIES = (ArithmeticMethods, AutogradMethods, ConversionMethods, ElementwiseMethods,
            IndexingMethods, InPlaceMethods, LinalgMethods, RandomMethods, ReductionMethods,
            ShapeMethods, StorageMethods)

# what every class has and a Tensor must keep its own of
# methods that run the user's code (hooks, callables), whose errors are the user's own
_RUNS_USER_CODE = {"backward", "register_hook", "register_post_accumulate_grad_hook", "apply_",
                   "map_"}

_CLASS_MACHINERY = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__",
                    "__slots__", "__firstlineno__", "__static_attributes__"}


def install(cls: type = Tensor) -> None:
    """Give ``cls`` every method of every family; a name defined twice is an error."""
    seen: dict = {}
    for family in FAMILIES:
        for name, member in vars(family).items():
            if name in _CLASS_MACHINERY or (name == "__hash__" and member is None):
                continue  # (a class defining __eq__ gets __hash__ = None; Tensor keeps its own)
            if name in seen or name in vars(cls):
                where = seen.get(name, cls).__name__
                raise TypeError(f"Tensor method {name!r} defined by {family.__name__} and "
                                f"{where}")
            seen[name] = family
            setattr(cls, name, _named(name, member))


def _named(name: str, member):
    """An op method (``x.addcmul(...)``) whose inner ops' errors name it (``named_errors``);
    operators (dunders) and attributes as they are."""
    if name.startswith("_") or name in _RUNS_USER_CODE or not inspect.isfunction(member) \
            or hasattr(member, "__op_name__"):
        return member
    return named_errors(name)(member)


install()
