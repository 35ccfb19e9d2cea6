"""Tensor creation: from data (``tensor``, ``as_tensor``, ``from_numpy``), filled
(``zeros``, ``ones``, ``full``, ``empty``, ``eye``), ranges (``arange``, ``linspace``), the
``*_like`` forms, and random sampling.

dtype inference is PyTorch's: Python floats give the default dtype (float32), Python ints
int64, bools bool; NumPy arrays keep their dtype.

Also ``frombuffer``, ``empty_strided`` and the deprecated inclusive ``range``.
"""
from __future__ import annotations

import builtins
import math
import numbers
import warnings

import numpy as np

from ...backend import (array_module, as_array, as_device, as_strided, CPU, cuda_module,
                       to_device)
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...random import rng
from .._arguments import (as_tensor_arg, int_arg, number_arg, size_args as _size_args, Tensor,
                          type_name)
from ...tensor import _to_array_like

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "eye",
           "arange", "linspace", "logspace", "zeros_like", "ones_like", "full_like", "empty_like",
           "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
           "multinomial", "normal", "bernoulli", "scalar_tensor", "frombuffer", "empty_strided",
           "range", "empty_permuted"]


def _finish(data: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    """A new leaf of ``data`` on ``device`` (copied there when made elsewhere)."""
    device = as_device(device)
    if device is not CPU or type(data) is not np.ndarray:
        data = to_device(data, device)
    t = Tensor._make(data)
    if requires_grad:
        t.requires_grad = True  # raises for integer dtypes, as PyTorch
    return t


def _module(device):
    """The array module that makes arrays on ``device`` (NumPy, or CuPy for 'cuda')."""
    return np if as_device(device) is CPU else cuda_module()


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _short_repr(data) -> str:
    text = repr(data)
    return text if len(text) <= 40 else text[:37] + "..."


def _infer(data):
    """``data`` as an array with PyTorch's dtype inference for Python data.

    Every leaf has a dtype (Python floats the default dtype, ints int64, bools bool; NumPy
    scalars, arrays and Tensors their own) and the result is their ``promote_types``.
    """
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (np.ndarray, np.generic)):
        return as_array(data)
    leaf = _leaf_dtype(data)
    try:
        arr = as_array(_to_array_like(data))
    except (ValueError, OverflowError):
        arr = None
    if arr is None or arr.dtype == object:
        _check_numbers(data)
    if arr is None:
        raise ValueError("tensor(): nested sequences must be rectangular and hold numbers "
                         "within int64's range")
    if arr.dtype == object or (arr.dtype.kind == "u" and leaf is None):
        raise ValueError("tensor(): could not convert the data (ragged, not numbers, or an "
                         "integer out of int64's range: Overflow when unpacking long long)")
    if isinstance(_first_leaf(data), str) and not isinstance(data, str):
        # PyTorch reads a str that comes first in a sequence as one more dimension of data
        raise ValueError(f"tensor(): too many dimensions 'str' (data {_short_repr(data)})")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"tensor(): unsupported data of dtype {arr.dtype}")
    if leaf is None:  # Python numbers only
        kind = arr.dtype.kind
        leaf = _dt.get_default_dtype().np if kind == "f" else np.dtype(np.int64) \
            if kind in "iu" else arr.dtype
    return arr if arr.dtype == leaf else arr.astype(leaf)


_PY_NUMBERS = {float, int, bool}


def _check_numbers(data) -> None:
    """A leaf of nested lists and tuples that is not a number, array or Tensor (None, a dict,
    any object) is PyTorch's RuntimeError: it can't infer the leaf's dtype."""
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif not isinstance(x, (numbers.Number, np.ndarray, np.generic, Tensor, str)):
            raise RuntimeError(f"tensor(): Could not infer dtype of {type(x).__name__}")


