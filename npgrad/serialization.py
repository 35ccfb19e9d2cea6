"""Safe checkpoints: ``npgrad.save`` / ``npgrad.load`` in the safetensors format.

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
import struct
from typing import Any

import numpy as np

from .tensor import Tensor

__all__ = ["save", "load"]

_DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I8": np.int8,
           "I16": np.int16, "I32": np.int32, "I64": np.int64, "U8": np.uint8, "BOOL": np.bool_}
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}
_META_KEY = "npgrad.structure"
_MAX_HEADER = 100 * 1024 * 1024


class CheckpointError(RuntimeError):
    """A file that is not a valid checkpoint (truncated, corrupted or of another format)."""


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------

def _encode(obj, path: str, tensors: dict):
    """The JSON skeleton of ``obj``; tensors and arrays go into ``tensors`` by name."""
    if isinstance(obj, (Tensor, np.ndarray)):
        name = path or "tensor"
        while name in tensors:
            name += "_"
        tensors[name] = obj._data if isinstance(obj, Tensor) else obj
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


def save(obj: Any, f, **kwargs) -> None:
    """Save tensors, state dicts and nested dicts/lists of tensors, numbers and strings.

    >>> npgrad.save({'model': model.state_dict(), 'epoch': 3}, 'ckpt.safetensors')
    """
    tensors: dict = {}
    skeleton = _encode(obj, "", tensors)
    header: dict = {}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        code = _CODES.get(arr.dtype)
        if code is None:
            raise TypeError(f"npgrad.save: unsupported dtype {arr.dtype} for '{name}'")
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False)
        raw = data.tobytes()
        header[name] = {"dtype": code, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {_META_KEY: json.dumps(skeleton), "format": "pt"}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # align the data, as the safetensors format recommends
    payload = struct.pack("<Q", len(head)) + head + b"".join(blobs)
    if hasattr(f, "write"):
        f.write(payload)
        return
    tmp = f"{os.fspath(f)}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(payload)
    os.replace(tmp, f)  # never leave a half-written checkpoint under the real name


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

def _read(f) -> bytes:
    if hasattr(f, "read"):
        return f.read()
    with open(f, "rb") as fh:
        return fh.read()


def _not_safetensors(buf: bytes, source: str, problem: str) -> CheckpointError:
    """The error for a file whose safetensors header does not parse.

    Only now is it worth guessing at another format: the header length is arbitrary bytes, and
    one header that npgrad writes in 32 starts with pickle's 0x80 (one in 8192 with zip's b"PK").
    """
    if buf[:1] == b"\x80" or buf[:2] == b"PK":
        return CheckpointError(f"{source}: this looks like a pickle or zip file (torch.save's "
                               "format); npgrad loads only safetensors files, which cannot run "
                               "code. Save with safetensors.torch.save_file instead.")
    return CheckpointError(f"{source}: {problem}")


def _parse(buf: bytes, source: str):
    if len(buf) < 8:
        raise _not_safetensors(buf, source, f"not a checkpoint (file of {len(buf)} bytes is too "
                               "short for a safetensors header)")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > _MAX_HEADER or 8 + n > len(buf):
        raise _not_safetensors(buf, source, f"corrupted or truncated checkpoint (header of {n} "
                               f"bytes, file of {len(buf)} bytes)")
    try:
        header = json.loads(buf[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _not_safetensors(buf, source, f"corrupted checkpoint header ({e})") from None
    if not isinstance(header, dict):
        raise _not_safetensors(buf, source, "corrupted checkpoint header (not a JSON object)")
    data = memoryview(buf)[8 + n:]
    meta = header.pop("__metadata__", None) or {}
    arrays = {}
    for name, info in header.items():
        try:
            dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
            shape = tuple(int(s) for s in info["shape"])
            start, end = (int(x) for x in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f"{source}: tensor '{name}' has an invalid or unsupported "
                                  f"entry {info!r}") from None
        expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
        if not 0 <= start <= end <= len(data) or end - start != expected \
                or any(s < 0 for s in shape):
            raise CheckpointError(f"{source}: tensor '{name}' lies outside the file or has the "
                                  f"wrong size (truncated or corrupted checkpoint)")
        arr = np.frombuffer(data[start:end], dtype=dtype).reshape(shape)
        arrays[name] = arr.astype(dtype.newbyteorder("="), copy=True)
    return arrays, meta


def _decode(node, arrays: dict, source: str):
    if isinstance(node, dict):
        if "__tensor__" in node or "__ndarray__" in node:
            name = node.get("__tensor__", node.get("__ndarray__"))
            if name not in arrays:
                raise CheckpointError(f"{source}: structure names a missing tensor '{name}'")
            arr = arrays[name]
            return Tensor._make(arr) if "__tensor__" in node else arr
        if "__dict__" in node:
            return {k: _decode(v, arrays, source) for k, v in node["__dict__"]}
        if "__list__" in node:
            return [_decode(v, arrays, source) for v in node["__list__"]]
        if "__tuple__" in node:
            return tuple(_decode(v, arrays, source) for v in node["__tuple__"])
        if "__float__" in node:
            return float(node["__float__"])
        raise CheckpointError(f"{source}: corrupted checkpoint structure")
    return node


def load(f, map_location=None, weights_only: bool = True, **kwargs) -> Any:
    """Load what :func:`save` wrote, or any safetensors file (as a dict of tensors).

    Raises ``CheckpointError`` (a RuntimeError) for truncated, corrupted or foreign files.
    """
    source = getattr(f, "name", None) or str(f)
    arrays, meta = _parse(_read(f), source)
    if _META_KEY not in meta:
        return {name: Tensor._make(arr) for name, arr in arrays.items()}
    try:
        skeleton = json.loads(meta[_META_KEY])
    except (TypeError, json.JSONDecodeError):
        raise CheckpointError(f"{source}: corrupted checkpoint structure") from None
    return _decode(skeleton, arrays, source)
