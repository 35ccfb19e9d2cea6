"""The autograd graph's nodes, and the ``Function`` base class of every op.

A node is what ``tensor.grad_fn`` points to. Its ``next_functions`` are edges
``(node, output_nr)`` to the nodes that produced its inputs; leaves that require grad end in
an :class:`AccumulateGrad` node. Tensors are not part of the graph, so intermediates are freed
as soon as the user drops them, and the graph itself is freed by backward.

Two kinds of op share this machinery:

* :class:`Function` is PyTorch's ``torch.autograd.Function``: users subclass it and write
  static ``forward(ctx, *args)`` / ``backward(ctx, *grads)``. As in PyTorch, ``forward``
  receives Tensors (and runs with grad recording off).
* :class:`Primitive` is the base of npgrad's built-in ops. Its ``forward`` receives raw
  arrays and returns arrays, which keeps the forward path free of wrapping overhead. Its
  ``backward`` is written with npgrad ops on Tensors, so it is differentiable again.

In both, the ctx *is* the node (``y.grad_fn is ctx``), as in PyTorch.
"""
from __future__ import annotations

import weakref
from itertools import count

import numpy as np

from .. import backend as _backend
from ..backend import array_module, as_array, device_of, is_device_array
from ..dtypes import bfloat16_np as _bf16, dtype as _Dtype, is_float_np as _is_float
from ..dtypes import result_type as _result_type
from ..tensor import _NUMBERS, Tensor, VersionCounter
from .anomaly_mode import forward_trace
from .grad_mode import ANOMALY, SAVED_HOOKS, STATE, no_grad


_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


_NO_EDGE = (None, 0)
_SAVED_NONE = (2, None, None, 0)  # a None saved (or an input that no gradient needs)
_NEEDS_ONE = (True,)               # needs_input_grad of a one-input op that records
_NO_KWARGS: dict = {}
# A node's sequence number (``_seq``), given when it is recorded, after the nodes of its
# inputs: the backward engine runs nodes from the largest number down (see engine.py)
_next_seq = count().__next__


class Node:
    """Base of everything ``grad_fn`` and ``next_functions`` can hold."""

    next_functions: tuple = ()
    _n_outputs = 1
    _pre_hooks = None      # {output_nr: [hook(grad) -> grad | None]}: Tensor.register_hook
    _retain = None         # {output_nr: weakref to a tensor that called retain_grad()}
    _post_hooks = None     # [hook(grad_inputs, grad_outputs)]: Node.register_hook
    _node_pre_hooks = None  # [hook(grad_outputs) -> grad_outputs | None]: register_prehook
    _plain = True  # backward() may run it by its plain path: none of the three above is set

    def name(self) -> str:
        """The node's name as PyTorch prints it, e.g. ``MulBackward0``."""
        return type(self).__name__

    @property
    def metadata(self) -> dict:
        """A dict for any data the user wants to keep on the node (empty at first)."""
        meta = self.__dict__.get("_metadata")
        if meta is None:
            meta = self._metadata = {}
        return meta

    def register_hook(self, hook):
        """Register ``hook(grad_inputs, grad_outputs) -> tuple | None``, called after this
        node's backward; a returned tuple replaces ``grad_inputs``."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _RemovableHandle(self._post_hooks, hook)

    def register_prehook(self, hook):
        """Register ``hook(grad_outputs) -> tuple | None``, called before this node runs."""
        if self._node_pre_hooks is None:
            self._node_pre_hooks = []
            self._plain = False
        self._node_pre_hooks.append(hook)
        return _RemovableHandle(self._node_pre_hooks, hook)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: backward adds the gradient into ``leaf.grad``."""

    _plain = False  # (the engine accumulates into the leaf itself)

    def __init__(self, variable) -> None:
        self.variable = variable
        self._seq = _next_seq()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # PyTorch's name (its profiler shows it too)

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


# ---------------------------------------------------------------------------------------------
# Function: the ctx, the node, and the op definition in one class
# ---------------------------------------------------------------------------------------------

