"""Top-level names of issue #18 that the op harness cannot check by itself: gradients PyTorch
gets wrong, in-place shape changes, dtypes, and the small modules (``npgrad.accelerator``,
``npgrad.multiprocessing``, ``npgrad.masked``...), each against PyTorch 2.13."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad


def test_slice_inverse_gradient_is_as_strided_s():
    """PyTorch's own backward of slice_inverse fails, so only finite differences judge ours."""
    src = npgrad.zeros(3, 4)[:, 1:3]
    x = npgrad.randn(3, 4, dtype=npgrad.float64, requires_grad=True)
    f = lambda x: npgrad.slice_inverse(x, src, 1, 1, 3)  # noqa: E731
    assert npgrad.autograd.gradcheck(f, (x,))
    assert npgrad.autograd.gradgradcheck(f, (x,))


def test_as_strided_in_place_refuses_a_leaf_and_keeps_it():
    x = npgrad.tensor([1., 2., 3., 4.], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.as_strided_((2,), (2,))
    assert x.shape == (4,)
    y = npgrad.tensor([1., 2., 3., 4.])
    assert y.as_strided_((2, 2), (1, 1)) is y
    t = torch.tensor([1., 2., 3., 4.]).as_strided_((2, 2), (1, 1))
    np.testing.assert_array_equal(y.numpy(), t.numpy())
    assert npgrad.as_strided_(npgrad.arange(6.), (2,), (2,), 1).tolist() == [1., 3.]


def test_as_strided_in_place_gradient_matches_pytorch():
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor([1., 2., 3., 4., 5.], requires_grad=True)
        y = x * 1
        y.as_strided_((2, 2), (1, 2), 1)
        (y * lib.tensor([[1., 2.], [3., 4.]])).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_native_dropout_output_is_the_masked_scaled_input(p):
    npgrad.manual_seed(0)
    x = npgrad.randn(200, 50, requires_grad=True)
    out, mask = npgrad.native_dropout(x, p, True)
    assert mask.dtype == npgrad.bool and out.requires_grad
    scale = 0.0 if p == 1.0 else 1 / (1 - p)
    np.testing.assert_allclose(out.detach().numpy(), (x * mask * scale).detach().numpy(),
                               rtol=1e-6)
    assert abs(mask.float().mean().item() - (1 - p)) < 0.02
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), mask.numpy() * scale, rtol=1e-6)


# -- uint16 / uint32 / uint64: what PyTorch 2.13 supports on them -----------------------------

UINT_CASES = {
    "mul": lambda lib, x: x * x, "sum": lambda lib, x: x.sum(), "float": lambda lib, x: x.float(),
    "cast_from_float": lambda lib, x: lib.tensor([1.5, 7.9]).to(x.dtype),
    "wrap": lambda lib, x: lib.tensor([-1]).to(x.dtype),
    "eq": lambda lib, x: x == 1, "cat": lambda lib, x: lib.cat([x, x]),
    "zeros": lambda lib, x: lib.zeros(2, dtype=x.dtype),
    "full": lambda lib, x: lib.full((2,), 7, dtype=x.dtype), "slice": lambda lib, x: x[1:],
    "take": lambda lib, x: x[lib.tensor([0, 0, 2])], "sort": lambda lib, x: x.sort()[0],
    "plus_float": lambda lib, x: x + 1.5, "and": lambda lib, x: x & x, "div": lambda lib, x: x / x,
    "cumsum": lambda lib, x: x.cumsum(0), "prod": lambda lib, x: x.prod(),
    "unique": lambda lib, x: x.unique(), "bool": lambda lib, x: x.bool(),
    "stack_t": lambda lib, x: lib.stack([x, x]).t(), "long": lambda lib, x: x.long(),
}


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
@pytest.mark.parametrize("case", sorted(UINT_CASES))
def test_wide_unsigned_dtypes_as_pytorch(name, case):
    outs = []
    for lib in (npgrad, torch):
        x = lib.tensor([3, 1, 2], dtype=getattr(lib, name))
        outs.append(UINT_CASES[case](lib, x))
    ours, theirs = outs
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
def test_wide_unsigned_dtype_objects_and_promotion(name):
    d, t = getattr(npgrad, name), getattr(torch, name)
    assert (d.itemsize, d.is_signed, d.is_floating_point) == (t.itemsize, t.is_signed,
                                                              t.is_floating_point)
    assert npgrad.iinfo(d).max == torch.iinfo(t).max and npgrad.iinfo(d).bits == torch.iinfo(t).bits
    x = npgrad.tensor([1, 2], dtype=d)
    assert repr(x) == repr(torch.tensor([1, 2], dtype=t)).replace("torch", "npgrad")
    assert x.type() == torch.tensor([1], dtype=t).type()
    assert npgrad.promote_types(d, npgrad.float16) == npgrad.float16
    for other in ("bool", "uint8", "int64", "uint16" if name != "uint16" else "uint32"):
        with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64"):
            torch.promote_types(t, getattr(torch, other))
        with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64"):
            npgrad.promote_types(d, getattr(npgrad, other))
    with pytest.raises(RuntimeError, match="Promotion"):
        x + npgrad.tensor([1, 1])
    assert (x + npgrad.tensor(1.0)).dtype == npgrad.float32
    assert npgrad.from_numpy(x.numpy()).dtype is d


