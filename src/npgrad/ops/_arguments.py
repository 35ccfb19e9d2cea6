"""Argument normalisation shared by the op families: operands and ``input`` as Tensors, dims,
sizes, int64 index results, and the shapes-and-dtypes text of error messages."""
from __future__ import annotations

import contextlib
import functools
import inspect
import numbers

import operator
import re

import numpy as np

from ..backend import as_array
from .. import dtypes as _dt
from ..tensor import Tensor, _dim

__all__ = ["Tensor", "array_operand", "as_operand", "as_operands", "as_tensor_arg", "int_arg",
           "number_arg", "named_errors", "name_op_errors", "norm_dim", "norm_dims", "size_args",
           "long_tensor", "type_name", "describe", "tensor_or_none", "float_arg", "ALL_DIMS"]


_FAST = (Tensor, float, int, bool)


class _AllDims:
    """The default ``dim`` of a reduction that may leave it out but not be given None, as
    PyTorch's: ``x.prod()`` reduces every dim, ``x.prod(None)`` is a TypeError."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<all dims>"


ALL_DIMS = _AllDims()


def type_name(x) -> str:
    """The type's name as PyTorch prints it in argument errors: 'list', 'numpy.ndarray'."""
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def as_operand(x, op: str, name: str = "other"):
    """Let a Tensor or a number (NumPy scalars too) through; refuse lists, tuples and NumPy
    arrays, as PyTorch's functions do (its forward operators take arrays: see
    ``array_operand``)."""
    if x.__class__ in _FAST or isinstance(x, (Tensor, numbers.Number)):
        return x
    if isinstance(x, np.generic):
        return array_operand(x)
    if isinstance(x, (list, tuple, np.ndarray)):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type_name(x)}")
    raise TypeError(f"{op}(): expected a Tensor or a number, but got {type_name(x)}")


def array_operand(x):
    """A NumPy array or scalar as a Tensor of its own dtype (anything else unchanged): the
    operand of a forward operator, as PyTorch's ``x * array`` (``torch.mul(x, array)`` is a
    TypeError)."""
    if not isinstance(x, (np.ndarray, np.generic)):
        return x
    arr = np.array(x)  # a copy, with its own dtype, as tensor(x) would make
    _dt.from_numpy_dtype(arr.dtype)  # TypeError for a dtype npgrad does not have
    return Tensor._make(arr)


def as_operands(a, b, op: str) -> tuple:
    """``as_operand`` of both operands of a binary op (one call on the hot path)."""
    if a.__class__ in _FAST and b.__class__ in _FAST:
        return a, b
    return as_operand(a, op, "input"), as_operand(b, op)


def as_tensor_arg(x, op: str, name: str = "input") -> Tensor:
    """Require a Tensor argument (``input`` of a torch function): as PyTorch, numbers, lists
    and NumPy arrays are a TypeError."""
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type_name(x)}")


def _index(d, op: str) -> int:
    """An int dim (ints, NumPy ints, 0-d int tensors); TypeError otherwise, as PyTorch."""
    try:
        return operator.index(d)
    except TypeError:
        raise TypeError(f"{op}(): argument 'dim' must be int or a tuple of ints, not "
                        f"{type(d).__name__}") from None


def int_arg(x, op: str, name: str, position: int | None = None) -> int:
    """An int argument (ints, NumPy ints, 0-d int tensors; not floats, even integral ones,
    nor bools' look-alikes None or str), as PyTorch's argument parser: TypeError otherwise."""
    try:
        return operator.index(x)
    except TypeError:
        where = f" (position {position})" if position is not None else ""
        raise TypeError(f"{op}(): argument '{name}'{where} must be int, not "
                        f"{type_name(x)}") from None


def float_arg(x, op: str, name: str, position: int | None = None) -> float:
    """A float argument (ints and floats, NumPy's too; not None, str or sequences), as
    PyTorch's argument parser: TypeError otherwise."""
    if isinstance(x, (numbers.Real, np.generic)) and not isinstance(x, (str, bytes)):
        return float(x)
    where = f" (position {position})" if position is not None else ""
    raise TypeError(f"{op}(): argument '{name}'{where} must be float, not {type_name(x)}")


def number_arg(x, op: str, name: str, position: int | None = None):
    """A number argument (Python's and NumPy's numbers, bools included; not None, str, arrays
    or sequences), as PyTorch's argument parser: TypeError otherwise."""
    if isinstance(x, numbers.Number) or (isinstance(x, np.generic) and x.dtype.kind in "biufc"):
        return x
    where = f" (position {position})" if position is not None else ""
    raise TypeError(f"{op}(): argument '{name}'{where} must be Number, not {type_name(x)}")


def norm_dim(dim: int, ndim: int, op: str) -> int:
    """A dimension in ``[0, ndim)``; negative dims count from the end."""
    return _dim(_index(dim, op), ndim, op)


