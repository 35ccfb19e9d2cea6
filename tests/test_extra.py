"""More of PyTorch's surface: random fills and samplers (shape, dtype, range, statistics),
settings and predicates of the top-level module, Tensor helpers, and errors."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import torch

import npgrad


def _np(t):
    return t.detach().numpy()


# ---------------------------------------------------------------------------------------------
# Random fills
# ---------------------------------------------------------------------------------------------

N = 20000


@pytest.mark.parametrize("dtype", [npgrad.float32, npgrad.float64])
def test_uniform_normal_fills(dtype):
    npgrad.manual_seed(0)
    x = npgrad.empty(N, dtype=dtype)
    assert x.uniform_(-2, 3) is x and x.dtype is dtype
    a = _np(x)
    assert a.min() >= -2 and a.max() < 3 and abs(a.mean() - 0.5) < 0.05
    x.normal_(1.5, 0.5)
    a = _np(x)
    assert abs(a.mean() - 1.5) < 0.02 and abs(a.std() - 0.5) < 0.02
    assert x.uniform_(**{"from": 2, "to": 4}).min() >= 2


def test_other_continuous_fills():
    npgrad.manual_seed(1)
    x = npgrad.empty(N, dtype=npgrad.float64)
    a = _np(x.exponential_(2.0))
    assert a.min() >= 0 and abs(a.mean() - 0.5) < 0.02
    a = _np(x.log_normal_(0.0, 0.5))
    assert a.min() > 0 and abs(np.log(a).mean()) < 0.02 and abs(np.log(a).std() - 0.5) < 0.02
    a = _np(x.cauchy_(1.0, 2.0))
    assert abs(np.median(a) - 1.0) < 0.1  # the median is the location parameter
    q1, q3 = np.percentile(a, [25, 75])
    assert abs((q3 - q1) / 2 - 2.0) < 0.15  # half the interquartile range is the scale


def test_discrete_fills():
    npgrad.manual_seed(2)
    x = npgrad.empty(N)
    a = _np(x.bernoulli_(0.3))
    assert set(np.unique(a)) <= {0.0, 1.0} and abs(a.mean() - 0.3) < 0.02
    p = npgrad.tensor([0.0, 1.0]).expand(N // 2, 2)
    a = _np(npgrad.empty(N // 2, 2).bernoulli_(p))
    assert (a[:, 0] == 0).all() and (a[:, 1] == 1).all()
    a = _np(x.geometric_(0.25))
    assert a.min() >= 1 and (a == np.round(a)).all() and abs(a.mean() - 4) < 0.15
    a = _np(x.random_(3, 7))
    assert set(np.unique(a)) == {3, 4, 5, 6}
    a = _np(x.random_(5))
    assert set(np.unique(a)) == {0, 1, 2, 3, 4}
    a = _np(x.random_())
    assert a.min() >= 0 and a.max() <= 2 ** 24 and (a == np.round(a)).all()
    i = npgrad.empty(N, dtype=npgrad.int8).random_()
    assert i.dtype is npgrad.int8 and _np(i).min() >= 0
    b = npgrad.empty(100, dtype=npgrad.bool).random_()
    assert b.dtype is npgrad.bool and 0 < _np(b).sum() < 100


def test_fills_use_the_generator():
    g = npgrad.Generator().manual_seed(7)
    a = npgrad.empty(5).normal_(generator=g)
    g.manual_seed(7)
    b = npgrad.empty(5).normal_(generator=g)
    assert npgrad.equal(a, b)
    npgrad.manual_seed(3)
    c = npgrad.empty(5).uniform_()
    npgrad.manual_seed(3)
    assert npgrad.equal(c, npgrad.empty(5).uniform_())


def test_fill_errors_and_grad_rules():
    w = npgrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.uniform_()
    with npgrad.no_grad():
        w.normal_()  # as nn.init does
    assert w.requires_grad and w.grad_fn is None
    with pytest.raises(RuntimeError, match="from=3"):
        npgrad.empty(3).uniform_(3, 1)
    with pytest.raises(RuntimeError):
        npgrad.empty(3, dtype=npgrad.int64).normal_()
    with pytest.raises(RuntimeError):
        npgrad.empty(3).geometric_(1.5)
    with pytest.raises(RuntimeError):
        npgrad.empty(3).bernoulli_(1.5)
    # a fill of an intermediate cuts the gradient to what was there before
    x = npgrad.ones(3, requires_grad=True)
    y = x * 2
    y.uniform_()
    (y * x).sum().backward()
    assert np.allclose(_np(x.grad), _np(y))


def test_poisson_binomial_statistics():
    npgrad.manual_seed(4)
    lam = npgrad.full((N,), 3.0)
    a = _np(npgrad.poisson(lam))
    assert a.dtype == np.float32 and abs(a.mean() - 3) < 0.1 and abs(a.var() - 3) < 0.2
    n, p = npgrad.full((N,), 10.0), npgrad.full((N,), 0.2)
    a = _np(npgrad.binomial(n, p))
    assert a.min() >= 0 and a.max() <= 10 and abs(a.mean() - 2) < 0.05
    with pytest.raises(RuntimeError):
        npgrad.poisson(npgrad.tensor([-1.0]))


def test_bernoulli_and_multinomial_methods():
    npgrad.manual_seed(5)
    a = _np(npgrad.full((N,), 0.7).bernoulli())
    assert abs(a.mean() - 0.7) < 0.02
    s = npgrad.tensor([0.0, 1.0, 3.0]).multinomial(N, replacement=True)
    counts = np.bincount(_np(s), minlength=3) / N
    assert counts[0] == 0 and abs(counts[2] - 0.75) < 0.02


# ---------------------------------------------------------------------------------------------
# dtype info, settings, predicates
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_matches_torch(name):
    ours, theirs = npgrad.finfo(getattr(npgrad, name)), torch.finfo(getattr(torch, name))
    for f in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, f) == getattr(theirs, f), f
    assert repr(ours) == repr(theirs)
    assert npgrad.finfo().dtype == "float32"


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    ours, theirs = npgrad.iinfo(getattr(npgrad, name)), torch.iinfo(getattr(torch, name))
    for f in ("bits", "max", "min", "dtype"):
        assert getattr(ours, f) == getattr(theirs, f), f
    assert repr(ours) == repr(theirs)
    with pytest.raises(TypeError):
        npgrad.iinfo(npgrad.float32)
    with pytest.raises(TypeError):
        npgrad.finfo(npgrad.int32)


def _repr_both(make, **opts):
    torch.set_printoptions(**opts)
    npgrad.set_printoptions(**opts)
    try:
        return repr(make(npgrad)).replace("npgrad", "torch"), repr(make(torch))
    finally:
        torch.set_printoptions(profile="default")
        npgrad.set_printoptions(profile="default")
        torch.set_printoptions(sci_mode=None)
        npgrad.set_printoptions(sci_mode=None)


@pytest.mark.parametrize("opts", [dict(precision=2), dict(threshold=5), dict(edgeitems=1,
                                  threshold=5), dict(linewidth=30), dict(sci_mode=True),
                                  dict(sci_mode=False), dict(profile="short"),
                                  dict(profile="full")])
def test_set_printoptions_matches_torch(opts):
    data = np.linspace(-3, 7, 24).reshape(4, 6) ** 3 / 7
    for make in (lambda l: l.tensor(data), lambda l: l.tensor(data[0]),
                 lambda l: l.arange(2000.0) / 3):
        ours, theirs = _repr_both(make, **opts)
        assert ours == theirs


def test_settings_round_trip():
    n = npgrad.get_num_threads()
    assert n >= 1
    npgrad.set_num_threads(1)
    assert npgrad.get_num_threads() == 1
    npgrad.set_num_threads(n)
    assert str(npgrad.get_default_device()) == "cpu"
    npgrad.set_default_device("cpu")
    with pytest.raises(RuntimeError):
        npgrad.set_default_device("cuda")
    assert not npgrad.are_deterministic_algorithms_enabled()
    npgrad.use_deterministic_algorithms(True)
    assert npgrad.are_deterministic_algorithms_enabled()
    npgrad.use_deterministic_algorithms(False)
    assert npgrad.get_float32_matmul_precision() == "highest"
    npgrad.set_float32_matmul_precision("high")
    assert npgrad.get_float32_matmul_precision() == "high"
    npgrad.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError):
        npgrad.set_float32_matmul_precision("low")


def test_predicates_match_torch():
    for lib in (npgrad, torch):
        x, i = lib.tensor([1.5]), lib.tensor([[0]], dtype=lib.uint8)
        assert lib.is_nonzero(x) and x.is_nonzero() and not i.is_nonzero()
        assert lib.is_same_size(x, lib.ones(1)) and not x.is_same_size(i)
        assert lib.is_signed(x) and not i.is_signed()
        assert x.is_cpu and not x.is_inference() and not lib.is_inference_mode_enabled()
        with pytest.raises(RuntimeError):
            lib.is_nonzero(lib.ones(2))
        with pytest.raises(RuntimeError):
            lib.is_nonzero(lib.ones(0))
    for make in (lambda l: l.ones(2), lambda l: l.ones(2, dtype=l.int64),
                 lambda l: l.ones(2, dtype=l.bool), lambda l: 3):
        assert npgrad.typename(make(npgrad)) == torch.typename(make(torch))


def test_creation_odds_and_ends():
    buf = bytearray(np.arange(6, dtype=np.float32).tobytes())
    t = npgrad.frombuffer(buf, dtype=npgrad.float32, count=4, offset=4)
    assert t.tolist() == [1.0, 2.0, 3.0, 4.0]
    t[0] = 10  # shares memory with the buffer
    assert np.frombuffer(buf, np.float32)[1] == 10
    e = npgrad.empty_strided((2, 3), (1, 2))
    assert e.shape == (2, 3) and e.stride() == torch.empty_strided((2, 3), (1, 2)).stride()
    with pytest.warns(UserWarning, match="deprecated"):
        r = npgrad.range(1, 4, 0.5)
    assert r.tolist() == torch.arange(1, 4.5, 0.5).tolist() and r.dtype is npgrad.float32
    f = npgrad.fill(npgrad.ones(2, 2), 3)
    assert f.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    x = npgrad.ones(3)
    assert npgrad.zero_(x) is x and x.sum().item() == 0


def test_tensor_new_and_storage():
    x = npgrad.ones(2, 3, dtype=npgrad.float64)
    assert x.new(2, 4).shape == (2, 4) and x.new(2).dtype is npgrad.float64
    assert x.new().shape == (0,) and x.new([1, 2]).tolist() == [1.0, 2.0]
    assert x.new(npgrad.Size([3])).shape == (3,)
    v = x[1, 1:]
    assert v.storage_offset() == 4 and x.storage_offset() == 0
    assert v.data_ptr() == x.data_ptr() + 4 * 8


def test_apply_map_resize():
    x = npgrad.tensor([1.0, 2.0, 3.0])
    assert x.apply_(lambda v: v * 10).tolist() == [10.0, 20.0, 30.0]
    assert x.map_(npgrad.tensor([1.0]), lambda a, b: a + b).tolist() == [11.0, 21.0, 31.0]
    with pytest.raises(TypeError):
        npgrad.ones(2, requires_grad=True).apply_(abs)
    y = npgrad.arange(6.0)
    assert y.resize_(2, 3).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert y.resize_(2).tolist() == [0, 1]
    assert y.resize_as_(npgrad.ones(1, 1)).shape == (1, 1)
    with pytest.raises(RuntimeError, match="require grad"):
        npgrad.ones(2, requires_grad=True).resize_(3)


def test_top_level_forms_are_the_functional_ops():
    F = npgrad.nn.functional
    # (not softmax: torch.softmax(input, dim, dtype) is its own function, as npgrad's)
    for name in ("conv2d", "relu", "max_pool2d", "pixel_shuffle", "cosine_similarity",
                 "selu", "prelu", "hardshrink", "bilinear"):
        # (one op; npgrad's may wear the out= keyword's wrapper, which F's does not)
        assert inspect.unwrap(getattr(npgrad, name)) is inspect.unwrap(getattr(F, name))
    npgrad.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    w, b = np.array([1.0, 2.0, 0.5], np.float32), np.array([0.1, 0.0, -0.3], np.float32)
    m, v = np.zeros(3, np.float32), np.ones(3, np.float32)
    for lib in (npgrad, torch):
        T = lib.tensor
        out = lib.batch_norm(T(x), T(w), T(b), T(m), T(v), False, 0.1, 1e-5, True)
        inst = lib.instance_norm(T(x), T(w), T(b), None, None, True, 0.1, 1e-5, True)
        ln = lib.layer_norm(T(x), (4,), None, None, 1e-5, True)
        gn = lib.group_norm(T(x), 3, T(w), T(b), 1e-5, True)
        emb = lib.embedding(T(x[0]), T(np.array([[2, 0]])))
        outs = [_np(o) if lib is npgrad else o.numpy() for o in (out, inst, ln, gn, emb)]
        if lib is npgrad:
            ours = outs
    for o, t in zip(ours, outs):
        np.testing.assert_allclose(o, t, atol=1e-5)
    assert torch.dropout(torch.ones(3), 0.5, False).tolist() == \
        npgrad.dropout(npgrad.ones(3), 0.5, False).tolist()


def test_top_level_inplace_forms():
    x = npgrad.tensor([0.0, 1.0])
    assert npgrad.exp_(x) is x and np.allclose(_np(x), [1.0, math.e])
    assert npgrad.sigmoid_(npgrad.zeros(2)).tolist() == [0.5, 0.5]
    assert npgrad.clamp_(npgrad.tensor([-2.0, 2.0]), -1, 1).tolist() == [-1.0, 1.0]
    assert npgrad.relu_(npgrad.tensor([-2.0, 2.0])).tolist() == [0.0, 2.0]


# ---------------------------------------------------------------------------------------------
# Op errors and special behaviour
# ---------------------------------------------------------------------------------------------

def test_errors_match_torch_kind():
    for lib in (npgrad, torch):
        with pytest.raises(RuntimeError):
            lib.addcdiv(lib.ones(2), lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64))
        with pytest.raises(RuntimeError):
            lib.heaviside(lib.ones(2), lib.ones(2, dtype=lib.int64))
        with pytest.raises(RuntimeError):
            lib.quantile(lib.ones(3), 1.5)
        with pytest.raises(RuntimeError):
            lib.quantile(lib.ones(3, dtype=lib.int64), 0.5)
        with pytest.raises(RuntimeError):
            lib.bincount(lib.tensor([-1, 2]))
        with pytest.raises(RuntimeError):
            lib.select_scatter(lib.zeros(2, 3), lib.zeros(3), 1, 0)
        with pytest.raises(RuntimeError):
            lib.split_with_sizes(lib.zeros(4), [1, 2])
        with pytest.raises(RuntimeError):
            lib.gcd(lib.ones(2), lib.ones(2))
        with pytest.raises(RuntimeError):
            lib.ones(3).fill_diagonal_(0)


def test_backward_through_a_non_differentiable_op_raises():
    x = npgrad.ones(3, requires_grad=True)
    y = npgrad.heaviside(x, x)
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="heaviside"):
        y.sum().backward()


def test_nan_edge_cases():
    allnan = npgrad.tensor([[math.nan, math.nan], [1.0, math.nan]])
    assert math.isnan(npgrad.nanmedian(allnan, 1).values[0].item())
    assert npgrad.nanmedian(allnan, 1).values[1].item() == 1.0
    assert math.isnan(npgrad.nanmean(allnan, 1)[0].item())
    assert npgrad.nansum(allnan).item() == 1.0


def test_i0_and_logcumsumexp_extremes():
    x = np.array([0.0, 1e-3, 5.0, -30.0, 200.0, 700.0])
    np.testing.assert_allclose(_np(npgrad.i0(npgrad.tensor(x))), np.i0(x), rtol=1e-13)
    y = npgrad.tensor([-1000.0, 0.0, 1000.0, -5000.0], dtype=npgrad.float64,
                      requires_grad=True)
    t = torch.tensor(y.tolist(), dtype=torch.float64, requires_grad=True)
    out, ref = npgrad.logcumsumexp(y, 0), torch.logcumsumexp(t, 0)
    np.testing.assert_allclose(_np(out), ref.detach().numpy())
    g = np.array([1.0, -2.0, 0.5, 3.0])
    out.backward(npgrad.tensor(g))
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(_np(y.grad), t.grad.numpy(), atol=1e-12)


def test_vander_gradients():
    x = npgrad.tensor([0.0, -1.5, 2.0], dtype=npgrad.float64, requires_grad=True)
    assert npgrad.autograd.gradcheck(lambda x: npgrad.vander(x, 4), (x,))
    assert npgrad.autograd.gradgradcheck(lambda x: npgrad.vander(x, 3, True), (x,))
    np.testing.assert_allclose(_np(npgrad.vander(x, 3)), np.vander(_np(x), 3))


def test_compat_noops():
    model = npgrad.nn.Linear(2, 2)
    assert npgrad.compile(model) is model and npgrad.compile(mode="max-autotune")(model) is model
    x = npgrad.tensor([1.0, 2.0])
    assert 2.0 in x and 3 not in x and npgrad.tensor(1.0) in x
    assert reversed(x).tolist() == [2.0, 1.0]
    assert x.conj() is x and npgrad.resolve_conj(x) is x and x.real is x
    assert not x.is_conj() and npgrad.isreal(x).all()
    with pytest.raises(RuntimeError):
        x.imag
    assert npgrad.get_device(x) == torch.get_device(torch.ones(1))
    npgrad.set_default_tensor_type("torch.DoubleTensor")
    try:
        assert npgrad.ones(1).dtype is npgrad.float64
    finally:
        npgrad.set_default_tensor_type(npgrad.float32)
    assert npgrad.ones(1).dtype is npgrad.float32
    a = npgrad.tensor([[4.0, 2.0], [2.0, 3.0]])
    np.testing.assert_allclose(_np(npgrad.cholesky(a, upper=True)),
                               torch.cholesky(torch.tensor(_np(a)), upper=True).numpy())


def test_as_strided_scatter_gradients():
    # PyTorch's own input gradient is wrong here (it lands on the overwritten positions)
    x = npgrad.arange(12.0, dtype=npgrad.float64).reshape(3, 4).requires_grad_()
    src = npgrad.ones(2, 2, dtype=npgrad.float64, requires_grad=True)
    y = npgrad.as_strided_scatter(x, src, (2, 2), (1, 3))
    y.backward(npgrad.arange(1.0, 13.0, dtype=npgrad.float64).reshape(3, 4))
    assert x.grad.tolist() == [[0, 0, 3, 0], [0, 6, 7, 8], [9, 10, 11, 12]]
    assert src.grad.tolist() == [[1, 4], [2, 5]]
    f = lambda x, s: npgrad.as_strided_scatter(x, s, (2, 2), (4, 1), 2)  # noqa: E731
    assert npgrad.autograd.gradgradcheck(f, (x.detach().requires_grad_(), src))


def test_layouts_and_memory_no_ops():
    x = npgrad.ones(2, 3)
    assert repr(x.layout) == repr(torch.ones(1).layout) == repr(npgrad.strided)
    assert repr(npgrad.channels_last) == repr(torch.channels_last)
    assert x.to(memory_format=npgrad.channels_last).shape == (2, 3)
    assert x.contiguous(memory_format=npgrad.contiguous_format) is not None
    assert x.pin_memory() is x and not x.is_pinned() and x.share_memory_() is x
    assert x.dim_order() == torch.ones(2, 3).dim_order() and x.t().dim_order() == (1, 0)


def test_gumbel_softmax_statistics():
    npgrad.manual_seed(0)
    leaf = npgrad.log(npgrad.tensor([0.1, 0.6, 0.3])).requires_grad_()
    logits = leaf.expand(20000, 3)
    soft = npgrad.nn.functional.gumbel_softmax(logits, tau=0.5)
    assert np.allclose(_np(soft.sum(-1)), 1, atol=1e-5)
    hard = npgrad.nn.functional.gumbel_softmax(logits, hard=True)
    h = _np(hard)
    assert set(np.unique(h)) == {0.0, 1.0} and (h.sum(-1) == 1).all()
    # argmax of logits + Gumbel noise samples the categorical distribution
    np.testing.assert_allclose(h.mean(0), [0.1, 0.6, 0.3], atol=0.015)
    (hard[:, 1]).sum().backward()
    assert leaf.grad is not None and leaf.grad.abs().sum() > 0  # straight-through gradient


def test_deprecated_and_setting_forms():
    a = np.array([[2.0, 0.0, 0.0], [1.0, 3.0, 0.0], [0.5, -1.0, 4.0]])
    b = np.array([[4.0, 1.0], [5.0, 2.0], [1.0, 0.0]])
    for upper, transpose in ((False, False), (True, True), (False, True)):
        A = a if not upper else a.T
        ours = npgrad.triangular_solve(npgrad.tensor(b), npgrad.tensor(A), upper, transpose)
        theirs = torch.triangular_solve(torch.tensor(b), torch.tensor(A), upper, transpose)
        np.testing.assert_allclose(_np(ours.solution), theirs.solution.numpy())
        assert npgrad.equal(ours.cloned_coefficient, npgrad.tensor(A))
    assert npgrad.matrix_rank(npgrad.tensor(a)).item() == 3
    npgrad.manual_seed(0)
    out = _np(npgrad.feature_dropout(npgrad.ones(4, 6, 5), 0.5, True))
    assert ((out == 0).all(-1) | (out == 2).all(-1)).all()  # whole channels
    assert npgrad.feature_dropout(npgrad.ones(2, 3), 0.5, False).tolist() == [[1.0] * 3] * 2
    npgrad.set_deterministic_debug_mode("warn")
    assert npgrad.get_deterministic_debug_mode() == 1
    npgrad.set_deterministic_debug_mode(0)
    assert not npgrad.are_deterministic_algorithms_enabled()
    x = npgrad.ones(2)
    assert x.resize(3).shape == (3,) and x.shape == (2,)
    npgrad.set_anomaly_enabled(True)
    assert npgrad.is_anomaly_enabled()
    npgrad.set_anomaly_enabled(False)


def test_testing_assert_close():
    tc = npgrad.testing.assert_close
    tc(npgrad.tensor([1.0, 2.0]), npgrad.tensor([1.0, 2.000001]))
    tc({"a": [npgrad.ones(2), 3]}, {"a": [npgrad.ones(2), 3]})
    tc(npgrad.tensor([math.nan]), npgrad.tensor([math.nan]), equal_nan=True)
    tc(npgrad.tensor([1.0]), npgrad.tensor([1.5]), rtol=0.0, atol=0.6)
    for a, b, kw in [(npgrad.tensor([1.0, 2.0]), npgrad.tensor([1.0, 2.1]), {}),
                     (npgrad.ones(2), npgrad.ones(2, dtype=npgrad.float64), {}),
                     (npgrad.ones(2), npgrad.ones(3), {}),
                     (npgrad.tensor([1, 2]), npgrad.tensor([1, 3]), {}),
                     (npgrad.tensor([math.nan]), npgrad.tensor([math.nan]), {})]:
        with pytest.raises(AssertionError) as ours:
            tc(a, b, **kw)
        with pytest.raises(AssertionError) as theirs:
            torch.testing.assert_close(torch.tensor(_np(a)), torch.tensor(_np(b)), **kw)
        first = str(theirs.value).splitlines()[0].replace("torch.", "npgrad.")
        assert str(ours.value).splitlines()[0] == first
    tc(npgrad.ones(2), npgrad.ones(2, dtype=npgrad.float64), check_dtype=False)
    with pytest.raises(AssertionError, match="custom"):
        tc(1.0, 2.0, msg="custom")
