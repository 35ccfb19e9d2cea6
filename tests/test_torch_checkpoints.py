"""Checkpoints both ways with real PyTorch: npgrad.save -> torch.load(weights_only=True) and
torch.save -> npgrad.load, in the zip and legacy formats; the weights-only unpickler's
refusals (with PyTorch's messages); safe globals; map_location; mmap; whole modules."""
from __future__ import annotations

import io
import os
import pickle
import sys
import warnings
import zipfile

import numpy as np
import pytest
import torch

import npgrad
from npgrad.serialization import CheckpointError

PAIRS = [(torch.float16, npgrad.float16), (torch.float32, npgrad.float32),
         (torch.float64, npgrad.float64), (torch.int8, npgrad.int8),
         (torch.int16, npgrad.int16), (torch.int32, npgrad.int32),
         (torch.int64, npgrad.int64), (torch.uint8, npgrad.uint8), (torch.bool, npgrad.bool)]
LEGACY = [True, False]  # _use_new_zipfile_serialization


def _torch_bytes(obj, zip_format: bool = True) -> io.BytesIO:
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=zip_format)
    buf.seek(0)
    return buf


def _npgrad_bytes(obj, zip_format: bool = True) -> io.BytesIO:
    buf = io.BytesIO()
    npgrad.save(obj, buf, _use_new_zipfile_serialization=zip_format)
    buf.seek(0)
    return buf


