"""Every public name npgrad exported when this list was written is still exported at the same
place: the package's namespaces (those that mirror PyTorch's, not the internal ``npgrad.ops``
modules) and the Tensor's methods. New names may come; none may go.

``python tests/layout/test_public_api.py --write`` rewrites ``public_api.txt`` from the package
as it is now (after adding API on purpose: the list only ever grows).
"""
from __future__ import annotations

import __future__
import importlib
import inspect
import pkgutil
import types
import sys
from pathlib import Path

import npgrad

LISTING = Path(__file__).with_name("public_api.txt")


def _public_modules() -> list[str]:
    """The package's public modules, less the implementation packages (``npgrad.ops``)."""
    found = ["npgrad"]
    for info in pkgutil.walk_packages(npgrad.__path__, "npgrad."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or parts[1] in ("ops", "examples"):
            continue
        found.append(info.name)
    return sorted(found)


def _exported(module: types.ModuleType, name: str) -> bool:
    """Whether ``name`` is part of what ``module`` offers, not something it imported for its
    own use: a name in its ``__all__``, its own submodule, or (in a package, or a module
    without ``__all__``) any other name but imported modules, ``from __future__`` features and,
    outside packages, functions and classes defined elsewhere."""
    value = getattr(module, name)
    if isinstance(value, types.ModuleType):
        return value.__name__ == f"{module.__name__}.{name}"
    if isinstance(value, __future__._Feature):
        return False
    if name in getattr(module, "__all__", ()) or hasattr(module, "__path__"):
        return True
    defined_in = getattr(value, "__module__", module.__name__)
    return not hasattr(module, "__all__") and (defined_in == module.__name__
                                               or not callable(value))


def public_names() -> set[str]:
    """``module:name`` for every public name of every public module, and ``Tensor.name``
    for every public attribute of the Tensor class (dunders included: they are its
    operators)."""
    names = set()
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        names.update(f"{module_name}:{n}" for n in dir(module)
                     if not n.startswith("_") and _exported(module, n))
    names.update(f"Tensor.{n}" for n in dir(npgrad.Tensor)
                 if not n.startswith("_") or n.endswith("__"))
    return names


def test_no_public_name_was_removed():
    before = {n for n in LISTING.read_text().split()
              if not n.startswith("Tensor._") or n.endswith("__")}
    missing = sorted(before - public_names())
    assert not missing, f"{len(missing)} public names are gone: {missing[:40]}"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    LISTING.write_text("\n".join(sorted(public_names())) + "\n")


def test_every_tensor_method_has_a_docstring():
    """``help(x.sum)`` says something: every public method and property of Tensor (dunders
    included) has a docstring, its own or its op's."""
    missing = []
    for name in dir(npgrad.Tensor):
        if name.startswith("_") and not name.endswith("__"):
            continue
        attr = inspect.getattr_static(npgrad.Tensor, name)
        fn = attr.fget if isinstance(attr, property) else attr
        if (inspect.isfunction(fn) or isinstance(attr, property)) and not inspect.getdoc(fn) \
                and fn.__module__.startswith("npgrad"):
            missing.append(name)
    assert missing == []