def _leaf_dtype(data):
    """The promoted dtype of the NumPy values and Tensors nested in ``data`` together with
    its Python numbers, or None when it holds Python numbers only (the common, fast case)."""
    if not isinstance(data, (list, tuple)):
        return None
    found, py_types, stack = [], set(), [data]
    while stack:
        row = stack.pop()
        types = set(map(type, row))
        if types <= _PY_NUMBERS:
            py_types |= types
            continue
        for x in row:
            if isinstance(x, (list, tuple)):
                stack.append(x)
            elif isinstance(x, Tensor):
                found.append(x._data.dtype)
            elif isinstance(x, (np.ndarray, np.generic)):
                found.append(as_array(x).dtype)
            else:
                py_types.add(type(x))
    if not found:
        return None
    for t in py_types:
        found.append(_dt.get_default_dtype().np if t is float else
                     np.dtype(np.bool_) if t is bool else np.dtype(np.int64))
    out = found[0]
    for d in found[1:]:
        out = _dt.promote_types(out, d)
    return out


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """Make a tensor from data (always a copy).

    >>> npgrad.tensor([1., 2.], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """
    if isinstance(data, Tensor) and device is None:
        device = data.device  # (PyTorch: a tensor's copy stays on its device)
    arr = _infer(data)
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray, np.generic)):
        # Python numbers go straight to the asked dtype (not through float32 first)
        arr = np.array(_to_array_like(data), _dt.dtype_arg(dtype, "tensor").np)
    else:
        arr = array_module(arr).array(arr, _dt.dtype_arg(dtype, "tensor").np
                                      if dtype is not None else None)
    _dt.from_numpy_dtype(arr.dtype)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like :func:`tensor`, but shares memory with a Tensor or array when the dtype allows."""
    if dtype is not None:
        dtype = _dt.dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or dtype == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        _dt.from_numpy_dtype(data.dtype)
        return _finish(data if dtype is None else data.astype(dtype.np, copy=False), False,
                       device)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A 0-d tensor of the default float dtype (or ``dtype``)."""
    number_arg(s, "scalar_tensor", "s", 1)
    return _finish(np.array(s, _dtype(dtype, "scalar_tensor")), requires_grad, device)


def size_args(size, op: str) -> tuple:
    """A creation function's size: ``(2, 3)``, ``((2, 3),)`` or ``([2, 3],)``, non-negative."""
    out = _size_args(size, op)
    if any(d < 0 for d in out):
        raise RuntimeError(f"{op}: Trying to create tensor with negative dimension {out}")
    return out


def _dtype(dtype, op: str, default=None) -> np.dtype:
    """The NumPy dtype of ``op``'s ``dtype=`` argument (``default`` when None, else the
    default float dtype)."""
    if dtype is not None:
        return _dt.dtype_arg(dtype, op).np
    return default if default is not None else _dt.get_default_dtype().np


# ---------------------------------------------------------------------------------------------
# Filled tensors
# ---------------------------------------------------------------------------------------------

def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _finish(_module(device).zeros(size_args(size, "zeros"), _dtype(dtype, "zeros")),
                   requires_grad, device)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _finish(_module(device).ones(size_args(size, "ones"), _dtype(dtype, "ones")),
                   requires_grad, device)


