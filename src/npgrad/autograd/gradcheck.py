"""Numerical gradient checks, with ``torch.autograd.gradcheck``'s signatures.

``gradcheck`` compares the Jacobian that backward computes (one vector-Jacobian product per
output element) with central finite differences in float64; with ``check_forward_ad`` it
also compares the one forward-mode AD computes (one Jacobian-vector product per input
element), and ``check_backward_ad=False`` leaves backward out (a Function with ``jvp`` only). ``gradgradcheck`` does the same
for the gradient function itself, which checks second derivatives (``create_graph=True``).
"""
from __future__ import annotations

import numpy as np

from ..backend import device_of, to_device, to_host
from ..tensor import Tensor
from . import forward_ad as _fwad
from .engine import grad as _grad


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients differ."""


def _as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs) -> tuple:
    return tuple(o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor))


def _numerical_jacobians(func, inputs, diff_idx, eps: float) -> list:
    """J[i][o] of shape (numel(input i), numel(output o)) by central differences.

    Grad mode stays on: ``func`` may itself differentiate (gradgradcheck's first derivative).
    """
    outs = _outputs(func, inputs)
    jac = []
    for i in diff_idx:
        x = inputs[i]._data
        cols = [np.zeros((x.size, o.numel())) for o in outs]
        for k in range(x.size):
            idx = np.unravel_index(k, x.shape)
            orig = x[idx].item()
            try:
                x[idx] = orig + eps
                plus = [_host64(o) for o in _outputs(func, inputs)]
                x[idx] = orig - eps
                minus = [_host64(o) for o in _outputs(func, inputs)]
            finally:
                x[idx] = orig
            if len(plus) != len(cols) or len(minus) != len(cols):
                raise GradcheckError("gradcheck: the function returned a different number "
                                     "of outputs when its input was perturbed")
            for c, p, m in zip(cols, plus, minus):
                c[k] = (p - m) / (2 * eps)
        jac.append(cols)
    return jac


def _host64(t: Tensor) -> np.ndarray:
    """A tensor's values as a flat float64 NumPy array (copied from its device)."""
    return to_host(t._data).astype(np.float64).ravel()


def _analytical_jacobians(func, inputs, diff_idx) -> list:
    outs = _outputs(func, inputs)
    targets = [inputs[i] for i in diff_idx]
    jac = [[np.zeros((t.numel(), o.numel())) for o in outs] for t in targets]
    for oi, o in enumerate(outs):
        if not o.requires_grad:
            continue
        for k in range(o.numel()):
            seed = np.zeros(o._data.shape, o._data.dtype)
            seed.reshape(-1)[k] = 1
            seed = to_device(seed, device_of(o._data))
            grads = _grad(o, targets, Tensor._make(seed), retain_graph=True, allow_unused=True)
            for ti, g in enumerate(grads):
                if g is not None:
                    jac[ti][oi][:, k] = _host64(g)
    return jac


def _forward_jacobians(func, inputs, diff_idx) -> list:
    """J[i][o] as ``_numerical_jacobians`` lays it out, column by column from forward-mode AD:
    input i's tangent is one-hot at each of its elements in turn, the others' are zero."""
    jac = []
    for i in diff_idx:
        x = inputs[i]
        cols = None
        for k in range(x.numel()):
            with _fwad.dual_level():
                duals = list(inputs)
                for j in diff_idx:
                    tangent = x.new_zeros(x.shape) if j == i else inputs[j].new_zeros(
                        inputs[j].shape)
                    if j == i:
                        tangent.view(-1)[k] = 1
                    duals[j] = _fwad.make_dual(inputs[j].detach(), tangent)
                outs = _outputs(func, duals)
                tangents = [_fwad.unpack_dual(o).tangent for o in outs]
                if cols is None:
                    cols = [np.zeros((x.numel(), o.numel())) for o in outs]
                for c, o, t in zip(cols, outs, tangents):
                    c[k] = 0.0 if t is None else _host64(t)
        jac.append(cols if cols is not None else [])
    return jac


def _compare(numerical, analytical, diff_idx, rtol, atol, mode: str) -> None:
    """Raise GradcheckError at the first Jacobian block where the two differ."""
    for ti, i in enumerate(diff_idx):
        for oi, (n, a) in enumerate(zip(numerical[ti], analytical[ti])):
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                raise GradcheckError(
                    f"Jacobian {mode}mismatch for output {oi} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n")


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked=None) -> bool:
    """Check ``func``'s gradients against finite differences for inputs that require grad.

    Inputs should be float64 tensors. Returns True, or raises :class:`GradcheckError` (or
    returns False when ``raise_exception=False``).

    >>> x = npgrad.randn(3, dtype=npgrad.float64, requires_grad=True)
    >>> npgrad.autograd.gradcheck(lambda t: (t * t).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in diff_idx:
        if inputs[i].dtype.name != "float64":
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point. This check will likely fail if all the inputs are not of "
                          "double precision floating point.", stacklevel=2)
    numerical = _numerical_jacobians(func, inputs, diff_idx, eps)
    try:
        if check_backward_ad:
            _compare(numerical, _analytical_jacobians(func, inputs, diff_idx), diff_idx,
                     rtol, atol, "")
        if check_forward_ad:
            _compare(numerical, _forward_jacobians(func, inputs, diff_idx), diff_idx,
                     rtol, atol, "forward ")
    except GradcheckError:
        if not raise_exception:
            return False
        raise
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, nondet_tol: float = 0.0,
                  check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False,
                  masked: bool = False) -> bool:
    """Check second derivatives: gradcheck of ``(inputs, v) -> grad(func(inputs), inputs, v)``.

    ``grad_outputs`` default to random float64 tensors that themselves require grad.
    """
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rs = np.random.default_rng(0)
        grad_outputs = tuple(Tensor._make(to_device(
            rs.standard_normal(o._data.shape).astype(o._data.dtype), device_of(o._data)))
            .requires_grad_() for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:n_in], args[n_in:]
        ys = _outputs(func, xs)
        pairs = [(y, v) for y, v in zip(ys, vs) if y.requires_grad]
        grads = _grad([y for y, _ in pairs], [xs[i] for i in diff_idx], [v for _, v in pairs],
                      create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
