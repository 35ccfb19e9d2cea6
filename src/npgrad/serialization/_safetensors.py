"""Checkpoints in the safetensors format (``npgrad.save(obj, 'x.safetensors')``).

A file is an 8-byte little-endian header length, a JSON header (name -> dtype, shape, byte
offsets), then the raw tensor bytes. Loading parses JSON and copies bytes: it never runs code
(unlike pickle). Nested checkpoints (``{'model': sd, 'optim': osd, 'epoch': 3}``) keep their
structure as JSON in the header's ``__metadata__``; a flat state dict is stored under its own
key names, so the file is an ordinary safetensors file that other tools (PyTorch's
``safetensors.torch.load_file``) read, and files they write load here.
"""
from __future__ import annotations

import json
import math
import os
import reprlib
import struct
import zlib
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..backend import to_host
from ..tensor import Tensor

# npgrad dtypes (bfloat16's NumPy dtype loads ml_dtypes on first use), and back by name
_DTYPES = {"F16": _dt.float16, "F32": _dt.float32, "F64": _dt.float64, "I8": _dt.int8,
           "I16": _dt.int16, "I32": _dt.int32, "I64": _dt.int64, "U8": _dt.uint8,
           "BOOL": _dt.bool, "BF16": _dt.bfloat16}
_CODES = {v.name: k for k, v in _DTYPES.items()}
_META_KEY = "npgrad.structure"
_CRC_KEY = "npgrad.crc32"
_MAX_HEADER = 100_000_000  # the reference reader's limit


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------

def _encode(obj, path: str, tensors: dict):
    """The JSON skeleton of ``obj``; tensors and arrays go into ``tensors`` by name."""
    if isinstance(obj, (Tensor, np.ndarray)):
        name = path or "tensor"
        while name in tensors:
            name += "_"
        tensors[name] = to_host(obj._data) if isinstance(obj, Tensor) else obj  # (host bytes)
        return {"__tensor__" if isinstance(obj, Tensor) else "__ndarray__": name}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return _encode(obj.item(), path, tensors)
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int, float, bool)) and k is not None:
                raise TypeError(f"npgrad.save: dict keys must be str, int, float or bool, got "
                                f"{type(k).__name__}")
            items.append([k, _encode(v, f"{path}.{k}" if path else str(k), tensors)])
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        kind = "__list__" if isinstance(obj, list) else "__tuple__"
        return {kind: [_encode(v, f"{path}.{i}" if path else str(i), tensors)
                       for i, v in enumerate(obj)]}
    raise TypeError(f"npgrad.save: cannot save an object of type {type(obj).__name__}; a safe "
                    "checkpoint holds tensors, arrays, numbers, strings, None, and dicts, lists "
                    "and tuples of them")


def _checksum(tensors: dict, structure, data: list) -> str:
    """CRC-32 of all that decides what :func:`load` returns: each tensor's name, dtype, shape,
    offsets and bytes, and the structure. Safetensors has no checksum of its own, and without
    one a flipped bit loads as a silently different weight (or shape, or epoch)."""
    crc = zlib.crc32(json.dumps([tensors, structure], sort_keys=True).encode())
    for chunk in data:
        crc = zlib.crc32(chunk, crc)
    return f"{crc:08x}"


