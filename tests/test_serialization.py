"""Checkpoints: round trips, interoperability with PyTorch's safetensors files, and bad files
that must give a clear error (never a crash or silent garbage)."""
from __future__ import annotations

import io
import json
import math
import re
import struct

import numpy as np
import pytest
import safetensors
import torch
from safetensors.torch import load_file, save_file

import npgrad
from npgrad.serialization import CheckpointError


def _safetensors_buffer() -> io.BytesIO:
    """A file object that npgrad.save writes as safetensors: its name says so."""
    buf = io.BytesIO()
    buf.name = "buffer.safetensors"
    return buf


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
    buf = _safetensors_buffer()
    npgrad.save(npgrad.tensor([[1.0, 2.0]], dtype=npgrad.float64), buf)
    buf.seek(0)
    t = npgrad.load(buf)
    assert t.dtype == npgrad.float64 and t.tolist() == [[1.0, 2.0]]


def test_pytorch_safetensors_weights_load_into_npgrad(tmp_path):
    torch.manual_seed(0)
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
    # The weights load bit for bit, but the two libraries sum in different orders: an output
    # near zero needs an absolute tolerance.
    np.testing.assert_allclose(ours(npgrad.tensor(x)).detach().numpy(), expected, rtol=1e-6,
                               atol=1e-6)


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
    good = _safetensors_buffer()
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
    with pytest.raises(TypeError):
        npgrad.save({"f": lambda: 1}, tmp_path / "x.safetensors")


def _header_length_bytes(obj) -> bytes:
    buf = _safetensors_buffer()
    npgrad.save(obj, buf)
    return buf.getvalue()


def test_header_lengths_that_look_like_pickle_or_zip_still_load():
    # The 8-byte header length is arbitrary data: one header in 32 starts with 0x80 (pickle's
    # first byte) and a 0x4B50-byte one starts with b"PK" (zip's). Such files were refused.
    # This one did (its header length then began with 0x80; the checksum since moved it).
    seq = npgrad.nn.Sequential(*[npgrad.nn.Linear(2, 2) for _ in range(5)])
    raw = _header_length_bytes(seq.state_dict())
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
    assert next(iter(npgrad.load(io.BytesIO(raw)).values())).tolist() == [1.0]


def _file(header, data=b"", *, raw=None) -> bytes:
    """A safetensors file from a header (a dict, or raw JSON bytes) and its data region."""
    head = raw if raw is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(head)) + head + data


def _t(dtype="F32", shape=(1,), offsets=(0, 4), **extra):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets), **extra}


def _structured(structure: str, tensors=None, data=b"") -> bytes:
    return _file({**(tensors or {}), "__metadata__": {"npgrad.structure": structure}}, data)


FOUR = b"\0\0\x80?"  # one little-endian float32 1.0
# Headers that the reference reader (the safetensors crate) refuses, each with the data region.
INVALID = {
    "shape is a string": _file({"a": _t(shape="1")}, FOUR),
    "shape of floats": _file({"a": _t(shape=[2.5, 2], offsets=[0, 16])}, FOUR * 4),
    "shape of integral floats": _file({"a": _t(shape=[1.0])}, FOUR),
    "shape of bools": _file({"a": _t(shape=[True])}, FOUR),
    "shape -0": _file(None, FOUR, raw=b'{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}'),
    "negative shape": _file({"a": _t(shape=[-1])}, FOUR),
    "shape past u64": _file({"a": _t(shape=[2**64, 0], offsets=[0, 0])}),
    "float offsets": _file({"a": _t(offsets=[0, 4.0])}, FOUR),
    "three offsets": _file({"a": _t(offsets=[0, 4, 4])}, FOUR),
    "decreasing offsets": _file({"a": _t(shape=[0], offsets=[4, 0])}, FOUR),
    "hole at the start": _file({"a": _t(offsets=[4, 8])}, FOUR * 2),
    "hole in the middle": _file({"a": _t(), "b": _t(offsets=[8, 12])}, FOUR * 3),
    "bytes after the data": _file({"a": _t()}, FOUR * 2),
    "overlap": _file({"a": _t(), "b": _t()}, FOUR),
    "size overflows u64": _file({"a": _t(shape=[2**40, 2**40, 0], offsets=[0, 0])}),
    "bits overflow u64": _file({"a": _t(shape=[2**59], offsets=[0, 2**61])}),
    "wrong byte count": _file({"a": _t(shape=[2])}, FOUR),
    "metadata is a number": _file({"a": _t(), "__metadata__": 5}, FOUR),
    "metadata value is a number": _file({"a": _t(), "__metadata__": {"x": 1}}, FOUR),
    "unknown dtype": _file({"a": _t(dtype="f32")}, FOUR),
    "dtype is null": _file({"a": _t(dtype=None)}, FOUR),
    "missing field": _file({"a": {"dtype": "F32", "shape": [0]}}),
    "entry is a list": _file({"a": [1]}),
    "header is a list": _file(None, raw=b"[]"),
    "repeated field": _file(None, FOUR, raw=b'{"a":{"dtype":"F32","dtype":"F32","shape":[1],'
                                             b'"data_offsets":[0,4]}}'),
    "repeated __metadata__": _file(None, raw=b'{"__metadata__":{},"__metadata__":{}}'),
    "NaN": _file(None, FOUR, raw=b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],'
                                 b'"x":NaN}}'),
    "header over 100,000,000 bytes": struct.pack("<Q", 100_000_001) + b"{}",
}
# Headers that it reads, though a careless parser might not.
VALID = {
    "null metadata": _file({"a": _t(), "__metadata__": None}, FOUR),
    "unknown field": _file({"a": _t(extra=[{"x": 1}])}, FOUR),
    "repeated identical tensor": _file(None, FOUR, raw=b'{"a":{"dtype":"F32","shape":[1],'
                                       b'"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],'
                                       b'"data_offsets":[0,4]}}'),
    "repeated metadata key": _file(None, FOUR, raw=b'{"__metadata__":{"k":"1","k":"2"},'
                                   b'"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}'),
    "no tensors": _file({}),
    "whitespace around the JSON": _file(None, FOUR, raw=b' \t{"a":{"dtype":"F32","shape":[1],'
                                        b'"data_offsets":[0,4]}}\n  '),
    "empty name and zero-size tensors": _file({"": _t(shape=[0, 3], offsets=[0, 0]),
                                               "b": _t(shape=[2, 0], offsets=[0, 0])}),
    "tensors out of order in the header": _file({"b": _t(offsets=[4, 8]), "a": _t()}, FOUR * 2),
}


