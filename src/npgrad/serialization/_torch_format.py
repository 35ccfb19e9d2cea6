"""PyTorch's checkpoint formats: the zip archive ``torch.save`` writes, and the legacy one.

The zip archive (``archive/`` is any folder name) holds ``data.pkl``, a protocol-2 pickle of
the saved object in which each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset,
size, stride, requires_grad, hooks)``, each storage a persistent id ``('storage',
torch.FloatStorage, key, location, numel)``; the storages' bytes in ``data/<key>``, stored
uncompressed and aligned to 64 bytes (so ``mmap=True`` can map them); and small records
``version``, ``byteorder``, ``.format_version``, ``.storage_alignment``.

The legacy format (``_use_new_zipfile_serialization=False``) is a stream of pickles: a magic
number, the protocol version 1001, system information, the object (storage ids with a sixth
field, a view of another storage or None), the list of storage keys, then each storage as an
8-byte little-endian element count followed by its bytes.
"""
from __future__ import annotations

import collections
import io
import mmap as _mmap
import pickle
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..backend import CPU, as_device, cuda_is_available, device, is_device_array, to_host
from ..nn.parameter import Parameter
from ..tensor import Size, Tensor
from ._errors import CheckpointError
from ._storage import Storage, StorageType
from ._unpickler import FullUnpickler, WeightsUnpickler

ZIP_MAGIC = b"PK\x03\x04"
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001
_ALIGNMENT = 64
_FOLDER = "archive"
# What a damaged zip makes Python's zipfile raise (RuntimeError: an 'encrypted' flag bit).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, struct.error, ValueError,
               KeyError, NotImplementedError, UnicodeDecodeError, OverflowError, IndexError,
               RuntimeError)


# ---------------------------------------------------------------------------------------------
# map_location
# ---------------------------------------------------------------------------------------------

def _on_cpu(location: str):
    """The device a storage saved on ``location`` is restored to: the CPU, or a CUDA device
    when npgrad has one; else PyTorch's CPU-build error."""
    if location.startswith("cuda"):
        if cuda_is_available():
            return as_device(location)
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
            "False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU.")
    if location.split(":")[0] != "cpu":
        raise CheckpointError(f"don't know how to restore data location of {location!r}")
    return CPU


def _relocate(storage: Storage, location: str, map_location) -> Storage:
    """Where ``map_location`` puts a storage saved on ``location``."""
    if callable(map_location):
        moved = map_location(storage, location)
        if moved is None:  # PyTorch then restores it to where it was saved
            storage.target = _on_cpu(location)
            return storage
        if not isinstance(moved, Storage):
            raise TypeError(f"map_location returned a {type(moved).__name__}, not a storage")
        return moved
    if isinstance(map_location, dict):
        location = map_location.get(location, location)
    elif map_location is not None:
        location = str(device(map_location) if not isinstance(map_location, str)
                       else map_location)
    storage.target = _on_cpu(str(location))
    return storage


def _check_pid(pid, fields: int) -> tuple:
    """``(storage_type, key, location, numel, *rest)`` of a storage's persistent id."""
    if (type(pid) is not tuple or len(pid) != fields or pid[0] not in ("storage", b"storage")
            or not isinstance(pid[1], StorageType) or not isinstance(pid[2], str)
            or not isinstance(pid[3], str) or type(pid[4]) is not int or pid[4] < 0):
        raise CheckpointError(f"invalid storage id {pid!r}")
    return pid[1:]


def _unpickle(data: bytes, persistent_load: Callable, weights_only: bool, pickle_args: dict):
    """The object pickled in ``data``, and the position where its pickle ended."""
    if weights_only:
        reader = WeightsUnpickler(data, persistent_load)
        return reader.load(), reader.pos
    fh = io.BytesIO(data)
    obj = FullUnpickler(fh, persistent_load, **pickle_args).load()
    return obj, fh.tell()


# ---------------------------------------------------------------------------------------------
# Reading the zip format
# ---------------------------------------------------------------------------------------------

