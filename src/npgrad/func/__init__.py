"""``torch.func``: composable function transforms (``grad``, ``vjp``, ``jvp``, ``jacrev``,
``jacfwd``, ``hessian``, ``vmap``, ``functional_call``...).

How npgrad builds them (it has no functorch-style levels of wrapped tensors):

* reverse-mode transforms (``grad``, ``vjp``, ``jacrev``) differentiate w.r.t. a fresh alias
  of each input with ``autograd.grad``; the alias stays connected to the caller's graph (and
  the gradients are computed with ``create_graph``) when the input requires grad or a
  forward-AD level is active, so the transforms nest (``grad(grad(f))``, ``jacfwd(jacrev(f))``);
* forward-mode transforms (``jvp``, ``jacfwd``, ``linearize``) use ``autograd.forward_ad``,
  which allows one level: a forward-mode transform inside another one raises;
* ``vmap`` runs the function once per index of the mapped dimension and stacks the results
  (a loop, not a batching rule per op): the values are those of PyTorch's vmap, and
  ``in_dims``, ``out_dims``, ``randomness`` and ``chunk_size`` mean what they mean there.
"""
from __future__ import annotations

import functools
from typing import Any as _Any, Callable as _Callable

import numpy as np

from ..autograd import forward_ad as _fwad
from ..autograd.engine import grad as _autograd_grad
from ..autograd.grad_mode import STATE as _STATE, enable_grad as _enable_grad
from ..nn.modules.module import Module as _Module
from ..nn.modules.normalization import _BatchNorm
from ..nn.utils.stateless import call_with as _call_with
from ..ops.shape.joins import stack as _stack
from ..random import get_rng_state as _get_rng_state, set_rng_state as _set_rng_state
from ..tensor import Tensor as _Tensor

__all__ = ["grad", "grad_and_value", "vmap", "hessian", "jacfwd", "jacrev", "jvp", "linearize",
           "vjp", "functional_call", "stack_module_state", "functionalize", "debug_unwrap",
           "replace_all_batch_norm_modules_"]


# ---------------------------------------------------------------------------------------------
# Pytrees: nested tuples, lists and dicts (namedtuples kept) with anything else as leaves
# ---------------------------------------------------------------------------------------------

def _flatten(tree) -> tuple[list, _Any]:
    """The leaves of ``tree`` in order, and its structure (for ``_unflatten``)."""
    if isinstance(tree, (tuple, list)):
        leaves, specs = [], []
        for item in tree:
            sub, spec = _flatten(item)
            leaves += sub
            specs.append((len(sub), spec))
        return leaves, (type(tree), specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for key, item in tree.items():
            sub, spec = _flatten(item)
            leaves += sub
            specs.append((key, len(sub), spec))
        return leaves, (dict, specs)
    return [tree], None


def _unflatten(leaves: list, spec):
    if spec is None:
        return leaves[0]
    kind, specs = spec
    if kind is dict:
        out, i = {}, 0
        for key, n, sub in specs:
            out[key] = _unflatten(leaves[i:i + n], sub)
            i += n
        return out
    items, i = [], 0
    for n, sub in specs:
        items.append(_unflatten(leaves[i:i + n], sub))
        i += n
    if hasattr(kind, "_fields"):  # a namedtuple
        return kind(*items)
    return kind(items)


def _map(fn, tree):
    leaves, spec = _flatten(tree)
    return _unflatten([fn(x) for x in leaves], spec)


# ---------------------------------------------------------------------------------------------
# Reverse mode: grad, grad_and_value, vjp, jacrev
# ---------------------------------------------------------------------------------------------

def _connected(tensors) -> bool:
    """Whether results must stay differentiable: an input takes part in a recorded graph, or
    forward-mode tangents must flow through the gradient computation."""
    return bool(_fwad._ACTIVE) or (_STATE.enabled and any(
        isinstance(t, _Tensor) and t.requires_grad for t in tensors))


def _lift(x, connect: bool):
    """A fresh tensor to differentiate at: a view of ``x`` in the graph when connected, else
    a detached copy of it that requires grad."""
    if not isinstance(x, _Tensor):
        return x
    if connect and (x.requires_grad or _fwad.tangent_of(x) is not None):
        view = x.view_as(x)  # (keeps x's graph and tangent)
        return view if view.requires_grad else view.requires_grad_(True)
    return x.detach().requires_grad_(True)


def _argnums(argnums, args: tuple, fn: str) -> tuple:
    """The positions differentiated (checked), as a tuple."""
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(n)}")
        if not -len(args) <= n < len(args):
            raise RuntimeError(f"Got argnum={n}, but only {len(args)} positional inputs")
    return tuple(n % len(args) for n in nums)


