"""Checkpoints: round trips, interoperability with PyTorch's safetensors files, and bad files
that must give a clear error (never a crash or silent garbage)."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

import npgrad
from npgrad.serialization import CheckpointError


def _model():
    npgrad.manual_seed(0)
    return npgrad.nn.Sequential(npgrad.nn.Linear(3, 4), npgrad.nn.Linear(4, 2))


def test_nested_checkpoint_round_trip(tmp_path):
    model = _model()
    opt = npgrad.optim.Adam(model.parameters(), lr=0.01)
    model(npgrad.randn(5, 3)).sum().backward()
    opt.step()
    ckpt = {"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3,
            "name": "run-1", "losses": [1.5, 0.75, math.inf], "pair": (1, None),
            "ints": npgrad.arange(4, dtype=npgrad.int32), "mask": npgrad.tensor([True, False]),
            "arr": np.arange(3.0)}
    path = tmp_path / "ckpt.safetensors"
    npgrad.save(ckpt, path)
    back = npgrad.load(path)
    assert back["epoch"] == 3 and back["name"] == "run-1" and back["pair"] == (1, None)
    assert back["losses"] == [1.5, 0.75, math.inf]
    assert back["ints"].dtype == npgrad.int32 and back["ints"].tolist() == [0, 1, 2, 3]
    assert back["mask"].tolist() == [True, False]
    np.testing.assert_array_equal(back["arr"], np.arange(3.0))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(back["model"][k].numpy(), v.numpy())
    opt2 = npgrad.optim.Adam(_model().parameters(), lr=0.5)
    opt2.load_state_dict(back["optim"])
    assert opt2.param_groups[0]["lr"] == 0.01 and set(back["optim"]["state"]) == {0, 1, 2, 3}
    fresh = _model()
    fresh.load_state_dict(back["model"])


def test_file_objects_and_a_single_tensor():
    buf = io.BytesIO()
    npgrad.save(npgrad.tensor([[1.0, 2.0]], dtype=npgrad.float64), buf)
    buf.seek(0)
    t = npgrad.load(buf)
    assert t.dtype == npgrad.float64 and t.tolist() == [[1.0, 2.0]]


def test_pytorch_safetensors_weights_load_into_npgrad(tmp_path):
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    path = tmp_path / "torch.safetensors"
    save_file(tm.state_dict(), str(path))
    ours = npgrad.nn.Sequential(npgrad.nn.Linear(3, 4), npgrad.nn.Identity(),
                                npgrad.nn.Linear(4, 2))
    sd = npgrad.load(path)
    assert set(sd) == set(tm.state_dict())
    ours.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    expected = tm[2](tm[0](torch.tensor(x))).detach().numpy()
    np.testing.assert_allclose(ours(npgrad.tensor(x)).detach().numpy(), expected, rtol=1e-6)


def test_npgrad_state_dict_is_an_ordinary_safetensors_file(tmp_path):
    model = _model()
    path = tmp_path / "ours.safetensors"
    npgrad.save(model.state_dict(), path)
    theirs = load_file(str(path))
    assert set(theirs) == set(model.state_dict())
    np.testing.assert_array_equal(theirs["0.weight"].numpy(), model[0].weight.detach().numpy())


def _write(tmp_path, data: bytes):
    p = tmp_path / "bad.safetensors"
    p.write_bytes(data)
    return p


def test_bad_files_give_clear_errors(tmp_path):
    good = io.BytesIO()
    npgrad.save({"w": npgrad.ones(100)}, good)
    raw = good.getvalue()
    cases = {
        "empty": b"",
        "truncated data": raw[:-10],
        "truncated header": raw[:20],
        "garbage": bytes(range(256)) * 4,
        "corrupted json": raw[:8] + b"{" * (len(raw) - 8),
    }
    for what, data in cases.items():
        with pytest.raises(CheckpointError):
            npgrad.load(_write(tmp_path, data))
    torch_pickle = tmp_path / "model.pt"
    torch.save({"w": torch.ones(3)}, torch_pickle)
    with pytest.raises(CheckpointError, match="pickle or zip"):
        npgrad.load(torch_pickle)
    with pytest.raises(TypeError):
        npgrad.save({"f": lambda: 1}, tmp_path / "x.safetensors")


def _header_length_bytes(obj) -> bytes:
    buf = io.BytesIO()
    npgrad.save(obj, buf)
    return buf.getvalue()


def test_header_lengths_that_look_like_pickle_or_zip_still_load():
    # The 8-byte header length is arbitrary data: one header in 32 starts with 0x80 (pickle's
    # first byte) and a 0x4B50-byte one starts with b"PK" (zip's). Such files were refused.
    seq = npgrad.nn.Sequential(*[npgrad.nn.Linear(2, 2) for _ in range(5)])
    raw = _header_length_bytes(seq.state_dict())
    assert raw[:1] == b"\x80"
    back = npgrad.load(io.BytesIO(raw))
    for k, v in seq.state_dict().items():
        np.testing.assert_array_equal(back[k].numpy(), v.numpy())
    firsts = set()
    # A name appears three times in the header (tensor, structure key and reference), so these
    # give headers of every length modulo 256 (a multiple of 8: the header is padded).
    for k in range(1, 100):
        raw = _header_length_bytes({"w" * k: npgrad.ones(2)})
        firsts.add(raw[0])
        assert npgrad.load(io.BytesIO(raw))["w" * k].tolist() == [1.0, 1.0]
    assert len(firsts) == 32
    base = len(_header_length_bytes({"": npgrad.ones(1)}))
    near = (0x4B50 - base) // 3
    raws = (_header_length_bytes({"k" * n: npgrad.ones(1)}) for n in range(near - 8, near + 8))
    raw = next(r for r in raws if r[:2] == b"PK")
    assert list(npgrad.load(io.BytesIO(raw)).values())[0].tolist() == [1.0]
