"""Checkpoints: ``npgrad.save`` / ``npgrad.load``, in PyTorch's formats and safetensors.

``save`` writes PyTorch's zip format (what ``torch.save`` writes, loadable by
``torch.load(weights_only=True)``), or safetensors when the file name ends in
``.safetensors``. ``load`` tells the format from the file's first bytes and reads PyTorch's
zip and legacy formats and safetensors. As in PyTorch 2.13, ``load`` defaults to
``weights_only=True``: the pickle is interpreted by an unpickler that builds only tensors,
containers, numbers, strings and the other types PyTorch's allows (plus
:func:`add_safe_globals`), and never runs code from the file.
"""
from __future__ import annotations

import io
import os
import pickle

from . import _errors, _safetensors, _torch_format, _unpickler
from ._errors import CheckpointError
from ._unpickler import (
    add_safe_globals,
    clear_safe_globals,
    get_safe_globals,
    safe_globals,
)

__all__ = [
    "CheckpointError",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "get_unsafe_globals_in_checkpoint",
    "load",
    "safe_globals",
    "save",
]


def _is_path(f) -> bool:
    return isinstance(f, (str, bytes, os.PathLike))


def save(obj: object, f, pickle_module: object = pickle, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (a state dict, a tensor, nested containers, a whole module...) to ``f``, a
    path or a binary file object, in PyTorch's zip format, which ``torch.load`` reads.

    A path ending in ``.safetensors`` gets the safetensors format instead (tensors, numbers,
    strings and containers only, and no pickle at all). Tensors that share memory (tied
    weights, views) share it again when loaded. A path is written atomically: a crash leaves
    the old file, never half a new one.

    >>> npgrad.save({'model': model.state_dict(), 'epoch': 3}, 'ckpt.pt')
    """
    # Deliberately narrower than PyTorch: other pickle modules (dill...) and protocols would
    # write files that the weights-only readers (PyTorch's and ours) refuse. The byte-order
    # record is always written (the file is little-endian).
    if pickle_module is not pickle or pickle_protocol != 2:
        raise ValueError("npgrad.save writes PyTorch's format with pickle protocol 2 only")
    name = os.fsdecode(f) if _is_path(f) else getattr(f, "name", None)
    if isinstance(name, str) and name.endswith(".safetensors"):
        write = _safetensors.save_safetensors
    elif _use_new_zipfile_serialization:
        write = _torch_format.save_zip
    else:
        write = _torch_format.save_legacy
    if not _is_path(f):
        write(obj, f)
        return
    tmp = f"{os.fsdecode(f)}.tmp"
    try:
        with open(tmp, "wb") as fh:
            write(obj, fh)
        os.replace(tmp, f)  # never leave a half-written checkpoint under the real name
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load(f, map_location=None, pickle_module: object = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args) -> object:
    """Load a checkpoint from ``f`` (a path or a binary file object): PyTorch's zip or legacy
    format, or safetensors.

    ``weights_only`` (default True, as in PyTorch 2.13) builds only tensors, Parameters,
    containers, numbers, strings, dtypes, devices, ``Size`` and what
    :func:`add_safe_globals` allows; ``weights_only=False`` unpickles anything (whole
    modules), which can run code from the file: only for files you trust. ``map_location``
    (a device, a string, a dict of locations or a callable ``(storage, location)``) says
    where saved storages go; ``mmap=True`` maps a zip file's tensors instead of reading them
    (copy-on-write: changes never reach the file).

    Raises ``CheckpointError`` (a RuntimeError) for truncated, corrupted or foreign files, and
    ``pickle.UnpicklingError`` (a CheckpointError too) with PyTorch's message when a
    weights-only load meets something it will not build.
    """
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    source = _safetensors.source_name(f)

    def fail(problem: str) -> CheckpointError:
        return CheckpointError(f"{source}: {problem}")

    if mmap and not _is_path(f):
        raise ValueError("f must be a file path in order to use the mmap argument")
    try:
        if _is_path(f):
            with open(f, "rb") as fh:
                return _load(fh, f, fail, map_location, weights_only, mmap, pickle_load_args)
        return _load(f, None, fail, map_location, weights_only, mmap, pickle_load_args)
    except _errors.WeightsOnlyError as e:
        raise _errors.WeightsOnlyError(_errors.weights_only_message(str(e))) from None
    except CheckpointError as e:
        message = str(e)
        if message.startswith(f"{source}: "):
            raise
        raise fail(message) from None


def _load(fh, path, fail, map_location, weights_only, mmap, pickle_args) -> object:
    prefix = bytes(_safetensors._read(fh, 8))
    if prefix[:4] == _torch_format.ZIP_MAGIC:
        if not fh.seekable():  # zip's directory is at the end
            fh = io.BytesIO(prefix + fh.read())
        else:
            fh.seek(-len(prefix), io.SEEK_CUR)
        mapped = _torch_format.mapped_file(path) if mmap else None
        return _torch_format.load_zip(fh, fail, map_location, weights_only, mapped, pickle_args)
    # A legacy file starts with a pickle (0x80, protocol 2); as a safetensors header length
    # those 8 bytes would be over the format's limit.
    if prefix[:1] == b"\x80" and len(prefix) == 8 and int.from_bytes(prefix, "little") > (
            _safetensors._MAX_HEADER):
        if mmap:
            name = "" if path is None else f"{os.fsdecode(path)}, "
            raise RuntimeError("mmap can only be used with files saved with "
                               f"`torch.save({name}_use_new_zipfile_serialization=True), please "
                               "torch.save your checkpoint with this option in order to use "
                               "mmap.")
        data = prefix + fh.read()
        return _torch_format.load_legacy(data, fail, map_location, weights_only, pickle_args)
    return _safetensors.load_safetensors(fh, prefix, fail)


def get_unsafe_globals_in_checkpoint(f) -> list[str]:
    """The classes and functions (``'module.name'``) that a zip-format checkpoint names and
    that ``load(f, weights_only=True)`` would refuse: what to pass to :func:`safe_globals`
    after checking that you trust them. Reads the pickle without running it."""
    source = _safetensors.source_name(f)

    def fail(problem: str) -> CheckpointError:
        return CheckpointError(f"{source}: {problem}")

    def scan(fh):
        if bytes(_safetensors._read(fh, 4)) != _torch_format.ZIP_MAGIC:
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        fh.seek(-4, io.SEEK_CUR)
        data = _torch_format.read_pickle(fh, fail)
        try:
            return _unpickler.unsafe_globals(data)
        except CheckpointError as e:
            raise fail(str(e)) from None

    if _is_path(f):
        with open(f, "rb") as fh:
            return scan(fh)
    return scan(f)