class Function(Node):
    """Base class for custom autograd operations, as ``torch.autograd.Function``.

    Write it exactly as in PyTorch: a static ``forward(ctx, *args)`` and a static
    ``backward(ctx, *grad_outputs)`` returning one gradient per ``forward`` argument (None for
    non-Tensor arguments and inputs that need none), and call it with ``Fn.apply(*args)``.
    ``ctx`` offers ``save_for_backward`` / ``saved_tensors``, ``needs_input_grad``,
    ``mark_dirty``, ``mark_non_differentiable`` and ``set_materialize_grads``, and takes any
    other attribute. The node is named ``<Fn>Backward``.

    How this differs from npgrad's built-in ops (subclasses of :class:`Primitive`):

    * here ``forward`` receives the Tensors themselves (and numbers as they are), and runs
      with grad recording off, so it can use any npgrad op; a ``Primitive``'s ``forward``
      receives raw NumPy arrays and must return arrays (the fast path of the built-ins);
    * here outputs are Tensors, and an output that *is* an input (not marked dirty) is
      returned as a new Tensor sharing its data; a ``Primitive`` wraps the arrays it returns;
    * in both, ``backward`` gets and returns Tensors; written with npgrad ops (or other
      Functions) it is differentiable again, so ``create_graph=True`` works.

    >>> class Exp(npgrad.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         y = x.exp()
    ...         ctx.save_for_backward(y)
    ...         return y
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         y, = ctx.saved_tensors
    ...         return grad * y
    >>> Exp.apply(npgrad.ones(2, requires_grad=True))
    tensor([2.7183, 2.7183], grad_fn=<ExpBackward>)
    """

    _to_save = None          # what forward passed to save_for_backward, resolved in apply
    _saved = None            # resolved entries (kind, obj, version counter, version)
    _freed = False
    _trace = None            # forward stack, recorded in anomaly mode
    _non_diff = None         # ids of outputs marked non-differentiable
    _dirty = None            # ids of inputs marked dirty (modified in place by forward)
    _fw_out = None           # forward AD: {output_nr: (level, tangent)} of saved outputs
    materialize_grads = True
    needs_input_grad: tuple = ()

    # -- the API that forward and backward use --------------------------------------------
    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Compute the op. Override it (as a ``@staticmethod``)."""
        raise NotImplementedError("subclasses of Function must implement forward")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Return one gradient per forward input (None for inputs without one)."""
        raise NotImplementedError("subclasses of Function must implement backward")

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        """Optional (PyTorch 2 style): override it and write ``forward(*args)`` without ctx;
        it then receives the inputs and output to save what backward needs."""
        raise NotImplementedError("setup_context is not overridden")

    @classmethod
    def vjp(cls, ctx, *grad_outputs):
        """Alias of ``backward``, as in PyTorch."""
        return cls.backward(ctx, *grad_outputs)

    def save_for_backward(self, *tensors) -> None:
        """Save inputs, outputs (or other tensors) for backward; read them back from
        ``saved_tensors``, which checks that none was modified in place since."""
        self._to_save = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Mark outputs that get no gradient (e.g. indices); they won't require grad."""
        self._non_diff = {id(t) for t in tensors}

    def mark_dirty(self, *tensors) -> None:
        """Declare inputs that forward modified in place and returns."""
        self._dirty = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        """If False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = value

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        saved = self._saved
        if saved is None:
            return ()
        out = []
        for entry in saved:
            kind, obj, vc, version = entry
            if kind == 0:  # an input, unchanged since (the common case of _unpack, inlined)
                vc = obj._vc
                if (0 if vc is None else vc.v) == version:
                    out.append(obj)
                    continue
            elif kind == 1 and vc.v == version and self._fw_out is None:
                t = _new(Tensor)  # (one of our outputs: the common case of _unpack, inlined)
                t._data, t.grad_fn, t._output_nr, t._rg, t._vc = obj[0], self, obj[1], True, vc
                out.append(t)
                continue
            elif kind == 2 and (obj is None or obj.__class__ in _NUMBERS):
                out.append(obj)  # (a constant: x ** 2 saves its exponent)
                continue
            out.append(self._unpack(entry))
        return tuple(out)

    def name(self) -> str:
        return f"{type(self).__name__}Backward"

    # -- graph bookkeeping ------------------------------------------------------------------
    # A saved entry is (kind, object, version counter, version at save time):
    #   kind 0, an input Tensor, checked against its own counter (``tensor._version``; a
    #           tensor's counter, once made, is never replaced, so the number suffices);
    #   kind 1, one of our outputs, kept as (array, output_nr) so that the node does not keep
    #           its output Tensor alive (no reference cycle), checked against its counter;
    #   kind 2, anything else (a Tensor among them is checked like an input);
    #   kind 3, what a ``saved_tensors_hooks`` pack hook returned: (3, packed, unpack hook,
    #           (grad_fn or None for this node, output_nr, leaf's AccumulateGrad, requires
    #           grad)); not version-checked, as in PyTorch (the tensor may live elsewhere).
    def _unpack(self, entry):
        kind, obj, vc, version = entry
        if kind == 3:
            return _unpack_hooked(self, entry)
        if kind == 1:  # one of our own outputs: rebuild it, without keeping a cycle alive
            if vc.v != version:
                raise RuntimeError(_modified_message(self, entry))
            arr, nr = obj
            t = Tensor._make_result(arr, self, nr, vc)
            if self._fw_out is not None and nr in self._fw_out:
                t._fw = self._fw_out[nr]  # (its tangent, for forward AD through backward)
            return t
        if isinstance(obj, Tensor):
            if obj._version != version:
                raise RuntimeError(_modified_message(self, entry))
            return obj
        if obj.__class__ is np.ndarray or is_device_array(obj):
            return Tensor._make(obj)
        return obj

    def _record(self, args, outputs, raw_inputs) -> None:
        """Link this node into the graph: edges to the inputs, and resolve saved tensors.

        ``raw_inputs`` are what forward received (arrays for primitives, Tensors for user
        Functions), so saved objects can be matched to inputs and outputs by identity.
        (``Primitive.apply`` does the same inline, on its hot path.)
        """
        edges, meta = [], []
        for a in args:
            if isinstance(a, Tensor) and a._rg:
                gf = a.grad_fn
                edges.append((gf, a._output_nr) if gf is not None else edge(a))
                meta.append((a._data.shape, a._data.dtype))
            else:
                edges.append(_NO_EDGE)
                meta.append(None)
        self.next_functions = tuple(edges)  # (apply has set needs_input_grad already)
        self._in_meta = meta
        self._seq = _next_seq()
        if ANOMALY.enabled:
            self._trace = forward_trace()
        if self._to_save is not None:
            self._save(args, raw_inputs, outputs)

    def _save(self, args, raw_inputs, outputs) -> None:
        """Turn what forward passed to ``save_for_backward`` into saved entries, matching
        each object by identity to an input (as forward received it) or an output."""
        to_save, self._to_save = self._to_save, None
        saved = []  # (this runs for every op that saves: plain loops, no helper calls)
        n = len(raw_inputs)
        for obj in to_save:
            if obj is None or obj.__class__ in _NUMBERS:
                saved.append((2, obj, None, 0))  # a constant
                continue
            i = 0
            while i < n:
                if raw_inputs[i] is obj:
                    t = args[i]
                    if t.__class__ is Tensor or isinstance(t, Tensor):
                        vc = t._vc  # (_input_entry, inlined)
                        saved.append((0, t, None, 0 if vc is None else vc.v))
                        break
                i += 1
            else:
                saved.append(self._save_other(obj, outputs))
        self._saved = saved
        if SAVED_HOOKS.stack:
            _pack_saved(self)

    @staticmethod
    def _save_other(obj, outputs) -> tuple:
        """The saved entry of an object that is not an input: an output, or a constant."""
        for t in outputs:
            if t is not None and (t._data is obj or t is obj):
                vc = t._vc
                if vc is None:
                    vc = t._vc = VersionCounter()
                return (1, (t._data, t._output_nr), vc, vc.v)
        return (2, obj, None, obj._version if isinstance(obj, Tensor) else 0)

    # -- apply: how users call a Function ----------------------------------------------------
    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the op on Tensors and record it in the graph when an input requires grad."""
        if _WRAPPERS:  # forward AD or the profiler: even through an ``Fn.apply`` bound before
            return _dispatch(cls, *args, **kwargs)  # they began (``fn = Fn.apply``)
        return cls._apply_plain(*args, **kwargs)

    @classmethod
    def _apply_plain(cls, *args, **kwargs):
        """``apply`` itself, wrappers aside."""
        ctx = object.__new__(cls)
        requires = STATE.enabled and any(isinstance(a, Tensor) and a._rg for a in args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        with no_grad():
            if cls.setup_context is Function.setup_context:
                result = cls.forward(ctx, *args, **kwargs)
            else:  # PyTorch 2's style: forward(*args) without ctx, then setup_context
                result = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, result)
        if not requires:
            ctx._to_save = None
            if ctx._dirty:  # as PyTorch, mark_dirty counts as a write even with no graph
                for a in args:
                    if isinstance(a, Tensor) and id(a) in ctx._dirty:
                        a._bump()
            return result
        single = not isinstance(result, tuple)
        outs = (result,) if single else result
        edge_args = args
        if ctx._dirty:  # dirty inputs become our outputs: keep their old edges for _record
            edge_args = tuple(_before_write(a) if isinstance(a, Tensor) and id(a) in ctx._dirty
                              else a for a in args)
        wrapped = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                continue
            if any(o is a for a in args):
                if ctx._dirty and id(o) in ctx._dirty:
                    if o._rg and o.grad_fn is None:
                        raise RuntimeError("a leaf Variable that requires grad is being used "
                                           f"in an in-place operation ({cls.__name__}).")
                    o._counter().v += 1
                else:
                    o = Tensor._make(o._data)  # an output must not be its input: alias it
            differentiable = _is_float(o._data.dtype) and not (
                ctx._non_diff and id(outs[i]) in ctx._non_diff)
            if differentiable:
                o.grad_fn, o._output_nr, o._rg = ctx, i, True
            wrapped.append(o)
        ctx._n_outputs = len(outs)
        ctx._out_meta = [(o._data.shape, o._data.dtype, array_module(o._data))
                         if isinstance(o, Tensor) else None
                         for o in wrapped]
        ctx._record(edge_args, [o if isinstance(o, Tensor) else None for o in wrapped], args)
        return wrapped[0] if single else tuple(wrapped)