class _Archive:
    """The records of a PyTorch zip archive, read with their CRC checked (or mapped)."""

    def __init__(self, fh, fail, mapped=None) -> None:
        self.fail, self.mapped = fail, mapped
        try:
            self.zf = zipfile.ZipFile(fh)
            names = self.zf.namelist()
        except _ZIP_ERRORS as e:
            raise fail(f"not a valid zip archive ({type(e).__name__}: {e})") from None
        if not names or "/" not in names[0]:
            raise fail("the zip archive holds no PyTorch checkpoint (no archive/data.pkl)")
        self.folder = names[0].split("/", 1)[0]
        self.names = set(names)
        if self._name("constants.pkl") in self.names:
            raise fail("this is a TorchScript archive (torch.jit.save); npgrad cannot load "
                       "TorchScript programs")
        if self._name("data.pkl") not in self.names:
            raise fail("the zip archive holds no data.pkl: not a torch.save checkpoint")

    def _name(self, record: str) -> str:
        return f"{self.folder}/{record}"

    def has(self, record: str) -> bool:
        return self._name(record) in self.names

    def read(self, record: str) -> bytes:
        try:
            return self.zf.read(self._name(record))
        except _ZIP_ERRORS as e:
            raise self.fail(f"cannot read record {record!r} ({type(e).__name__}: {e})") from None

    def storage_bytes(self, key: str, nbytes: int) -> np.ndarray:
        """The bytes of ``data/<key>`` as a writable uint8 array of its own."""
        record = f"data/{key}"
        if not self.has(record):
            raise self.fail(f"storage {key!r} has no record {record!r}")
        size = self.zf.getinfo(self._name(record)).file_size
        if size != nbytes:  # checked before reading: a record's size is only a claim
            raise self.fail(f"storage {key!r} should hold {nbytes} bytes, but its record holds "
                            f"{size}")
        raw = self._mapped(record) if self.mapped is not None else self._copied(record, size)
        if raw.size != nbytes:
            raise self.fail(f"storage {key!r}: its record is shorter than it claims")
        return raw

    def _copied(self, record: str, size: int) -> np.ndarray:
        """A record's bytes, read a chunk at a time into an array of their own (no second
        copy of a big tensor in memory); the CRC is checked as the end is reached."""
        out = np.empty(size, np.uint8)
        view, filled = memoryview(out), 0
        try:
            with self.zf.open(self._name(record)) as src:
                while filled < size:
                    chunk = src.read(min(size - filled, 1 << 20))
                    if not chunk:
                        break
                    view[filled:filled + len(chunk)] = chunk
                    filled += len(chunk)
                extra = src.read(1)
        except _ZIP_ERRORS as e:
            raise self.fail(f"cannot read record {record!r} ({type(e).__name__}: {e})") from None
        if filled != size or extra:
            raise self.fail(f"record {record!r} does not hold the {size} bytes it claims")
        return out

    def _mapped(self, record: str) -> np.ndarray:
        """A record's bytes in the memory map of the file (not read; not CRC-checked)."""
        try:
            info = self.zf.getinfo(self._name(record))
            start = info.header_offset
            head = self.mapped[start:start + 30]
            if head[:4] != ZIP_MAGIC or info.compress_type != zipfile.ZIP_STORED:
                raise ValueError("a compressed or damaged record")
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            start += 30 + name_len + extra_len
            if start + info.file_size > len(self.mapped):
                raise ValueError("a record past the end of the file")
        except _ZIP_ERRORS as e:
            raise self.fail(f"cannot map record {record!r} ({e})") from None
        return np.frombuffer(self.mapped, np.uint8, info.file_size, start)


def _byte_order(archive: _Archive) -> str:
    if not archive.has("byteorder"):
        return "<"  # files from before the record were written on little-endian machines
    order = archive.read("byteorder")
    if order not in (b"little", b"big"):
        raise archive.fail(f"unknown byte order {order!r}")
    return "<" if order == b"little" else ">"


def _typed(raw: np.ndarray, dt: np.dtype, order: str) -> np.ndarray:
    """``raw`` bytes as an array of ``dt``, in native byte order."""
    arr = raw.view(dt.newbyteorder(order))
    return arr if arr.dtype.isnative else arr.astype(dt)


def read_pickle(fh, fail) -> bytes:
    """The ``data.pkl`` record of a zip-format checkpoint."""
    return _Archive(fh, fail).read("data.pkl")