def _with_lifted(args: tuple, nums: tuple, connect: bool) -> tuple[tuple, list, list]:
    """``args`` with the differentiated ones lifted; their leaves; their structures."""
    args = list(args)
    leaves, specs = [], []
    for n in nums:
        flat, spec = _flatten(args[n])
        flat = [_lift(x, connect) for x in flat]
        args[n] = _unflatten(flat, spec)
        leaves.append(flat)
        specs.append(spec)
    return tuple(args), leaves, specs


def _gradients(outputs: list, cotangents: list, inputs: list, connect: bool) -> list:
    """d outputs / d inputs contracted with the cotangents (zeros for unused inputs)."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents)
             if isinstance(o, _Tensor) and o.requires_grad]
    wanted = [x for x in inputs if isinstance(x, _Tensor)]
    found = iter(_autograd_grad([o for o, _ in pairs], wanted, [c for _, c in pairs],
                                retain_graph=True, create_graph=connect, allow_unused=True)
                 if pairs and wanted else [None] * len(wanted))
    out = []
    for x in inputs:
        if not isinstance(x, _Tensor):
            out.append(None)
            continue
        g = next(found)
        out.append(x.new_zeros(x.shape) if g is None else g)
    return out


def _result(x, connect: bool):
    """A transform's output: detached from the transform's own graph unless connected."""
    return _map(lambda t: t.detach() if isinstance(t, _Tensor) and not connect else t, x)


def _split_aux(out, has_aux: bool, fn: str):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{fn}(f)(*args): output of function f should be a tuple: "
                           "(output, aux) if has_aux is True")
    return out


def grad_and_value(func: _Callable, argnums=0, has_aux: bool = False) -> _Callable:
    """``func``'s gradient w.r.t. the arguments ``argnums`` and its value:
    ``(grads, value)``, or ``(grads, (value, aux))`` with ``has_aux``."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, args, "grad")
        connect = _connected(_flatten([args[n] for n in nums])[0])
        with _enable_grad():
            lifted, leaves, specs = _with_lifted(args, nums, connect)
            out, aux = _split_aux(func(*lifted, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, _Tensor):
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.dim()} dims. Maybe "
                                   "you wanted to use the vjp or jacrev APIs instead?")
            flat = [x for group in leaves for x in group]
            grads = iter(_gradients([out], [out.new_ones(())], flat, connect))
        per_arg = [_unflatten([next(grads) for _ in group], spec)
                   for group, spec in zip(leaves, specs)]
        g = _result(per_arg[0] if not isinstance(argnums, tuple) else tuple(per_arg), connect)
        value = _result(out, connect)
        return (g, (value, _result(aux, connect))) if has_aux else (g, value)
    return wrapper


