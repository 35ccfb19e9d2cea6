"""dtype objects and PyTorch's type-promotion rules.

A :class:`dtype` wraps a NumPy dtype and prints like PyTorch's (``npgrad.float32``).
Promotion follows ``torch.result_type``: operands fall into three tiers (tensors with
dimensions, zero-dim tensors, Python scalars); a lower tier can only change the result's
*category* (bool < integer < floating), never its width within a category.

Also the machine limits ``finfo``/``iinfo`` and the layout and memory-format names
(``strided``, ``channels_last``...).
"""
from __future__ import annotations

import builtins as _builtins

import numpy as np

from .backend import is_device_array


class dtype:
    """The data type of a Tensor, e.g. ``npgrad.float32``."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name: str, np_dtype, category: int, itemsize: int = 0):
        self.name = name
        self.is_floating_point = category == 2
        self._category = category  # 0 bool, 1 integer, 2 floating
        if np_dtype is None:  # bfloat16: ``np`` is filled in on first use (see __getattr__)
            self.is_signed, self.itemsize = True, itemsize
            return
        self.np = np.dtype(np_dtype)
        self.is_signed = category == 2 or self.np.kind == "i"
        self.itemsize = self.np.itemsize

    def __getattr__(self, name: str):
        # Only reached for an unset slot: bfloat16's ``np`` before anything asked for it.
        if name == "np" and self.name == "bfloat16":
            return bfloat16_np()
        raise AttributeError(f"'npgrad.dtype' object has no attribute '{name}'")

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"npgrad.{self.name}"

    def __reduce__(self):  # pickle as the module attribute, so identity survives
        return (_by_name, (self.name,))


float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
# bfloat16 lives in NumPy arrays through ml_dtypes (the NumPy extension JAX uses): its casts
# round to nearest even as PyTorch's do, and its ufuncs work. Ops compute bfloat16 in float32
# and round their results back, as PyTorch CPU does (see autograd/function.py, _forward_bf16).
# Measured on this 2-core machine (1e6 elements, ms): float32->bfloat16 ml_dtypes 3.9, manual
# uint16 rounding 3.6, torch 3.2; bfloat16->float32 ml_dtypes 1.0, manual 0.3, torch 7.6;
# a 512x512 matmul: bfloat16 np.matmul (no BLAS) 24, upcast + float32 BLAS + round 16, torch 305;
# sum of 1e6 in bfloat16 loops is off by 1e3, in float32 by 1e-4; memory is half float32's.
# Manual uint16 storage wins only the widening cast (0.7 ms per 1e6) and would make every NumPy
# path that meets a raw array compute integers; with ml_dtypes they compute bfloat16 (NumPy
# kind 'V', hence ``is_float_np``).
# ml_dtypes is imported on first use only (``bfloat16_np``): its import alone takes ~1 s here,
# four times all of npgrad's. Until then no array can be bfloat16 (or it came from a program
# that imported ml_dtypes itself), so the checks below need only the NumPy kind 'V', which no
# other dtype that npgrad holds has.
bfloat16 = dtype("bfloat16", None, 2, itemsize=2)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
uint8 = dtype("uint8", np.uint8, 1)
bool = dtype("bool", np.bool_, 0)  # noqa: A001  (PyTorch spells it npgrad.bool)
# The wide unsigned dtypes, as in PyTorch 2.13: storage, creation, casts, indexing, copies and
# NumPy/DLPack interchange, but no promotion with any other integer or bool dtype (PyTorch's
# RuntimeError). NOTE: PyTorch's CPU kernels refuse most arithmetic on them
# (NotImplementedError: "add_stub" not implemented for 'UInt16'); npgrad's ops compute them
# with NumPy's unsigned arithmetic instead of refusing.
uint16 = dtype("uint16", np.uint16, 1)
uint32 = dtype("uint32", np.uint32, 1)
uint64 = dtype("uint64", np.uint64, 1)
BARE_UNSIGNED = frozenset(np.dtype(t) for t in (np.uint16, np.uint32, np.uint64))

# PyTorch's aliases
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (float16, bfloat16, float32, float64, int8, int16, int32, int64, uint8, bool)
# (bfloat16's NumPy dtype joins _FROM_NP when ml_dtypes is loaded, on first use)
_FROM_NP = {d.np: d for d in ALL + (uint16, uint32, uint64) if d is not bfloat16}
_BY_NAME = {d.name: d for d in ALL + (uint16, uint32, uint64)}


def bfloat16_np() -> np.dtype:
    """bfloat16's NumPy dtype (ml_dtypes'), importing ml_dtypes the first time."""
    global _bf16_np
    if _bf16_np is None:
        import ml_dtypes  # noqa: PLC0415 (imported on first use: see above)
        _bf16_np = bfloat16.np = np.dtype(ml_dtypes.bfloat16)
        _FROM_NP[_bf16_np] = bfloat16
    return _bf16_np


_bf16_np = None


def __getattr__(name: str):
    # ``dtypes.BF16_NP``, the bfloat16 NumPy dtype, for code that names it (loads ml_dtypes)
    if name == "BF16_NP":
        return bfloat16_np()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted([*globals(), "BF16_NP"])


def is_bfloat16_np(np_dtype) -> _builtins.bool:
    """Whether a NumPy dtype is bfloat16 (without importing ml_dtypes: kind 'V' is only
    bfloat16 among the dtypes a tensor holds)."""
    return np_dtype.kind == "V"


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


# PyTorch's legacy tensor type names, one per dtype: what ``x.type()`` and ``typename`` print
# ('torch.FloatTensor') and what ``x.type('torch.LongTensor')`` and the npgrad.FloatTensor...
# classes stand for.
# PyTorch's ScalarType names, which its kernels print in "not implemented for 'Long'" errors
# and which name the legacy tensor types (LongTensor)
_SCALAR_TYPE_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
                      "float64": "Double", "int8": "Char",
                      "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte",
                      "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
                      "bool": "Bool", "complex64": "ComplexFloat",
                      "complex128": "ComplexDouble"}
TENSOR_TYPE_NAMES = {d: _SCALAR_TYPE_NAMES[d] + "Tensor" for d in _BY_NAME}
_BY_TENSOR_TYPE_NAME = {n: _BY_NAME[d] for d, n in TENSOR_TYPE_NAMES.items()}


def tensor_type_name(d: dtype) -> str:
    """The legacy type name of a CPU tensor of dtype ``d``: 'torch.FloatTensor'."""
    return "torch." + TENSOR_TYPE_NAMES[d.name]


def from_tensor_type_name(name: str) -> "dtype | None":
    """The dtype a legacy type name stands for ('torch.LongTensor', 'npgrad.LongTensor' or
    'LongTensor' -> int64), or None for any other string."""
    for prefix in ("torch.", "npgrad."):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return _BY_TENSOR_TYPE_NAME.get(name)


_default = float32


def get_default_dtype() -> dtype:
    """The dtype of floating tensors made from Python floats (``float32`` unless changed)."""
    return _default


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype; only ``float32`` and ``float64`` (and ``float16``)."""
    global _default
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype: only floating-point dtypes are allowed, got {d}")
    _default = d