def load_zip(fh, fail, map_location, weights_only: bool, mapped, pickle_args: dict) -> Any:
    """Load a checkpoint in PyTorch's zip format from the seekable binary file ``fh``;
    ``mapped`` is the file's memory map when loading with ``mmap=True``."""
    archive = _Archive(fh, fail, mapped)
    order = _byte_order(archive)
    loaded: dict[str, Storage] = {}

    def persistent_load(pid):
        storage_type, key, location, numel = _check_pid(pid, 5)
        dt = storage_type.np_dtype()
        if key not in loaded:
            raw = archive.storage_bytes(key, numel * dt.itemsize)
            storage = Storage(_typed(raw, dt, order), location)
            loaded[key] = _relocate(storage, location, map_location)
        storage = loaded[key]
        if storage.array.dtype != dt:
            raise fail(f"storage {key!r} is used as both {storage.array.dtype} and {dt}")
        return storage

    return _unpickle(archive.read("data.pkl"), persistent_load, weights_only, pickle_args)[0]


# ---------------------------------------------------------------------------------------------
# Reading the legacy format
# ---------------------------------------------------------------------------------------------

def load_legacy(data: bytes, fail, map_location, weights_only: bool, pickle_args: dict) -> Any:
    """Load a checkpoint in PyTorch's legacy (pre-1.6) format from its bytes ``data``."""
    pos = 0

    def small_pickle(expected=None):
        nonlocal pos
        reader = WeightsUnpickler(data[pos:], lambda pid: fail("unexpected storage id"))
        value = reader.load()
        pos += reader.pos
        if expected is not None and value != expected:
            raise fail(f"not a PyTorch legacy checkpoint (found {value!r} where "
                       f"{expected!r} belongs)")
        return value

    small_pickle(_LEGACY_MAGIC)
    small_pickle(_LEGACY_PROTOCOL)
    info = small_pickle()
    if not isinstance(info, dict):
        raise fail("invalid system information in a legacy checkpoint")
    order = "<" if info.get("little_endian", True) else ">"
    storages: dict[str, Storage] = {}
    arrays: dict[str, np.ndarray] = {}  # the storages that the file's data fills, by key

    def persistent_load(pid):
        storage_type, key, location, numel, view = _check_pid(pid, 6)
        dt = storage_type.np_dtype()
        if key not in arrays:
            if numel * dt.itemsize > len(data):  # no allocation larger than the file
                raise fail(f"storage {key!r} claims {numel} elements, more than the file holds")
            arrays[key] = np.empty(numel, dt)
            storages[key] = _relocate(Storage(arrays[key], location), location, map_location)
        if arrays[key].dtype != dt:
            raise fail(f"storage {key!r} is used as both {arrays[key].dtype} and {dt}")
        if view is not None:  # storage views, written by PyTorch before 1.0
            raise fail(f"storage {key!r} is a storage view (from PyTorch before 1.0), which "
                       "npgrad does not read")
        return storages[key]

    obj, used = _unpickle(data[pos:], persistent_load, weights_only, pickle_args)
    pos += used
    keys = small_pickle()
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise fail("invalid storage key list in a legacy checkpoint")
    for key in keys:
        if key not in arrays:
            raise fail(f"the file has data for storage {key!r}, which nothing uses")
        arr = arrays.pop(key)
        if pos + 8 > len(data):
            raise fail("truncated: the data of a storage is missing")
        (numel,) = struct.unpack("<q", data[pos:pos + 8])
        nbytes = arr.nbytes
        if numel != arr.size or pos + 8 + nbytes > len(data):
            raise fail(f"storage {key!r}: the file holds {numel} elements where {arr.size} "
                       "belong, or is truncated")
        raw = np.frombuffer(data, np.uint8, nbytes, pos + 8)
        arr[...] = raw.view(arr.dtype.newbyteorder(order))
        pos += 8 + nbytes
    if arrays:
        raise fail(f"storage {next(iter(arrays))!r} has no data in the file (truncated?)")
    if pos != len(data):
        raise fail(f"the file goes on past its last storage ({len(data) - pos} bytes)")
    return obj


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