def once_differentiable(backward):
    """Decorator for a Function's ``backward`` that is not differentiable itself (it may use
    NumPy directly): it runs with grad recording off, so its results carry no graph."""
    import functools

    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with no_grad():
            out = backward(ctx, *grad_outputs)
        linked = [g for g in grad_outputs if isinstance(g, Tensor) and g._rg]
        if not STATE.enabled or not linked:
            return out
        # create_graph=True: the results get a node that refuses a second differentiation
        single = not isinstance(out, tuple)
        out = tuple(_OnceDifferentiable.apply(o, *linked) if isinstance(o, Tensor) else o
                    for o in ((out,) if single else out))
        return out[0] if single else out
    return wrapper


class _OnceDifferentiable(Function):
    @staticmethod
    def forward(ctx, result, *grad_outputs):
        return result

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def _before_write(t: Tensor) -> Tensor:
    """A stand-in for ``t`` as it was in the graph before an in-place write re-points it."""
    s = Tensor._make(t._data)
    s.grad_fn, s._output_nr, s._rg, s._vc = t.grad_fn, t._output_nr, t._rg, t._counter()
    return s


# ---------------------------------------------------------------------------------------------
# Primitive.apply: the hot path of every op
# ---------------------------------------------------------------------------------------------
# Ops of one or two positional inputs (elementwise arithmetic: most of a training step, and all
# of a backward pass) take paths with no lists, which the operators (``x * y``, ``-x``) call
# directly; any other op makes one pass over its arguments that unwraps the arrays and, when
# grad mode records, links the node to its inputs before forward runs (forward may then save
# only what the wanted gradients need).

