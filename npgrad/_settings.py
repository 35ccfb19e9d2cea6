"""The rest of ``torch``'s top-level surface that ordinary programs touch: dtype info
(``finfo``, ``iinfo``), global settings (print options, threads, default device,
determinism, matmul precision), small predicates (``is_nonzero``, ``typename``...), creation
odds and ends (``frombuffer``, ``empty_strided``, the deprecated inclusive ``range``), and
the helpers behind Tensor methods such as ``new``, ``apply_`` and ``resize_``. (The top-level
forms of nn.functional ops and of in-place methods: ``_toplevel.py``.)

Settings that a NumPy backend cannot honour (a device other than 'cpu', matmul precision)
are recorded and returned, as PyTorch returns them, and never change results.
"""
from __future__ import annotations

import builtins
import warnings

import numpy as np

from . import _formatting
from . import dtypes as _dt
from .tensor import Tensor

__all__ = ["finfo", "iinfo", "set_printoptions", "get_num_threads", "set_num_threads",
           "get_num_interop_threads", "set_num_interop_threads", "get_default_device",
           "set_default_device", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "typename", "is_nonzero", "is_same_size",
           "is_signed", "is_inference", "is_inference_mode_enabled", "is_complex",
           "is_storage", "frombuffer", "empty_strided", "range", "fill", "zero_", "fill_",
           "detach", "detach_", "e", "pi", "inf", "nan", "newaxis", "compile", "get_device",
           "set_warn_always", "is_warn_always_enabled", "set_default_tensor_type", "conj",
           "resolve_conj", "resolve_neg", "conj_physical", "is_conj", "is_neg", "isreal",
           "real", "cholesky", "narrow_copy", "unsafe_chunk", "unsafe_split", "layout",
           "strided", "memory_format", "contiguous_format", "preserve_format", "channels_last",
           "channels_last_3d", "set_anomaly_enabled", "get_deterministic_debug_mode",
           "set_deterministic_debug_mode", "set_flush_denormal", "has_lapack", "has_mkl",
           "has_openmp", "has_spectral", "matrix_rank", "triangular_solve",
           "unsafe_split_with_sizes", "conj_physical_", "addmv_"]

has_lapack, has_mkl, has_openmp, has_spectral = True, False, False, False

e, pi, inf, nan, newaxis = np.e, np.pi, np.inf, np.nan, None


# ---------------------------------------------------------------------------------------------
# dtype information
# ---------------------------------------------------------------------------------------------

class finfo:
    """Machine limits of a floating dtype (the default dtype when none is given), as
    ``torch.finfo``: ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``),
    ``resolution`` and ``dtype`` (its name)."""

    def __init__(self, type=None) -> None:  # noqa: A002 (PyTorch's name)
        d = _dt.to_dtype(type) if type is not None else _dt.get_default_dtype()
        if d.np.kind != "f":
            raise TypeError(f"torch.finfo() requires a floating point input type. Use "
                            f"torch.iinfo to handle '{d!r}'")
        info = np.finfo(d.np)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
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
        d = _dt.to_dtype(type)
        if d.np.kind not in "iub":
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo "
                            f"to handle '{d!r}'")
        info = np.iinfo(np.uint8 if d.np.kind == "b" else d.np)
        self.bits = 8 if d.np.kind == "b" else info.bits
        self.max = 1 if d.np.kind == "b" else builtins.int(info.max)
        self.min = 0 if d.np.kind == "b" else builtins.int(info.min)
        self.dtype = d.name

    def __repr__(self) -> str:
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"


# ---------------------------------------------------------------------------------------------
# Global settings
# ---------------------------------------------------------------------------------------------

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, np.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """Options for printing tensors, as ``torch.set_printoptions``: ``profile`` ('default',
    'short', 'full') first, then the single options; ``sci_mode`` True / False forces or
    forbids scientific notation, None restores the automatic choice."""
    f = _formatting
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}")
        f.PRECISION, f.THRESHOLD, f.EDGEITEMS, f.LINEWIDTH = _PROFILES[profile]
    if precision is not None:
        f.PRECISION = builtins.int(precision)
    if threshold is not None:
        f.THRESHOLD = threshold
    if edgeitems is not None:
        f.EDGEITEMS = builtins.int(edgeitems)
    if linewidth is not None:
        f.LINEWIDTH = builtins.int(linewidth)
    f.SCI_MODE = sci_mode


