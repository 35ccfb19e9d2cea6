"""Forward-mode automatic differentiation (``torch.autograd.forward_ad``).

Inside a ``dual_level``, ``make_dual(x, t)`` gives a tensor that carries the tangent ``t``;
every op applied to it computes its output's tangent (the Jacobian-vector product J t), and
``unpack_dual(y)`` returns ``(primal, tangent)``.

How npgrad computes a tangent, op by op: npgrad has no per-op forward formulas, but every
op's backward computes v -> J^T v with npgrad ops, which is linear in v and differentiable
again. So for an op with output y and inputs x_i carrying tangents t_i, the tangent of y is

    J t = d/dv < J^T v, t >       (differentiate the backward once more, w.r.t. v)

computed right after the op runs, by its own node (v is a zero tensor that requires grad).
The results are exact (the same Jacobian as reverse mode), for every differentiable op and
custom ``autograd.Function`` whose backward is differentiable; each op costs about one
backward and one double-backward of itself. A custom Function that defines its own
``jvp(ctx, *input_tangents)`` gets its tangents from it instead, as in PyTorch (zeros for
Tensor inputs without a tangent, None for other arguments; it needs no backward). As in PyTorch, only one level can be active.
While no level is active, nothing on the ops' path checks for tangents.
"""
from __future__ import annotations

import weakref
from typing import NamedTuple, Optional

import numpy as np

from ..dtypes import is_float_np
from ..tensor import Tensor
from .engine import _fit, grad as _grad
from .function import _NO_EDGE, Function, add_dispatch_wrapper, remove_dispatch_wrapper
from .grad_mode import STATE, enable_grad

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]


class _Level:
    """The active dual level: its number, the tensors given tangents (to drop them on exit),
    and whether a tangent is being computed (its ops must not compute tangents themselves)."""

    def __init__(self, number: int) -> None:
        self.number, self.duals, self.busy = number, [], False


_ACTIVE: list = []  # the active level (at most one)


def _level() -> Optional[_Level]:
    return _ACTIVE[0] if _ACTIVE else None


def tangent_of(t) -> Optional[Tensor]:
    """``t``'s tangent at the active level, or None."""
    fw = t.__dict__.get("_fw") if isinstance(t, Tensor) else None
    return fw[1] if fw is not None and _ACTIVE and fw[0] is _ACTIVE[0] else None


def set_tangent(t: Tensor, tangent: Optional[Tensor]) -> None:
    """Give ``t`` a tangent at the active level (None removes it)."""
    level = _ACTIVE[0]
    if tangent is None:
        t.__dict__.pop("_fw", None)
        return
    t._fw = (level, tangent)
    level.duals.append(weakref.ref(t))


def enter_dual_level() -> int:
    """Start a dual level (PyTorch supports one at a time) and return its number."""
    if _ACTIVE:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _ACTIVE.append(_Level(0))
    add_dispatch_wrapper(_propagate)
    return 0


def exit_dual_level(*, level: Optional[int] = None) -> None:
    """End the active dual level: every tangent made in it is dropped."""
    if not _ACTIVE:
        raise RuntimeError("Dual level must be a positive number.")
    if level is not None and level != _ACTIVE[0].number:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    done = _ACTIVE.pop()
    remove_dispatch_wrapper(_propagate)
    for ref in done.duals:
        t = ref()
        if t is not None and t.__dict__.get("_fw", (None,))[0] is done:
            del t._fw


