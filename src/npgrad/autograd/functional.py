"""``torch.autograd.functional``: derivatives of a whole function of tensors.

``vjp`` and ``jacobian`` use reverse mode; ``jvp`` and ``hvp`` the double-backward trick
(as PyTorch's: J v is the gradient, w.r.t. u, of <J^T u, v>); ``jacobian(...,
strategy="forward-mode")`` uses ``autograd.forward_ad``. Results have PyTorch's structure: a
Tensor where the inputs (outputs) were one Tensor, tuples where they were tuples; a Jacobian
block has shape ``output.shape + input.shape``. ``vectorize=True`` is accepted and computes the
same values (npgrad has no batched backward; rows are computed one at a time).
"""
from __future__ import annotations

from typing import Callable

from ..tensor import Tensor
from . import forward_ad as fwAD
from .engine import grad as _grad
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ---------------------------------------------------------------------------------------------
# Arguments and results
# ---------------------------------------------------------------------------------------------

def _as_tuple(x, what: str, fn: str) -> tuple[bool, tuple]:
    """(whether ``x`` was a tuple/list, ``x`` as a tuple of Tensors), checked."""
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of "
                            f"Tensors but the {where} has type {type(el)}.")
    return is_tuple, items


def _untuple(res, is_tuple):
    """Undo ``_as_tuple`` on a result: one level (bool) or two (a pair of bools)."""
    if isinstance(is_tuple, bool):
        return res if is_tuple else res[0]
    outer, inner = is_tuple
    if not inner:
        res = tuple(r[0] for r in res)
    return res if outer else res[0]


def _prepare(inputs: tuple, create_graph: bool, need_graph: bool = True) -> tuple:
    """Inputs to differentiate at: connected to the caller's graph only with create_graph."""
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(x.view_as(x))
        else:
            out.append(x.detach().requires_grad_(need_graph))
    return tuple(out)


def _finish(xs, create_graph: bool):
    """Results: detached unless create_graph (nested tuples kept)."""
    if isinstance(xs, tuple):
        return tuple(_finish(x, create_graph) for x in xs)
    if xs is None or create_graph:
        return xs
    return xs.detach()


def _check_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(v) != len(other):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prepend = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {b.size()} but got "
                               f"{a.size()}.")


def _check_outputs(outputs: tuple, strict: bool) -> None:
    if strict:
        for i, o in enumerate(outputs):
            if not o.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not "
                                   "require gradients. The outputs must be computed in a "
                                   "differentiable manner from the input when running in "
                                   "strict mode.")