_THREADS = {"intra": None, "inter": 1}


def _threadpool_limits():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def get_num_threads() -> builtins.int:
    """The threads npgrad's ops may use: the value last set, else NumPy's BLAS threads
    (through threadpoolctl when installed), else ``OMP_NUM_THREADS``, else the CPU count
    (as PyTorch, which also honours ``OMP_NUM_THREADS``). Looked up once, then cached."""
    if _THREADS["intra"] is not None:
        return _THREADS["intra"]
    if _THREADS.get("default") is None:
        _THREADS["default"] = _default_threads()
    return _THREADS["default"]


def _default_threads() -> builtins.int:
    tpc = _threadpool_limits()
    if tpc is not None:
        counts = [i["num_threads"] for i in tpc.threadpool_info() if i.get("user_api") == "blas"]
        if counts:
            return builtins.max(counts)
    import os
    try:
        return builtins.max(1, builtins.int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        return os.cpu_count() or 1


def set_num_threads(num: builtins.int) -> None:
    """Limit NumPy's BLAS to ``num`` threads (through threadpoolctl when installed; without
    it the value is only recorded and reported by :func:`get_num_threads`)."""
    num = builtins.int(num)
    if num <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _THREADS["intra"] = num
    tpc = _threadpool_limits()
    if tpc is not None:
        tpc.threadpool_limits(limits=num, user_api="blas")


def get_num_interop_threads() -> builtins.int:
    """Inter-op threads (npgrad runs ops one after another: the recorded value)."""
    return _THREADS["inter"]


def set_num_interop_threads(num: builtins.int) -> None:
    """Recorded only: npgrad has no inter-op parallelism."""
    _THREADS["inter"] = builtins.int(num)


def get_default_device():
    """Always ``device('cpu')``."""
    from .backend import device
    return device("cpu")


def set_default_device(device) -> None:
    """Only 'cpu' (or None) is accepted: npgrad's one device."""
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"set_default_device: npgrad only supports the 'cpu' device, got "
                           f"{device!r}")


_DETERMINISTIC = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode: builtins.bool, *, warn_only: builtins.bool = False) -> None:
    """Recorded: every npgrad op is already deterministic on the CPU."""
    _DETERMINISTIC["mode"], _DETERMINISTIC["warn_only"] = builtins.bool(mode), warn_only