def grad(func: _Callable, argnums=0, has_aux: bool = False) -> _Callable:
    """The function computing ``func``'s gradient w.r.t. the arguments ``argnums``
    (``(grads, aux)`` with ``has_aux``); ``func`` must return a 0-d tensor."""
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func: _Callable, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)`` (and ``aux``): ``vjp_fn(cotangents)`` gives the tuple
    of vector-Jacobian products w.r.t. each primal (callable many times)."""
    connect = _connected(_flatten(primals)[0])
    with _enable_grad():
        lifted, leaves, specs = _with_lifted(primals, tuple(range(len(primals))), connect)
        out, aux = _split_aux(func(*lifted), has_aux, "vjp")
    out_leaves, out_spec = _flatten(out)
    for o in out_leaves:
        if not isinstance(o, _Tensor):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has "
                               f"non-empty output. Expected output of f to be a Tensor or a "
                               f"pytree of Tensors, got {type(o)}")

    def vjp_fn(cotangents, *, retain_graph: bool = True, create_graph: bool | None = None):
        cts, ct_spec = _flatten(cotangents)
        if len(cts) != len(out_leaves):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function.")
        for c, o in zip(cts, out_leaves):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{c.shape} and output[0] has a shape of {o.shape}.")
        with _enable_grad():
            flat = [x for group in leaves for x in group]
            grads = iter(_gradients(out_leaves, cts, flat, connect))
        return _result(tuple(_unflatten([next(grads) for _ in group], spec)
                             for group, spec in zip(leaves, specs)), connect)

    result = _result(out, connect)
    return (result, vjp_fn, _result(aux, connect)) if has_aux else (result, vjp_fn)


def _jacobian_blocks(out_leaves: list, in_leaves: list, rows_of) -> list:
    """For each output leaf, a list per input leaf of ``out.shape + in.shape`` Jacobians;
    ``rows_of(i, k)`` gives d out_i[k] / d inputs (one tensor per input leaf)."""
    blocks = []
    for i, o in enumerate(out_leaves):
        rows = [rows_of(i, k) for k in range(o.numel())]
        per_in = []
        for j, x in enumerate(in_leaves):
            shape = tuple(o.shape) + tuple(x.shape)
            per_in.append(_stack([r[j] for r in rows]).reshape(shape) if rows
                          else x.new_zeros(shape))
        blocks.append(per_in)
    return blocks


def _jacobian_tree(out, blocks: list, leaves: list, specs: list, argnums):
    """PyTorch's structure: the output's pytree, each leaf holding the per-argnum tree."""
    def per_argnum(per_in: list):
        it = iter(per_in)
        trees = [_unflatten([next(it) for _ in group], spec)
                 for group, spec in zip(leaves, specs)]
        return tuple(trees) if isinstance(argnums, tuple) else trees[0]
    _, out_spec = _flatten(out)
    return _unflatten([per_argnum(b) for b in blocks], out_spec)


def jacrev(func: _Callable, argnums=0, *, has_aux: bool = False, chunk_size=None,
           _preallocate_and_copy: bool = False) -> _Callable:
    """The Jacobian of ``func`` w.r.t. the arguments ``argnums`` by reverse mode (one
    backward pass per output element; ``chunk_size`` is accepted and changes nothing)."""
    _check_chunk_size(chunk_size)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, args, "jacrev")
        connect = _connected(_flatten([args[n] for n in nums])[0])
        with _enable_grad():
            lifted, leaves, specs = _with_lifted(args, nums, connect)
            out, aux = _split_aux(func(*lifted, **kwargs), has_aux, "jacrev")
            out_leaves, _ = _flatten(out)
            flat = [x for group in leaves for x in group]

            def rows_of(i, k):
                o = out_leaves[i]
                onehot = o.new_zeros(o.numel())
                onehot[k] = 1
                cts = [onehot.view(o.shape) if m == i else p.new_zeros(p.shape)
                       for m, p in enumerate(out_leaves)]
                return _gradients(out_leaves, cts, flat, connect)
            blocks = _jacobian_blocks(out_leaves, flat, rows_of)
        jac = _result(_jacobian_tree(out, blocks, leaves, specs, argnums), connect)
        return (jac, _result(aux, connect)) if has_aux else jac
    return wrapper


# ---------------------------------------------------------------------------------------------
# Forward mode: jvp, jacfwd, linearize (autograd.forward_ad: one level at a time)
# ---------------------------------------------------------------------------------------------

def _dual_level():
    if _fwad._ACTIVE:
        raise RuntimeError("npgrad: forward-mode transforms (jvp, jacfwd, linearize) cannot be "
                           "nested inside each other or inside a forward_ad.dual_level (npgrad's "
                           "forward AD has one level, as torch.autograd.forward_ad)")
    return _fwad.dual_level()


def jvp(func: _Callable, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J tangents)`` by forward-mode AD (``autograd.forward_ad``)."""
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to be a tuple. "
                               "E.g. it should be valid to call f(*primals).")
    flat_p, spec_p = _flatten(primals)
    flat_t, spec_t = _flatten(tangents)
    if spec_p != spec_t and len(flat_p) != len(flat_t):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same python structure.")
    for p, t in zip(flat_p, flat_t):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to "
                               f"have the same shape, got {tuple(p.shape)} and "
                               f"{tuple(t.shape)}")
    with _dual_level():
        duals = _unflatten([_fwad.make_dual(p, t) for p, t in zip(flat_p, flat_t)], spec_p)
        out, aux = _split_aux(func(*duals), has_aux, "jvp")
        out_leaves, out_spec = _flatten(out)
        primals_out, tangents_out = [], []
        for o in out_leaves:
            if not isinstance(o, _Tensor):
                raise RuntimeError(f"jvp(f, primals, tangents): Expected f(*primals) to return "
                                   f"only tensors, got unsupported type {type(o)}")
            primal, tangent = _fwad.unpack_dual(o)
            primals_out.append(primal.view_as(primal) if primal is o else primal)
            tangents_out.append(tangent if tangent is not None else o.new_zeros(o.shape))
    # the transform's own graph (the stand-ins forward AD makes) is dropped unless the
    # caller's tensors take part in a recorded graph
    connect = _connected(flat_p + flat_t)
    result = (_result(_unflatten(primals_out, out_spec), connect),
              _result(_unflatten(tangents_out, out_spec), connect))
    return result + (_result(aux, connect),) if has_aux else result


