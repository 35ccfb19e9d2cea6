"""The backward engine: one iterative pass over the graph, in topological order.

1. Every node carries a sequence number, given when it was recorded (``Node._seq``); a node
   is recorded after the nodes of its inputs, so its number is larger than theirs.
2. The pass keeps the nodes that have received gradient but not run yet in a heap, and
   always runs the one with the largest number: every node that can still send it gradient
   has a larger number, so has run already (PyTorch's engine orders its ready queue by the
   same numbers). Each node thus runs exactly once, with its gradient complete, and no
   separate walk of the graph is needed first (no recursion either: a chain of a million
   ops is fine).
3. Gradients live in a dict local to the pass; only leaves (``AccumulateGrad``) and tensors
   that called ``retain_grad()`` keep theirs.

Broadcasting is undone here and nowhere else: a gradient is summed down to the shape its input
had in forward, and cast to that input's dtype.
"""
from __future__ import annotations

import functools
import gc
import warnings
from heapq import heapify, heappop, heappush

import numpy as np

from ..backend import device_of, to_device
from ..dtypes import dtype, is_float_np
from ..tensor import Tensor
from .function import AccumulateGrad, Function, edge
from .grad_mode import ANOMALY, STATE, set_grad_enabled


def _postorder(roots) -> list:
    """Every node reachable from ``roots``, children before parents (iteratively): what a
    pass with targets needs to know before it starts (which nodes lead to a target).

    One depth-first search per root not yet reached: a root may feed another (``w, v =
    eigh(a)`` with roots ``w`` and ``v * v``)."""
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _needed(order, targets) -> set:
    """Nodes from which a target is reachable: only they must run when targets are given."""
    needed = set()
    for node in order:  # children come first, so their verdict is known
        if node in targets or any(c in needed for c, _ in node.next_functions):
            needed.add(node)
    return needed


def _fit(grad, meta, node, i):
    """Sum a gradient down to its input's forward shape and cast it to the input's dtype."""
    shape, dtype = meta
    if grad._data.shape != shape:
        try:
            grad = grad.sum_to_size(shape)
        except RuntimeError:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"{list(grad.shape)} but expected shape compatible with {list(shape)}") from None
    if grad._data.dtype != dtype:
        grad = grad.to(dtype)
    return grad


def _to_grad_dtype(t, buf) -> None:
    """Cast the gradient arriving at leaf ``t`` to its ``grad_dtype`` when one was set."""
    dt = t._grad_dtype
    if isinstance(dt, dtype) and buf[0] is not None and buf[0]._data.dtype != dt.np:
        buf[0] = buf[0].to(dt)


def _accumulate_leaf(t, grad, create_graph: bool) -> None:
    """AccumulateGrad: add ``grad`` into ``t.grad`` (a fresh tensor unless create_graph)."""
    if t._grad is None:
        # Copy: the same gradient object may reach several leaves (``a + b``).
        t._grad = grad if create_graph else Tensor._make(grad._data.copy())
    elif create_graph or STATE.enabled:
        t._grad = t._grad + grad
    else:
        try:
            np.add(t._grad._data, grad._data, out=t._grad._data)
        except (ValueError, TypeError):  # a read-only or broadcast user-set grad
            t._grad = Tensor._make(t._grad._data + grad._data)


def _check_nan(node, grads) -> None:
    for i, g in enumerate(grads):
        if g is not None and is_float_np(g._data.dtype) and np.isnan(g._data).any():
            trace = node._trace or "(the forward trace was not recorded: enable anomaly " \
                                   "mode before the forward pass)\n"
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output.\n"
                f"Traceback of forward call that caused the error:\n{trace}")


class _Pass:
    """A backward pass running now: whether it accumulates into every leaf it reaches (as
    ``backward()`` without ``inputs`` does: a reentrant checkpoint can only run inside such a
    pass), and, once known, the nodes it visits and those it needs (for hooks that ask which
    nodes will run, ``autograd.graph.register_multi_grad_hook``)."""

    __slots__ = ("id", "accumulate", "roots", "needed", "_nodes")
    _count = 0

    def __init__(self, accumulate: bool) -> None:
        _Pass._count += 1
        self.id, self.accumulate = _Pass._count, accumulate
        self.roots, self.needed, self._nodes = (), None, None

    def will_run(self, node) -> bool:
        """Whether ``node`` is reached by this pass and needed by its targets."""
        if self._nodes is None:  # (the pass itself does not walk the graph first)
            self._nodes = set(_postorder(self.roots))
        return node in self._nodes and (self.needed is None or node in self.needed)


_PASSES: list = []  # the passes running now, innermost last