def test_wide_unsigned_tensors_travel_through_checkpoints_both_ways():
    import io
    for name in ("uint16", "uint32", "uint64"):
        buf = io.BytesIO()
        npgrad.save({"a": npgrad.tensor([1, 2, 3], dtype=getattr(npgrad, name))[1:]}, buf)
        buf.seek(0)
        loaded = torch.load(buf)["a"]
        assert loaded.dtype == getattr(torch, name) and loaded.tolist() == [2, 3]
        buf = io.BytesIO()
        torch.save(torch.tensor([4, 5], dtype=getattr(torch, name)), buf)
        buf.seek(0)
        back = npgrad.load(buf)
        assert back.dtype is getattr(npgrad, name) and back.tolist() == [4, 5]


# -- the accelerator API, streams and events, as a CPU-only PyTorch build answers ---------------

def test_accelerator_answers_as_a_cpu_only_build():
    for lib in (npgrad, torch):
        assert lib.accelerator.is_available() is False
        assert lib.accelerator.device_count() == 0
        assert lib.accelerator.current_accelerator() is None
        for name in ("current_device_index", "synchronize", "memory_allocated", "empty_cache",
                     "get_memory_info", "current_stream"):
            with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
                getattr(lib.accelerator, name)()
    assert npgrad.get_device_module() is npgrad.cpu
    assert npgrad.get_device_module("cuda") is npgrad.cuda
    assert npgrad.get_device_module(npgrad.device("cpu")) is npgrad.cpu


def test_stream_and_event_on_the_cpu():
    for lib in (npgrad, torch):
        s, e = lib.Stream(), lib.Event(enable_timing=True)
        assert s.query() and e.query() and s.synchronize() is None and e.synchronize() is None
        assert (s.device_index, s.stream_id) == (-1, 0) and str(s.device) == "cpu"
        assert s == lib.Stream() and hash(s) == hash(lib.Stream())
        assert repr(s).replace("npgrad", "torch") == repr(s)
        for call in (s.record_event, e.record, lambda: s.wait_stream(lib.Stream())):
            with pytest.raises(RuntimeError, match="cpu backend doesn't support events"):
                call()
        with pytest.raises(ValueError, match="enable_timing=True"):
            e.elapsed_time(lib.Event())
    assert repr(npgrad.Event()) == repr(torch.Event())


def test_top_level_aliases_and_errors():
    assert npgrad.GradScaler is npgrad.amp.GradScaler
    assert npgrad.OutOfMemoryError is npgrad.cuda.OutOfMemoryError
    assert issubclass(npgrad.AcceleratorError, RuntimeError)
    assert issubclass(npgrad.FatalError, Exception) and not issubclass(npgrad.FatalError,
                                                                       RuntimeError)
    assert npgrad.legacy_contiguous_format is npgrad.contiguous_format
    assert npgrad.thread_safe_generator() is None and torch.thread_safe_generator() is None
    assert npgrad.functional.einsum is npgrad.einsum
    assert npgrad.types.Number == torch.types.Number


@pytest.mark.parametrize("a, b", [("2.1.0", "2.1"), ("2.1.0", (2, 2)), ("2.1.0a0", "2.1.0"),
                                  ("2.1.0+cpu", "2.1.0"), ("1.10", "1.9"),
                                  ("2.1.0.post1", "2.1.0"), ("2.1.0rc1", "2.1.0a1")])