def jacfwd(func: _Callable, argnums=0, has_aux: bool = False, *,
           randomness: str = "error") -> _Callable:
    """The Jacobian of ``func`` w.r.t. the arguments ``argnums`` by forward mode (one
    ``jvp`` per input element)."""
    _check_randomness(randomness)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, args, "jacfwd")
        leaves, specs = zip(*[_flatten(args[n]) for n in nums])
        flat = [x for group in leaves for x in group]
        columns: list = []  # per input leaf, per element: the outputs' tangents
        out = aux = None
        for j, x in enumerate(flat):
            cols = []
            for k in range(x.numel()):
                onehot = x.new_zeros(x.numel())
                onehot[k] = 1
                basis = [onehot.view(x.shape) if m == j else y.new_zeros(y.shape)
                         for m, y in enumerate(flat)]
                res = _jvp_at(func, args, kwargs, nums, leaves, specs, basis, has_aux)
                out, tangent_tree, aux = res
                cols.append(_flatten(tangent_tree)[0])
            columns.append(cols)
        if out is None:  # (no input element at all)
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "jacfwd")
        out_leaves, _ = _flatten(out)
        blocks = []
        for i, o in enumerate(out_leaves):
            per_in = []
            for j, x in enumerate(flat):
                shape = tuple(o.shape) + tuple(x.shape)
                if columns[j]:
                    col = _stack([c[i] for c in columns[j]], dim=-1)
                    per_in.append(col.reshape(shape))
                else:
                    per_in.append(o.new_zeros(shape))
            blocks.append(per_in)
        jac = _jacobian_tree(out, blocks, list(leaves), list(specs), argnums)
        return (jac, aux) if has_aux else jac
    return wrapper


def _jvp_at(func, args, kwargs, nums, leaves, specs, basis, has_aux):
    """``func``'s output, its tangent along ``basis`` (for the leaves of ``args[nums]``),
    and aux."""
    it = iter(basis)
    tangents = [_unflatten([next(it) for _ in group], spec)
                for group, spec in zip(leaves, specs)]

    def partial(*diff):
        full = list(args)
        for n, d in zip(nums, diff):
            full[n] = d
        return func(*full, **kwargs)
    res = jvp(partial, tuple(args[n] for n in nums), tuple(tangents), has_aux=has_aux)
    return (res[0], res[1], res[2] if has_aux else None)


