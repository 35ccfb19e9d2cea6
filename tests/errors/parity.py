"""Running a (changed) call in npgrad and in PyTorch, and what must agree.

Where PyTorch raises, npgrad raises the same class (or a subclass), never one of NumPy's, with
a message that names the op (and the shapes or dtypes where PyTorch's names them), and no
input tensor changes (values and version counter). Where PyTorch returns, npgrad returns
outputs of the same shapes and dtypes, and changes the same inputs.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import torch

import npgrad

from .calls import OpCall, SpecCall, thaw

FORMS = ("function", "method", "inplace")


def forms(call) -> tuple:
    """How a recorded call can be made: ``lib.op(x, ...)``, ``x.op(...)``, ``x.op_(...)``."""
    if isinstance(call, SpecCall):
        return ("spec",)
    name = call.path[-1]
    has = [hasattr(npgrad.Tensor, n) and hasattr(torch.Tensor, n) for n in (name, name + "_")]
    first_is_tensor = bool(call.args) and type(call.args[0]).__name__ == "Arr"
    return ("function",) + ("method",) * (has[0] and first_is_tensor) \
        + ("inplace",) * (has[1] and first_is_tensor and not name.endswith("_"))


def _tensors(lib, value) -> list:
    if isinstance(value, lib.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(lib, v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(lib, v)]
    return []


def _numpy(t) -> np.ndarray:
    return t.detach().numpy().copy()


@dataclass
class Outcome:
    result: object           # the output, or the exception raised
    changed: list            # per input tensor: were its values or version changed?

    @property
    def raised(self) -> bool:
        return isinstance(self.result, Exception)


def run(lib, call, form: str) -> Outcome:
    args, kwargs = thaw(lib, call.args), thaw(lib, call.kwargs)
    inputs = _tensors(lib, (args, kwargs))
    before = [(_numpy(t), t._version) for t in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if form == "function":
                out = call.target(lib)(*args, **kwargs)
            elif form == "spec":
                out = call.spec.fn(lib, *args, **kwargs)
            else:
                name = call.path[-1] + "_" * (form == "inplace")
                out = getattr(args[0], name)(*args[1:], **kwargs)
        except Exception as e:  # noqa: BLE001 (the classes are compared)
            out = e
    changed = [t._version != v or not np.array_equal(_numpy(t), d, equal_nan=True)
               for t, (d, v) in zip(inputs, before)]
    return Outcome(out, changed)


# ---------------------------------------------------------------------------------------------
# The checks: each returns a failure text, or None
# ---------------------------------------------------------------------------------------------

def _builtin_base(exc: Exception) -> type:
    """The first built-in class of a PyTorch exception (torch._C._LinAlgError: RuntimeError)."""
    return next(c for c in type(exc).__mro__ if c.__module__ == "builtins")


def _names(call, form: str) -> set:
    """The names a message may use for the op: its name and its function's own name."""
    if isinstance(call, SpecCall):
        base = call.name.rsplit(".", 1)[-1]
        stripped = base.strip("_")
        names = {base, stripped, stripped.lstrip("ri")} | {
            n.split("-")[0].rsplit(".", 1)[-1].strip("_") for n in call.spec.covers}
        return {n for n in names if n}
    name = call.path[-1]
    names = {name, name.rstrip("_")}
    fn = getattr(call.target(npgrad), "__name__", None)
    if fn:
        names.add(fn)
    return names


_DTYPE_WORDS = re.compile(r"\b(Float|Double|Half|BFloat16|Long|Int|Short|Char|Byte|Bool|"
                          r"ComplexFloat|ComplexDouble|(torch\.)?(float|int|uint|bfloat|complex)"
                          r"\d+|(torch\.)?bool)\b")


def _shapes_in(msg: str, brackets: str = "[(") -> set:
    """Shapes written in a message, as tuples: '[2, 3]', '(2, 3)', 'torch.Size([2])'."""
    found = set()
    for m in re.finditer(rf"[{re.escape(brackets)}]\s*(\d+(?:\s*,\s*\d+)*)\s*,?\s*[\])]", msg):
        found.add(tuple(int(v) for v in m.group(1).split(",")))
    return found


def check(call, form: str, ours: Outcome, theirs: Outcome, shapes: set) -> list:
    """The failures of npgrad's outcome against PyTorch's: (kind, text) pairs."""
    if theirs.raised:
        if not ours.raised:
            return [("returns", f"PyTorch raises {_short(theirs.result)}; npgrad returns "
                                f"{_describe(ours.result)}")]
        return _check_error(call, form, ours, theirs, shapes)
    if ours.raised:
        return [("raises", f"PyTorch returns {_describe(theirs.result)}; npgrad raises "
                           f"{_short(ours.result)}")]
    failures = []
    if ours.changed != theirs.changed:
        failures.append(("mutated", f"inputs changed {ours.changed}, PyTorch {theirs.changed}"))
    diff = _result_difference(ours.result, theirs.result)
    if diff:
        failures.append(("result", diff))
    return failures


