"""Property tests (Hypothesis): the binary operators over random broadcast-compatible shapes
and dtypes, against PyTorch: values, result dtypes, and gradients."""
from __future__ import annotations

import operator
import warnings

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import npgrad

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge, "and": operator.and_, "or": operator.or_,
    "xor": operator.xor,
}
DIFFERENTIABLE = ["add", "sub", "mul", "truediv", "mod", "pow"]
SHAPES = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0,
                                       max_side=4)
SETTINGS = settings(max_examples=50, deadline=None)


def _array(rng: np.random.Generator, shape, dtype: str, op: str, divisor: bool) -> np.ndarray:
    """Values that keep every op defined: nonzero integer divisors, small exponents,
    positive bases for float powers (so gradients exist)."""
    if dtype == "bool":
        return rng.random(shape) < 0.5 if not divisor else np.ones(shape, bool)
    if dtype[0] in "iu":
        low = 0 if dtype == "uint8" or (op == "pow" and divisor) else -5
        high = 4 if op == "pow" else 6
        a = rng.integers(low, high, size=shape).astype(dtype)
        if divisor and op in ("floordiv", "mod"):
            a[a == 0] = 1
        return a
    if op == "pow" and not divisor:
        return rng.uniform(0.5, 2.0, size=shape).astype(dtype)
    a = rng.uniform(-3, 3, size=shape)
    if divisor and op in ("truediv", "floordiv", "mod"):
        a = np.where(np.abs(a) < 0.3, 1.0, a)  # keep away from 0 and from huge quotients
    return a.astype(dtype)


def _call(fn, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args), None
    except Exception as e:  # noqa: BLE001 (PyTorch's error must be matched, whatever it is)
        return None, e


def _check_values(op: str, ours, theirs, dtype_hint: str) -> None:
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], \
        f"{op}: dtype {ours.dtype} != torch {theirs.dtype}"
    o, t = ours.detach().numpy(), theirs.detach().numpy()
    if o.dtype.kind in "biu":
        np.testing.assert_array_equal(o, t, err_msg=op)
    elif o.dtype == np.float16:
        if op not in ("floordiv", "mod"):  # float16 rounding can move a floor by one
            np.testing.assert_allclose(o, t, rtol=2e-3, atol=2e-3, equal_nan=True, err_msg=op)
    else:
        rtol = 1e-5 if o.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(o, t, rtol=rtol, atol=rtol, equal_nan=True, err_msg=op)


@SETTINGS
@given(shapes=SHAPES, op=st.sampled_from(list(OPS)), da=st.sampled_from(DTYPES),
       db=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_binary_values_and_dtypes_match_torch(shapes, op, da, db, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a, b = _array(rng, sa, da, op, False), _array(rng, sb, db, op, True)
    theirs, torch_error = _call(OPS[op], torch.tensor(a), torch.tensor(b))
    ours, our_error = _call(OPS[op], npgrad.tensor(a), npgrad.tensor(b))
    if torch_error is not None:
        assert our_error is not None, f"{op} {da}{sa} {db}{sb}: torch raised {torch_error!r}"
        return
    assert our_error is None, f"{op} {da}{sa} {db}{sb}: npgrad raised {our_error!r}"
    _check_values(op, ours, theirs, da)


@SETTINGS
@given(shape=st.lists(st.integers(0, 4), max_size=3).map(tuple), op=st.sampled_from(list(OPS)),
       dtype=st.sampled_from(DTYPES), scalar=st.sampled_from([2, 3, 0.5, -1.5, True]),
       left=st.booleans(), seed=st.integers(0, 2**16))
def test_binary_with_python_scalars_match_torch(shape, op, dtype, scalar, left, seed):
    rng = np.random.default_rng(seed)
    a = _array(rng, shape, dtype, op, divisor=left)
    fn = (lambda t: OPS[op](scalar, t)) if left else (lambda t: OPS[op](t, scalar))
    theirs, torch_error = _call(fn, torch.tensor(a))
    ours, our_error = _call(fn, npgrad.tensor(a))
    if torch_error is not None:
        assert our_error is not None, f"{op} {scalar!r} {dtype}{shape}: torch raised"
        return
    assert our_error is None, f"{op} {scalar!r} {dtype}{shape}: npgrad raised {our_error!r}"
    _check_values(op, ours, theirs, dtype)


@SETTINGS
@given(shapes=SHAPES, op=st.sampled_from(DIFFERENTIABLE),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_binary_gradients_match_torch(shapes, op, dtype, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a, b = _array(rng, sa, dtype, op, False), _array(rng, sb, dtype, op, True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    na, nb = npgrad.tensor(a, requires_grad=True), npgrad.tensor(b, requires_grad=True)
    theirs, ours = OPS[op](ta, tb), OPS[op](na, nb)
    _check_values(op, ours, theirs, dtype)
    g = rng.standard_normal(tuple(theirs.shape)).astype(dtype)
    (theirs * torch.tensor(g)).sum().backward()
    (ours * npgrad.tensor(g)).sum().backward()
    rtol = 1e-4 if dtype == "float32" else 1e-9
    for x, y, name in ((na, ta, "a"), (nb, tb, "b")):
        assert x.grad is not None and x.grad.shape == x.shape, f"{op}: grad of {name}"
        assert x.grad.dtype == x.dtype
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=rtol, atol=rtol,
                                   err_msg=f"{op}: grad of {name}")


@SETTINGS
@given(shapes=SHAPES, dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**16))
def test_where_broadcasts_like_torch(shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    cond = rng.random(sa) < 0.5
    x, y = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    nx, ny = npgrad.tensor(x, requires_grad=True), npgrad.tensor(y, requires_grad=True)
    theirs = torch.where(torch.tensor(cond), tx, ty)
    ours = npgrad.where(npgrad.tensor(cond), nx, ny)
    _check_values("where", ours, theirs, dtype)
    theirs.sum().backward()
    ours.sum().backward()
    np.testing.assert_allclose(nx.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(ny.grad.numpy(), ty.grad.numpy())