def linearize(func: _Callable, *primals) -> tuple:
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` is the Jacobian-vector product at
    ``primals``. npgrad recomputes ``func`` in forward mode on each call (PyTorch traces it
    once); the values are the same for functions without randomness."""
    out = func(*primals)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]
    return out, jvp_fn


def hessian(func: _Callable, argnums=0) -> _Callable:
    """The Hessian of ``func`` w.r.t. ``argnums``: ``jacfwd(jacrev(func))``, as PyTorch's."""
    return jacfwd(jacrev(func, argnums), argnums)


# ---------------------------------------------------------------------------------------------
# vmap
# ---------------------------------------------------------------------------------------------

def _check_randomness(randomness: str) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _check_chunk_size(chunk_size) -> None:
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")


def _fn_name(func) -> str:
    return getattr(func, "__name__", type(func).__name__)


def _leaf_dims(in_dims, args: tuple, func) -> list:
    """One in_dim per leaf of ``args`` (an int or None broadcast over subtrees)."""
    if isinstance(in_dims, int) or in_dims is None:
        return [in_dims] * len(_flatten(args)[0])
    if not isinstance(in_dims, tuple):
        raise ValueError(f"vmap({_fn_name(func)}, in_dims={in_dims}, ...): expected `in_dims` "
                         f"to be int or a (potentially nested) tuple matching the structure of "
                         f"inputs, got: {type(in_dims)}.")
    if len(in_dims) != len(args):
        raise ValueError(f"vmap({_fn_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
                         f"Expected len(in_dims) == len(inputs), but got {len(in_dims)} and "
                         f"{len(args)}.")
    dims = []
    for d, a in zip(in_dims, args):
        n = len(_flatten(a)[0])
        if isinstance(d, (int, type(None))):
            dims += [d] * n
        else:
            sub = _flatten(d)[0]
            if len(sub) != n:
                raise ValueError(f"vmap({_fn_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
                                 "in_dims is not compatible with the structure of `inputs`.")
            dims += sub
    return dims


def vmap(func: _Callable, in_dims=0, out_dims=0, randomness: str = "error", *,
         chunk_size=None) -> _Callable:
    """``func`` mapped over a dimension of its inputs: the results, stacked along
    ``out_dims``.

    npgrad runs ``func`` once per index of the mapped dimension (PyTorch batches each op);
    the results are the same. ``randomness``: ``"error"`` refuses random ops inside ``func``,
    ``"different"`` draws independently for each index, ``"same"`` gives every index the same
    draws. ``chunk_size`` is accepted and changes nothing. Keyword arguments are not mapped.
    """
    _check_randomness(randomness)
    _check_chunk_size(chunk_size)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        leaves, spec = _flatten(args)
        dims = _leaf_dims(in_dims, args, func)
        size = None
        for x, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(x, _Tensor):
                raise ValueError(f"vmap({_fn_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
                                 f"Got in_dim={d} for an input but the input is of type "
                                 f"{type(x)}. We cannot vmap over non-Tensor arguments, please "
                                 "use None as the respective in_dim")
            if not -max(x.dim(), 1) <= d < max(x.dim(), 1) or x.dim() == 0:
                raise ValueError(f"vmap({_fn_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
                                 f"Got in_dim={d} for some input, but that input is a Tensor "
                                 f"of dimensionality {x.dim()} so expected in_dim to satisfy "
                                 f"-{x.dim()} <= in_dim < {x.dim()}.")
            n = x.shape[d]
            if size is not None and n != size:
                sizes = [x.shape[d] for x, d in zip(leaves, dims) if d is not None]
                raise ValueError(f"vmap: Expected all tensors to have the same size in the "
                                 f"mapped dimension, got sizes {sizes} for the mapped "
                                 "dimension")
            size = n
        if size is None:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        start = _get_rng_state()
        results = []
        for i in range(max(size, 1)):
            if randomness == "same":
                _set_rng_state(start)
            sliced = [(x.select(d, i) if size else x.new_zeros(_drop(x.shape, d)))
                      if d is not None else x for x, d in zip(leaves, dims)]
            results.append(func(*_unflatten(sliced, spec), **kwargs))
            if randomness == "error" and i == 0 and not np.array_equal(
                    _get_rng_state().numpy(), start.numpy()):
                raise RuntimeError("vmap: called random operation while in randomness error "
                                   "mode. Please either use the 'same' or 'different' "
                                   "randomness flags on vmap or perform the randomness "
                                   "operation out of vmap")
        return _stack_results(results, out_dims, func, empty=size == 0)
    return wrapper


def _drop(shape, d: int) -> tuple:
    shape = list(shape)
    del shape[d]
    return tuple(shape)


def _stack_results(results: list, out_dims, func, empty: bool):
    """Stack each output leaf of every call along its out_dim."""
    flat = [_flatten(r) for r in results]
    spec = flat[0][1]
    n_leaves = len(flat[0][0])
    if isinstance(out_dims, (int, type(None))):
        dims = [out_dims] * n_leaves
    else:
        dims = _flatten(out_dims)[0]
        if len(dims) == 1 and n_leaves != 1 and not isinstance(results[0], tuple):
            dims = dims * n_leaves
        if len(dims) != n_leaves:
            raise ValueError(f"vmap({_fn_name(func)}, ..., out_dims={out_dims})(<inputs>): "
                             f"out_dims is not compatible with the structure of `outputs`. "
                             f"out_dims has structure {out_dims} but outputs has "
                             f"{n_leaves} leaves.")
    out = []
    for j, d in enumerate(dims):
        column = [f[0][j] for f in flat]
        if d is None:
            out.append(column[0])
            continue
        for c in column:
            if not isinstance(c, _Tensor):
                raise ValueError(f"vmap({_fn_name(func)}, ...): `{_fn_name(func)}` must only "
                                 f"return Tensors, got type {type(c)}. Did you mean to set "
                                 "out_dims= to None for output?")
        ndim = column[0].dim() + 1
        if not -ndim <= d < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {d})")
        stacked = _stack(column, dim=d % ndim)
        out.append(stacked.narrow(d % ndim, 0, 0) if empty else stacked)
    return _unflatten(out, spec)


# ---------------------------------------------------------------------------------------------
# Modules as functions
# ---------------------------------------------------------------------------------------------

def functional_call(module: _Module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """``module(*args, **kwargs)`` with parameters and buffers replaced by the given tensors
    (a dict, or a tuple of dicts with distinct keys), for this call only."""
    if isinstance(parameter_and_buffer_dicts, dict):
        values = parameter_and_buffer_dicts
    else:
        values, seen = {}, {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                seen[k] = seen.get(k, 0) + 1
        repeated = [k for k, n in seen.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        for d in parameter_and_buffer_dicts:
            values.update(d)
    return _call_with(module, values, args, kwargs, tie_weights=tie_weights, strict=strict)


def stack_module_state(models) -> tuple[dict, dict]:
    """``(params, buffers)`` of several modules of one architecture, each entry the models'
    tensors stacked on a new first dimension (parameters as new leaves that require grad)."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/"
                           "eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def gather(kind: str, leaf: bool) -> dict:
        names = [n for n, _ in getattr(models[0], kind)()]
        out = {}
        for name in names:
            t = _stack([dict(getattr(m, kind)())[name].detach() for m in models])
            out[name] = t.requires_grad_(leaf and dict(getattr(models[0], kind)())[name]
                                         .requires_grad)
        return out
    return gather("named_parameters", True), gather("named_buffers", False)


def functionalize(func: _Callable, *, remove: str = "mutations") -> _Callable:
    """PyTorch's functionalize rewrites in-place ops as out-of-place ones for graph
    compilers; eager results are the same, so npgrad (no compiler) returns ``func``'s
    behaviour unchanged, mutations of inputs included (as PyTorch copies them back)."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument "
                           f"for remove={remove}. Valid options are:\n     remove='mutations' "
                           "\n     remove='mutations_and_views'")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def debug_unwrap(tensor: _Tensor, *, recurse: bool = True) -> _Tensor:
    """The plain tensor inside a functorch-wrapped one: npgrad's transforms don't wrap
    tensors, so this is ``tensor`` itself."""
    return tensor


def replace_all_batch_norm_modules_(root: _Module) -> _Module:
    """Make every batch norm of ``root`` stop using running statistics (in place), so it can
    run under ``vmap``; returns ``root``."""
    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root