def to_dtype(d) -> dtype:
    """Accept an npgrad dtype, a NumPy dtype or type, or a name, and return the npgrad dtype."""
    if d.__class__ is dtype:
        return d
    if isinstance(d, str):
        if d in _BY_NAME:
            return _BY_NAME[d]
    try:
        return _FROM_NP[np.dtype(d)]
    except KeyError:
        if np.dtype(d).kind == "V" and _bf16_np is None:  # (as in from_numpy_dtype)
            bfloat16_np()
            return to_dtype(d)
    except TypeError:
        pass
    raise TypeError(f"unsupported dtype {d!r}; npgrad supports {', '.join(_BY_NAME)}") from None


# PyTorch's TypeMeta names (C++ type names), which some of its errors print
_TYPE_META_NAMES = {"float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float",
                    "float64": "double", "int8": "signed char", "int16": "short int",
                    "int32": "int", "int64": "long int", "uint8": "unsigned char",
                    "bool": "bool"}


def type_meta_name(np_dtype) -> str:
    """PyTorch's C++ name of a dtype in some errors: 'float', 'double', 'c10::Half'..."""
    name = np.dtype(np_dtype).name
    return _TYPE_META_NAMES.get(name, name)


def scalar_type_name(np_dtype) -> str:
    """PyTorch's name of a dtype in its kernels' errors: 'Float', 'Long', 'Bool'..."""
    name = np.dtype(np_dtype).name
    return _SCALAR_TYPE_NAMES.get(name, name)


