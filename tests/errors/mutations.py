"""The bad inputs a user makes, one generator per family, applied to a valid call.

Each generator takes one argument's library-free value (see ``calls.py``) and yields
``(label, bad value)``; ``mutate`` applies every family to every argument of a call (and to
the elements of a list of tensors, as ``cat([x, y])`` takes), one change at a time.

Families: ``shape`` (a size no other argument matches, one more dim, 0-d), ``dtype`` (int or
bool where float is needed, float or a narrow int where an index is needed), ``dim`` (out of
range, not an int), ``index`` (values out of any range), ``type`` (a str, a list, a NumPy array,
a number where a tensor is expected), ``none`` and ``value`` (an unknown option string, a dtype
given by name or as a NumPy dtype).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .calls import Arr, DType, OpCall, SpecCall


def shape(value):
    if not isinstance(value, Arr):
        return
    a = value.array
    bigger = a.shape[:-1] + (7,) if a.ndim else (7,)
    yield "shape", Arr(np.resize(a, bigger))
    yield "rank+1", Arr(np.broadcast_to(a, (2,) + a.shape).copy())
    if a.ndim:
        yield "0-d", Arr(np.resize(a, ()))


def dtype(value):
    if not isinstance(value, Arr):
        return
    a = value.array
    if a.dtype.kind == "f":
        with np.errstate(invalid="ignore"):  # (inf and nan become some int)
            ints = np.nan_to_num(a).astype(np.int64)
        yield "int64", Arr(ints)
        yield "bool", Arr(a > 0)
    elif a.dtype.kind in "iu":
        yield "float", Arr(a.astype(np.float32))
        yield "int32", Arr(a.astype(np.int32))
        yield "int16", Arr(a.astype(np.int16))
        yield "uint8", Arr(np.abs(a).astype(np.uint8))
    elif a.dtype.kind == "b":
        yield "float", Arr(a.astype(np.float32))
        yield "int64", Arr(a.astype(np.int64))


def index(value):
    if isinstance(value, Arr) and value.array.dtype.kind in "iu" and value.array.size:
        yield "index>size", Arr(np.full_like(value.array, 100))
        if value.array.dtype.kind == "i":
            yield "index<-size", Arr(np.full_like(value.array, -100))


def dim(value):
    if isinstance(value, bool):
        return
    if isinstance(value, int) and -7 < value < 7:
        yield "dim=7", 7
        yield "dim=-8", -8
        yield "float-for-int", 1.5
    elif isinstance(value, tuple) and value and all(isinstance(v, int) and not isinstance(v, bool)
                                                    for v in value):
        yield "dims+7", (7,) + value[1:]


def type_(value):
    if isinstance(value, Arr):
        yield "str", "a"
        yield "list", value.array.tolist()
        yield "ndarray", value.array.copy()
        yield "number", 1.5
    elif isinstance(value, float):
        yield "str", "a"


def none(value):
    if value is not None and not isinstance(value, (bool, str)):
        yield "None", None


def option(value):
    if isinstance(value, str):
        yield "bad-option", "bogus"
    elif isinstance(value, DType):
        yield "dtype-str", value.name
        if value.name != "bfloat16":  # (NumPy has none)
            yield "dtype-numpy", np.dtype(value.name).type


FAMILIES = {"shape": shape, "dtype": dtype, "index": index, "dim": dim, "type": type_,
            "none": none, "option": option}


@dataclasses.dataclass(frozen=True)
class Mutation:
    family: str
    label: str
    where: str       # "arg 1", "arg 0[1]", "kwarg dim"


def _slots(call):
    """(where, value, setter) for every argument, and for the elements of lists of tensors."""
    args, kwargs = call.args, call.kwargs
    for i, v in enumerate(args):
        yield f"arg {i}", v, (lambda new, i=i: (args[:i] + (new,) + args[i + 1:], kwargs))
        if isinstance(v, (list, tuple)) and v and all(isinstance(e, Arr) for e in v):
            j = len(v) - 1
            yield f"arg {i}[{j}]", v[j], (lambda new, i=i, v=v, j=j: (
                args[:i] + (type(v)(v[:j]) + type(v)((new,)),) + args[i + 1:], kwargs))
    for k, v in kwargs.items():
        yield f"kwarg {k}", v, (lambda new, k=k: (args, {**kwargs, k: new}))


def mutate(call: OpCall | SpecCall, self_form: bool = False):
    """Every single-argument change of ``call``: (Mutation, the changed call). With
    ``self_form`` (``x.op(...)``), the first argument is never made a non-tensor: Python
    answers that (no such attribute), not the op."""
    for where, value, put in _slots(call):
        for family, gen in FAMILIES.items():
            if self_form and where == "arg 0" and family in ("type", "none"):
                continue
            for label, bad in gen(value):
                args, kwargs = put(bad)
                yield Mutation(family, label, where), dataclasses.replace(call, args=args,
                                                                         kwargs=kwargs)