def current_pass():
    """The innermost backward pass running now, or None outside backward."""
    return _PASSES[-1] if _PASSES else None


def checkpoint_valid() -> bool:
    """Whether the backward pass running now is a plain ``backward()`` (PyTorch's
    ``torch.autograd._is_checkpoint_valid``): not ``autograd.grad`` nor ``inputs=``."""
    return not _PASSES or _PASSES[-1].accumulate


def run_backward(roots, retain_graph: bool, create_graph: bool, targets=None,
                 accumulate: bool = True) -> dict:
    """Backpropagate, with Python's cycle collector paused: the graph has no reference
    cycles (refcounting frees it), and the collector's scans of the many small objects a pass
    creates made large backward passes about twice as slow."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    this = _Pass(accumulate)
    _PASSES.append(this)
    try:
        return _run_backward(this, roots, retain_graph, create_graph, targets, accumulate)
    finally:
        _PASSES.pop()
        if paused:
            gc.enable()


def _run_backward(this: _Pass, roots, retain_graph: bool, create_graph: bool, targets=None,
                  accumulate: bool = True) -> dict:
    """Backpropagate ``roots`` (a list of ``((node, output_nr), grad)``).

    With ``targets`` (a set of edges), only the part of the graph leading to them runs; the
    gradients arriving at the targets are returned in a dict keyed by edge. With
    ``accumulate`` leaves' ``.grad`` are updated (``backward``); without it they are not
    (``autograd.grad``).
    """
    buffers: dict = {}
    for (node, nr), grad in roots:
        _add_to_buffer(buffers, node, nr, grad)
    this.roots = list(buffers)
    target_nodes = {n for n, _ in targets} if targets is not None else None
    needed = _needed(_postorder(this.roots), target_nodes) if targets is not None else None
    this.needed = needed
    captured: dict = {}
    run = _run_node_anomaly if ANOMALY.enabled else _run_node
    if NODE_WRAPPERS:  # (the profiler times each node)
        run = _wrapped(run)
    plain = target_nodes is None  # (backward(): every node runs as below, no captures)
    ready = [(-node._seq, node) for node in buffers]  # (see the module's docstring)
    heapify(ready)
    with set_grad_enabled(create_graph):
        while ready:
            node = heappop(ready)[1]
            buf = buffers.pop(node)
            if plain and node._plain:  # (no hooks: the common case of the steps below)
                run(node, buf, buffers, ready, retain_graph)
                continue
            if needed is not None and node not in needed:
                continue
            if node.__class__ is AccumulateGrad and node.variable is not None \
                    and node.variable._grad_dtype is not None:
                _to_grad_dtype(node.variable, buf)
            if node._pre_hooks:
                _run_pre_hooks(node, buf)
            if node._retain:
                _retain_grads(node, buf, create_graph)
            if node._node_pre_hooks:
                _run_node_pre_hooks(node, buf)
            if node.__class__ is AccumulateGrad and node.variable is not None \
                    and node.variable._hooks:
                buf[0] = _call_hooks(node.variable._hooks, buf[0])  # leaf's tensor hooks
            if target_nodes is not None and node in target_nodes:
                for nr, g in enumerate(buf):
                    if (node, nr) in targets:
                        captured[(node, nr)] = g
            if node.__class__ is AccumulateGrad:
                if accumulate and node.variable is not None:
                    _accumulate_leaf(node.variable, buf[0], create_graph)
                    if node.variable._post_acc_hooks:
                        for hook in list(node.variable._post_acc_hooks):
                            hook(node.variable)  # (DDP starts its bucket's allreduce here)
                continue
            if target_nodes is not None and not any(c in needed for c, _ in node.next_functions):
                continue  # a captured target with nothing needed behind it
            run(node, buf, buffers, ready, retain_graph)
    return captured


# Wrappers around each node's backward: ``wrapper(node, run)`` calls ``run()`` (the profiler's
# timing); read once per pass, so an empty list costs nothing per node
NODE_WRAPPERS: list = []


def _wrapped(run):
    def run_wrapped(node, buf, buffers, ready, retain_graph: bool) -> None:
        call = functools.partial(run, node, buf, buffers, ready, retain_graph)
        for wrapper in NODE_WRAPPERS:
            call = functools.partial(wrapper, node, call)
        call()
    return run_wrapped


def _run_node_anomaly(node, buf, buffers, ready, retain_graph: bool) -> None:
    """Anomaly mode: an error in a node's backward also shows where forward created it."""
    try:
        _run_node(node, buf, buffers, ready, retain_graph)
    except Exception:
        if node._trace:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          f"caused the error:\n{node._trace}", stacklevel=2)
        raise


