"""A stand-in for CuPy that runs on the CPU: the device the test suite runs every op on.

CI and most machines have no GPU, yet npgrad's ops must run on one. This module is an array
module with CuPy's contract and NumPy's arithmetic underneath: its arrays (:class:`ndarray`)
wrap NumPy arrays and, as CuPy's do,

* answer NumPy's ufuncs and array functions (``np.exp(x)``, ``np.sum(x)``, ``x + 1``) through
  ``__array_ufunc__``/``__array_function__``, giving device arrays back (0-d arrays, never
  NumPy scalars, as CuPy returns from reductions);
* refuse to become NumPy arrays silently: ``np.asarray(x)`` raises ``TypeError``, and so does
  any ufunc or function that meets a NumPy array beside a device array. Only ``x.get()``,
  :func:`asnumpy`, ``x.item()``, ``x.tolist()`` and ``float(x)`` copy to the host, as on a GPU.

So an op that makes a host array next to device data, or hands device data to a NumPy routine
that converts its input, fails loudly here exactly where it would fail on a GPU.

``npgrad.backend`` uses this module for ``device='cuda'`` when ``NPGRAD_FAKE_CUDA=1`` is set
(or a test calls ``backend.use_cuda_module``); nothing else imports it. ``bfloat16``, which
CuPy lacks, is refused like CuPy refuses it.
"""
from __future__ import annotations

import types

import numpy as np
import numpy.lib.mixins

from ._dlpack import KDL_CPU, KDL_CUDA, device_field

__all__ = ["ndarray", "asarray", "asnumpy", "get_array_module", "is_available"]


class ndarray(numpy.lib.mixins.NDArrayOperatorsMixin):  # noqa: N801 (CuPy's name)
    """A device array: a NumPy array behind a wall that only explicit copies cross."""

    __slots__ = ("_a",)
    __array_priority__ = 100  # NumPy defers ``host_array + device_array`` to us (to refuse it)

    def __init__(self, a: np.ndarray) -> None:
        if a.dtype.name == "bfloat16":
            raise TypeError("Unsupported dtype bfloat16")  # CuPy has no bfloat16
        self._a = a

    # -- the wall --------------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")

    def get(self, stream=None, order="C", out=None) -> np.ndarray:
        """A host (NumPy) copy, as ``cupy.ndarray.get``."""
        return np.array(self._a, order=order)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method in _UFUNC_METHODS and ufunc.__name__ not in _UFUNC_METHODS[method]:
            raise NotImplementedError(f"`cupy_{ufunc.__name__}.{method}` is not supported yet")
        if "out" in kwargs:
            kwargs["out"] = tuple(_unwrap(o) for o in kwargs["out"])
        result = getattr(ufunc, method)(*(_unwrap(x) for x in inputs), **kwargs)
        return _wrap(result)

    def __array_function__(self, func, types_, args, kwargs):
        if func is np.lexsort and isinstance(args[0], (tuple, list)):
            raise TypeError("cupy.lexsort takes one array of keys (a 2-D array), not a sequence")
        if func.__module__ == "numpy.linalg":
            # CuPy's __array_function__ answers NumPy's functions with its own of the same
            # name; where it has none, NumPy raises "no implementation found" (TypeError)
            if func.__name__ not in CUPY_LINALG:
                return NotImplemented
            return getattr(_linalg, func.__name__)(*args, **kwargs)
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # -- what CuPy arrays have ---------------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray(self._a.T))
    mT = property(lambda self: ndarray(self._a.mT))
    real = property(lambda self: ndarray(self._a.real))
    imag = property(lambda self: ndarray(self._a.imag))
    device = property(lambda self: Device(0))

    @property
    def __cuda_array_interface__(self) -> dict:
        """Where the data lies, as CuPy's arrays describe device memory (the fake's device
        memory is the wrapped array's)."""
        a = self._a.__array_interface__
        return {"shape": a["shape"], "typestr": a["typestr"], "data": a["data"],
                "strides": a["strides"], "version": 3}

    @property
    def base(self):
        return None if self._a.base is None else ndarray(self._a.base)

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self):
        return (_wrap(v) for v in self._a)

    def __getitem__(self, key):
        key = _index(key)
        out = self._a[key]
        if isinstance(out, np.generic):  # CuPy gives a 0-d view, never a scalar
            out = self._a[(key if type(key) is tuple else (key,)) + (None,)].reshape(())
        return ndarray(out)

    def __setitem__(self, key, value) -> None:
        self._a[_index(key)] = _unwrap(value)

    # a size-1 array becomes a Python number on request (a synchronising copy on a GPU)
    def __bool__(self) -> bool:
        return bool(self._a)

    def __float__(self) -> float:
        return float(self._a)

    def __int__(self) -> int:
        return int(self._a)

    def __complex__(self) -> complex:
        return complex(self._a)

    def item(self, *args):
        return self._a.item(*args)

    def tolist(self):
        return self._a.tolist()

    def __repr__(self) -> str:
        return "fake_cuda." + repr(self._a)

    def __getattr__(self, name: str):
        """Every other array method, run on the wrapped array with device results."""
        if name in _HOST_METHODS or name.startswith("__"):  # (__array_struct__ & co.)
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)
        return lambda *args, **kwargs: _wrap(attr(*_unwrap(args), **_unwrap(kwargs)))

    def __reduce__(self):
        return ndarray, (self._a,)

    # -- DLPack: capsules that say they hold CUDA memory, as CuPy's do -------------------------
    def __dlpack_device__(self) -> tuple:
        return (KDL_CUDA, 0)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of the wrapped memory marked as CUDA memory (kDLCUDA, device 0):
        NumPy refuses to import it, as it refuses CuPy's; :func:`from_dlpack` imports it."""
        capsule = self._a.__dlpack__(max_version=max_version)
        device_field(capsule)[0] = KDL_CUDA
        return capsule


