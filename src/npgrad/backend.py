"""The array backend: the one place that knows which array module holds a tensor's data.

A tensor's device is the type of its data: a NumPy array is on the CPU, a CuPy array on a
CUDA device. Ops never branch on the device. NumPy's functions and ufuncs run on CuPy arrays
by themselves (``np.exp(x)``, ``np.sum(x)`` dispatch through ``__array_ufunc__`` and
``__array_function__``); where an op *makes* an array, it asks :func:`array_module` for ``xp``
(``numpy`` or ``cupy``) and calls ``xp.zeros`` and friends. This is the only file that
imports cupy (or the fake device that stands for it in tests: ``_fake_device``).
"""
from __future__ import annotations

import contextlib
import os
import sys

import numpy as np


class device:
    """Where a tensor's data lives, as in ``torch.device``: ``npgrad.device('cpu')``.

    >>> npgrad.device('cpu') == 'cpu'
    True
    """

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, idx = type.split(":", 1)
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device "
                               f"string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


# ---------------------------------------------------------------------------------------------
# The CUDA array module
#
# CuPy when it is installed and sees a GPU; the fake device (``_fake_device``, NumPy behind
# CuPy's wall) when NPGRAD_FAKE_CUDA=1 or a test installs it; otherwise none, and npgrad is a
# CPU-only build. Found on first use, so ``import npgrad`` never imports CuPy.
# ---------------------------------------------------------------------------------------------

_UNSET = object()
_cuda = _UNSET            # the CUDA array module, None when there is none
devices_used = False      # whether any array was ever put on a CUDA device (ops then check
                          # their tensors' devices: see autograd.function.same_device)
_cuda_devices: dict = {}  # index -> device('cuda', index), so tensor.device is cheap


def _find_cuda_module():
    if os.environ.get("NPGRAD_FAKE_CUDA") == "1":
        from . import _fake_device  # only on request: the test-only stand-in for CuPy
        return _fake_device.module()
    if os.environ.get("NPGRAD_NO_CUDA") == "1":
        return None
    try:
        import cupy  # the optional GPU backend (the ``gpu`` extra); imported on first use
        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # not installed, no driver, no device: a CPU-only build
        pass
    return None


def cuda_module():
    """The array module of CUDA tensors (``cupy``), or None in a CPU-only build."""
    global _cuda
    if _cuda is _UNSET:
        _cuda = _find_cuda_module()
    return _cuda


def use_cuda_module(module) -> None:
    """Make ``module`` (CuPy, the fake device's module, or None) hold CUDA tensors from now on:
    how tests switch the fake device on and off in one process."""
    global _cuda
    _cuda = module
    _cuda_devices.clear()


def cuda_device(index: int) -> device:
    d = _cuda_devices.get(index)
    if d is None:
        d = _cuda_devices[index] = device("cuda", index)
    return d


def current_cuda_index() -> int:
    return cuda_module().cuda.Device().id


def as_device(d) -> device:
    """Normalise a ``device=`` argument (None, a string, an int or a device) and check it
    exists. ``'cuda'`` means the current CUDA device, as in PyTorch."""
    if d is None or d is CPU:
        return CPU
    if isinstance(d, int) and not isinstance(d, bool):
        d = device("cuda", d)
    d = device(d)
    if d.type == "cpu":
        return CPU
    xp = cuda_module()
    if xp is None:
        # a CPU-only PyTorch build answers any use of a CUDA device so (torch.zeros(2,
        # device='cuda'), x.cuda(), model.to('cuda')); programs and tests catch exactly this
        raise AssertionError("Torch not compiled with CUDA enabled")
    index = current_cuda_index() if d.index is None else d.index
    count = cuda_device_count()
    if not 0 <= index < count:
        raise RuntimeError(f"CUDA error: invalid device ordinal (device {index} of {count})")
    return cuda_device(index)


def device_of(data) -> device:
    """The device an array lives on: the CPU for NumPy data, else its CUDA device."""
    if type(data) is np.ndarray or isinstance(data, (np.generic, int, float, bool)):
        return CPU
    return cuda_device(data.device.id)


def is_device_array(data) -> bool:
    """Whether ``data`` is a CUDA array (CuPy's, or the fake device's)."""
    xp = _cuda if _cuda is not _UNSET else None
    return xp is not None and type(data) is xp.ndarray


def is_array(x) -> bool:
    """Whether ``x`` is an array of either kind: NumPy's (host) or the CUDA module's."""
    return type(x) is np.ndarray or is_device_array(x)


def as_array(x, dtype=None):
    """``np.asarray`` that keeps device arrays on their device: an op's raw result as an
    array (NumPy scalars, what NumPy gives for 0-d arithmetic, become 0-d arrays)."""
    if is_device_array(x):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    return np.asarray(x, dtype)


def array_module(*arrays):
    """The array module for arrays, in the style of ``cupy.get_array_module``: the CUDA
    module if any of them is a device array, else NumPy."""
    for a in arrays:
        if type(a) is not np.ndarray and is_device_array(a):
            return _cuda
    return np


