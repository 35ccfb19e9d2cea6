"""Hypothesis strategies that vary an op spec's case (see ``tests/ops/harness.py``).

A spec's case lists argument kinds (a shape, ``F``, ``I``, ``B``, ``A``, ``C``); the fuzzer
starts from one case and draws a ``Variant`` of it:

* the dtype of its tensors: every float and integer dtype and bool, not only the spec's;
* its shapes: a 0-size dim, a 0-d tensor, a dim of 1 (broadcasting), a leading dim dropped
  or added;
* its layout: each tensor as a transposed, step-sliced or expanded view of the same values;
* its values: NaN, +-inf, +-0, huge, tiny and subnormal numbers injected (integer extremes for
  integer tensors);
* its constants: dims (negative and out of range), keepdim flags, reductions.

Hypothesis draws three numbers per example: the case, a bit mask of the variations to apply
(its simplest example, 0, is the spec's case unchanged) and a seed; a NumPy generator seeded
with it picks the details (few draws keep hypothesis' overhead per example small). A variant
is a pure function of the three (``make_variant``), so a failure replays.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ..ops.harness import A, B, C, F, I, OpSpec

FLOATS = ("float16", "float32", "float64")
INTS = ("int8", "int16", "int32", "int64", "uint8")
ALL_DTYPES = FLOATS + INTS + ("bool",)

LAYOUTS = ("contiguous", "transposed", "sliced", "expanded")
SHAPE_CHANGES = ("zero", "scalar", "one", "drop", "lead")
REDUCTIONS = ("none", "mean", "sum")


def float_specials(dtype: str) -> list:
    """The values that break numerics: NaN, infinities, signed zeros, huge, tiny, subnormal."""
    tiny = float(np.finfo(dtype).smallest_subnormal)
    return [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-30, -1e-30, tiny, -tiny]


def int_specials(dtype: str) -> list:
    """Integer extremes; not the minimum itself: PyTorch's integer kernels trap on it (lcm of
    INT64_MIN and INT64_MAX, like INT_MIN // -1, kills the process with SIGFPE)."""
    info = np.iinfo(dtype)
    return [0, -1, 1, int(info.min) + 1, int(info.max)]


@dataclass
class TensorArg:
    """A tensor argument: its values as the op sees them, and how it is laid out in memory."""

    values: np.ndarray
    grad: bool
    layout: str = "contiguous"
    axis: int = 0               # the expanded axis (layout "expanded")


@dataclass
class ConstArg:
    value: Any


@dataclass
class Variant:
    """One drawn variation of a spec's case; ``notes`` says what was varied (for reports)."""

    spec: OpSpec
    case_index: int
    args: list
    float_dtype: str
    notes: list = field(default_factory=list)
    gradgrad: bool = False
    seed: int = 0
    vary: int = 0

    def __repr__(self) -> str:
        return (f"<Variant {self.describe()}: make_variant(spec, {self.case_index}, "
                f"{self.vary}, {self.seed})>")

    def _repr_pretty_(self, p, cycle) -> None:  # hypothesis prints failing examples so
        p.text(repr(self))

    def describe(self) -> str:
        parts = []
        for a in self.args:
            if isinstance(a, TensorArg):
                parts.append(f"{a.values.dtype}{list(a.values.shape)}"
                             + ("" if a.layout == "contiguous" else f"/{a.layout}")
                             + ("*" if a.grad else ""))
            else:
                parts.append(repr(a.value))
        return (f"{self.spec.name} case {self.case_index} ({', '.join(parts)}) "
                f"[{'; '.join(self.notes) or 'unchanged'}]")


def _tensor_kinds(case) -> list:
    """Indices of the case's arguments that are drawn tensors (shape, F, I, B)."""
    return [i for i, a in enumerate(case) if isinstance(a, (tuple, F, I, B))]


def _change_shape(shape: tuple, how: str, dim: int) -> tuple:
    if how == "scalar":
        return ()
    if how == "lead":
        return (1 + dim % 2,) + shape
    if not shape:
        return shape
    k = dim % len(shape)
    if how == "zero":
        return shape[:k] + (0,) + shape[k + 1:]
    if how == "one":
        return shape[:k] + (1,) + shape[k + 1:]
    return shape[1:]  # "drop"


def _cast(values: np.ndarray, dtype: str) -> np.ndarray:
    """Float samples as ``dtype``: rounded and clipped for integers, thresholded for bool."""
    if dtype == "bool":
        return values > np.median(values) if values.size else values.astype(bool)
    if dtype in INTS:
        info = np.iinfo(dtype)
        return np.clip(np.round(values), info.min, info.max).astype(dtype)
    with np.errstate(over="ignore"):
        return values.astype(dtype)


def _values(arg, shape: tuple, dtype: str, rng: np.random.Generator) -> np.ndarray:
    if isinstance(arg, I):
        return _cast(rng.integers(arg.low, arg.high, size=shape).astype(np.float64), dtype)
    if isinstance(arg, B):
        flags = rng.random(shape) < 0.5
        return flags if dtype == "bool" else flags.astype(dtype)
    low, high = (arg.low, arg.high) if isinstance(arg, F) else (-2.0, 2.0)
    return _cast(rng.uniform(low, high, size=shape), dtype)