def _same(ours, theirs) -> None:
    """An npgrad object equals a PyTorch one: same structure, dtypes, shapes and bytes."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, npgrad.Tensor), type(ours)
        assert isinstance(ours, npgrad.nn.Parameter) == isinstance(theirs, torch.nn.Parameter)
        assert ours.requires_grad == theirs.requires_grad
        a, b = ours.detach().numpy(), theirs.detach().numpy()
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)) and not isinstance(theirs, torch.Size):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    elif isinstance(theirs, torch.dtype):
        assert ours is getattr(npgrad, str(theirs).split(".")[1])
    elif isinstance(theirs, torch.device):
        assert isinstance(ours, npgrad.device) and str(ours) == str(theirs)
    elif isinstance(theirs, torch.Size):
        assert type(ours) is npgrad.Size and tuple(ours) == tuple(theirs)
    else:
        assert type(ours) is type(theirs) and ours == theirs


def _values(rng, dtype, shape):
    if dtype == torch.bool:
        return torch.from_numpy(rng.integers(0, 2, shape).astype(bool))
    if dtype.is_floating_point:
        return torch.from_numpy(rng.standard_normal(shape)).to(dtype)
    info = torch.iinfo(dtype)
    return torch.from_numpy(rng.integers(info.min, info.max, shape, dtype=np.int64)).to(dtype)


def _every_dtype_and_shape():
    rng = np.random.default_rng(0)
    out = {}
    for t, _ in PAIRS:
        base = _values(rng, t, (4, 6))
        out[str(t)] = {"full": base, "scalar": _values(rng, t, ()), "empty": _values(rng, t, (0, 3)),
                       "transposed": base.t(), "strided": base[1:, ::2], "row": base[2]}
    return out


# ---------------------------------------------------------------------------------------------
# PyTorch -> npgrad
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("zip_format", LEGACY)
def test_torch_files_load_with_every_dtype_and_layout(zip_format):
    obj = _every_dtype_and_shape()
    obj["nested"] = [(1, 2.5, "s", None, True), {"k": [torch.ones(2)]}, b"raw", {1, 2}, 1 + 2j]
    obj["meta"] = {"dtype": torch.float64, "device": torch.device("cpu"),
                   "size": torch.Size([2, 3]), "big": 2**70, "neg": -5}
    obj["param"] = torch.nn.Parameter(torch.ones(3))
    obj["frozen"] = torch.nn.Parameter(torch.zeros(2), requires_grad=False)
    obj["grad"] = torch.ones(2, requires_grad=True)
    _same(npgrad.load(_torch_bytes(obj, zip_format)), obj)


@pytest.mark.parametrize("zip_format", LEGACY)
def test_views_of_one_storage_stay_tied_after_npgrad_load(zip_format):
    x = torch.arange(12.0).reshape(3, 4)
    back = npgrad.load(_torch_bytes({"x": x, "v": x[1:, ::2], "t": x.t()}, zip_format))
    back["x"].add_(100)
    _same(back["v"], (x + 100)[1:, ::2])
    _same(back["t"], (x + 100).t())


def _modules():
    torch.manual_seed(0)
    emb = torch.nn.Embedding(10, 4)
    out = torch.nn.Linear(4, 10, bias=False)
    out.weight = emb.weight  # tied
    return {"linear": torch.nn.Linear(3, 5), "conv": torch.nn.Conv2d(2, 3, 3, padding=1),
            "lstm": torch.nn.LSTM(4, 6, num_layers=2), "emb": emb, "out": out}


def _npgrad_modules():
    emb = npgrad.nn.Embedding(10, 4)
    out = npgrad.nn.Linear(4, 10, bias=False)
    out.weight = emb.weight
    return {"linear": npgrad.nn.Linear(3, 5), "conv": npgrad.nn.Conv2d(2, 3, 3, padding=1),
            "lstm": npgrad.nn.LSTM(4, 6, num_layers=2), "emb": emb, "out": out}


@pytest.mark.parametrize("zip_format", LEGACY)
def test_torch_state_dicts_load_into_npgrad_modules(zip_format):
    theirs = _modules()
    back = npgrad.load(_torch_bytes({k: m.state_dict() for k, m in theirs.items()}, zip_format))
    ours = _npgrad_modules()
    for k, m in ours.items():
        _same(back[k], theirs[k].state_dict())
        m.load_state_dict(back[k])
    # Tied in the file (one storage), tied in npgrad: one array
    assert np.shares_memory(back["emb"]["weight"].numpy(), back["out"]["weight"].numpy())
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(ours["conv"](npgrad.tensor(x)).detach().numpy(),
                               theirs["conv"](torch.tensor(x)).detach().numpy(), atol=1e-6)
    seq = rng.standard_normal((5, 1, 4)).astype(np.float32)
    np.testing.assert_allclose(ours["lstm"](npgrad.tensor(seq))[0].detach().numpy(),
                               theirs["lstm"](torch.tensor(seq))[0].detach().numpy(), atol=1e-6)


def test_adam_state_moves_between_the_libraries_mid_training():
    rng = np.random.default_rng(2)
    x1, x2 = (rng.standard_normal((4, 3)).astype(np.float32) for _ in range(2))
    torch.manual_seed(0)
    tm = torch.nn.Linear(3, 2)
    topt = torch.optim.Adam(tm.parameters(), lr=0.1)
    tm(torch.tensor(x1)).pow(2).sum().backward()
    topt.step()
    topt.zero_grad()
    ck = npgrad.load(_torch_bytes({"model": tm.state_dict(), "optim": topt.state_dict()}))
    nm = npgrad.nn.Linear(3, 2)
    nm.load_state_dict(ck["model"])
    nopt = npgrad.optim.Adam(nm.parameters(), lr=0.5)
    nopt.load_state_dict(ck["optim"])
    tm(torch.tensor(x2)).pow(2).sum().backward()
    topt.step()
    nm(npgrad.tensor(x2)).pow(2).sum().backward()
    nopt.step()
    np.testing.assert_allclose(nm.weight.detach().numpy(), tm.weight.detach().numpy(), atol=1e-6)
    # ... and back: PyTorch's Adam takes npgrad's state dict
    back = torch.load(_npgrad_bytes(nopt.state_dict()), weights_only=True)
    topt2 = torch.optim.Adam(torch.nn.Linear(3, 2).parameters())
    topt2.load_state_dict(back)
    assert back["param_groups"][0]["lr"] == 0.1
    np.testing.assert_allclose(back["state"][0]["exp_avg"].numpy(),
                               topt.state_dict()["state"][0]["exp_avg"].numpy(), atol=1e-6)


@pytest.mark.parametrize("zip_format", LEGACY)
def test_bfloat16_both_ways(zip_format):
    """BF16 storages load as npgrad.bfloat16 (same bits), and npgrad's files give them back."""
    theirs = {"w": torch.randn(3, 4).bfloat16(), "t": torch.randn(4, 3).bfloat16().t()}
    ours = npgrad.load(_torch_bytes(theirs, zip_format))
    for k, v in theirs.items():
        assert ours[k].dtype == npgrad.bfloat16 and tuple(ours[k].shape) == tuple(v.shape)
        assert ours[k].float().numpy().tobytes() == v.float().numpy().tobytes()
    back = torch.load(_npgrad_bytes(ours, zip_format), weights_only=True)
    for k, v in theirs.items():
        assert back[k].dtype == torch.bfloat16 and torch.equal(back[k], v)