def empty(*size, dtype=None, device=None, requires_grad: bool = False,
          memory_format=None) -> Tensor:
    """An uninitialised tensor."""
    return _finish(_module(device).empty(size_args(size, "empty"), _dtype(dtype, "empty")),
                   requires_grad, device)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of ``size`` whose memory is laid out in the order
    ``physical_layout`` (outermost dim first): ``empty_permuted((N, C, H, W), (0, 2, 3, 1))``
    is channels-last."""
    for name, position, v in (("size", 1, size), ("physical_layout", 2, physical_layout)):
        if not isinstance(v, (tuple, list)):
            raise TypeError(f"empty_permuted(): argument '{name}' (position {position}) must be "
                            f"tuple of ints, not {type(v).__name__}")
    size = _size_args(tuple(size), "empty_permuted")
    order = tuple(int_arg(d, "empty_permuted", "physical_layout", 2) for d in physical_layout)
    if len(order) != len(size):
        raise RuntimeError(f"empty_permuted: Number of dimensions in size does not match the "
                           f"length of the physical_layout; i.e. len(size) = {len(size)} is not "
                           f"equal to len(physical_layout) = {len(order)}")
    for i, d in enumerate(order):
        if not 0 <= d < len(size):
            raise RuntimeError(f"empty_permuted: Dimension out of range (expected to be between "
                               f"0 and {len(size) - 1}, but got {d} at index {i}).  NB: "
                               f"negative dims not currently supported; file an issue if you "
                               f"want it.")
    if len(set(order)) != len(order):
        raise RuntimeError("empty_permuted: Duplicate dim not allowed")
    physical = np.empty([size[d] for d in order], _dtype(dtype, "empty_permuted"))
    return _finish(physical.transpose(np.argsort(order)), requires_grad, device)


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value (int64, bool, float)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    number_arg(fill_value, "full", "fill_value", 2)
    if dtype is None:
        if isinstance(fill_value, (builtins.bool, np.bool_)):
            dtype = _dt.bool
        elif isinstance(fill_value, (builtins.int, np.integer)):
            dtype = _dt.int64
    size = size_args((size,) if isinstance(size, (builtins.int, np.integer)) else tuple(size),
                     "full")
    np_dtype = _dtype(dtype, "full")
    fill_value = _dt.checked_scalar(fill_value, np_dtype)  # (PyTorch's overflow check)
    return _finish(_module(device).full(size, fill_value, np_dtype), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """An ``n`` x ``m`` identity matrix."""
    for name, k in (("n", n), ("m", m)):
        if k is not None and k < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {k} (eye)")
    return _finish(_module(device).eye(n, m, dtype=_dtype(dtype, "eye")), requires_grad, device)


def _like(input: Tensor, dtype, op: str):
    return _dtype(dtype, op, as_tensor_arg(input, op)._data.dtype)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    """Zeros with ``input``'s shape and dtype."""
    dt = _like(input, dtype, "zeros_like")  # (checks input first)
    return _finish(np.zeros_like(input._data, dt), requires_grad, device or input.device)