@pytest.mark.parametrize("case", INVALID)
def test_headers_the_format_forbids_are_refused(case, tmp_path):
    raw = INVALID[case]
    with pytest.raises(safetensors.SafetensorError):
        safetensors.deserialize(raw)  # the reference reader agrees that the file is invalid
    path = tmp_path / "bad.safetensors"
    path.write_bytes(raw)
    with pytest.raises(CheckpointError, match="bad.safetensors: "):
        npgrad.load(path)


@pytest.mark.parametrize("case", VALID)
def test_headers_the_format_allows_load(case):
    raw = VALID[case]
    expected = {name: np.frombuffer(t["data"], np.float32).reshape(t["shape"])
                for name, t in safetensors.deserialize(raw)}
    back = npgrad.load(io.BytesIO(raw))
    assert set(back) == set(expected)
    for name, arr in expected.items():
        assert back[name].shape == arr.shape
        np.testing.assert_array_equal(back[name].numpy(), arr)


def test_valid_safetensors_that_npgrad_cannot_hold_says_so():
    for dtype in ("U16", "F8_E4M3", "C64"):
        raw = _file({"a": _t(dtype=dtype, shape=[0], offsets=[0, 0])})
        safetensors.deserialize(raw)
        with pytest.raises(CheckpointError, match=f"{dtype}.*not supported"):
            npgrad.load(io.BytesIO(raw))
    raw = _file({"a": _t(shape=[0, 2**62], offsets=[0, 0])})
    safetensors.deserialize(raw)  # valid safetensors, but too big for a numpy array
    with pytest.raises(CheckpointError, match="numpy"):
        npgrad.load(io.BytesIO(raw))


@pytest.mark.parametrize("structure", [
    "not json", "5x", '{"__dict__": 5}', '{"__dict__": [[[1], {"__list__": []}]]}',
    '{"__dict__": [[1]]}', '{"__list__": {}}', '{"__tensor__": "missing"}', '{"__what__": 1}',
    '{"__float__": "1e400x"}', '[1, 2]', '{"__tensor__": "a", "__list__": []}',
    pytest.param('{"__list__": ' * 5000 + "[]" + "}" * 5000, id="deeply nested"),
])
def test_corrupted_structures_are_refused(structure):
    raw = _structured(structure, {"a": _t()}, FOUR)
    with pytest.raises(CheckpointError, match="<BytesIO>: "):
        npgrad.load(io.BytesIO(raw))


def test_errors_name_the_file_sensibly(tmp_path):
    raw = b"\0" * 4
    with pytest.raises(CheckpointError, match=r"^<BytesIO>: .*too short"):
        npgrad.load(io.BytesIO(raw))
    path = tmp_path / "short.safetensors"
    path.write_bytes(raw)
    with pytest.raises(CheckpointError, match=r"short\.safetensors: .*too short"):
        npgrad.load(path)
    with open(path, "rb") as fh, pytest.raises(CheckpointError, match=f"^{re.escape(str(path))}: "):
        npgrad.load(fh)


def test_damage_that_leaves_valid_safetensors_is_caught_by_the_checksum():
    ckpt = {"w": npgrad.tensor([1.0, 2.0]), "empty": npgrad.zeros(0, 2), "epoch": 3}
    raw = _header_length_bytes(ckpt)
    for old, new in [(raw[-1:], b"\x41"),  # a byte of w's data
                     (b'"shape":[0,2]', b'"shape":[0,3]'),  # still zero bytes
                     (b'\\"epoch\\", 3', b'\\"epoch\\", 4')]:
        assert old in raw
        bad = raw[:-1] + new if old == raw[-1:] else raw.replace(old, new)
        safetensors.deserialize(bad)  # still a valid safetensors file
        with pytest.raises(CheckpointError, match="checksum mismatch"):
            npgrad.load(io.BytesIO(bad))
    # Files from other writers, and from npgrad before the checksum, load as before.
    old = _structured('{"__dict__": [["w", {"__tensor__": "a"}]]}', {"a": _t()}, FOUR)
    assert npgrad.load(io.BytesIO(old))["w"].tolist() == [1.0]


def test_save_refuses_a_header_that_no_reader_would_load(monkeypatch):
    monkeypatch.setattr(npgrad.serialization._safetensors, "_MAX_HEADER", 1000)
    npgrad.save({"losses": [0.5] * 10}, _safetensors_buffer())
    with pytest.raises(RuntimeError, match="over the safetensors limit"):
        npgrad.save({"losses": [0.5] * 500}, _safetensors_buffer())