def _inject(values: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """Special values at ``count`` random places (the array's own dtype)."""
    if values.size == 0 or values.dtype == bool:
        return values
    pool = (float_specials(values.dtype.name) if values.dtype.kind == "f"
            else int_specials(values.dtype.name))
    flat = values.copy().reshape(-1)
    for pos in rng.choice(flat.size, size=min(count, flat.size), replace=False):
        with np.errstate(over="ignore", invalid="ignore"):
            flat[pos] = np.array(pool[rng.integers(len(pool))]).astype(values.dtype)
    return flat.reshape(values.shape)


def _mutate_const(value, rng: np.random.Generator):
    """A nearby constant of the same role: another dim, the other keepdim, a reduction."""
    if isinstance(value, bool):
        return not value
    if value is None or (isinstance(value, int) and abs(value) <= 4):
        return int(rng.integers(-5, 5))
    if isinstance(value, str) and value in REDUCTIONS:
        return REDUCTIONS[int(rng.integers(len(REDUCTIONS)))]
    if (isinstance(value, tuple) and value
            and all(isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 4
                    for v in value)):
        k = int(rng.integers(len(value)))
        how = ("negate", "out", "repeat", "reverse")[int(rng.integers(4))]
        items = list(value)
        if how == "negate":
            items[k] = -items[k] - 1
        elif how == "out":
            items[k] = 5
        elif how == "repeat":
            items.append(items[k])
        else:
            items.reverse()
        return tuple(items)
    return value


# the variations a drawn bit mask turns on (hypothesis draws three numbers per example: the
# case, this mask and a seed; the generator seeded with it picks the details, cheaply)
VARY_DTYPE, VARY_INT_DTYPE, VARY_BOOL_DTYPE, VARY_SHAPE, VARY_VALUES, VARY_LAYOUT, \
    VARY_CONST, VARY_GRADGRAD = (1 << k for k in range(8))


@st.composite
def variants(draw, spec: OpSpec) -> Variant:
    """A variant of one of ``spec``'s cases (the simplest, mask 0, is the case itself)."""
    case_index = draw(st.integers(0, len(spec.cases) - 1))
    vary = draw(st.integers(0, 255))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return make_variant(spec, case_index, vary, seed)


def make_variant(spec: OpSpec, case_index: int, vary: int, seed: int) -> Variant:
    """The variant of case ``case_index`` that the mask ``vary`` and ``seed`` describe."""
    case = spec.cases[case_index]
    rng = np.random.default_rng(seed)

    def pick(seq):
        return seq[int(rng.integers(len(seq)))]

    notes = []
    kinds = {type(F(a) if isinstance(a, tuple) else a) for a in case}
    # bfloat16 (in some specs' dtypes) is left to the op harness, which builds it through
    # float32 with bfloat16's tolerances; torch.tensor cannot take ml_dtypes arrays as the
    # fuzzer hands them over
    float_dtype = pick(tuple(d for d in spec.dtypes if d != "bfloat16"))
    if kinds & {F, A} and vary & VARY_DTYPE:
        float_dtype = pick(ALL_DTYPES)
        notes.append(f"dtype {float_dtype}")
    int_dtype = "int64"
    if I in kinds and vary & VARY_INT_DTYPE and rng.random() < 0.5:
        int_dtype = pick(INTS + ("float32", "bool"))
        notes.append(f"int args {int_dtype}")
    bool_dtype = "bool"
    if B in kinds and vary & VARY_BOOL_DTYPE and rng.random() < 0.3:
        bool_dtype = pick(("uint8", "int64", "float32"))
        notes.append(f"bool args {bool_dtype}")

    shapes = {}
    tensor_idx = _tensor_kinds(case)
    if tensor_idx and vary & VARY_SHAPE and rng.random() < 0.6:
        which = pick(tensor_idx)
        how = pick(SHAPE_CHANGES)
        arg = case[which]
        shape = arg if isinstance(arg, tuple) else arg.shape
        shapes[which] = _change_shape(tuple(shape), how, int(rng.integers(4)))
        notes.append(f"arg {which} shape {how}")
    inject = bool(vary & VARY_VALUES) and rng.random() < 0.5
    if inject:
        notes.append("special values")

    args = []
    for i, arg in enumerate(case):
        if isinstance(arg, C):
            args.append(ConstArg(arg.value))
            continue
        if isinstance(arg, A):
            values = np.asarray(arg.array)
            if values.dtype.kind == "f":
                values = _cast(values, float_dtype)
            grad = False
        else:
            if isinstance(arg, tuple):
                arg = F(arg)
            dtype = {F: float_dtype, I: int_dtype, B: bool_dtype}[type(arg)]
            values = _values(arg, shapes.get(i, tuple(arg.shape)), dtype, rng)
            grad = isinstance(arg, F) and arg.grad and dtype in FLOATS
        if inject and not isinstance(arg, A) and rng.random() < 0.7:
            values = _inject(values, rng, int(rng.integers(1, 4)))
        layout = pick(LAYOUTS[1:]) if vary & VARY_LAYOUT and rng.random() < 0.6 else "contiguous"
        axis = 0
        if layout == "expanded":
            wide = [k for k, n in enumerate(values.shape) if n >= 2]
            if wide:
                axis = pick(wide)
                values = np.ascontiguousarray(np.broadcast_to(
                    values.take([0], axis=axis), values.shape))
            else:
                layout = "contiguous"
        if layout == "transposed" and values.ndim < 2 or layout == "sliced" and values.ndim < 1:
            layout = "contiguous"
        if layout != "contiguous":
            notes.append(f"arg {i} {layout}")
        args.append(TensorArg(values, grad, layout, axis))

    consts = [i for i, a in enumerate(args) if isinstance(a, ConstArg)]
    if consts and vary & VARY_CONST:
        which = pick(consts)
        old = args[which].value
        args[which] = ConstArg(_mutate_const(old, rng))
        if args[which].value != old:
            notes.append(f"arg {which} {old!r} -> {args[which].value!r}")
    gradgrad = bool(spec.grad and spec.gradgrad and vary & VARY_GRADGRAD)
    return Variant(spec, case_index, args, float_dtype, notes, gradgrad, seed, vary)