def save_safetensors(obj: Any, fh) -> None:
    """Write tensors, state dicts and nested dicts/lists of tensors, numbers and strings to
    the binary file ``fh``.

    >>> npgrad.save({'model': model.state_dict(), 'epoch': 3}, 'ckpt.safetensors')
    """
    tensors: dict = {}
    skeleton = _encode(obj, "", tensors)
    header: dict = {}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        code = _CODES.get(arr.dtype.name) if arr.dtype.isnative else None
        if code is None:
            raise TypeError(f"npgrad.save: unsupported dtype {arr.dtype} for '{name}'")
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False)
        raw = data.tobytes()
        header[name] = {"dtype": code, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    structure = json.dumps(skeleton)
    header["__metadata__"] = {_META_KEY: structure, _CRC_KEY: _checksum(header, structure, blobs),
                              "format": "pt"}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # align the data, as the safetensors format recommends
    if len(head) > _MAX_HEADER:  # better no file than one that no reader will load
        raise RuntimeError(f"npgrad.save: the header would be {len(head)} bytes, over the "
                           f"safetensors limit of {_MAX_HEADER}; save long lists of numbers "
                           "as tensors")
    fh.write(struct.pack("<Q", len(head)) + head)
    for blob in blobs:
        fh.write(blob)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

# Every dtype of the safetensors format with its size in bits (F4 and F6 pack values into
# bytes). A valid file may hold any of them; npgrad holds those in _DTYPES.
_BITS = {"BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8,
         "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "I16": 16, "U16": 16,
         "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "C64": 64, "F64": 64,
         "I64": 64, "U64": 64}
_U64 = 2**64 - 1  # the reference reader's sizes and offsets are 64-bit and refuse overflow
_CHUNK = 1 << 20  # a read of n bytes allocates n bytes up front, however few there are


def source_name(f) -> str:
    """How error messages name ``f``: its path, a file object's name, or ``<BytesIO>``."""
    name = getattr(f, "name", None) if hasattr(f, "read") else f
    if isinstance(name, (str, bytes, os.PathLike)):
        return os.fsdecode(name)
    return f"<{type(f).__name__}>"


def _read(fh, count: int) -> bytearray:
    """Up to ``count`` bytes of ``fh``, read a chunk at a time: a size that a file only claims
    must never turn into one big allocation."""
    buf = bytearray()
    while len(buf) < count:
        chunk = fh.read(min(count - len(buf), _CHUNK))
        if not chunk:
            break
        buf += chunk
    return buf


class _Object(dict):
    """A JSON object that remembers its repeated keys: ``json`` silently keeps the last one,
    where the reference reader refuses a repeated field (but keeps the last repeated tensor)."""

    def __init__(self, pairs):
        super().__init__(pairs)
        self.repeated = set()
        if len(self) < len(pairs):
            seen: set = set()
            self.repeated = {k for k, _ in pairs if k in seen or seen.add(k)}


def _json_int(text: str):
    # As in the reference reader's JSON parser, -0 and integers past 64 bits are floats (so
    # they are refused as sizes), and no integer is long enough to make int() raise.
    return int(text) if len(text) <= 20 and text != "-0" else float(text)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _is_size(v) -> bool:
    return type(v) is int and 0 <= v <= _U64  # not bool, which is an int to Python


def _header(prefix: bytes, fh, fail):
    """Read the header and check it exactly as the reference reader (the safetensors crate)
    does. Returns the tensors as (name, dtype, shape, start, end) in the order of their data,
    the metadata, and the size of the data region that they must tile."""
    if len(prefix) < 8:
        raise fail(f"file of {len(prefix)} bytes is too short for a safetensors header")
    (n,) = struct.unpack("<Q", prefix)
    if n > _MAX_HEADER:
        raise fail(f"header length {n} is over the format's limit of {_MAX_HEADER} bytes")
    text = _read(fh, n)
    if len(text) < n:
        raise fail(f"header of {n} bytes, but only {len(text)} bytes follow (truncated?)")
    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=_Object,
                            parse_int=_json_int, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise fail("header is not UTF-8") from None
    except (ValueError, RecursionError) as e:  # RecursionError: JSON nested too deeply
        raise fail(f"header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise fail("header is not a JSON object")
    if "__metadata__" in header.repeated:
        raise fail("header has two __metadata__ entries")
    meta = header.pop("__metadata__", None)
    meta = {} if meta is None else meta
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise fail(f"__metadata__ must map strings to strings, not {reprlib.repr(meta)}")
    tensors = []
    for name, info in header.items():
        what = f"tensor {name!r}"
        if not isinstance(info, dict):
            raise fail(f"{what}: entry is {reprlib.repr(info)}, not a JSON object")
        if info.repeated:
            raise fail(f"{what}: field {min(info.repeated)!r} appears twice")
        missing = [k for k in ("dtype", "shape", "data_offsets") if k not in info]
        if missing:
            raise fail(f"{what}: entry has no {missing[0]!r}")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dtype, str) or dtype not in _BITS:
            raise fail(f"{what}: unknown dtype {reprlib.repr(dtype)}")
        if not isinstance(shape, list) or not all(map(_is_size, shape)):
            raise fail(f"{what}: shape {reprlib.repr(shape)} is not a list of non-negative "
                       "integers")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(map(_is_size, offsets)):
            raise fail(f"{what}: data_offsets {reprlib.repr(offsets)} are not two "
                       "non-negative integers")
        tensors.append((name, dtype, shape, *offsets))
    tensors.sort(key=lambda t: t[3:])
    end = 0
    for name, dtype, shape, start, stop in tensors:
        what = f"tensor {name!r}"
        if start != end or stop < start:
            raise fail(f"{what}: data_offsets [{start}, {stop}] do not start where the data "
                       f"before them ends ({end}): tensors must tile the data region with no "
                       "holes or overlaps")
        end = stop
        count = 1
        for size in shape:  # checked step by step, like the reference reader's u64 products
            count *= size
            if count > _U64:
                raise fail(f"{what}: shape {shape} overflows 64 bits")
        bits = count * _BITS[dtype]
        if bits > _U64:
            raise fail(f"{what}: shape {shape} of {dtype} overflows 64 bits")
        if bits % 8:
            raise fail(f"{what}: {count} values of {dtype} do not fill a whole byte")
        if stop - start != bits // 8:
            raise fail(f"{what}: {dtype} of shape {shape} needs {bits // 8} bytes, but its "
                       f"data_offsets span {stop - start}")
    return tensors, meta, end


def _arrays(fh, fail, prefix: bytes):
    """The tensors (as native-order numpy arrays) and metadata of a safetensors stream whose
    first (up to) 8 bytes, ``prefix``, were already read."""
    tensors, meta, size = _header(prefix, fh, fail)
    data = _read(fh, size)
    if len(data) < size:
        raise fail(f"truncated: the header describes {size} bytes of tensor data, but only "
                   f"{len(data)} follow it")
    if fh.read(1):
        raise fail(f"the file goes on past the {size} bytes of tensor data that its header "
                   "describes")
    # Files without a checksum (other writers', older npgrad's) load unchecked, as before.
    layout = {t[0]: {"dtype": t[1], "shape": t[2], "data_offsets": list(t[3:])} for t in tensors}
    if _CRC_KEY in meta and meta[_CRC_KEY] != _checksum(layout, meta.get(_META_KEY), [data]):
        raise fail("checksum mismatch: the file was damaged after it was written")
    for name, dtype, *_ in tensors:
        if dtype not in _DTYPES:
            raise fail(f"tensor {name!r} has dtype {dtype}, which is valid safetensors but not "
                       f"supported by npgrad yet (it holds {', '.join(_DTYPES)})")
    arrays = {}
    for name, dtype, shape, start, stop in tensors:
        le = _DTYPES[dtype].np.newbyteorder("<")
        try:
            arr = np.frombuffer(data, le, (stop - start) // le.itemsize, start).reshape(shape)
        except ValueError as e:  # e.g. shape [0, 2**62]: no bytes, but too big for numpy
            raise fail(f"tensor {name!r} of shape {shape} is valid safetensors, but numpy "
                       f"cannot hold it ({e})") from None
        arrays[name] = arr.astype(le.newbyteorder("="), copy=True)
    return arrays, meta


_SCALARS = (type(None), bool, int, float, str)


def _decode(node, arrays: dict, fail):
    """Rebuild what ``_encode`` wrote, refusing anything it cannot have written."""
    if isinstance(node, _SCALARS):
        return node
    if isinstance(node, dict) and len(node) == 1:
        ((kind, value),) = node.items()
        if kind in ("__tensor__", "__ndarray__") and isinstance(value, str):
            if value not in arrays:
                raise fail(f"structure names a missing tensor {value!r}")
            return Tensor._make(arrays[value]) if kind == "__tensor__" else arrays[value]
        if kind in ("__list__", "__tuple__") and isinstance(value, list):
            items = [_decode(v, arrays, fail) for v in value]
            return items if kind == "__list__" else tuple(items)
        if kind == "__dict__" and isinstance(value, list) and all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], _SCALARS)
                for p in value):
            return {k: _decode(v, arrays, fail) for k, v in value}
        if kind == "__float__" and value in ("inf", "-inf", "nan"):
            return float(value)
    raise fail(f"corrupted checkpoint structure at {reprlib.repr(node)}")


def load_safetensors(fh, prefix: bytes, fail) -> Any:
    """Load what :func:`save_safetensors` wrote, or any safetensors file (as a dict of tensors),
    from ``fh`` after its first bytes ``prefix``. ``fail(problem)`` makes the CheckpointError."""
    arrays, meta = _arrays(fh, fail, prefix)
    if _META_KEY not in meta:
        return {name: Tensor._make(arr) for name, arr in arrays.items()}
    try:
        return _decode(json.loads(meta[_META_KEY]), arrays, fail)
    except (ValueError, RecursionError) as e:  # not JSON, or nested past Python's stack
        raise fail(f"corrupted checkpoint structure ({e})") from None
