"""Scans and running sums along a dimension: differences (``diff``), running log-sum-exp
(``logcumsumexp``), numerical integration (``trapezoid``, ``cumulative_trapezoid``) and
numerical derivatives (``gradient``), and the running sums and products ``cumsum`` and
``cumprod`` (whose primitive ``prod``'s gradient uses too; the running extremes
``cummax``/``cummin`` are in ``stats.py``).
"""
from __future__ import annotations

import math

import numpy as np

from ...backend import accumulate, array_module, as_array, ascontiguous
from ...dtypes import is_float_np
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from .._arguments import Tensor, as_tensor_arg, describe, norm_dim
from ... import dtypes as _dt
from ..shape.joins import cat, stack
from ..elementwise.unary import float_input, log
from ..elementwise.binary import logical_xor, where

__all__: list = ["diff", "logcumsumexp", "trapezoid", "trapz", "cumulative_trapezoid", "gradient",
                 "cumsum", "cumprod"]


def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``prepend`` / ``append`` joined
    first); bool tensors give logical xor of neighbours, as PyTorch."""
    input = as_tensor_arg(input, "diff")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = norm_dim(dim, input.ndim, "diff")
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat([as_tensor_arg(p, "diff") for p in parts], d) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        hi, lo = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
        x = logical_xor(hi, lo) if x._data.dtype.kind == "b" else hi - lo
    return x


def logcumsumexp(input, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably (``logaddexp`` scan)."""
    input = as_tensor_arg(input, "logcumsumexp")
    if not is_float_np(input._data.dtype):
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(input._data.dtype)}' (logcumsumexp)")
    d = norm_dim(dim, max(input.ndim, 1), "logcumsumexp")
    return _LogCumSumExp.apply(input, dim=d)


class _LogCumSumExp(Primitive):
    # a primitive: the logaddexp scan is exact where exp/cumsum/log would under/overflow
    node_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        x = float_input(a)
        ctx.dim = dim
        x1 = x.reshape(x.shape or (1,))
        out = accumulate(np.logaddexp, x1, dim) if x1.size else x1.copy()
        out = out.reshape(x.shape)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d out_j / d x_i = exp(x_i - out_j) for i <= j, so grad_x_i is a reversed cumsum of
        # grad_j exp(-out_j) times exp(x_i). Done in log space, the positive and negative parts
        # of grad apart (as PyTorch), so no exp overflows; built from logcumsumexp itself, so
        # it is differentiable again.
        a, out = ctx.saved_tensors
        d, shape = ctx.dim, a.shape
        x, o, g = (t.reshape(shape or (1,)) for t in (a, out, grad))
        if not is_float_np(a._data.dtype):
            x = x.to(o.dtype)

        def log_part(v):  # log(v) where v > 0, else -inf (the where keeps gradients finite)
            pos = v > 0
            return where(pos, log(where(pos, v, 1.0)), -math.inf)

        def rev_scan(t):
            return _LogCumSumExp.apply(t.flip(d), dim=d).flip(d)

        # an output of -inf (a prefix of -inf inputs) takes nothing from its inputs: 0 keeps
        # -inf - -inf (nan) out of the scans
        o = where(o == -math.inf, 0.0, o)
        gx = (x + rev_scan(log_part(g) - o)).exp() - (x + rev_scan(log_part(-g) - o)).exp()
        return gx.reshape(shape)


def _spacing(y: Tensor, x, dx, d: int, op: str):
    if x is not None and dx is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments: x and dx")
    if x is None:
        return 1.0 if dx is None else dx
    x = as_tensor_arg(x, op)
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point "
                               f"(got {describe(y, x)})")
        shape = [1] * y.ndim
        shape[d] = -1
        x = x.reshape(shape)
    n = x.shape[d] if x.ndim == y.ndim else x.shape[-1]
    return x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)


def _no_bool_y(y: Tensor, op: str) -> Tensor:
    if y._data.dtype == np.bool_:
        raise RuntimeError(f"{op}: received a bool input for `y`, but bool is not supported")
    return y


def trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: samples ``y`` at points ``x`` (or spacing
    ``dx``, default 1)."""
    y = _no_bool_y(as_tensor_arg(y, "trapezoid"), "trapezoid")
    d = norm_dim(dim, y.ndim, "trapezoid")
    n = y.shape[d]
    if n == 0:
        return y.sum(d) * 0
    spacing = _spacing(y, x, dx, d, "trapezoid")
    mid = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * spacing
    return mid.sum(d) / 2


def trapz(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one element shorter than ``y``)."""
    y = _no_bool_y(as_tensor_arg(y, "cumulative_trapezoid"), "cumulative_trapezoid")
    d = norm_dim(dim, y.ndim, "cumulative_trapezoid")
    n = y.shape[d]
    if n == 0:
        return y
    spacing = _spacing(y, x, dx, d, "cumulative_trapezoid")
    mid = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * spacing
    return (mid / 2).cumsum(d)


