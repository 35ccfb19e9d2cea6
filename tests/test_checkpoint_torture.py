"""Checkpoint torture: every truncation and byte flip of a checkpoint, hostile headers, and
1,000 random round trips. A load must give back exactly what was saved or raise
CheckpointError: never another exception, never a silently different value."""
from __future__ import annotations

import io
import json
import math
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

import npgrad
from npgrad.serialization import CheckpointError

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8,
          np.bool_]


def _saved(obj) -> bytes:
    """``obj`` saved as safetensors (a file object's name picks the format)."""
    buf = io.BytesIO()
    buf.name = "buffer.safetensors"
    npgrad.save(obj, buf)
    return buf.getvalue()


def _same(a, b) -> bool:
    """Whether ``b`` is exactly ``a``: same types all the way down, same dtypes, shapes and
    bytes (so NaNs and -0.0 count), same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, npgrad.Tensor):
        if a.requires_grad != b.requires_grad:
            return False
        a, b = a.detach().numpy(), b.detach().numpy()
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return (len(a) == len(b) and all(type(x) is type(y) and x == y for x, y in zip(a, b))
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or math.isnan(a) and math.isnan(b)
    return a == b


def _load_or_refuse(raw: bytes, original) -> None:
    """Load ``raw``: it must be refused with CheckpointError or give back ``original``."""
    try:
        back = npgrad.load(io.BytesIO(raw))
    except CheckpointError:
        return
    assert _same(original, back), "a damaged checkpoint loaded as something else"


# ---------------------------------------------------------------------------------------------
# Damage to a small checkpoint
# ---------------------------------------------------------------------------------------------

SMALL = {"w": npgrad.tensor([[1.5, -2.0], [0.0, 3.25]]), "b": npgrad.tensor([1, -2, 3]),
         "mask": npgrad.tensor([True, False]), "step": 7, "name": "run", "lr": [0.1, 1e-3],
         "empty": npgrad.zeros(0, 2), "scalar": npgrad.tensor(2.0, dtype=npgrad.float64),
         "half": np.arange(3, dtype=np.float16)}


def test_every_truncation_is_refused():
    raw = _saved(SMALL)
    assert _same(SMALL, npgrad.load(io.BytesIO(raw)))
    for cut in range(len(raw)):
        with pytest.raises(CheckpointError):
            npgrad.load(io.BytesIO(raw[:cut]))


def test_every_byte_flip_is_refused_or_harmless():
    raw = _saved(SMALL)
    for i in range(len(raw)):
        for mask in (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF):
            bad = bytearray(raw)
            bad[i] ^= mask
            _load_or_refuse(bytes(bad), SMALL)


def test_appended_bytes_are_refused():
    raw = _saved(SMALL)
    for tail in (b"\0", b" ", b"x" * 9):
        with pytest.raises(CheckpointError, match="goes on past"):
            npgrad.load(io.BytesIO(raw + tail))


# ---------------------------------------------------------------------------------------------
# Hostile headers
# ---------------------------------------------------------------------------------------------

def _file(header, data=b"", *, raw=None) -> bytes:
    head = raw if raw is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(head)) + head + data


def _refused_within(raw: bytes, limit: int, match: str) -> None:
    """Loading ``raw`` raises CheckpointError having allocated less than ``limit`` bytes."""
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=match):
            npgrad.load(io.BytesIO(raw))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit, f"allocated {peak} bytes before refusing the file"


F32 = {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}


@pytest.mark.parametrize("raw, match", [
    (struct.pack("<Q", 2**64 - 1) + b"{}", "over the format's limit"),
    (struct.pack("<Q", 100_000_000) + b"{}", "truncated"),
    (_file({"a": {**F32, "shape": [2**40], "data_offsets": [0, 2**42]}}), "truncated"),
    (_file({"a": {**F32, "shape": [2**61], "data_offsets": [0, 2**63]}}), "overflows"),
    (_file({"a": {**F32, "shape": [2**32, 2**32, 2**32]}}), "overflows"),
    (_file({"a": {**F32, "shape": [2**18] * 3, "data_offsets": [0, 2**56]}, "__metadata__": {
        "npgrad.structure": '{"__tensor__": "a"}'}}), "truncated"),
], ids=["header length 2**64-1", "header length 1e8", "tensor of 4 TiB", "size past 64 bits",
        "elements past 64 bits", "structured, 64 PiB"])
def test_huge_declared_sizes_are_refused_before_allocating(raw, match):
    _refused_within(raw, 4 << 20, match)


def test_a_huge_header_from_a_path_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 99_999_999) + b'{"a": 1}')
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match="truncated"):
            npgrad.load(path)
        assert tracemalloc.get_traced_memory()[1] < 4 << 20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("tensors, data, match", [
    ({"a": F32, "b": F32}, b"\0" * 4, "holes or overlaps"),  # both at [0, 4]
    ({"a": {**F32, "shape": [2], "data_offsets": [0, 8]}, "b": {**F32, "data_offsets": [4, 8]}},
     b"\0" * 8, "holes or overlaps"),
    ({"a": {**F32, "data_offsets": [4, 8]}}, b"\0" * 8, "holes or overlaps"),
    ({"a": {**F32, "data_offsets": [0, 2**64]}}, b"\0" * 4, "not two non-negative"),
    ({"a": {**F32, "data_offsets": [-4, 0]}}, b"", "not two non-negative"),
    ({"a": {**F32, "shape": [0], "data_offsets": [8, 4]}}, b"\0" * 8, "holes or overlaps"),
    ({"a": {**F32, "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4, "truncated"),
])
def test_overlapping_and_out_of_range_offsets_are_refused(tensors, data, match):
    _refused_within(_file(tensors, data), 1 << 20, match)


def test_headers_that_are_not_utf8_are_refused():
    for head in (b'{"\xff": 1}', b'{"a\xc3": 1}', b"\xfe\xff{}", b'{"\xed\xa0\x80": 1}'):
        with pytest.raises(CheckpointError, match="not UTF-8"):
            npgrad.load(io.BytesIO(_file(None, raw=head)))


def test_repeated_keys_in_the_header():
    t = b'{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'
    other = b'{"dtype":"F32","shape":[1],"data_offsets":[4,8]}'
    with pytest.raises(CheckpointError, match="'dtype' appears twice"):
        npgrad.load(io.BytesIO(_file(None, b"\0" * 4, raw=b'{"a":{"dtype":"I32",' + t[1:] + b"}")))
    with pytest.raises(CheckpointError, match="two __metadata__"):
        npgrad.load(io.BytesIO(_file(None, raw=b'{"__metadata__":{},"__metadata__":{}}')))
    # json keeps the last of a repeated tensor, as the reference reader does: the first one's
    # bytes are then a hole.
    with pytest.raises(CheckpointError, match="holes or overlaps"):
        npgrad.load(io.BytesIO(_file(None, b"\0" * 8, raw=b'{"a":' + t + b',"a":' + other + b"}")))


@pytest.mark.parametrize("head", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + b"[" * 50_000 + b"]" * 50_000
    + b"}}",
    b'{"a":{"dtype":"F32","shape":' + b"[" * 50_000 + b"]" * 50_000 + b',"data_offsets":[0,4]}}',
], ids=["array", "object", "unknown field", "shape"])
def test_deeply_nested_headers_are_refused(head):
    with pytest.raises(CheckpointError):
        npgrad.load(io.BytesIO(_file(None, b"\0" * 4, raw=head)))


# ---------------------------------------------------------------------------------------------
# Random round trips
# ---------------------------------------------------------------------------------------------

def _random(rng, shape: tuple, dtype) -> np.ndarray:
    """Random values of every kind ``dtype`` has: for floats, random bit patterns (NaNs with
    payloads, infinities, -0.0 and subnormals)."""
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    size = np.dtype(dtype).itemsize
    return rng.integers(0, 256, shape + (size,), dtype=np.uint8).view(dtype).reshape(shape)


def _array(rng) -> np.ndarray:
    dtype = DTYPES[rng.integers(len(DTYPES))]
    shape = tuple(int(s) for s in rng.integers(0, 4, rng.integers(0, 4)))
    arr = _random(rng, shape, dtype)
    kind = rng.integers(4)  # sometimes a view that is not C-contiguous
    if kind == 1 and arr.ndim >= 2:
        arr = arr.T
    elif kind == 2 and arr.ndim >= 1:
        arr = arr[::2]
    elif kind == 3 and arr.ndim >= 1:
        arr = arr[..., ::-1]
    return arr


def _leaf(rng):
    pick = rng.integers(9)
    if pick < 4:
        return npgrad.from_numpy(_array(rng))
    if pick == 4:
        return _array(rng)
    if pick == 5:
        return int(rng.integers(-2**63, 2**63))
    if pick == 6:
        return [0.1, -0.0, 1e308, 5e-324, math.inf, -math.inf, math.nan][rng.integers(7)]
    return [None, True, False, "", "é ✓ \0", "a.b"][int(rng.integers(6))]


def _tree(rng, depth=0):
    pick = rng.integers(6) if depth < 3 else 5
    if pick <= 1:
        keys = [["w", "a.b", "0", "", "tensor", "é"][rng.integers(6)], int(rng.integers(-3, 3)),
                [None, True, 1.5][rng.integers(3)]]
        return {k: _tree(rng, depth + 1) for k in keys[:int(rng.integers(0, 4))]}
    if pick == 2:
        return [_tree(rng, depth + 1) for _ in range(int(rng.integers(0, 4)))]
    if pick == 3:
        return tuple(_tree(rng, depth + 1) for _ in range(int(rng.integers(0, 3))))
    return _leaf(rng)


def test_a_thousand_random_checkpoints_round_trip_exactly():
    rng = np.random.default_rng(1234)
    for _ in range(1000):
        obj = _tree(rng)
        back = npgrad.load(io.BytesIO(_saved(obj)))
        assert _same(obj, back), obj


def test_random_state_dicts_round_trip_through_a_file(tmp_path):
    rng = np.random.default_rng(99)
    path = tmp_path / "sd.safetensors"
    for _ in range(50):
        sd = {f"layer{i}.{name}": npgrad.from_numpy(_array(rng))
              for i in range(int(rng.integers(1, 5))) for name in ("weight", "bias")}
        npgrad.save(sd, path)
        assert _same(sd, npgrad.load(path))
        assert not (tmp_path / "sd.safetensors.tmp").exists()


# ---------------------------------------------------------------------------------------------
# PyTorch's safetensors files, both ways
# ---------------------------------------------------------------------------------------------

TORCH = {torch.float16: np.float16, torch.float32: np.float32, torch.float64: np.float64,
         torch.int8: np.int8, torch.int16: np.int16, torch.int32: np.int32,
         torch.int64: np.int64, torch.uint8: np.uint8, torch.bool: np.bool_}
assert set(TORCH.values()) == set(DTYPES)


def test_files_from_safetensors_torch_load(tmp_path):
    rng = np.random.default_rng(7)
    sd = {f"t{i}.{j}": torch.from_numpy(_random(rng, shape, dtype))
          for i, dtype in enumerate(TORCH.values())
          for j, shape in enumerate([(), (0,), (3, 0), (2, 3, 1), (5,)])}
    path = tmp_path / "torch.safetensors"
    save_file(sd, str(path), metadata={"format": "pt", "note": "from torch"})
    back = npgrad.load(path)
    assert set(back) == set(sd)
    for name, t in sd.items():
        assert _same(t.numpy(), back[name].numpy()), name
    save_file({"x": torch.tensor([1.5, -3.0], dtype=torch.bfloat16)}, str(path))
    assert npgrad.load(path)["x"].float().tolist() == [1.5, -3.0]
    save_file({"x": torch.ones(2, dtype=torch.float8_e4m3fn)}, str(path))
    with pytest.raises(CheckpointError, match="F8_E4M3.*not supported by npgrad"):
        npgrad.load(path)


def test_our_files_load_in_safetensors_torch(tmp_path):
    rng = np.random.default_rng(8)
    path = tmp_path / "ours.safetensors"
    for _ in range(30):
        sd = {f"m.{i}": npgrad.from_numpy(_array(rng)) for i in range(int(rng.integers(1, 6)))}
        npgrad.save(sd, path)
        theirs = load_file(str(path))
        assert set(theirs) == set(sd)
        for name, t in sd.items():
            ours = t.numpy()
            got = theirs[name].numpy()
            assert got.dtype == ours.dtype and got.shape == ours.shape
            assert got.tobytes() == np.ascontiguousarray(ours).tobytes()
    nested = {"model": {"w": npgrad.ones(2, 2)}, "epoch": 3}
    npgrad.save(nested, path)
    assert set(load_file(str(path))) == {"model.w"}


# ---------------------------------------------------------------------------------------------
# PyTorch's formats (.pt): damage and random round trips
# ---------------------------------------------------------------------------------------------

def _pt(obj, zip_format: bool = True) -> bytes:
    buf = io.BytesIO()
    npgrad.save(obj, buf, _use_new_zipfile_serialization=zip_format)
    return buf.getvalue()


def _small_pt():
    w = npgrad.tensor([[1.5, -2.0], [0.0, 3.25]])
    return {"w": w, "col": w[:, 1], "p": npgrad.nn.Parameter(npgrad.tensor([1.0, 2.0])),
            "b": npgrad.tensor([1, -2, 3]), "mask": npgrad.tensor([True, False]), "step": 7,
            "name": "run", "lr": [0.1, 1e-3], "empty": npgrad.zeros(0, 2),
            "scalar": npgrad.tensor(2.0, dtype=npgrad.float64)}


def _pt_load_or_refuse(raw: bytes, original) -> None:
    try:
        back = npgrad.load(io.BytesIO(raw))
    except CheckpointError:
        return
    assert _same(original, back), "a damaged .pt file loaded as something else"


@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
def test_every_truncation_of_a_pt_file_is_refused(zip_format):
    obj = _small_pt()
    raw = _pt(obj, zip_format)
    assert _same(obj, npgrad.load(io.BytesIO(raw)))
    for cut in range(len(raw)):
        with pytest.raises(CheckpointError):
            npgrad.load(io.BytesIO(raw[:cut]))


def test_every_byte_flip_of_a_pt_file_is_refused_or_harmless():
    # The zip format keeps a CRC-32 of every record (npgrad checks it), so damage to the
    # pickle or the tensor bytes is caught; damage elsewhere (padding, dates) is harmless.
    obj = _small_pt()
    raw = _pt(obj)
    for i in range(len(raw)):
        bad = bytearray(raw)
        bad[i] ^= (0x01, 0x80, 0xFF)[i % 3]  # one flip a byte (a load takes milliseconds)
        _pt_load_or_refuse(bytes(bad), obj)


def test_byte_flips_of_a_legacy_file_never_crash():
    # The legacy format has no checksum: a flipped tensor byte loads as another value (as it
    # does in PyTorch), but damage never escapes as anything but a CheckpointError.
    raw = _pt(_small_pt(), zip_format=False)
    for i in range(len(raw)):
        bad = bytearray(raw)
        bad[i] ^= (0x01, 0x80, 0xFF)[i % 3]
        try:
            npgrad.load(io.BytesIO(bytes(bad)))
        except CheckpointError:
            pass


def _pt_tree(rng):
    """A random checkpoint for the .pt format: numpy arrays become tensors (a weights-only
    load refuses numpy's own pickles, as PyTorch's does)."""
    def convert(node):
        if isinstance(node, np.ndarray):
            return npgrad.from_numpy(node)
        if isinstance(node, dict):
            return {k: convert(v) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return type(node)(convert(v) for v in node)
        return node
    return convert(_tree(rng))


def test_random_pt_checkpoints_round_trip_exactly_in_npgrad_and_torch():
    rng = np.random.default_rng(4321)
    for i in range(300):
        obj = _pt_tree(rng)
        raw = _pt(obj, zip_format=bool(i % 2))
        assert _same(obj, npgrad.load(io.BytesIO(raw))), obj
        theirs = torch.load(io.BytesIO(raw), weights_only=True)
        assert _same(obj, _from_torch(theirs)), obj


def _from_torch(node):
    if isinstance(node, torch.Tensor):
        return npgrad.from_numpy(node.numpy())
    if isinstance(node, dict):
        return {k: _from_torch(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(_from_torch(v) for v in node)
    return node


def _with_pickle(raw: bytes, data: bytes) -> bytes:
    """The zip archive ``raw`` with its data.pkl replaced by ``data`` (CRCs recomputed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename.endswith("/data.pkl")
                         else src.read(info))
    return out.getvalue()