def apply_unary(cls: type, a) -> Tensor | tuple:
    """``cls.apply(a)`` for the Primitive ``cls`` (the operators call it as ``cls._apply1``)."""
    if a.__class__ is not Tensor and not isinstance(a, Tensor):
        return _apply_any(cls, (a,), _NO_KWARGS)
    d = a._data
    fast = cls.float_ufunc
    out = fast(d) if fast is not None and d.dtype.kind == "f" else None
    if out is None and d.dtype.kind == "V":  # (bfloat16, the one kind-'V' dtype of tensors)
        return _apply_any(cls, (a,), _NO_KWARGS)
    if not (a._rg and STATE.enabled):
        if out is None:
            out = cls.forward(_new(cls), d)
        if out.__class__ is np.ndarray and not cls.is_view:
            t = _new(Tensor)  # (the common case of _wrap_plain, inlined)
            t._data, t._rg, t.grad_fn = out, False, None
            return t
        return _wrap_plain(cls, out, (a,), _NO_KWARGS)
    ctx = _new(cls)
    gf = a.grad_fn
    ctx.next_functions = ((gf, a._output_nr) if gf is not None else edge(a),)
    ctx._in_meta = ((d.shape, d.dtype),)
    ctx._seq = _next_seq()
    ctx.needs_input_grad = _NEEDS_ONE
    if ANOMALY.enabled:
        ctx._trace = forward_trace()
    if out is None:
        out = cls.forward(ctx, d)
    if out.__class__ is np.ndarray and out.dtype.kind == "f" and not cls.is_view:
        t = _new(Tensor)  # (one float array, the common case of _wrap_recorded, inlined)
        t._data, t._rg, t.grad_fn = out, True, ctx
        if ctx._to_save is not None:
            ctx._save((a,), (d,), (t,))
        elif cls.saves is not None:
            _save_declared(ctx, (a,), t)
        return t
    return _wrap_recorded(ctx, cls, out, (a,), (d,), _NO_KWARGS)