def _gradient_1d(f: Tensor, x: np.ndarray, d: int, edge_order: int) -> Tensor:
    """The derivative of ``f`` along ``d`` at coordinates ``x`` (NumPy's formulas for uneven
    spacing; with even spacing they are the usual central differences)."""
    n = f.shape[d]
    shape = [1] * f.ndim
    shape[d] = -1

    def coef(c):
        return Tensor._make(as_array(c, f._data.dtype).reshape(shape))

    def part(start, length):
        return f.narrow(d, start, length)

    dx1, dx2 = x[1:-1] - x[:-2], x[2:] - x[1:-1]
    inner = (part(0, n - 2) * coef(-dx2 / (dx1 * (dx1 + dx2)))
             + part(1, n - 2) * coef((dx2 - dx1) / (dx1 * dx2))
             + part(2, n - 2) * coef(dx1 / (dx2 * (dx1 + dx2))))
    if edge_order == 1:
        first = (part(1, 1) - part(0, 1)) / coef(x[1:2] - x[:1])
        last = (part(n - 1, 1) - part(n - 2, 1)) / coef(x[-1:] - x[-2:-1])
    else:
        # (a and b are 1-element arrays, so the coefficients stay on x's device)
        a, b = x[1:2] - x[0:1], x[2:3] - x[1:2]
        first = (part(0, 1) * coef(-(2 * a + b) / (a * (a + b)))
                 + part(1, 1) * coef((a + b) / (a * b))
                 + part(2, 1) * coef(-a / (b * (a + b))))
        a, b = x[n - 2:n - 1] - x[n - 3:n - 2], x[n - 1:n] - x[n - 2:n - 1]
        last = (part(n - 3, 1) * coef(b / (a * (a + b)))
                + part(n - 2, 1) * coef(-(a + b) / (a * b))
                + part(n - 1, 1) * coef((2 * b + a) / (b * (a + b))))
    return cat([first, inner, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """The derivative of ``input`` along each of ``dim`` (all dims by default), one tensor
    per dim. ``spacing``: one number for all dims, a number per dim, or a 1-D tensor of
    coordinates per dim; ``edge_order`` 1 or 2 is the accuracy at the two ends."""
    input = as_tensor_arg(input, "gradient")
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2, "
                           f"got {edge_order}")
    is_bool = input._data.dtype == np.bool_
    if not is_float_np(input._data.dtype):
        input = input.to(_dt.get_default_dtype())
    dims = list(range(input.ndim)) if dim is None else \
        [dim] if isinstance(dim, (int, np.integer)) else list(dim)
    dims = [norm_dim(d, input.ndim, "gradient") for d in dims]
    spacings = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(spacings) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or a "
                           f"list of length {len(dims)}, but got a list of length "
                           f"{len(spacings)}")
    out = []
    for d, sp in zip(dims, spacings):
        n = input.shape[d]
        if n < edge_order + 1:
            raise RuntimeError(f"torch.gradient expected each dimension size to be at least "
                               f"edge_order+1 (got size {n} at dim {d})")
        if is_bool:  # (PyTorch differences the values: after the size check)
            raise RuntimeError("gradient: subtraction, the `-` operator, with two bool tensors "
                               "is not supported. Use the `^` or `logical_xor()` operator "
                               "instead.")
        if isinstance(sp, Tensor):
            if sp.ndim != 1 or sp.shape[0] != n:
                raise RuntimeError(f"torch.gradient expected each tensor to be on the same "
                                   f"device and the size of dim {d}, got {tuple(sp.shape)}")
            x = sp._data.astype(np.float64)
        else:
            x = array_module(input._data).arange(n) * float(sp)
        out.append(_gradient_1d(input, x, d, edge_order))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Running sums and products: cumsum and cumprod (reverse scans from the end: the adjoint direction)
# ---------------------------------------------------------------------------------------------

# PyTorch's CPU scans accumulate in a wider type and round each result once (float32 in
# float64, float16 in float32): NumPy's scan accumulates in the output's type, and float32
# drifts sequentially (relative error 7e-6 at 2e7 elements, 5e-3 for a cumprod of 2e6)
_SCAN_ACCUMULATOR = {np.dtype(np.float32): np.dtype(np.float64),
                     np.dtype(np.float16): np.dtype(np.float32)}

def _scan(ufunc, a, dim: int, reverse: bool, dtype: np.dtype):
    """``ufunc.accumulate`` along ``dim`` into ``dtype`` (``np.add``: cumsum; the ufunc's
    method skips np.cumsum's Python layer, ~1 us of a small scan)."""
    wide = _SCAN_ACCUMULATOR.get(dtype)
    if wide is not None and a.dtype != dtype:  # the input is cast first, as PyTorch's
        a = a.astype(dtype)
    out = ufunc.accumulate(np.flip(a, dim) if reverse else a, axis=dim, dtype=wide or dtype)
    if wide is not None:
        out = out.astype(dtype)
    return ascontiguous(np.flip(out, dim)) if reverse else out


