"""In-place ops (``add_``, ``+=``, ``fill_``, ``copy_``, ``x[k] = v``) and their graph rules.

An in-place op computes its result out of place with the ordinary op, checks it, writes it
into the tensor's own array (so views and ``from_numpy`` arrays see it), bumps the version
counter, and makes the tensor the output of the op's node. As in PyTorch:

* a leaf that requires grad cannot be modified in place while grad mode is on;
* a saved tensor modified in place makes backward raise (the version check);
* when the tensor is a view, its base's graph learns about the write (``CopySlices``).

The top-level forms of the in-place methods (``torch.exp_(x)`` is ``x.exp_()``) and of the
fills (``fill``, ``zero_``) are at the end.
"""
from __future__ import annotations

import sys

import numpy as np

from ..autograd import forward_ad as _fwad
from ..backend import as_array
from ..autograd.grad_mode import STATE, no_grad
from ..autograd.function import Primitive
from .. import dtypes as _dt
from ._arguments import Tensor, type_name
from .elementwise.unary import clone, zero_grad_result

__all__ = ["apply_", "fill_", "copy_", "check", "commit", "fill", "zero_", "addmv_", "abs_",
           "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
           "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_",
           "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp_", "exp2_", "expm1_", "fix_",
           "floor_", "frac_", "log_", "log10_", "log1p_", "log2_", "logit_", "nan_to_num_", "neg_",
           "negative_", "rad2deg_", "reciprocal_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_",
           "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "gcd_", "lcm_",
           "ldexp_", "i0_", "index_put_", "resize_as_"]


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


def commit(t: Tensor, result: Tensor, op: str, any_cast: bool = False) -> Tensor:
    """Write ``result`` into ``t`` and make ``t`` the output of ``result``'s node."""
    if result._data is not t._data:
        if result._data.shape != t._data.shape:
            raise RuntimeError(f"{op}: output with shape {list(t.shape)} doesn't match the "
                               f"broadcast shape {list(result.shape)}")
        if not any_cast and not _dt.can_cast_inplace(result._data.dtype, t._data.dtype):
            raise RuntimeError(f"{op}: result type {result.dtype} can't be cast to the desired "
                               f"output type {t.dtype}")
        try:
            np.copyto(t._data, result._data, casting="unsafe")
        except ValueError:
            raise RuntimeError(f"{op}: unsupported operation: the tensor being written to is "
                               "read-only (an expanded view, where more than one element "
                               "refers to the same memory location); clone it first") from None
    t._bump()
    if _fwad._ACTIVE and result is not t:  # forward AD: t's tangent is now the result's
        _fwad.set_tangent(t, _fwad.tangent_of(result))
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
        mask = np.zeros(ctx.shape, bool)
        with no_grad():
            written = _replay(Tensor._make(mask), ctx.steps)._data
            if written.flags.writeable:
                written[...] = True
            else:  # an expanded view (only fill_ and zero_ write one)
                _fill_overlapping(written, True)
        need_base, need_value = ctx.needs_input_grad
        gb = grad.masked_fill(Tensor._make(mask), 0.0) if need_base else None
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
    if not isinstance(t, Tensor):  # (F.elu_(array): PyTorch's TypeError, not AttributeError)
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(t)}")
    check(t, name)
    if not STATE.enabled:
        return commit(t, fn(t, *args, **kwargs), name)
    # The op runs on a stand-in for t's current value (same array, same graph position). If
    # the graph kept it (sin_, mul_ save their input), it gets a copy of the old values before
    # t is overwritten, as PyTorch saves ``original_self``. Other arguments that are t (x *= x)
    # stay t, so backward reports them as modified, as in PyTorch.
    old = Tensor._make(t._data)
    old.grad_fn, old._output_nr, old._rg = t.grad_fn, t._output_nr, t._rg
    if _fwad._ACTIVE and "_fw" in t.__dict__:  # (forward AD: the old value's tangent)
        old._fw = t._fw
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
        result = Tensor._make(np.full_like(t._data, _dt.checked_scalar(value, t._data.dtype)))
        if not t._data.flags.writeable and _fill_overlapping(t._data, result._data):
            result = Tensor._make(t._data)  # (written: commit only records it)
    return commit(t, result, "fill_", any_cast=True)


def _fill_overlapping(a: np.ndarray, values) -> bool:
    """Write one value into every element of a read-only view whose elements share memory
    (an expanded view): PyTorch's fill_ and zero_ allow it, as every element gets the same
    value (its other in-place ops refuse it). False when ``a``'s memory is not writable."""
    alias = a.view()  # (a's own flag stays: other in-place ops must still refuse it)
    try:
        alias.flags.writeable = True
    except ValueError:  # memory that is read-only (np.frombuffer of bytes...)
        return False
    np.copyto(alias, values)
    return True


def copy_(t: Tensor, src) -> Tensor:
    """Copy ``src`` (broadcast, any dtype) into ``t``."""
    check(t, "copy_")
    if not isinstance(src, Tensor):
        src = Tensor._make(as_array(src))
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
        result = clone(result)
    return commit(t, result, "copy_", any_cast=True)


# ---------------------------------------------------------------------------------------------
# Top-level forms of the in-place fills
# ---------------------------------------------------------------------------------------------

def fill(input: Tensor, value) -> Tensor:
    """A copy of ``input`` filled with ``value`` (a number or a 0-d tensor)."""
    return input.clone().detach().fill_(value) if not isinstance(value, Tensor) else \
        (input * 0 + value.to(input.dtype)).detach().clone()


def zero_(input: Tensor) -> Tensor:
    return input.zero_()