# The ufunc methods CuPy has beyond calls and ``outer``, and for which ufuncs (CuPy 14's
# ``ufunc.reduce``/``accumulate`` are sum/prod and cumsum/cumprod, ``reduceat`` only add's, and
# ``at`` needs an atomic scatter): any other raises NotImplementedError on a GPU
_UFUNC_METHODS = {
    "reduce": {"add", "multiply"},
    "accumulate": {"add", "multiply"},
    "reduceat": {"add"},
    "at": {"add", "subtract", "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor"},
}


# NumPy array methods CuPy's arrays do not have: each would hand out host memory
_HOST_METHODS = frozenset({"tobytes", "tofile", "ctypes", "data", "dump", "dumps", "byteswap",
                           "getfield", "setfield", "newbyteorder"})


def _unwrap(x):
    """Device arrays to their NumPy arrays, recursively; a NumPy array here is a host array
    meeting device data, which CuPy refuses."""
    if type(x) is ndarray:
        return x._a
    if type(x) is np.ndarray:
        raise TypeError(f"Unsupported type {np.ndarray}: a host (NumPy) array met device "
                        f"arrays (copy it to the device first)")
    if type(x) in (tuple, list):
        return type(x)(_unwrap(v) for v in x)
    if type(x) is dict:
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _index(key):
    """An indexing key's arrays unwrapped. Host (NumPy) index arrays and lists are accepted,
    as CuPy accepts them (it copies them to the device, ``_prepare_slice_list``)."""
    if type(key) is tuple:
        return tuple(k if type(k) is np.ndarray else _unwrap(k) for k in key)
    return key if type(key) is np.ndarray else _unwrap(key)


def _wrap(x):
    """NumPy results to device arrays (scalars from reductions too), recursively."""
    if type(x) is np.ndarray:
        return ndarray(x)
    if isinstance(x, np.generic) and not isinstance(x, (np.str_, np.bytes_)):
        return ndarray(np.asarray(x))
    if type(x) in (tuple, list):
        return type(x)(_wrap(v) for v in x)
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # named tuples (linalg results)
        return type(x)(*(_wrap(v) for v in x))
    return x


