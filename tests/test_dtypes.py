"""dtypes and type promotion, compared with PyTorch over every pair of the nine dtypes.

For each binary operator and each pair of dtypes the operands come in three tiers (tensors
with dimensions, 0-d tensors, Python scalars on either side); the result dtype (and value)
must be PyTorch's, and where PyTorch raises npgrad must raise too.
"""
from __future__ import annotations

import itertools
import operator
import warnings

import numpy as np
import pytest
import torch

import npgrad

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
SCALARS = [2, -1, 2.5, True]
BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
    "pow": operator.pow, "eq": operator.eq, "ne": operator.ne, "lt": operator.lt,
    "le": operator.le, "gt": operator.gt, "ge": operator.ge, "and": operator.and_,
    "or": operator.or_, "xor": operator.xor, "lshift": operator.lshift,
    "rshift": operator.rshift,
}
INPLACE = {
    "iadd": operator.iadd, "isub": operator.isub, "imul": operator.imul,
    "itruediv": operator.itruediv, "ifloordiv": operator.ifloordiv, "imod": operator.imod,
    "ipow": operator.ipow, "iand": operator.iand, "ior": operator.ior,
    "ilshift": operator.ilshift,
}


def _values(dt: str, shape: tuple) -> np.ndarray:
    if dt == "bool":
        return np.ones(shape, bool)  # all True, so division by a bool never divides by 0
    return np.broadcast_to(np.arange(1, 4), (3,))[:shape[0]].astype(dt) if shape else \
        np.array(2, dt)


def _operand(lib, spec):
    if isinstance(spec, tuple):
        dt, shape = spec
        return lib.tensor(_values(dt, shape).copy())
    return spec


def _name(dt) -> str:
    return str(dt).split(".")[-1]


