"""More of PyTorch's math surface: fused pointwise forms (addcmul, addcdiv), bit-level and
integer functions (frexp, ldexp, nextafter, gcd, lcm, heaviside, i0), nan-aware and
order-statistic reductions (nansum, nanmean, nanmedian, aminmax, quantile, mode) and scans
(diff, logcumsumexp). (Statistics and distances: ``extra_stats.py``.)

Differentiable ops are composites of existing npgrad ops wherever that is exact; the few
primitives say why.
"""
from __future__ import annotations

import math

import numpy as np

from ... import dtypes as _dt
from ... import return_types
from ...autograd.function import Primitive
from .._arguments import Tensor, as_operand, as_tensor_arg, describe, norm_dim
from .unary import float_input

__all__ = ["addcmul", "addcdiv", "frexp", "ldexp", "nextafter", "gcd", "lcm", "heaviside",
           "i0", "angle", "nansum", "nanmean", "nanmedian", "aminmax", "quantile", "nanquantile", "mode",
           "diff", "logcumsumexp"]

aminmax_type = return_types.make("aminmax", ("min", "max"))
frexp_type = return_types.make("frexp", ("mantissa", "exponent"))
mode_type = return_types.make("mode")
nanmedian_type = return_types.make("nanmedian")


def _ops():
    import npgrad
    return npgrad


# ---------------------------------------------------------------------------------------------
# Fused pointwise forms
# ---------------------------------------------------------------------------------------------

def addcmul(input, tensor1, tensor2, *, value=1) -> Tensor:
    """``input + value * tensor1 * tensor2`` (broadcasting), as optimizers use it."""
    input = as_tensor_arg(input, "addcmul")
    prod = tensor1 * tensor2
    return input + (prod if value == 1 else value * prod)


def addcdiv(input, tensor1, tensor2, *, value=1) -> Tensor:
    """``input + value * tensor1 / tensor2``; integer tensor1 and tensor2 are refused, as
    PyTorch no longer does integer division here."""
    input = as_tensor_arg(input, "addcdiv")
    t1, t2 = as_tensor_arg(tensor1, "addcdiv"), as_tensor_arg(tensor2, "addcdiv")
    if t1._data.dtype.kind in "iub" and t2._data.dtype.kind in "iub":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all "
                           "dtypes.")
    quot = t1 / t2
    return input + (quot if value == 1 else value * quot)


# ---------------------------------------------------------------------------------------------
# Floating-point decomposition and integer functions
# ---------------------------------------------------------------------------------------------

def frexp(input):
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent``, mantissa in
    [0.5, 1) in magnitude; exponent is int32. The mantissa's gradient is ``grad / 2**e``."""
    input = as_tensor_arg(input, "frexp")
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    _, e = np.frexp(a)
    e = e.astype(np.int32)
    # mantissa = input * 2**-e: exact in floating point, and gives the gradient for free
    mantissa = input * Tensor._make(np.ldexp(np.ones((), a.dtype), -e).astype(a.dtype))
    return frexp_type(mantissa, Tensor._make(e))


def ldexp(input, other) -> Tensor:
    """``input * 2 ** other`` (integer inputs give the default float dtype)."""
    input, other = as_tensor_arg(input, "ldexp"), as_operand(other, "ldexp")
    if input._data.dtype.kind != "f":
        input = input.to(_dt.get_default_dtype())
    # the power in input's dtype, so the result keeps it (a 0-d input too), as PyTorch
    return input * (2.0 ** other.to(input.dtype) if isinstance(other, Tensor) else
                    2.0 ** float(other))


def nextafter(input, other) -> Tensor:
    """The next floating-point value after ``input`` towards ``other`` (no gradient)."""
    input, other = as_tensor_arg(input, "nextafter"), as_tensor_arg(other, "nextafter")
    a, b = input._data, other._data
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise RuntimeError(f"nextafter: not implemented for {describe(input, other)}")
    dt = _dt.result_type(a, b)
    return not_differentiable(np.asarray(np.nextafter(a.astype(dt), b.astype(dt))),
                              "nextafter", input, other)


def _int_pair(input, other, op: str):
    input, other = as_tensor_arg(input, op), as_operand(other, op)
    b = other._data if isinstance(other, Tensor) else np.asarray(other)
    a = input._data
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: only integer tensors are supported (got "
                           f"{describe(input, other)})")
    dt = _dt.result_type(a, other._data if isinstance(other, Tensor) else int(other))
    return a.astype(dt), b.astype(dt)


def gcd(input, other) -> Tensor:
    """Elementwise greatest common divisor of integer tensors (non-negative)."""
    a, b = _int_pair(input, other, "gcd")
    return Tensor._make(np.asarray(np.gcd(a, b)))


