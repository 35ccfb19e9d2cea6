"""nn.utils against PyTorch: batch-norm fusion, functional_call, get_total_norm /
clip_grads_with_norm_, skip_init and the conv weight memory-format conversion."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import npgrad


def _twin(make):
    torch.manual_seed(0)
    theirs = make(torch).double()
    ours = make(npgrad).double()
    ours.load_state_dict({k: npgrad.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    return ours, theirs


def _trained_bn(lib, n, shape):
    """A batch norm with non-trivial running statistics and affine parameters."""
    bn = lib.nn.BatchNorm2d(n) if len(shape) == 4 else lib.nn.BatchNorm1d(n)
    rng = np.random.default_rng(3)
    with lib.no_grad():
        bn.weight.copy_(lib.tensor(rng.uniform(0.5, 2, n)))
        bn.bias.copy_(lib.tensor(rng.standard_normal(n)))
        bn.running_mean.copy_(lib.tensor(rng.standard_normal(n)))
        bn.running_var.copy_(lib.tensor(rng.uniform(0.5, 2, n)))
    return bn


@pytest.mark.parametrize("kind", ["conv", "conv-nobias", "convT", "linear"])
def test_fusion_matches_torch_and_the_unfused_pair(kind):
    make = {"conv": lambda lib: lib.nn.Conv2d(2, 3, 3),
            "conv-nobias": lambda lib: lib.nn.Conv2d(2, 3, 3, bias=False),
            "convT": lambda lib: lib.nn.ConvTranspose2d(2, 3, 3),
            "linear": lambda lib: lib.nn.Linear(4, 3)}[kind]
    shape = (2, 4) if kind == "linear" else (2, 2, 5, 5)
    out_shape = (2, 3) if kind == "linear" else (2, 3, 1, 1)
    x = np.random.default_rng(0).standard_normal(shape)
    results = []
    for lib, layer in zip((npgrad, torch), _twin(make)):
        bn = _trained_bn(lib, 3, out_shape).double().eval()
        layer.eval()
        U = lib.nn.utils
        fused = U.fuse_linear_bn_eval(layer, bn) if kind == "linear" else \
            U.fuse_conv_bn_eval(layer, bn, transpose=kind == "convT")
        xt = lib.tensor(x)
        np.testing.assert_allclose(fused(xt).detach().numpy(), bn(layer(xt)).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)
        assert fused is not layer and isinstance(fused.weight, lib.nn.Parameter)
        results.append((fused.weight.detach().numpy(), fused.bias.detach().numpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_fusion_refuses_training_mode():
    for lib in (npgrad, torch):
        with pytest.raises(AssertionError, match="Fusion only for eval"):
            lib.nn.utils.fuse_conv_bn_eval(lib.nn.Conv2d(1, 2, 1), lib.nn.BatchNorm2d(2))


def test_functional_call_matches_torch_and_restores_the_module():
    results = []
    for lib in (npgrad, torch):
        torch.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3))
        m[0].weight = lib.nn.Parameter(lib.eye(3))
        m.eval()  # (in training, batch norm updates its own running statistics in place)
        before = {k: v.clone() for k, v in m.state_dict().items()}
        w = lib.full((3, 3), 0.5, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            out = lib.nn.utils.stateless.functional_call(
                m, {"0.weight": w, "0.bias": lib.zeros(3), "1.running_mean": lib.ones(3)},
                (lib.arange(6.0).reshape(2, 3),))
        out.sum().backward()
        after = m.state_dict()
        assert all(np.array_equal(before[k].numpy(), after[k].numpy()) for k in before
                   if k != "1.num_batches_tracked")
        assert m[0].weight.tolist() == np.eye(3).tolist()
        results.append((out.tolist(), w.grad.tolist()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6, atol=1e-7)


def test_functional_call_strict_and_tied_weights_as_torch():
    for lib in (npgrad, torch):
        m = lib.nn.Linear(2, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            with pytest.raises(RuntimeError, match="Missing key\\(s\\): 'bias'"):
                lib.nn.utils.stateless.functional_call(m, {"weight": lib.zeros(2, 2)},
                                                       lib.ones(1, 2), strict=True)
            shared = lib.nn.Linear(2, 2, bias=False)
            tied = lib.nn.Sequential(shared, shared)
            out = lib.nn.utils.stateless.functional_call(tied, {"0.weight": lib.eye(2) * 2},
                                                         lib.ones(1, 2))
        assert out.tolist() == [[4.0, 4.0]]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
def test_get_total_norm_and_clip_grads_with_norm_match_torch(norm_type):
    results = []
    for lib in (npgrad, torch):
        rng = np.random.default_rng(0)
        ps = [lib.nn.Parameter(lib.tensor(rng.standard_normal(s).astype("float32")))
              for s in [(3, 4), (4,)]]
        for p in ps:
            p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)).astype("float32"))
        total = lib.nn.utils.get_total_norm([p.grad for p in ps], norm_type)
        lib.nn.utils.clip_grads_with_norm_(ps, 0.5, total)
        results.append((float(total), str(total.dtype)[-7:], [p.grad.numpy() for p in ps]))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-5)
    assert results[0][1] == results[1][1]
    for a, b in zip(results[0][2], results[1][2]):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    assert float(npgrad.nn.utils.get_total_norm([])) == float(torch.nn.utils.get_total_norm([]))


def test_skip_init_builds_the_module_and_needs_a_device_argument():
    for lib in (npgrad, torch):
        m = lib.nn.utils.skip_init(lib.nn.Linear, 3, 4, bias=False)
        assert tuple(m.weight.shape) == (4, 3) and m.bias is None

        class NoDevice(lib.nn.Module):
            def __init__(self, n):
                super().__init__()

        with pytest.raises(RuntimeError, match="must support a 'device' arg"):
            lib.nn.utils.skip_init(NoDevice, 3)


def test_conv_weight_memory_format_conversion():
    for lib in (npgrad, torch):
        m = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 3), lib.nn.Linear(2, 2))
        w = m[0].weight
        out = lib.nn.utils.convert_conv2d_weight_memory_format(m, lib.channels_last)
        assert out is m and m[0].weight is w
        assert m[0].weight.is_contiguous(memory_format=lib.channels_last)
