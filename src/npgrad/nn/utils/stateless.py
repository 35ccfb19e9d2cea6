"""``stateless.functional_call``: call a module with some of its parameters and buffers
replaced by given tensors, for that call only (the module is restored afterwards)."""
from __future__ import annotations

import warnings

from ..modules.module import Module

__all__ = ["functional_call"]


def _owner(module: Module, name: str) -> tuple:
    """The submodule holding the dotted ``name``, and the attribute name there."""
    *path, attr = name.split(".")
    for part in path:
        module = getattr(module, part)
    return module, attr


def _tied_names(module: Module) -> dict:
    """For each parameter or buffer reachable under several names, name -> all its names."""
    by_id: dict = {}
    for kind in ("named_parameters", "named_buffers"):
        for name, t in getattr(module, kind)(remove_duplicate=False):
            by_id.setdefault(id(t), []).append(name)
    return {n: names for names in by_id.values() if len(names) > 1 for n in names}


def _swap(module: Module, name: str, value):
    """Put ``value`` at ``name``; return how to undo it."""
    owner, attr = _owner(module, name)
    for table in ("_parameters", "_buffers"):
        entries = owner.__dict__[table]
        if attr in entries:
            old = entries[attr]
            entries[attr] = value
            return lambda: entries.__setitem__(attr, old)
    had = attr in owner.__dict__
    old = owner.__dict__.get(attr)
    object.__setattr__(owner, attr, value)
    return (lambda: object.__setattr__(owner, attr, old)) if had else \
        (lambda: owner.__dict__.pop(attr, None))


def functional_call(module: Module, parameters_and_buffers: dict, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """``module(*args, **kwargs)`` with the named parameters and buffers replaced by the
    given tensors (tied weights follow with ``tie_weights``; ``strict`` requires exactly the
    module's names)."""
    warnings.warn("This API is deprecated as of PyTorch 2.0 and will be removed in a future "
                  "version of PyTorch. Please use torch.func.functional_call instead which is "
                  "a drop-in replacement.", FutureWarning, stacklevel=2)
    return call_with(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights,
                     strict=strict)


def call_with(module: Module, parameters_and_buffers: dict, args=None, kwargs=None, *,
              tie_weights: bool = True, strict: bool = False):
    """``functional_call`` without its deprecation warning (``torch.func.functional_call``)."""
    values = dict(parameters_and_buffers)
    if strict:
        known = [n for n, _ in module.named_parameters()] + [n for n, _ in module.named_buffers()]
        missing = [n for n in known if n not in values]
        unexpected = [n for n in values if n not in known]
        if missing or unexpected:
            lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
            if unexpected:
                lines.append("\tUnexpected key(s): " + ", ".join(f"'{n}'" for n in unexpected)
                             + ".")
            if missing:
                lines.append("\tMissing key(s): " + ", ".join(f"'{n}'" for n in missing) + ".")
            raise RuntimeError("\n".join(lines))
    if tie_weights:
        for name, names in _tied_names(module).items():
            given = [n for n in names if n in values]
            if len({id(values[n]) for n in given}) > 1:
                raise ValueError(f"functional_call got multiple values for keys {given}, "
                                 f"which are tied. Consider using tie_weights=False")
            if given and name not in values:
                values[name] = values[given[0]]
    args = () if args is None else (args if isinstance(args, tuple) else (args,))
    undo = []
    try:
        for name, value in values.items():
            undo.append(_swap(module, name, value))
        return module(*args, **(kwargs or {}))
    finally:
        for restore in reversed(undo):
            restore()