def _compare(fn, a, b, what: str, failures: list) -> None:
    """Run ``fn`` in both libraries on the same operands and record any difference."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = fn(_operand(torch, a), _operand(torch, b))
        torch_error = None
    except Exception as e:  # noqa: BLE001 (any PyTorch error must be matched)
        torch_error = e
    x, y = _operand(npgrad, a), _operand(npgrad, b)
    before = x._data.copy() if isinstance(x, npgrad.Tensor) else None
    try:
        got = fn(x, y)
    except Exception as e:  # noqa: BLE001
        if torch_error is None:
            failures.append(f"{what}: npgrad raised {e!r}, torch gives {expected.dtype}")
        elif not isinstance(e, RuntimeError if isinstance(torch_error, RuntimeError)
                            else type(torch_error)):
            failures.append(f"{what}: npgrad raised {type(e).__name__}, torch "
                            f"{type(torch_error).__name__}")
        elif before is not None and not np.array_equal(before, x._data):
            failures.append(f"{what}: raised but modified the tensor")
        return
    if torch_error is not None:
        failures.append(f"{what}: torch raised {type(torch_error).__name__}, npgrad gave "
                        f"{got.dtype}")
        return
    if _name(got.dtype) != _name(expected.dtype):
        failures.append(f"{what}: dtype {_name(got.dtype)}, torch {_name(expected.dtype)}")
        return
    ours, theirs = got._data.astype(np.float64), expected.double().numpy()
    # float16 results may differ in the last bit (PyTorch computes ``s / t`` as s * (1 / t))
    tol = 2e-3 if got.dtype == npgrad.float16 else 1e-6
    if not np.allclose(ours, theirs, rtol=tol, equal_nan=True):
        failures.append(f"{what}: values {ours} != torch {theirs}")


def _operand_pairs():
    for a, b in itertools.product(DTYPES, DTYPES):
        yield (a, (3,)), (b, (3,))
        yield (a, (3,)), (b, ())
        yield (a, ()), (b, (3,))
        yield (a, ()), (b, ())
    for a, s in itertools.product(DTYPES, SCALARS):
        yield (a, (3,)), s
        yield s, (a, (3,))
        yield (a, ()), s


def _label(x) -> str:
    return f"{x[0]}{list(x[1])}" if isinstance(x, tuple) else repr(x)


@pytest.mark.parametrize("op", list(BINARY))
def test_binary_promotion_matches_torch(op):
    failures = []
    for a, b in _operand_pairs():
        _compare(BINARY[op], a, b, f"{_label(a)} {op} {_label(b)}", failures)
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("op", list(INPLACE))
def test_inplace_promotion_matches_torch(op):
    failures = []
    for a, b in _operand_pairs():
        if not isinstance(a, tuple):
            continue
        _compare(INPLACE[op], a, b, f"{_label(a)} {op} {_label(b)}", failures)
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures[:40])


def test_result_type_and_promote_types_match_torch():
    for a, b in itertools.product(DTYPES, DTYPES):
        ours = npgrad.promote_types(getattr(npgrad, a), getattr(npgrad, b))
        assert _name(ours) == _name(torch.promote_types(getattr(torch, a), getattr(torch, b)))
        for s in SCALARS:
            ours = npgrad.result_type(npgrad.tensor(_values(a, (3,))), s)
            theirs = torch.result_type(torch.tensor(_values(a, (3,))), s)
            assert _name(ours) == _name(theirs), (a, s)
        ours = npgrad.can_cast(getattr(npgrad, a), getattr(npgrad, b))
        assert ours == torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)


# ---------------------------------------------------------------------------------------------
# The rules the issue spells out
# ---------------------------------------------------------------------------------------------

def test_python_float_with_int_tensor_gives_default_dtype():
    assert (npgrad.tensor([1, 2]) * 1.5).dtype == npgrad.float32
    assert (npgrad.tensor([1, 2], dtype=npgrad.int8) / 2).dtype == npgrad.float32
    npgrad.set_default_dtype(npgrad.float64)
    try:
        assert (npgrad.tensor([1, 2]) * 1.5).dtype == npgrad.float64
        assert (npgrad.tensor([1, 2]) / npgrad.tensor([2, 2])).dtype == npgrad.float64
    finally:
        npgrad.set_default_dtype(npgrad.float32)


def test_python_scalar_never_upcasts_a_float_tensor():
    for dt in (npgrad.float16, npgrad.float32):
        t = npgrad.ones(3, dtype=dt)
        for s in (2, 2.5, 1e30, True):
            for r in (t + s, s * t, t / s, t ** s, s + t):
                assert r.dtype == dt
    # a 0-d float64 tensor does not upcast a float32 tensor with dimensions either
    assert (npgrad.ones(3) + npgrad.tensor(1.0, dtype=npgrad.float64)).dtype == npgrad.float32


def test_inplace_float_into_int_raises_and_leaves_tensor_unchanged():
    t = npgrad.tensor([1, 2, 3])
    with pytest.raises(RuntimeError):
        t += 1.5
    assert t.tolist() == [1, 2, 3] and t.dtype == npgrad.int64
    with pytest.raises(RuntimeError):
        t.add_(npgrad.tensor([0.5, 0.5, 0.5]))
    with pytest.raises(RuntimeError):
        t /= 2
    b = npgrad.tensor([True, False])
    with pytest.raises(RuntimeError):
        b += 1
    assert t.tolist() == [1, 2, 3] and b.tolist() == [True, False]
    # a float result into a float tensor of lower precision is allowed (cast down)
    f = npgrad.ones(2, dtype=npgrad.float16)
    f += npgrad.ones(2, dtype=npgrad.float64)
    assert f.dtype == npgrad.float16 and f.tolist() == [2.0, 2.0]


def test_uint8_wraparound_matches_torch():
    # NOTE: NumPy refuses out-of-range Python ints; npgrad wraps them as PyTorch does
    for fn in (lambda x: x - 1, lambda x: x + 300, lambda x: -1 * x, lambda x: x & -1):
        ours = fn(npgrad.tensor([0, 1, 255], dtype=npgrad.uint8))
        theirs = fn(torch.tensor([0, 1, 255], dtype=torch.uint8))
        assert ours.dtype == npgrad.uint8 and ours.tolist() == theirs.tolist()


def test_bool_subtraction_and_integer_division_by_zero_raise():
    with pytest.raises(RuntimeError):
        npgrad.tensor([True]) - npgrad.tensor([False])
    with pytest.raises(RuntimeError):
        npgrad.tensor([1.0]) - True
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        npgrad.tensor([1, 2]) // npgrad.tensor([1, 0])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        npgrad.tensor([1, 2]) % 0
    # float division by zero is inf/nan, as in PyTorch
    assert npgrad.tensor([1.0]) // 0 == float("inf")


def test_bitwise_on_floats_raises():
    with pytest.raises(RuntimeError, match="bitwise_and"):
        npgrad.tensor([1.0]) & npgrad.tensor([1.0])
    with pytest.raises(RuntimeError, match="bitwise_left_shift"):
        npgrad.tensor([1.0]) << 1
    with pytest.raises(TypeError, match="only implemented on integer and Boolean"):
        ~npgrad.tensor([1.0])  # (PyTorch's operator raises TypeError, bitwise_not RuntimeError)


def test_shift_out_of_range_matches_torch():
    for fn in (lambda x: x << 9, lambda x: x >> 9, lambda x: x << -1, lambda x: x >> -1,
               lambda x: x >> 2):
        for dt in ("int8", "uint8", "int64"):
            vals = [-100, 3, 100] if dt != "uint8" else [0, 3, 200]
            ours = fn(npgrad.tensor(vals, dtype=getattr(npgrad, dt)))
            theirs = fn(torch.tensor(vals, dtype=getattr(torch, dt)))
            assert ours.tolist() == theirs.tolist(), (dt, ours, theirs)


# ---------------------------------------------------------------------------------------------
# dtype objects
# ---------------------------------------------------------------------------------------------

def test_dtype_objects_and_aliases():
    assert npgrad.float is npgrad.float32 and npgrad.double is npgrad.float64
    assert npgrad.half is npgrad.float16 and npgrad.long is npgrad.int64
    assert npgrad.int is npgrad.int32 and npgrad.short is npgrad.int16
    for name in DTYPES:
        d, t = getattr(npgrad, name), getattr(torch, name)
        assert repr(d) == repr(t).replace("torch.", "npgrad.")
        assert d.is_floating_point == t.is_floating_point
        assert d.is_signed == t.is_signed
        assert d.itemsize == t.itemsize
    import pickle
    assert pickle.loads(pickle.dumps(npgrad.float16)) is npgrad.float16


def test_default_dtype():
    assert npgrad.get_default_dtype() is npgrad.float32
    assert npgrad.tensor(1.5).dtype == npgrad.float32
    npgrad.set_default_dtype(npgrad.float64)
    try:
        assert npgrad.get_default_dtype() is npgrad.float64
        assert npgrad.tensor([1.5]).dtype == npgrad.float64
        assert npgrad.zeros(2).dtype == npgrad.float64
        assert npgrad.arange(0, 1, 0.5).dtype == npgrad.float64
        assert npgrad.tensor([1, 2]).dtype == npgrad.int64
        assert npgrad.tensor(np.ones(2, np.float32)).dtype == npgrad.float32
    finally:
        npgrad.set_default_dtype(npgrad.float32)
    with pytest.raises(TypeError):
        npgrad.set_default_dtype(npgrad.int64)


def test_where_promotion_matches_torch():
    failures = []
    operands = [(d, s) for d in DTYPES for s in ((3,), ())] + SCALARS
    for a, b in itertools.product(operands, operands):
        res = []
        for lib in (npgrad, torch):
            cond = lib.tensor([True, False, True])
            try:
                res.append(_name(lib.where(cond, _operand(lib, a), _operand(lib, b)).dtype))
            except Exception as e:  # noqa: BLE001
                res.append(type(e).__name__)
        if res[0] != res[1]:
            failures.append(f"where(c, {_label(a)}, {_label(b)}): {res[0]}, torch {res[1]}")
    assert not failures, "\n".join(failures[:40])


def test_add_sub_alpha_promotion_matches_torch():
    for make in (lambda l: l.add(l.tensor([1.0, 2]), 1, alpha=2),
                 lambda l: l.sub(l.tensor([1, 2]), 1.5, alpha=2),
                 lambda l: l.add(l.tensor([1, 2]), 2, alpha=3),
                 lambda l: l.sub(l.tensor([1, 2], dtype=l.int8), l.tensor([1, 1]), alpha=-1)):
        ours, theirs = make(npgrad), make(torch)
        assert _name(ours.dtype) == _name(theirs.dtype) and ours.tolist() == theirs.tolist()
    with pytest.raises(RuntimeError, match="alpha"):
        npgrad.add(npgrad.tensor([1, 2]), npgrad.tensor([1, 2]), alpha=1.5)


def test_integer_pow_with_negative_exponents_matches_torch():
    for make in (lambda l: 2 ** l.tensor([-1, 2]),
                 lambda l: l.tensor([0, 1, -1, -1, 2, 3]) ** l.tensor([-1, -2, -1, -2, -1, -3]),
                 lambda l: l.tensor([0, 1, -1, 2], dtype=l.int8) ** l.tensor([-1, -2, -3, -1])):
        ours, theirs = make(npgrad), make(torch)
        assert _name(ours.dtype) == _name(theirs.dtype) and ours.tolist() == theirs.tolist()
    with pytest.raises(RuntimeError, match="negative"):
        npgrad.tensor([2]) ** -1