def _check_error(call, form, ours: Outcome, theirs: Outcome, shapes: set) -> list:
    failures = []
    base = _builtin_base(theirs.result)
    mine = ours.result
    if base is AttributeError and type(mine) is TypeError:
        # NOTE: deliberately not copied: PyTorch's Python-level functions (split,
        # unravel_index, margin_ranking_loss...) call a method of a non-tensor argument and so
        # raise AttributeError; npgrad checks the argument and raises TypeError, the class
        # PyTorch's other functions raise for it
        base = TypeError
    if not isinstance(mine, base) or type(mine).__module__.startswith("numpy"):
        failures.append(("class", f"npgrad raises {_short(mine)}; PyTorch {_short(theirs.result)}"))
    if any(ours.changed):
        failures.append(("mutated", f"npgrad raised {_short(mine)} after changing inputs "
                                    f"{ours.changed}"))
    if isinstance(theirs.result, AttributeError) and isinstance(mine, AttributeError):
        return failures  # Python's own message about the argument's type (str has no .clone)
    msg = str(mine)
    if "ufunc" in msg or "numpy.core" in msg or "could not be broadcast" in msg:
        failures.append(("numpy", f"NumPy's message shows: {_short(mine)}"))
    names = _names(call, form)
    if not any(n.lower() in msg.lower() for n in names):
        failures.append(("msg-op", f"the message does not name {sorted(names)}: {_short(mine)}"
                                   f" (PyTorch: {_short(theirs.result)})"))
    wanted = _shapes_in(str(theirs.result), "[") & shapes  # (PyTorch's shapes: [2, 3])
    if wanted and not wanted & _shapes_in(msg):
        failures.append(("msg-shape", f"PyTorch's message names shapes {sorted(wanted)}: "
                                      f"{_short(theirs.result)}; npgrad: {_short(mine)}"))
    # (PyTorch's "invalid combination of arguments" lists signatures, not the offending dtype)
    listing = "invalid combination of arguments" in str(theirs.result)
    if _DTYPE_WORDS.search(str(theirs.result)) and not listing and not _DTYPE_WORDS.search(msg):
        failures.append(("msg-dtype", f"PyTorch's message names a dtype: "
                                      f"{_short(theirs.result)}; npgrad: {_short(mine)}"))
    return failures


def pytorch_text(ours: str, theirs: str) -> str:
    """npgrad's message without the name of the op the user called that ``named_errors`` puts
    in front of an inner op's message ("svdvals: linalg.svd: ..."), where PyTorch's message
    has no such name: what must be PyTorch's message (or its end)."""
    m = re.match(r"[\w.]+: ", ours)
    return ours[m.end():] if m and not theirs.startswith(m.group()) else ours


def _result_difference(ours, theirs) -> str | None:
    if isinstance(theirs, torch.Tensor):
        if not isinstance(ours, npgrad.Tensor):
            return f"npgrad returns {_describe(ours)}, PyTorch {_describe(theirs)}"
        if tuple(ours.shape) != tuple(theirs.shape) or \
                str(ours.dtype).rsplit(".", 1)[-1] != str(theirs.dtype).rsplit(".", 1)[-1]:
            return f"npgrad returns {_describe(ours)}, PyTorch {_describe(theirs)}"
        return None
    if isinstance(theirs, (tuple, list)):
        if not isinstance(ours, (tuple, list)) or len(ours) != len(theirs):
            return f"npgrad returns {_describe(ours)}, PyTorch {_describe(theirs)}"
        for o, t in zip(ours, theirs):
            diff = _result_difference(o, t)
            if diff:
                return diff
    return None


def _short(x, n: int = 160) -> str:
    text = f"{type(x).__name__}({str(x).splitlines()[0] if str(x) else ''})" \
        if isinstance(x, Exception) else repr(x)
    return text if len(text) <= n else text[:n] + "..."


def _describe(x) -> str:
    if isinstance(x, (npgrad.Tensor, torch.Tensor)):
        return f"Tensor{tuple(x.shape)} {str(x.dtype).rsplit('.', 1)[-1]}"
    if isinstance(x, (tuple, list)):
        return "(" + ", ".join(_describe(v) for v in x) + ")"
    return _short(x)


def input_shapes(call) -> set:
    """The shapes of a call's tensor arguments (to find them in messages)."""
    found = set()

    def walk(v):
        if type(v).__name__ == "Arr":
            if v.array.ndim:
                found.add(tuple(v.array.shape))
        elif isinstance(v, (list, tuple)):
            for e in v:
                walk(e)
        elif isinstance(v, dict):
            for e in v.values():
                walk(e)
    walk((call.args, call.kwargs))
    return found