def apply_binary(cls: type, a, b) -> Tensor | tuple:
    """``cls.apply(a, b)`` for the Primitive ``cls``, either input a Tensor or a constant
    (the operators call it as ``cls._apply2``)."""
    a_is_t = a.__class__ is Tensor or isinstance(a, Tensor)
    b_is_t = b.__class__ is Tensor or isinstance(b, Tensor)
    da = a._data if a_is_t else a
    db = b._data if b_is_t else b
    out = None
    fast = cls.float_ufunc  # (other operands, bools among them, go to forward)
    if fast is not None and (
            da.__class__ is np.ndarray and da.dtype.kind == "f" and (
                db.__class__ is np.ndarray and db.dtype is da.dtype
                or db.__class__ is float or db.__class__ is int)
            or (da.__class__ is float or da.__class__ is int)  # (1 - x in backward passes)
            and db.__class__ is np.ndarray and db.dtype.kind == "f"):
        try:
            out = fast(da, db)
        except ValueError:  # shapes that don't broadcast: forward raises the op's error
            pass
    if out is None and (a_is_t and da.dtype.kind == "V" or b_is_t and db.dtype.kind == "V"):
        return _apply_any(cls, (a, b), _NO_KWARGS)
    if _backend.devices_used and a_is_t and b_is_t and da.__class__ is not db.__class__:
        da, db = same_device((da, db))
    if not STATE.enabled or not (a_is_t and a._rg or b_is_t and b._rg):
        if out is None:  # (no graph: every op inside a backward pass)
            out = cls.forward(_new(cls), da, db)
        if out.__class__ is np.ndarray and not cls.is_view:
            t = _new(Tensor)  # (the common case of _wrap_plain, inlined)
            t._data, t._rg, t.grad_fn = out, False, None
            return t
        return _wrap_plain(cls, out, (a, b), _NO_KWARGS)
    rg_a = a_is_t and a._rg
    rg_b = b_is_t and b._rg
    ctx = _new(cls)
    if rg_a:
        gf = a.grad_fn
        ea, ma = (gf, a._output_nr) if gf is not None else edge(a), (da.shape, da.dtype)
    else:
        ea, ma = _NO_EDGE, None
    if rg_b:
        gf = b.grad_fn
        eb, mb = (gf, b._output_nr) if gf is not None else edge(b), (db.shape, db.dtype)
    else:
        eb, mb = _NO_EDGE, None
    ctx.next_functions, ctx._in_meta, ctx.needs_input_grad = (ea, eb), (ma, mb), (rg_a, rg_b)
    ctx._seq = _next_seq()
    if ANOMALY.enabled:
        ctx._trace = forward_trace()
    if out is None:
        out = cls.forward(ctx, da, db)
    if out.__class__ is np.ndarray and out.dtype.kind == "f" and not cls.is_view:
        t = _new(Tensor)  # (one float array, the common case of _wrap_recorded, inlined)
        t._data, t._rg, t.grad_fn = out, True, ctx
        if ctx._to_save is not None:
            ctx._save((a, b), (da, db), (t,))
        elif cls.saves is not None:
            _save_declared(ctx, (a, b), t)
        return t
    return _wrap_recorded(ctx, cls, out, (a, b), (da, db), _NO_KWARGS)


def _apply_any(cls, args, kwargs):
    """``cls.apply(*args, **kwargs)`` for any arguments."""
    ctx = _new(cls)
    raw = []
    edges = meta = needs = None
    record = STATE.enabled
    bf16 = False
    for a in args:
        if a.__class__ is Tensor or isinstance(a, Tensor):
            d = a._data
            raw.append(d)
            bf16 = bf16 or d.dtype.kind == "V"  # (bfloat16)
            if a._rg and record:
                if edges is None:  # the first input that wants a gradient
                    n = len(raw) - 1
                    edges, meta, needs = [_NO_EDGE] * n, [None] * n, [False] * n
                gf = a.grad_fn
                edges.append((gf, a._output_nr) if gf is not None else edge(a))
                meta.append((d.shape, d.dtype))
                needs.append(True)
                continue
        else:
            raw.append(a)
        if edges is not None:
            edges.append(_NO_EDGE)
            meta.append(None)
            needs.append(False)
    forward = _forward_bf16 if bf16 and not cls.is_view and not cls.bf16_native \
        else cls.forward
    if _backend.devices_used:
        raw = same_device(raw, [isinstance(a, Tensor) for a in args])
    if edges is None:
        return _wrap_plain(cls, forward(ctx, *raw, **kwargs), args, kwargs)
    ctx.next_functions, ctx._in_meta = tuple(edges), meta
    ctx.needs_input_grad = tuple(needs)
    ctx._seq = _next_seq()
    if ANOMALY.enabled:
        ctx._trace = forward_trace()
    out = forward(ctx, *raw, **kwargs)
    return _wrap_recorded(ctx, cls, out, args, raw, kwargs)


def same_device(raw, is_tensor=None) -> list:
    """The arrays of an op's tensors, checked to be on one device as PyTorch checks them: a
    0-d CPU tensor goes along with CUDA tensors (as a scalar, which either device takes);
    any other mix is PyTorch's RuntimeError. ``is_tensor`` marks which of ``raw`` came
    from tensors (other arrays are the op's own constants); all of them by default."""
    devices = {device_of(r) for k, r in enumerate(raw) if (is_tensor is None or is_tensor[k])
               and (r.__class__ is np.ndarray or is_device_array(r))}
    if len(devices) < 2:
        return raw
    out = list(raw)
    for k, r in enumerate(raw):
        if (is_tensor is None or is_tensor[k]) and r.__class__ is np.ndarray:
            if r.ndim:
                cuda = next(d for d in devices if d.type == "cuda")
                raise RuntimeError("Expected all tensors to be on the same device, but found "
                                   f"at least two devices, {cuda} and cpu!")
            out[k] = r[()]  # (a NumPy scalar)
    return out