# ---------------------------------------------------------------------------------------------
# npgrad -> PyTorch
# ---------------------------------------------------------------------------------------------

def _npgrad_every_dtype():
    rng = np.random.default_rng(3)
    out = {}
    for t, n in PAIRS:
        base = npgrad.from_numpy(_values(rng, t, (4, 6)).numpy())
        out[str(n)] = {"full": base, "scalar": npgrad.from_numpy(_values(rng, t, ()).numpy()),
                       "empty": npgrad.zeros(0, 3, dtype=n), "transposed": base.t(),
                       "strided": base[1:, ::2], "row": base[2],
                       "flipped": npgrad.from_numpy(base.numpy()[::-1])}
    return out


def _as_torch(obj):
    """What ``obj`` (npgrad) should load as in PyTorch."""
    if isinstance(obj, npgrad.Tensor):
        t = torch.from_numpy(np.array(obj.detach().numpy(), order="C"))
        if isinstance(obj, npgrad.nn.Parameter):
            return torch.nn.Parameter(t, requires_grad=obj.requires_grad)
        return t.requires_grad_(obj.requires_grad)
    if isinstance(obj, dict):
        return type(obj)((k, _as_torch(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)) and not isinstance(obj, npgrad.Size):
        return type(obj)(_as_torch(v) for v in obj)
    if isinstance(obj, npgrad.dtype):
        return getattr(torch, obj.name)
    if isinstance(obj, npgrad.device):
        return torch.device(str(obj))
    if isinstance(obj, npgrad.Size):
        return torch.Size(obj)
    return obj


@pytest.mark.parametrize("zip_format", LEGACY)
def test_npgrad_files_load_in_torch_with_weights_only(zip_format):
    obj = _npgrad_every_dtype()
    obj["nested"] = [(1, 2.5, "s", None, True), {"k": [npgrad.ones(2)]}, b"raw", {1, 2}, 1 + 2j]
    obj["meta"] = {"dtype": npgrad.float64, "device": npgrad.device("cpu"),
                   "size": npgrad.Size([2, 3]), "big": 2**70}
    obj["param"] = npgrad.nn.Parameter(npgrad.ones(3))
    obj["frozen"] = npgrad.nn.Parameter(npgrad.zeros(2), requires_grad=False)
    obj["grad"] = npgrad.ones(2, requires_grad=True)
    theirs = torch.load(_npgrad_bytes(obj, zip_format), weights_only=True)
    expected = _as_torch(obj)
    _same(npgrad.load(_npgrad_bytes(obj, zip_format)), theirs)  # and npgrad reads it back
    for key in expected:
        if key == "nested" or key == "meta":
            assert repr(theirs[key]) == repr(expected[key])
            continue
        assert type(theirs[key]) is type(expected[key])
        for name, want in (expected[key].items() if isinstance(want_ := expected[key], dict)
                           else [(None, want_)]):
            got = theirs[key] if name is None else theirs[key][name]
            assert type(got) is type(want) and got.dtype == want.dtype
            assert got.requires_grad == want.requires_grad
            assert torch.equal(got.detach(), want.detach()), (key, name)


@pytest.mark.parametrize("zip_format", LEGACY)
def test_views_and_tied_weights_stay_tied_in_torch(zip_format):
    x = npgrad.arange(12.0).reshape(3, 4)
    ours = _npgrad_modules()
    sds = {k: m.state_dict() for k, m in ours.items()}
    theirs = torch.load(_npgrad_bytes({"x": x, "v": x[1:, ::2], "t": x.t(), "x2": x,
                                       "sds": sds}, zip_format), weights_only=True)
    assert theirs["x2"] is theirs["x"]  # one object saved twice is one object loaded
    theirs["x"].add_(100)
    assert torch.equal(theirs["v"], theirs["x"][1:, ::2]) and theirs["v"][0, 0] == 104
    assert torch.equal(theirs["t"], theirs["x"].t())
    emb, out = theirs["sds"]["emb"]["weight"], theirs["sds"]["out"]["weight"]
    assert emb.data_ptr() == out.data_ptr()
    ours_back = npgrad.load(_npgrad_bytes({"sds": sds}, zip_format))["sds"]
    assert np.shares_memory(ours_back["emb"]["weight"].numpy(), ours_back["out"]["weight"].numpy())
    models = _modules()
    for k, m in models.items():
        m.load_state_dict(theirs["sds"][k])
        _same(sds[k], m.state_dict())


def test_file_written_by_npgrad_has_torch_layout(tmp_path):
    path = tmp_path / "m.pt"
    npgrad.save({"w": npgrad.ones(3), "b": npgrad.zeros(2, dtype=npgrad.int64)}, path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "archive/data.pkl" and "archive/version" in names
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            if info.filename.startswith("archive/data/"):
                raw = path.read_bytes()
                start = info.header_offset + 30 + len(info.filename)
                start += int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30],
                                        "little")
                assert start % 64 == 0  # aligned for mmap, as PyTorch writes it
    assert not (tmp_path / "m.pt.tmp").exists()
    back = torch.load(path, mmap=True, weights_only=True)
    assert back["w"].tolist() == [1.0] * 3 and back["b"].dtype == torch.int64