def _grads(outputs, inputs, grad_outputs, create_graph: bool, strict: bool,
           stage: str) -> tuple:
    """``autograd.grad`` over the outputs that require grad; zeros for unused inputs (an
    error in strict mode)."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        found = _grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                      create_graph=create_graph, retain_graph=True, allow_unused=True)
    else:
        found = (None,) * len(inputs)
    out = []
    for i, (g, x) in enumerate(zip(found, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT[stage].format(i=i))
            g = x.new_zeros(x.shape)
        out.append(g)
    return tuple(out)


_STRICT = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _call(func: Callable, inputs: tuple, fn: str) -> tuple[bool, tuple]:
    return _as_tuple(func(*inputs), "outputs of the user-provided function", fn)


def _default_v(tensors: tuple, fn: str) -> tuple:
    """v=None: allowed where v would have a single element (then it is 1)."""
    if len(tensors) != 1 or tensors[0].numel() != 1:
        where = ("the input to the user-provided function is" if fn in ("jvp", "vhp", "hvp")
                 else "the user-provided function returns")
        raise RuntimeError(f"The vector v can only be None if {where} a single Tensor with a "
                           "single element.")
    return (tensors[0].new_ones(tensors[0].shape),)


# ---------------------------------------------------------------------------------------------
# The six functions
# ---------------------------------------------------------------------------------------------

def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), v^T J)``: the vector-Jacobian product at ``inputs``."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _call(func, inputs, "vjp")
        _check_outputs(outputs, strict)
        if v is None:
            v = _default_v(outputs, "vjp")
        else:
            _, v = _as_tuple(v, "v", "vjp")
            _check_v(v, outputs, out_tuple)
        res = _grads(outputs, inputs, v, create_graph, strict, "back")
    return (_untuple(_finish(outputs, create_graph), out_tuple),
            _untuple(_finish(res, create_graph), in_tuple))


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), J v)``: the Jacobian-vector product at ``inputs``, by the double
    backward trick (J v is the gradient w.r.t. u of <J^T u, v>)."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph)
        if v is None:
            v = _default_v(inputs, "jvp")
        else:
            _, v = _as_tuple(v, "v", "jvp")
            _check_v(v, inputs, in_tuple)
        out_tuple, outputs = _call(func, inputs, "jvp")
        _check_outputs(outputs, strict)
        us = tuple(o.new_zeros(o.shape).requires_grad_(True) for o in outputs)
        g = _grads(outputs, inputs, us, True, strict, "back")
        res = _grads(g, us, v, create_graph, strict, "back_trick")
    return (_untuple(_finish(outputs, create_graph), out_tuple),
            _untuple(_finish(res, create_graph), out_tuple))


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for output i and input j a block of shape
    ``outputs[i].shape + inputs[j].shape`` (a Tensor, or tuples as the arguments were)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                             'Hint: If your function has more outputs than inputs, '
                             '"forward-mode" tends to be more performant. Otherwise, prefer to '
                             'use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` "
                                      "and `strategy=\"forward-mode\"` are not supported "
                                      "together (yet). Please either set `create_graph=False` "
                                      "or make sure that `strategy=\"reverse-mode\"`.")
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or "
                                      "forward-over-reverse Hessian is only implemented for "
                                      "`vectorize=True`.")
        return _jacobian_forward(func, inputs)
    if strict and vectorize:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                           "`vectorized=True` are not supported together. Please either set "
                           "`strict=False` or `vectorize=False`.")
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _call(func, inputs, "jacobian")
        _check_outputs(outputs, strict)
        blocks = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            for k in range(out.numel()):
                onehot = out.new_zeros(out.numel())
                onehot[k] = 1
                gos = tuple(onehot.view(out.shape) if j == i else o.new_zeros(o.shape)
                            for j, o in enumerate(outputs))
                for j, g in enumerate(_grads(outputs, inputs, gos, create_graph, strict,
                                             "back")):
                    rows[j].append(g)
            blocks.append(tuple(_stack_rows(r, out, x) for r, x in zip(rows, inputs)))
    return _untuple(_finish(tuple(blocks), create_graph), (out_tuple, in_tuple))


def _stack_rows(rows: list, out: Tensor, x: Tensor) -> Tensor:
    """Gradients of each element of ``out`` w.r.t. ``x``, as one ``out.shape + x.shape``
    (written row by row into a new tensor: in-place writes are recorded, so this stays
    differentiable with create_graph)."""
    jac = x.new_zeros((len(rows),) + tuple(x.shape))
    for k, row in enumerate(rows):
        jac[k] = row
    return jac.view(tuple(out.shape) + tuple(x.shape))


def _jacobian_forward(func: Callable, inputs):
    """``strategy="forward-mode"``: one forward-AD pass per input element (the columns)."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = tuple(x.detach() for x in inputs)
    cols: list = [[] for _ in inputs]  # per input: per element, the outputs' tangents
    out_tuple, outputs = False, ()
    for j, x in enumerate(inputs):
        for k in range(x.numel()):
            onehot = x.new_zeros(x.numel())
            onehot[k] = 1
            with fwAD.dual_level():
                duals = tuple(fwAD.make_dual(y, onehot.view(y.shape)) if i == j else y
                              for i, y in enumerate(inputs))
                out_tuple, outputs = _call(func, duals, "jacobian")
                tans = []
                for o in outputs:
                    primal, t = fwAD.unpack_dual(o)
                    tans.append(t.detach() if t is not None else o.new_zeros(o.shape))
                outputs = tuple(fwAD.unpack_dual(o).primal.detach() for o in outputs)
            cols[j].append(tans)
    if not any(x.numel() for x in inputs):
        out_tuple, outputs = _call(func, inputs, "jacobian")
    blocks = []
    for i, out in enumerate(outputs):
        row = []
        for j, x in enumerate(inputs):
            col = out.new_zeros((x.numel(),) + tuple(out.shape))
            for k, c in enumerate(cols[j]):
                col[k] = c[i]
            row.append(col.reshape(x.numel(), out.numel()).t()
                       .reshape(tuple(out.shape) + tuple(x.shape)))
        blocks.append(row)
    # PyTorch's forward mode returns lists where the inputs were a tuple (reverse mode:
    # tuples); the structure is kept as PyTorch 2.13 gives it
    if in_tuple:
        return blocks if out_tuple else blocks[0]
    return tuple(b[0] for b in blocks) if out_tuple else blocks[0][0]


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of the scalar function ``func`` at ``inputs``: the Jacobian of its
    gradient (block ``(i, j)`` of shape ``inputs[i].shape + inputs[j].shape``)."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single(*inp):
        out = func(*inp)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_outputs(outs, strict)
        if out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def jac(*inp):
        if outer_jacobian_strategy == "forward-mode":  # (else _prepare detaches them)
            inp = tuple(t.requires_grad_(True) for t in inp)
        return jacobian(single, inp, create_graph=True)

    res = jacobian(jac, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _untuple(res, (in_tuple, in_tuple))


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), v^T H)`` for the scalar function ``func``."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), H v)`` for the scalar function ``func`` (the double-backward trick;
    the same values as ``vhp`` for the symmetric Hessians of twice-differentiable ``func``)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph: bool, strict: bool, fn: str):
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", fn)
        inputs = _prepare(inputs, create_graph)
        if v is None:
            v = _default_v(inputs, fn)
        else:
            _, v = _as_tuple(v, "v", fn)
            _check_v(v, inputs, in_tuple)
        out_tuple, outputs = _call(func, inputs, fn)
        _check_outputs(outputs, strict)
        if out_tuple or outputs[0].numel() != 1:
            raise RuntimeError(f"The function given to {fn} should return a single Tensor "
                               "with a single element" if out_tuple else
                               f"The Tensor returned by the function given to {fn} should "
                               "contain a single element")
        jac = _grads(outputs, inputs, (outputs[0].new_ones(outputs[0].shape),), True, strict,
                     "back")
        if fn == "vhp":
            res = _grads(jac, inputs, v, create_graph, strict, "double_back")
        else:  # H v = d/du <d/dx <J, u>, v>
            us = tuple(g.new_zeros(g.shape).requires_grad_(True) for g in jac)
            gu = _grads(jac, inputs, us, True, strict, "double_back")
            res = _grads(gu, us, v, create_graph, strict, "double_back_trick")
    return (_finish(outputs[0], create_graph), _untuple(_finish(res, create_graph), in_tuple))
