"""``repr(tensor)`` as PyTorch prints it: ``tensor([1.5000, 2.0000], grad_fn=<MulBackward0>)``.

The rules are PyTorch's (``torch/_tensor_str.py``, default print options), re-implemented:

* one formatter per tensor picks a style from its nonzero finite values: integers shown as
  ``1.``, otherwise 4 decimals, or scientific notation when the values span more than three
  orders of magnitude, exceed 1e8 or (non-integers) go below 1e-4;
* the column width is the widest of those values (nan, inf and zeros do not count), so
  ``tensor([nan, 1., inf])`` has no padding;
* rows wrap at 80 columns; tensors of more than 1000 elements are summarised to their first
  and last 3 items per dimension, with ``...``;
* suffixes (``dtype=``, ``grad_fn=``, ``requires_grad=True``) go on a new line when the last
  line would pass 80 columns.

``set_printoptions`` (at the end) changes the options.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from . import dtypes as _dt
from .backend import to_host


LINEWIDTH, THRESHOLD, EDGEITEMS, PRECISION = 80, 1000, 3, 4
SCI_MODE = None  # True / False forces / forbids scientific notation (set_printoptions)


class _Formatter:
    """Chooses the style and width for all the values of one tensor."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.ravel()
        if not self.floating:
            self.width = max((len(_plain(v)) for v in flat.tolist()), default=1)
            return
        v = flat.astype(np.float64)
        nz = v[np.isfinite(v) & (v != 0)]
        if nz.size == 0:
            return
        absval = np.abs(nz)
        lo, hi = absval.min(), absval.max()
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        if self.int_mode:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8
        else:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        if SCI_MODE is not None:
            self.sci_mode = SCI_MODE
        if self.sci_mode:
            strs = [f"{x:.{PRECISION}e}" for x in nz.tolist()]
            self.width = max(len(s) for s in strs)
        elif self.int_mode:
            self.width = max(len(f"{x:.0f}") for x in nz.tolist()) + 1
        else:
            self.width = max(len(f"{x:.{PRECISION}f}") for x in nz.tolist())

    def format(self, value) -> str:
        if not self.floating:
            s = _plain(value)
        elif self.sci_mode:
            s = f"{value:{self.width}.{PRECISION}e}"
        elif self.int_mode:
            s = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                s += "."
        else:
            s = f"{value:.{PRECISION}f}"
        return " " * (self.width - len(s)) + s


def _plain(v) -> str:
    return str(v)


def _summarized(a: np.ndarray) -> np.ndarray:
    """The values shown when summarising: the edge items of every dimension."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * EDGEITEMS:
            return np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]])
        return a
    rows = list(a[:EDGEITEMS]) + list(a[-EDGEITEMS:]) if a.shape[0] > 2 * EDGEITEMS else list(a)
    return np.stack([_summarized(r) for r in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((LINEWIDTH - indent) / (fmt.width + 2)))
    if summarize and a.shape[0] > 2 * EDGEITEMS:
        data = ([fmt.format(v) for v in a[:EDGEITEMS].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-EDGEITEMS:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = ([_body(a[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] + ["..."]
                + [_body(a[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)])
    else:
        rows = [_body(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        # lay out as PyTorch does for its own text ("torch." is one letter shorter than
        # "npgrad."), so the two reprs differ by the library name only
        n = len(suffix) - suffix.count("npgrad.")
        if last_line_len + n + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + n
        else:
            parts.append(", " + suffix)
            last_line_len += n + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, prefix: str = "tensor(") -> str:
    """The PyTorch-style repr of a Tensor."""
    a = to_host(t._data)  # (printing is one of the copies from a device)
    indent = len(prefix)
    dt = _dt.from_numpy_dtype(a.dtype)
    suffixes = [] if a is t._data else [f"device='{t.device}'"]
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt is not _dt.get_default_dtype():  # nothing shows an empty tensor's dtype
            suffixes.append(f"dtype={dt!r}")
        body = "[]"
    else:
        if dt not in (_dt.get_default_dtype(), _dt.int64, _dt.bool):
            suffixes.append(f"dtype={dt!r}")
        summarize = a.size > THRESHOLD
        # PyTorch formats these via float32
        if a.dtype == np.float16 or _dt.is_bfloat16_np(a.dtype):
            a = a.astype(np.float32)
        fmt = _Formatter(_summarized(a) if summarize else a)
        body = _body(a, indent, summarize, fmt)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


# ---------------------------------------------------------------------------------------------
# Print options
# ---------------------------------------------------------------------------------------------

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, np.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """Options for printing tensors, as ``torch.set_printoptions``: ``profile`` ('default',
    'short', 'full') first, then the single options; ``sci_mode`` True / False forces or
    forbids scientific notation, None restores the automatic choice."""
    global PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH, SCI_MODE
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}")
        PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = _PROFILES[profile]
    if precision is not None:
        PRECISION = builtins.int(precision)
    if threshold is not None:
        THRESHOLD = threshold
    if edgeitems is not None:
        EDGEITEMS = builtins.int(edgeitems)
    if linewidth is not None:
        LINEWIDTH = builtins.int(linewidth)
    SCI_MODE = sci_mode