# ---------------------------------------------------------------------------------------------
# Hostile pickles and the weights-only rules
# ---------------------------------------------------------------------------------------------

class _Evil:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class _Custom:
    """An ordinary class: a weights-only load needs it allowed first."""

    def __init__(self, value=None) -> None:
        self.value = value


def _refusal(load, buf) -> str:
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError) as info:
        load(buf)
    return str(info.value)


@pytest.mark.parametrize("zip_format", LEGACY)
def test_hostile_pickles_are_refused_with_torchs_message(zip_format, tmp_path):
    marker = tmp_path / "pwned"
    cases = [{"x": _Evil(f"touch {marker}")}, {"x": _Custom(1)}, [eval], {"f": print},
             {"x": torch.ones(1), "evil": _Evil(f"touch {marker}")}]
    for obj in cases:
        buf = _torch_bytes(obj, zip_format)
        ours = _refusal(npgrad.load, buf)
        assert ours == _refusal(torch.load, buf)  # word for word
        assert ours.startswith("Weights only load failed.")
        buf.seek(0)
        with pytest.raises(CheckpointError):  # and it is a CheckpointError, as bad files are
            npgrad.load(buf)
    assert not marker.exists()
    assert "GLOBAL posix.system whose module posix is blocked" in _refusal(
        npgrad.load, _torch_bytes({"x": _Evil("true")}, zip_format)) or sys.platform == "win32"