def are_deterministic_algorithms_enabled() -> builtins.bool:
    return _DETERMINISTIC["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> builtins.bool:
    return _DETERMINISTIC["warn_only"]


_MATMUL_PRECISION = ["highest"]


def set_float32_matmul_precision(precision: str) -> None:
    """'highest', 'high' or 'medium' (recorded: NumPy matmuls are always full precision)."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"set_float32_matmul_precision: invalid precision {precision!r}, "
                           "expected 'highest', 'high' or 'medium'")
    _MATMUL_PRECISION[0] = precision


def get_float32_matmul_precision() -> str:
    return _MATMUL_PRECISION[0]


# ---------------------------------------------------------------------------------------------
# Predicates
# ---------------------------------------------------------------------------------------------

_TYPENAMES = {"float16": "HalfTensor", "float32": "FloatTensor", "float64": "DoubleTensor",
              "int8": "CharTensor", "int16": "ShortTensor", "int32": "IntTensor",
              "int64": "LongTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


def typename(obj) -> str:
    """'torch.FloatTensor' style names for tensors (as PyTorch spells them), the class name
    otherwise."""
    if isinstance(obj, Tensor):
        return "torch." + _TYPENAMES[obj.dtype.name]
    if isinstance(obj, np.ndarray):
        return "numpy.ndarray"
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", None) else f"{module}.{name}"


def is_nonzero(input: Tensor) -> builtins.bool:
    """The truth value of a one-element tensor (RuntimeError otherwise)."""
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(input._data.reshape(()))


def is_same_size(input: Tensor, other: Tensor) -> builtins.bool:
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input: Tensor) -> builtins.bool:
    """True for signed integer and floating dtypes."""
    return input.dtype.is_signed


def is_inference(input: Tensor) -> builtins.bool:
    """False: npgrad has no inference tensors (``inference_mode`` acts as ``no_grad``)."""
    return False


def is_inference_mode_enabled() -> builtins.bool:
    """False: ``inference_mode`` is ``no_grad`` in npgrad and is not tracked separately."""
    return False


def is_complex(input: Tensor) -> builtins.bool:
    return False


def is_storage(obj) -> builtins.bool:
    return False


# ---------------------------------------------------------------------------------------------
# Creation odds and ends
# ---------------------------------------------------------------------------------------------

def frombuffer(buffer, *, dtype, count: builtins.int = -1, offset: builtins.int = 0,
               requires_grad: builtins.bool = False) -> Tensor:
    """A 1-D tensor sharing memory with an object that exposes the buffer protocol."""
    d = _dt.to_dtype(dtype)
    mv = memoryview(buffer)
    if mv.nbytes == 0 or offset >= mv.nbytes and count != 0:
        raise ValueError(f"both buffer length ({mv.nbytes}) and offset ({offset}) must be "
                         f"greater than 0 and less than the buffer length")
    arr = np.frombuffer(buffer, dtype=d.np, count=count, offset=offset)
    t = Tensor._make(arr)
    if mv.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors.", UserWarning, stacklevel=2)
    return t.requires_grad_(requires_grad) if requires_grad else t


def empty_strided(size, stride, *, dtype=None, layout=None, device=None,
                  requires_grad: builtins.bool = False, pin_memory: builtins.bool = False):
    """An uninitialised (zero-filled) tensor of ``size`` whose strides are ``stride``
    (in elements), as a NumPy strided view of a large enough buffer."""
    size, stride = tuple(builtins.int(s) for s in size), tuple(builtins.int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape ({len(stride)} vs "
                           f"{len(size)})")
    d = _dt.to_dtype(dtype).np if dtype is not None else _dt.get_default_dtype().np
    n = 1 + builtins.sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0
    buf = np.zeros(n, d)
    arr = np.lib.stride_tricks.as_strided(buf, size, tuple(st * d.itemsize for st in stride))
    t = Tensor._make(arr)
    return t.requires_grad_(requires_grad) if requires_grad else t


def range(start=0, end=None, step=1, *, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad: builtins.bool = False) -> Tensor:
    """Deprecated inclusive range ``[start, end]`` (default float dtype), as ``torch.range``;
    use ``arange``."""
    from .ops.creation.factories import tensor
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = builtins.int((end - start) // step) + 1
    d = _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()
    vals = start + np.arange(n, dtype=np.float64) * step
    return tensor(vals, dtype=d, requires_grad=requires_grad)


def fill(input: Tensor, value) -> Tensor:
    """A copy of ``input`` filled with ``value`` (a number or a 0-d tensor)."""
    return input.clone().detach().fill_(value) if not isinstance(value, Tensor) else \
        (input * 0 + value.to(input.dtype)).detach().clone()


def zero_(input: Tensor) -> Tensor:
    return input.zero_()


def fill_(input: Tensor, value) -> Tensor:
    return input.fill_(value)


def detach(input: Tensor) -> Tensor:
    return input.detach()


def detach_(input: Tensor) -> Tensor:
    return input.detach_()


# ---------------------------------------------------------------------------------------------
# Tensor-only helpers (called from the Tensor methods in _tensor_ops.py)
# ---------------------------------------------------------------------------------------------

def tensor_new(t: Tensor, *args, **kwargs) -> Tensor:
    """``t.new(...)``, PyTorch's legacy constructor, in ``t``'s dtype: ``new()`` is empty,
    ``new(2, 3)`` / ``new(size)`` uninitialised (zeros here), ``new(data)`` a copy of data."""
    from .ops.creation.factories import tensor, zeros
    dtype = kwargs.pop("dtype", None) or t.dtype
    if not args:
        return zeros(0, dtype=dtype)
    if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer)):
        data = args[0]
        if isinstance(data, tuple) and all(isinstance(s, (builtins.int, np.integer))
                                           for s in data) and type(data).__name__ == "Size":
            return zeros(*data, dtype=dtype)
        return tensor(data._data if isinstance(data, Tensor) else data, dtype=dtype)
    return zeros(*args, dtype=dtype)


def data_ptr(t: Tensor) -> builtins.int:
    """The address of the tensor's first element."""
    return t._data.__array_interface__["data"][0]


def storage_offset(t: Tensor) -> builtins.int:
    """How many elements into its base array the tensor starts (0 unless it is a view)."""
    base = t._data
    while isinstance(base.base, np.ndarray):
        base = base.base
    return (data_ptr(t) - base.__array_interface__["data"][0]) // builtins.max(
        t._data.itemsize, 1)


