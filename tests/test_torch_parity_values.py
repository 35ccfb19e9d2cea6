"""Silent wrong values found against PyTorch 2.13: each test compares npgrad's values and
gradients (or its error) with torch's on the case that used to differ."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

from .errors.parity import pytorch_text


def _np(t):
    return t.detach().numpy()


def _value_and_grad(lib, fn, data, dtype="float32"):
    """``fn`` of a leaf made from ``data``, and the leaf's gradient under ``out.sum()``."""
    x = lib.tensor(data, dtype=getattr(lib, dtype), requires_grad=True)
    out = fn(lib, x)
    out.sum().backward()
    return _np(out), _np(x.grad)


def _assert_matches_torch(fn, data, dtype="float32", **tol):
    """Values and gradients of ``fn`` equal torch's, nan where torch's are nan."""
    for ours, theirs in zip(_value_and_grad(npgrad, fn, data, dtype),
                            _value_and_grad(torch, fn, data, dtype)):
        np.testing.assert_allclose(ours, theirs, equal_nan=True, **tol)


@pytest.mark.parametrize("beta, threshold", [(1.0, 20.0), (2.0, 20.0), (0.5, 1.0),
                                             (-1.0, 20.0), (3.0, 0.0)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softplus_gradient_at_zero_is_one_half(beta, threshold, dtype):
    data = [0.0, -0.0, -1.0, 1.0, 0.5, 25.0, -30.0, 7.0]
    _assert_matches_torch(lambda lib, x: lib.nn.functional.softplus(x, beta, threshold),
                          data, dtype, rtol=1e-6, atol=1e-7)
    # the double backward, too
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor(data, dtype=getattr(lib, dtype), requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.softplus(x, beta, threshold).sum(), x,
                                 create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        grads.append(_np(gg))
    np.testing.assert_allclose(*grads, rtol=1e-6, atol=1e-7)


def _raises_as_torch(fn):
    """``fn(torch)`` and ``fn(npgrad)`` raise the same class with the same message (the op's
    name in front allowed: npgrad's errors name the op)."""
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(npgrad)
    assert pytorch_text(str(ours.value), str(theirs.value)) == str(theirs.value)


@pytest.mark.parametrize("indices", [[-1], [2, -1, 0], [[1, 2], [-4, 0]], [4], [0, -5]])
@pytest.mark.parametrize("max_norm", [None, 1.0])
def test_embedding_negative_index_is_out_of_range(indices, max_norm):
    weight = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    tables = {}

    def lookup(lib):
        tables[lib] = lib.tensor(weight, requires_grad=True)
        return lib.nn.functional.embedding(lib.tensor(indices), tables[lib], max_norm=max_norm)
    _raises_as_torch(lookup)
    np.testing.assert_array_equal(_np(tables[npgrad]), weight)  # left unchanged
    layer = npgrad.nn.Embedding(4, 3)
    with pytest.raises(IndexError, match="^(embedding: )?index out of range in self$"):
        layer(npgrad.tensor(indices))


@pytest.mark.parametrize("loss, kwargs", [
    ("cross_entropy", {}), ("cross_entropy", {"label_smoothing": 0.1}),
    ("cross_entropy", {"label_smoothing": 0.1, "weight": [1.0, 2.0, 3.0, 4.0]}),
    ("cross_entropy", {"weight": [1.0, 2.0, 3.0, 4.0]}), ("nll_loss", {}),
    ("nll_loss", {"weight": [1.0, 2.0, 3.0, 4.0]})])
@pytest.mark.parametrize("target", [[-100, -100, -100], [7, 7, 7]])
def test_cross_entropy_all_targets_ignored_has_zero_gradient(loss, kwargs, target):
    ignore = {"ignore_index": target[0]}
    data = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)

    def fn(lib, x):
        kw = {k: lib.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
        return getattr(lib.nn.functional, loss)(x, lib.tensor(target), **kw, **ignore)
    _assert_matches_torch(fn, data)  # the loss is nan (0 / 0), the gradient zeros
    # a 1-d input with an ignored 0-d target, and classes of weight 0 in a mean (0 / 0 at
    # the kept rows' targets, zeros in the ignored rows)
    _assert_matches_torch(lambda lib, x: getattr(lib.nn.functional, loss)(
        x[0], lib.tensor(target[0]), **ignore), data)
    _assert_matches_torch(lambda lib, x: getattr(lib.nn.functional, loss)(
        x, lib.tensor([1, 1, target[0]]), weight=lib.tensor([1.0, 0.0, 3.0, 4.0]), **ignore,
        **{k: v for k, v in kwargs.items() if k != "weight"}), data)


NAN, INF = float("nan"), float("inf")
_EDGES = [NAN, -1.0, 0.0, 1.0, 2.0, -2.0, 6.0, 7.0, -0.5]


@pytest.mark.parametrize("fn, data", [
    (lambda lib, x: lib.nn.functional.relu(x), _EDGES),
    (lambda lib, x: lib.nn.functional.elu(x), _EDGES),
    (lambda lib, x: lib.nn.functional.elu(x, 0.5), _EDGES),
    (lambda lib, x: lib.nn.functional.selu(x), _EDGES),
    (lambda lib, x: lib.nn.functional.celu(x, 2.0), _EDGES),
    (lambda lib, x: lib.nn.functional.hardtanh(x), _EDGES),
    (lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 2.0), _EDGES),
    (lambda lib, x: lib.nn.functional.relu6(x), _EDGES),
    (lambda lib, x: lib.nn.functional.gelu(x), [NAN, -NAN, 1.0, INF, -INF]),
    (lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"), [NAN, 1.0, -2.0]),
    (lambda lib, x: x.amax(1), [[NAN, 1.0, 3.0], [2.0, 3.0, 3.0]]),
    (lambda lib, x: x.amin(1), [[NAN, 1.0, 3.0], [2.0, 1.0, 1.0]]),
    (lambda lib, x: x.amax(), [[NAN, 1.0, 3.0], [2.0, 3.0, 3.0]]),
    (lambda lib, x: x.amin((0, 1), keepdim=True), [[1.0, 1.0], [2.0, NAN]]),
    (lambda lib, x: x.prod(), INF),
    (lambda lib, x: x.prod(), NAN),
    (lambda lib, x: x.prod(0), -INF),
    (lambda lib, x: x.prod(), 0.0),
    (lambda lib, x: lib.atan2(x[0], x[1]), [[0.0, 0.0, -0.0, 1.0, 0.0, 1e-30],
                                            [0.0, -0.0, 0.0, 0.0, 2.0, 1e-30]]),
], ids=["relu", "elu", "elu-alpha", "selu", "celu", "hardtanh", "hardtanh-bounds", "relu6",
        "gelu", "gelu-tanh", "amax", "amin", "amax-all", "amin-dims", "prod-0d-inf",
        "prod-0d-nan", "prod-dim-0d", "prod-0d-zero", "atan2"])
def test_nan_propagates_in_gradients_as_torch(fn, data):
    _assert_matches_torch(fn, data, rtol=1e-5, atol=1e-6)
    # the gradient recorded for a second derivative (ReLU's other path) is the same
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor(data, requires_grad=True)
        (g,) = lib.autograd.grad(fn(lib, x).sum(), x, create_graph=True)
        grads.append(_np(g))
    np.testing.assert_allclose(*grads, equal_nan=True, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.threshold(x, 0.5, 3.0),
    lambda lib, x: lib.nn.functional.hardsigmoid(x),
    lambda lib, x: lib.nn.functional.hardswish(x),
    lambda lib, x: lib.nn.functional.softshrink(x),
    lambda lib, x: lib.nn.functional.softshrink(x, 1.0),
    lambda lib, x: lib.nn.functional.hardshrink(x),
], ids=["threshold", "hardsigmoid", "hardswish", "softshrink", "softshrink-1", "hardshrink"])
def test_activations_keep_nan_values_as_torch(fn):
    _assert_matches_torch(fn, _EDGES + [3.0, -3.0, 0.5, 4.0, -4.0], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("sample", [
    lambda lib: lib.normal(0.0, -1.0, (3,)),
    lambda lib: lib.normal(0.0, -1.5, (3,)),
    lambda lib: lib.normal(0.0, NAN, (3,)),
    lambda lib: lib.normal(lib.zeros(3), -1e-10),
    lambda lib: lib.normal(lib.zeros(3), lib.tensor([1.0, -1.0, 1.0])),
    lambda lib: lib.normal(1.0, lib.tensor([1.0, NAN])),
    lambda lib: lib.empty(3).normal_(0.0, NAN),
    lambda lib: lib.bernoulli(lib.tensor([0.5, 1.5])),
    lambda lib: lib.bernoulli(lib.tensor([0.5, -0.5], dtype=lib.float64)),
    lambda lib: lib.bernoulli(lib.tensor([0.5, NAN])),
    lambda lib: lib.bernoulli(lib.tensor([1, 0])),
    lambda lib: lib.bernoulli(lib.tensor([True, False])),
    lambda lib: lib.bernoulli(lib.zeros(2), 1.5),
    lambda lib: lib.bernoulli(lib.zeros(2), -1e-10),
    lambda lib: lib.zeros(3).bernoulli_(NAN),
    lambda lib: lib.zeros(3).bernoulli_(lib.tensor([0.5, 2.0, 0.1])),
    lambda lib: lib.zeros(2).bernoulli_(lib.tensor([1, 0])),
    lambda lib: lib.multinomial(lib.tensor([1, 2, 3]), 2),
    lambda lib: lib.multinomial(lib.tensor([1, 2], dtype=lib.uint8), 1, True),
    lambda lib: lib.multinomial(lib.tensor([1.0, -2.0, 3.0]), 2),
    lambda lib: lib.multinomial(lib.tensor([[1.0, 2.0], [1.0, -2.0]]), 1, True),
    lambda lib: lib.multinomial(lib.ones(3), 0),
    lambda lib: lib.multinomial(lib.ones(3), 4),
    lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
])
def test_random_samplers_refuse_invalid_parameters(sample):
    _raises_as_torch(sample)


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_float32_cumsum_cumprod_accumulate_accurately(op):
    # 2e6 float32 values: summed in float32 one after another the relative error reached
    # 2.6e-5 (cumsum) and 5e-3 (cumprod); PyTorch accumulates in float64 and rounds once
    x = np.random.default_rng(0).random(2_000_000, dtype=np.float32)
    if op == "cumprod":
        x = (1 + (x - 0.5) * 1e-5).astype(np.float32)
    reference = getattr(np, op)(x.astype(np.float64))
    ours = getattr(npgrad.tensor(x), op)(0).numpy()
    assert ours.dtype == np.float32
    assert np.max(np.abs(ours - reference) / np.abs(reference)) < 1e-7
    np.testing.assert_array_equal(ours, getattr(torch.tensor(x), op)(0).numpy())
    # reversed (the gradient's direction) and along a leading dim, too
    x2 = x.reshape(1000, 2000)
    grad = np.ones_like(x2)
    leaf = npgrad.tensor(x2, requires_grad=True)
    getattr(leaf, op)(0).backward(npgrad.tensor(grad))
    theirs = torch.tensor(x2, requires_grad=True)
    getattr(theirs, op)(0).backward(torch.tensor(grad))
    np.testing.assert_allclose(leaf.grad.numpy(), theirs.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("fn, grad_of", [
    (lambda lib, a, b: a // b, "ab"), (lambda lib, a, b: a // 2.0, "a"),
    (lambda lib, a, b: 7.0 // b, "b"), (lambda lib, a, b: lib.floor_divide(a, b), "b"),
    (lambda lib, a, b: 2.0 % b, "b"), (lambda lib, a, b: lib.remainder(3, b), "b"),
    (lambda lib, a, b: True ** b, "b"), (lambda lib, a, b: lib.pow(False, b), "b"),
    # these have derivatives in PyTorch, which npgrad matches
    (lambda lib, a, b: a % b, "ab"), (lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
                                      "ab"),
    (lambda lib, a, b: lib.tensor([True, False, True]) ** b, "b"),
], ids=["floordiv", "floordiv-number", "rfloordiv", "floor_divide", "rmod", "remainder-number",
        "bool-base-pow", "bool-base-torch.pow", "mod", "div-floor", "bool-tensor-base-pow"])
def test_backward_without_derivative_raises_as_torch(fn, grad_of):
    results = []
    for lib in (npgrad, torch):
        a = lib.tensor([5.0, -7.0, 3.5], requires_grad="a" in grad_of)
        b = lib.tensor([2.0, 3.0, -1.5], requires_grad="b" in grad_of)
        out = fn(lib, a, b)
        try:
            out.sum().backward()
        except RuntimeError as error:
            results.append((_np(out), str(error)))
        else:
            results.append((_np(out), [_np(t.grad) for t in (a, b) if t.requires_grad]))
    (ours, our_grads), (theirs, their_grads) = results
    np.testing.assert_array_equal(ours, theirs)
    if isinstance(their_grads, str) and "INTERNAL ASSERT" in their_grads:
        # PyTorch's own backward fails here (an internal assert on a bool Scalar): the same
        # RuntimeError, with a message that says what is missing
        assert isinstance(our_grads, str) and "pow" in our_grads and "bool" in our_grads
    elif isinstance(their_grads, str):
        assert our_grads == their_grads
    else:
        np.testing.assert_array_equal(our_grads, their_grads)


# -- found by the differential fuzzer (tests/fuzz) -------------------------------------------

def test_scatter_add_into_a_transposed_input():
    """scatter_add copied a non-contiguous input in its own (Fortran) order, so the adds went
    to a temporary and the result was the input unchanged."""
    x = np.arange(12.0).reshape(3, 4)
    index, src = np.array([[1, 2, 0], [0, 0, 1]]), np.ones((2, 3))
    ours, theirs = (_np(lib.scatter_add(lib.tensor(x.T.copy()).t(), 0, lib.tensor(index),
                                        lib.tensor(src))) for lib in (npgrad, torch))
    np.testing.assert_array_equal(ours, theirs)


def test_backward_from_two_roots_where_one_feeds_the_other():
    """``backward([w, f(v)])`` with ``w, v`` from one node: that node must wait for the
    gradient coming through ``f`` (it ran first, and the gradient of ``v`` was lost)."""
    x = np.array([[0.5, -0.9, -1.8], [-1.9, 1.2, 1.6], [0.4, 0.9, 0.2]])
    grads = []
    for lib in (npgrad, torch):
        a = lib.tensor(x, requires_grad=True)
        w, v = lib.linalg.eigh(a @ a.mT + 3 * lib.eye(3, dtype=a.dtype))
        lib.autograd.backward([w, v * v[:1, :]], [lib.ones(3, dtype=a.dtype),
                                                  lib.ones(3, 3, dtype=a.dtype)])
        grads.append(_np(a.grad))
        b = lib.tensor([1.0, 2.0], requires_grad=True)
        y = b * 2
        lib.autograd.backward([y, y.sum() * 3], [lib.ones(2), lib.tensor(1.0)])  # y feeds
        grads.append(_np(b.grad))
    np.testing.assert_allclose(grads[0], grads[2], rtol=1e-10)
    np.testing.assert_array_equal(grads[1], grads[3])


def test_index_fill_value_gradient_counts_a_repeated_index_once():
    """(found by the fuzzer's long mode: the value's gradient summed a repeated slice twice)"""
    grads = []
    for lib in (npgrad, torch):
        x = lib.zeros(2, 3, requires_grad=True)
        v = lib.tensor(2.0, requires_grad=True)
        y = x.index_fill(1, lib.tensor([0, 2, 0]), v)
        (y * lib.arange(6.0).reshape(2, 3)).sum().backward()
        grads.append((v.grad.item(), x.grad.tolist()))
    assert grads[0] == grads[1] == (10.0, [[0.0, 1.0, 0.0], [0.0, 4.0, 0.0]])


def test_addcmul_of_integers_truncates_value_and_keeps_the_dtype():
    """(fuzzer: an int64 addcmul with value=0.5 became float32; PyTorch casts value to int)"""
    for value in (0.5, -1.5, 3):
        ours, theirs = (lib.addcmul(lib.tensor([5, 7]), lib.tensor([5, 7]), lib.tensor([2, 3]),
                                    value=value) for lib in (npgrad, torch))
        assert ours.dtype == npgrad.int64 and ours.tolist() == theirs.tolist()
    with pytest.raises(NotImplementedError, match="addcmul_cpu_out"):
        npgrad.addcmul(*(npgrad.tensor([True]),) * 3)


@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_scale_tensor1_first(op):
    """(fuzzer: value * (t1 * t2) gave inf where PyTorch's (value * t1) * t2 gives nan)"""
    t1, t2 = (np.array([-1.4e-45, 1e-30], np.float32), np.array([-np.inf, 1e30], np.float32))
    if op == "addcdiv":
        t2 = np.array([1e-30, 1e-30], np.float32)
    ours, theirs = (_np(getattr(lib, op)(lib.zeros(2), lib.tensor(t1), lib.tensor(t2),
                                         value=0.5 if op == "addcmul" else 1e-30))
                    for lib in (npgrad, torch))
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_frexp_of_subnormals_and_the_largest_float(dtype):
    """(fuzzer: the mantissa of a float32 subnormal was inf: 2**148 overflowed)"""
    info = np.finfo(dtype)
    data = [float(info.smallest_subnormal), -float(info.smallest_subnormal), float(info.max)]
    for ours, theirs in zip(npgrad.frexp(npgrad.tensor(data, dtype=getattr(npgrad, dtype))),
                            torch.frexp(torch.tensor(data, dtype=getattr(torch, dtype)))):
        np.testing.assert_array_equal(_np(ours), _np(theirs))


def test_ldexp_is_exact_past_the_dtype_range_of_two_to_the_exponent():
    """(fuzzer: 1e-45 * 2**128 in float32 was inf, as 2**128 overflowed; 0 * 2**2000 NaN)"""
    x, e = [-0.0, 1e-45, 3.0], [2000, 128, -1]
    ours, theirs = (_np(lib.ldexp(lib.tensor(x), lib.tensor(e))) for lib in (npgrad, torch))
    np.testing.assert_array_equal(ours, theirs)
    # the gradient is 2 ** e (PyTorch 2.13's is 0 for a negative exponent: README,
    # "Deliberate differences from PyTorch")
    leaf = npgrad.tensor([1.0, 1.0, 1.0], dtype=npgrad.float64, requires_grad=True)
    npgrad.ldexp(leaf, npgrad.tensor([3, -2, 0])).sum().backward()
    assert leaf.grad.tolist() == [8.0, 0.25, 1.0]
    assert npgrad.ldexp(npgrad.tensor([1.0], dtype=npgrad.float16),
                        npgrad.tensor([2.0])).dtype == npgrad.float32


def test_xlog1py_gradient_at_zero_input_is_log1p_of_other():
    """(fuzzer: d/dx xlog1py(x, y) at x == 0 was 0; PyTorch's is log1p(y), 0 only where
    y <= -1, and d/dy there is x / (y + 1), NaN at y == -1)"""
    ys = [-1.0, -0.5, -2.0, 0.5, float("inf"), float("nan")]
    grads = []
    for lib in (npgrad, torch):
        x = lib.zeros(len(ys), dtype=lib.float64, requires_grad=True)
        y = lib.tensor(ys, dtype=lib.float64, requires_grad=True)
        lib.special.xlog1py(x, y).sum().backward()
        grads.append((_np(x.grad), _np(y.grad)))
    for ours, theirs in zip(*grads):
        np.testing.assert_array_equal(ours, theirs)


def test_div_gradient_of_a_zero_divisor_with_a_tiny_dividend():
    """(fuzzer: -grad * a / b**2 made 4.9e-324 * 0.3 underflow to 0, then 0 / 0 = NaN;
    PyTorch's -grad * (a / b / b) is inf)"""
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor([5e-324, 1e300], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([0.0, 1e-300], dtype=lib.float64, requires_grad=True)
        (x / y).backward(lib.tensor([0.3, 0.3], dtype=lib.float64))
        grads.append(_np(y.grad))
    np.testing.assert_array_equal(*grads)


def test_rounded_division_of_bools_is_not_implemented():
    """(fuzzer: div(bool, bool, rounding_mode='trunc') raised ZeroDivisionError's
    RuntimeError where PyTorch has no bool kernel)"""
    b = npgrad.tensor([True, False])
    with pytest.raises(NotImplementedError):
        npgrad.div(b, b, rounding_mode="trunc")


@pytest.mark.parametrize("op", ["addmm", "addbmm", "baddbmm"])
def test_integer_addmm_family_truncates_scales_and_keeps_the_dtype(op):
    """(fuzzer: uint8 addmm with beta=0.5 became float32; int32 addbmm int64)"""
    shapes = {"addmm": ((2, 2), (2, 3), (3, 2)), "addbmm": ((2, 2), (2, 2, 3), (2, 3, 2)),
              "baddbmm": ((2, 2, 2), (2, 2, 3), (2, 3, 2))}[op]
    for dtype in ("uint8", "int32"):
        ours, theirs = (getattr(lib, op)(*(lib.full(s, 3, dtype=getattr(lib, dtype))
                                           for s in shapes), beta=1.7, alpha=0.5)
                        for lib in (npgrad, torch))
        assert str(ours.dtype).split(".")[-1] == dtype
        assert ours.tolist() == theirs.tolist()