class Device:
    """``cupy.cuda.Device``: the one fake device, number 0."""

    def __init__(self, device: int = 0) -> None:
        self.id = int(device)

    def synchronize(self) -> None:
        pass

    def use(self) -> None:
        if self.id != 0:
            raise RuntimeError(f"CUDA error: invalid device ordinal {self.id}")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def __eq__(self, other) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return self.id


# ---------------------------------------------------------------------------------------------
# The module: CuPy's functions are NumPy's, taking and giving device arrays
# ---------------------------------------------------------------------------------------------

def asarray(a, dtype=None, order=None, *, blocking=False):
    """Host data (NumPy arrays, lists, numbers) or device arrays to a device array."""
    if type(a) is ndarray:
        return a if dtype is None or a.dtype == dtype else ndarray(a._a.astype(dtype))
    return ndarray(np.array(a, dtype=dtype, order=order))


def array(obj, dtype=None, copy=True, order="K", ndmin=0, *, blocking=False):
    """A new device array from host or device data."""
    if type(obj) is ndarray:
        obj = obj._a
    return ndarray(np.array(obj, dtype=dtype, copy=copy, order=order, ndmin=ndmin))


def asnumpy(a, stream=None, order="C", out=None, *, blocking=True):
    """A host copy of a device array (NumPy data is returned as is)."""
    return a.get() if type(a) is ndarray else np.asarray(a, order=order)


class _HostCapsule:
    """A capsule of host memory as an object NumPy's ``from_dlpack`` takes."""

    def __init__(self, capsule) -> None:
        self.capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self.capsule

    def __dlpack_device__(self) -> tuple:
        return (KDL_CPU, 0)


def from_dlpack(array, *, device=None, copy=None):
    """``cupy.from_dlpack``: a device array over a DLPack producer's (or capsule's) CUDA
    memory; host memory is refused, as CuPy refuses it."""
    capsule = array.__dlpack__() if hasattr(array, "__dlpack__") else array
    field = device_field(capsule)
    if field is None or field[0] != KDL_CUDA:
        raise RuntimeError("CuPy currently only supports importing DLPack tensors of CUDA "
                           "memory (kDLCUDA)")
    field[0] = KDL_CPU  # (the fake's device memory is host memory: NumPy imports it)
    out = ndarray(np.from_dlpack(_HostCapsule(capsule)))
    return ndarray(out._a.copy()) if copy else out


def get_array_module(*args):
    """This module if any argument is a device array, else NumPy."""
    return _module if any(type(a) is ndarray for a in args) else np


def is_available() -> bool:
    return True


class _Namespace(types.ModuleType):
    """A NumPy namespace (numpy, numpy.linalg, ...) whose functions take and give device
    arrays; host arrays are refused like device/host mixes in ufuncs. ``missing`` names what
    CuPy's namespace lacks: asking for it is CuPy's AttributeError."""

    def __init__(self, name: str, target, own: dict | None = None,
                 missing: frozenset = frozenset()) -> None:
        super().__init__(name)
        self._target = target
        self._missing = missing
        self.__dict__.update(own or {})

    def __getattr__(self, name: str):
        if name in self._missing:
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}' "
                                 f"(CuPy has none: the fake device refuses it as a GPU would)")
        attr = getattr(self._target, name)
        if isinstance(attr, types.ModuleType):
            value = _Namespace(f"{self.__name__}.{name}", attr)
        elif isinstance(attr, np.ufunc):
            value = attr  # dispatches to ndarray.__array_ufunc__ by itself
        elif callable(attr) and not isinstance(attr, type):
            value = _device_function(attr)
        else:
            value = attr  # dtypes, constants (pi, inf, newaxis)
        self.__dict__[name] = value
        return value


def _device_function(fn):
    def run(*args, **kwargs):
        return _wrap(fn(*_unwrap(args), **_unwrap(kwargs)))
    run.__name__ = getattr(fn, "__name__", "function")
    run.__doc__ = fn.__doc__
    return run