class _Global:
    """A name that the pickle writes as ``GLOBAL module name``: PyTorch's, which need not be
    importable here (torch need not be installed to write its format)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's reduce wants a callable; this one is only written
        raise TypeError(f"{self.module}.{self.name} is a name written into a checkpoint")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
# the wide unsigned dtypes have no typed storage class: PyTorch writes them as an untyped
# (byte) storage and the dtype (``_rebuild_tensor_v3``)
_REBUILD_TENSOR_V3 = _Global("torch._utils", "_rebuild_tensor_v3")
_UNTYPED_STORAGE = _Global("torch.storage", "UntypedStorage")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_DEVICE = _Global("torch", "device")
_SIZE = _Global("torch", "Size")
_GET_LAYOUT = _Global("torch.serialization", "_get_layout")
_STORAGE_TYPES = {name: _Global("torch", f"{scalar}Storage")
                  for name, scalar in _dt._SCALAR_TYPE_NAMES.items()}


class _StorageRef:
    """One storage of the file being written: the bytes of an array's memory."""

    def __init__(self, key: str, dtype: np.dtype, data: np.ndarray) -> None:
        self.key, self.dtype, self.data = key, dtype, data  # data: uint8, little-endian
        self.location = "cpu"
        self.numel = data.size // dtype.itemsize


def _root(arr: np.ndarray) -> np.ndarray:
    """The array that owns ``arr``'s memory (views, and as_strided views, lead to it)."""
    while True:
        base = arr.base
        if not isinstance(base, np.ndarray):
            base = getattr(base, "base", None)  # as_strided keeps its array in a wrapper's .base
        if not isinstance(base, np.ndarray):
            return arr
        arr = base


def _address(arr: np.ndarray) -> int:
    return arr.__array_interface__["data"][0]


class _StorageTable:
    """Gives each saved array a storage: arrays that view one buffer share one storage (with
    the whole buffer, as PyTorch saves whole storages), so tied weights and views stay tied."""

    def __init__(self) -> None:
        self.refs: list[_StorageRef] = []
        self._by_root: dict[tuple, _StorageRef] = {}
        self._keep: list = []  # the roots, alive while their ids are keys

    def place(self, arr: np.ndarray) -> tuple[_StorageRef, int, tuple]:
        """(storage, offset, strides) of ``arr``, in elements."""
        dt = arr.dtype
        item = dt.itemsize
        root = _root(arr)
        shareable = (arr.size > 0 and all(s >= 0 and s % item == 0 for s in arr.strides)
                     and (root.flags.c_contiguous or root.flags.f_contiguous))
        if shareable:
            start = _address(root)
            begin = _address(arr) - start
            end = begin + sum((n - 1) * s for n, s in zip(arr.shape, arr.strides)) + item
            shareable = 0 <= begin and end <= root.nbytes
        if not shareable:  # its own storage: a contiguous copy
            flat = np.array(arr, order="C")  # (not ascontiguousarray: that makes 0-d 1-d)
            ref = self._new(dt, flat.reshape(-1).view(np.uint8))
            return ref, 0, _contiguous_strides(arr.shape)
        skew = begin % item
        key = (id(root), dt.str, skew)
        ref = self._by_root.get(key)
        if ref is None:
            whole = root.reshape(-1, order="A").view(np.uint8)
            usable = (whole.size - skew) // item * item
            ref = self._new(dt, whole[skew:skew + usable])
            self._by_root[key] = ref
            self._keep.append(root)
        return ref, (begin - skew) // item, tuple(s // item for s in arr.strides)

    def _new(self, dt: np.dtype, data: np.ndarray) -> _StorageRef:
        if not dt.isnative and dt.itemsize > 1:  # the file is little-endian
            data = data.view(dt).astype(dt.newbyteorder("<")).view(np.uint8)
        ref = _StorageRef(str(len(self.refs)), dt, data)
        self.refs.append(ref)
        return ref


def _contiguous_strides(shape: tuple) -> tuple:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


