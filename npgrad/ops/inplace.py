"""In-place ops (``add_``, ``+=``, ``fill_``, ``copy_``, ``x[k] = v``) and their graph rules.

An in-place op computes its result out of place with the ordinary op, checks it, writes it
into the tensor's own array (so views and ``from_numpy`` arrays see it), bumps the version
counter, and makes the tensor the output of the op's node. As in PyTorch:

* a leaf that requires grad cannot be modified in place while grad mode is on;
* a saved tensor modified in place makes backward raise (the version check);
* when the tensor is a view, its base's graph learns about the write (``CopySlices``).
"""
from __future__ import annotations

import sys

import numpy as np

from ..autograd.grad_mode import STATE, no_grad
from ..autograd.function import Primitive
from ._arguments import Tensor

__all__ = ["apply_", "fill_", "copy_", "check", "commit"]


def check(t: Tensor, op: str) -> None:
    """Refuse in-place changes to leaves that require grad (before anything is written)."""
    if not STATE.enabled:
        return
    if t._rg and t.grad_fn is None:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    if t._view is not None:
        base = t._view[0]
        if base._rg and base.grad_fn is None:
            raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is being "
                               "used in an in-place operation.")


def _can_cast(src, dst) -> bool:
    """PyTorch's rule for in-place results: no float into int, no number into bool."""
    if src.kind == "f" and dst.kind in "iub":
        return False
    return not (src.kind != "b" and dst.kind == "b")


def commit(t: Tensor, result: Tensor, op: str, any_cast: bool = False) -> Tensor:
    """Write ``result`` into ``t`` and make ``t`` the output of ``result``'s node."""
    if result._data is not t._data:
        if result._data.shape != t._data.shape:
            raise RuntimeError(f"{op}: output with shape {list(t.shape)} doesn't match the "
                               f"broadcast shape {list(result.shape)}")
        if not any_cast and not _can_cast(result._data.dtype, t._data.dtype):
            raise RuntimeError(f"{op}: result type {result.dtype} can't be cast to the desired "
                               f"output type {t.dtype}")
        try:
            np.copyto(t._data, result._data, casting="unsafe")
        except ValueError:
            raise RuntimeError(f"{op}: unsupported operation: the tensor being written to is "
                               "read-only (an expanded view, where more than one element "
                               "refers to the same memory location); clone it first") from None
    t._bump()
    if not STATE.enabled:
        return t
    node = result.grad_fn
    if node is not None and node._saved and result is not t:
        # The op saved its output (exp_, sigmoid_): from now on that output is t, so later
        # writes to t must fail backward's version check, as in PyTorch.
        for i, (kind, obj, _vc, _v) in enumerate(node._saved):
            if kind == 1 and obj[0] is result._data:
                vc = t._counter()
                node._saved[i] = (1, (t._data, obj[1]), vc, vc.v)
    if t._view is not None and t._view[0]._rg:
        _rebase_view(t, result)
    elif result.grad_fn is not None:
        t.grad_fn, t._output_nr, t._rg = result.grad_fn, result._output_nr, True
    elif t._rg:
        # overwritten by a constant: the old value gets gradient 0 (PyTorch's FillBackward)
        from .elementwise.unary import zero_grad_result
        z = zero_grad_result(t._data, t)
        t.grad_fn, t._output_nr = z.grad_fn, 0
    return t


class CopySlices(Primitive):
    """The base of a view after the view was written: the written region came from ``value``,
    the rest from the base's previous value."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, value, steps):
        ctx.steps, ctx.shape = steps, base.shape
        return base  # already holds the new values, written through the view

    @staticmethod
    def backward(ctx, grad):
        from .elementwise.binary import where
        mask = np.zeros(ctx.shape, bool)
        with no_grad():
            _replay(Tensor._make(mask), ctx.steps)._data[...] = True
        need_base, need_value = ctx.needs_input_grad
        gb = where(Tensor._make(mask), 0.0, grad) if need_base else None
        gv = _replay(grad, ctx.steps) if need_value else None
        return gb, gv


def _replay(base: Tensor, steps) -> Tensor:
    """Recompute a view from its base by the recorded view ops."""
    t = base
    for cls, args, kwargs in steps:
        t = cls.apply(t, *args, **kwargs)
    return t


def _rebase_view(view: Tensor, result: Tensor) -> None:
    base, steps = view._view
    new_base = CopySlices.apply(base, result, steps=steps)
    base.grad_fn, base._output_nr, base._rg = new_base.grad_fn, 0, True
    new_view = _replay(base, steps)
    view.grad_fn, view._output_nr, view._rg = new_view.grad_fn, 0, True


def apply_(t: Tensor, fn, *args, **kwargs) -> Tensor:
    """``t.op_(*args)``: compute ``fn(t, *args)`` and write it into ``t``."""
    name = getattr(fn, "__name__", "op") + "_"
    check(t, name)
    if not STATE.enabled:
        return commit(t, fn(t, *args, **kwargs), name)
    # The op runs on a stand-in for t's current value (same array, same graph position). If
    # the graph kept it (sin_, mul_ save their input), it gets a copy of the old values before
    # t is overwritten, as PyTorch saves ``original_self``. Other arguments that are t (x *= x)
    # stay t, so backward reports them as modified, as in PyTorch.
    old = Tensor._make(t._data)
    old.grad_fn, old._output_nr, old._rg = t.grad_fn, t._output_nr, t._rg
    result = fn(old, *args, **kwargs)
    if sys.getrefcount(old) > 2:  # referenced by more than `old` and the call's argument
        old._data = old._data.copy()
    return commit(t, result, name)


def fill_(t: Tensor, value) -> Tensor:
    """Fill ``t`` with a number or a 0-d tensor (the gradient flows to a tensor value)."""
    check(t, "fill_")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        result = value.to(t.dtype).expand(t.shape)
    else:
        result = Tensor._make(np.full(t._data.shape, value, t._data.dtype))
    return commit(t, result, "fill_", any_cast=True)


def copy_(t: Tensor, src) -> Tensor:
    """Copy ``src`` (broadcast, any dtype) into ``t``."""
    check(t, "copy_")
    if not isinstance(src, Tensor):
        src = Tensor._make(np.asarray(src))
    try:
        np.broadcast_shapes(src._data.shape, t._data.shape)
        if np.broadcast_shapes(src._data.shape, t._data.shape) != t._data.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(f"copy_: the size of src {tuple(src.shape)} must be broadcastable to "
                           f"the destination's size {tuple(t.shape)}") from None
    result = src.to(t.dtype).expand(t.shape) if src._data.shape != t._data.shape else \
        src.to(t.dtype)
    if result._data is src._data and not result._rg:
        result = Tensor._make(src._data)
    elif result._rg and result.grad_fn is None:  # a leaf source: give its gradient a node
        from .elementwise.unary import clone
        result = clone(result)
    return commit(t, result, "copy_", any_cast=True)