# What CuPy 14.2 has (``dir(cupy)``, ``dir(cupy.random)``, ``dir(cupy.random.Generator)``),
# so that code which passes on the fake device runs on a GPU. NumPy's public names CuPy lacks:
_NOT_IN_CUPY = frozenset("""
    False_ ScalarType True_ asmatrix block bmat busday_count busday_offset busdaycalendar bytes_
    char character clongdouble complex256 core ctypeslib datetime64 datetime_as_string
    datetime_data dtypes einsum_path emath errstate f2py flexible float128 frompyfunc fromregex
    geomspace get_include getbufsize geterr geterrcall histogram_bin_edges info insert is_busday
    isnat little_endian longdouble ma matrix matvec memmap nanpercentile nanquantile ndenumerate
    nditer nested_iters object_ polyder polydiv polyint rec recarray record sctypeDict
    setbufsize seterr seterrcall show_runtime spacing str_ strings test timedelta64 typecodes
    unstack vecdot vecmat void""".split())
_CUPY_RANDOM = frozenset("""
    beta binomial bytes chisquare choice default_rng dirichlet exponential f gamma geometric
    gumbel hypergeometric laplace logistic lognormal logseries multinomial multivariate_normal
    negative_binomial noncentral_chisquare noncentral_f normal pareto permutation poisson power
    rand randint randn random random_integers random_sample ranf rayleigh seed shuffle
    standard_cauchy standard_exponential standard_gamma standard_normal standard_t triangular
    uniform vonmises wald weibull zipf""".split())
_CUPY_GENERATOR = frozenset("""
    beta binomial chisquare dirichlet exponential f gamma geometric hypergeometric integers
    logseries poisson power random standard_exponential standard_gamma standard_normal
    uniform""".split())


class _Generator:
    """``cupy.random.Generator``: NumPy's generator drawing device arrays, with only the
    methods CuPy's has (no ``normal``, ``permutation``, ``choice``...)."""

    def __init__(self, seed=None) -> None:
        self._g = np.random.default_rng(seed)

    def __getattr__(self, name: str):
        if name not in _CUPY_GENERATOR:
            raise AttributeError(f"'cupy.random.Generator' object has no attribute '{name}'")
        return _device_function(getattr(self._g, name))


class _Pool:
    """``cupy.get_default_memory_pool()``: counts the bytes of live device arrays it is told
    of (the fake has no allocator, so it reports zero)."""

    def used_bytes(self) -> int:
        return 0

    def total_bytes(self) -> int:
        return 0

    def free_all_blocks(self) -> None:
        pass


_pool = _Pool()
_cuda = types.SimpleNamespace(
    Device=Device,
    runtime=types.SimpleNamespace(getDeviceCount=lambda: 1,
                                  getDeviceProperties=lambda i: {"name": b"npgrad fake CUDA",
                                                                 "totalGlobalMem": 1 << 34,
                                                                 "major": 9, "minor": 0,
                                                                 "multiProcessorCount": 1},
                                  memGetInfo=lambda: (1 << 34, 1 << 34)),
    get_device_id=lambda: 0,
    is_available=is_available,
)

# What ``cupy.linalg`` has in CuPy 13 (docs.cupy.dev/en/v13.6.0/reference/linalg.html,
# cupy/linalg/__init__.py), so an op calling ``xp.linalg.eig`` (or ``np.linalg.eig`` on device
# data) fails here as on a GPU. Deliberately CuPy 13's set, stricter than the 14.2 namespace
# above: CuPy 14 adds eig and eigvals (cuSOLVER's Xgeev, of recent CUDA 12 only), cond and the
# array-API names (cross, matmul, matrix_transpose, vecdot, tensordot); npgrad uses none of
# them, so it runs on either. Decompositions CuPy lacks (LDL) go through ``backend.on_host``.
CUPY_LINALG = frozenset({
    "cholesky", "qr", "svd", "eigh", "eigvalsh", "norm", "det", "matrix_rank", "slogdet",
    "solve", "tensorsolve", "lstsq", "inv", "pinv", "tensorinv", "matrix_power",
    "LinAlgError"})