def test_torch_version_compares_as_pytorch_s(a, b):
    ours, theirs = npgrad.torch_version.TorchVersion(a), torch.torch_version.TorchVersion(a)
    for op in ("__eq__", "__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(ours, op)(b) == getattr(theirs, op)(b), op


def test_autocast_nesting_counts_regions_as_pytorch():
    got = []
    for lib in (npgrad, torch):
        with lib.autocast("cpu"):
            inside = (lib.autocast_increment_nesting(), lib.autocast_decrement_nesting())
        got.append(inside + (lib.autocast_increment_nesting(), lib.autocast_decrement_nesting()))
    assert got[0] == got[1]


def test_set_autocast_gpu_dtype_is_deprecated_set_autocast_dtype():
    before = npgrad.get_autocast_dtype("cuda")
    with pytest.warns(DeprecationWarning, match="set_autocast_dtype"):
        npgrad.set_autocast_gpu_dtype(npgrad.bfloat16)
    assert npgrad.get_autocast_dtype("cuda") is npgrad.bfloat16
    npgrad.set_autocast_dtype("cuda", before)


# -- npgrad.signal.windows ---------------------------------------------------------------------

WINDOWS = [("bartlett", {}), ("blackman", {}), ("cosine", {}), ("exponential", {}),
           ("exponential", {"tau": 2.5}), ("gaussian", {}), ("gaussian", {"std": 0.3}),
           ("general_cosine", {"a": [0.46, 0.23, 0.31]}), ("general_hamming", {}),
           ("general_hamming", {"alpha": 0.7}), ("hamming", {}), ("hann", {}), ("kaiser", {}),
           ("kaiser", {"beta": 3.0}), ("nuttall", {})]


@pytest.mark.parametrize("name, kw", WINDOWS)
@pytest.mark.parametrize("M", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("sym", [True, False])
def test_signal_windows_as_pytorch(name, kw, M, sym):
    ours = getattr(npgrad.signal.windows, name)(M, sym=sym, **kw)
    theirs = getattr(torch.signal.windows, name)(M, sym=sym, **kw)
    assert ours.dtype == npgrad.float32 and ours.shape == theirs.shape
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)
    o64 = getattr(npgrad.signal.windows, name)(M, sym=sym, dtype=npgrad.float64,
                                               requires_grad=True, **kw)
    t64 = getattr(torch.signal.windows, name)(M, sym=sym, dtype=torch.float64,
                                              requires_grad=True, **kw)
    assert o64.requires_grad and o64.dtype == npgrad.float64
    np.testing.assert_allclose(o64.detach().numpy(), t64.detach().numpy(), rtol=1e-12,
                               atol=1e-14)


def test_signal_windows_errors_as_pytorch():
    calls = [("hann", (-1,), {}), ("exponential", (5,), {"tau": 0}),
             ("exponential", (5,), {"center": 1.0}), ("gaussian", (3,), {"std": 0}),
             ("kaiser", (5,), {"beta": -1}), ("general_cosine", (5,), {"a": 3}),
             ("hann", (5,), {"dtype": "int64"})]
    for name, args, kw in calls:
        errors = []
        for lib in (npgrad, torch):
            kw2 = {**kw, "dtype": getattr(lib, kw["dtype"])} if "dtype" in kw else kw
            with pytest.raises(Exception) as info:
                getattr(lib.signal.windows, name)(*args, **kw2)
            errors.append((type(info.value), str(info.value).replace("npgrad", "torch")))
        assert errors[0] == errors[1]
    ours = npgrad.signal.windows.exponential(6, center=1.0, sym=False)
    np.testing.assert_allclose(ours.numpy(), torch.signal.windows.exponential(
        6, center=1.0, sym=False).numpy(), rtol=1e-6)


# -- npgrad.multiprocessing: tensors shared through pickling, spawn ----------------------------

def _add_rank_in_place(rank, queue, done):
    """A child: take a tensor from the queue, change it in place, say so."""
    t = queue.get(timeout=60)
    with npgrad.no_grad():  # (a Parameter is a leaf that requires grad)
        t.add_(10 * (rank + 1))
    done.put((rank, t.is_shared(), type(t).__name__))


def _fail_on_rank_one(rank):
    if rank == 1:
        raise ValueError("rank one fails")


def _exit_three(rank):
    raise SystemExit(3)


def test_tensors_sent_to_processes_share_memory():
    import npgrad.multiprocessing as mp
    ctx = mp.get_context("spawn")
    queue, done = ctx.Queue(), ctx.Queue()
    t = npgrad.zeros(4)
    p = npgrad.nn.Parameter(npgrad.ones(2, 3))
    context = mp.start_processes(_add_rank_in_place, args=(queue, done), nprocs=2, join=False,
                                 start_method="spawn")
    t.share_memory_()
    queue.put(t[1:])  # a view into shared memory: sent as the block and its offset
    queue.put(p)
    got = sorted(done.get(timeout=60) for _ in range(2))
    while not context.join(timeout=60):
        pass
    assert [g[1] for g in got] == [True, True]
    assert sorted(g[2] for g in got) == ["Parameter", "Tensor"]
    # each child added 10 or 20 to what it got, in the parent's memory
    assert p.is_shared() and t.is_shared() and float(t[0]) == 0.0
    changed = [float(v) for v in p.reshape(-1)[:1]] + [float(v) for v in t[1:2]]
    assert sorted(changed) in ([10.0, 21.0], [11.0, 20.0])


def test_non_leaf_tensors_that_require_grad_are_refused_as_pytorch_does():
    import pickle
    from multiprocessing.reduction import ForkingPickler
    import npgrad.multiprocessing  # noqa: F401  (registers the reductions)
    x = npgrad.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing"):
        ForkingPickler.dumps(x)
    y = pickle.loads(ForkingPickler.dumps(npgrad.arange(6.).reshape(2, 3).t()))
    assert y.tolist() == [[0., 3.], [1., 4.], [2., 5.]]


def test_spawn_raises_a_child_s_error_in_the_parent():
    import npgrad.multiprocessing as mp
    with pytest.raises(mp.ProcessRaisedException, match="rank one fails") as info:
        mp.spawn(_fail_on_rank_one, nprocs=2)
    assert info.value.error_index == 1
    with pytest.raises(mp.ProcessExitedException, match="exit code 3") as info:
        mp.spawn(_exit_three, nprocs=1)
    assert info.value.exit_code == 3


def test_multiprocessing_names_and_sharing_strategies():
    import multiprocessing
    import npgrad.multiprocessing as mp
    import torch.multiprocessing as tmp
    assert mp.get_all_sharing_strategies() == tmp.get_all_sharing_strategies()
    assert mp.get_sharing_strategy() == tmp.get_sharing_strategy()
    mp.set_sharing_strategy("file_system")
    assert mp.get_sharing_strategy() == "file_system"
    mp.set_sharing_strategy("file_descriptor")
    assert set(multiprocessing.__all__) <= set(dir(mp))


# -- npgrad.masked -------------------------------------------------------------------------------

MASKED = [
    ("sum", lambda m, x, k: m.sum(x, 1, mask=k)), ("sum-all", lambda m, x, k: m.sum(x, mask=k)),
    ("sum-keep", lambda m, x, k: m.sum(x, (0, 1), keepdim=True, mask=k)),
    ("prod", lambda m, x, k: m.prod(x, 1, mask=k)), ("amax", lambda m, x, k: m.amax(x, 1, mask=k)),
    ("amin", lambda m, x, k: m.amin(x, 0, mask=k)),
    ("argmax", lambda m, x, k: m.argmax(x, 1, mask=k)),
    ("argmin", lambda m, x, k: m.argmin(x, 1, keepdim=True, mask=k)),
    ("mean", lambda m, x, k: m.mean(x, 1, mask=k)), ("mean-all", lambda m, x, k: m.mean(x, mask=k)),
    ("var", lambda m, x, k: m.var(x, 1, mask=k)),
    ("var-biased", lambda m, x, k: m.var(x, 1, unbiased=False, keepdim=True, mask=k)),
    ("std", lambda m, x, k: m.std(x, 1, correction=0, mask=k)),
    ("norm", lambda m, x, k: m.norm(x, 2.0, 1, mask=k)),
    ("norm1", lambda m, x, k: m.norm(x, 1.0, (0, 1), mask=k)),
    ("logsumexp", lambda m, x, k: m.logsumexp(x, 1, mask=k)),
    ("median", lambda m, x, k: m.median(x, 1, mask=k)),
    ("cumsum", lambda m, x, k: m.cumsum(x, 1, mask=k)),
    ("cumprod", lambda m, x, k: m.cumprod(x, 1, mask=k)),
    ("softmax", lambda m, x, k: m.softmax(x, 1, mask=k)),
    ("log_softmax", lambda m, x, k: m.log_softmax(x, 1, mask=k)),
    ("softmin", lambda m, x, k: m.softmin(x, 0, mask=k)),
    ("normalize", lambda m, x, k: m.normalize(x, 2.0, 1, mask=k)),
    ("logaddexp", lambda m, x, k: m.logaddexp(x, x * 2, input_mask=k, other_mask=~k)),
    ("sum-nomask", lambda m, x, k: m.sum(x, 1)),
    ("mean-rowmask", lambda m, x, k: m.mean(x, 1, mask=k[:, :1])),
]


@pytest.mark.parametrize("name, fn", MASKED, ids=[n for n, _ in MASKED])
def test_masked_functions_as_pytorch(name, fn):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5))
    k = rng.random((4, 5)) < 0.6
    k[1] = False  # a row with no element at all
    k[2] = True
    outs, grads = [], []
    for lib in (npgrad, torch):
        xt = lib.tensor(x, requires_grad=True)
        out = fn(lib.masked, xt, lib.tensor(k))
        outs.append(out)
        if out.dtype.is_floating_point and out.requires_grad:
            g = np.random.default_rng(1).normal(size=tuple(out.shape))  # (same in both)
            (lib.where(lib.isfinite(out), out, 0) * lib.tensor(g)).sum().backward()
            grads.append(xt.grad)
    ours, theirs = outs
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6,
                               atol=1e-9)
    if len(grads) == 2 and grads[1] is not None:
        np.testing.assert_allclose(np.nan_to_num(grads[0].numpy()),
                                   np.nan_to_num(grads[1].numpy()), rtol=1e-6, atol=1e-9)