def _zip_with_pickle(data: bytes) -> io.BytesIO:
    """A torch.save archive whose data.pkl is ``data``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", data)
        zf.writestr("archive/version", b"3\n")
    buf.seek(0)
    return buf


@pytest.mark.parametrize("protocol", [0, 1, 3, 4, 5])
def test_opcodes_that_build_objects_are_refused(protocol):
    # INST/OBJ (protocols 0-1), STACK_GLOBAL and NEWOBJ_EX (4-5), and frames.
    data = pickle.dumps(_Custom(3), protocol=protocol)
    for load in (npgrad.load, torch.load):
        with warnings.catch_warnings(record=True) as seen, pytest.raises(
                pickle.UnpicklingError):
            warnings.simplefilter("always")
            load(_zip_with_pickle(data))
        # protocols 0 and 1 have no PROTO opcode; the others are named in PyTorch's warning
        assert [str(w.message)[:40] for w in seen] == (
            [] if protocol < 2 else [f"Detected pickle protocol {protocol} in the checkp"])


def test_tricks_with_allowed_names_are_refused():
    cases = {
        # BUILD on an object that is not an allowed type
        b"\x80\x02]q\x00}q\x01b.": "Can only build",
        # SETITEM on a list
        b"\x80\x02]q\x00K\x01K\x02s.": "Can only SETITEM",
        # APPEND on a dict
        b"\x80\x02}q\x00K\x01a.": "Can only append",
        # a persistent id that is not a storage
        b"\x80\x02X\x04\x00\x00\x00evilq\x00\x85Q.": "Only persistent_load of storage",
        # builtins.getattr, reached through the Python 2 name
        b"\x80\x02c__builtin__\ngetattr\nq\x00.": "GLOBAL getattr was not an allowed global",
    }
    for data, message in cases.items():
        with pytest.raises(pickle.UnpicklingError, match=message):
            npgrad.load(_zip_with_pickle(data))
        with pytest.raises(pickle.UnpicklingError, match=message):
            torch.load(_zip_with_pickle(data))


def test_safe_globals_allow_a_class_and_only_inside_the_block():
    buf = _torch_bytes({"c": _Custom(5)})
    name = f"{_Custom.__module__}._Custom"
    assert f"GLOBAL {name} was not an allowed global" in _refusal(npgrad.load, buf)
    with npgrad.serialization.safe_globals([_Custom]):
        buf.seek(0)
        got = npgrad.load(buf)["c"]
        assert type(got) is _Custom and got.value == 5
        assert _Custom in npgrad.serialization.get_safe_globals()
    assert _Custom not in npgrad.serialization.get_safe_globals()
    _refusal(npgrad.load, buf)
    npgrad.serialization.add_safe_globals([(_Custom, name)])
    try:
        buf.seek(0)
        assert npgrad.load(buf)["c"].value == 5
    finally:
        npgrad.serialization.clear_safe_globals()
    assert npgrad.serialization.get_safe_globals() == []


def test_a_whole_torch_module_loads_with_safe_globals_named_by_torchs_paths():
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(4, 2)
    buf = _torch_bytes(mha)
    message = _refusal(npgrad.load, buf)
    assert "GLOBAL torch.nn.modules.activation.MultiheadAttention" in message
    allowed = [npgrad.nn.MultiheadAttention,
               (npgrad.nn.Linear, "torch.nn.modules.linear.NonDynamicallyQuantizableLinear")]
    with npgrad.serialization.safe_globals(allowed):
        buf.seek(0)
        ours = npgrad.load(buf)
    assert type(ours) is npgrad.nn.MultiheadAttention
    x = np.random.default_rng(4).standard_normal((3, 1, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(*[npgrad.tensor(x)] * 3)[0].detach().numpy(),
                               mha(*[torch.tensor(x)] * 3)[0].detach().numpy(), atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Whole modules (weights_only=False)
# ---------------------------------------------------------------------------------------------

def test_whole_modules_need_weights_only_false(tmp_path):
    npgrad.manual_seed(0)
    model = npgrad.nn.Sequential(npgrad.nn.Linear(2, 3), npgrad.nn.ReLU(), npgrad.nn.Linear(3, 1))
    path = tmp_path / "model.pt"
    npgrad.save(model, path)
    with open(path, "rb") as fh:
        ours = _refusal(npgrad.load, fh)
        assert ours == _refusal(torch.load, fh)  # PyTorch says the same of our file
    assert "GLOBAL npgrad.nn.modules.container.Sequential was not an allowed global" in ours
    back = npgrad.load(path, weights_only=False)
    x = npgrad.randn(4, 2)
    assert type(back) is npgrad.nn.Sequential
    np.testing.assert_array_equal(back(x).detach().numpy(), model(x).detach().numpy())
    # a whole PyTorch model, built as npgrad's modules of the same names
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                             torch.nn.Linear(8, 2))
    torch.save(tm, path)
    ours = npgrad.load(path, weights_only=False)
    assert type(ours[0]) is npgrad.nn.Conv2d
    img = np.random.default_rng(5).standard_normal((2, 1, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(npgrad.tensor(img)).detach().numpy(),
                               tm(torch.tensor(img)).detach().numpy(), atol=1e-6)


# ---------------------------------------------------------------------------------------------
# map_location and mmap
# ---------------------------------------------------------------------------------------------

def _saved_on_cuda() -> io.BytesIO:
    """A PyTorch file whose storages say they were saved on 'cuda:0'."""
    src = zipfile.ZipFile(_torch_bytes({"w": torch.arange(3.0)}))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("data.pkl"):
                cpu = b"X\x03\x00\x00\x00cpu"
                assert cpu in data
                data = data.replace(cpu, b"X\x06\x00\x00\x00cuda:0")
            dst.writestr(info.filename, data)
    buf.seek(0)
    return buf


def test_map_location():
    with pytest.raises(RuntimeError, match="CUDA device but torch.cuda.is_available"):
        npgrad.load(_saved_on_cuda())
    seen = []

    def to_cpu(storage, location):
        seen.append(location)
        return storage

    for where in ["cpu", npgrad.device("cpu"), {"cuda:0": "cpu"}, to_cpu,
                  lambda storage, loc: storage.cpu()]:
        assert npgrad.load(_saved_on_cuda(), map_location=where)["w"].tolist() == [0, 1, 2]
    assert seen == ["cuda:0"]
    with pytest.raises(RuntimeError, match="CUDA device"):
        npgrad.load(_torch_bytes({"w": torch.ones(1)}), map_location="cuda")


def test_mmap(tmp_path):
    path = tmp_path / "big.pt"
    w = torch.arange(1000.0)
    torch.save({"w": w, "v": w[10:20], "i": torch.arange(5)}, path)
    before = path.read_bytes()
    back = npgrad.load(path, mmap=True)
    _same(back, {"w": w, "v": w[10:20], "i": torch.arange(5)})
    back["w"].add_(1)  # copy-on-write: the tensors are writable, the file does not change
    assert back["v"].tolist() == list(range(11, 21)) and path.read_bytes() == before
    with pytest.raises(ValueError, match="f must be a file path"):
        npgrad.load(io.BytesIO(before), mmap=True)
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": w}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
        npgrad.load(legacy, mmap=True)


def test_paths_and_file_objects(tmp_path):
    path = tmp_path / "x.pth"
    npgrad.save([npgrad.ones(2)], str(path))
    with open(path, "rb") as fh:
        assert torch.load(fh)[0].tolist() == [1.0, 1.0]
    with open(path, "wb") as fh:
        torch.save({"a": torch.ones(1)}, fh)
    with open(path, "rb") as fh:
        assert npgrad.load(fh)["a"].tolist() == [1.0]


def test_unsafe_globals_in_a_checkpoint_are_listed_without_running_it(tmp_path):
    path = tmp_path / "mixed.pt"
    marker = tmp_path / "pwned"
    torch.save({"w": torch.ones(2), "c": _Custom(1), "evil": _Evil(f"touch {marker}"),
                "m": torch.nn.Linear(1, 1)}, path)
    ours = npgrad.serialization.get_unsafe_globals_in_checkpoint(path)
    assert sorted(ours) == sorted(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    assert f"{_Custom.__module__}._Custom" in ours and not marker.exists()
    with npgrad.serialization.safe_globals([_Custom]):
        assert f"{_Custom.__module__}._Custom" not in (
            npgrad.serialization.get_unsafe_globals_in_checkpoint(path))
    with pytest.raises(ValueError):
        npgrad.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"not a zip file"))


def test_a_failed_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    npgrad.save({"w": npgrad.ones(2)}, path)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        npgrad.save({"w": npgrad.zeros(2), "f": lambda: 1}, path)  # a lambda cannot be pickled
    assert npgrad.load(path)["w"].tolist() == [1.0, 1.0]
    assert os.listdir(tmp_path) == ["ckpt.pt"]


class _Stream(io.RawIOBase):
    """A binary stream that cannot seek (a pipe, a socket)."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        return self._buf.readinto(b)