# C++'s names of the dtypes in c10's conversion errors
_C_TYPE_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
                 "int64": "int64_t", "float32": "float", "float64": "double"}


def checked_scalar(value, np_dtype):
    """A fill value (a Python or NumPy number) as a NumPy scalar of ``np_dtype``, with
    PyTorch's checked conversion (c10's ``checked_convert``, which ``fill_``, ``full``,
    ``masked_fill``, ``index_fill``, ``x[i] = v`` use): a value out of an integer dtype's
    range, a float with a fraction or nan/inf, or a complex with an imaginary part into a real
    dtype is a RuntimeError, except that negative integers wrap into unsigned dtypes as two's
    complement (uint8 takes -255..255: -1 is 255). Bools go anywhere and anything to bool.
    float16 and bfloat16 take large values as inf, as fill_ and full do."""
    np_dtype = np.dtype(np_dtype)
    kind = np_dtype.kind
    if kind == "b" or isinstance(value, (_builtins.bool, np.bool_)) or kind == "c" \
            or kind not in "iuf":
        return np_dtype.type(value)
    name = np_dtype.name
    if isinstance(value, (_builtins.complex, np.complexfloating)):
        if value.imag != 0:
            _overflow(name)
        value = value.real
    if kind == "f":
        if name == "float32" and isinstance(value, (_builtins.float, np.floating)) and np.isfinite(value) \
                and abs(_builtins.float(value)) > _builtins.float(np.finfo(np.float32).max):
            _overflow(name)
        with np.errstate(over="ignore"):  # (float16: inf, as PyTorch's fill_)
            return np_dtype.type(value)
    info = np.iinfo(np_dtype)
    if isinstance(value, (_builtins.float, np.floating)):
        if not (info.min <= value <= info.max):  # (nan and inf included)
            _overflow(name)
        return np_dtype.type(_builtins.int(value))  # (truncated toward 0, as C's cast)
    v = _builtins.int(value)
    if kind == "u" and -info.max <= v < 0:
        return np_dtype.type(v & info.max)  # two's complement
    if not info.min <= v <= info.max:
        _overflow(name)
    return np_dtype.type(v)


def _overflow(np_name: str):
    raise RuntimeError(f"value cannot be converted to type {_C_TYPE_NAMES.get(np_name, np_name)} "
                       f"without overflow")


def dtype_arg(d, op: str) -> dtype:
    """A ``dtype=`` argument of an op: an npgrad dtype only. As in PyTorch, a name
    (``dtype='float32'``) or a NumPy dtype is a TypeError (``to_dtype`` takes those, for
    ``Tensor.type`` and the like)."""
    if d.__class__ is dtype:
        return d
    kind = type(d)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    raise TypeError(f"{op}(): argument 'dtype' must be torch.dtype, not {name} ({d!r})")