class _TorchPickler(pickle._Pickler):
    """Python's (pure) pickler at protocol 2, writing npgrad's tensors, dtypes, devices and
    sizes under PyTorch's names, and storages as persistent ids. The pure one, because its
    ``save_global`` can be overridden: the C pickler checks that a name imports (and
    ``torch`` need not be installed)."""

    def __init__(self, file, table: _StorageTable, legacy: bool = False) -> None:
        super().__init__(file, protocol=2)
        self.table, self.legacy = table, legacy

    def persistent_id(self, obj):
        if type(obj) is not _StorageRef:
            return None
        if obj.dtype in _dt.BARE_UNSIGNED:
            pid = ("storage", _UNTYPED_STORAGE, obj.key, obj.location, obj.data.size)
        else:
            storage_type = _STORAGE_TYPES[_dt.from_numpy_dtype(obj.dtype).name]
            pid = ("storage", storage_type, obj.key, obj.location, obj.numel)
        return pid + (None,) if self.legacy else pid

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            if isinstance(obj, Parameter):
                return (_REBUILD_PARAMETER, (obj.detach(), obj.requires_grad,
                                             collections.OrderedDict()))
            data = obj._data
            if is_device_array(data):  # (written as host bytes, under the device's name)
                data = to_host(data)
            ref, offset, strides = self.table.place(data)
            if data is not obj._data:
                ref.location = str(obj.device)
            args = (ref, offset, tuple(obj.shape), strides, obj.requires_grad,
                    collections.OrderedDict())
            if data.dtype in _dt.BARE_UNSIGNED:
                return (_REBUILD_TENSOR_V3, args + (_dt.from_numpy_dtype(data.dtype),))
            return (_REBUILD_TENSOR, args)
        kind = type(obj)
        if kind is _Global or kind is _dt.dtype:
            return obj.name  # pickle then calls save_global(obj, name)
        if kind is device:
            return (_DEVICE, (str(obj),))
        if kind is Size:
            return (_SIZE, (tuple(obj),))
        if obj is _dt.strided:
            return (_GET_LAYOUT, ("torch.strided",))
        return NotImplemented

    def save_global(self, obj, name=None):
        if type(obj) is _Global or type(obj) is _dt.dtype:
            module = obj.module if type(obj) is _Global else "torch"
            self.write(pickle.GLOBAL + f"{module}\n{obj.name}\n".encode())
            self.memoize(obj)
        else:
            super().save_global(obj, name)


def _pickled(obj, legacy: bool = False) -> tuple[bytes, _StorageTable]:
    table = _StorageTable()
    buf = io.BytesIO()
    _TorchPickler(buf, table, legacy).dump(obj)
    return buf.getvalue(), table


def _aligned(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """A stored (uncompressed) record whose data starts on a 64-byte boundary: the local
    header's extra field pads it, as PyTorch's writer does (an 'FB' field of 'Z's)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    start = zf.start_dir + 30 + len(name.encode())
    pad = -(start + 4) % _ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    return info


def save_zip(obj, fh) -> None:
    """Write ``obj`` to the binary file ``fh`` in PyTorch's zip format."""
    data, table = _pickled(obj)
    records = [("data.pkl", data), (".format_version", b"1"),
               (".storage_alignment", str(_ALIGNMENT).encode()), ("byteorder", b"little")]
    records += [(f"data/{ref.key}", memoryview(ref.data)) for ref in table.refs]
    records.append(("version", b"3\n"))
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        for name, payload in records:
            zf.writestr(_aligned(zf, f"{_FOLDER}/{name}"), payload)


def save_legacy(obj, fh) -> None:
    """Write ``obj`` in PyTorch's legacy format (``_use_new_zipfile_serialization=False``)."""
    data, table = _pickled(obj, legacy=True)
    info = {"protocol_version": _LEGACY_PROTOCOL, "little_endian": True,
            "type_sizes": {"short": 2, "int": 4, "long": 4}}
    for head in (_LEGACY_MAGIC, _LEGACY_PROTOCOL, info):
        pickle.dump(head, fh, protocol=2)
    fh.write(data)
    pickle.dump([ref.key for ref in table.refs], fh, protocol=2)
    for ref in table.refs:
        fh.write(struct.pack("<q", ref.numel))
        fh.write(memoryview(ref.data))


def mapped_file(path) -> _mmap.mmap:
    """A private (copy-on-write) memory map of the file: writes never reach the file."""
    with open(path, "rb") as fh:
        return _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY)

