"""Convolution, pooling and resampling beyond the op table: errors as PyTorch raises them,
node names, indices, NaN and -inf windows, double backward, repeated backward, larger shapes."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

RNG = np.random.default_rng(0)


def _pair(*shapes, dtype="float64", grad=True):
    arrays = [RNG.standard_normal(s).astype(dtype) for s in shapes]
    ours = [npgrad.tensor(a, requires_grad=grad) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=grad) for a in arrays]
    return ours, theirs


def _np(t) -> np.ndarray:
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach()._data)


# ---------------------------------------------------------------------------------------------
# Errors: the same exception class as PyTorch, and inputs left unchanged
# ---------------------------------------------------------------------------------------------

def _x(*s):
    return lambda lib: lib.ones(*s)


ERRORS = [
    ("dtype", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5, dtype=lib.float64),
                                      lib.ones(3, 2, 2, 2))),
    ("bias dtype", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 2, 2),
                                           lib.ones(3, dtype=lib.float64))),
    ("channels", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 1, 2, 2))),
    ("rank", lambda F, lib: F.conv2d(lib.ones(5, 5), lib.ones(3, 1, 2, 2))),
    ("bias size", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 2, 2),
                                          lib.ones(4))),
    ("groups", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 1, 2, 2), groups=2)),
    ("kernel too big", lambda F, lib: F.conv2d(lib.ones(1, 2, 3, 3), lib.ones(3, 2, 4, 4))),
    ("padding string", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 2, 2),
                                               padding="full")),
    ("same strided", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 2, 2),
                                             stride=2, padding="same")),
    ("negative padding", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 2, 2),
                                                 padding=-1)),
    ("zero stride", lambda F, lib: F.conv1d(lib.ones(1, 2, 5), lib.ones(3, 2, 2), stride=0)),
    ("stride length", lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 2, 2),
                                              stride=(1, 1, 1))),
    ("output_padding", lambda F, lib: F.conv_transpose2d(lib.ones(1, 2, 3, 3),
                                                         lib.ones(2, 3, 2, 2),
                                                         output_padding=1)),
    ("transposed channels", lambda F, lib: F.conv_transpose2d(lib.ones(1, 3, 3, 3),
                                                              lib.ones(2, 3, 2, 2))),
    ("pool pad", lambda F, lib: F.max_pool2d(lib.ones(1, 1, 4, 4), 2, padding=2)),
    ("pool too small", lambda F, lib: F.max_pool2d(lib.ones(1, 1, 1, 1), 2)),
    ("empty weight", lambda F, lib: F.conv2d(lib.ones(2, 3, 5, 5), lib.ones(0, 3, 3, 3),
                                             stride=2)),
    ("pool rank", lambda F, lib: F.max_pool2d(lib.ones(5, 5), 2)),
    ("pool kernel", lambda F, lib: F.avg_pool2d(lib.ones(1, 1, 4, 4), (2, 2, 2))),
    ("pool stride", lambda F, lib: F.avg_pool2d(lib.ones(1, 1, 4, 4), 2, stride=0)),
    ("adaptive rank", lambda F, lib: F.adaptive_avg_pool2d(lib.ones(5, 5), 2)),
    ("size and scale", lambda F, lib: F.interpolate(lib.ones(1, 1, 4, 4), size=2,
                                                    scale_factor=2)),
    ("no size", lambda F, lib: F.interpolate(lib.ones(1, 1, 4, 4))),
    ("align nearest", lambda F, lib: F.interpolate(lib.ones(1, 1, 4, 4), scale_factor=2,
                                                   align_corners=True)),
    ("bilinear 3d", lambda F, lib: F.interpolate(lib.ones(1, 1, 4), scale_factor=2,
                                                 mode="bilinear")),
    ("unfold rank", lambda F, lib: F.unfold(lib.ones(1, 1, 4, 4, 4), 2)),
    ("fold rank", lambda F, lib: F.fold(lib.ones(1, 1, 1, 4), (3, 3), 2)),
    ("fold blocks", lambda F, lib: F.fold(lib.ones(1, 4, 5), (3, 3), 2)),
    ("fold channels", lambda F, lib: F.fold(lib.ones(1, 5, 4), (3, 3), 2)),
    ("shuffle channels", lambda F, lib: F.pixel_shuffle(lib.ones(1, 5, 2, 2), 2)),
    ("unshuffle size", lambda F, lib: F.pixel_unshuffle(lib.ones(1, 1, 5, 4), 2)),
]


@pytest.mark.parametrize("name,call", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call):
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch)
    with pytest.raises(Exception) as ours:
        call(npgrad.nn.functional, npgrad)
    assert ours.type is theirs.type, f"{name}: {ours.value!r} vs torch {theirs.value!r}"


def test_error_leaves_inputs_unchanged():
    x = npgrad.ones(1, 2, 5, 5, requires_grad=True)
    w = npgrad.ones(3, 1, 2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="channels"):
        npgrad.nn.functional.conv2d(x, w)
    assert x.grad is None and float(x.sum()) == 50 and float(w.sum()) == 12


# ---------------------------------------------------------------------------------------------
# Node names, indices, special values
# ---------------------------------------------------------------------------------------------

NAMED = [
    lambda F, x: F.conv2d(x, x[:3, :, :2, :2] * 1),
    lambda F, x: F.conv_transpose2d(x, x[:, :3, :2, :2] * 1),
    lambda F, x: F.max_pool2d(x, 2),
    lambda F, x: F.max_pool3d(x[None], 2),
    lambda F, x: F.avg_pool2d(x, 2),
    lambda F, x: F.adaptive_avg_pool2d(x, 3),
    lambda F, x: F.adaptive_max_pool2d(x, 3),
    lambda F, x: F.unfold(x, 2),
    lambda F, x: F.fold(F.unfold(x, 2), (5, 5), 2),
    lambda F, x: F.interpolate(x, scale_factor=2),
    lambda F, x: F.interpolate(x, scale_factor=2, mode="bilinear"),
    lambda F, x: F.interpolate(x, scale_factor=2, mode="bicubic"),
    lambda F, x: F.interpolate(x[0], scale_factor=2, mode="linear"),
]


@pytest.mark.parametrize("i", range(len(NAMED)))
def test_node_names_match_torch(i):
    (x,), (tx,) = _pair((4, 4, 5, 5))
    ours, theirs = NAMED[i](npgrad.nn.functional, x), NAMED[i](torch.nn.functional, tx)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


def test_max_pool_indices_without_grad():
    (x,), (tx,) = _pair((2, 3, 7, 6), grad=False)
    out, idx = npgrad.nn.functional.max_pool2d(x, 3, 2, 1, return_indices=True)
    tout, tidx = torch.nn.functional.max_pool2d(tx, 3, 2, 1, return_indices=True)
    assert idx.dtype == npgrad.int64 and not out.requires_grad
    np.testing.assert_array_equal(_np(idx), _np(tidx))
    np.testing.assert_array_equal(_np(out), _np(tout))


@pytest.mark.parametrize("fn", [
    lambda F, x: F.max_pool1d(x, 4, return_indices=True),
    lambda F, x: F.max_pool1d(x, 2, padding=1, return_indices=True),
    lambda F, x: F.adaptive_max_pool1d(x, 3, return_indices=True),
])
def test_max_pool_nan_inf_and_ties_as_torch(fn):
    nan, inf = float("nan"), float("inf")
    data = [[[1., nan, 3., nan, 2., 2., -inf, -inf], [-inf] * 8, [5., 5., 5., 5., 1, 2, 3, 4]]]
    v, i = fn(npgrad.nn.functional, npgrad.tensor(data))
    tv, ti = fn(torch.nn.functional, torch.tensor(data))
    np.testing.assert_array_equal(_np(i), _np(ti))
    np.testing.assert_array_equal(_np(v), _np(tv))


def test_integer_inputs_as_torch():
    a = RNG.integers(-5, 5, (2, 2, 5, 5))
    w = RNG.integers(-3, 3, (3, 2, 2, 2))
    F, tF = npgrad.nn.functional, torch.nn.functional
    for fn in (lambda F, x, w: F.conv2d(x, w, padding=1), lambda F, x, w: F.max_pool2d(x, 2),
               lambda F, x, w: F.avg_pool2d(x, 2)):
        ours = fn(F, npgrad.tensor(a), npgrad.tensor(w))
        theirs = fn(tF, torch.tensor(a), torch.tensor(w))
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        np.testing.assert_array_equal(_np(ours), _np(theirs))


def test_conv_output_is_contiguous():
    x, w = npgrad.ones(2, 3, 6, 6), npgrad.ones(4, 3, 3, 3)
    y = npgrad.nn.functional.conv2d(x, w, padding=1)
    assert y.view(2, -1).shape == (2, 144)


# ---------------------------------------------------------------------------------------------
# Gradients: double backward against PyTorch, repeated backward, larger shapes in float32
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda F, x, w: F.conv2d(x, w, stride=2, padding=1),
    lambda F, x, w: F.conv2d(x, w, padding="same", dilation=2),
    lambda F, x, w: F.conv_transpose2d(x, w.transpose(0, 1), stride=2, output_padding=1),
    lambda F, x, w: F.conv_transpose2d(x, w.transpose(0, 1), padding=1),
])
@pytest.mark.parametrize("rows", [1, 10**9])  # transposed convolutions as convolutions, or not
def test_double_backward_matches_torch(fn, rows, monkeypatch):
    monkeypatch.setattr(npgrad.ops.nn.conv, "_TRANSPOSED_ROWS", rows)
    (x, w, v), (tx, tw, tv) = _pair((2, 3, 6, 5), (4, 3, 3, 3), (2, 3, 6, 5))
    outs = []
    for F, lib, a, b, c in ((npgrad.nn.functional, npgrad, x, w, v),
                            (torch.nn.functional, torch, tx, tw, tv)):
        y = fn(F, a, b)
        gx, = lib.autograd.grad((y * y).sum(), a, create_graph=True)
        (gx * c).sum().backward()
        outs.append((a.grad, b.grad))
    for ours, theirs in zip(*outs):
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-10, atol=1e-10)


def test_retain_graph_second_backward():
    (x, w), (tx, tw) = _pair((2, 3, 5, 5), (4, 3, 3, 3))
    y = npgrad.nn.functional.conv2d(x, w, padding=1)
    y.sum().backward(retain_graph=True)
    first = _np(w.grad).copy()
    y.sum().backward()
    np.testing.assert_allclose(_np(w.grad), 2 * first)


@pytest.mark.parametrize("kw", [dict(padding=1), dict(padding=1, groups=8), dict(stride=2),
                                dict(padding="same", dilation=2, groups=2)])
def test_large_float32_against_torch(kw):
    (x, w, b), (tx, tw, tb) = _pair((16, 8, 28, 28), (16, 8 // kw.get("groups", 1), 3, 3),
                                    (16,), dtype="float32")
    F, tF = npgrad.nn.functional, torch.nn.functional
    y = F.max_pool2d(F.relu(F.conv2d(x, w, b, **kw)), 2)
    ty = tF.max_pool2d(tF.relu(tF.conv2d(tx, tw, tb, **kw)), 2)
    np.testing.assert_allclose(_np(y), _np(ty), rtol=1e-4, atol=1e-4)
    g = RNG.standard_normal(tuple(ty.shape)).astype("float32")
    (y * npgrad.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        np.testing.assert_allclose(_np(ours.grad), _np(theirs.grad), rtol=1e-3, atol=1e-3)


# Geometries that exercise every layout of the block-wise convolution: the unpadded flat
# forward (output as large as the input, padding zeroed after the copy, asymmetric 'same'
# padding, dilation), the padded forward (strides, valid padding), the flat col2im of the
# input gradient (shifted adds that run across channel ends) and batches split in blocks.
GEOMETRIES = [
    (1, dict(padding="same"), (3, 2, 9), (4, 2, 4)),
    (1, dict(padding=2, dilation=2), (2, 2, 7), (4, 2, 3)),
    (2, dict(padding=1), (3, 4, 7, 6), (6, 4, 3, 3)),
    (2, dict(padding="same", dilation=(2, 1), groups=2), (2, 4, 6, 7), (4, 2, 2, 3)),
    (2, dict(padding=(0, 1)), (2, 3, 6, 5), (2, 3, 3, 3)),
    (2, dict(padding=1, stride=(1, 2)), (2, 3, 6, 7), (4, 3, 3, 3)),
    (2, dict(padding=1, stride=2, groups=2), (2, 4, 6, 7), (4, 2, 3, 3)),
    (3, dict(padding=1), (2, 2, 4, 5, 3), (3, 2, 3, 3, 3)),
    (3, dict(padding="same", groups=2), (1, 4, 3, 4, 5), (2, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("n, kw, xs, ws", GEOMETRIES)
@pytest.mark.parametrize("batch", [1, 40])  # 40 samples of these sizes: several blocks
@pytest.mark.parametrize("threads", [1, 3])  # blocks shared by 3 threads, in unequal runs
@pytest.mark.parametrize("split", [False, True])  # the forward's Taps: one matmul, or kernel[0]
@pytest.mark.parametrize("rows", [1, 10**9])  # input gradient as a convolution, or col2im
def test_conv_layouts_against_torch(n, kw, xs, ws, batch, threads, split, rows, monkeypatch):
    monkeypatch.setattr(npgrad.ops.nn.conv, "_TRANSPOSED_ROWS", rows)
    monkeypatch.setattr(npgrad.ops.nn._conv_layout, "_BLOCK_BYTES", 2048)  # small blocks
    monkeypatch.setattr(npgrad.ops.nn._conv_layout, "_SHARE_MACS", 0)  # shared even when small
    monkeypatch.setattr(npgrad.ops.nn._conv_layout.Taps, "split",
                        staticmethod(lambda kernel, *_: split and len(kernel) > 1))
    monkeypatch.setitem(npgrad._settings._THREADS, "intra", threads)
    (x, w, b), (tx, tw, tb) = _pair((batch,) + xs[1:], ws, (ws[0],))
    name = f"conv{n}d"
    y = getattr(npgrad.nn.functional, name)(x, w, b, **kw)
    ty = getattr(torch.nn.functional, name)(tx, tw, tb, **kw)
    np.testing.assert_allclose(_np(y), _np(ty), rtol=1e-10, atol=1e-10)
    g = RNG.standard_normal(tuple(ty.shape))
    (y * npgrad.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        np.testing.assert_allclose(_np(ours.grad), _np(theirs.grad), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("split", [False, True])
def test_padding_next_to_inf_and_nan_stays_zero(split, monkeypatch):
    # The forward's shifted copies put a neighbouring row's value where a window meets the
    # padding, then zero it: an inf or NaN in the first or last column must not leak into
    # the outputs on the other side (as a mask multiply would: inf * 0 = NaN).
    monkeypatch.setattr(npgrad.ops.nn._conv_layout.Taps, "split",
                        staticmethod(lambda kernel, *_: split))
    a = RNG.standard_normal((2, 3, 5, 6))
    a[0, 1, 2, 0], a[0, 2, 3, -1], a[1, 0, 0, 0], a[1, 1, -1, -1] = np.inf, np.nan, -np.inf, np.inf
    w = RNG.standard_normal((4, 3, 3, 3))
    for kw in (dict(padding=1), dict(padding="same", dilation=2)):
        y = npgrad.nn.functional.conv2d(npgrad.tensor(a), npgrad.tensor(w), **kw)
        ty = torch.nn.functional.conv2d(torch.tensor(a), torch.tensor(w), **kw)
        np.testing.assert_allclose(_np(y), _np(ty), rtol=1e-10, atol=1e-10)  # NaNs in place


def test_parallel_runs_call_blas_on_one_thread(monkeypatch):
    # While parallel_chunks's runs execute, BLAS has one thread; afterwards it has its own
    # count again (OpenBLAS's count is the process's: a run must not restore it alone).
    import npgrad._parallel as parallel
    state, seen = {"blas": 4}, []

    def fake_setter(n):
        before, state["blas"] = state["blas"], n
        return before
    monkeypatch.setattr(parallel, "_SET_BLAS_THREADS", fake_setter)
    monkeypatch.setitem(npgrad._settings._THREADS, "intra", 2)
    parallel.parallel_chunks([1, 2, 3, 4], lambda run: seen.append(state["blas"]),
                             one_blas_thread=True)
    assert seen == [1, 1] and state["blas"] == 4
    with pytest.raises(ZeroDivisionError):
        parallel.parallel_chunks([1, 2], lambda run: 1 / 0, one_blas_thread=True)
    assert state["blas"] == 4  # restored on errors too
    parallel.parallel_chunks([1, 2], lambda run: seen.append(state["blas"]))
    assert seen[-2:] == [4, 4]  # not asked for: BLAS keeps its threads
    parallel.parallel_chunks([1, 2], lambda run: seen.append(state["blas"]), max_threads=1,
                             one_blas_thread=True)
    assert seen[-1] == 4  # one thread: BLAS keeps its own threads


@pytest.mark.parametrize("dtype", ["bool", "int32", "uint8", "int64"])
@pytest.mark.parametrize("op, shapes", [
    ("conv1d", ((1, 2, 5), (3, 2, 2))), ("conv3d", ((1, 2, 5, 5, 5), (3, 2, 2, 2, 2))),
    ("conv_transpose1d", ((1, 2, 5), (2, 3, 2))),
    ("conv_transpose3d", ((1, 2, 5, 5, 5), (2, 3, 2, 2, 2)))])
def test_conv_dtypes_pytorch_has_no_kernel_for(op, shapes, dtype):
    """PyTorch's CPU convolutions have no bool kernel and its transposed ones no integer
    kernel but int64: NotImplementedError (npgrad raised RuntimeError for bool and computed
    the transposed int32/uint8 ones; found by the long fuzz run)."""
    outcomes = []
    for lib in (torch, npgrad):
        d = getattr(lib, dtype)
        try:
            outcomes.append(getattr(lib.nn.functional, op)(
                lib.ones(*shapes[0], dtype=d), lib.ones(*shapes[1], dtype=d)).tolist())
        except NotImplementedError:
            outcomes.append(NotImplementedError)
    assert outcomes[0] == outcomes[1]
