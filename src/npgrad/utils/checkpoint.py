"""Activation checkpointing, as ``torch.utils.checkpoint``: trade compute for memory by not
keeping a function's intermediate values for backward, and recomputing them when backward
reaches the function.

Two variants, chosen by ``use_reentrant`` as in PyTorch:

* ``use_reentrant=True``: the function runs under ``no_grad`` (nothing of it is kept); in
  backward it runs again with grad on and a nested ``backward()`` pushes the gradients through
  it, into its inputs and straight into the ``.grad`` of the parameters it uses. As in
  PyTorch, it needs an input that requires grad, works with ``.backward()`` only, and takes no
  keyword arguments.
* ``use_reentrant=False`` (PyTorch's recommendation): the recomputed function's gradients go
  back through the outer graph, so ``autograd.grad``, ``backward(inputs=...)``, keyword
  arguments and functions whose only trainable tensors are parameters all work. NOTE: PyTorch
  drops the function's saved tensors as they are made (saved-tensor hooks); npgrad records the
  function's graph, notes the leaf tensors it reaches (parameters, and tensors captured from
  outside, so their gradients can be routed), and drops the graph when the function returns:
  the saving is the same after the call, but the peak inside one call is the plain one's.

With ``preserve_rng_state`` (the default) the recomputation sees the random state of the first
run, so dropout draws the same mask twice.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Callable

from ..autograd.engine import backward as run_backward
from ..autograd.engine import checkpoint_valid, grad
from ..autograd.function import AccumulateGrad, Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ..random import default_generator
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError"]

_NO_REENTRANT_CHOICE = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants.")


class CheckpointError(RuntimeError):
    """The recomputation did not reproduce the first run (PyTorch's class of that name)."""


@contextlib.contextmanager
def _random_state(state):
    """Run the block from the random ``state`` (None: as it is), then restore the state
    that was current, so recomputing does not change the numbers drawn after it."""
    if state is None:
        yield
        return
    current = default_generator.get_state()
    default_generator.set_state(state)
    try:
        yield
    finally:
        default_generator.set_state(current)


def _detached(args: tuple) -> tuple:
    """The arguments with each Tensor replaced by a new leaf on the same data (requiring grad
    as the original does), so a recorded graph starts at them."""
    return tuple(a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a
                 for a in args)


def _as_tuple(outputs) -> tuple:
    return outputs if isinstance(outputs, tuple) else (outputs,)


def _check_same_outputs(first: list, again: tuple) -> None:
    """PyTorch's default determinism check: the recomputed outputs have the first run's
    shapes and dtypes."""
    now = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in again]
    if now != first:
        raise CheckpointError("torch.utils.checkpoint: Recomputed values for the following "
                              f"tensors have different metadata than during the forward pass."
                              f"\nforward: {first}\nrecomputed: {now}")


# -- use_reentrant=True ------------------------------------------------------------------------

class _ReentrantCheckpoint(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = default_generator.get_state() if preserve_rng_state else None
        ctx.args = tuple(None if isinstance(a, Tensor) else a for a in args)
        ctx.tensor_at = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*(args[i] for i in ctx.tensor_at))
        outputs = run_function(*args)
        ctx.output_meta = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None
                        for o in _as_tuple(outputs)]
        return outputs

    @staticmethod
    def backward(ctx, *grads):
        if not checkpoint_valid():
            raise RuntimeError("When use_reentrant=True, torch.utils.checkpoint is incompatible "
                               "with .grad() or passing an `inputs` parameter to .backward(). "
                               "To resolve this error, you can either set use_reentrant=False, "
                               "or call .backward() without passing the `inputs` argument.")
        args = list(ctx.args)
        for i, t in zip(ctx.tensor_at, ctx.saved_tensors):
            args[i] = t
        args = _detached(tuple(args))
        with _random_state(ctx.rng_state), enable_grad():
            outputs = _as_tuple(ctx.run_function(*args))
        _check_same_outputs(ctx.output_meta, outputs)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        run_backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(a.grad if isinstance(a, Tensor) else None for a in args)


def _checkpoint_reentrant(function, preserve_rng_state: bool, args: tuple):
    if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=3)
    return _ReentrantCheckpoint.apply(function, preserve_rng_state, *args)


# -- use_reentrant=False ---------------------------------------------------------------------