def from_numpy_dtype(np_dtype) -> dtype:
    """The npgrad dtype for a NumPy dtype; raises TypeError for unsupported ones."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        if np_dtype.kind == "V" and _bf16_np is None:
            # a bfloat16 array from a program that imported ml_dtypes itself, met before
            # anything asked for npgrad's bfloat16: load it, and look again
            bfloat16_np()
            return from_numpy_dtype(np_dtype)
        raise TypeError(f"can't convert NumPy dtype {np_dtype}: npgrad supports "
                        f"{', '.join(_BY_NAME)}") from None


# ---------------------------------------------------------------------------------------------
# Promotion
# ---------------------------------------------------------------------------------------------

def _category(np_dtype) -> int:
    kind = np_dtype.kind
    return 2 if kind == "f" or kind == "V" else 0 if kind == "b" else 1  # ('V': bfloat16)


def is_float_np(np_dtype) -> _builtins.bool:
    """Whether a NumPy dtype is one of npgrad's floating dtypes (bfloat16's kind is 'V')."""
    kind = np_dtype.kind
    return kind == "f" or kind == "V"


def promote_types(a, b):
    """PyTorch's ``promote_types`` on NumPy dtypes: the smallest dtype both convert to.

    Within a category NumPy's rule is PyTorch's; across categories the higher category wins
    as it is (``int64`` with ``float16`` gives ``float16``, where NumPy would give ``float64``).
    """
    if a == b:
        return a
    ca, cb = _category(a), _category(b)
    if (a in BARE_UNSIGNED or b in BARE_UNSIGNED) and ca < 2 and cb < 2:
        raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {scalar_type_name(a)} and "
                           f"{scalar_type_name(b)}")
    if ca == cb:
        return np.promote_types(a, b)
    return a if ca > cb else b


def _scalar_np_dtype(x):
    """The dtype PyTorch gives a Python scalar operand ('wrapped number')."""
    if isinstance(x, (_builtins.bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, (_builtins.int, np.integer)):
        return np.dtype(np.int64)
    return _default.np


def _combine(higher, lower):
    """Combine two tiers' results: a lower tier wins only by being of a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _category(higher), _category(lower)
    if ch == 2:
        return higher
    if ch == 0 or cl == 2:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """PyTorch's ``result_type`` over NumPy arrays (tensors' data) and Python scalars.

    Returns a NumPy dtype. Arrays with ``ndim > 0`` form the first tier, 0-dim arrays the
    second, Python scalars the third.
    """
    dim = zero = wrapped = None
    for x in operands:
        if isinstance(x, np.ndarray) or is_device_array(x):
            if x.ndim:
                dim = x.dtype if dim is None else promote_types(dim, x.dtype)
            else:
                zero = x.dtype if zero is None else promote_types(zero, x.dtype)
        elif x is not None:
            d = _scalar_np_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def can_cast_inplace(src: np.dtype, dst: np.dtype) -> _builtins.bool:
    """PyTorch's rule for in-place results: no float into int, no number into bool."""
    if is_float_np(src) and dst.kind in "iub":
        return False
    return not (src.kind != "b" and dst.kind == "b")


def sum_dtype(a: np.ndarray, dtype=None, op: str = "sum") -> np.dtype:
    """The dtype a sum or product of ``a`` accumulates in: ``dtype`` if given, else int64 for
    integers and bools (PyTorch's rule), else ``a``'s own."""
    if dtype is not None:
        return dtype_arg(dtype, op).np
    return np.dtype(np.int64) if a.dtype.kind in "iub" else a.dtype


def promote_binary(a, b):
    """Return ``(a, b)`` converted so that a NumPy ufunc computes in PyTorch's result dtype.

    Arrays are cast (no copy when already right); Python scalars stay scalars, which NumPy
    treats as weak, so they never change the result's width.
    """
    ta, tb = a.__class__ is np.ndarray, b.__class__ is np.ndarray
    if ta and tb:
        if a.dtype == b.dtype:
            return a, b
    elif ta and b.__class__ is _builtins.float:
        if a.dtype.kind == "f":
            return a, b
    elif ta and b.__class__ is _builtins.int:
        if a.dtype.kind in "iuf":
            return a, b
    dt = result_type(a, b)
    return _cast(a, dt), _cast(b, dt)


