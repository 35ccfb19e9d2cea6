"""Autocast at the ops: the state of ``torch.autocast`` regions, and the two decorators that
put an op on one of PyTorch's CPU autocast lists.

Inside an enabled CPU region, an op on the lower-precision list (matmul, linear, conv...,
:func:`lower_precision`) casts its floating arguments to the region's dtype (bfloat16 unless
the region names float16), and an op on the float32 list (the losses, ``prod``, ``cdist``,
the decompositions..., :func:`float32`) casts bfloat16/float16 arguments to float32, as
PyTorch's CPU autocast does. float64 and non-floating arguments never change, an explicit
``dtype=`` argument opts the call out, and the cast is ``Tensor.to`` (so gradients flow back
in each argument's own dtype). Inside a listed op autocast is off, as PyTorch's kernels run
below its autocast layer: ``cdist`` stays float32 although it multiplies matrices.

The regions themselves (``npgrad.autocast``) are in ``npgrad/amp/autocast_mode.py``; they set
:data:`STATE`, which lives here because the ops read it. As PyTorch's, the state is per
thread (a thread started inside a region runs without autocast), like grad mode.
"""
from __future__ import annotations

import functools
import threading

from .. import dtypes as _dt
from ._arguments import Tensor
from .elementwise.unary import cast

__all__ = ["STATE", "lower_precision", "float32"]


class _State(threading.local):
    """Per device type: whether an enabled region is open, and its dtype (PyTorch's
    defaults), in each thread."""

    def __init__(self) -> None:
        self.enabled = {"cpu": False, "cuda": False}
        self.dtype = {"cpu": _dt.bfloat16, "cuda": _dt.float16}


STATE = _State()


def _cast_args(value, dtype):
    """``value`` with its floating tensors (not float64) cast to ``dtype``, through lists."""
    if isinstance(value, Tensor):
        d = value.dtype
        if d.is_floating_point and d is not _dt.float64 and d is not dtype:
            return cast(value, dtype)
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return type(value)(_cast_args(v, dtype) for v in value)
    return value


def _run(fn, dtype, args, kwargs):
    """``fn`` on arguments cast to ``dtype``, with autocast off inside it."""
    if kwargs.get("dtype") is not None:  # an explicit dtype wins, as in PyTorch
        return fn(*args, **kwargs)
    args = tuple(_cast_args(a, dtype) for a in args)
    kwargs = {k: _cast_args(v, dtype) for k, v in kwargs.items()}
    enabled = STATE.enabled
    enabled["cpu"] = False
    try:
        return fn(*args, **kwargs)
    finally:
        enabled["cpu"] = True


def lower_precision(fn):
    """Put ``fn`` on PyTorch's CPU list of ops that autocast to the region's dtype."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if not STATE.enabled["cpu"]:
            return fn(*args, **kwargs)
        return _run(fn, STATE.dtype["cpu"], args, kwargs)
    return op


def float32(fn):
    """Put ``fn`` on PyTorch's CPU list of ops that autocast to float32."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if not STATE.enabled["cpu"]:
            return fn(*args, **kwargs)
        return _run(fn, _dt.float32, args, kwargs)
    return op