def _leaves(outputs: tuple, exclude: set) -> list:
    """The leaf tensors requiring grad that the recorded graph of ``outputs`` reaches, in the
    order first met (less those in ``exclude``, by id)."""
    found, seen = {}, set()
    stack = [o.grad_fn for o in outputs if isinstance(o, Tensor) and o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            v = node.variable
            if v is not None and id(v) not in exclude:
                found.setdefault(id(v), v)
            continue
        stack.extend(n for n, _ in node.next_functions)
    return list(found.values())


class _Recompute(Function):
    """The node standing for a checkpointed call: its inputs are the call's tensor arguments
    and the leaves it reached; backward recomputes the call and differentiates it."""

    @staticmethod
    def forward(ctx, plan, *inputs):
        ctx.plan = plan
        return tuple(o.detach() if isinstance(o, Tensor) else o for o in plan.outputs)

    @staticmethod
    def backward(ctx, *grads):
        plan = ctx.plan
        create_graph = is_grad_enabled()  # the outer pass records when create_graph=True
        args = _detached(plan.args)
        with _random_state(plan.rng_state), enable_grad():
            outputs = _as_tuple(plan.function(*args, **plan.kwargs))
        if plan.check:
            _check_same_outputs(plan.metadata, outputs)
        wrt = [args[i] for i in plan.tensor_at] + plan.leaves
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            return (None,) * (1 + len(wrt))
        wanted = [(t, need) for t, need in zip(wrt, ctx.needs_input_grad[1:])]
        targets = [t for t, need in wanted if need and t.requires_grad]
        # retain_graph: a leaf reached through a tensor captured from outside the function is
        # reached through the outer graph, which the outer pass must still be able to run
        found = iter(grad([o for o, _ in pairs], targets, [g for _, g in pairs],
                          retain_graph=True, create_graph=create_graph, allow_unused=True)
                     if targets else ())
        return (None,) + tuple(next(found) if need and t.requires_grad else None
                               for t, need in wanted)


class _Plan:
    """What recomputing a call needs (held by its node, freed with the graph)."""

    def __init__(self, function, args, kwargs, rng_state) -> None:
        self.function, self.kwargs, self.rng_state = function, kwargs, rng_state
        self.args = args
        self.tensor_at = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.outputs, self.metadata, self.leaves = (), [], []


def _checkpoint_non_reentrant(function, preserve_rng_state: bool, args: tuple, kwargs: dict,
                              check: bool = True):
    if not is_grad_enabled():
        return function(*args, **kwargs)
    plan = _Plan(function, args, kwargs,
                 default_generator.get_state() if preserve_rng_state else None)
    plan.check = check
    inner = _detached(args)
    outputs = function(*inner, **kwargs)
    single = not isinstance(outputs, tuple)
    outs = _as_tuple(outputs)
    plan.metadata = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in outs]
    plan.leaves = _leaves(outs, {id(a) for a in inner if isinstance(a, Tensor)})
    plan.outputs = outs
    result = _Recompute.apply(plan, *(args[i] for i in plan.tensor_at), *plan.leaves)
    plan.outputs = ()  # drop the first run's graph: only the node's plan is kept
    del outs, outputs, inner
    return result[0] if single else result


# -- the public functions ----------------------------------------------------------------------

def checkpoint(function: Callable, *args, use_reentrant: bool | None = None,
               context_fn=None, determinism_check: str = "default", debug: bool = False,
               preserve_rng_state: bool = True, **kwargs):
    """Call ``function(*args, **kwargs)`` without keeping its intermediate values for
    backward; backward recomputes them. Gradients are those of the plain call.

    >>> y = checkpoint(block, x, use_reentrant=False)
    """
    if use_reentrant is None:
        warnings.warn(_NO_REENTRANT_CHOICE, stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if context_fn is not None or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return _checkpoint_reentrant(function, preserve_rng_state, args)
    if determinism_check not in ("default", "none"):
        raise ValueError("determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    if context_fn is not None:
        # NOTE: PyTorch runs forward and recompute inside these contexts (selective
        # checkpointing needs its dispatch modes); npgrad has none, so it refuses, not ignores
        raise NotImplementedError("npgrad.utils.checkpoint: context_fn is not supported")
    return _checkpoint_non_reentrant(function, preserve_rng_state, args, kwargs,
                                     check=determinism_check == "default")


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,
                          **kwargs):
    """Run a sequence of functions (an ``nn.Sequential`` or a list) in ``segments`` chunks,
    checkpointing every chunk but the last, whose values backward needs first anyway.

    >>> y = checkpoint_sequential(model, 4, x, use_reentrant=False)
    """
    if use_reentrant is None:
        warnings.warn(_NO_REENTRANT_CHOICE, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    functions = list(functions.children()) if hasattr(functions, "children") else \
        list(functions)
    size = len(functions) // segments

    def run(start: int, end: int):
        def forward(x):
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
