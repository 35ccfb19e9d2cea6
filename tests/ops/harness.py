"""The op harness: one spec per op, run in npgrad and in PyTorch on the same inputs.

A spec names an op, gives one function that calls it in either library
(``lambda lib, x, y: lib.add(x, y)``, where ``lib`` is ``npgrad`` or ``torch``; methods and
operators work too: ``lambda lib, x, y: x + y``), and lists cases of arguments. For every case
and dtype the harness checks, against PyTorch:

* forward values, output shape and dtype;
* the gradient of every input that requires grad (backward with the same random upstream
  gradient in both libraries);

and, in float64 on the small cases, ``gradcheck`` against finite differences and
``gradgradcheck`` (second derivatives) where the spec says the op is twice differentiable.

Arguments in a case:
* a shape tuple: a random float tensor of the dtype under test (requires grad);
* ``F(shape, low, high, grad=True)``: the same with a sampling range (domain of log, sqrt...);
* ``I(shape, low, high)``: an int64 tensor; ``B(shape)``: a bool tensor;
* ``A(array)``: a fixed array (its dtype is kept, or the tested dtype if float), no grad;
* ``C(value)``: a constant passed as is (numbers, dims, tuples of ints).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

import npgrad

# bfloat16 runs where a spec lists it (dtypes=WITH_BF16): inputs are float32 values rounded
# to bfloat16, made bfloat16 in both libraries, and compared in float32 within bfloat16's
# precision (8 bits of mantissa: one rounding is a relative error up to 2**-8).
BF16 = "bfloat16"
WITH_BF16 = ("float32", "float64", BF16)
_BF16_TOL = (1e-2, 1.6e-2)   # forward (atol, rtol): about two roundings
_BF16_GRAD = 4               # gradients: a few more roundings on the way back


# ---------------------------------------------------------------------------------------------
# Argument kinds
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class F:
    shape: tuple
    low: float = -2.0
    high: float = 2.0
    grad: bool = True


@dataclass(frozen=True)
class I:  # noqa: E742 (short on purpose: specs are tables)
    shape: tuple
    low: int = 0
    high: int = 5


@dataclass(frozen=True)
class B:
    shape: tuple


@dataclass(frozen=True)
class A:
    array: Any


@dataclass(frozen=True)
class C:
    value: Any


@dataclass
class OpSpec:
    """One op under test. ``name`` is the public name the coverage test looks for."""

    name: str
    fn: Callable
    cases: list
    dtypes: tuple = ("float32", "float64")
    grad: bool = True               # compare gradients with PyTorch
    gradcheck: bool = True          # finite differences in float64
    gradgrad: bool = True           # second derivatives (gradgradcheck)
    atol: float | None = None
    rtol: float | None = None
    covers: tuple = ()              # other public names this spec also tests (aliases)
    max_gradcheck_numel: int = 40   # gradcheck only cases up to this many input elements
    nondet_values: bool = False     # compare only shape/dtype of the forward (random ops)
    gradcheck_eps: float = 1e-6
    seed: int = 0
    extra: dict = field(default_factory=dict)
    # the op picks one of tied values (sort, topk, median...): on inputs with ties its index
    # outputs and gradients are an arbitrary choice, which the fuzzer (tests/fuzz) then
    # leaves uncompared (its values are still compared)
    tie_breaking: bool = False


def with_bf16(specs: list, *names: str) -> None:
    """Run the named specs in bfloat16 too (each name must be a spec of ``specs``)."""
    by_name = {s.name: s for s in specs}
    for name in names:
        spec = by_name[name]
        spec.dtypes = tuple(spec.dtypes) + (BF16,)


# ---------------------------------------------------------------------------------------------
# Building inputs
# ---------------------------------------------------------------------------------------------

def _values(a: np.ndarray, dtype: str) -> np.ndarray:
    """``a`` in the tested dtype; bfloat16 values are kept as float32 (build converts them)."""
    if dtype == BF16:
        return a.astype(npgrad.dtypes.BF16_NP).astype(np.float32)
    return a.astype(dtype)


def _make_arrays(case, dtype: str, rng: np.random.Generator) -> list:
    """NumPy values for each argument (or ('const', value))."""
    out = []
    for arg in case:
        if isinstance(arg, tuple):
            arg = F(arg)
        if isinstance(arg, F):
            a = _values(rng.uniform(arg.low, arg.high, size=arg.shape), dtype)
            out.append(("float", a, arg.grad))
        elif isinstance(arg, I):
            out.append(("int", rng.integers(arg.low, arg.high, size=arg.shape), False))
        elif isinstance(arg, B):
            out.append(("bool", rng.random(arg.shape) < 0.5, False))
        elif isinstance(arg, A):
            a = np.asarray(arg.array)
            if a.dtype.kind == "f":
                a = _values(a, dtype)
                out.append(("float", a, False))
                continue
            out.append(("array", a, False))
        elif isinstance(arg, C):
            out.append(("const", arg.value, False))
        else:
            raise TypeError(f"unknown argument kind {arg!r}")
    return out


def build(lib, arrays, requires_grad: bool = True, dtype: str = "", device: str = "cpu") -> list:
    """Tensors (or constants) of ``lib`` from the NumPy values, on ``device`` (npgrad's)."""
    args = []
    for kind, val, grad in arrays:
        if kind == "const":
            args.append(val)
            continue
        t = lib.tensor(np.array(val)) if lib is torch else \
            lib.tensor(np.array(val), device=device)
        if kind == "float" and dtype == BF16:
            t = t.to(lib.bfloat16)
        if kind == "float" and grad and requires_grad:
            t.requires_grad_(True)
        args.append(t)
    return args


def _tuple(out) -> tuple:
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _to_np(t) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        t = t.detach()
        return (t.float() if t.dtype == torch.bfloat16 else t).numpy()
    a = t.detach().cpu()._data if isinstance(t, npgrad.Tensor) else np.asarray(t)
    return a.astype(np.float32) if a.dtype == npgrad.dtypes.BF16_NP else a


def tolerances(spec: OpSpec, dtype: str) -> tuple:
    if dtype == BF16:
        return _BF16_TOL  # (a spec's own tolerances are float32's)
    if dtype == "float64":
        atol, rtol = 1e-7, 1e-6
    else:
        atol, rtol = 1e-4, 1e-4
    return (spec.atol if spec.atol is not None and dtype != "float64" else atol,
            spec.rtol if spec.rtol is not None and dtype != "float64" else rtol)


def assert_close(ours, theirs, atol: float, rtol: float, what: str) -> None:
    ours, theirs = _to_np(ours), _to_np(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch {theirs.shape}"
    if ours.dtype.kind in "biu" or theirs.dtype.kind in "biu":
        np.testing.assert_array_equal(ours, theirs, err_msg=what)
    else:
        np.testing.assert_allclose(ours, theirs, atol=atol, rtol=rtol, equal_nan=True,
                                   err_msg=what)


def same_dtype(ours, theirs) -> bool:
    return str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------

def check_against_torch(spec: OpSpec, case, dtype: str, device: str = "cpu") -> None:
    """Forward values, dtypes, shapes and gradients of one case against PyTorch's; on
    ``device`` ('cuda': the fake device), every result and gradient must be on it too."""
    rng = np.random.default_rng(spec.seed)
    arrays = _make_arrays(case, dtype, rng)
    atol, rtol = tolerances(spec, dtype)
    ours_in = build(npgrad, arrays, dtype=dtype, device=device)
    theirs_in = build(torch, arrays, dtype=dtype)
    ours = _tuple(spec.fn(npgrad, *ours_in))
    theirs = _tuple(spec.fn(torch, *theirs_in))
    assert len(ours) == len(theirs), f"{spec.name}: {len(ours)} outputs, torch {len(theirs)}"
    for k, (o, t) in enumerate(zip(ours, theirs)):
        if not isinstance(t, torch.Tensor):
            assert o == t, f"{spec.name} output {k}: {o!r} != torch {t!r}"
            continue
        assert isinstance(o, npgrad.Tensor), f"{spec.name} output {k} is {type(o).__name__}"
        if any(isinstance(a, npgrad.Tensor) for a in ours_in):  # (else made by the op itself)
            assert o.device.type == device, \
                f"{spec.name} output {k} is on {o.device}, not {device}"
        assert tuple(o.shape) == tuple(t.shape), \
            f"{spec.name} output {k}: shape {tuple(o.shape)} != torch {tuple(t.shape)}"
        assert same_dtype(o, t), f"{spec.name} output {k}: dtype {o.dtype} != torch {t.dtype}"
        assert o.requires_grad == t.requires_grad, \
            f"{spec.name} output {k}: requires_grad {o.requires_grad} != torch {t.requires_grad}"
        if not spec.nondet_values:
            assert_close(o, t, atol, rtol, f"{spec.name} output {k} ({dtype})")
    if not spec.grad:
        return
    pairs = [(o, t) for o, t in zip(ours, theirs)
             if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs:
        return
    loss_o, loss_t = 0, 0
    for o, t in pairs:
        g = _values(rng.standard_normal(tuple(t.shape)), dtype)
        loss_o = loss_o + (o * npgrad.tensor(g, device=o.device).to(o.dtype)).sum()
        loss_t = loss_t + (t * torch.tensor(g).to(t.dtype)).sum()
    loss_o.backward()
    loss_t.backward()
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        if not isinstance(b, torch.Tensor) or not b.requires_grad:
            continue
        ga, gb = a.grad, b.grad
        if gb is None:
            assert ga is None or not np.any(_to_np(ga)), \
                f"{spec.name}: input {i} has a gradient, torch has none"
            continue
        assert ga is not None, f"{spec.name}: input {i} got no gradient (torch did)"
        assert ga.device == a.device, f"{spec.name}: grad {i} is on {ga.device}, not {a.device}"
        assert same_dtype(ga, gb), f"{spec.name}: grad {i} dtype {ga.dtype} != {gb.dtype}"
        k = _BF16_GRAD if dtype == BF16 else 10
        assert_close(ga, gb, atol * k, rtol * k, f"{spec.name} grad of input {i} ({dtype})")


def _small(spec: OpSpec, case) -> bool:
    n = 0
    for arg in case:
        if isinstance(arg, tuple):
            arg = F(arg)
        if isinstance(arg, F):
            n += int(np.prod(arg.shape))
    return 0 < n <= spec.max_gradcheck_numel


def check_gradcheck(spec: OpSpec, case, second_order: bool, device: str = "cpu") -> None:
    rng = np.random.default_rng(spec.seed + 1)
    arrays = _make_arrays(case, "float64", rng)
    args = build(npgrad, arrays, device=device)
    diff = [i for i, a in enumerate(args) if isinstance(a, npgrad.Tensor) and a.requires_grad]

    def f(*xs):
        full = list(args)
        for i, x in zip(diff, xs):
            full[i] = x
        outs = _tuple(spec.fn(npgrad, *full))
        return tuple(o for o in outs if isinstance(o, npgrad.Tensor) and o.requires_grad)

    xs = tuple(args[i] for i in diff)
    kw = dict(eps=spec.gradcheck_eps, atol=1e-5, rtol=1e-3)
    if second_order:
        assert npgrad.autograd.gradgradcheck(f, xs, **kw)
    else:
        assert npgrad.autograd.gradcheck(f, xs, **kw)


def gradcheck_cases(spec: OpSpec) -> list:
    return [c for c in spec.cases if _small(spec, c)][:3]
