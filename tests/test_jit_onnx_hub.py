"""npgrad.jit runs TorchScript-decorated programs eagerly (same outputs as PyTorch's scripted
ones), refuses TorchScript files clearly; npgrad.onnx imports and refuses export clearly;
npgrad.hub finds PyTorch's folders and loads what is on disk, never the network."""
from __future__ import annotations

import os
from typing import List

import numpy as np
import pytest
import torch

import npgrad


def _program(lib):
    """A module written for TorchScript, as real programs write them."""
    class Block(lib.nn.Module):
        scale: lib.jit.Final[float]

        def __init__(self) -> None:
            super().__init__()
            self.fc = lib.nn.Linear(4, 3)
            self.scale = 2.0

        def forward(self, x):
            if lib.jit.is_scripting() or lib.jit.is_tracing():
                pass
            out: List[int] = lib.jit.annotate(List[int], [])
            out.append(1)
            return self.helper(self.fc(x)) * self.scale + len(out)

        @lib.jit.export
        def helper(self, y):
            return lib.relu(y)

        @lib.jit.ignore
        def debug(self) -> str:
            return "python only"

        @lib.jit.unused
        def unused_path(self, y):
            return y

    return Block()


def _pair():
    ours, theirs = _program(npgrad), _program(torch)
    ours.load_state_dict({k: npgrad.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    return ours, theirs


def test_script_runs_the_same_computation_as_pytorch():
    ours, theirs = _pair()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    scripted = npgrad.jit.script(ours)
    assert scripted is ours and scripted.debug() == "python only"
    expected = theirs(torch.tensor(x)).detach().numpy()  # (the same decorated code in torch)
    assert np.allclose(scripted(npgrad.tensor(x)).detach().numpy(), expected, atol=1e-6)
    traced = npgrad.jit.trace(ours, npgrad.tensor(x))
    assert np.allclose(traced(npgrad.tensor(x)).detach().numpy(), expected, atol=1e-6)


def test_script_and_trace_of_functions_and_the_helpers():
    def f(x):
        return x * 2
    assert npgrad.jit.script(f) is f and npgrad.jit.trace(f, npgrad.ones(1)) is f
    assert npgrad.jit.ignore(drop=True)(f) is f and npgrad.jit.ignore(f) is f
    assert not npgrad.jit.is_scripting() and not npgrad.jit.is_tracing()
    assert npgrad.jit.wait(npgrad.jit.fork(f, 3)) == 6
    assert npgrad.jit.isinstance([1], List[int]) and not npgrad.jit.isinstance(1, List[int])
    assert npgrad.jit.Attribute(3, int) == 3
    assert issubclass(npgrad.nn.Linear, npgrad.jit.ScriptModule) or \
        npgrad.jit.ScriptModule is npgrad.nn.Module
    assert npgrad.jit.freeze(f) is f


@pytest.mark.parametrize("call", [lambda: npgrad.jit.save(npgrad.nn.Linear(1, 1), "m.pt"),
                                  lambda: npgrad.jit.load("m.pt")])
def test_torchscript_files_are_refused_clearly(call):
    with pytest.raises(RuntimeError, match="TorchScript files are not supported.*state_dict"):
        call()


def test_onnx_imports_and_refuses_export():
    import npgrad.onnx
    assert npgrad.onnx.is_in_onnx_export() is False
    with pytest.raises(npgrad.onnx.OnnxExporterError, match="no ONNX exporter yet"):
        npgrad.onnx.export(npgrad.nn.Linear(2, 2), (npgrad.ones(1, 2),), "m.onnx")


@pytest.fixture
def hub_dirs(monkeypatch):
    for var in ("TORCH_HOME", "XDG_CACHE_HOME", "TORCH_HUB"):
        monkeypatch.delenv(var, raising=False)
    yield monkeypatch
    npgrad.hub._hub_dir = None
    torch.hub._hub_dir = None


@pytest.mark.parametrize("env", [{}, {"TORCH_HOME": "/data/th"}, {"XDG_CACHE_HOME": "/xdg"},
                                 {"TORCH_HOME": "~/th", "XDG_CACHE_HOME": "/xdg"}])
def test_get_dir_is_pytorch_dir(hub_dirs, env):
    for k, v in env.items():
        hub_dirs.setenv(k, v)
    assert npgrad.hub.get_dir() == torch.hub.get_dir()


def test_set_dir_as_pytorch(hub_dirs):
    npgrad.hub.set_dir("~/my_hub")
    torch.hub.set_dir("~/my_hub")
    assert npgrad.hub.get_dir() == torch.hub.get_dir() == os.path.expanduser("~/my_hub")


def test_load_from_a_local_repository(tmp_path):
    (tmp_path / "layers.py").write_text("import npgrad\n\ndef make(n):\n"
                                        "    return npgrad.nn.Linear(n, 2)\n")
    (tmp_path / "hubconf.py").write_text(
        "from layers import make\n\ndef tiny(n=3):\n    '''A tiny model.'''\n"
        "    return make(n)\n")
    model = npgrad.hub.load(str(tmp_path), "tiny", 5, source="local")
    assert isinstance(model, npgrad.nn.Linear) and model.in_features == 5
    assert "tiny" in npgrad.hub.list(str(tmp_path), source="local")
    assert npgrad.hub.help(str(tmp_path), "tiny", source="local") == "A tiny model."
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        npgrad.hub.load(str(tmp_path), "nope", source="local")


def test_nothing_is_downloaded(hub_dirs):
    with pytest.raises(RuntimeError, match="does not download anything"):
        npgrad.hub.load("pytorch/vision", "resnet18")
    with pytest.raises(RuntimeError, match="does not download anything"):
        npgrad.hub.download_url_to_file("https://example.com/x.pt", "x.pt")
    with pytest.raises(ValueError, match='Unknown source: "ftp"'):
        npgrad.hub.load("x", "y", source="ftp")


def test_load_state_dict_from_url_reads_the_cached_file(hub_dirs, tmp_path):
    npgrad.hub.set_dir(str(tmp_path))
    url = "https://example.com/weights/lin.safetensors"
    with pytest.raises(RuntimeError, match="does not download anything"):
        npgrad.hub.load_state_dict_from_url(url)
    lin = npgrad.nn.Linear(2, 2)
    (tmp_path / "checkpoints").mkdir()
    npgrad.save(lin.state_dict(), str(tmp_path / "checkpoints" / "lin.safetensors"))
    state = npgrad.hub.load_state_dict_from_url(url)
    assert np.array_equal(state["weight"].numpy(), lin.weight.detach().numpy())
