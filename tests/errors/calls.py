"""The op calls of the op specs, recorded once and replayed in either library.

Each spec in ``tests/ops/specs`` calls its op through ``lib`` (``lib.add(x, y)``,
``lib.nn.functional.relu(x)``, ``lib.linalg.norm(x, dim=1)``). Running the spec's function
with a recording stand-in for ``npgrad`` gives every such call with its arguments; the
arguments are kept as library-free values (``Arr`` for a tensor, ``DType`` for a dtype), so a
call can be changed (``mutations.py``) and replayed in npgrad and in PyTorch alike. Specs that
reach their op only through a method or an operator (``x + y``, ``x.softmax(0)``) record no
call; their function itself is replayed with changed inputs (``SpecCall``).
"""
from __future__ import annotations

import types
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import npgrad

from ..ops.harness import OpSpec, _make_arrays
from ..ops.specs import ALL_SPECS


@dataclass(frozen=True)
class Arr:
    """A tensor argument: its values (and so its shape and dtype)."""

    array: np.ndarray


@dataclass(frozen=True)
class DType:
    """A dtype argument, by name (``float32``)."""

    name: str


class Unreplayable(Exception):
    """An argument that cannot be carried from one library to the other (a Module...)."""


def freeze(value):
    """A recorded argument as a library-free value."""
    if isinstance(value, npgrad.Tensor):
        return Arr(value.detach().numpy().copy())
    if isinstance(value, npgrad.dtype):
        return DType(str(value).rsplit(".", 1)[-1])
    if isinstance(value, (list, tuple)):
        return type(value)(freeze(v) for v in value)
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if value is None or value is Ellipsis or isinstance(value, (bool, int, float, str, slice,
                                                                 np.generic)):
        return value
    raise Unreplayable(type(value).__name__)


def thaw(lib, value):
    """A library-free value as an argument for ``lib`` (tensors made fresh each time)."""
    if isinstance(value, Arr):
        return lib.tensor(value.array.copy())
    if isinstance(value, DType):
        return getattr(lib, value.name)
    if isinstance(value, (list, tuple)):
        return type(value)(thaw(lib, v) for v in value)
    if isinstance(value, dict):
        return {k: thaw(lib, v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


@dataclass
class OpCall:
    """``lib.<path>(*args, **kwargs)`` with library-free arguments."""

    path: tuple
    args: tuple
    kwargs: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def target(self, lib):
        obj = lib
        for part in self.path:
            obj = getattr(obj, part)
        return obj


@dataclass
class SpecCall:
    """A spec's own function with library-free inputs (for ops reached through operators)."""

    spec: OpSpec
    args: tuple
    kwargs: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name.split("-", 1)[0]


class _Recorder:
    """Stands in for ``npgrad`` (or a submodule of it): calls of its functions are recorded."""

    def __init__(self, obj, path: tuple, calls: list):
        self._obj, self._path, self._calls = obj, path, calls

    def __getattr__(self, name: str):
        obj = getattr(self._obj, name)
        if isinstance(obj, types.ModuleType):
            return _Recorder(obj, self._path + (name,), self._calls)
        if not callable(obj) or isinstance(obj, type):
            return obj
        path, calls = self._path + (name,), self._calls

        def call(*args, **kwargs):
            try:
                calls.append(OpCall(path, freeze(args), freeze(kwargs)))
            except Unreplayable:
                pass
            return obj(*args, **kwargs)
        return call


def _inputs(spec: OpSpec, case) -> tuple:
    arrays = _make_arrays(case, spec.dtypes[0], np.random.default_rng(spec.seed))
    return tuple(val if kind == "const" else Arr(np.array(val)) for kind, val, _ in arrays)


def _structure(value) -> tuple:
    """What makes two calls of one op differ for the mutations: kinds, ranks and dtypes."""
    if isinstance(value, Arr):
        return ("T", value.array.ndim, value.array.dtype.kind)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_structure(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _structure(v)) for k, v in sorted(value.items()))
    return (type(value).__name__,)


# Ops whose PyTorch 2.13 kernels trust their pivots argument: mutated pivots (other shapes,
# dtypes, values) make them write out of bounds and abort the process later ("free():
# invalid next size"). Their argument errors are compared in tests/test_linalg_factorizations.
TORCH_UNSAFE = {("lu_unpack",), ("lu_solve",), ("linalg", "lu_solve"), ("linalg", "ldl_solve")}


def record(specs=ALL_SPECS, per_op: int = 1, cases: int = 2) -> tuple:
    """(the op calls of the specs' first ``cases`` cases, up to ``per_op`` per op; the specs
    that made no call, each with its first case's inputs)."""
    calls, seen, per_name, spec_calls = [], set(), {}, []
    for spec in specs:
        made = []
        for case in spec.cases[:cases]:
            inputs = _inputs(spec, case)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    spec.fn(_Recorder(npgrad, (), made), *thaw(npgrad, inputs))
                except Exception:  # noqa: BLE001 (a spec that fails is the op harness's job)
                    continue
        if not made and spec.cases:
            spec_calls.append(SpecCall(spec, _inputs(spec, spec.cases[0])))
        for c in made:
            if c.path in TORCH_UNSAFE:
                continue
            key = (c.path, _structure(c.args), _structure(c.kwargs))
            if key in seen or per_name.get(c.path, 0) >= per_op:
                continue
            seen.add(key)
            per_name[c.path] = per_name.get(c.path, 0) + 1
            calls.append(c)
    return calls, spec_calls
