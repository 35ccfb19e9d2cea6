"""Reading pickles: the weights-only interpreter, the allowlist, and the full unpickler.

``load(weights_only=True)`` (the default, as in PyTorch 2.13) never hands a pickle to Python's
``pickle``: :class:`WeightsUnpickler` interprets the opcodes itself, accepting the opcodes of
protocol 2 that build data (no INST, OBJ, EXT or STACK_GLOBAL) and calling nothing but the
globals PyTorch's weights-only unpickler allows (tensors, Parameters, containers, numbers,
strings, dtypes, devices, ``torch.Size``) and those a user registered with
:func:`add_safe_globals`. Names are PyTorch's (``torch._utils._rebuild_tensor_v2``,
``torch.nn.modules.activation.MultiheadAttention``), mapped to npgrad's objects.
"""
from __future__ import annotations

import _compat_pickle
import codecs
import collections
import importlib
import pickle
import struct
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

from ..backend import device
from ..nn.parameter import Parameter
from ..tensor import Size, Tensor
from . import _storage
from ._errors import CheckpointError, WeightsOnlyError

# Modules whose globals are refused with their own message, whatever the allowlist says.
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")

_user_safe: set = set()


def add_safe_globals(safe_globals: list) -> None:
    """Allow ``load(weights_only=True)`` to build these classes and call these functions.

    Each entry is an object, named in files by its ``__module__`` and ``__qualname__`` (an
    npgrad object also answers to PyTorch's name: ``npgrad.nn.MultiheadAttention`` matches
    ``torch.nn.modules.activation.MultiheadAttention``), or a tuple ``(object, 'full.name')``.
    """
    global _user_safe
    _user_safe = _user_safe | set(safe_globals)


def get_safe_globals() -> list:
    """The objects that :func:`add_safe_globals` allowed."""
    return list(_user_safe)


def clear_safe_globals() -> None:
    """Forget every object that :func:`add_safe_globals` allowed."""
    global _user_safe
    _user_safe = set()


class safe_globals:  # (PyTorch's lower-case name)
    """Context manager: allow ``safe_globals`` for the loads inside the ``with`` block."""

    def __init__(self, safe_globals: list) -> None:
        self.safe_globals = safe_globals

    def __enter__(self) -> None:
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc) -> None:
        global _user_safe
        _user_safe = _user_safe - set(self.safe_globals)


def _torch_names(obj) -> list[str]:
    """The names a file may give ``obj``: its own, and PyTorch's for an npgrad object."""
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(name, str):
        raise TypeError(f"add_safe_globals: {obj!r} has no __module__ and __qualname__; pass "
                        "(object, 'full.name') instead")
    names = [f"{module}.{name}"]
    if module == "npgrad" or module.startswith("npgrad."):
        names.append(f"torch{module[6:]}.{name}")
    return names


def _user_allowed() -> dict[str, Any]:
    out = {}
    for entry in _user_safe:
        if isinstance(entry, tuple):
            if len(entry) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full "
                                 f"path), but got tuple of length: {len(entry)}")
            if type(entry[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(entry[1])}")
            out[entry[1]] = entry[0]
        else:
            out.update(dict.fromkeys(_torch_names(entry), entry))
    return out


def _user_lookup(full: str, allowed: dict):
    """A registered object by name. PyTorch's nn classes live in torch.nn.modules.<file>,
    and npgrad's files are not all PyTorch's, so a registered npgrad nn class answers to
    ``torch.nn.modules.<any file>.<its name>``."""
    if full in allowed:
        return allowed[full]
    if full.startswith("torch.nn.modules."):
        name = full.rpartition(".")[2]
        for obj in allowed.values():
            module = getattr(obj, "__module__", "")
            if module.startswith("npgrad.nn.") and getattr(obj, "__qualname__", "") == name:
                return obj
    return None


def _allowed() -> dict[str, Any]:
    """What PyTorch's weights-only unpickler allows, as npgrad objects, by PyTorch's names."""
    allowed: dict[str, Any] = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Size": Size, "torch.Tensor": Tensor, "torch.device": device,
        "_codecs.encode": codecs.encode,  # how protocol 2 pickles bytes
        "builtins.bytearray": bytearray, "builtins.set": set, "builtins.complex": complex,
        **_storage.REBUILD,
    }
    for name, storage_type in _storage.STORAGE_TYPES.items():
        allowed[f"torch.{name}"] = storage_type
    # (PyTorch writes the untyped storage of a _rebuild_tensor_v3 tensor by its full path)
    allowed["torch.storage.UntypedStorage"] = _storage.STORAGE_TYPES["UntypedStorage"]
    for name in _storage.TORCH_DTYPE_NAMES:
        d = _storage.npgrad_dtype(name)
        allowed[f"torch.{name}"] = d if d is not None else _storage.unsupported_dtype(name)
    return allowed