def _run_node(node: Function, buf, buffers, ready, retain_graph: bool) -> None:
    """Run ``node``'s backward on its gradients ``buf`` and pass the results on to its
    children's buffers; a child receiving its first gradient joins the ``ready`` heap."""
    if node._freed:
        raise RuntimeError("Trying to backward through the graph a second time (or directly "
                           "access saved tensors after they have already been freed). Specify "
                           "retain_graph=True if you need to backward through the graph a "
                           "second time.")
    if node._n_outputs == 1:
        grads = node.backward(node, buf[0])
    else:
        buf = _materialize(node, buf)
        grads = node.backward(node, *buf)
    if grads.__class__ is not tuple:
        # (a Tensor first: isinstance is a call, and one gradient is the common return)
        grads = (grads,) if grads.__class__ is Tensor or not isinstance(grads, list) \
            else tuple(grads)
    edges = node.next_functions
    if len(grads) != len(edges):
        if len(grads) < len(edges) or any(g is not None for g in grads[len(edges):]):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of "
                               f"gradients (expected {len(edges)}, got {len(grads)})")
    if node._post_hooks:
        grads = _run_post_hooks(node, grads, buf)
    if ANOMALY.enabled and ANOMALY.check_nan:
        _check_nan(node, grads)
    i = -1  # (a counter, not enumerate: enumerate's nested tuples cost 3.5% of a backward)
    for (child, nr), g, m in zip(edges, grads, node._in_meta):
        i += 1
        if child is None or g is None:
            continue
        if g.__class__ is not Tensor and not isinstance(g, Tensor):
            raise RuntimeError(f"function {node.name()} returned a gradient of type "
                               f"{type(g).__name__} at index {i}; expected a Tensor or None")
        d = g._data
        # dtypes by identity first: NumPy's builtin dtypes are singletons, and _fit compares
        # them by value
        if d.shape != m[0] or d.dtype is not m[1]:
            g = _fit(g, m, node, i)
        cbuf = buffers.get(child)  # (not ``buf``: post hooks below need this node's)
        if cbuf is None:
            heappush(ready, (-child._seq, child))
            if child._n_outputs == 1:
                buffers[child] = [g]
            else:
                cbuf = buffers[child] = [None] * child._n_outputs
                cbuf[nr] = g
        else:
            old = cbuf[nr]
            cbuf[nr] = g if old is None else _sum(old, g)
    if not retain_graph and node._saved is not None:
        node._saved, node._freed = None, True  # (Function._release, inlined)


def _add_to_buffer(buffers, node, nr, grad) -> None:
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._n_outputs
    old = buf[nr]
    buf[nr] = grad if old is None else _sum(old, grad)


def _sum(a: Tensor, b: Tensor) -> Tensor:
    """Two gradients for the same output (same shape and dtype). Only with create_graph must
    the sum be a recorded op; otherwise adding the arrays skips the op machinery."""
    if STATE.enabled:
        return a + b
    return Tensor._make(a._data + b._data)


def _materialize(node, buf) -> list:
    """Zeros for outputs that got no gradient (unless the Function opted out)."""
    if not node.materialize_grads:
        return buf
    out = []
    for g, m in zip(buf, node._out_meta):
        if g is None and m is not None:
            g = Tensor._make(m[2].zeros(m[0], m[1]))
        out.append(g)
    return out


def _call_hooks(hooks, g):
    """Tensor hooks in registration order; a returned tensor replaces the gradient."""
    for hook in list(hooks):
        out = hook(g)
        if out is not None:
            if not isinstance(out, Tensor) or out._data.shape != g._data.shape:
                name = getattr(hook, "__name__", type(hook).__name__)
                raise RuntimeError(f"hook '{name}' has changed the size of value: expected "
                                   f"{tuple(g.shape)}, got "
                                   f"{tuple(np.shape(getattr(out, '_data', out)))}")
            g = out
    return g


def _run_pre_hooks(node, buf) -> None:
    for nr, hooks in node._pre_hooks.items():
        if buf[nr] is not None:
            buf[nr] = _call_hooks(hooks, buf[nr])


def _run_post_hooks(node, grads: tuple, buf) -> tuple:
    """``node.register_hook(hook(grad_inputs, grad_outputs) -> tuple | None)``: a returned
    tuple replaces the gradients the node passes on."""
    for hook in list(node._post_hooks):
        out = hook(grads, tuple(buf))
        if out is not None:
            out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
            if len(out) != len(grads):
                name = getattr(hook, "__name__", type(hook).__name__)
                raise RuntimeError(f"hook '{name}' has returned an incorrect number of values "
                                   f"(got {len(out)}, but expected {len(grads)})")
            grads = out
    return grads