def lcm(input, other) -> Tensor:
    """Elementwise least common multiple of integer tensors (non-negative)."""
    a, b = _int_pair(input, other, "lcm")
    return Tensor._make(np.asarray(np.lcm(a, b)))


def heaviside(input, values) -> Tensor:
    """The step function: 0 below zero, 1 above, ``values`` at zero (no gradient, as
    PyTorch, which has none implemented)."""
    input, values = as_tensor_arg(input, "heaviside"), as_tensor_arg(values, "heaviside")
    a, v = input._data, values._data
    if a.dtype != v.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different "
                           f"dtypes ({describe(input, values)})")
    out = np.where(a == 0, v, (a > 0).astype(a.dtype))
    out = np.where(np.isnan(a), a, out) if a.dtype.kind == "f" else out
    return not_differentiable(np.asarray(out, a.dtype), "heaviside", input, values)


def angle(input) -> Tensor:
    """The argument of each element as a complex number: pi for negative reals, 0 otherwise
    (nan stays nan); its gradient is 0, as PyTorch's for real tensors."""
    from .unary import zero_grad_result
    input = as_tensor_arg(input, "angle")
    x = float_input(input._data)
    out = np.where(x < 0, x.dtype.type(np.pi), x.dtype.type(0))
    out = np.where(np.isnan(x), x, out) if x.dtype.kind == "f" else out
    return zero_grad_result(np.asarray(out, x.dtype), input)


class NotDifferentiable(Primitive):
    """Marks a result that PyTorch records in the graph with no derivative implemented: it
    requires grad, and backward through it raises, as in PyTorch."""

    @staticmethod
    def forward(ctx, out, *inputs, op):
        ctx.op = op
        return out

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(f"the derivative for '{ctx.op}' is not implemented.")


def not_differentiable(out: np.ndarray, op: str, *inputs) -> Tensor:
    """``out`` as a Tensor; in the graph (refusing backward) when a float input requires
    grad."""
    if out.dtype.kind == "f" and any(isinstance(x, Tensor) and x._rg for x in inputs):
        return NotDifferentiable.apply(out, *inputs, op=op)
    return Tensor._make(out)