def ones_like(input, *, dtype=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    """Ones with ``input``'s shape and dtype."""
    dt = _like(input, dtype, "ones_like")  # (checks input first)
    return _finish(np.ones_like(input._data, dt), requires_grad, device or input.device)


def empty_like(input, *, dtype=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    """An uninitialised tensor with ``input``'s shape and dtype."""
    dt = _like(input, dtype, "empty_like")  # (checks input first)
    return _finish(np.empty_like(input._data, dt), requires_grad, device or input.device)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    """``fill_value`` with ``input``'s shape and dtype."""
    dt = _like(input, dtype, "full_like")  # (checks input first)
    number_arg(fill_value, "full_like", "fill_value", 2)
    fill_value = _dt.checked_scalar(fill_value, dt)  # (PyTorch's overflow check)
    return _finish(np.full_like(input._data, fill_value, dt), requires_grad,
                   device or input.device)


# ---------------------------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------------------------

def arange(start=0, end=None, step=1, *, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` by ``step``; int64 when all the
    arguments are integers, else the default float dtype.

    The length is PyTorch's ``ceil((end - start) / step)`` in double precision, so
    ``arange(0, 1, 0.1)`` has 10 elements as in PyTorch.
    """
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if dtype is None:
        integral = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
        dtype = _dt.int64 if integral else _dt.get_default_dtype()
    dt = _dtype(dtype, "arange")
    # PyTorch's checks, in its order, before the int64 truncation below can overflow
    if not (step > 0 or step < 0):  # (a nan step too)
        raise RuntimeError(f"arange: step must be nonzero (step={step})")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if dt == np.int64:  # PyTorch truncates the bounds and step to int64 first
        start, end, step = builtins.int(start), builtins.int(end), builtins.int(step)
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    n = math.ceil((end - start) / step)
    if n > np.iinfo(np.int64).max:
        raise RuntimeError(f"arange: invalid size, possible overflow? (start={start}, "
                           f"end={end}, step={step})")
    if dt.kind in "iub":  # other integer dtypes: float length, truncated start and step
        data = builtins.int(start) + np.arange(n, dtype=np.int64) * builtins.int(step)
    else:
        data = start + np.arange(n, dtype=np.float64) * step
    return _finish(data.astype(dt), requires_grad, device)


def linspace(start, end, steps: int, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end`` inclusive.

    As PyTorch, the first half counts up from ``start`` and the second half down from
    ``end`` (so both ends are exact), in the output's float dtype; integer dtypes compute in
    double precision and truncate.
    """
    start, end = (v.item() if isinstance(v, Tensor) else number_arg(v, "linspace", name, i)
                  for i, (v, name) in enumerate(((start, "start"), (end, "end")), 1))
    steps = int_arg(steps, "linspace", "steps", 3)
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    dt = _dtype(dtype, "linspace")
    work = dt if is_float_np(dt) else np.dtype(np.float64)
    s, e = work.type(start), work.type(end)
    if steps <= 1:
        data = np.full(steps, s, work)
    else:
        step = (e - s) / work.type(steps - 1)
        i = np.arange(steps)
        half = steps // 2
        # PyTorch's kernel is compiled with fused multiply-adds (one rounding for start +
        # step * i): a wider type stands in for them (exact products, then one rounding; long
        # double is 80-bit on x86, so float64 comes out bit-equal to PyTorch but in rare
        # double-rounding cases)
        wide = np.longdouble if work == np.float64 else np.float64
        up = wide(s) + wide(step) * i[:half].astype(wide)
        down = wide(e) - wide(step) * (steps - 1 - i[half:]).astype(wide)
        data = np.concatenate([up, down]).astype(work)
    if dt.kind in "iu":
        data = np.trunc(data).astype(np.int64)
    return _finish(data.astype(dt), requires_grad, device)


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    start, end = (v.item() if isinstance(v, Tensor) else number_arg(v, "logspace", name, i)
                  for i, (v, name) in enumerate(((start, "start"), (end, "end")), 1))
    steps = int_arg(steps, "logspace", "steps", 3)
    base = number_arg(base, "logspace", "base", 4)
    data = np.power(base, np.linspace(start, end, steps, dtype=np.float64))
    return _finish(data.astype(_dtype(dtype, "logspace")), requires_grad, device)


# ---------------------------------------------------------------------------------------------
# Random sampling (from the generator in npgrad.random)
# ---------------------------------------------------------------------------------------------

# the PyTorch kernel that refuses an integer or bool dtype, and whether it runs on no samples
_FLOAT_KERNELS = {"rand": ("check_uniform_bounds", True), "randn": ("normal_kernel_cpu", False)}


def _float_sample(draw, size, dtype, op: str) -> np.ndarray:
    dt = _dtype(dtype, op)
    if not is_float_np(dt):
        kernel, always = _FLOAT_KERNELS[op]
        if always or math.prod(size):
            raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                      f"'{_dt.scalar_type_name(dt)}' ({op}: dtype {dt})")
        return np.empty(size, dt)  # (no samples: moved to the device by _finish)
    if dt in (np.float32, np.float64):
        return draw(size, dt)
    return draw(size, np.float32).astype(dt)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Uniform samples from [0, 1)."""
    g = rng(generator, as_device(device))
    data = _float_sample(lambda s, d: g.random(s, dtype=d), size_args(size, "rand"), dtype,
                         "rand")
    return _finish(data, requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Standard normal samples."""
    g = rng(generator, as_device(device))
    data = _float_sample(lambda s, d: g.standard_normal(s, dtype=d), size_args(size, "randn"),
                         dtype, "randn")
    return _finish(data, requires_grad, device)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False) -> Tensor:
    """Integers uniform in [low, high): ``randint(10, (3,))`` or ``randint(2, 10, (3,))``."""
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint(): missing the 'size' argument")
    low, high = int_arg(low, "randint", "low"), int_arg(high, "randint", "high")
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high} (randint)")
    dt = _dtype(dtype, "randint", np.dtype(np.int64))
    _check_random_range(low, high, dt)
    data = rng(generator, as_device(device)).integers(low, high, size=tuple(size),
                                                      dtype=np.int64)
    return _finish(data.astype(dt), requires_grad, device)


# the C++ names PyTorch's random_ range check prints for each dtype
_C_TYPE_NAMES = {"bool": "bool", "int8": "signed char", "int16": "short int", "int32": "int",
                 "int64": "long int", "uint8": "unsigned char", "uint16": "short unsigned int",
                 "uint32": "unsigned int", "uint64": "long unsigned int", "float16": "c10::Half",
                 "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


def _check_random_range(low: int, high: int, dt: np.dtype) -> None:
    """[low, high) must fit ``dt``, as PyTorch's random_ checks (randint(0, 5, dtype=bool) is
    its RuntimeError, not a silent cast)."""
    if dt == np.bool_:
        lo, hi = 0, 1
    elif dt.kind in "iu":
        lo, hi = int(np.iinfo(dt).min), int(np.iinfo(dt).max)
    else:
        hi = float(np.finfo(dt).max)
        lo = -hi
    name = _C_TYPE_NAMES.get(dt.name, dt.name)
    if low < lo:
        raise RuntimeError(f"from is out of bounds for {name}")
    if high - 1 > hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def randperm(n: int, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A random permutation of ``0..n-1``."""
    n = int_arg(n, "randperm", "n", 1)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    data = rng(generator, as_device(device)).permutation(n).astype(_dtype(dtype, "randperm",
                                                       np.dtype(np.int64)))
    return _finish(data, requires_grad, device)


def rand_like(input, *, dtype=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    """``rand`` with ``input``'s shape and dtype."""
    input = as_tensor_arg(input, "rand_like")
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad,
                device=device or input.device)


def randn_like(input, *, dtype=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    """``randn`` with ``input``'s shape and dtype."""
    input = as_tensor_arg(input, "randn_like")
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad,
                device=device or input.device)


def randint_like(input, low=0, high=None, *, dtype=None, device=None,
                 requires_grad=False, memory_format=None) -> Tensor:
    """``randint`` with ``input``'s shape and dtype."""
    input = as_tensor_arg(input, "randint_like")
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype,
                   device=device or input.device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None,
           device=None, requires_grad=False) -> Tensor:
    """Normal samples with the given mean and std (numbers or tensors, broadcast)."""
    _normal_signature(mean, std, size)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    # 'not >= 0', so a NaN std is refused too, as PyTorch (format 'g' prints as C++ does)
    if isinstance(std, Tensor):
        if not np.all(s >= 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {format(std, 'g')}")
    shape = tuple(size) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    dt = next((x.dtype for x in (mean, std) if isinstance(x, Tensor)), None)
    if device is None:  # drawn on the device of the tensor arguments, as PyTorch
        device = next((x.device for x in (mean, std) if isinstance(x, Tensor)), None)
    data = randn(*shape, generator=generator, dtype=dtype or dt, device=device)._data * s + m
    return _finish(as_array(data, _dtype(dtype or dt, "normal")), requires_grad, device)


def _normal_signature(mean, std, size) -> None:
    """PyTorch's forms of ``normal``: tensors and numbers for ``mean`` and ``std`` (at least one
    tensor), or two numbers and a ``size``; anything else is a TypeError."""
    args = (mean, std) if size is None else (mean, std, size)
    numbers_ok = [isinstance(x, (Tensor, numbers.Real)) and not isinstance(x, bool)
                  for x in (mean, std)]
    tensors = [isinstance(x, Tensor) for x in (mean, std)]
    if all(numbers_ok) and (any(tensors) if size is None else not any(tensors)):
        return
    got = ", ".join("Tensor" if isinstance(x, Tensor) else type_name(x) for x in args)
    raise TypeError(f"normal() received an invalid combination of arguments - got ({got}), but "
                    f"expected one of: (Tensor mean, Tensor std), (Tensor mean, float std), "
                    f"(float mean, Tensor std), (float mean, float std, tuple of ints size)")


def check_bernoulli_p(p) -> None:
    """PyTorch's checks of Bernoulli probabilities: a number, or a floating tensor of them, in
    [0, 1]; 'not' the in-range test, so NaN is refused too (it drew 0 or 1 silently)."""
    if isinstance(p, Tensor):
        if not is_float_np(p._data.dtype):
            raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for "
                                      f"'{_dt.scalar_type_name(p._data.dtype)}'")
        if not np.all((p._data >= 0) & (p._data <= 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report "
                               "an enhancement request to PyTorch.)")
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={format(p, 'g')}")


def bernoulli(input, p=None, *, generator=None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0, in ``input``'s dtype."""
    input = as_tensor_arg(input, "bernoulli")
    if p is None and input._data.size == 0:
        # PyTorch runs no kernel on an empty input, so checks no dtype either
        return Tensor._make(input._data.copy())
    check_bernoulli_p(input if p is None else p)
    prob = input._data if p is None else p
    draw = rng(generator, input._data).random(input._data.shape)
    return Tensor._make((draw < prob).astype(input._data.dtype))


def multinomial(input, num_samples: int, replacement: bool = False, *,
                generator=None) -> Tensor:
    """Sample category indices from rows of non-negative weights (1-D or 2-D ``input``)."""
    input = as_tensor_arg(input, "multinomial")
    # PyTorch's checks in its order and words (integer weights were sampled as floats)
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_dt.scalar_type_name(input._data.dtype)}")
    w = input._data.astype(np.float64)
    if w.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > w.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if (w < 0).any() or not np.isfinite(w).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = w.reshape(-1, w.shape[-1])
    totals = rows.sum(axis=1, keepdims=True)
    if np.any(totals <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = rng(generator, w)
    n_rows, k = rows.shape
    if replacement:
        # inverse CDF, all rows in one searchsorted: row r's CDF is shifted to [r, r + 1]
        # (dividing by the row's last cumsum makes its last nonzero category exactly 1)
        cdf = np.cumsum(rows, axis=1)
        cdf = cdf / cdf[:, -1:]
        shift = array_module(w).arange(n_rows)[:, None]
        u = g.random((n_rows, num_samples))
        out = np.searchsorted((cdf + shift).ravel(), (u + shift).ravel(), side="right")
        out = out.reshape(n_rows, num_samples) - shift * k
    else:
        # Efraimidis-Spirakis: the smallest exponential(1) / weight keys are a weighted
        # sample without replacement (zero weights get infinite keys and come last, in
        # order, as in PyTorch)
        keys = g.standard_exponential((n_rows, k)) / rows
        out = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    return Tensor._make(out.reshape(w.shape[:-1] + (num_samples,)))


# ---------------------------------------------------------------------------------------------
# From buffers and strides, and the deprecated inclusive range
# ---------------------------------------------------------------------------------------------

def frombuffer(buffer, *, dtype, count: builtins.int = -1, offset: builtins.int = 0,
               requires_grad: builtins.bool = False) -> Tensor:
    """A 1-D tensor sharing memory with an object that exposes the buffer protocol."""
    d = _dt.dtype_arg(dtype, "frombuffer")
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
    d = _dtype(dtype, "empty_strided")
    n = 1 + builtins.sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0
    buf = _module(device).zeros(n, d)
    arr = as_strided(buf, size, tuple(st * d.itemsize for st in stride))
    return _finish(arr, requires_grad, device)


def range(start=0, end=None, step=1, *, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad: builtins.bool = False) -> Tensor:
    """Deprecated inclusive range ``[start, end]`` (default float dtype), as ``torch.range``;
    use ``arange``."""
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
    d = _dt.dtype_arg(dtype, "range") if dtype is not None else _dt.get_default_dtype()
    vals = start + np.arange(n, dtype=np.float64) * step
    return tensor(vals, dtype=d, requires_grad=requires_grad)