class dual_level:
    """Context manager of a dual level: ``with dual_level(): ...``; yields its number."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()


class UnpackedDualTensor(NamedTuple):
    """What :func:`unpack_dual` returns: the primal (a view) and the tangent (or None)."""

    primal: Tensor
    tangent: Optional[Tensor]


def make_dual(tensor: Tensor, tangent: Tensor, *, level: Optional[int] = None) -> Tensor:
    """A view of ``tensor`` that carries ``tangent`` as its forward gradient."""
    if not _ACTIVE:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if not is_float_np(tensor._data.dtype):
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}")
    if not is_float_np(tangent._data.dtype):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{tangent.dtype}")
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    dual = _quiet_view(tensor)
    set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: Optional[int] = None) -> UnpackedDualTensor:
    """``(primal, tangent)`` of ``tensor``: inside a level, the primal is a view of it that
    carries no tangent; the tangent is None where the tensor has none."""
    tangent = tangent_of(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_quiet_view(tensor), tangent)


def _quiet_view(t: Tensor) -> Tensor:
    """``t.view_as(t)`` without tangent propagation (a view of it in the graph)."""
    level = _ACTIVE[0]
    level.busy, busy = True, level.busy
    try:
        return t.view_as(t)
    finally:
        level.busy = busy


# ---------------------------------------------------------------------------------------------
# The dispatch wrapper: every op's output tangent
# ---------------------------------------------------------------------------------------------

def _propagate(cls, args, kwargs, call):
    """Run the op; when inputs carry tangents, give its outputs theirs (J t)."""
    level = _ACTIVE[0] if _ACTIVE else None
    if level is None or level.busy:
        return call(args, kwargs)
    tangents = [tangent_of(a) for a in args]
    wanted = [i for i, t in enumerate(tangents) if t is not None]
    if not wanted:
        return call(args, kwargs)
    record = STATE.enabled  # whether the caller's graph is recorded (for reverse mode)
    stand = list(args)
    stand_ins = set()
    for i, a in enumerate(args):
        if not isinstance(a, Tensor):
            continue
        if tangents[i] is not None and not (a._rg and record):
            stand[i] = _stand_in(a, True)  # so the op records its node, for J t
            stand_ins.add(i)
        elif a._rg and not record:
            stand[i] = _stand_in(a, False)  # (no graph to the caller's tensors in no_grad)
    with enable_grad():
        out = call(tuple(stand), kwargs)
    outs = out if isinstance(out, tuple) else (out,)
    node = next((o.grad_fn for o in outs if isinstance(o, Tensor) and o.grad_fn is not None),
                None)
    if node is None:
        return out
    level.busy = True
    try:
        if _has_own_jvp(cls):
            results = _custom_jvp(cls, node, outs, args, tangents)
        else:
            results = _jvp_of_node(node, outs, [(i, tangents[i]) for i in wanted], args,
                                   record)
    finally:
        level.busy = False
    if record and stand_ins:  # cut the edges to the stand-ins (their gradient goes nowhere)
        node.next_functions = tuple(_NO_EDGE if i in stand_ins else e
                                    for i, e in enumerate(node.next_functions))
        node.needs_input_grad = tuple(False if i in stand_ins else n
                                      for i, n in enumerate(node.needs_input_grad))
        if not any(e[0] is not None for e in node.next_functions):
            _detach_outputs(outs)
    elif not record:
        _detach_outputs(outs)
    for o, t in zip(outs, results):
        if t is not None:
            set_tangent(o, t)
    if record and node._saved:  # outputs the node saved are rebuilt: they need the tangents
        node._fw_out = {o._output_nr: o._fw for o in outs
                        if isinstance(o, Tensor) and o.grad_fn is node and "_fw" in o.__dict__}
    return out


def _has_own_jvp(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, Function) and "jvp" in dir(cls)


def _custom_jvp(cls, ctx, outs, args, tangents) -> list:
    """The output tangents a custom Function's ``jvp`` gives (ctx: its node, as forward saw
    it): one per Tensor output, None for the others."""
    given = [None if not isinstance(a, Tensor) else
             t if t is not None else Tensor._make(np.zeros_like(a._data))
             for a, t in zip(args, tangents)]
    with enable_grad():
        found = cls.jvp(ctx, *given)
    found = found if isinstance(found, (tuple, list)) else (found,)
    if len(found) != len(outs):
        raise RuntimeError(f"{cls.__name__}.jvp returned {len(found)} tangents, but forward "
                           f"returned {len(outs)} outputs: jvp must return one per output")
    return [t if isinstance(o, Tensor) and isinstance(t, Tensor) else None
            for o, t in zip(outs, found)]


def _stand_in(a: Tensor, requires_grad: bool) -> Tensor:
    """A tensor on ``a``'s array (same version counter and view base), as a leaf."""
    s = Tensor._make(a._data)
    s._rg, s._vc, s._view = requires_grad, a._counter(), a._view
    return s


def _detach_outputs(outs) -> None:
    for o in outs:
        if isinstance(o, Tensor):
            o.grad_fn, o._rg = None, False


def _jvp_of_node(node, outs, tangents, args, record: bool) -> list:
    """The tangents of ``outs`` (None for outputs without one): d/dv <backward(v), t>."""
    diff = [isinstance(o, Tensor) and o.grad_fn is node for o in outs]
    vs = []
    for o, d in zip(outs, diff):
        if isinstance(o, Tensor):
            v = Tensor._make(np.zeros_like(o._data))
            v._rg = d
            vs.append(v)
        else:
            vs.append(None)
    create = record and (any(t._rg for _, t in tangents)
                         or any(isinstance(a, Tensor) and a._rg for a in args))
    with enable_grad():
        grads = node.backward(node, *vs)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        pairs = []
        for i, t in tangents:
            g = grads[i] if i < len(grads) else None
            if g is None:
                continue
            g = _fit(g, node._in_meta[i], node, i)
            pairs.append((g, t.to(g.dtype) if t._data.dtype != g._data.dtype else t))
        inputs = [v for v, d in zip(vs, diff) if d]
        if pairs and any(g._rg for g, _ in pairs):
            found = _grad([g for g, _ in pairs], inputs, [t for _, t in pairs],
                          create_graph=create, allow_unused=True)
        else:  # no tangent depends on v: the op is constant in its dual inputs
            found = (None,) * len(inputs)
    found = iter(found)
    results = []
    for o, v, d in zip(outs, vs, diff):
        if not d:
            results.append(None)
            continue
        t = next(found)
        if t is None:
            t = Tensor._make(np.zeros_like(o._data))
        elif not create:
            t = t.detach()
        results.append(t)
    return results
