"""bfloat16 as a dtype, against PyTorch: promotion, limits, printing, conversions, legacy
types, modules and optimizers, and BF16 safetensors both ways. (The ops themselves run in
bfloat16 in the op harness: the specs that list it.)"""
from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
import torch

import npgrad

NAMES = ["bfloat16", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
         "uint8", "bool"]


@pytest.mark.parametrize("a,b", list(itertools.product(["bfloat16"], NAMES)))
def test_promote_types_as_pytorch(a, b):
    ours = npgrad.promote_types(getattr(npgrad, a), getattr(npgrad, b))
    theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert ours.name == str(theirs).split(".")[-1]
    ours = npgrad.promote_types(getattr(npgrad, b), getattr(npgrad, a))
    assert ours.name == str(theirs).split(".")[-1]


@pytest.mark.parametrize("other", [1, 2.5, True, "f64-0d", "f16-0d", "f32-dim", "f16-dim",
                                   "i64-dim"])
def test_result_dtypes_of_mixed_arithmetic_as_pytorch(other):
    def run(lib):
        x = lib.tensor([1.5, -2.25]).to(lib.bfloat16)
        table = {"f64-0d": lib.tensor(2.0, dtype=lib.float64),
                 "f16-0d": lib.tensor(2.0, dtype=lib.float16),
                 "f32-dim": lib.tensor([2.0, 3.0]), "f16-dim": lib.tensor([2.0, 3.0]).half(),
                 "i64-dim": lib.tensor([2, 3])}
        y = table.get(other, other)
        return [x + y, y * x, x / y]
    for o, t in zip(run(npgrad), run(torch)):
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(np.asarray(o.float()._data), t.float().numpy())


def test_finfo_as_pytorch():
    ours, theirs = npgrad.finfo(npgrad.bfloat16), torch.finfo(torch.bfloat16)
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, field) == getattr(theirs, field), field


def test_dtype_queries_and_legacy_types():
    x = npgrad.randn(2, 3).bfloat16()
    assert x.dtype is npgrad.bfloat16 and x.is_floating_point() and x.element_size() == 2
    assert npgrad.bfloat16.is_floating_point and npgrad.bfloat16.itemsize == 2
    assert npgrad.bfloat16.is_signed
    assert x.type() == "torch.BFloat16Tensor" and isinstance(x, npgrad.BFloat16Tensor)
    assert x.to(npgrad.float32).dtype is npgrad.float32
    assert x.type(npgrad.FloatTensor).dtype is npgrad.float32
    assert npgrad.ones(2).to(npgrad.bfloat16).dtype is npgrad.bfloat16
    assert npgrad.BFloat16Tensor([1, 2]).dtype is npgrad.bfloat16
    assert not npgrad.cuda.is_bf16_supported()


def test_repr_as_pytorch():
    values = [[1.5, 2.25, 3.0e5], [-1.0 / 3, 0.0, 7.0]]
    for v in values:
        ours = repr(npgrad.tensor(v, dtype=npgrad.bfloat16))
        theirs = repr(torch.tensor(v, dtype=torch.bfloat16))
        assert ours.replace("npgrad.", "torch.") == theirs
    x = npgrad.tensor([1.0, 2.0], dtype=npgrad.bfloat16, requires_grad=True)
    assert repr(x * 2).endswith("dtype=npgrad.bfloat16, grad_fn=<MulBackward0>)")


def test_conversion_rounds_to_nearest_even_as_pytorch():
    a = np.random.default_rng(0).standard_normal(1000).astype(np.float32) * 100
    a[:4] = [1 + 2 ** -8, 1 + 3 * 2 ** -8, np.inf, -0.0]  # ties go to even
    ours = np.asarray(npgrad.tensor(a).bfloat16().float()._data)
    theirs = torch.tensor(a).bfloat16().float().numpy()
    np.testing.assert_array_equal(ours, theirs)
    assert npgrad.tensor([1.3]).bfloat16().item() == torch.tensor([1.3]).bfloat16().item()
    assert npgrad.tensor([1.3, 2.7]).bfloat16().tolist() == \
        torch.tensor([1.3, 2.7]).bfloat16().tolist()


def test_factories_make_bfloat16():
    b = npgrad.bfloat16
    for t in (npgrad.zeros(2, dtype=b), npgrad.ones(2, 2, dtype=b), npgrad.randn(3, dtype=b),
              npgrad.rand(2, dtype=b), npgrad.arange(4, dtype=b), npgrad.full((2,), 1.5, dtype=b),
              npgrad.empty(2, dtype=b), npgrad.linspace(0, 1, 3, dtype=b),
              npgrad.zeros_like(npgrad.ones(2, dtype=b))):
        assert t.dtype is b