# bfloat16 inputs: NumPy has bfloat16 arrays (ml_dtypes) but no fast or accurate loops for them
# (no BLAS; sums accumulate in bfloat16), so an op computes in float32 and rounds its float32
# results back to bfloat16 when PyTorch's promotion of its floating inputs gives bfloat16, as
# PyTorch's CPU kernels do. Views (which must share memory) and ops that only move or cast
# elements (``bf16_native``) run on the bfloat16 arrays themselves. Saved arrays are mapped back
# to the bfloat16 inputs and rounded outputs, so backward sees what PyTorch's would.

def _forward_bf16(ctx, *raw, **kwargs):
    """``forward`` of the op ``type(ctx)`` on arrays some of which are bfloat16."""
    cls = type(ctx)
    up = [r.astype(np.float32) if r.__class__ is np.ndarray and r.dtype.kind == "V" else r
          for r in raw]
    out = cls.forward(ctx, *up, **kwargs)
    outs = out if out.__class__ is tuple else (out,)
    rounded = outs
    if _rounds_to_bf16(raw, kwargs):
        bf16 = _bf16()
        rounded = tuple([o.astype(bf16) if isinstance(o, (np.ndarray, np.floating))
                         and o.dtype == np.float32 else o for o in outs])
    saved = ctx._to_save
    if saved is not None:  # match saved arrays to the bfloat16 inputs and outputs
        swap = {id(u): r for u, r in zip(up, raw) if u is not r}
        swap.update({id(o): r for o, r in zip(outs, rounded) if o is not r})
        ctx._to_save = tuple([swap.get(id(s), s) for s in saved])
    return rounded if out.__class__ is tuple else rounded[0]


def _rounds_to_bf16(raw, kwargs) -> bool:
    """Whether an op's float32 results stand for bfloat16 ones: its floating array inputs
    promote to bfloat16 and no ``dtype`` argument asks for another."""
    if kwargs.get("dtype") is not None or any(r.__class__ is _Dtype for r in raw):
        return False
    floats = [r for r in raw if r.__class__ is np.ndarray and _is_float(r.dtype)]
    return floats != [] and _result_type(*floats).kind == "V"


