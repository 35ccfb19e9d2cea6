"""Process-wide settings, as ``torch``'s top-level setters and getters: intra-op threads (which
``_parallel.py`` and NumPy's BLAS use), interop threads, the default device, deterministic
algorithms and their debug mode, float32 matmul precision, warn-always, flush-denormal, the
default tensor type, ``compile`` (which returns its model: npgrad has no compiler), and the
build facts ``has_lapack``...

Settings that a NumPy backend cannot honour (a device other than 'cpu', matmul precision)
are recorded and returned, as PyTorch returns them, and never change results.
"""
from __future__ import annotations

import builtins
import warnings

from . import dtypes as _dt
from .backend import device

__all__ = ["get_num_threads", "set_num_threads", "get_num_interop_threads",
           "set_num_interop_threads", "get_default_device", "set_default_device",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "compile", "set_warn_always", "is_warn_always_enabled",
           "set_default_tensor_type", "get_deterministic_debug_mode",
           "set_deterministic_debug_mode", "set_flush_denormal", "has_lapack", "has_mkl",
           "has_openmp", "has_spectral"]

has_lapack, has_mkl, has_openmp, has_spectral = True, False, False, False


# ---------------------------------------------------------------------------------------------
# Global settings
# ---------------------------------------------------------------------------------------------


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
# No-op or legacy forms that let PyTorch programs run unchanged
# ---------------------------------------------------------------------------------------------

def compile(model=None, **kwargs):  # noqa: A001 (PyTorch's name)
    """``torch.compile``: npgrad has no compiler, so the model (or function) comes back as
    it is; ``@npgrad.compile`` and ``@npgrad.compile(mode=...)`` work as decorators."""
    if model is None:
        return lambda m: m
    return model


_WARN_ALWAYS = [False]


def set_warn_always(b: builtins.bool) -> None:
    """Recorded (npgrad's warnings follow Python's own filters)."""
    _WARN_ALWAYS[0] = builtins.bool(b)


def is_warn_always_enabled() -> builtins.bool:
    return _WARN_ALWAYS[0]


_WARNED_DEFAULT_TENSOR_TYPE: list = []


def set_default_tensor_type(t) -> None:
    """Deprecated in PyTorch: 'torch.FloatTensor' / 'torch.DoubleTensor' (or the
    npgrad.FloatTensor... classes, or the npgrad.float32 / float64 dtypes) set the default
    float dtype (with PyTorch's deprecation warning, once a process as PyTorch gives it)."""
    if not _WARNED_DEFAULT_TENSOR_TYPE:
        _WARNED_DEFAULT_TENSOR_TYPE.append(True)
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
                      "use torch.set_default_dtype() and torch.set_default_device() as "
                      "alternatives.", UserWarning, stacklevel=2)
    name = t if isinstance(t, str) else getattr(t, "__name__", None)
    d = _dt.from_tensor_type_name(name) if isinstance(name, str) else None
    _dt.set_default_dtype(d if d is not None else _dt.to_dtype(t))


# ---------------------------------------------------------------------------------------------
# More settings and deprecated forms
# ---------------------------------------------------------------------------------------------


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