def test_sums_accumulate_in_float32():
    a = np.full(10000, 0.1, np.float32)
    ours = npgrad.tensor(a).bfloat16().sum()
    theirs = torch.tensor(a).bfloat16().sum()
    assert ours.dtype is npgrad.bfloat16 and ours.item() == theirs.item()


def test_in_place_ops_round_into_bfloat16():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0]).to(lib.bfloat16)
        x.add_(lib.tensor([0.001, 0.3]))
        x.mul_(1.1)
        assert x.dtype == lib.bfloat16
    np.testing.assert_array_equal(np.asarray(x.float().numpy()),
                                  np.asarray(torch.tensor([1.0, 2.0]).bfloat16().add_(
                                      torch.tensor([0.001, 0.3])).mul_(1.1).float().numpy()))


def test_a_bfloat16_model_trains_as_pytorchs():
    def train(lib):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.GELU(), lib.nn.Linear(8, 3))
        with lib.no_grad():
            for p, v in zip(net.parameters(), PARAMS):
                p.copy_(lib.tensor(v))
        net = net.bfloat16()
        opt = lib.optim.SGD(net.parameters(), lr=0.1)
        losses = []
        for _ in range(3):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(net(lib.tensor(XS).bfloat16()),
                                                   lib.tensor(YS))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, [p.dtype for p in net.parameters()], [p.grad.dtype
                                                             for p in net.parameters()]
    ours, theirs = train(npgrad), train(torch)
    assert all(d is npgrad.bfloat16 for d in ours[1] + ours[2])
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-2)


_rng = np.random.default_rng(1)
PARAMS = [_rng.standard_normal(s).astype(np.float32) * 0.5 for s in [(8, 4), (8,), (3, 8), (3,)]]
XS = _rng.standard_normal((6, 4)).astype(np.float32)
YS = np.array([0, 1, 2, 0, 1, 2])


def test_bf16_safetensors_both_ways(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    t = torch.randn(3, 4).bfloat16()
    safetensors_torch.save_file({"w": t}, str(tmp_path / "theirs.safetensors"))
    back = npgrad.load(tmp_path / "theirs.safetensors")
    assert back["w"].dtype is npgrad.bfloat16
    np.testing.assert_array_equal(np.asarray(back["w"].float()._data), t.float().numpy())
    npgrad.save({"w": back["w"]}, tmp_path / "ours.safetensors")
    again = safetensors_torch.load_file(str(tmp_path / "ours.safetensors"))
    assert again["w"].dtype == torch.bfloat16 and torch.equal(again["w"], t)


def test_testing_assert_close_uses_pytorchs_bfloat16_tolerances():
    a = npgrad.tensor([1.0, 2.0]).bfloat16()
    npgrad.testing.assert_close(a, npgrad.tensor([1.01, 2.0]).bfloat16())  # rtol 1.6e-2
    with pytest.raises(AssertionError, match="up to 0.016 allowed"):
        npgrad.testing.assert_close(a, npgrad.tensor([1.1, 2.0]).bfloat16())


def test_numpy_gives_an_ml_dtypes_array():
    # a deliberate difference: PyTorch raises TypeError (NumPy has no bfloat16 of its own)
    x = npgrad.tensor([1.5, 2.0]).bfloat16()
    assert x.numpy().dtype == npgrad.dtypes.BF16_NP
    assert x.numpy().astype(np.float32).tolist() == [1.5, 2.0]


def _fresh_python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_importing_npgrad_does_not_import_ml_dtypes():
    # (ml_dtypes' import alone takes several times all of npgrad's: it loads on first use)
    probe = ("import sys, npgrad; print(npgrad.bfloat16, 'ml_dtypes' in sys.modules); "
             "x = (npgrad.ones(2, requires_grad=True) * 2).sum(); x.backward(); "
             "print(repr(x), 'ml_dtypes' in sys.modules); "
             "y = npgrad.ones(2, dtype=npgrad.bfloat16); print('ml_dtypes' in sys.modules)")
    assert _fresh_python(probe) == ["npgrad.bfloat16", "False", "tensor(4.,",
                                    "grad_fn=<SumBackward0>)", "False", "True"]


@pytest.mark.parametrize("how", ["from_numpy", "tensor", "to_dtype"])
def test_a_programs_own_ml_dtypes_array_is_bfloat16_before_npgrad_loads_it(how):
    make = {"from_numpy": "npgrad.from_numpy(a)", "tensor": "npgrad.tensor(a)",
            "to_dtype": "npgrad.zeros(2).to(npgrad.dtypes.to_dtype(a.dtype))"}[how]
    probe = ("import ml_dtypes, numpy as np, npgrad; "
             "a = np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16); "
             f"t = {make}; print(t.dtype, (t * 2).dtype, t.float().sum().item())")
    out = _fresh_python(probe)
    assert out[:2] == ["npgrad.bfloat16", "npgrad.bfloat16"]
    assert float(out[2]) == (-0.5 if how != "to_dtype" else 0.0)
