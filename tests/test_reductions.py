"""Reductions beyond the op table: return types, errors, empty inputs, ties, zeros in prod and
cumprod (gradcheck and double backward), stability (values and gradients are checked against
PyTorch in tests/ops/specs/reductions.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import gradcheck, gradgradcheck


def _pair(data, requires_grad=True, dtype="float64"):
    a = np.asarray(data, dtype=dtype)
    return (npgrad.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _np(t):
    return t.detach().numpy()


# ---------------------------------------------------------------------------------------------
# Return types: tuples with .values / .indices, as torch.return_types
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda x: x.max(1), lambda x: x.min(0, keepdim=True), lambda x: x.median(1),
    lambda x: x.cummax(1), lambda x: x.cummin(0),
    lambda x: npgrad_or_torch(x).max(x, dim=-1)])
def test_return_type(call):
    x = npgrad.tensor([[1., 5., 2.], [7., 2., 0.]])
    r = call(x)
    assert isinstance(r, tuple) and len(r) == 2
    values, indices = r
    assert values is r.values and indices is r.indices and r[0] is values
    assert indices.dtype == npgrad.int64 and values.dtype == npgrad.float32
    assert type(r).__name__ == call(torch.tensor(x.numpy())).__class__.__name__
    assert repr(r).startswith(f"npgrad.return_types.{type(r).__name__}(\nvalues=tensor(")
    assert "indices=tensor(" in repr(r)


def test_max_min_forms():
    x = npgrad.tensor([[1., 5.], [7., 2.]])
    assert isinstance(x.max(), npgrad.Tensor) and x.max().item() == 7
    y = npgrad.tensor([3., 3.])
    np.testing.assert_array_equal(npgrad.max(x, y).numpy(), [[3, 5], [7, 3]])
    np.testing.assert_array_equal(x.min(y).numpy(), [[1, 3], [3, 2]])


def test_var_mean_std_mean_are_plain_pairs():
    x = npgrad.randn(3, 4)
    v, m = npgrad.var_mean(x, 1)
    s, m2 = npgrad.std_mean(x, 1)
    np.testing.assert_allclose(v.numpy(), x.var(1).numpy())
    np.testing.assert_allclose(s.numpy(), x.std(1).numpy())
    np.testing.assert_allclose(m.numpy(), m2.numpy())


# ---------------------------------------------------------------------------------------------
# Errors: PyTorch's exception class, and the input left unchanged
# ---------------------------------------------------------------------------------------------

def _f(lib, *shape, dtype=None):
    return lib.arange(math.prod(shape), dtype=dtype or lib.float32).reshape(shape)


ERRORS = [
    (RuntimeError, lambda lib: _f(lib, 2, 3, dtype=lib.int64).mean()),
    (RuntimeError, lambda lib: lib.tensor([True, False]).mean()),
    (IndexError, lambda lib: _f(lib, 2, 3).sum(2)),
    (IndexError, lambda lib: _f(lib, 2, 3).mean((0, -3))),
    (IndexError, lambda lib: _f(lib, 2, 3).max(2)),
    (IndexError, lambda lib: _f(lib, 2, 3).amax(-3)),
    (IndexError, lambda lib: _f(lib, 2, 3).argmax(5)),
    (IndexError, lambda lib: _f(lib, 2, 3).cumsum(2)),
    (IndexError, lambda lib: _f(lib, 2, 3).median(-3)),
    (IndexError, lambda lib: _f(lib, 2, 3).var(3)),
    (IndexError, lambda lib: _f(lib, 2, 3).logsumexp(2)),
    (IndexError, lambda lib: lib.tensor(1.).sum(1)),
    (RuntimeError, lambda lib: _f(lib, 2, 3).sum((0, 0))),
    (RuntimeError, lambda lib: _f(lib, 2, 3).amax((1, -1))),
    (TypeError, lambda lib: _f(lib, 2, 3).prod((0, 1))),
    (RuntimeError, lambda lib: _f(lib, 0, 3).max()),
    (RuntimeError, lambda lib: _f(lib, 0, 3).amin()),
    (IndexError, lambda lib: _f(lib, 0, 3).max(0)),
    (IndexError, lambda lib: _f(lib, 0, 3).amax(0)),
    (IndexError, lambda lib: _f(lib, 0, 3).argmax()),
    (IndexError, lambda lib: _f(lib, 0, 3).argmin(0)),
    (IndexError, lambda lib: _f(lib, 0, 3).median(0)),
    (RuntimeError, lambda lib: lib.tensor([True, False]).argmax()),
    (RuntimeError, lambda lib: _f(lib, 2, 3, dtype=lib.int64).var()),
    (RuntimeError, lambda lib: _f(lib, 2, 3, dtype=lib.int64).std(0)),
    (TypeError, lambda lib: lib.var(_f(lib, 2, 3), 0, unbiased=True, correction=0)),
    (RuntimeError, lambda lib: lib.linalg.vector_norm(_f(lib, 2, 3, dtype=lib.int64))),
    (RuntimeError, lambda lib: _f(lib, 2, 3, dtype=lib.int64).norm()),
    (RuntimeError, lambda lib: lib.linalg.vector_norm(_f(lib, 2, 3).double(),
                                                      dtype=lib.float32)),
    (RuntimeError, lambda lib: lib.linalg.vector_norm(_f(lib, 0, 3), math.inf)),
    (RuntimeError, lambda lib: lib.linalg.vector_norm(_f(lib, 0, 3), -math.inf, 0)),
    (RuntimeError, lambda lib: lib.linalg.matrix_norm(_f(lib, 3))),
    (RuntimeError, lambda lib: lib.linalg.matrix_norm(_f(lib, 2, 3), 3)),
    (RuntimeError, lambda lib: lib.linalg.norm(_f(lib, 2, 2, 2), 1)),
    (TypeError, lambda lib: lib.logsumexp(_f(lib, 2, 3))),
]


@pytest.mark.parametrize("exc,call", ERRORS)
def test_errors_match_torch(exc, call):
    with pytest.raises(exc):
        call(torch)
    with pytest.raises(exc):
        call(npgrad)


def test_error_message_names_op_and_input_unchanged():
    x = npgrad.tensor([[1, 2], [3, 4]])
    with pytest.raises(RuntimeError, match="mean"):
        x.mean()
    with pytest.raises(IndexError, match=r"max.*range"):
        x.max(3)
    with pytest.raises(RuntimeError, match="var.*int64"):
        x.var()
    np.testing.assert_array_equal(x.numpy(), [[1, 2], [3, 4]])
    assert x.dtype == npgrad.int64


# ---------------------------------------------------------------------------------------------
# Empty and 0-d inputs: the values PyTorch gives
# ---------------------------------------------------------------------------------------------

EMPTY = [
    lambda lib, x: x.sum(), lambda lib, x: x.sum(0), lambda lib, x: x.mean(),
    lambda lib, x: x.mean(1), lambda lib, x: x.prod(), lambda lib, x: x.prod(0),
    lambda lib, x: x.amax(1), lambda lib, x: x.max(1), lambda lib, x: x.argmax(1),
    lambda lib, x: x.all(), lambda lib, x: x.any(0), lambda lib, x: lib.count_nonzero(x),
    lambda lib, x: x.var(), lambda lib, x: x.std(1), lambda lib, x: x.logsumexp(0),
    lambda lib, x: x.logsumexp(1), lambda lib, x: x.norm(), lambda lib, x: x.median(),
    lambda lib, x: x.median(1), lambda lib, x: x.cumsum(0), lambda lib, x: x.cumprod(1),
    lambda lib, x: x.cummax(0), lambda lib, x: lib.linalg.vector_norm(x, 3, 1),
]


@pytest.mark.parametrize("call", EMPTY)
def test_empty_inputs(call):
    ours, theirs = call(npgrad, npgrad.zeros(0, 3)), call(torch, torch.zeros(0, 3))
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape) and str(o.dtype)[7:] == str(t.dtype)[6:]
        np.testing.assert_array_equal(o.numpy(), t.numpy())


ZERO_D = [
    lambda x: x.sum(0), lambda x: x.mean(-1, keepdim=True), lambda x: x.prod(0),
    lambda x: x.max(0), lambda x: x.min(-1, True), lambda x: x.amax(0), lambda x: x.argmax(0),
    lambda x: x.argmin(), lambda x: x.var(correction=0), lambda x: x.logsumexp(0),
    lambda x: x.norm(), lambda x: x.median(0), lambda x: x.median(), lambda x: x.cumsum(0),
    lambda x: x.cumprod(-1), lambda x: x.cummax(0), lambda x: x.all(0), lambda x: x.std(),
]


@pytest.mark.parametrize("call", ZERO_D)
def test_zero_dim_inputs(call):
    ours, theirs = call(npgrad.tensor(2.5)), call(torch.tensor(2.5))
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_array_equal(o.numpy(), t.numpy())


def test_dtypes_as_torch():
    i = npgrad.tensor([[1, 2], [3, 4]], dtype=npgrad.int32)
    u = npgrad.tensor([1, 0, 2], dtype=npgrad.uint8)
    b = npgrad.tensor([True, False])
    assert i.sum().dtype == i.prod().dtype == i.cumsum(0).dtype == npgrad.int64
    assert b.sum().dtype == b.cumprod(0).dtype == npgrad.int64
    assert i.max().dtype == i.amax(0).dtype == i.median().dtype == npgrad.int32
    assert i.cumsum(0, dtype=npgrad.int32).dtype == npgrad.int32
    assert u.all().dtype == u.any().dtype == npgrad.uint8
    assert i.all().dtype == npgrad.bool and npgrad.count_nonzero(b).dtype == npgrad.int64
    assert i.logsumexp(1).dtype == npgrad.float32
    assert npgrad.zeros(2).prod(dtype=npgrad.float64).dtype == npgrad.float64
    assert i.argmax().dtype == npgrad.int64


# ---------------------------------------------------------------------------------------------
# Ties, NaN
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda x: x.max(), lambda x: x.amax(1), lambda x: x.amin((0, 1)), lambda x: x.max(1)[0],
    lambda x: x.min(0).values, lambda x: x.median(), lambda x: x.median(1).values,
    lambda x: x.cummax(1).values, lambda x: x.cummin(0).values,
    lambda x: npgrad_or_torch(x).linalg.vector_norm(x, math.inf, 1)])
def test_ties_gradient_as_torch(call):
    data = [[1., 3., 3., 0.], [2., 2., 2., 2.], [-1., 5., -1., 5.]]
    ours, theirs = _pair(data)
    call(ours).sum().backward()
    call(theirs).sum().backward()
    np.testing.assert_allclose(_np(ours.grad), _np(theirs.grad))


def npgrad_or_torch(x):
    return npgrad if isinstance(x, npgrad.Tensor) else torch


def test_ties_indices_as_torch():
    x = [[1., 3., 3., 0.], [2., 2., 2., 2.], [-1., 5., -1., 5.]]
    ours, theirs = _pair(x, False)
    for fn in (lambda t: t.max(1), lambda t: t.min(1), lambda t: t.median(1),
               lambda t: t.cummax(1), lambda t: t.cummin(1), lambda t: (t.argmax(1),),
               lambda t: (t.argmin(1),), lambda t: (t.argmax(),)):
        for o, t in zip(fn(ours), fn(theirs)):
            np.testing.assert_array_equal(_np(o), _np(t))


def test_nan_as_torch():
    x = [[1., math.nan, 0., math.nan], [3., 1., 2., 0.]]
    ours, theirs = _pair(x)
    for fn in (lambda t: t.max(1), lambda t: t.min(1), lambda t: t.median(1),
               lambda t: t.cummax(1), lambda t: t.cummin(1), lambda t: (t.argmax(1),),
               lambda t: (t.max(),), lambda t: (t.median(),), lambda t: (t.amax(1),)):
        for o, t in zip(fn(ours), fn(theirs)):
            np.testing.assert_array_equal(_np(o), _np(t))
    ours.max().backward()
    theirs.max().backward()
    np.testing.assert_array_equal(_np(ours.grad), _np(theirs.grad))


# ---------------------------------------------------------------------------------------------
# Zeros in prod and cumprod: exact gradients, no division by zero, and second derivatives
# ---------------------------------------------------------------------------------------------

ZEROS = [[2., 0., 3., 0.5], [2., 0., 3., 0.], [0., 0., 0., 1.5], [1., 2., 3., 4.]]


@pytest.mark.parametrize("data", ZEROS)
@pytest.mark.parametrize("fn", [lambda t: t.prod(), lambda t: t.prod(0),
                                lambda t: t.reshape(2, 2).prod(1), lambda t: t.cumprod(0),
                                lambda t: t.reshape(2, 2).cumprod(0),
                                lambda t: t.flip(0).cumprod(0) if hasattr(t, "flip") else t])
def test_zeros_gradient_and_double_backward_match_torch(data, fn):
    ours, theirs = _pair(data)
    go = np.random.default_rng(0).standard_normal(tuple(fn(theirs).shape))
    go_o, go_t = npgrad.tensor(go), torch.tensor(go)
    (g_o,) = npgrad.autograd.grad(fn(ours), ours, go_o, create_graph=True)
    (g_t,) = torch.autograd.grad(fn(theirs), theirs, go_t, create_graph=True)
    assert np.isfinite(_np(g_o)).all()
    np.testing.assert_allclose(_np(g_o), _np(g_t), atol=1e-12)
    (gg_o,) = npgrad.autograd.grad((g_o * g_o).sum(), ours)
    (gg_t,) = torch.autograd.grad((g_t * g_t).sum(), theirs)
    np.testing.assert_allclose(_np(gg_o), _np(gg_t), atol=1e-12)


@pytest.mark.parametrize("data", ZEROS)
def test_zeros_gradcheck(data):
    x = npgrad.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)
    for fn in (lambda t: t.prod(), lambda t: t.cumprod(0),
               lambda t: t.reshape(2, 2).prod(0), lambda t: t.reshape(2, 2).cumprod(1)):
        assert gradcheck(fn, (x,))
        assert gradgradcheck(fn, (x,))


# ---------------------------------------------------------------------------------------------
# Stability: logsumexp, norms at 0, std at 0
# ---------------------------------------------------------------------------------------------

def test_logsumexp_large_and_gradient_is_softmax():
    x = npgrad.tensor([1000., 1000.], requires_grad=True)
    y = npgrad.logsumexp(x, 0)
    assert math.isfinite(y.item()) and abs(y.item() - (1000 + math.log(2))) < 1e-3
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.5], rtol=1e-4)  # float32, as torch
    z = npgrad.tensor([[-1e4, 0., 1e4], [-1000., -1000., -1000.]], dtype=npgrad.float64,
                      requires_grad=True)
    out = z.logsumexp(1)
    out.sum().backward()
    assert np.isfinite(out.detach().numpy()).all() and np.isfinite(z.grad.numpy()).all()
    soft = torch.softmax(torch.tensor(z.detach().numpy()), 1).numpy()
    np.testing.assert_allclose(z.grad.numpy(), soft)


def test_logsumexp_of_log_softmax_style_inputs_has_finite_gradients():
    x = npgrad.tensor([-800., 0., 800.], requires_grad=True)
    (x - x.logsumexp(0)).sum().backward()  # log_softmax written by hand
    assert np.isfinite(x.grad.numpy()).all()
    x = npgrad.tensor([-math.inf, 0., 1.], requires_grad=True)
    x.logsumexp(0).backward()
    assert np.isfinite(x.grad.numpy()).all() and x.grad.numpy()[0] == 0


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, 1.5, math.inf, -math.inf, -1, 0])
def test_vector_norm_gradient_at_zero_is_zero(ord):
    x = npgrad.zeros(3, requires_grad=True)
    npgrad.linalg.vector_norm(x, ord).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0., 0., 0.])


def test_norm_and_std_second_order_at_zero_are_finite():
    x = npgrad.zeros(3, dtype=npgrad.float64, requires_grad=True)
    for fn in (lambda t: t.norm(), lambda t: t.std()):
        (g,) = npgrad.autograd.grad(fn(x), x, create_graph=True)
        (gg,) = npgrad.autograd.grad(g.sum(), x)
        assert np.isfinite(g.detach().numpy()).all() and np.isfinite(gg.numpy()).all()


def test_std_of_constant_gradient_is_zero():
    x = npgrad.full((2, 3), 1.5, requires_grad=True)
    x.std(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))


# ---------------------------------------------------------------------------------------------
# Signatures and node names
# ---------------------------------------------------------------------------------------------

def test_var_overloads():
    a = np.random.default_rng(1).standard_normal((3, 4))
    for call in (lambda lib, x: lib.var(x, False), lambda lib, x: lib.var(x, 1, True, True),
                 lambda lib, x: x.var(0, correction=0), lambda lib, x: x.std(unbiased=False),
                 lambda lib, x: x.var(dim=(0, 1), keepdim=True, correction=2),
                 lambda lib, x: lib.std(x, (), correction=0)):
        np.testing.assert_allclose(call(npgrad, npgrad.tensor(a)).numpy(),
                                   call(torch, torch.tensor(a)).numpy())


@pytest.mark.parametrize("call", [
    lambda x: x.sum(), lambda x: x.mean(1), lambda x: x.prod(), lambda x: x.prod(1),
    lambda x: x.max(), lambda x: x.max(1)[0], lambda x: x.amax(0), lambda x: x.amin(0),
    lambda x: x.var(), lambda x: x.std(1), lambda x: x.logsumexp(1), lambda x: x.median(),
    lambda x: x.median(0)[0], lambda x: x.cumsum(0), lambda x: x.cumprod(1),
    lambda x: x.cummax(0)[0], lambda x: x.norm(), lambda x: x.min(0)[0]])
def test_node_names(call):
    a = np.random.default_rng(2).standard_normal((3, 4))
    ours = call(npgrad.tensor(a, requires_grad=True))
    theirs = call(torch.tensor(a, requires_grad=True))
    assert ours.grad_fn.name() == theirs.grad_fn.name()


# ---------------------------------------------------------------------------------------------
# Property test (Hypothesis): random shapes (0-d and empty included), dim forms and dtypes
# ---------------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY_OPS = {
    "sum": lambda lib, x, d, k: x.sum(d, keepdim=k) if d is not None else x.sum(),
    "mean": lambda lib, x, d, k: x.mean(d, keepdim=k) if d is not None else x.mean(),
    "amax": lambda lib, x, d, k: x.amax(() if d is None else d, keepdim=k),
    "amin": lambda lib, x, d, k: lib.amin(x, () if d is None else d, k),
    "var": lambda lib, x, d, k: x.var(d, keepdim=k),
    "std": lambda lib, x, d, k: lib.std(x, d, keepdim=k, correction=0),
    # torch.logsumexp(x, ()) fails (a PyTorch bug), so all dims are listed
    "logsumexp": lambda lib, x, d, k: lib.logsumexp(x, list(range(x.ndim)) or 0
                                                    if d is None else d, k),
    "all": lambda lib, x, d, k: x.all(d, k) if d is not None else x.all(),
    "any": lambda lib, x, d, k: x.any(d, k) if d is not None else x.any(),
    "count_nonzero": lambda lib, x, d, k: lib.count_nonzero(x, d),
    "vector_norm": lambda lib, x, d, k: lib.linalg.vector_norm(x, 3, d, k),
    "prod": lambda lib, x, d, k: x.prod(d[0], keepdim=k) if d else x.prod(),
    "max": lambda lib, x, d, k: x.max(d[0], keepdim=k) if d else x.max(),
    "min": lambda lib, x, d, k: x.min(d[0], keepdim=k) if d else x.min(),
    "median": lambda lib, x, d, k: x.median(d[0], keepdim=k) if d else x.median(),
    "argmax": lambda lib, x, d, k: x.argmax(d[0] if d else None, keepdim=k),
    "cumsum": lambda lib, x, d, k: x.cumsum(d[0] if d else 0),
    "cumprod": lambda lib, x, d, k: x.cumprod(d[0] if d else -1),
    "cummax": lambda lib, x, d, k: x.cummax(d[0] if d else 0),
}
# ops whose dim is one int: the strategy's tuple is cut to its first element
ONE_INT = {"prod", "max", "min", "median", "argmax", "cumsum", "cumprod", "cummax"}


@st.composite
def _case(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=3)))
    ndim = len(shape)
    lim = max(ndim, 1)
    dims = draw(st.one_of(st.none(), st.lists(st.integers(-lim, lim - 1), min_size=1,
                                              max_size=max(ndim, 1), unique=True)))
    return (draw(st.sampled_from(sorted(PROPERTY_OPS))), shape, dims, draw(st.booleans()),
            draw(st.sampled_from(["float32", "float64", "int64", "bool"])),
            draw(st.integers(0, 2 ** 16)))


def _result(fn, lib, x, d, k):
    try:
        out = fn(lib, x, d, k)
    except Exception as e:  # noqa: BLE001 (PyTorch's exception class must be matched)
        return None, type(e)
    return (tuple(out) if isinstance(out, tuple) else (out,)), None


@settings(max_examples=150, deadline=None)
@given(_case())
def test_property_against_torch(case):
    name, shape, dims, keepdim, dtype, seed = case
    fn = PROPERTY_OPS[name]
    if dims is not None and (name in ONE_INT or len(dims) == 1):
        dims = dims[:1] if name in ONE_INT else dims[0]
    rng = np.random.default_rng(seed)
    a = rng.uniform(-2, 2, size=shape)
    a = (a > 0) if dtype == "bool" else np.round(a * 2) if dtype == "int64" else a
    a = np.asarray(a).astype(dtype)
    grad = dtype.startswith("float")
    ours_in = npgrad.tensor(a, requires_grad=grad)
    theirs_in = torch.tensor(a, requires_grad=grad)
    with np.errstate(all="ignore"):
        ours, our_err = _result(fn, npgrad, ours_in, dims, keepdim)
    theirs, their_err = _result(fn, torch, theirs_in, dims, keepdim)
    if their_err is not None or our_err is not None:
        assert our_err is their_err, f"{name}{shape} dim={dims}: npgrad {our_err}, " \
                                     f"torch {their_err}"
        return
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape), f"{name}{shape} dim={dims}"
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], name
        np.testing.assert_allclose(_np(o).astype(float), _np(t).astype(float), rtol=1e-5,
                                   atol=1e-5, equal_nan=True, err_msg=name)
    if grad and ours[0].requires_grad and ours[0].numel():
        g = rng.standard_normal(tuple(theirs[0].shape)).astype(dtype)
        ours[0].backward(npgrad.tensor(g))
        theirs[0].backward(torch.tensor(g))
        np.testing.assert_allclose(_np(ours_in.grad), _np(theirs_in.grad), rtol=1e-4,
                                   atol=1e-5, equal_nan=True, err_msg=name)


@pytest.mark.parametrize("dim", [0, 1])
def test_cumprod_second_derivative_is_exact_across_magnitudes_and_zeros(dim):
    """create_graph through cumprod: its gradient is formed without dividing by the input, so
    the second derivative matches PyTorch's where the inputs span many orders of magnitude
    (the division form gave 1e14 where the exact value is 0.16; found by the long fuzz run)
    and at zeros."""
    x0 = np.array([[1e30, -1.3937, -1e-30], [0.12564, 0.0, -0.318]])
    v = np.random.default_rng(0).standard_normal(x0.shape)
    g0 = np.random.default_rng(1).standard_normal(x0.shape)
    results = []
    for lib in (torch, npgrad):
        x = lib.tensor(x0, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.cumprod(x, dim), x, lib.tensor(g0), create_graph=True)
        (gg,) = lib.autograd.grad((g * lib.tensor(v)).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-8)