def _run_node_pre_hooks(node, buf) -> None:
    """``node.register_prehook(hook(grad_outputs) -> tuple | None)``."""
    for hook in list(node._node_pre_hooks):
        out = hook(tuple(buf))
        if out is not None:
            buf[:] = list(out)


def _retain_grads(node, buf, create_graph: bool) -> None:
    for nr, ref in node._retain.items():
        t, g = ref(), buf[nr]
        if t is None or g is None:
            continue
        if not create_graph:
            g = Tensor._make(g._data.copy())
        t._grad = g if t._grad is None else t._grad + g


# ---------------------------------------------------------------------------------------------
# The two public entry points
# ---------------------------------------------------------------------------------------------

def _as_tuple(x) -> tuple:
    if x is None:
        return (None,)
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _roots(outputs, grad_outputs, caller: str) -> list:
    outputs = _as_tuple(outputs)
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"{caller}: got {len(grads)} gradients for {len(outputs)} outputs")
    roots = []
    for i, (t, g) in enumerate(zip(outputs, grads)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{caller}: expected Tensors as outputs, got {type(t).__name__}")
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs "
                                   f"(got an output of shape {tuple(t.shape)})")
            g = Tensor._make(np.ones_like(t._data))
        elif not isinstance(g, Tensor):
            g = Tensor._make(to_device(np.asarray(g, t._data.dtype), device_of(t._data)))
        elif g._data.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{tuple(g.shape)} and output[{i}] has a shape of "
                               f"{tuple(t.shape)}.")
        elif g._data.dtype != t._data.dtype:
            g = g.to(t.dtype)  # as PyTorch: the gradient takes its output's dtype
        roots.append((edge(t), g))
    return roots


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs=None) -> None:
    """Compute the sum of gradients of ``tensors`` and accumulate them into leaves' ``.grad``.

    As ``torch.autograd.backward``. With ``inputs``, only those tensors accumulate.
    """
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(tensors, grad_tensors, "backward")
    if inputs is None:
        run_backward(roots, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    edges = {}
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: inputs must be Tensors, got {type(t).__name__}")
        if not t._rg:
            raise RuntimeError("backward: an input tensor does not require grad")
        edges[edge(t)] = t
    captured = run_backward(roots, retain_graph, create_graph, targets=set(edges),
                            accumulate=False)
    for e, t in edges.items():
        g = captured.get(e)
        if g is not None:
            if e[0].__class__ is AccumulateGrad:
                _accumulate_leaf(t, g, create_graph)
            elif not t._retains:  # (a retained grad was already accumulated by the pass)
                if not create_graph:
                    g = Tensor._make(g._data.copy())
                t._grad = g if t._grad is None else t._grad + g


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """Return the gradients of ``outputs`` with respect to ``inputs`` (``torch.autograd.grad``).

    Leaves' ``.grad`` are left untouched. With ``create_graph=True`` the result is itself
    differentiable, which gives higher-order derivatives.

    >>> x = npgrad.tensor(3., requires_grad=True)
    >>> (g,) = npgrad.autograd.grad(x ** 3, x, create_graph=True)   # 3x^2 = 27
    >>> npgrad.autograd.grad(g, x)                                   # 6x = 18
    (tensor(18.),)
    """
    if is_grads_batched:
        raise RuntimeError("autograd.grad: is_grads_batched=True is not supported by npgrad")
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    single = isinstance(inputs, Tensor) or hasattr(inputs, "output_nr")  # (or a GradientEdge)
    inputs = (inputs,) if single else tuple(inputs)
    edges = []
    for i, t in enumerate(inputs):
        if isinstance(t, tuple) and hasattr(t, "output_nr"):  # an autograd.graph.GradientEdge
            edges.append((t[0], t[1]))
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: inputs[{i}] is a {type(t).__name__}, not a Tensor")
        if not t._rg:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad "
                               f"(inputs[{i}])")
        edges.append(edge(t))
    roots = _roots(outputs, grad_outputs, "grad")
    captured = run_backward(roots, retain_graph, create_graph, targets=set(edges),
                            accumulate=False)
    result = []
    for i, (t, e) in enumerate(zip(inputs, edges)):
        g = captured.get(e)
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"One of the differentiated Tensors (inputs[{i}]) appears "
                                   "to not have been used in the graph. Set allow_unused=True "
                                   "if this is the desired behavior.")
            if materialize_grads and isinstance(t, Tensor):
                g = Tensor._make(np.zeros_like(t._data))
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)