def to_device(data, dev: device):
    """``data`` (a NumPy or device array) on device ``dev``: the array itself when it is
    there already, else a copy across (host to device, device to host, device to device)."""
    if dev.type == "cpu":
        return cuda_module().asnumpy(data) if is_device_array(data) else np.asarray(data)
    global devices_used
    devices_used = True
    xp = cuda_module()
    if type(data) is xp.ndarray and data.device.id == dev.index:
        return data
    with xp.cuda.Device(dev.index):
        return xp.asarray(data) if type(data) is np.ndarray else xp.array(data, copy=True)


def on_device_of(data, ref):
    """Host data (a constant array an op built with NumPy: a mask, a matrix, indices) on the
    device of array ``ref``: ``data`` itself when ``ref`` is on the CPU."""
    if type(ref) is np.ndarray or not is_device_array(ref):
        return data
    return to_device(data, device_of(ref))


def ascontiguous(x, dtype=None):
    """``np.ascontiguousarray`` on either device (NumPy's does not dispatch)."""
    if type(x) is np.ndarray or not is_device_array(x):
        return np.ascontiguousarray(x, dtype)
    return array_module(x).ascontiguousarray(x, dtype)


def as_strided(x, shape, strides):
    """A view of ``x`` with the given shape and byte strides, on either device (NumPy's
    ``as_strided`` would make a host array of device memory)."""
    if type(x) is np.ndarray:
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=True)
    return array_module(x).lib.stride_tricks.as_strided(x, shape, strides)


def accumulate(ufunc, a, axis: int):
    """``ufunc.accumulate(a, axis=axis)`` on either device, for an associative, commutative
    ufunc (``np.maximum``, ``np.minimum``, ``np.logaddexp``): CuPy's ufuncs accumulate only add
    and multiply, so device arrays take a doubling scan (log2(n) steps of
    ``r[k] = ufunc(r[k], r[k - 2**j])``). For maximum and minimum its result is exactly the
    sequential one (NaN propagates either way); for logaddexp, equal to rounding."""
    if not is_device_array(a):
        return ufunc.accumulate(a, axis=axis)
    out = a.copy()
    n = a.shape[axis]
    head = (slice(None),) * (axis % max(a.ndim, 1))
    shift = 1
    while shift < n:
        # (the right side is a new array, so each step reads the previous step's values)
        out[head + (slice(shift, None),)] = ufunc(out[head + (slice(shift, None),)],
                                                  out[head + (slice(None, n - shift),)])
        shift *= 2
    return out


def scatter_at(ufunc, out, index, values) -> None:
    """``ufunc.at(out, index, values)`` (1-D ``out``, ``index`` and ``values``) on either
    device. CuPy scatters atomically only for add, subtract, maximum, minimum and the bitwise
    ufuncs; for the others (``np.multiply``), device arrays apply the ufunc in rounds, the
    k-th occurrence of every index in round k, so no round writes one element twice."""
    if not is_device_array(out) or ufunc in _ATOMIC_SCATTER:
        ufunc.at(out, index, values)
        return
    xp = array_module(out)
    order = index.argsort(kind="stable")
    sorted_index = index[order]
    rank = xp.arange(index.size) - xp.searchsorted(sorted_index, sorted_index, side="left")
    for k in range(int(rank.max()) + 1 if index.size else 0):  # (one read: the round count)
        chosen = order[rank == k]
        at = index[chosen]
        out[at] = ufunc(out[at], values[chosen])


_ATOMIC_SCATTER = (np.add, np.subtract, np.maximum, np.minimum, np.bitwise_and, np.bitwise_or,
                   np.bitwise_xor)


def lexsort(keys: tuple):
    """``np.lexsort`` of a tuple of 1-D keys (the last the primary one) on either device:
    CuPy's takes a single 2-D array (one dtype for all keys), so device keys are sorted by
    stable argsorts, least significant key first, which give the same order."""
    if not any(is_device_array(k) for k in keys):
        return np.lexsort(keys)
    order = keys[0].argsort(kind="stable")
    for key in keys[1:]:
        order = order[key[order].argsort(kind="stable")]
    return order


def host_check(flag) -> bool:
    """A validation check's outcome (a truth value computed from an op's data: an index out
    of range, a target outside its classes) read on the host, to raise PyTorch's error before
    the op runs. On a GPU this read waits for the device (PyTorch's CUDA kernels assert on
    the device instead); it is the one read of device data an op may make, and the fake
    device's tests tell it from data round-trips by this function."""
    return bool(flag)


def to_host(data):
    """A NumPy array of ``data`` (copied from the device when it is a device array)."""
    return to_device(data, CPU) if is_device_array(data) else np.asarray(data)


def linalg_errors(*arrays):
    """A context in which a failed factorisation of these arrays raises
    ``numpy.linalg.LinAlgError``, as NumPy's LAPACK calls always do. CuPy checks cuSOLVER's
    status only under ``cupyx.errstate(linalg='raise')`` (a synchronising read of it); by
    default it returns what the kernel left, silently. Nothing to do on the host."""
    if not any(is_device_array(a) for a in arrays):
        return contextlib.nullcontext()
    cupyx = getattr(cuda_module(), "cupyx", None)  # the fake device's stand-in
    if cupyx is None:
        import cupyx  # CuPy's companion package, only for device arrays (like cupy itself)
    return cupyx.errstate(linalg="raise")