class Cumsum(Primitive):
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim, reverse, dtype=None):
        ctx.dim, ctx.reverse = dim, reverse
        return _scan(np.add, a, dim, reverse, _dt.sum_dtype(a, dtype, "cumsum"))

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim, reverse=not ctx.reverse)


class Cumprod(Primitive):
    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, a, dim, reverse, dtype=None):
        ctx.dim, ctx.reverse = dim, reverse
        out = _scan(np.multiply, a, dim, reverse, _dt.sum_dtype(a, dtype, "cumprod"))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a._data.dtype != out._data.dtype:  # cumprod(dtype=...): differentiate in that dtype
            a = a.to(out.dtype)
        return cumprod_grad(a, out, grad, ctx.dim, ctx.reverse)


def cumprod_grad(a: Tensor, out: Tensor, grad: Tensor, dim: int, reverse: bool) -> Tensor:
    """The gradient of ``out = cumprod(a)``: ``sum_{j >= k} grad_j * prod_{i <= j, i != k} a_i``.

    Without zeros that is ``cumsum_from_end(grad * out) / a``. With zeros, per slice: before
    the first zero the same formula holds; at the first zero it is the later sums of ``grad``
    times the cumprod with that zero taken as 1; after it the gradient is 0. No division by
    zero anywhere. For ``create_graph``, the division-free form (as PyTorch's differentiable
    path), whose own derivative is right at zeros and exact where the a_i span many orders of
    magnitude.
    """
    if a._data.ndim == 0 or a._data.shape[dim] == 1:  # the identity: nothing to divide by a
        return grad
    if STATE.enabled:
        return _cumprod_grad_by_steps(a, grad, dim, reverse)
    later = lambda t: Cumsum.apply(t, dim=dim, reverse=not reverse)  # noqa: E731
    x = a._data
    if not np.any(x == 0):
        return later(grad * out) / a
    n = x.shape[dim]
    pos = array_module(x).arange(n).reshape((n,) + (1,) * (x.ndim - dim - 1))
    order = np.broadcast_to(n - 1 - pos if reverse else pos, x.shape)  # position in scan order
    first = np.min(np.where(x == 0, order, n), axis=dim, keepdims=True)
    before, at = Tensor._make(order < first), Tensor._make(order == first)
    grad_in = where(before, later(grad * out) / where(before, a, 1.0), 0.0)
    rest = where(at, 1.0, a)
    rest_out = Cumprod.apply(rest, dim=dim, reverse=reverse)
    return grad_in + where(at, later(grad * rest_out), 0.0)


def _cumprod_grad_by_steps(a: Tensor, grad: Tensor, dim: int, reverse: bool) -> Tensor:
    """cumprod's gradient with no division, one step per element along ``dim`` (the
    create_graph path: its second derivative through ``/ a`` lost everything to cancellation
    for inputs such as (1e30, 0.1): 1e14 where the exact value is 0.16). In scan order,
    ``grad_k = (prod_{i < k} a_i) * R_k`` with ``R_k = grad_k + a_{k+1} * R_{k+1}``."""
    n = a.shape[dim]
    if n == 0:
        return grad
    scan = list(range(n - 1, -1, -1) if reverse else range(n))  # positions in scan order
    rest = [None] * n
    for s in range(n - 1, -1, -1):
        g = grad.select(dim, scan[s])
        rest[s] = g if s == n - 1 else g + a.select(dim, scan[s + 1]) * rest[s + 1]
    out, prefix = [None] * n, None
    for s in range(n):
        out[scan[s]] = rest[s] if prefix is None else prefix * rest[s]
        a_s = a.select(dim, scan[s])
        prefix = a_s if prefix is None else prefix * a_s
    return stack(out, dim)


def _scan_op(cls, input, dim: int, dtype, op: str) -> Tensor:
    input = as_tensor_arg(input, op)
    d = norm_dim(dim, input.ndim, op)
    if input.ndim == 0:
        return cls.apply(input.reshape(1), dim=0, reverse=False, dtype=dtype).reshape(())
    return cls.apply(input, dim=d, reverse=False, dtype=dtype)


def cumsum(input, dim: int, *, dtype=None) -> Tensor:
    """Cumulative sum along ``dim``; integers and bools sum in int64.

    >>> npgrad.tensor([1., 2., 3.]).cumsum(0)
    tensor([1., 3., 6.])
    """
    return _scan_op(Cumsum, input, dim, dtype, "cumsum")


def cumprod(input, dim: int, *, dtype=None) -> Tensor:
    """Cumulative product along ``dim``; its gradient is exact with zeros in the input."""
    return _scan_op(Cumprod, input, dim, dtype, "cumprod")