_INT_RANGE = {np.dtype(t): (_builtins.int(np.iinfo(t).min), _builtins.int(np.iinfo(t).max))
              for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                        np.uint64)}


def wrap_ints(a, b):
    """Python ints that overflow the other operand's integer dtype, wrapped into it (two's
    complement, as PyTorch does: ``uint8_tensor - 1`` wraps where NumPy raises)."""
    def wrap(x, other):
        if isinstance(x, _builtins.int) and (isinstance(other, np.ndarray)
                                             or is_device_array(other)) \
                and other.dtype.kind in "iu":
            lo, hi = _INT_RANGE[other.dtype]
            if lo <= x <= hi:
                return x
            return np.array(x & ((1 << (8 * other.dtype.itemsize)) - 1),
                            np.uint64).astype(other.dtype)
        return x
    return wrap(a, b), wrap(b, a)


def _cast(x, dt):
    if isinstance(x, np.ndarray) or is_device_array(x):
        return x if x.dtype == dt else x.astype(dt)
    if is_float_np(dt):
        return _builtins.float(x)
    if dt.kind == "b":
        return _builtins.bool(x)
    return _builtins.int(x) if not isinstance(x, _builtins.float) else x


def default_float_for(np_dtype):
    """The dtype an op that always yields floats (division, exp, mean) gives for this input."""
    return np_dtype if is_float_np(np_dtype) else _default.np


# ---------------------------------------------------------------------------------------------
# Machine limits of a dtype: finfo, iinfo
# ---------------------------------------------------------------------------------------------

class finfo:
    """Machine limits of a floating dtype (the default dtype when none is given), as
    ``torch.finfo``: ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``),
    ``resolution`` and ``dtype`` (its name)."""

    def __init__(self, type=None) -> None:  # noqa: A002 (PyTorch's name)
        d = to_dtype(type) if type is not None else get_default_dtype()
        if not d.is_floating_point:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use "
                            f"torch.iinfo to handle '{d!r}'")
        if d is bfloat16:
            import ml_dtypes  # noqa: PLC0415 (imported on first use: see bfloat16_np)
            info = ml_dtypes.finfo(d.np)  # (NumPy's finfo has no bfloat16)
        else:
            info = np.finfo(d.np)
        self.bits = info.bits
        self.eps = _builtins.float(info.eps)
        self.max = _builtins.float(info.max)
        self.min = _builtins.float(info.min)
        self.tiny = self.smallest_normal = _builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision  # as a Python float, like PyTorch
        self.dtype = d.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Machine limits of an integer (or bool) dtype, as ``torch.iinfo``: ``bits``, ``max``,
    ``min`` and ``dtype`` (its name)."""

    def __init__(self, type) -> None:  # noqa: A002
        d = to_dtype(type)
        if d.np.kind not in "iub":
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo "
                            f"to handle '{d!r}'")
        info = np.iinfo(np.uint8 if d.np.kind == "b" else d.np)
        self.bits = 8 if d.np.kind == "b" else info.bits
        self.max = 1 if d.np.kind == "b" else _builtins.int(info.max)
        self.min = 0 if d.np.kind == "b" else _builtins.int(info.min)
        self.dtype = d.name

    def __repr__(self) -> str:
        return (f"iinfo(min={_builtins.float(self.min):g}, max={_builtins.float(self.max):g}, "
                f"dtype={self.dtype})")


# ---------------------------------------------------------------------------------------------
# Layouts and memory formats: npgrad tensors are strided and row-major; these are the names programs
# pass to .to(memory_format=...), .contiguous(...) and factories
# ---------------------------------------------------------------------------------------------

class layout:
    """A tensor layout, as ``torch.layout`` (npgrad has only ``strided``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


class memory_format:
    """A memory format, as ``torch.memory_format``; npgrad accepts and ignores them."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


strided = layout("strided")


contiguous_format = memory_format("contiguous_format")


preserve_format = memory_format("preserve_format")


channels_last = memory_format("channels_last")


channels_last_3d = memory_format("channels_last_3d")