def test_unseekable_streams_and_pickle_module():
    raw = _npgrad_bytes({"w": npgrad.arange(3)}).getvalue()
    assert npgrad.load(_Stream(raw))["w"].tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="Can not safely load weights when explicit "
                                           "pickle_module is specified"):
        npgrad.load(io.BytesIO(raw), pickle_module=pickle, weights_only=True)
    # an explicit pickle_module means weights_only=False, as in PyTorch
    assert npgrad.load(io.BytesIO(raw), pickle_module=pickle)["w"].tolist() == [0, 1, 2]


def test_tensor_attributes_from_a_file_never_replace_npgrads_machinery():
    p = torch.nn.Parameter(torch.ones(2))
    p.note = "kept"  # a Python attribute: pickled as _rebuild_parameter_with_state
    back = npgrad.load(_torch_bytes({"p": p}))["p"]
    assert back.note == "kept" and back.tolist() == [1.0, 1.0]
    p._hooks = {"h": 1}  # a name npgrad's Tensor uses itself
    with pytest.raises(CheckpointError, match="'_hooks', which is npgrad's own"):
        npgrad.load(_torch_bytes({"p": p}))


def test_numpy_values_in_a_checkpoint_need_safe_globals_as_in_torch(tmp_path):
    path = tmp_path / "np.pt"
    torch.save({"acc": np.float64(0.9), "arr": np.arange(3)}, path)
    with open(path, "rb") as fh:
        assert _refusal(npgrad.load, fh) == _refusal(torch.load, fh)
    assert sorted(npgrad.serialization.get_unsafe_globals_in_checkpoint(path)) == sorted(
        torch.serialization.get_unsafe_globals_in_checkpoint(path))
    allowed = [np.float64(0).__reduce__()[0], np.arange(1).__reduce__()[0], np.ndarray,
               np.dtype, type(np.dtype(np.float64)), type(np.dtype(np.int64))]
    with npgrad.serialization.safe_globals(allowed):
        back = npgrad.load(path)
    assert back["acc"] == 0.9 and back["arr"].tolist() == [0, 1, 2]


@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_whole_transformer_loads_with_its_safe_globals(activation, tmp_path):
    """A whole model saved and loaded with weights_only under the safe_globals PyTorch's own
    word_language_model example lists (nn.functional.relu among them): the layer keeps
    F.relu itself, as PyTorch's, not the op's inner function (a corpus program failed
    there)."""
    nn = npgrad.nn
    model = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, activation=activation),
                                  1, enable_nested_tensor=False)
    path = tmp_path / "model.pt"
    npgrad.save(model, path)
    allowed = [nn.functional.relu, nn.functional.gelu, nn.MultiheadAttention, nn.ModuleList,
               nn.Dropout, nn.Linear, nn.modules.linear.NonDynamicallyQuantizableLinear,
               nn.LayerNorm, nn.TransformerEncoder, nn.TransformerEncoderLayer]
    with npgrad.serialization.safe_globals(allowed):
        loaded = npgrad.load(path)
    assert loaded.layers[0].activation is getattr(nn.functional, activation)