def apply_(t: Tensor, callable) -> Tensor:  # noqa: A002 (PyTorch's name)
    """``t.apply_(fn)``: replace each element by ``fn(element)`` (CPU Python callables, no
    gradient, as PyTorch)."""
    if t._rg:
        raise TypeError("apply_ is only implemented on CPU tensors that don't require grad")
    if t._data.size:
        out = np.vectorize(callable, otypes=[t._data.dtype])(t._data)
        np.copyto(t._data, out, casting="unsafe")
    t._bump()
    return t


def map_(t: Tensor, other: Tensor, callable) -> Tensor:  # noqa: A002
    """``t.map_(other, fn)``: replace each element by ``fn(element, other's element)``
    (``other`` broadcast to ``t``)."""
    if t._rg or other._rg:
        raise TypeError("map_ is only implemented on CPU tensors that don't require grad")
    b = np.broadcast_to(other._data, t._data.shape)
    if t._data.size:
        out = np.vectorize(callable, otypes=[t._data.dtype])(t._data, b)
        np.copyto(t._data, out, casting="unsafe")
    t._bump()
    return t


def resize_(t: Tensor, *sizes) -> Tensor:
    """``t.resize_(*sizes)``: same elements in row-major order when the count is kept;
    otherwise a new buffer whose first elements are the old ones (the rest uninitialised in
    PyTorch; zeros here)."""
    from .ops._arguments import size_args
    if t._rg:
        raise RuntimeError("cannot resize variables that require grad")
    size = size_args(sizes, "resize_")
    n = builtins.int(np.prod(size)) if size else 1
    flat = t._data.reshape(-1)
    if n == flat.size:
        t._data = np.ascontiguousarray(t._data).reshape(size)
    else:
        new = np.zeros(n, t._data.dtype)
        k = builtins.min(n, flat.size)
        new[:k] = flat[:k]
        t._data = new.reshape(size)
    t._bump()
    return t


def resize_as_(t: Tensor, other: Tensor, memory_format=None) -> Tensor:
    return resize_(t, tuple(other.shape))


def contains(t: Tensor, element) -> builtins.bool:
    """``element in t``: whether any element equals ``element`` (a number or tensor)."""
    if not isinstance(element, (Tensor, builtins.int, builtins.float, builtins.bool)):
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                           f"passed in a {type(element)}.")
    other = element._data if isinstance(element, Tensor) else element
    return builtins.bool(np.any(t._data == other))


# ---------------------------------------------------------------------------------------------
# No-op or legacy forms that let PyTorch programs run unchanged
# ---------------------------------------------------------------------------------------------

def compile(model=None, **kwargs):  # noqa: A001 (PyTorch's name)
    """``torch.compile``: npgrad has no compiler, so the model (or function) comes back as
    it is; ``@npgrad.compile`` and ``@npgrad.compile(mode=...)`` work as decorators."""
    if model is None:
        return lambda m: m
    return model


def get_device(input: Tensor) -> builtins.int:
    """-1: the CPU, as PyTorch numbers it."""
    return -1


_WARN_ALWAYS = [False]


def set_warn_always(b: builtins.bool) -> None:
    """Recorded (npgrad's warnings follow Python's own filters)."""
    _WARN_ALWAYS[0] = builtins.bool(b)


def is_warn_always_enabled() -> builtins.bool:
    return _WARN_ALWAYS[0]


def set_default_tensor_type(t) -> None:
    """Deprecated in PyTorch: 'torch.FloatTensor' / 'torch.DoubleTensor' (or the
    npgrad.float32 / float64 dtypes) set the default float dtype."""
    name = t if isinstance(t, str) else getattr(t, "__name__", None) or str(t)
    table = {"FloatTensor": _dt.float32, "DoubleTensor": _dt.float64,
             "HalfTensor": _dt.float16}
    d = table.get(name.split(".")[-1]) if isinstance(name, str) else None
    if d is None:
        d = _dt.to_dtype(t)
    _dt.set_default_dtype(d)