def on_host(fn, *arrays):
    """``fn(*arrays)`` computed on the host: device arrays are copied to the host, ``fn`` runs
    on NumPy arrays, and its results (an array or NumPy scalar, or a tuple/list of them; other
    values, such as Python numbers, pass as they are) are copied back to the device of the
    first device input (a NumPy scalar as a 0-d array, as CuPy gives). On host inputs it is
    just ``fn(*arrays)``, so the CPU path pays nothing.

    An explicit, documented round trip for the few decompositions CuPy has no kernel for,
    whose algorithms pick pivots element by element (a device version would synchronise on
    every step anyway). Never used by an op on a training step's path. Its users:

    * ``ops/linalg/ldl.py``: ``sytrf`` (Bunch-Kaufman LDL^T: ``linalg.ldl_factor(_ex)``),
      which chooses each pivot by comparing single elements and factors one matrix at a time,
      and ``sytrs`` (``linalg.ldl_solve``), which follows those pivots row by row.

    (LU, ``getrf`` in ``ops/linalg/lu.py``, runs on the device: its pivots are found by
    array operations over the batch, one Python step per column, with no copy to the host.)
    """
    ref = next((a for a in arrays if is_device_array(a)), None)
    if ref is None:
        return fn(*arrays)
    result = fn(*(to_host(a) if is_device_array(a) else a for a in arrays))
    dev = device_of(ref)

    def back(r):
        if type(r) is np.ndarray or isinstance(r, np.generic):
            return to_device(np.asarray(r), dev)
        if type(r) in (tuple, list):
            return type(r)(back(v) for v in r)
        return r
    return back(result)


# ---------------------------------------------------------------------------------------------
# Accelerator queries
#
# npgrad.cuda, npgrad.backends and the amp classes ask these and nothing else. Without a CUDA
# array module they answer as a CPU-only PyTorch build: no device, no allocator.
# ---------------------------------------------------------------------------------------------

def cuda_is_built() -> bool:
    """Whether npgrad has a CUDA array module at all (PyTorch: compiled with CUDA)."""
    return cuda_module() is not None


def cuda_device_count() -> int:
    """How many CUDA devices the array backend sees (0 without a CUDA array module)."""
    xp = cuda_module()
    return 0 if xp is None else int(xp.cuda.runtime.getDeviceCount())


def cuda_is_available() -> bool:
    """Whether CUDA can be used now: built, with at least one device."""
    return cuda_is_built() and cuda_device_count() > 0


def cuda_memory_stats(index: int | None = None) -> dict:
    """The CUDA allocator's statistics for one device as a nested dict, in the shape of
    ``torch.cuda.memory_stats_as_nested_dict``: empty while no allocator exists."""
    xp = cuda_module()
    if xp is None:
        return {}
    pool = xp.get_default_memory_pool()
    used, reserved = int(pool.used_bytes()), int(pool.total_bytes())
    _peaks["allocated"] = max(_peaks["allocated"], used)
    _peaks["reserved"] = max(_peaks["reserved"], reserved)
    return {"allocated_bytes": {"all": {"current": used, "peak": _peaks["allocated"]}},
            "reserved_bytes": {"all": {"current": reserved, "peak": _peaks["reserved"]}}}


_peaks = {"allocated": 0, "reserved": 0}


def cuda_reset_peak_memory() -> None:
    """Forget the peaks ``cuda_memory_stats`` reports (``reset_peak_memory_stats``)."""
    _peaks["allocated"] = _peaks["reserved"] = 0


def cuda_empty_cache() -> None:
    """Give the CUDA memory pool's free blocks back to the driver (``empty_cache``)."""
    xp = cuda_module()
    if xp is not None:
        xp.get_default_memory_pool().free_all_blocks()


# ---------------------------------------------------------------------------------------------
# Memory reuse
#
# A training step allocates and frees the same large arrays every time. glibc's malloc serves
# arrays above a (dynamic) threshold with fresh mmap()s and hands freed heap tops back to the
# kernel, so each step re-faults its pages: ~10,000 page faults and ~15% of a GPT step spent
# in the kernel zeroing memory. Keeping freed memory in the process (up to 256 MB) and serving
# arrays up to 32 MB from the heap makes the step reuse it, as PyTorch's caching allocator
# does. Set NPGRAD_MALLOC_TUNE=0 to keep glibc's defaults (or set glibc's own
# MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_, which are then left alone).
# ---------------------------------------------------------------------------------------------

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _keep_freed_memory() -> bool:
    """Tune glibc's malloc as above; False where it does not apply (not glibc, opted out)."""
    if (not sys.platform.startswith("linux") or os.environ.get("NPGRAD_MALLOC_TUNE") == "0"
            or "MALLOC_MMAP_THRESHOLD_" in os.environ
            or "MALLOC_TRIM_THRESHOLD_" in os.environ):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20) and mallopt(_M_TRIM_THRESHOLD, 256 << 20))


_keep_freed_memory()
