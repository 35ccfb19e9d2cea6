"""CPU autocast (``torch.autocast('cpu')``, ``torch.amp.autocast``, ``torch.cpu.amp.autocast``)
against PyTorch's: the output dtype of each op on its lists, values within bfloat16's
precision, gradients in each input's own dtype, and the region's state (nesting, disabled
regions, decorators, unsupported dtypes)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import npgrad

RNG = np.random.default_rng(0)


def _arr(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _f(lib):
    return lib.nn.functional


X, W, B = _arr(4, 3), _arr(5, 3), _arr(5)
M, BX = _arr(3, 3), _arr(2, 3, 3)
IMG, K = _arr(1, 2, 5, 5), _arr(3, 2, 3, 3)
SIG = 1 / (1 + np.exp(-X))
T = np.array([0, 1, 2, 0])
SPD = (M @ M.T + 3 * np.eye(3)).astype(np.float32)

# op -> (function of (lib, tensors...), input arrays): float32 inputs in both libraries
LOWER = {
    "linear": (lambda lib, x, w, b: _f(lib).linear(x, w, b), (X, W, B)),
    "matmul": (lambda lib, x, w: x @ w.T, (X, W)),
    "mm": (lambda lib, a, b: lib.mm(a, b), (M, M)),
    "bmm": (lambda lib, a, b: lib.bmm(a, b), (BX, BX)),
    "baddbmm": (lambda lib, i, a, b: lib.baddbmm(i, a, b), (BX, BX, BX)),
    "addmm": (lambda lib, i, a, b: lib.addmm(i, a, b), (M, M, M)),
    "addbmm": (lambda lib, i, a, b: lib.addbmm(i, a, b), (M, BX, BX)),
    "conv1d": (lambda lib, x, k: _f(lib).conv1d(x, k), (_arr(1, 2, 5), _arr(3, 2, 2))),
    "conv2d": (lambda lib, x, k: _f(lib).conv2d(x, k), (IMG, K)),
    "conv3d": (lambda lib, x, k: _f(lib).conv3d(x, k), (_arr(1, 1, 3, 3, 3), _arr(1, 1, 2, 2, 2))),
    "conv_transpose2d": (lambda lib, x, k: _f(lib).conv_transpose2d(x, k),
                         (IMG, _arr(2, 3, 3, 3))),
    "prelu": (lambda lib, x, a: _f(lib).prelu(x, a), (X, np.array([0.2], np.float32))),
    "scaled_dot_product_attention": (
        lambda lib, q, k, v: _f(lib).scaled_dot_product_attention(q, k, v), (BX, BX, BX)),
    "einsum": (lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), (M, M)),
    "tensordot": (lambda lib, a, b: lib.tensordot(a, b, 1), (M, M)),
    "multi_dot": (lambda lib, a, b: lib.linalg.multi_dot([a, b]), (M, M)),
}

# ops on the float32 list, given bfloat16 inputs
FLOAT32 = {
    "mse_loss": (lambda lib, a, b: _f(lib).mse_loss(a, b), (X, X[::-1].copy())),
    "l1_loss": (lambda lib, a, b: _f(lib).l1_loss(a, b), (X, X[::-1].copy())),
    "huber_loss": (lambda lib, a, b: _f(lib).huber_loss(a, b), (X, X[::-1].copy())),
    "cross_entropy": (lambda lib, x: _f(lib).cross_entropy(x, lib.tensor(T)), (X,)),
    "nll_loss": (lambda lib, x: _f(lib).nll_loss(x, lib.tensor(T)), (X,)),
    "binary_cross_entropy_with_logits": (
        lambda lib, x, y: _f(lib).binary_cross_entropy_with_logits(x, y), (X, SIG)),
    "binary_cross_entropy": (lambda lib, x, y: _f(lib).binary_cross_entropy(x, y), (SIG, SIG)),
    "kl_div": (lambda lib, a, b: _f(lib).kl_div(a, b, reduction="batchmean"), (X, SIG)),
    "prod": (lambda lib, x: x.prod(), (X,)),
    "trace": (lambda lib, m: lib.trace(m), (M,)),
    "cdist": (lambda lib, a, b: lib.cdist(a, b), (M, M[::-1].copy())),
    "avg_pool3d": (lambda lib, x: _f(lib).avg_pool3d(x, 1), (_arr(1, 1, 2, 2, 2),)),
    "linalg.solve": (lambda lib, a, b: lib.linalg.solve(a, b), (SPD, M)),
    "linalg.eigvalsh": (lambda lib, a: lib.linalg.eigvalsh(a), (SPD,)),
    "linalg.svdvals": (lambda lib, a: lib.linalg.svdvals(a), (SPD,)),
    "linalg.inv": (lambda lib, a: lib.linalg.inv(a), (SPD,)),
    "pad-reflect-2d": (lambda lib, x: _f(lib).pad(x, (1, 1, 1, 1), mode="reflect"), (IMG,)),
    "pad-replicate-3d": (lambda lib, x: _f(lib).pad(x, (1,) * 6, mode="replicate"),
                         (_arr(1, 1, 2, 2, 2),)),
}

# ops on neither list: they run in their inputs' dtype (float32 here)
NEITHER = {
    "mv": (lambda lib, m, v: lib.mv(m, v), (M, X[0])),
    "relu": (lambda lib, x: _f(lib).relu(x), (X,)),
    "softmax": (lambda lib, x: _f(lib).softmax(x, -1), (X,)),
    "layer_norm": (lambda lib, x: _f(lib).layer_norm(x, (3,)), (X,)),
    "sum": (lambda lib, x: x.sum(), (X,)),
}


def _run(lib, fn, arrays, in_dtype, region_dtype):
    ts = [lib.tensor(a).to(getattr(lib, in_dtype)).requires_grad_() for a in arrays]
    with lib.autocast("cpu", dtype=getattr(lib, region_dtype)):
        out = fn(lib, *ts)
    (out.float() * lib.tensor(np.linspace(-1, 1, out.numel(), dtype=np.float32)).reshape(
        out.shape)).sum().backward()
    return out, ts


def _np(t):
    t = t.detach()
    return np.asarray(t.float()._data if isinstance(t, npgrad.Tensor) else t.float().numpy())


def _compare(name, fn, arrays, in_dtype, region_dtype):
    ours, ours_in = _run(npgrad, fn, arrays, in_dtype, region_dtype)
    theirs, theirs_in = _run(torch, fn, arrays, in_dtype, region_dtype)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], name
    tol = dict(atol=3e-2, rtol=3e-2)
    np.testing.assert_allclose(_np(ours), _np(theirs), err_msg=name, **tol)
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        assert a.grad.dtype == getattr(npgrad, in_dtype), f"{name}: grad {i} dtype"
        assert str(b.grad.dtype) == f"torch.{in_dtype}"
        np.testing.assert_allclose(_np(a.grad), _np(b.grad), err_msg=f"{name} grad {i}",
                                   atol=6e-2, rtol=6e-2)


@pytest.mark.parametrize("region", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", sorted(LOWER))
def test_lower_precision_ops_run_in_the_region_dtype(name, region):
    fn, arrays = LOWER[name]
    _compare(name, fn, arrays, "float32", region)


@pytest.mark.parametrize("name", sorted(FLOAT32))
def test_float32_ops_run_in_float32(name):
    fn, arrays = FLOAT32[name]
    _compare(name, fn, arrays, "bfloat16", "bfloat16")


# bfloat16 inputs of ops on neither list stay bfloat16
NEITHER_BF16 = {
    "pad-reflect-3d": (lambda lib, x: _f(lib).pad(x, (1,) * 6, mode="reflect"),
                       (_arr(1, 1, 2, 2, 2),)),
    "pad-circular": (lambda lib, x: _f(lib).pad(x, (1, 1), mode="circular"), (X[None],)),
    "softmax": (lambda lib, x: _f(lib).softmax(x, -1), (X,)),
    "add": (lambda lib, x, y: x + y, (X, X)),
}


@pytest.mark.parametrize("name", sorted(NEITHER))
def test_other_ops_keep_their_inputs_dtype(name):
    fn, arrays = NEITHER[name]
    _compare(name, fn, arrays, "float32", "bfloat16")


@pytest.mark.parametrize("name", sorted(NEITHER_BF16))
def test_other_ops_keep_bfloat16_inputs_in_bfloat16(name):
    fn, arrays = NEITHER_BF16[name]
    _compare(name, fn, arrays, "bfloat16", "bfloat16")


def test_float64_and_integer_inputs_are_not_cast():
    for lib in (npgrad, torch):
        with lib.autocast("cpu"):
            assert (lib.ones(2, 2, dtype=lib.float64) @ lib.ones(2, 2, dtype=lib.float64)
                    ).dtype == lib.float64
            assert (lib.ones(2, 2, dtype=lib.int64) @ lib.ones(2, 2, dtype=lib.int64)
                    ).dtype == lib.int64
            assert lib.ones(3).prod(dtype=lib.float64).dtype == lib.float64


def test_a_module_trains_under_autocast_with_float32_parameters():
    def step(lib):
        lib.manual_seed(0)
        net = lib.nn.Linear(3, 2)
        with lib.no_grad():
            net.weight.copy_(lib.tensor(W[:2]))
            net.bias.copy_(lib.tensor(B[:2]))
        with lib.autocast(device_type="cpu", dtype=lib.bfloat16):
            out = net(lib.tensor(X))
            loss = lib.nn.functional.cross_entropy(out, lib.tensor(T % 2))
        loss.backward()
        return out, loss, net.weight.grad
    (o1, l1, g1), (o2, l2, g2) = step(npgrad), step(torch)
    assert o1.dtype == npgrad.bfloat16 and l1.dtype == npgrad.float32
    assert g1.dtype == npgrad.float32
    np.testing.assert_allclose(_np(l1), _np(l2), rtol=2e-2)
    np.testing.assert_allclose(_np(g1), _np(g2), atol=2e-2, rtol=2e-2)


def test_region_state_nesting_disabling_and_decorating():
    for lib in (npgrad, torch):
        assert not lib.is_autocast_enabled("cpu")
        assert lib.get_autocast_dtype("cpu") == lib.bfloat16
        with lib.autocast("cpu", dtype=lib.float16):
            assert lib.is_autocast_enabled("cpu") and not lib.is_autocast_enabled()
            assert lib.get_autocast_dtype("cpu") == lib.float16
            with lib.autocast("cpu", enabled=False):
                assert not lib.is_autocast_enabled("cpu")
                assert (lib.ones(2, 2) @ lib.ones(2, 2)).dtype == lib.float32
            with lib.amp.autocast("cpu"):  # (no dtype: the enclosing region's)
                assert lib.get_autocast_dtype("cpu") == lib.float16
            with lib.amp.autocast("cpu", dtype=lib.bfloat16):
                assert (lib.ones(2, 2) @ lib.ones(2, 2)).dtype == lib.bfloat16
            assert lib.is_autocast_enabled("cpu")
            assert (lib.ones(2, 2) @ lib.ones(2, 2)).dtype == lib.float16
        assert not lib.is_autocast_enabled("cpu")
        assert lib.get_autocast_dtype("cpu") == lib.bfloat16

        @lib.autocast("cpu")
        def f(a):
            return a @ a, lib.is_autocast_enabled("cpu")
        out, on = f(lib.ones(2, 2))
        assert on and out.dtype == lib.bfloat16 and not lib.is_autocast_enabled("cpu")


def test_the_state_is_restored_when_the_region_raises():
    for lib in (npgrad, torch):
        with pytest.raises(ValueError):
            with lib.autocast("cpu"):
                raise ValueError("boom")
        assert not lib.is_autocast_enabled("cpu")
    with npgrad.autocast("cpu"):
        with pytest.raises(RuntimeError):
            npgrad.mm(npgrad.ones(2, 3), npgrad.ones(2, 3))  # an op that raises inside
        assert npgrad.is_autocast_enabled("cpu")


def _warnings(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        region = make()
    return region, [(w.category, str(w.message)) for w in caught]


def test_cpu_amp_autocast_is_the_deprecated_spelling_with_pytorchs_warning():
    ours, ow = _warnings(lambda: npgrad.cpu.amp.autocast())
    theirs, tw = _warnings(lambda: torch.cpu.amp.autocast())
    assert ow == tw and ow[0][0] is FutureWarning
    with ours:
        assert npgrad.is_autocast_enabled("cpu")
        assert (npgrad.ones(2, 2) @ npgrad.ones(2, 2)).dtype == npgrad.bfloat16
    _, ow = _warnings(lambda: npgrad.cpu.amp.GradScaler())
    _, tw = _warnings(lambda: torch.cpu.amp.GradScaler())
    assert ow == tw


def test_an_unsupported_dtype_disables_the_region_with_pytorchs_warning():
    for lib in (npgrad, torch):
        region, caught = _warnings(lambda: lib.autocast("cpu", dtype=lib.float32))
        assert "In CPU autocast, but the target dtype is not supported" in caught[0][1]
        with region:
            assert not lib.is_autocast_enabled("cpu")


def test_the_cpu_module_answers_as_pytorchs():
    for name in ("is_available", "device_count", "current_device"):
        assert getattr(npgrad.cpu, name)() == getattr(torch.cpu, name)(), name
    assert npgrad.cpu.synchronize() is None


def test_the_region_is_per_thread_as_pytorchs():
    import threading
    for lib in (npgrad, torch):
        seen = []

        def probe():
            seen.append((lib.is_autocast_enabled("cpu"),
                         str((lib.ones(2, 2) @ lib.ones(2, 2)).dtype).split(".")[-1]))
        with lib.autocast("cpu"):
            worker = threading.Thread(target=probe)
            worker.start()
            worker.join(timeout=60)
            assert lib.is_autocast_enabled("cpu")
        assert seen == [(False, "float32")]


def test_the_deprecated_per_device_functions_warn_as_pytorchs():
    calls = [lambda lib: lib.is_autocast_cpu_enabled(), lambda lib: lib.get_autocast_cpu_dtype(),
             lambda lib: lib.get_autocast_gpu_dtype(),
             lambda lib: lib.set_autocast_cpu_enabled(False),
             lambda lib: lib.set_autocast_cpu_dtype(lib.bfloat16)]
    for call in calls:
        results, messages = [], []
        for lib in (npgrad, torch):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                results.append(str(call(lib)).split(".")[-1])
            assert caught[0].category is DeprecationWarning
            messages.append(str(caught[0].message).split(" (Triggered")[0])
        assert results[0] == results[1] and messages[0] == messages[1]
    for lib in (npgrad, torch):
        assert lib.is_autocast_cache_enabled()
        lib.set_autocast_cache_enabled(False)
        assert not lib.is_autocast_cache_enabled()
        lib.set_autocast_cache_enabled(True)
        lib.clear_autocast_cache()