class _Linalg(_Namespace):
    """``cupy.linalg``: NumPy's linalg restricted to :data:`CUPY_LINALG`, with CuPy's
    stricter signatures where npgrad meets them (``solve``) and its silent failures."""

    def __getattr__(self, name: str):
        if name not in CUPY_LINALG:
            raise AttributeError(f"module 'cupy.linalg' has no attribute '{name}'")
        value = super().__getattr__(name)
        if callable(value) and not isinstance(value, type):
            value = self.__dict__[name] = _reports_failures(value)
        return value


# -- cuSOLVER's failures ----------------------------------------------------------------------
# A factorisation that fails (a singular matrix, one not positive-definite, no convergence)
# raises numpy.linalg.LinAlgError in NumPy. CuPy checks cuSOLVER's info only under
# ``cupyx.errstate(linalg='raise')``; by default ('ignore') it returns whatever the kernel left,
# silently. Code that relies on the error must ask for it (``backend.linalg_errors``); here a
# failure outside that context is an error of its own, so such code fails on the fake too.
_linalg_config = ["ignore"]


class SilentLinAlgFailure(AssertionError):
    """A linear-algebra failure CuPy would not have reported (its default errstate)."""


def _reports_failures(fn):
    name = fn.__name__.lstrip("_")

    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except np.linalg.LinAlgError as e:
            if _linalg_config[-1] == "raise" or "dimensions" in str(e) or "array" in str(e):
                raise  # (a shape error CuPy raises too, whatever the errstate)
            raise SilentLinAlgFailure(
                f"cupy.linalg.{name} failed ({e}); on a GPU, CuPy returns garbage "
                "here without a word: call it under cupyx.errstate(linalg='raise') "
                "(npgrad: backend.linalg_errors)") from None
    run.__name__ = name
    return run


class _Errstate:
    """``cupyx.errstate(linalg=...)``: whether cuSOLVER's failures raise LinAlgError."""

    def __init__(self, linalg=None) -> None:
        self.linalg = linalg

    def __enter__(self):
        _linalg_config.append(self.linalg or _linalg_config[-1])
        return self

    def __exit__(self, *exc) -> None:
        _linalg_config.pop()


def _solve(a, b):
    """``cupy.linalg.solve``: ``b`` is ``(..., M)`` or ``(..., M, K)`` with exactly ``a``'s
    batch dimensions (CuPy does not broadcast them, as NumPy does)."""
    if not ((a.ndim == b.ndim or a.ndim == b.ndim + 1) and a.shape[:-1] == b.shape[:a.ndim - 1]):
        raise ValueError("a must have (..., M, M) shape and b must have (..., M) or (..., M, K)")
    a, b = _unwrap(a), _unwrap(b)
    if a.ndim == b.ndim:
        return _wrap(np.linalg.solve(a, b))
    return _wrap(np.linalg.solve(a, b[..., None])[..., 0])


_random = _Namespace("npgrad._fake_device.cupy.random", np.random, {"default_rng": _Generator},
                     missing=frozenset(n for n in dir(np.random) if n not in _CUPY_RANDOM))
_linalg = _Linalg("npgrad._fake_device.cupy.linalg", np.linalg,
                  {"solve": _reports_failures(_solve)})
_module = _Namespace("npgrad._fake_device.cupy", np, {
    "random": _random, "linalg": _linalg,
    "ndarray": ndarray, "asarray": asarray, "array": array, "asnumpy": asnumpy,
    "from_dlpack": from_dlpack,
    "get_array_module": get_array_module, "is_available": is_available, "cuda": _cuda,
    "get_default_memory_pool": lambda: _pool, "__version__": "fake",
    # what ``import cupyx`` gives beside CuPy (the fake has no package of that name)
    "cupyx": types.SimpleNamespace(errstate=_Errstate),
}, missing=_NOT_IN_CUPY)


def module() -> types.ModuleType:
    """The fake CuPy module (``cupy`` in the backend's hands)."""
    return _module