class Primitive(Function):
    """Base of npgrad's built-in ops: ``forward`` runs on raw arrays, ``backward`` on Tensors.

    Positional arguments are Tensors or constants (Python scalars, arrays, indices); keyword
    arguments are constants. Outputs of non-floating dtype never require grad. Subclasses set
    ``node_name`` to the name PyTorch gives the same node (``MulBackward0``), and ``is_view``
    when the output may share memory with the first input (so the two share a version
    counter, and in-place changes to the view reach the base's graph).

    ``saves`` declares what backward reads from ``ctx.saved_tensors`` when it is one of two
    common cases, and apply then saves it directly (cheaper than ``save_for_backward`` in
    forward, which must find each array among the inputs and outputs; this is how PyTorch's
    built-ins declare their saved values too): ``"output"``, the op's one output;
    ``"input"``, the op's one input; ``"bilinear"``, the two inputs of a product, each saved
    only when the other input requires grad (d/da needs b, d/db needs a), so that nothing
    unneeded is kept alive; ``"quotient"``, the two inputs of ``a / b``, ``a`` only when
    ``b`` requires grad (d/da needs b, d/db needs a and b).

    ``float_ufunc`` is the NumPy ufunc that *is* the op's forward for floating arrays of one
    dtype (with a Python number as either operand, too): apply then calls it directly,
    the hot path of elementwise arithmetic; ``forward`` still handles everything else.
    """

    node_name = ""
    is_view = False
    bf16_native = False  # runs on bfloat16 arrays as they are (see _forward_bf16)
    saves = None
    float_ufunc = None

    def name(self) -> str:
        return self.node_name or f"{type(self).__name__}Backward0"

    # apply without its argument packing, for callers that know the arity (the operators)
    _apply1 = classmethod(apply_unary)
    _apply2 = classmethod(apply_binary)

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the op on arrays unwrapped from its Tensor arguments, and record it in the
        graph when grad mode is on and an input requires grad."""
        if not kwargs:  # (one or two inputs: elementwise arithmetic, the hot path)
            n = len(args)
            if n == 2:
                return apply_binary(cls, args[0], args[1])
            if n == 1:
                return apply_unary(cls, args[0])
        return _apply_any(cls, args, kwargs)


# ---------------------------------------------------------------------------------------------
# Dispatch wrappers: forward-mode AD and the profiler see every op call. While none is set,
# ops run exactly as above (nothing on their path checks for wrappers); setting one replaces
# the ``apply`` entry points of Primitive by ``_dispatch`` (Function.apply calls it itself),
# which calls the wrappers (first added, outermost) around the plain ``apply``.
# ---------------------------------------------------------------------------------------------

_WRAPPERS: list = []
_PLAIN_PRIMITIVE = Primitive.__dict__["apply"].__func__
_PLAIN_FUNCTION = Function.__dict__["_apply_plain"].__func__
# (Function.apply is not swapped: it looks at the wrappers itself, see there)
_ENTRY_POINTS = ((Primitive, "apply"), (Primitive, "_apply1"), (Primitive, "_apply2"))
_PLAIN_ENTRIES = {(c, n): c.__dict__[n] for c, n in _ENTRY_POINTS}


def add_dispatch_wrapper(wrapper) -> None:
    """Route every op through ``wrapper(cls, args, kwargs, call)``, which returns the op's
    result; ``call(args, kwargs)`` runs the op (and the wrappers added after this one)."""
    _WRAPPERS.append(wrapper)
    for c, n in _ENTRY_POINTS:
        setattr(c, n, classmethod(_dispatch))


def remove_dispatch_wrapper(wrapper) -> None:
    """Undo :func:`add_dispatch_wrapper`; with no wrapper left, ops take their plain path."""
    _WRAPPERS.remove(wrapper)
    if not _WRAPPERS:
        for (c, n), entry in _PLAIN_ENTRIES.items():
            setattr(c, n, entry)


def _dispatch(cls, *args, **kwargs):
    plain = _PLAIN_PRIMITIVE if issubclass(cls, Primitive) else _PLAIN_FUNCTION
    wrappers = tuple(_WRAPPERS)

    def run(i, a, k):
        if i == len(wrappers):
            return plain(cls, *a, **k)
        return wrappers[i](cls, a, k, lambda a2, k2: run(i + 1, a2, k2))
    return run(0, args, kwargs)


def _wrap_plain(cls, out, args, kwargs):
    """The Tensors of an op's forward result when no graph is recorded."""
    if out.__class__ is not tuple:
        if out.__class__ is not np.ndarray:  # NumPy gives scalars for 0-d arithmetic
            out = as_array(out)
        t = _new(Tensor)  # (Tensor._make, inlined)
        t._data, t._rg, t.grad_fn = out, False, None
        if cls.is_view:
            _link_view(t, args, cls, kwargs)
        return t
    return tuple([_make(o if o.__class__ is np.ndarray else as_array(o)) for o in out])


def _wrap_recorded(ctx, cls, out, args, raw, kwargs):
    """The Tensors of a recording op's forward result, linked to its node ``ctx``; outputs of
    non-floating dtype get no gradient."""
    if out.__class__ is not tuple:
        if out.__class__ is not np.ndarray:  # NumPy gives scalars for 0-d arithmetic
            out = _as_array(ctx, out)
        t = _new(Tensor)  # (Tensor._make, inlined)
        t._data = out
        if _is_float(out.dtype):
            t._rg, t.grad_fn = True, ctx
        else:
            t._rg, t.grad_fn = False, None
        if cls.is_view:
            _link_view(t, args, cls, kwargs)
        if t._rg:
            if ctx._to_save is not None:
                ctx._save(args, raw, (t,))
            elif cls.saves is not None:
                _save_declared(ctx, args, t)
        return t
    outs = tuple([_make(o if o.__class__ is np.ndarray else _as_array(ctx, o)) for o in out])
    diff = False
    for i, o in enumerate(outs):
        if _is_float(o._data.dtype):
            o.grad_fn, o._output_nr, o._rg = ctx, i, True
            diff = True
    if diff:
        ctx._n_outputs = len(outs)
        ctx._out_meta = [(o._data.shape, o._data.dtype, array_module(o._data)) for o in outs]
        if ctx._to_save is not None:
            ctx._save(args, raw, outs)
    return outs


def _save_declared(ctx, args, out: Tensor) -> None:
    """Save what the op's ``saves`` declares (see :class:`Primitive`) for its output ``out``."""
    saves = ctx.saves
    if saves == "output":
        vc = out._vc = _new(VersionCounter)  # (a new tensor: it has no counter yet; _new
        vc.v = 0                              # skips the call of __init__, on the hot path)
        ctx._saved = [(1, (out._data, 0), vc, 0)]
    elif saves == "input":
        ctx._saved = [_input_entry(args[0])]
    else:  # "bilinear" (d/da needs b, d/db needs a) or "quotient" (d/db needs b too)
        a, b = args
        need_a, need_b = ctx.needs_input_grad
        ctx._saved = [_input_entry(a) if need_b else _SAVED_NONE,
                      _input_entry(b) if need_a or saves == "quotient" else _SAVED_NONE]
    if SAVED_HOOKS.stack:
        _pack_saved(ctx)