def test_every_byte_flip_of_the_pickle_itself_is_refused_cleanly():
    # The CRC catches damage to a file; this damages the pickle and keeps the CRCs right, so
    # the weights-only interpreter itself meets every broken opcode, argument and length.
    obj = _small_pt()
    raw = _pt(obj)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        pkl = zf.read("archive/data.pkl")
    archives = [_with_pickle(raw, pkl[:cut]) for cut in range(len(pkl))]
    for i in range(len(pkl)):
        bad = bytearray(pkl)
        bad[i] ^= (0x01, 0x80, 0xFF)[i % 3]
        archives.append(_with_pickle(raw, bytes(bad)))
    for archive in archives:
        try:
            npgrad.load(io.BytesIO(archive))
        except CheckpointError:
            pass


def test_huge_storage_sizes_in_a_pt_file_are_refused_before_allocating():
    huge = b"\x8a\x06" + (2**40).to_bytes(6, "little")  # LONG1: 2**40 elements, 4 TiB
    raw = _pt({"w": npgrad.ones(1)})
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        pkl = zf.read("archive/data.pkl")
    assert pkl.count(b"K\x01t") == 1  # the storage id's numel (1), then TUPLE
    _refused_within(_with_pickle(raw, pkl.replace(b"K\x01t", huge + b"t")), 4 << 20,
                    "should hold 4398046511104 bytes")
    legacy = _pt({"w": npgrad.ones(1)}, zip_format=False)
    assert legacy.count(b"K\x01Nt") == 1  # numel, no view, TUPLE
    _refused_within(legacy.replace(b"K\x01Nt", huge + b"Nt"), 4 << 20,
                    "more than the file holds")