def norm_dims(dim, ndim: int, op: str) -> tuple:
    """``None``, an int, or a sequence of ints, as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (_dim(int(dim), ndim, op),)
    if isinstance(dim, str) or not hasattr(dim, "__iter__"):
        _index(dim, op)
    dims = tuple(_dim(_index(d, op), ndim, op) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"{op}: dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(dims))


def size_args(size, op: str) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` and return ``(2, 3)``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    # (operator.index: ints, NumPy ints and 0-d int tensors; a float is a TypeError, as in
    # PyTorch, not truncated)
    out = []
    for s in size:
        try:
            out.append(operator.index(s))
        except TypeError:
            raise TypeError(f"{op}(): argument 'size' must be tuple of ints, but found element "
                            f"of type {type_name(s)} (size {size!r})") from None
    out = tuple(out)
    if any(s < 0 for s in out if s != -1):
        raise RuntimeError(f"{op}: negative dimension in size {out}")
    return out


def describe(*xs) -> str:
    """'(2, 3) float32 and (4,) int64': shapes and dtypes for error messages."""
    parts = []
    for x in xs:
        if isinstance(x, Tensor):
            parts.append(f"{tuple(x._data.shape)} {x._data.dtype}")
        elif isinstance(x, np.ndarray):
            parts.append(f"{tuple(x.shape)} {x.dtype}")
        else:
            parts.append(f"scalar {type(x).__name__}")
    return " and ".join(parts)


def long_tensor(a) -> Tensor:
    """Integer results (indices, counts) as an int64 Tensor, PyTorch's index dtype."""
    return Tensor._make(as_array(a, np.int64))


_RENAMED = (RuntimeError, TypeError, ValueError, IndexError, NotImplementedError)
# Python's and NumPy's errors for an argument of the wrong type (a float has no attribute
# '_data', 'a' is no float), which PyTorch's argument parser answers with a TypeError
_WRONG_TYPE = (AttributeError,)
_WRONG_TYPE_TEXT = re.compile(r"'(?!Tensor')[\w.]+' object has no attribute |could not convert "
                              r"string to float")


class named_errors(contextlib.ContextDecorator):  # noqa: N801 (used like a function)
    """Errors raised inside (by the inner ops a composite calls) name ``op``, the op the user
    called, in front of the inner op's message, with the same class: ``addmm`` says
    "addmm: mm: ..." rather than "mm: ...". A message that names ``op`` already is kept.
    A context manager or a decorator (one instance per op: cheap on hot paths)."""

    def __init__(self, op: str):
        self.op = op
        self._base = (op.rstrip("_") or op).lower()  # ("addcmul_" names itself as "addcmul")

    def __enter__(self):
        return self

    def __exit__(self, kind, e, tb):
        if kind is None or not issubclass(kind, _RENAMED + _WRONG_TYPE):
            return False
        renamed = self.rename(e)
        if renamed is e:
            return False
        raise renamed from None

    def rename(self, e: BaseException) -> BaseException:
        """``e`` with ``op`` in front of its message (``e`` itself where it names ``op``
        already, or where its class wants other arguments than a message)."""
        text = str(e)
        if isinstance(e, (AttributeError, ValueError)) and _WRONG_TYPE_TEXT.match(text):
            # an argument of the wrong type (a str, a list, None where a tensor or a number
            # goes) that got as far as the op's code: PyTorch's argument parser's TypeError
            return TypeError(f"{self.op}: an argument of the wrong type ({text})")
        if isinstance(e, _WRONG_TYPE) or self._base in text.lower():
            return e
        try:
            return type(e)(f"{self.op}: {text}")
        except Exception:  # noqa: BLE001 (a class that wants other arguments: keep it as is)
            return e

    def __call__(self, fn):
        # (a try block, free in Python 3.11 when nothing is raised, rather than the with
        # block of ContextDecorator, which costs two calls per call)
        rename = self.rename

        @functools.wraps(fn)
        def op_fn(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except _RENAMED + _WRONG_TYPE as e:
                renamed = rename(e)
                if renamed is e:
                    raise
                raise renamed from None
        op_fn.__op_name__ = self.op
        return op_fn


_NAMED: dict = {}  # function -> its named_errors wrapper, made once


def name_op_errors(namespace: dict, names, module: str) -> None:
    """Give every op among ``names`` of a public namespace (``npgrad``, ``nn.functional``,
    ``linalg``, ``special``: a module's ``globals()``) ``named_errors`` under its public name,
    so that what the ops it calls inside raise names the op the user called. Ops are the
    functions of ``npgrad.ops`` and of the namespace's own module; one function exported by two
    namespaces stays one object (``npgrad.inverse is linalg.inv``), named as the first
    namespace (``npgrad.nn``, ``linalg``... before ``npgrad``) exports it, and pickles by
    reference under that name."""
    for name in names:
        fn = namespace.get(name)
        if not inspect.isfunction(fn) or hasattr(fn, "__op_name__") or name.startswith("_") \
                or not (fn.__module__.startswith("npgrad.ops.") or fn.__module__ == module):
            continue
        if fn not in _NAMED:
            wrapped = named_errors(name)(fn)
            wrapped.__module__, wrapped.__qualname__ = module, name
            _NAMED[fn] = wrapped
        namespace[name] = _NAMED[fn]


def tensor_or_none(x, op: str, name: str, position: int):
    """An optional Tensor argument (``bias``, ``weight``): PyTorch's TypeError otherwise."""
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type_name(x)}")
    return x
