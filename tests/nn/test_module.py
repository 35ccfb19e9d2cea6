"""Module and container behaviour against PyTorch: registration, names, state_dict,
load_state_dict reports, hooks, modes, dtype conversion and repr."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch

import npgrad


def build(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.norm = nn.BatchNorm1d(4)
            self.register_buffer("scale", lib.ones(4))
            self.register_buffer("cache", lib.zeros(2), persistent=False)
            self.gain = nn.Parameter(lib.ones(1))

        def forward(self, x):
            return self.norm(self.fc(x)) * self.gain * self.scale

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
            self.blocks = nn.ModuleList([Block(), Block()])
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 2), "b": nn.Linear(4, 1, bias=False)})
            self.extra = nn.ParameterList([nn.Parameter(lib.zeros(2))])
            self.table = nn.ParameterDict({"w": nn.Parameter(lib.ones(3))})
            self.shared = self.stem  # the same module twice: listed once

        def forward(self, x):
            x = self.stem(x)
            for b in self.blocks:
                x = b(x)
            return self.heads["a"](x).sum() + self.heads["b"](x).sum()
    return Net()


def test_names_and_state_dict_keys_match_torch():
    ours, theirs = build(npgrad), build(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    # dtypes print as npgrad.float32; legacy type names as PyTorch's ('torch.FloatTensor')
    assert repr(ours).replace("npgrad.", "torch.") == repr(theirs)
    assert ours.get_submodule("blocks.1.fc").out_features == 4
    assert ours.state_dict()["blocks.0.norm.num_batches_tracked"].dtype == npgrad.int64


def test_load_state_dict_round_trip_and_reports():
    ours, theirs = build(npgrad), build(torch)
    ours.load_state_dict({k: npgrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(npgrad.tensor(x)).item(), theirs(torch.tensor(x)).item(),
                               rtol=1e-5)
    sd_o = {k: v for k, v in ours.state_dict().items() if not k.startswith("heads")}
    sd_o["bogus.weight"] = npgrad.zeros(1)
    sd_t = {k: v for k, v in theirs.state_dict().items() if not k.startswith("heads")}
    sd_t["bogus.weight"] = torch.zeros(1)
    r_o = ours.load_state_dict(sd_o, strict=False)
    r_t = theirs.load_state_dict(sd_t, strict=False)
    assert r_o.missing_keys == r_t.missing_keys
    assert r_o.unexpected_keys == r_t.unexpected_keys
    with pytest.raises(RuntimeError, match="Missing key"):
        ours.load_state_dict(sd_o)
    bad = dict(ours.state_dict())
    bad["stem.0.weight"] = npgrad.zeros(2, 2)
    with pytest.raises(RuntimeError, match="size mismatch for stem.0.weight"):
        ours.load_state_dict(bad)


def test_hooks_modes_grads_and_dtype():
    m = npgrad.nn.Linear(3, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
    out = m(npgrad.ones(1, 3))
    np.testing.assert_allclose(out.detach().numpy(), m.bias.detach().numpy()[None] + 1,
                               rtol=1e-6)
    assert calls == [npgrad.Size([1, 2])]
    h1.remove()
    h2.remove()
    assert m(npgrad.zeros(1, 3)).tolist() == [m.bias.tolist()]
    net = build(npgrad)
    net.eval()
    assert not any(mod.training for mod in net.modules())
    net.train()
    assert all(mod.training for mod in net.modules())
    net(npgrad.randn(5, 3)).backward()
    assert all(p.grad is not None for p in net.heads.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    w = net.stem[0].weight
    net.double()
    assert net.stem[0].weight is w and w.dtype == npgrad.float64
    assert net.blocks[0].norm.num_batches_tracked.dtype == npgrad.int64
    seen = []
    net.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == "Net" and seen.count("Linear") == 5


def test_registration_rules():
    m = npgrad.nn.Module()
    with pytest.raises(KeyError):
        m.register_buffer("a.b", npgrad.zeros(1))
    with pytest.raises(TypeError):
        m.register_parameter("p", npgrad.zeros(1))  # a Tensor, not a Parameter
    m.p = npgrad.nn.Parameter(npgrad.zeros(1))
    with pytest.raises(TypeError):
        m.p = npgrad.zeros(1)
    m.p = None
    assert list(m.named_parameters()) == [] and "p" in m._parameters
    m.register_buffer("buf", npgrad.ones(2))
    m.buf = npgrad.zeros(2)
    assert m.state_dict()["buf"].tolist() == [0.0, 0.0]
    del m.buf
    assert "buf" not in m.state_dict()
    with pytest.raises(AttributeError):
        m.missing


def test_containers_match_torch():
    for lib in (npgrad, torch):
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        assert len(seq) == 3 and isinstance(seq[1], nn.ReLU)
        assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
        assert isinstance(seq[-1], nn.Linear)
        seq.append(nn.Sigmoid())
        del seq[1]
        assert [type(m).__name__ for m in seq] == ["Linear", "Linear", "Sigmoid"]
        named = nn.Sequential(OrderedDict([("first", nn.Linear(2, 2))]))
        assert list(named.state_dict()) == ["first.weight", "first.bias"]
        ml = nn.ModuleList([nn.Linear(1, 1)])
        ml.extend([nn.ReLU()])
        ml.insert(0, nn.Tanh())
        assert [type(m).__name__ for m in ml] == ["Tanh", "Linear", "ReLU"]
        md = nn.ModuleDict({"x": nn.ReLU()})
        md["y"] = nn.Linear(1, 1)
        assert list(md.keys()) == ["x", "y"] and "y" in md
        pl = nn.ParameterList([nn.Parameter(lib.ones(1)), lib.zeros(2)])
        assert isinstance(pl[1], nn.Parameter) and len(pl) == 2
        pd = nn.ParameterDict({"a": nn.Parameter(lib.ones(1))})
        assert list(dict(pd.named_parameters())) == ["a"]
    assert repr(npgrad.nn.Sequential(npgrad.nn.Linear(2, 3), npgrad.nn.ReLU())) == \
        repr(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()))


def test_default_initialisation_matches_torch_statistics():
    npgrad.manual_seed(0)
    torch.manual_seed(0)
    for make in [lambda lib: lib.nn.Linear(400, 300), lambda lib: lib.nn.Conv2d(16, 32, 3),
                 lambda lib: lib.nn.Embedding(300, 200), lambda lib: lib.nn.LSTM(50, 60),
                 lambda lib: lib.nn.MultiheadAttention(64, 4)]:
        a, b = make(npgrad), make(torch)
        for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
            p, q = p.detach().numpy(), q.detach().numpy()
            tol = 0.05 + 4 / np.sqrt(p.size)  # sampling noise of small tensors
            assert abs(p.std() - q.std()) <= tol * q.std() + 1e-6, n
            assert abs(p.max() - q.max()) <= 2 * tol * abs(q.max()) + 1e-6, n