class _BesselI(Primitive):
    """The modified Bessel functions I_n(x), n = 0 or 1, and (``scaled``) e^{-|x|} I_n(x): a
    primitive because NumPy has no vectorised I_1. It is the periodic trapezoid rule on
    (1/pi) int_0^pi e^{x cos t} cos(nt) dt, which converges geometrically; e^{|x|} is factored
    out so nothing overflows early (and the scaled forms never do)."""

    node_name = "I0Backward0"
    _T = np.cos((np.arange(256) + 0.5) * (np.pi / 256))
    _COS_N = {0: np.ones(256), 1: _T}
    _NAMES = {(0, False): "I0Backward0", (1, False): "SpecialI1Backward0",
              (0, True): "SpecialI0EBackward0", (1, True): "SpecialI1EBackward0"}

    @staticmethod
    def forward(ctx, a, n, scaled=False):
        ctx.n, ctx.scaled = n, scaled
        ctx.node_name = _BesselI._NAMES[n, scaled]
        ctx.save_for_backward(a)
        x = float_input(a)
        ax = np.abs(x).astype(np.float64)[..., None]
        out = np.mean(np.exp(ax * (_BesselI._T - 1)) * _BesselI._COS_N[n], axis=-1)
        if not scaled:
            out = out * np.exp(ax[..., 0])
        if n == 1:
            out = np.sign(x) * out
        return np.asarray(out.astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        npg, n, scaled = _ops(), ctx.n, ctx.scaled
        if n == 0:  # I0' = I1
            d = _BesselI.apply(a, n=1, scaled=scaled)
        else:  # I1' = I0 - I1 / x, whose limit at 0 is 1/2
            safe = npg.where(a == 0, 1.0, a)
            d = _BesselI.apply(a, n=0, scaled=scaled) - _BesselI.apply(safe, n=1,
                                                                       scaled=scaled) / safe
            d = npg.where(a == 0, 0.5, d)
        if scaled:  # (e^{-|x|} I_n)' = e^{-|x|} I_n' - sign(x) e^{-|x|} I_n
            d = d - npg.sign(a) * _BesselI.apply(a, n=n, scaled=True)
        return grad * d


def i0(input) -> Tensor:
    """The modified Bessel function of the first kind of order 0."""
    return _BesselI.apply(as_tensor_arg(input, "i0"), n=0)


# ---------------------------------------------------------------------------------------------
# nan-aware and order-statistic reductions
# ---------------------------------------------------------------------------------------------

def nansum(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``sum`` treating nan as zero (nans get gradient 0)."""
    input = as_tensor_arg(input, "nansum")
    x = input
    if input._data.dtype.kind == "f":
        x = _ops().where(_ops().isnan(input), 0.0, input)
    return _ops().sum(x, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``mean`` over the non-nan elements (nan where a slice has none)."""
    input = as_tensor_arg(input, "nanmean")
    if input._data.dtype.kind != "f" and dtype is None:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex "
                           f"dtype but got {input.dtype}")
    valid = (~_ops().isnan(input)).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / valid


def _nan_last_order(a: np.ndarray, d: int) -> np.ndarray:
    # a stable sort puts nans last, and ties in their order of appearance
    return np.argsort(a, axis=d, kind="stable")


def nanmedian(input, dim=None, keepdim: bool = False):
    """The lower median of the non-nan elements; with ``dim``, ``(values, indices)``."""
    from ..reduction.reduce import TakeAlong, index_dim, select_along
    input = as_tensor_arg(input, "nanmedian")
    a = input._data
    if dim is None:
        flat = input.reshape(-1)
        if flat.shape[0] == 0:
            return Tensor._make(np.asarray(np.nan, a.dtype)) if a.dtype.kind == "f" else \
                flat.sum()
        idx = _nanmedian_index(flat._data, 0)
        return TakeAlong.apply(flat, index=idx, dim=0, keepdim=False,
                               name="NanmedianBackward0")
    d = index_dim(input, dim, "nanmedian")
    a1 = a.reshape(a.shape or (1,))
    x = input.reshape(a1.shape)
    out = select_along(x, _nanmedian_index(a1, d), d, keepdim or not a.ndim,
                       "NanmedianBackward1", nanmedian_type)
    if not a.ndim:
        out = nanmedian_type(out.values.reshape(()), out.indices.reshape(()))
    return out


def _nanmedian_index(a: np.ndarray, d: int) -> np.ndarray:
    order = _nan_last_order(a, d)
    n_valid = (~np.isnan(a)).sum(axis=d, keepdims=True) if a.dtype.kind == "f" else \
        np.full_like(np.take(order, [0], axis=d), a.shape[d])
    k = np.maximum(n_valid - 1, 0) // 2  # all-nan slices take the first nan
    return np.take_along_axis(order, k, axis=d)


def aminmax(input, *, dim=None, keepdim: bool = False):
    """``(min, max)`` of all elements, or along ``dim`` (ties share the gradient)."""
    input = as_tensor_arg(input, "aminmax")
    if input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    d = () if dim is None else dim
    return aminmax_type(_ops().amin(input, d, keepdim), _ops().amax(input, d, keepdim))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    op = "nanquantile" if ignore_nan else "quantile"
    npg = _ops()
    input = as_tensor_arg(input, op)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}() interpolation must be one of linear, lower, higher, midpoint "
                         f"or nearest. Got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    qa = np.asarray(q._data if isinstance(q, Tensor) else q, dtype=input._data.dtype)
    if qa.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    if np.any((qa < 0) | (qa > 1)):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if input.numel() == 0 and dim is None:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if dim is None:
        x, d = input.reshape(-1), 0
        out_shape = [1] * input.ndim if keepdim else []
    else:
        d = norm_dim(dim, max(input.ndim, 1), op)
        x = input.reshape(input.shape or (1,))
        out_shape = list(x.shape)
        if keepdim:
            out_shape[d] = 1
        else:
            del out_shape[d]
        out_shape = out_shape if input.ndim else []
    xs = npg.sort(x, dim=d).values          # nans sort last
    n = xs.shape[d]
    nan = np.isnan(xs._data)
    n_valid = (~nan).sum(axis=d, keepdims=True) if ignore_nan else \
        np.full(nan.any(axis=d, keepdims=True).shape, n)
    qv = qa.reshape(-1)
    # positions (q, *slice dims with d kept as 1): rank = q * (n_valid - 1)
    # in the input's dtype, as PyTorch (0.4 * 5 is exactly 2 in float32, not in float64)
    last = np.maximum(n_valid - 1, 0).astype(qv.dtype)
    rank = qv.reshape((-1,) + (1,) * x.ndim) * last
    bad = (n_valid == 0) if ignore_nan else nan.any(axis=d, keepdims=True)
    # a slice with a nan (quantile) points at its last element, a nan, as PyTorch: the value
    # is nan and the gradient goes there
    rank = np.where(bad & (not ignore_nan), qv.dtype.type(n - 1), rank)
    if interpolation == "lower":
        rank = np.floor(rank)
    elif interpolation == "higher":
        rank = np.ceil(rank)
    elif interpolation == "nearest":
        rank = np.round(rank)  # half to even, as PyTorch
    lo = np.clip(np.floor(rank), 0, max(n - 1, 0)).astype(np.int64)
    hi = np.clip(np.ceil(rank), 0, max(n - 1, 0)).astype(np.int64)
    xq = xs.unsqueeze(0).expand((len(qv),) + tuple(xs.shape))
    v_lo = npg.take_along_dim(xq, Tensor._make(lo), d + 1)
    v_hi = npg.take_along_dim(xq, Tensor._make(hi), d + 1)
    if interpolation == "midpoint":
        w = np.where(hi > lo, 0.5, 0.0)
    else:
        w = np.where(hi > lo, rank - lo, 0)  # 0, not nan, where lo == hi (0 * nan)
    out = v_lo + (v_hi - v_lo) * Tensor._make(w.astype(xs._data.dtype))
    out = out.reshape((len(qv),) + tuple(out_shape))
    return out.squeeze(0) if scalar_q or qa.ndim == 0 else out


def quantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """The ``q``-th quantiles (a number or a 1-D tensor of them, in [0, 1]) of all elements
    or along ``dim``; a slice with a nan gives nan. Tensor ``q`` adds a leading dim."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """``quantile`` ignoring nans (nan only for all-nan slices)."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


def mode(input, dim: int = -1, keepdim: bool = False):
    """``(values, indices)``: the most frequent value along ``dim`` (the smallest among equally
    frequent ones) and the index of its last occurrence, as PyTorch on CPU."""
    from ..reduction.reduce import index_dim, select_along
    input = as_tensor_arg(input, "mode")
    a = input._data
    a1 = a.reshape(a.shape or (1,))
    d = index_dim(input, dim, "mode") if a.ndim else norm_dim(dim, 1, "mode")
    order = np.argsort(a1, axis=d, kind="stable")
    s = np.take_along_axis(a1, order, axis=d)
    n = s.shape[d]
    pos = np.arange(n).reshape([-1 if k == d else 1 for k in range(s.ndim)])
    start = np.ones(s.shape, bool)
    if n > 1:
        # a run of equal values starts where the sorted value changes (nans equal each other)
        same = np.take(s, range(1, n), axis=d) == np.take(s, range(n - 1), axis=d)
        if s.dtype.kind == "f":
            same |= np.isnan(np.take(s, range(1, n), axis=d)) & \
                np.isnan(np.take(s, range(n - 1), axis=d))
        start = np.concatenate([np.take(start, [0], axis=d), ~same], axis=d)
    run_start = np.maximum.accumulate(np.where(start, pos, 0), axis=d)
    count = pos - run_start + 1
    best = np.argmax(count, axis=d)  # first maximum: the end of the smallest modal run
    index = np.take_along_axis(order, np.expand_dims(best, d), axis=d)
    out = select_along(input.reshape(a1.shape), index, d, keepdim or not a.ndim,
                       "ModeBackward0", mode_type)
    if not a.ndim:
        out = mode_type(out.values.reshape(()), out.indices.reshape(()))
    return out


# ---------------------------------------------------------------------------------------------
# Differences and log-space scans
# ---------------------------------------------------------------------------------------------

def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``prepend`` / ``append`` joined
    first); bool tensors give logical xor of neighbours, as PyTorch."""
    npg = _ops()
    input = as_tensor_arg(input, "diff")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = norm_dim(dim, input.ndim, "diff")
    parts = [p for p in (prepend, input, append) if p is not None]
    x = npg.cat([as_tensor_arg(p, "diff") for p in parts], d) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        hi, lo = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
        x = npg.logical_xor(hi, lo) if x._data.dtype.kind == "b" else hi - lo
    return x


def logcumsumexp(input, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably (``logaddexp`` scan)."""
    input = as_tensor_arg(input, "logcumsumexp")
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
        out = np.logaddexp.accumulate(x1, axis=dim) if x1.size else x1.copy()
        out = out.reshape(x.shape)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d out_j / d x_i = exp(x_i - out_j) for i <= j, so grad_x_i is a reversed cumsum of
        # grad_j exp(-out_j) times exp(x_i). Done in log space, the positive and negative parts
        # of grad apart (as PyTorch), so no exp overflows; built from logcumsumexp itself, so
        # it is differentiable again.
        npg = _ops()
        a, out = ctx.saved_tensors
        d, shape = ctx.dim, a.shape
        x, o, g = (t.reshape(shape or (1,)) for t in (a, out, grad))
        if a._data.dtype.kind != "f":
            x = x.to(o.dtype)

        def log_part(v):  # log(v) where v > 0, else -inf (the where keeps gradients finite)
            pos = v > 0
            return npg.where(pos, npg.log(npg.where(pos, v, 1.0)), -math.inf)

        def rev_scan(t):
            return _LogCumSumExp.apply(t.flip(d), dim=d).flip(d)

        # an output of -inf (a prefix of -inf inputs) takes nothing from its inputs: 0 keeps
        # -inf - -inf (nan) out of the scans
        o = npg.where(o == -math.inf, 0.0, o)
        gx = (x + rev_scan(log_part(g) - o)).exp() - (x + rev_scan(log_part(-g) - o)).exp()
        return gx.reshape(shape)