def addmv_(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    return input.addmv_(mat, vec, beta=beta, alpha=alpha)


# ---------------------------------------------------------------------------------------------
# Top-level forms of the Tensor's in-place methods: torch.exp_(x) is x.exp_()
# ---------------------------------------------------------------------------------------------

def abs_(input, *a, **k): return input.abs_(*a, **k)  # noqa: E704
def acos_(input, *a, **k): return input.acos_(*a, **k)  # noqa: E704
def acosh_(input, *a, **k): return input.acosh_(*a, **k)  # noqa: E704
def arccos_(input, *a, **k): return input.arccos_(*a, **k)  # noqa: E704
def arccosh_(input, *a, **k): return input.arccosh_(*a, **k)  # noqa: E704
def arcsin_(input, *a, **k): return input.arcsin_(*a, **k)  # noqa: E704
def arcsinh_(input, *a, **k): return input.arcsinh_(*a, **k)  # noqa: E704
def arctan_(input, *a, **k): return input.arctan_(*a, **k)  # noqa: E704
def arctanh_(input, *a, **k): return input.arctanh_(*a, **k)  # noqa: E704
def asin_(input, *a, **k): return input.asin_(*a, **k)  # noqa: E704
def asinh_(input, *a, **k): return input.asinh_(*a, **k)  # noqa: E704
def atan_(input, *a, **k): return input.atan_(*a, **k)  # noqa: E704
def atanh_(input, *a, **k): return input.atanh_(*a, **k)  # noqa: E704
def ceil_(input, *a, **k): return input.ceil_(*a, **k)  # noqa: E704
def clamp_(input, *a, **k): return input.clamp_(*a, **k)  # noqa: E704
def clamp_max_(input, *a, **k): return input.clamp_max_(*a, **k)  # noqa: E704
def clamp_min_(input, *a, **k): return input.clamp_min_(*a, **k)  # noqa: E704
def clip_(input, *a, **k): return input.clip_(*a, **k)  # noqa: E704
def cos_(input, *a, **k): return input.cos_(*a, **k)  # noqa: E704
def cosh_(input, *a, **k): return input.cosh_(*a, **k)  # noqa: E704
def deg2rad_(input, *a, **k): return input.deg2rad_(*a, **k)  # noqa: E704
def erf_(input, *a, **k): return input.erf_(*a, **k)  # noqa: E704
def erfc_(input, *a, **k): return input.erfc_(*a, **k)  # noqa: E704
def exp_(input, *a, **k): return input.exp_(*a, **k)  # noqa: E704
def exp2_(input, *a, **k): return input.exp2_(*a, **k)  # noqa: E704
def expm1_(input, *a, **k): return input.expm1_(*a, **k)  # noqa: E704
def fix_(input, *a, **k): return input.fix_(*a, **k)  # noqa: E704
def floor_(input, *a, **k): return input.floor_(*a, **k)  # noqa: E704
def frac_(input, *a, **k): return input.frac_(*a, **k)  # noqa: E704
def log_(input, *a, **k): return input.log_(*a, **k)  # noqa: E704
def log10_(input, *a, **k): return input.log10_(*a, **k)  # noqa: E704
def log1p_(input, *a, **k): return input.log1p_(*a, **k)  # noqa: E704
def log2_(input, *a, **k): return input.log2_(*a, **k)  # noqa: E704
def logit_(input, *a, **k): return input.logit_(*a, **k)  # noqa: E704
def nan_to_num_(input, *a, **k): return input.nan_to_num_(*a, **k)  # noqa: E704
def neg_(input, *a, **k): return input.neg_(*a, **k)  # noqa: E704
def negative_(input, *a, **k): return input.negative_(*a, **k)  # noqa: E704
def rad2deg_(input, *a, **k): return input.rad2deg_(*a, **k)  # noqa: E704
def reciprocal_(input, *a, **k): return input.reciprocal_(*a, **k)  # noqa: E704
def round_(input, *a, **k): return input.round_(*a, **k)  # noqa: E704
def rsqrt_(input, *a, **k): return input.rsqrt_(*a, **k)  # noqa: E704
def sigmoid_(input, *a, **k): return input.sigmoid_(*a, **k)  # noqa: E704
def sin_(input, *a, **k): return input.sin_(*a, **k)  # noqa: E704
def sinc_(input, *a, **k): return input.sinc_(*a, **k)  # noqa: E704
def sinh_(input, *a, **k): return input.sinh_(*a, **k)  # noqa: E704
def sqrt_(input, *a, **k): return input.sqrt_(*a, **k)  # noqa: E704
def square_(input, *a, **k): return input.square_(*a, **k)  # noqa: E704
def tan_(input, *a, **k): return input.tan_(*a, **k)  # noqa: E704
def tanh_(input, *a, **k): return input.tanh_(*a, **k)  # noqa: E704
def trunc_(input, *a, **k): return input.trunc_(*a, **k)  # noqa: E704
def xlogy_(input, *a, **k): return input.xlogy_(*a, **k)  # noqa: E704
def gcd_(input, *a, **k): return input.gcd_(*a, **k)  # noqa: E704
def lcm_(input, *a, **k): return input.lcm_(*a, **k)  # noqa: E704
def ldexp_(input, *a, **k): return input.ldexp_(*a, **k)  # noqa: E704
def i0_(input, *a, **k): return input.i0_(*a, **k)  # noqa: E704
def index_put_(input, *a, **k): return input.index_put_(*a, **k)  # noqa: E704
def resize_as_(input, *a, **k): return input.resize_as_(*a, **k)  # noqa: E704