# -- memory from elsewhere: DLPack, files; empty_permuted; Tensor.as_subclass / to_dense ---------

def test_dlpack_shares_memory_with_pytorch_and_numpy_both_ways():
    x = npgrad.arange(4.)
    t = torch.from_dlpack(x)  # (Tensor.__dlpack__)
    t[0] = 5
    assert x.tolist() == [5., 1., 2., 3.]
    y = npgrad.from_dlpack(torch.arange(3))
    assert y.dtype is npgrad.int64 and y.tolist() == [0, 1, 2]
    z = npgrad.from_dlpack(npgrad.to_dlpack(x))
    z[1] = 7
    torch.from_dlpack(npgrad.to_dlpack(x))[2] = 8
    assert x.tolist() == [5., 7., 8., 3.]
    a = np.zeros(3, np.float32)
    npgrad.from_dlpack(a)[0] = 1
    assert a[0] == 1 and npgrad.from_dlpack(a, copy=True).add_(1)[0] == 2 and a[0] == 1


def test_from_file_reads_or_maps_as_pytorch(tmp_path):
    path = str(tmp_path / "data.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    for kw in ({"size": 4}, {"size": 3, "dtype": "int32"}, {"size": 0}, {}):
        outs = [lib.from_file(path, **{k: getattr(lib, v) if k == "dtype" else v
                                       for k, v in kw.items()}) for lib in (npgrad, torch)]
        assert outs[0].tolist() == outs[1].tolist()
    mapped = npgrad.from_file(path, shared=True, size=6)
    mapped[0] = 9
    assert np.fromfile(path, np.float32)[0] == 9
    with pytest.raises(RuntimeError, match="smaller than the required mapping size"):
        npgrad.from_file(path, size=100)


@pytest.mark.parametrize("size, order", [((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (0, 2, 3, 1)),
                                         ((3,), (0,)), ((2, 1, 3), (2, 1, 0))])
def test_empty_permuted_lays_memory_out_as_pytorch(size, order):
    ours, theirs = npgrad.empty_permuted(size, order), torch.empty_permuted(size, order)
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()


def test_as_subclass_and_to_dense():
    class Mine(npgrad.Tensor):
        pass
    w = npgrad.ones(2, requires_grad=True)
    s = w.as_subclass(Mine)
    assert type(s) is Mine and s.requires_grad and s.grad_fn is not None
    (s * 3).sum().backward()
    assert w.grad.tolist() == [3., 3.]
    with pytest.raises(TypeError):
        w.as_subclass(int)
    assert w.to_dense() is w and w.to_dense(npgrad.float64).dtype is npgrad.float64
