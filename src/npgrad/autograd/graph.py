"""``torch.autograd.graph``: the graph's nodes and edges, and hooks on what it saves.

* :class:`Node` is the base of every ``grad_fn`` (``isinstance(y.grad_fn, Node)``), with
  ``name()``, ``next_functions``, ``metadata``, ``register_hook`` and ``register_prehook``.
* :func:`get_gradient_edge` names where a tensor's gradient flows (a :class:`GradientEdge`,
  which ``autograd.grad`` accepts in place of the tensor).
* :class:`saved_tensors_hooks` passes every tensor an op saves for backward through a pack
  hook, and gives backward what the unpack hook makes of it (:class:`save_on_cpu` is one
  such pair); :func:`disable_saved_tensors_hooks` forbids them for a while.
* :func:`register_multi_grad_hook` calls one function once the gradients of several tensors
  are known (``mode="all"``) or as soon as the first is (``mode="any"``).
"""
from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, NamedTuple, Sequence

from ..tensor import Tensor
from .engine import current_pass
from .function import Node, edge
from .grad_mode import SAVED_HOOKS

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks",
           "register_multi_grad_hook", "allow_mutation_on_saved_tensors", "Node",
           "GradientEdge", "get_gradient_edge", "increment_version"]


class GradientEdge(NamedTuple):
    """Where a gradient flows into the graph: input ``output_nr`` of ``node``'s backward
    (a leaf's edge is its ``AccumulateGrad`` node). ``ownership_token`` is PyTorch's field
    for keeping C++ nodes alive; npgrad's nodes are Python objects, so it stays None."""

    node: Node
    output_nr: int
    ownership_token: Any = None


def get_gradient_edge(tensor: Tensor) -> GradientEdge:
    """The edge that gradients for ``tensor`` flow into (its grad_fn, or a leaf's
    ``AccumulateGrad``); usable as an input of ``autograd.grad``."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does "
                           "not require gradients")
    node, nr = edge(tensor)
    return GradientEdge(node, nr)


def increment_version(tensor) -> None:
    """Bump the version counter of ``tensor`` (or of each tensor of a sequence), as an
    in-place change that autograd did not see would: backward then refuses saved copies."""
    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._bump()


# ---------------------------------------------------------------------------------------------
# Saved-tensor hooks (the machinery is in autograd/function.py: _pack_saved, _unpack_hooked)
# ---------------------------------------------------------------------------------------------

class saved_tensors_hooks:
    """Context manager: ops recorded inside it pass each tensor they save for backward to
    ``pack_hook(tensor) -> object``, and backward gets ``unpack_hook(object) -> Tensor`` back.

    Only the innermost pair applies. Pack hooks run with grad mode off; the unpacked tensor is
    put back in the saved tensor's place in the graph (its grad_fn, or its leaf's gradient
    accumulator), so double backward works. As in PyTorch, tensors saved through hooks are
    not checked for in-place changes (the hook may have copied them).

    >>> with npgrad.autograd.graph.saved_tensors_hooks(lambda t: t.numpy().copy(),
    ...                                                lambda a: npgrad.from_numpy(a)):
    ...     y = x.sin()
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any],
                 unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> "saved_tensors_hooks":
        if SAVED_HOOKS.disabled is not None:
            raise RuntimeError(SAVED_HOOKS.disabled)
        SAVED_HOOKS.stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc) -> None:
        SAVED_HOOKS.stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU and moved back to their device for backward
    (``pin_memory`` is accepted; npgrad has no pinned memory, so it changes nothing)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack(t: Tensor):
            return t.device, t.cpu()

        def unpack(packed) -> Tensor:
            device, t = packed
            return t.to(device)
        super().__init__(pack, unpack)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str):
    """Inside it, entering :class:`saved_tensors_hooks` (or this while hooks are active)
    raises ``RuntimeError(error_message)``."""
    if SAVED_HOOKS.stack:
        raise RuntimeError(error_message)
    prev, SAVED_HOOKS.disabled = SAVED_HOOKS.disabled, error_message
    try:
        yield
    finally:
        SAVED_HOOKS.disabled = prev


class _AllowMutationOnSavedContext:
    """The object ``allow_mutation_on_saved_tensors`` yields; backward checks it is active."""

    active = False


_MUTATION = [None]  # the active allow_mutation_on_saved_tensors context, if any


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Inside it, tensors saved for backward may be modified in place: backward uses the
    values they had when saved.

    npgrad's way (PyTorch clones a saved tensor when it is first modified, which needs a hook
    in every in-place write): each saved tensor is copied when saved. The results are the
    same; memory is used even for tensors that are never modified. Backward of a graph
    recorded inside must also run inside, as in PyTorch."""
    if _MUTATION[0] is not None:
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
    ctx = _AllowMutationOnSavedContext()
    ctx.active = True

    def pack(t: Tensor):
        return t.clone()

    def unpack(copy: Tensor) -> Tensor:
        if not ctx.active:
            raise AssertionError("Trying to backward outside of the "
                                 "'allow_mutation_on_saved_tensors' context in which the "
                                 "graph was originally recorded.")
        return copy
    _MUTATION[0] = ctx
    try:
        with saved_tensors_hooks(pack, unpack):
            yield ctx
    finally:
        ctx.active, _MUTATION[0] = False, None


# ---------------------------------------------------------------------------------------------
# register_multi_grad_hook
# ---------------------------------------------------------------------------------------------

class _MultiHandle:
    """The handle of several hooks at once: ``remove()`` removes them all."""

    def __init__(self, handles: tuple) -> None:
        self.handles = handles

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable, *,
                             mode: str = "all") -> _MultiHandle:
    """Call ``fn`` once per backward pass when gradients of ``tensors`` are computed.

    ``mode="all"``: ``fn(grads)`` once the gradients of every tensor that this pass reaches
    are known (``grads`` holds None for the others). ``mode="any"``: ``fn(grad)`` with the
    first gradient computed among them. Returns a handle whose ``remove()`` unregisters it.
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "all":
        return _MultiHandle(_register_all(tensors, fn))
    fired: dict = {}  # pass id -> whether fn ran in that pass

    @functools.wraps(fn)
    def any_hook(grad: Tensor) -> None:
        this = current_pass()
        if fired.get(this.id):
            return
        fired.clear()  # (forget finished passes)
        fired[this.id] = True
        fn(grad)
    return _MultiHandle(tuple(t.register_hook(any_hook) for t in tensors if t.requires_grad))


def _register_all(tensors: tuple, fn: Callable) -> tuple:
    """``mode="all"``: each tensor's hook stores its gradient; the last one expected in the
    pass calls ``fn``."""
    nodes = [edge(t)[0] if t.requires_grad else None for t in tensors]
    state: dict = {}  # pass id -> [gradients so far, number still expected]

    def hook_for(i: int):
        def hook(grad: Tensor) -> None:
            this = current_pass()
            entry = state.get(this.id)
            if entry is None:
                expected = sum(1 for n in nodes if n is not None and this.will_run(n))
                entry = state[this.id] = [[None] * len(tensors), expected]
            entry[0][i] = grad
            entry[1] -= 1
            if entry[1] == 0:
                del state[this.id]
                fn(entry[0])
        return hook
    return tuple(t.register_hook(hook_for(i)) for i, t in enumerate(tensors) if t.requires_grad)
