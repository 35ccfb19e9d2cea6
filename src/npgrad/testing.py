"""``npgrad.testing``: ``assert_close`` as ``torch.testing.assert_close``, for users' tests."""
from __future__ import annotations

import numbers

import numpy as np

from .dtypes import from_numpy_dtype
from .tensor import Size, Tensor

__all__ = ["assert_close"]

# PyTorch's default (rtol, atol) by dtype; integers and bools compare exactly
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5),  # by dtype name
               "float64": (1e-7, 1e-7), "bfloat16": (1.6e-2, 1e-5)}


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol=None, atol=None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless ``actual`` and ``expected`` (tensors, numbers, or nested
    sequences and mappings of them) are close: ``|a - e| <= atol + rtol * |e|`` elementwise,
    with same shapes (and dtypes, with ``check_dtype``); tolerances default by dtype."""
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {'rtol' if rtol is None else 'atol'}.")
    _compare(actual, expected, rtol, atol, equal_nan, check_dtype, msg, ())


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, msg, path) -> None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            _fail(msg, f"The keys of the mappings do not match{_where(path)}.")
        for k in expected:
            _compare(actual[k], expected[k], rtol, atol, equal_nan, check_dtype, msg,
                     path + (k,))
        return
    if isinstance(expected, (list, tuple)) and not isinstance(actual, Tensor):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            _fail(msg, f"The length of the sequences mismatch{_where(path)}.")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, check_dtype, msg, path + (i,))
        return
    _compare_arrays(actual, expected, rtol, atol, equal_nan, check_dtype, msg, path)


def _array(x):
    if isinstance(x, Tensor):
        return x._data, True
    if isinstance(x, (numbers.Number, np.ndarray, np.generic)):
        return np.asarray(x), False
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(x)}.")


def _compare_arrays(actual, expected, rtol, atol, equal_nan, check_dtype, msg, path) -> None:
    a, a_tensor = _array(actual)
    e, e_tensor = _array(expected)
    if a_tensor != e_tensor and (a_tensor or e_tensor):
        _fail(msg, f"Expected both inputs to be tensors or numbers{_where(path)}, got "
                   f"{type(actual).__name__} and {type(expected).__name__}.")
    if a.shape != e.shape:
        _fail(msg, f"The values for attribute 'shape' do not match: {Size(a.shape)!r} != "
                   f"{Size(e.shape)!r}{_where(path)}.")
    if check_dtype and a_tensor and a.dtype != e.dtype:
        _fail(msg, f"The values for attribute 'dtype' do not match: "
                   f"{from_numpy_dtype(a.dtype)!r} != {from_numpy_dtype(e.dtype)!r}"
                   f"{_where(path)}.")
    if rtol is None:
        rtol, atol = max((_TOLERANCES.get(d.name, (0.0, 0.0)) for d in (a.dtype, e.dtype)))
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    close = np.abs(a64 - e64) <= atol + rtol * np.abs(e64)
    close |= a64 == e64  # equal infinities
    if equal_nan:
        close |= np.isnan(a64) & np.isnan(e64)
    if close.all():
        return
    bad = ~close
    abs_diff = np.where(bad, np.abs(a64 - e64), -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_diff = np.where(bad, np.abs(a64 - e64) / np.abs(e64), -np.inf)
    # the greatest difference, a nan counting as the greatest
    i_abs = np.unravel_index(np.argmax(np.nan_to_num(abs_diff, nan=np.inf)), a.shape)
    i_rel = np.unravel_index(np.argmax(np.nan_to_num(rel_diff, nan=np.inf)), a.shape)
    kind = "Tensor-likes" if a_tensor else "Scalars"
    exact = rtol == 0 and atol == 0
    ints = a.dtype.kind in "iub" and e.dtype.kind in "iub"
    d_abs = int(abs_diff[i_abs]) if ints else abs_diff[i_abs]
    text = (f"{kind} are not {'equal' if exact else 'close'}!\n\nMismatched elements: "
            f"{int(bad.sum())} / {a.size} ({100 * bad.sum() / max(a.size, 1):.1f}%)\n"
            f"Greatest absolute difference: {d_abs} at index "
            f"{tuple(int(i) for i in i_abs)}{'' if exact else f' (up to {atol} allowed)'}\n"
            f"Greatest relative difference: {rel_diff[i_rel]} at index "
            f"{tuple(int(i) for i in i_rel)}{'' if exact else f' (up to {rtol} allowed)'}")
    _fail(msg, text + _where(path))


def _where(path) -> str:
    return "" if not path else f" at item {''.join(f'[{p!r}]' for p in path)}"


def _fail(msg, text: str) -> None:
    if callable(msg):
        text = msg(text)
    elif msg is not None:
        text = msg
    raise AssertionError(text)
