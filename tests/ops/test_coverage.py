"""Every public op has a spec in ``tests/ops/specs``.

Public ops are the names in ``__all__`` of every module of ``npgrad/ops`` and its family
sub-packages (found with pkgutil, so a new module is picked up by itself),
``npgrad.linalg.__all__`` (as ``"linalg.NAME"``), ``npgrad.nn.functional.__all__`` (as ``"nn.functional.NAME"``) and the
Tensor's operator dunders and in-place methods (as ``"Tensor.__add__"``).

A name is covered when a spec has it as ``name`` (a ``-variant`` suffix is allowed:
``"div-rounding"`` covers ``div``) or in ``covers``, or when it is the same object as a
covered name (aliases such as ``true_divide = div``).
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import npgrad
import npgrad.ops

from .specs import ALL_SPECS

# Modules whose __all__ is machinery, not ops: argument helpers, and the engine of Tensor's
# in-place methods (``apply_``, ``commit``...), whose public face is the Tensor methods below,
# and autocast's state and decorators (the regions are npgrad.autocast).
INTERNAL_MODULES = {"inplace", "autocast"}

# Public names that came into ops/ from the old top-level grab-bag module (_compat.py) and the
# package facade when the
# layout was reorganised: predicates, identities on real tensors, legacy forms. They are
# tested in tests/test_extra.py but have no op spec yet; this list may only shrink.
AWAITING_SPECS = {"empty_strided", "frombuffer", "range", "conj", "conj_physical",
                  "conj_physical_", "is_conj", "is_neg", "isreal", "real", "resolve_conj",
                  "resolve_neg", "detach", "detach_", "matrix_rank",
                  "get_device", "is_complex", "is_inference", "is_nonzero", "is_same_size",
                  "is_signed", "is_storage", "typename", "unsafe_chunk", "unsafe_split",
                  "unsafe_split_with_sizes", "narrow_copy", "is_tensor", "numel",
                  "is_floating_point", "promote_types", "result_type", "can_cast"}

TENSOR_OPERATORS = [
    f"__{p}{op}__" for op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                              "matmul", "and", "or", "xor", "lshift", "rshift")
    for p in ("", "r", "i")
] + ["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__neg__", "__pos__",
     "__abs__", "__invert__", "__getitem__", "__setitem__"]
TENSOR_INPLACE = ["add_", "sub_", "mul_", "div_", "zero_", "fill_", "copy_", "clamp_"]


def _resolve(name: str):
    """The object a spec name refers to, or None."""
    name = name.split("-", 1)[0]
    if name.startswith("Tensor."):
        return getattr(npgrad.Tensor, name[len("Tensor."):], None)
    if name.startswith("linalg."):
        return getattr(npgrad.linalg, name[len("linalg."):], None)
    if name.startswith("nn.functional."):
        return getattr(npgrad.nn.functional, name[len("nn.functional."):], None)
    return getattr(npgrad, name, None)


def _covered():
    names, objects = set(), []
    for spec in ALL_SPECS:
        for n in (spec.name, *spec.covers):
            names.add(n.split("-", 1)[0])
            obj = _resolve(n)
            if obj is not None:
                objects.append(obj)
                # (npgrad.add... are the ops given PyTorch's out= keyword by the facade)
                objects.append(getattr(obj, "__wrapped__", obj))
    return names, objects


COVERED_NAMES, COVERED_OBJECTS = _covered()


def _op(obj):
    """The op function itself, not the wrappers the public namespaces hold (``named_errors``,
    and ``out=``'s over it, which copies its attributes)."""
    while hasattr(obj, "__op_name__") and hasattr(obj, "__wrapped__"):
        obj = obj.__wrapped__
    return obj


def _is_covered(public_name: str, obj) -> bool:
    return public_name in COVERED_NAMES or any(_op(obj) is _op(o) for o in COVERED_OBJECTS)


def _public_name(module, name: str) -> str:
    """How users reach an op of ``npgrad/ops/<module>``: npgrad.X, else nn.functional.X."""
    obj = _op(getattr(module, name))
    if _op(getattr(npgrad, name, None)) is obj:
        return name
    if _op(getattr(npgrad.nn.functional, name, None)) is obj:
        return f"nn.functional.{name}"
    if _op(getattr(npgrad.linalg, name, None)) is obj:
        return f"linalg.{name}"
    return name


def _ops_modules() -> list:
    """The op modules' names below ``npgrad.ops`` (``elementwise.unary``...), private ones
    and the in-place machinery left out."""
    found = []
    for m in pkgutil.walk_packages(npgrad.ops.__path__, "npgrad.ops."):
        name = m.name[len("npgrad.ops."):]
        if m.ispkg or name.rsplit(".", 1)[-1].startswith("_") or name in INTERNAL_MODULES:
            continue
        found.append(name)
    return sorted(found)


def _missing(pairs) -> list:
    return sorted(n for n, obj in pairs if not _is_covered(n, obj) and n not in AWAITING_SPECS)


def _message(family: str, missing: list) -> str:
    return (f"{len(missing)} public op(s) of {family} have no spec in tests/ops/specs "
            f"(add an OpSpec named so, or list the name in another spec's covers=): "
            + ", ".join(missing))


@pytest.mark.parametrize("module_name", _ops_modules())
def test_every_op_module_name_has_a_spec(module_name):
    module = importlib.import_module(f"npgrad.ops.{module_name}")
    names = getattr(module, "__all__", [])
    missing = _missing((_public_name(module, n), getattr(module, n)) for n in names)
    assert not missing, _message(f"npgrad/ops/{module_name.replace('.', '/')}.py", missing)


def test_every_linalg_name_has_a_spec():
    missing = _missing((f"linalg.{n}", getattr(npgrad.linalg, n))
                       for n in npgrad.linalg.__all__)
    assert not missing, _message("npgrad.linalg", missing)


def test_every_nn_functional_name_has_a_spec():
    import npgrad.nn.functional as F
    missing = _missing((f"nn.functional.{n}", getattr(F, n)) for n in F.__all__)
    assert not missing, _message("npgrad.nn.functional", missing)


def test_every_tensor_operator_has_a_spec():
    pairs = [(f"Tensor.{n}", getattr(npgrad.Tensor, n))
             for n in TENSOR_OPERATORS + TENSOR_INPLACE if hasattr(npgrad.Tensor, n)]
    absent = [n for n in TENSOR_OPERATORS + TENSOR_INPLACE
              if n != "__imatmul__" and not hasattr(npgrad.Tensor, n)]
    assert not absent, f"Tensor lacks operator methods: {absent}"
    missing = _missing(pairs)
    assert not missing, _message("Tensor's operators", missing)


def test_coverage_rule_works():
    # aliases count as covered; a name nobody tests does not
    assert _is_covered("true_divide", npgrad.true_divide)
    assert _is_covered("Tensor.__rand__", npgrad.Tensor.__rand__)
    assert not _is_covered("no_such_op", object())