_ALLOWED = _allowed()


def _python3_name(module: str, name: str) -> tuple[str, str]:
    """``module``, ``name`` with Python 2's module names (``__builtin__``) as Python 3's."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def _unsupported_global(full: str) -> WeightsOnlyError:
    full = full.removeprefix("builtins.")
    return WeightsOnlyError(
        f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{full}])` or the "
        f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this "
        "global if you trust this class/function.")


class _Truncated(Exception):
    pass


class _FromStorage(Exception):
    """An error of ``persistent_load`` (map_location's, a missing record's), which reaches
    the caller as it was raised, not as a corrupted pickle."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class WeightsUnpickler:
    """Interprets a pickle's opcodes, building only allowed objects (see the module's doc).

    ``persistent_load(pid)`` turns a storage's persistent id into a storage.
    """

    def __init__(self, data: bytes, persistent_load: Callable) -> None:
        self.data, self.pos = bytes(data), 0
        self.persistent_load = persistent_load
        self.memo: dict[int, Any] = {}
        self.stack: list = []
        self.metastack: list = []
        user = _user_allowed()
        self.user = user
        self.known = {id(v) for v in _ALLOWED.values()} | {id(v) for v in user.values()}

    # -- reading ------------------------------------------------------------------------------
    def _read(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _Truncated
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def _readline(self) -> bytes:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise _Truncated
        out = self.data[self.pos:end]
        self.pos = end + 1
        return out

    def load(self):
        """The unpickled object, or WeightsOnlyError / CheckpointError."""
        try:
            return self._run()
        except CheckpointError:
            raise
        except _FromStorage as e:
            raise e.error from None
        except _Truncated:
            raise CheckpointError("the pickle ends before its STOP opcode (truncated?)") from None
        except (IndexError, KeyError, TypeError, ValueError, AttributeError, OverflowError,
                RecursionError, struct.error, UnicodeDecodeError, LookupError,
                RuntimeError) as e:
            # A damaged pickle: an opcode with too little on the stack, an unknown memo key, a
            # rebuild call with arguments of the wrong kind, device('cpv')...
            raise CheckpointError(f"corrupted pickle at byte {self.pos} ({type(e).__name__}: "
                                  f"{e})") from None

    def _run(self):
        ops, data = self._OPS, self.data
        while True:
            if self.pos >= len(data):
                raise _Truncated
            key = data[self.pos]
            self.pos += 1
            op = ops.get(key)
            if op is None:
                raise WeightsOnlyError(f"Unsupported operand {key}")
            if op is WeightsUnpickler._stop:
                return self.stack.pop()
            op(self)

    def _pop_mark(self) -> list:
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _is_allowed(self, obj) -> bool:
        return id(obj) in self.known

    # -- opcodes ------------------------------------------------------------------------------
    def _stop(self):  # handled in _run
        pass

    def _global(self):
        module, name = _python3_name(self._readline().decode("utf-8"),
                                     self._readline().decode("utf-8"))
        full = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise WeightsOnlyError(f"Trying to load unsupported GLOBAL {full} whose module "
                                   f"{module} is blocked.")
        if full in _ALLOWED:
            obj = _ALLOWED[full]
            if isinstance(obj, CheckpointError):  # a PyTorch dtype npgrad does not have
                raise CheckpointError(str(obj))
        else:
            obj = _user_lookup(full, self.user)
            if obj is None:
                raise _unsupported_global(full)
        self.stack.append(obj)

    def _newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls is Parameter or cls is Tensor:  # their constructors, as in PyTorch
            self.stack.append(cls(*args))
        elif self._is_allowed(cls) and isinstance(cls, type):
            self.stack.append(cls.__new__(cls, *args))
        else:
            raise WeightsOnlyError("Can only create new object for nn.Parameter or classes "
                                   f"allowlisted via `add_safe_globals` but got {cls}")

    def _reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if not self._is_allowed(func):
            raise WeightsOnlyError(f"Trying to call reduce for unrecognized function {func}")
        if not isinstance(args, tuple):
            raise CheckpointError(f"REDUCE arguments are a {type(args).__name__}, not a tuple")
        self.stack[-1] = func(*args)

    def _build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        cls = type(inst)
        if cls in (Tensor, Parameter):
            _storage._set_state(inst, state)
        elif cls is collections.OrderedDict:
            inst.__dict__.update(state)
        elif self._is_allowed(cls):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
                return
            slots = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slots = state
            if state:
                inst.__dict__.update(state)
            for k, v in (slots or {}).items():
                setattr(inst, k, v)
        else:
            raise WeightsOnlyError("Can only build Tensor, Parameter, OrderedDict or types "
                                   f"allowlisted via `add_safe_globals`, but got {cls}")

    def _append(self):
        item = self.stack.pop()
        if type(self.stack[-1]) is not list:
            raise WeightsOnlyError(f"Can only append to lists, but got {type(self.stack[-1])}")
        self.stack[-1].append(item)

    def _appends(self):
        items = self._pop_mark()
        if type(self.stack[-1]) is not list:
            raise WeightsOnlyError(f"Can only extend lists, but got {type(self.stack[-1])}")
        self.stack[-1].extend(items)

    def _check_mapping(self, opcode: str) -> None:
        if type(self.stack[-1]) not in (dict, collections.OrderedDict, collections.Counter):
            raise WeightsOnlyError(f"Can only {opcode} for dict, collections.OrderedDict, "
                                   f"collections.Counter, but got {type(self.stack[-1])}")

    def _setitem(self):
        value, key = self.stack.pop(), self.stack.pop()
        self._check_mapping("SETITEM")
        self.stack[-1][key] = value

    def _setitems(self):
        items = self._pop_mark()
        self._check_mapping("SETITEMS")
        if len(items) % 2:
            raise CheckpointError("SETITEMS with an odd number of items")
        target = self.stack[-1]
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _tuple(self):
        items = tuple(self._pop_mark())  # before self.stack names the outer stack again
        self.stack.append(items)

    def _tuple_n(n: int):  # (makes the TUPLE1..3 opcodes)
        def op(self):
            if len(self.stack) < n:
                raise IndexError(f"TUPLE{n} on a stack of {len(self.stack)}")
            items = tuple(self.stack[len(self.stack) - n:])
            del self.stack[len(self.stack) - n:]
            self.stack.append(items)
        return op

    def _const(value):  # (makes the opcodes that push a constant)
        def op(self):
            self.stack.append(value() if callable(value) else value)
        return op

    def _unpack(fmt: str):  # (makes the fixed-width number opcodes)
        size = struct.calcsize(fmt)

        def op(self):
            self.stack.append(struct.unpack(fmt, self._read(size))[0])
        return op

    def _binunicode(self):
        (n,) = struct.unpack("<I", self._read(4))
        self.stack.append(str(self._read(n), "utf-8", "surrogatepass"))

    def _short_binstring(self):
        n = self._read(1)[0]
        # decoded as torch.load's default encoding does (these appear in Python 2's files)
        self.stack.append(self._read(n).decode("utf-8"))

    def _long1(self):
        n = self._read(1)[0]
        self.stack.append(int.from_bytes(self._read(n), "little", signed=True))

    def _binpersid(self):
        pid = self.stack.pop()
        if type(pid) is not tuple and type(pid) is not int:
            raise WeightsOnlyError(f"persistent_load id must be tuple or int, but got "
                                   f"{type(pid)}")
        if type(pid) is tuple and pid and pid[0] not in ("storage", b"storage"):
            raise WeightsOnlyError(f"Only persistent_load of storage is allowed, but got "
                                   f"{type(pid[0])}")
        try:
            storage = self.persistent_load(pid)
        except Exception as e:  # noqa: BLE001  (passed on unchanged by load)
            raise _FromStorage(e) from None
        self.stack.append(storage)

    def _get(fmt: str):  # (BINGET, LONG_BINGET)
        size = struct.calcsize(fmt)

        def op(self):
            self.stack.append(self.memo[struct.unpack(fmt, self._read(size))[0]])
        return op

    def _put(fmt: str):  # (BINPUT, LONG_BINPUT)
        size = struct.calcsize(fmt)

        def op(self):
            self.memo[struct.unpack(fmt, self._read(size))[0]] = self.stack[-1]
        return op

    def _proto(self):
        protocol = self._read(1)[0]
        if protocol != 2:
            warnings.warn(f"Detected pickle protocol {protocol} in the checkpoint, which was "
                          "not the default pickle protocol used by `torch.load` (2). The "
                          "weights_only Unpickler might not support all instructions "
                          "implemented by this protocol, please file an issue for adding "
                          "support if you encounter this.", stacklevel=2)

    _OPS: ClassVar[dict] = {
        pickle.PROTO[0]: _proto, pickle.STOP[0]: _stop, pickle.GLOBAL[0]: _global,
        pickle.NEWOBJ[0]: _newobj, pickle.REDUCE[0]: _reduce, pickle.BUILD[0]: _build,
        pickle.APPEND[0]: _append, pickle.APPENDS[0]: _appends, pickle.SETITEM[0]: _setitem,
        pickle.SETITEMS[0]: _setitems, pickle.MARK[0]: _mark, pickle.TUPLE[0]: _tuple,
        pickle.TUPLE1[0]: _tuple_n(1), pickle.TUPLE2[0]: _tuple_n(2),
        pickle.TUPLE3[0]: _tuple_n(3), pickle.NONE[0]: _const(None),
        pickle.NEWFALSE[0]: _const(False), pickle.NEWTRUE[0]: _const(True),
        pickle.EMPTY_TUPLE[0]: _const(()), pickle.EMPTY_LIST[0]: _const(list),
        pickle.EMPTY_DICT[0]: _const(dict), pickle.EMPTY_SET[0]: _const(set),
        pickle.BININT[0]: _unpack("<i"), pickle.BININT1[0]: _unpack("<B"),
        pickle.BININT2[0]: _unpack("<H"), pickle.BINFLOAT[0]: _unpack(">d"),
        pickle.BINUNICODE[0]: _binunicode, pickle.SHORT_BINSTRING[0]: _short_binstring,
        pickle.LONG1[0]: _long1, pickle.BINPERSID[0]: _binpersid,
        pickle.BINGET[0]: _get("<B"), pickle.LONG_BINGET[0]: _get("<I"),
        pickle.BINPUT[0]: _put("<B"), pickle.LONG_BINPUT[0]: _put("<I"),
    }


class FullUnpickler(pickle.Unpickler):
    """``load(weights_only=False)``: Python's unpickler, which can run any code the file
    names (load only files you trust), with PyTorch's names resolved to npgrad's objects:
    ``torch.nn.modules.linear.Linear`` is ``npgrad.nn.modules.linear.Linear``."""

    def __init__(self, file, persistent_load: Callable, **kwargs) -> None:
        super().__init__(file, **kwargs)
        self._persistent = persistent_load

    def persistent_load(self, pid):
        return self._persistent(pid)

    def find_class(self, module: str, name: str):
        module, name = _python3_name(module, name)
        full = f"{module}.{name}"
        if full in _ALLOWED and (module == "torch" or module.startswith("torch.")):
            obj = _ALLOWED[full]
            if isinstance(obj, CheckpointError):
                raise CheckpointError(str(obj))
            return obj
        if module == "torch" or module.startswith("torch."):
            return _npgrad_counterpart(module, name)
        return super().find_class(module, name)


def _npgrad_counterpart(module: str, name: str):
    """npgrad's object for PyTorch's ``module.name``: the same path under npgrad, or, for an
    nn class in a file npgrad lays out differently, the class of that name in npgrad.nn."""
    candidates = ["npgrad" + module[len("torch"):]]
    if module.startswith("torch.nn.modules."):
        candidates.append("npgrad.nn")
    for path in candidates:
        try:
            # imported by name, as pickle imports what a file names: this is the
            # weights_only=False path, which trusts the file
            obj = importlib.import_module(path)
            for part in name.split("."):
                obj = getattr(obj, part)
            return obj
        except (ImportError, AttributeError):
            continue
    raise pickle.UnpicklingError(f"the checkpoint names {module}.{name}, which npgrad does not "
                                 "have")


def unsafe_globals(data: bytes) -> list[str]:
    """The globals a pickle names that a weights-only load would refuse (read, not run)."""
    import pickletools  # noqa: PLC0415 (only this check needs it: ~1% of import npgrad)
    found, user = [], _user_allowed()
    try:
        for op, arg, _ in pickletools.genops(data):
            if op.name == "STACK_GLOBAL":
                raise WeightsOnlyError(f"Unsupported operand {op.code.encode('latin1')[0]}")
            if op.name in ("GLOBAL", "INST"):
                module, name = _python3_name(*arg.split(" ", 1))
                full = f"{module}.{name}"
                if (full not in _ALLOWED and _user_lookup(full, user) is None
                        and full not in found):
                    found.append(full)
    except (ValueError, UnicodeDecodeError, struct.error) as e:
        raise CheckpointError(f"corrupted pickle ({e})") from None
    return found
