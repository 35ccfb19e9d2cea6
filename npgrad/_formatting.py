"""``repr(tensor)`` as PyTorch prints it: ``tensor([1.5000, 2.0000], grad_fn=<MulBackward0>)``.

One formatter per tensor picks a style from all of its values (integers shown as ``1.``,
otherwise 4 decimals, scientific notation for wide ranges), pads every element to the same
width, wraps rows at 80 columns and summarises tensors of more than 1000 elements.
"""
from __future__ import annotations

import numpy as np

from . import dtypes as _dt

LINEWIDTH, THRESHOLD, EDGEITEMS, PRECISION = 80, 1000, 3, 4


class _Formatter:
    def __init__(self, values: np.ndarray) -> None:
        self.kind = values.dtype.kind
        self.sci = self.int_mode = False
        if self.kind == "f":
            v = values.astype(np.float64).ravel()
            finite = v[np.isfinite(v)]
            nonzero = np.abs(finite[finite != 0])
            self.int_mode = bool(np.all(finite == np.ceil(finite)))
            if nonzero.size:
                lo, hi = nonzero.min(), nonzero.max()
                if self.int_mode:
                    self.sci = hi / lo > 1000.0 or hi > 1.0e8
                else:
                    self.sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        self.width = max((len(self._fmt(x)) for x in values.ravel()), default=1)

    def _fmt(self, x) -> str:
        if self.kind == "b":
            return str(bool(x))
        if self.kind != "f":
            return str(int(x))
        x = float(x)
        if not np.isfinite(x):
            return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
        if self.sci:
            return f"{x:.{PRECISION}e}"
        if self.int_mode:
            return f"{x:.0f}."
        return f"{x:.{PRECISION}f}"

    def __call__(self, x) -> str:
        return self._fmt(x).rjust(self.width)


def _summarize(a: np.ndarray) -> np.ndarray:
    """The values shown when summarising: the edge items of every dimension."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * EDGEITEMS:
        parts = [a[:EDGEITEMS], a[-EDGEITEMS:]]
    else:
        parts = [a]
    return np.concatenate([np.stack([_summarize(r) for r in p]) if p.ndim > 1 else p
                           for p in parts]) if a.ndim > 1 else np.concatenate(parts)


def _body(a: np.ndarray, fmt: _Formatter, indent: int, summarize: bool) -> str:
    if a.ndim == 0:
        return fmt(a.item())
    if a.ndim == 1:
        n = a.shape[0]
        items = [fmt(x) for x in a] if not (summarize and n > 2 * EDGEITEMS) else (
            [fmt(x) for x in a[:EDGEITEMS]] + ["..."] + [fmt(x) for x in a[-EDGEITEMS:]])
        per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = ([_body(r, fmt, indent + 1, summarize) for r in a[:EDGEITEMS]] + ["..."]
                + [_body(r, fmt, indent + 1, summarize) for r in a[-EDGEITEMS:]])
    else:
        rows = [_body(r, fmt, indent + 1, summarize) for r in a]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def tensor_repr(t, prefix: str = "tensor(") -> str:
    """The PyTorch-style repr of a Tensor."""
    a = t._data
    suffixes = []
    if a.size == 0:
        body = "[]"
        if a.shape != (0,):
            suffixes.append(f"size={tuple(a.shape)}")
    else:
        summarize = a.size > THRESHOLD
        fmt = _Formatter(_summarize(a) if summarize else a)
        body = _body(a, fmt, len(prefix), summarize)
    dt = _dt.from_numpy_dtype(a.dtype)
    if dt not in (_dt.get_default_dtype(), _dt.int64, _dt.bool) or (
            a.size == 0 and dt is not _dt.get_default_dtype()):
        suffixes.append(f"dtype={dt!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    return prefix + body + "".join(", " + s for s in suffixes) + ")"