# ---------------------------------------------------------------------------------------------
# Saved-tensor hooks (autograd.graph.saved_tensors_hooks): the innermost pack hook sees each
# saved tensor when the op records, and its unpack hook gives it back to saved_tensors. As in
# PyTorch, what unpack returns is re-attached to the saved tensor's place in the graph (same
# grad_fn, or the same leaf's accumulator) so double backward still reaches the inputs.
# ---------------------------------------------------------------------------------------------

def _pack_saved(node) -> None:
    """Replace the node's saved tensors by what the innermost pack hook makes of them."""
    pack, unpack = SAVED_HOOKS.stack[-1]
    packed = []
    with no_grad():  # (PyTorch runs pack hooks with grad mode off)
        for entry in node._saved:
            kind, obj = entry[0], entry[1]
            if kind == 1:
                t = Tensor._make_result(obj[0], node, obj[1], entry[2])
                info = (None, obj[1], None, True)
            elif isinstance(obj, Tensor):
                info = (obj.grad_fn, obj._output_nr,
                        edge(obj)[0] if obj._rg and obj.grad_fn is None else None, obj._rg)
                t = obj
            elif obj.__class__ is np.ndarray:  # an intermediate array forward saved
                t, info = Tensor._make(obj), (None, 0, None, False)
            else:  # None, a number or another constant: not a tensor, not packed
                packed.append(entry)
                continue
            packed.append((3, pack(t), unpack, info))
    node._saved = packed


def _unpack_hooked(node, entry) -> Tensor:
    """A saved tensor given back by its unpack hook, in its place in the graph."""
    _, packed, unpack, (grad_fn, output_nr, acc, requires_grad) = entry
    t = unpack(packed)
    if not isinstance(t, Tensor):
        raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                        f"result of type {type(t).__name__}")
    if not requires_grad:
        return t
    if grad_fn is None and acc is None:
        grad_fn = node  # one of the node's own outputs
    if t._rg and (t.grad_fn is grad_fn if acc is None else edge(t)[0] is acc):
        return t  # already in its place (a pack hook that keeps the tensor itself)
    out = Tensor._make(t._data)
    out._rg = True
    if acc is None:
        out.grad_fn, out._output_nr = grad_fn, output_nr
    else:  # a leaf: a new leaf that accumulates into the same one, as PyTorch's
        out._acc = weakref.ref(acc)
    return out


def _input_entry(x) -> tuple:
    """The saved entry of an input: a Tensor with its version, or a constant."""
    if isinstance(x, Tensor):
        vc = x._vc
        return (0, x, None, 0 if vc is None else vc.v)
    return (2, x, None, 0)


def _as_array(ctx, scalar) -> np.ndarray:
    """Wrap a NumPy scalar output as a 0-d array, and let a saved reference to the scalar
    point at the array, so it is matched to the output (double backward stays connected)."""
    out = as_array(scalar)
    if out is scalar:  # (a device array)
        return out
    saved = ctx._to_save
    if saved is not None:
        ctx._to_save = tuple([out if s is scalar else s for s in saved])
    return out


def _link_view(out, args, cls, kwargs) -> None:
    """Make a view share its base's version counter and remember how to recompute it."""
    base = args[0]
    if not isinstance(base, Tensor) or not np.may_share_memory(out._data, base._data):
        return
    out._vc = base._counter()
    step = (cls, args[1:], kwargs)
    if base._view is None:
        out._view = (base, (step,))
    else:
        root, steps = base._view
        out._view = (root, steps + (step,))


def _modified_message(node, entry) -> str:
    kind, obj, vc, version = entry
    if kind == 1:
        arr, nr = obj
        what = f"output {nr} of {node.name()}"
    else:
        arr = obj._data if isinstance(obj, Tensor) else obj
        gf = getattr(obj, "grad_fn", None)
        what = f"output {obj._output_nr} of {gf.name()}" if gf is not None else "a leaf tensor"
    now = vc.v if kind == 1 else obj._version
    desc = f"[{arr.dtype} tensor of shape {tuple(arr.shape)}]"
    return (f"one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {desc}, which is {what}, is at version {now}; expected "
            f"version {version} instead (it was saved by {node.name()}). Hint: the in-place "
            f"change happened after the forward pass; use an out-of-place op instead.")


_new = object.__new__
_make = Tensor._make


def edge(t: Tensor) -> tuple:
    """The graph edge that gradients for ``t`` flow into: ``(grad_fn, output_nr)``, or for a
    leaf its AccumulateGrad node, made on first use and held weakly by the tensor (the graph
    holds it strongly while it lives)."""
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    acc = t._acc() if t._acc is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._acc = weakref.ref(acc)
    return (acc, 0)
