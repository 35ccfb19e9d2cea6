"""Indexing, gather/scatter and sorting beyond the op table: errors as PyTorch raises them,
accumulation of repeated indices, in-place forms and their graph rules, result types, and a
large integer-index backward."""
from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
import torch

import npgrad

X = np.arange(24.0).reshape(2, 3, 4)


def _both(fn):
    """Run ``fn(lib, x)`` on the same float64 tensor (requiring grad) in both libraries."""
    xo = npgrad.tensor(X, requires_grad=True)
    xt = torch.tensor(X, requires_grad=True)
    return (fn(npgrad, xo), xo), (fn(torch, xt), xt)


def _raises_like(fn, match=None):
    """``fn(lib)`` raises the same exception class in both libraries; ours names the op."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            fn(torch)
    with pytest.raises(theirs.type) as ours:
        fn(npgrad)
    if match:
        assert match in str(ours.value), str(ours.value)
    return ours.value


# ---------------------------------------------------------------------------------------------
# x[key]
# ---------------------------------------------------------------------------------------------

def test_repeated_index_accumulates():
    x = npgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0]
    x.grad = None
    x[npgrad.tensor([[2, 2], [2, 0]])].sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 3.0]


@pytest.mark.parametrize("key", [
    lambda l: (1, slice(None), [0, 1]),           # ints are selected first, as PyTorch does
    lambda l: ([0, 1], slice(None), 1),
    lambda l: (Ellipsis, l.tensor([3, 3, 0])),
    lambda l: (slice(None), l.tensor([[2, 2], [0, 1]]), slice(1, None)),
    lambda l: [[0, 1], [2, 2]],                    # PyTorch's legacy list-as-tuple rule
    lambda l: [0, slice(None)],
    lambda l: [1.0],                               # a list of floats is long indices
    lambda l: l.tensor([1, 0], dtype=l.uint8),    # a byte tensor is a mask
    lambda l: (l.tensor(1), slice(1, None), l.tensor([True, False, True, True])),
    lambda l: (l.tensor(True),),
    lambda l: (None, 1, None, l.tensor([2, 0])),
])
def test_getitem_against_torch(key):
    g = np.random.default_rng(0)

    def run(lib, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = x[key(lib)]
        w = g.standard_normal(tuple(y.shape))
        (y * lib.tensor(w)).sum().backward()
        return y

    (yo, xo), (yt, xt) = _both(run)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy())
    assert tuple(xo.grad.shape) == tuple(xt.grad.shape)


def test_getitem_grad_matches_torch_mixed():
    g = np.random.default_rng(1).standard_normal((3, 2))

    def run(lib, x):
        y = x[1, :, [0, 3]]
        (y * lib.tensor(g)).sum().backward()
        return y

    (yo, xo), (yt, xt) = _both(run)
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize("fn, exc_name", [
    (lambda l: l.tensor(X)[5], "index"), (lambda l: l.tensor(X)[:, -4], "index"),
    (lambda l: l.tensor(X)[l.tensor([2])], "index"),
    (lambda l: l.tensor(X)[0, 0, 0, 0], "index"),
    (lambda l: l.tensor(X)[1.0], "float"),
    (lambda l: l.tensor(X)[l.tensor([1.0])], "long"),
    (lambda l: l.tensor(X)[l.tensor([1], dtype=l.int8)], "long"),
    (lambda l: l.tensor(X)[l.tensor([True, False, True])], "index"),
    (lambda l: l.tensor(X)[::-1], "step"),
])
def test_getitem_errors(fn, exc_name):
    err = _raises_like(fn)
    assert exc_name in str(err)


def test_getitem_out_of_range_names_op_and_shape():
    err = _raises_like(lambda l: l.tensor(X)[:, 7])
    assert "index 7 is out of bounds for dimension 1 with size 3" in str(err)
    assert "(2, 3, 4)" in str(err)


def test_basic_getitem_is_a_view():
    x = npgrad.zeros(3, 4)
    v = x[1, ::2]
    v += 1
    assert x.sum().item() == 2.0
    assert x[[1]]._data.base is None or not np.shares_memory(x[[1]]._data, x._data)


def test_large_index_backward_is_fast():
    rng = np.random.default_rng(0)
    idx = npgrad.tensor(rng.integers(0, 1000, 10_000))
    w = npgrad.randn(1000, 64, requires_grad=True)
    start = time.perf_counter()
    w[idx].sum().backward()
    elapsed = time.perf_counter() - start
    expected = np.bincount(idx.numpy(), minlength=1000)[:, None] * np.ones(64)
    np.testing.assert_allclose(w.grad.numpy(), expected)
    assert elapsed < 5.0  # a loose bound: a Python loop over the 10,000 rows would miss it

    # also along a later dim, through Ellipsis, and in double backward
    x = npgrad.randn(3, 50, requires_grad=True)
    i = npgrad.tensor(rng.integers(0, 50, 400))
    gx, = npgrad.autograd.grad((x[..., i] ** 2).sum(), x, create_graph=True)
    xt = torch.tensor(x.detach().numpy(), requires_grad=True)
    gt, = torch.autograd.grad((xt[..., torch.tensor(i.numpy())] ** 2).sum(), xt,
                              create_graph=True)
    np.testing.assert_allclose(gx.detach().numpy(), gt.detach().numpy(), rtol=1e-5)
    gx.sum().backward()
    gt.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# x[key] = value
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [
    lambda l: (slice(None), [0, 2]), lambda l: l.tensor(X[:, :, 0] > 5),
    lambda l: (1, slice(None), [3, 0]), lambda l: (Ellipsis, 1),
])
def test_setitem_grads_against_torch(key):
    g = np.random.default_rng(2).standard_normal(X.shape)

    def run(lib, x):
        v = lib.tensor([7.0], dtype=lib.float64, requires_grad=True)
        y = x * 2
        y[key(lib)] = v * 3
        (y * lib.tensor(g)).sum().backward()
        return y, v

    ((yo, vo), xo), ((yt, vt), xt) = _both(run)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy())
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy())
    np.testing.assert_allclose(vo.grad.numpy(), vt.grad.numpy())


def test_setitem_errors_leave_tensor_unchanged():
    x = npgrad.tensor(X.copy())
    with pytest.raises(IndexError, match="out of bounds"):
        x[5] = 1.0
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[0] = npgrad.ones(5)
    np.testing.assert_array_equal(x.numpy(), X)
    leaf = npgrad.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf[0] = 2.0


# ---------------------------------------------------------------------------------------------
# The index_*/masked_*/take/put and gather/scatter families: errors and in-place forms
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda l: l.tensor(X).index_select(0, l.tensor([2])),
    lambda l: l.tensor(X).index_select(0, l.tensor([-1])),
    lambda l: l.tensor(X).index_select(0, l.tensor([[0]])),
    lambda l: l.tensor(X).index_select(0, l.tensor([0.0])),
    lambda l: l.tensor(X).index_add(0, l.tensor([0]), l.ones(1, 3, 4, dtype=l.float32)),
    lambda l: l.tensor(X).index_copy(0, l.tensor([2]), l.ones(1, 3, 4, dtype=l.float64)),
    lambda l: l.tensor(X).index_fill(0, l.tensor([2]), 1.0),
    lambda l: l.tensor(X).gather(0, l.tensor([[[2]]])),
    lambda l: l.tensor(X).gather(0, l.tensor([[-1]])),
    lambda l: l.tensor(X).gather(0, l.tensor([[[1]]]).double()),
    lambda l: l.tensor(X).gather(1, l.zeros(2, 3, 5, dtype=l.int64)),
    lambda l: l.tensor(X).scatter(0, l.tensor([[[5]]]), 1.0),
    lambda l: l.tensor(X).scatter_add(0, l.tensor([[[1]]]), l.ones(1, 1, 1)),
    lambda l: l.tensor(X).scatter_reduce(0, l.tensor([[[1]]]), l.ones(1, 1, 1).double(), "median"),
    lambda l: l.tensor(X).masked_fill(l.ones(4), 1.0),
    lambda l: l.tensor(X).masked_fill(l.ones(4, dtype=l.bool), l.tensor([1.0, 2.0])),
    lambda l: l.tensor(X).masked_fill(l.ones(5, dtype=l.bool), 1.0),
    lambda l: l.ones(4).masked_scatter(l.ones(4, dtype=l.bool), l.ones(3)),
    lambda l: l.ones(4).masked_scatter(l.ones(4, dtype=l.bool), l.ones(4, dtype=l.float64)),
    lambda l: l.tensor(X).take(l.tensor([24])),
    lambda l: l.tensor(X).take(l.tensor([-25])),
    lambda l: l.tensor(X).take(l.tensor([0], dtype=l.int32)),
    lambda l: l.tensor(X).put(l.tensor([1]), l.ones(2, dtype=l.float64)),
    lambda l: l.tensor(X).put(l.tensor([30]), l.ones(1, dtype=l.float64)),
    lambda l: l.tensor(X).take_along_dim(l.tensor([[1]]), 0),
    lambda l: l.nn.functional.one_hot(l.tensor([0.0, 2.0])),
    lambda l: l.nn.functional.one_hot(l.tensor([0, 2]), 2),
    lambda l: l.nn.functional.one_hot(l.tensor([-1]), 3),
    lambda l: l.nn.functional.one_hot(l.tensor([], dtype=l.int64)),
])
def test_family_errors(fn):
    _raises_like(fn)


def test_errors_name_the_op():
    # (PyTorch's index_add raises IndexError for 1-D inputs or an alpha and RuntimeError for
    # N-D ones, and so does npgrad)
    x = npgrad.tensor(X)
    with pytest.raises(RuntimeError, match=r"gather\(\).*out of bounds.*size 2"):
        x.gather(0, npgrad.tensor([[[5]]]))
    # (PyTorch's index_select raises RuntimeError along dim 1, IndexError along the others)
    with pytest.raises(RuntimeError, match=r"index_select\(\).*out of bounds"):
        x.index_select(1, npgrad.tensor([3]))
    with pytest.raises(IndexError, match=r"index_select\(\).*out of bounds"):
        x.index_select(2, npgrad.tensor([4]))
    with pytest.raises(RuntimeError, match=r"index_add\(\).*out of bounds"):
        x.index_add(0, npgrad.tensor([5]), npgrad.ones(1, 3, 4, dtype=npgrad.float64))
    with pytest.raises(IndexError, match=r"index_add\(\).*out of bounds"):
        x.index_add(0, npgrad.tensor([5]), npgrad.ones(1, 3, 4, dtype=npgrad.float64), alpha=2)
    with pytest.raises(IndexError, match=r"take\(\).*24 elements"):
        x.take(npgrad.tensor([24]))


def test_negative_indices_where_pytorch_allows_them():
    for fn in (lambda l, x: x.index_fill(0, l.tensor([-1]), 5.0),
               lambda l, x: x.put(l.tensor([-1, -24]), l.tensor([5.0, 6.0], dtype=l.float64)),
               lambda l, x: x.take(l.tensor([[-1, 0]])),
               lambda l, x: x[l.tensor([-2, -1])]):
        ours = fn(npgrad, npgrad.tensor(X))
        theirs = fn(torch, torch.tensor(X))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name, args", [
    ("index_add_", lambda l: (1, l.tensor([0, 0]), l.ones(2, 2, 4, dtype=l.float64))),
    ("index_copy_", lambda l: (2, l.tensor([3, 0]),
                                l.arange(12.0, dtype=l.float64).reshape(2, 3, 2))),
    ("index_fill_", lambda l: (2, l.tensor([1]), -1.0)),
    ("masked_fill_", lambda l: (l.tensor([True, False, False, True]), 0.5)),
    ("masked_scatter_", lambda l: (l.tensor([True, False, False, True]),
                                   l.arange(30.0, dtype=l.float64))),
    ("put_", lambda l: (l.tensor([0, 5, 5]), l.ones(3, dtype=l.float64), True)),
    ("index_put_", lambda l: ((l.tensor([1, 1]),), l.ones(4, dtype=l.float64), True)),
    ("scatter_", lambda l: (2, l.tensor([[[3, 1]]]), l.ones(1, 1, 2, dtype=l.float64))),
    ("scatter_", lambda l: (0, l.tensor([[[1, 0]]]), 2.5)),
    ("scatter_add_", lambda l: (2, l.tensor([[[3, 3]]]), l.ones(1, 1, 2, dtype=l.float64))),
    ("scatter_reduce_", lambda l: (2, l.tensor([[[3, 3]]]), l.ones(1, 1, 2, dtype=l.float64),
                                   "mean")),
])
def test_inplace_forms(name, args):
    g = np.random.default_rng(3).standard_normal(X.shape)

    def run(lib, x):
        y = x * 1
        out = getattr(y, name)(*args(lib))
        assert out is y and y._version > 0
        (y * lib.tensor(g)).sum().backward()
        return y

    (yo, xo), (yt, xt) = _both(run)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy())
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy())


def test_inplace_on_leaf_raises_and_error_leaves_tensor_unchanged():
    leaf = npgrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.index_fill_(0, npgrad.tensor([0]), 1.0)
    x = npgrad.tensor(X.copy())
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.index_add_(0, npgrad.tensor([7]), npgrad.ones(1, 3, 4, dtype=npgrad.float64))
    np.testing.assert_array_equal(x.numpy(), X)


@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_with_zeros(include_self):
    base = np.array([0.0, 2, 3, 0, 5])
    src = np.array([2.0, 0, 5, 0, 4, 0, 3])
    index = np.array([0, 0, 1, 2, 3, 3, 4])
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor(base, requires_grad=True)
        s = lib.tensor(src, requires_grad=True)
        y = x.scatter_reduce(0, lib.tensor(index), s, "prod", include_self=include_self)
        (y * lib.tensor(np.arange(1.0, 6.0))).sum().backward()
        grads.append((y.detach().numpy(), x.grad.numpy(), s.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs)


def test_scatter_reduce_amax_ties_share_the_gradient():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 5.0], requires_grad=True)
        s = lib.tensor([1.0, 1.0, 2.0], requires_grad=True)
        x.scatter_reduce(0, lib.tensor([0, 0, 1]), s, "amax").sum().backward()
        assert x.grad.tolist() == pytest.approx([1 / 3, 1.0])
        assert s.grad.tolist() == pytest.approx([1 / 3, 1 / 3, 0.0])


def test_gather_scatter_add_adjoint_double_backward():
    x = npgrad.randn(4, 3, dtype=npgrad.float64, requires_grad=True)
    idx = npgrad.tensor([[0, 1, 1], [3, 3, 0]])
    assert npgrad.autograd.gradgradcheck(lambda t: t.gather(0, idx) ** 2, (x,))
    src = npgrad.randn(2, 3, dtype=npgrad.float64, requires_grad=True)
    assert npgrad.autograd.gradgradcheck(
        lambda a, b: a.scatter_add(0, idx, b) ** 2, (x, src))


def test_where_one_argument_is_nonzero_as_tuple():
    c = npgrad.tensor([[0, 1], [2, 0]])
    ours = npgrad.where(c)
    theirs = torch.where(torch.tensor(c.numpy()))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.numpy(), t.numpy())


# ---------------------------------------------------------------------------------------------
# Sorting
# ---------------------------------------------------------------------------------------------

def test_sort_result_type():
    x = npgrad.tensor([3.0, 1.0, 2.0], requires_grad=True)
    r = npgrad.sort(x)
    values, indices = r
    assert r.values is values and r.indices is indices and r[0] is values
    assert isinstance(r, tuple) and type(r).__name__ == "sort"
    assert indices.dtype == npgrad.int64 and not indices.requires_grad
    assert values.grad_fn.name() == torch.sort(torch.tensor([1.0], requires_grad=True))[
        0].grad_fn.name()
    for fn in (npgrad.topk(x, 2), npgrad.kthvalue(x, 1)):
        v, i = fn
        assert fn.values is v and fn.indices is i


def test_topk_unsorted_has_the_same_elements():
    x = np.random.default_rng(4).standard_normal((3, 8))
    ours = npgrad.topk(npgrad.tensor(x), 3, sorted=False)
    theirs = torch.topk(torch.tensor(x), 3, sorted=False)
    np.testing.assert_allclose(np.sort(ours.values.numpy()), np.sort(theirs.values.numpy()))


@pytest.mark.parametrize("fn", [
    lambda l: l.topk(l.tensor([3.0, 1.0]), 3), lambda l: l.kthvalue(l.tensor([3.0, 1.0]), 3),
    lambda l: l.kthvalue(l.tensor([3.0, 1.0]), 0), lambda l: l.sort(l.tensor([1.0]), dim=1),
    lambda l: l.searchsorted(l.tensor([[1.0, 2.0]]), 2.0),
    lambda l: l.searchsorted(l.tensor([[1.0, 2.0], [1.0, 2.0]]), l.tensor([2.0])),
    lambda l: l.searchsorted(l.tensor([1.0, 2.0]), l.tensor([2.0]), side="left", right=True),
    lambda l: l.bucketize(l.tensor([2.0]), l.tensor([[1.0, 2.0]])),
    lambda l: l.unique(l.zeros(0, 3), dim=1),
])
def test_sorting_errors(fn):
    _raises_like(fn)


def test_unique_has_no_derivative():
    x = npgrad.tensor([2.0, 1.0, 2.0], requires_grad=True)
    u = npgrad.unique(x)
    assert u.requires_grad  # as in PyTorch; backward through it raises
    with pytest.raises((RuntimeError, NotImplementedError), match="not implemented"):
        u.sum().backward()


def test_searchsorted_large_batch():
    rng = np.random.default_rng(5)
    seq = np.sort(rng.integers(0, 50, (64, 40)), axis=1)
    vals = rng.integers(-5, 55, (64, 30))
    for right in (False, True):
        ours = npgrad.searchsorted(npgrad.tensor(seq), npgrad.tensor(vals), right=right)
        theirs = torch.searchsorted(torch.tensor(seq), torch.tensor(vals), right=right)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("index, width", [([5], 4), ([5], 3), ([1], 4)])
def test_write_checks_the_value_shape_before_the_bounds(index, width):
    """PyTorch checks that the value broadcasts to the indexing result before the indices'
    bounds: an index out of bounds with a value of the wrong shape is its RuntimeError (the
    fuzzer found npgrad's IndexError there), with a value that fits its IndexError."""
    errors = []
    for lib in (torch, npgrad):
        a = lib.zeros(2, 3)
        with pytest.raises((IndexError, RuntimeError)) as info:
            a[lib.tensor(index)] = lib.ones(width)
        with pytest.raises((IndexError, RuntimeError)) as put:
            a.index_put_((lib.tensor(index),), lib.ones(width))
        errors.append((info.type, put.type))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("op", ["scatter", "scatter_add", "sum", "amax", "prod"])
def test_scatter_with_a_0d_index_reads_src_at_its_origin(op):
    """A 0-d index scatters src's first element, as PyTorch's kernels (the fuzzer found
    NumPy's 'cannot broadcast a non-scalar to a scalar array'); src of another rank than the
    index is PyTorch's RuntimeError."""
    results = []
    for lib in (torch, npgrad):
        x, src, index = lib.zeros(5, dtype=lib.int16), lib.arange(2, 9, dtype=lib.int16), \
            lib.tensor(1)
        if op in ("scatter", "scatter_add"):
            out = getattr(x, op)(0, index, src)
        else:
            out = x.scatter_reduce(0, index, src, op)
        with pytest.raises(RuntimeError, match="same number of dimensions as src"):
            x.scatter_add(0, lib.tensor([1]), src.reshape(1, 7))
        results.append(out.tolist())
    assert results[0] == results[1]


_INDEX_OPS = {"index_select": lambda L: (), "index_add": lambda L: (L.tensor(1.),),
              "index_copy": lambda L: (L.tensor(1.),), "index_fill": lambda L: (1.0,)}


@pytest.mark.parametrize("op", sorted(_INDEX_OPS))
@pytest.mark.parametrize("index", [[], [0, 0], [0]])
def test_index_ops_of_a_0d_self_as_pytorch(op, index):
    """A 0-d self takes one index (index_select, index_add, index_copy: PyTorch's errors
    otherwise) or any (index_fill; none fills nothing: npgrad filled it, and index_add of an
    empty index added the source) (found by the long fuzz run)."""
    results = []
    for lib in (torch, npgrad):
        try:
            results.append(getattr(lib.tensor(3.), op)(0, lib.tensor(index, dtype=lib.int64),
                                                       *_INDEX_OPS[op](lib)).item())
        except (IndexError, RuntimeError) as e:
            results.append(type(e))
    assert results[0] == results[1]