def conj(input: Tensor) -> Tensor:
    """``input`` itself (npgrad tensors are real)."""
    return input


resolve_conj = resolve_neg = conj_physical = real = conj


def is_conj(input: Tensor) -> builtins.bool:
    return False


def is_neg(input: Tensor) -> builtins.bool:
    return False


def isreal(input: Tensor) -> Tensor:
    """All True: npgrad tensors are real."""
    return input.isreal()


def cholesky(input: Tensor, upper: builtins.bool = False) -> Tensor:
    """Deprecated ``torch.cholesky``: ``linalg.cholesky``, transposed when ``upper``."""
    from .linalg import cholesky as _cholesky
    return _cholesky(input, upper=upper)


def narrow_copy(input: Tensor, dim: builtins.int, start: builtins.int,
                length: builtins.int) -> Tensor:
    return input.narrow_copy(dim, start, length)


def unsafe_chunk(input: Tensor, chunks: builtins.int, dim: builtins.int = 0) -> tuple:
    return input.chunk(chunks, dim)


def unsafe_split(input: Tensor, split_size, dim: builtins.int = 0) -> tuple:
    return input.split(split_size, dim)


# ---------------------------------------------------------------------------------------------
# Layouts and memory formats: npgrad tensors are strided and row-major; these are the names
# programs pass to ``.to(memory_format=...)``, ``.contiguous(...)`` and factories
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


# ---------------------------------------------------------------------------------------------
# More settings and deprecated forms
# ---------------------------------------------------------------------------------------------

def set_anomaly_enabled(enabled: builtins.bool, check_nan: builtins.bool = True) -> None:
    """``autograd.set_detect_anomaly(enabled, check_nan)`` as a plain call."""
    from .autograd.anomaly_mode import set_detect_anomaly
    set_detect_anomaly(enabled, check_nan)


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode) -> None:
    """0 / 'default', 1 / 'warn', 2 / 'error': ``use_deterministic_algorithms`` with or
    without ``warn_only`` (recorded; npgrad is deterministic)."""
    mode = _DEBUG_MODES.get(debug_mode, debug_mode)
    if mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected one of 0, 1, 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(mode > 0, warn_only=mode == 1)


def get_deterministic_debug_mode() -> builtins.int:
    if not _DETERMINISTIC["mode"]:
        return 0
    return 1 if _DETERMINISTIC["warn_only"] else 2


def set_flush_denormal(mode: builtins.bool) -> builtins.bool:
    """False: NumPy gives no control over denormals, so the request is not honoured."""
    return False


def matrix_rank(input: Tensor, tol=None, symmetric: builtins.bool = False) -> Tensor:
    """Deprecated ``torch.matrix_rank``: ``linalg.matrix_rank`` (``tol`` as ``atol``)."""
    from .linalg import matrix_rank as _rank
    return _rank(input, atol=tol, hermitian=symmetric) if tol is not None else \
        _rank(input, hermitian=symmetric)


_triangular_solve_type = None


def triangular_solve(b: Tensor, A: Tensor, upper: builtins.bool = True,
                     transpose: builtins.bool = False, unitriangular: builtins.bool = False):
    """Deprecated ``torch.triangular_solve``: ``(solution, cloned_coefficient)`` of
    ``A X = b`` (``A^T X = b`` with ``transpose``)."""
    global _triangular_solve_type
    from . import return_types
    from .linalg import solve_triangular
    if _triangular_solve_type is None:
        _triangular_solve_type = return_types.make("triangular_solve",
                                                   ("solution", "cloned_coefficient"))
    M = A.mT if transpose else A
    x = solve_triangular(M, b, upper=upper != transpose, unitriangular=unitriangular)
    return _triangular_solve_type(x, A.clone())


def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: builtins.int = 0) -> tuple:
    return input.split_with_sizes(split_sizes, dim)


def conj_physical_(input: Tensor) -> Tensor:
    return input


def addmv_(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    return input.addmv_(mat, vec, beta=beta, alpha=alpha)
