"""Activation functions of ``nn.functional``.

``relu``, ``gelu``, ``softmax`` and ``log_softmax`` are fused primitives (one NumPy pass,
stable, with gradients written in npgrad ops); the rest are composites of elementwise ops.

The in-place forms (``relu_``, ``elu_``...; ``torch`` and ``nn.functional`` have them) are at
the end.
"""
from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from ...backend import as_array, ascontiguous
from .. import autocast
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from .. import inplace as _inplace
from .._arguments import Tensor, as_tensor_arg, describe, int_arg, norm_dim
from ..elementwise.binary import where
from . import _rows
from ..elementwise import special as _special
from ..elementwise.special import norm_cdf, norm_cdf_pdf
from ..elementwise.trig import sigmoid, tanh
from ..elementwise.unary import exp, float_input
from ...random import default_generator

__all__ = ["relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "celu", "gelu", "silu", "mish",
           "hardtanh", "hardswish", "hardsigmoid", "softplus", "softsign", "softmax", "log_softmax",
           "softmin", "glu", "threshold", "logsigmoid", "tanhshrink", "softshrink", "hardshrink",
           "rrelu", "relu_", "selu_", "celu_", "rrelu_", "threshold_", "elu_", "leaky_relu_",
           "hardtanh_"]


# ---------------------------------------------------------------------------------------------
# Input checks: PyTorch's activation kernels are floating only, except the ReLU/clamp family
# ---------------------------------------------------------------------------------------------

def float_kernel_input(input, op: str, kernel: str) -> Tensor:
    """``input`` as a Tensor of a floating dtype: PyTorch has no integer or bool kernel for
    ``op`` (``kernel`` names the one it lacks) and raises even for an empty input."""
    x = as_tensor_arg(input, op)
    if not is_float_np(x._data.dtype):
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_dt.scalar_type_name(x._data.dtype)}' ({op}: input "
                                  f"{describe(x)})")
    return x


def _clamp_family_input(input, op: str, low=None) -> Tensor:
    """relu, hardtanh and threshold take integer tensors (and keep their dtype), not bool."""
    x = as_tensor_arg(input, op)
    kind = x._data.dtype.kind
    if kind == "b":
        raise RuntimeError(f"{op}: Boolean inputs not supported for {op} (input {describe(x)})"
                           if op == "relu" else
                           f"{op}: Bool inputs not supported for {op} (input {describe(x)})")
    if kind == "u" and low is not None and low < 0:
        raise RuntimeError(f"{op}: cannot do {op} on an unsigned type with negative limits "
                           f"(input {describe(x)}, min_val {low})")
    return x


# ---------------------------------------------------------------------------------------------
# ReLU family
# ---------------------------------------------------------------------------------------------

class Relu(Primitive):
    node_name = "ReluBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            return a.copy()
        # Speed: against an array of zeros, not the scalar 0: NumPy's maximum has no SIMD loop
        # for a broadcast scalar (2-3x slower, a branch per element)
        out = np.zeros_like(a)
        return np.maximum(a, out, out=out)

    @staticmethod
    def backward(ctx, grad):
        # NOTE: the subgradient at 0 is 0, and a NaN input passes the gradient, as PyTorch's
        # (out <= 0 ? 0 : grad); out is never negative, so out != 0 is that mask
        (out,) = ctx.saved_tensors
        g = grad._data
        if (not STATE.enabled and type(g) is np.ndarray and g.dtype == out._data.dtype
                and np.isfinite(g).all()):
            # Speed on the CPU: a product with the mask, not np.where, which mispredicts a
            # branch per element on ReLU's random masks (~7x slower); only a non-finite
            # gradient needs where's exact zeros (inf * 0 is nan). (A GPU has no such cost,
            # and the check would be a copy to the host.)
            return Tensor._make(np.multiply(g, out._data != 0, dtype=g.dtype))
        return where(out != 0, grad, 0.0)


def relu(input, inplace: bool = False) -> Tensor:
    """``max(input, 0)``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, relu)
    out = Relu.apply(_clamp_family_input(input, "relu"))
    return out


def threshold(input, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where ``input > threshold``, else ``value``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, _threshold, threshold, value)
    x = as_tensor_arg(input, "threshold")
    if x._data.dtype.kind == "b":
        raise NotImplementedError(f"\"threshold_cpu\" not implemented for 'Bool' (threshold: "
                                  f"input {describe(x)})")
    # an integer input keeps its dtype, the value truncated into it, as PyTorch
    value = int(value) if x._data.dtype.kind in "iu" else float(value)
    # (input <= threshold, not > threshold, so a NaN stays NaN with the identity's gradient,
    # as PyTorch)
    out = where(x <= threshold, Tensor._make(as_array(value, x._data.dtype)), x)
    return out


_threshold = threshold  # inside threshold() the argument shadows the function


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """Clamp to ``[min_val, max_val]``; the gradient is 0 at the bounds and outside, 1 inside
    and at NaN, as PyTorch's (clamp's is 1 at the bounds and 0 at NaN)."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, hardtanh, min_val, max_val)
    input = _clamp_family_input(input, "hardtanh", min_val)
    if input._data.dtype.kind in "iu":  # integer inputs keep their dtype, bounds truncated
        min_val, max_val = int(min_val), int(max_val)
    out = where((input <= min_val) | (input >= max_val),
                input.detach().clamp(min_val, max_val), input)
    return out


def relu6(input, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` for positive values, ``negative_slope * input`` otherwise."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, leaky_relu, negative_slope)
    input = float_kernel_input(input, "leaky_relu", "leaky_relu_cpu")
    out = where(input > 0, input, input * negative_slope)
    return out


@autocast.lower_precision
def prelu(input, weight: Tensor) -> Tensor:
    """Leaky ReLU with a learned slope per channel (dim 1) or a single one."""
    input = float_kernel_input(input, "prelu", "prelu_cpu")
    weight = as_tensor_arg(weight, "prelu", "weight")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    if input.ndim == 0 and weight.numel() != 1:
        raise RuntimeError("Not allow zero-dim input tensor. (prelu)")
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{_dt.scalar_type_name(input._data.dtype)} and "
                           f"{_dt.scalar_type_name(weight._data.dtype)}")
    w = weight
    if weight.numel() > 1 and input.ndim > 1:
        w = weight.reshape((1, -1) + (1,) * (input.ndim - 2))
    # the slope is chosen before it multiplies, as PyTorch's kernel: where(x > 0, x, x * w)
    # would send 0 * w (nan for an infinite w) into the gradient of every positive x
    return input * where(input > 0, 1.0, w)


def rrelu(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU: a random slope in training, the mean slope in eval."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, rrelu, lower, upper, training)
    input = float_kernel_input(input, "rrelu", "leaky_relu_cpu")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    slope = default_generator.rng.uniform(lower, upper, input.shape).astype(input._data.dtype)
    out = where(input >= 0, input, input * Tensor._make(slope))
    return out


def elu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` if positive, else ``alpha * (exp(input) - 1)``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, elu, alpha)
    input = float_kernel_input(input, "elu", "elu_cpu")
    # (input <= 0, not > 0, so a NaN takes the identity's gradient, as PyTorch)
    out = where(input <= 0, alpha * (exp(input.clamp(max=0.0)) - 1), input)
    return out


def selu(input, inplace: bool = False) -> Tensor:
    """Self-normalising ELU with PyTorch's constants."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, selu)
    input = float_kernel_input(input, "selu", "elu_cpu")
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    out = scale * elu(input, alpha)
    return out


def celu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, celu, alpha)
    input = float_kernel_input(input, "celu", "elu_cpu")
    # (input <= 0, not > 0, so a NaN takes the identity's gradient, as PyTorch)
    out = where(input <= 0, alpha * (exp(input.clamp(max=0.0) / alpha) - 1), input)
    return out


# ---------------------------------------------------------------------------------------------
# Smooth gates: GELU, SiLU, Mish, softplus
# ---------------------------------------------------------------------------------------------

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class NormCdf(Primitive):
    """Phi(x), the standard normal CDF; its derivative is the normal density phi(x)."""

    node_name = "NormCdfBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return norm_cdf(float_input(a))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * exp(-0.5 * x * x) * _INV_SQRT_2PI


_GELU_KAPPA = 0.044715  # the tanh form's cubic coefficient


def _tanh_gelu(x: np.ndarray) -> tuple:
    """The tanh GELU ``0.5 x (1 + tanh(u))``, ``u = sqrt(2/pi) (x + 0.044715 x^3)``, and its
    derivative ``0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)``, in one
    pass over NumPy arrays (``x ** 3`` as ``x * x * x``: NumPy's ``pow`` is slow on negative
    floats). ``_tanh_gelu_derivative`` is the same derivative in npgrad ops, operation for
    operation, so the two agree to the bit."""
    if x.ndim == 0:  # (NumPy's arithmetic gives scalars for 0-d arrays, which can't be out=)
        out, derivative = _tanh_gelu(x.reshape(1))
        return out.reshape(()), derivative.reshape(())
    x3 = x * x
    x3 *= x
    x3 *= _GELU_KAPPA
    x3 += x
    x3 *= _SQRT_2_OVER_PI
    t = np.tanh(x3, out=x3)
    half_x = 0.5 * x
    one_plus_t = 1 + t
    out = half_x * one_plus_t
    slope = 3 * _GELU_KAPPA * x
    slope *= x
    slope += 1
    t *= t
    np.subtract(1, t, out=t)  # 1 - t^2
    half_x *= t
    half_x *= _SQRT_2_OVER_PI
    half_x *= slope
    one_plus_t *= 0.5
    one_plus_t += half_x
    return out, one_plus_t


def _tanh_gelu_derivative(x: Tensor) -> Tensor:
    """The tanh GELU's derivative in npgrad ops (differentiable again)."""
    t = tanh(_SQRT_2_OVER_PI * (x + _GELU_KAPPA * (x * x * x)))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (
        1 + 3 * _GELU_KAPPA * x * x)


def _tanh_gelu_second_derivative(x: Tensor) -> Tensor:
    """``(1 - t^2) (u' + 0.5 x (u'' - 2 t u'^2))`` with ``u = sqrt(2/pi) (x + k x^3)``."""
    t = tanh(_SQRT_2_OVER_PI * (x + _GELU_KAPPA * (x * x * x)))
    du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_KAPPA * x * x)
    ddu = (6 * _SQRT_2_OVER_PI * _GELU_KAPPA) * x
    return (1 - t * t) * (du + 0.5 * x * (ddu - 2 * t * du * du))


class Gelu(Primitive):
    """Fused GELU: one pass forward, which also computes the derivative (``Phi(x) + x phi(x)``,
    or the tanh form's) for :class:`GeluBackward`."""

    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, a, approximate):
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        x = float_input(a)
        if approximate == "tanh":
            out, ctx.derivative = _tanh_gelu(x)
            return out
        if x.dtype != np.float32:
            cdf, pdf = norm_cdf_pdf(x)
            ctx.derivative = cdf + x * pdf
            return x * cdf
        # Speed: by cache-sized blocks; the derivative Phi + x phi costs two passes here
        # against a second erf in backward (kept as a constant for GeluBackward's forward)
        flat = ascontiguous(x).reshape(-1)
        # (from the contiguous copy: empty_like(x) keeps a transposed or expanded x's axis
        # order, and reshape(-1) of that is a copy, which the blocks would fill unseen)
        out_flat, deriv_flat = np.empty_like(flat), np.empty_like(flat)
        out, deriv = out_flat.reshape(x.shape), deriv_flat.reshape(x.shape)
        for i in range(0, flat.size, _special.BLOCK):
            xs, cdf, pdf = (a[i:i + _special.BLOCK] for a in (flat, out_flat, deriv_flat))
            _special.cdf_pdf_block(xs, cdf, pdf)
            pdf *= xs
            pdf += cdf
            cdf *= xs
        ctx.derivative = deriv
        return out

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return GeluBackward.apply(grad, x, derivative=ctx.derivative,
                                  approximate=ctx.approximate), None


class GeluBackward(Primitive):
    """``grad * gelu'(x)`` in one pass (the derivative comes from Gelu's forward); its own
    backward is written in npgrad ops, so GELU stays differentiable to any order."""

    node_name = "GeluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, x, derivative, approximate="none"):
        ctx.save_for_backward(grad, x)
        ctx.approximate = approximate
        return np.multiply(grad, derivative, dtype=derivative.dtype)

    @staticmethod
    def backward(ctx, gg):
        grad, x = ctx.saved_tensors
        need_grad, need_x = ctx.needs_input_grad
        if ctx.approximate == "tanh":
            g_grad = gg * _tanh_gelu_derivative(x) if need_grad else None
            g_x = gg * grad * _tanh_gelu_second_derivative(x) if need_x else None
            return g_grad, g_x
        pdf = exp(-0.5 * x * x) * _INV_SQRT_2PI
        g_grad = gg * (NormCdf.apply(x) + x * pdf) if need_grad else None
        # d/dx (Phi + x phi) = 2 phi - x^2 phi
        g_x = gg * grad * pdf * (2 - x * x) if need_x else None
        return g_grad, g_x


def gelu(input, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate='tanh'`` for the tanh form."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either none or tanh, got "
                           f"'{approximate}'")
    return Gelu.apply(float_kernel_input(input, "gelu", "GeluKernelImpl"), approximate)


def silu(input, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (swish)."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, silu)
    input = float_kernel_input(input, "silu", "silu_cpu")
    out = input * sigmoid(input)
    return out


class Softplus(Primitive):
    """A primitive so that the gradient is PyTorch's ``sigmoid(beta * x)`` everywhere: as a
    composite of the stable form, clamp's and abs's subgradients made it 1 at 0, not 0.5."""

    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta, threshold):
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        x = float_input(a)
        z = x * beta
        # log1p(exp(z)) computed stably as max(z, 0) + log1p(exp(-|z|)) (exp(z) would
        # overflow float16 below the threshold)
        soft = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta
        return np.where(z > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        z = x * ctx.beta
        s = sigmoid(z)
        edge = z == ctx.threshold
        if type(edge._data) is not np.ndarray or edge._data.any():  # (no host read on a device)
            # NOTE: as PyTorch, whose double backward has sigmoid's derivative only where
            # z < threshold: at the threshold the gradient is sigmoid(z), but as a constant
            s = where(edge, s.detach(), s)
        return where(z > ctx.threshold, grad, grad * s), None, None


def softplus(input, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    return Softplus.apply(float_kernel_input(input, "softplus", "softplus_cpu"), beta,
                          threshold)


def mish(input, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, mish)
    input = float_kernel_input(input, "mish", "mish_cpu")
    out = input * tanh(softplus(input))
    return out


def logsigmoid(input) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``. (No threshold:
    softplus' linear branch above 20 has no second derivative, PyTorch's log_sigmoid has
    ``-sigmoid(x) (1 - sigmoid(x))`` everywhere.)"""
    return -softplus(-float_kernel_input(input, "logsigmoid", "log_sigmoid_cpu"), 1.0, math.inf)


def hardsigmoid(input, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, hardsigmoid)
    input = float_kernel_input(input, "hardsigmoid", "hardsigmoid_cpu")
    # outside (-3, 3) the clamped constant without gradient; a NaN stays NaN, as PyTorch
    out = where((input > -3.0) & (input < 3.0), input / 6 + 0.5,
                input.detach().clamp(-3.0, 3.0) / 6 + 0.5)
    return out


def hardswish(input, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``."""
    if inplace:  # through apply_, so a graph that saved input keeps its old value
        return _inplace.apply_(input, hardswish)
    input = float_kernel_input(input, "hardswish", "hardswish_cpu")
    # a NaN takes the identity's branch and gradient, as PyTorch; it is kept out of the
    # quadratic, whose zero gradient times NaN would be NaN
    mid = (input > -3.0) & (input < 3.0)
    x = where(mid, input, 0.0)
    # below -3 PyTorch's x * 0 / 6: -0, and nan at -inf (a constant: the gradient there is 0)
    low = Tensor._make(input._data * input._data.dtype.type(0))
    out = where(mid, x * (x + 3) / 6, where(input <= -3.0, low, input))
    return out


def softsign(input) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (1 + input.abs())


def tanhshrink(input) -> Tensor:
    """``x - tanh(x)``."""
    return input - tanh(input)


def softshrink(input, lambd: float = 0.5) -> Tensor:
    """Shrink toward 0 by ``lambd``; 0 inside ``[-lambd, lambd]``."""
    input = float_kernel_input(input, "softshrink", "softshrink_check")
    # (0 only inside [-lambd, lambd], so a NaN stays NaN with the identity's gradient, as
    # PyTorch)
    inside = (input >= -lambd) & (input <= lambd)
    return where(inside, 0.0, where(input > lambd, input - lambd, input + lambd))


def hardshrink(input, lambd: float = 0.5) -> Tensor:
    """``x`` outside ``[-lambd, lambd]``, 0 inside."""
    input = float_kernel_input(input, "hardshrink", "hardshrink_cpu")
    # (0 only inside [-lambd, lambd], so a NaN stays NaN with the identity's gradient, as
    # PyTorch)
    return where((input >= -lambd) & (input <= lambd), 0.0, input)


def glu(input, dim: int = -1) -> Tensor:
    """Gated linear unit: split ``dim`` in halves ``a, b`` and return ``a * sigmoid(b)``."""
    input = float_kernel_input(input, "glu", "glu_cpu")
    d = norm_dim(dim, input.ndim, "glu")
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"glu: Halving dimension must be even, but dimension {d} is size {n}")
    a, b = input.narrow(d, 0, n // 2), input.narrow(d, n // 2, n // 2)
    return a * sigmoid(b)


# ---------------------------------------------------------------------------------------------
# Softmax family (fused: max-shifted, so exp never overflows)
# ---------------------------------------------------------------------------------------------

def _softmax_dim(ndim: int, dim, op: str) -> int:
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the call "
                      "to include dim=X as an argument.", stacklevel=3)
        dim = 0 if ndim in (0, 1, 3) else 1
    return norm_dim(dim, ndim, op)


def _sum_dim(x: np.ndarray, dim: int) -> np.ndarray:
    """``x.sum(dim, keepdims=True)``; the last dim as a BLAS product (ops/_rows.py)."""
    return _rows.sum_last(x) if dim == x.ndim - 1 else x.sum(axis=dim, keepdims=True)


def check_softmax_kernel(a: np.ndarray, op: str, dim: int, caller: str | None = None) -> None:
    """PyTorch's softmax and log_softmax kernels are floating only (``op`` names which, and
    ``caller`` the op that runs it); an empty input runs no kernel, so never raises."""
    if not is_float_np(a.dtype) and a.size:
        kernel = "lastdim_kernel_impl" if dim == max(a.ndim - 1, 0) else "kernel_impl"
        raise NotImplementedError(f"\"{op}_{kernel}\" not implemented for "
                                  f"'{_dt.scalar_type_name(a.dtype)}' ({caller or op}: input "
                                  f"{describe(a)})")


def _softmax_input(a: np.ndarray, op: str, dim: int) -> np.ndarray:
    """The array to compute on; as PyTorch, a 0-d input is computed as 1-d (NumPy's 0-d
    arithmetic gives scalars, which take no ``out=``)."""
    check_softmax_kernel(a, op, dim)
    return a.reshape(1) if not a.ndim else a


class Softmax(Primitive):
    node_name = "SoftmaxBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = _softmax_input(a, "softmax", dim)
        if not x.size:
            out = x.copy()
        else:
            out = x - _rows.max_along(x, dim)
            np.exp(out, out=out)
            out /= _sum_dim(out, dim)
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if not STATE.enabled:  # no create_graph: the same formula in NumPy, one node
            o, g = out._data, grad._data
            gi = g - _sum_dim(g * o, ctx.dim)
            gi *= o
            return Tensor._make(gi), None
        return out * (grad - (grad * out).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Primitive):
    node_name = "LogSoftmaxBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = _softmax_input(a, "log_softmax", dim)
        if not x.size:
            out = x.copy()
        else:
            out = x - _rows.max_along(x, dim)
            out -= np.log(_sum_dim(np.exp(out), dim))
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if not STATE.enabled:  # no create_graph: the same formula in NumPy, one node
            e = np.exp(out._data)
            e *= _sum_dim(grad._data, ctx.dim)
            return Tensor._make(grad._data - e), None
        return grad - exp(out) * grad.sum(ctx.dim, keepdim=True), None


def _with_dtype(input: Tensor, dtype) -> Tensor:
    return input if dtype is None else input.to(_dt.dtype_arg(dtype, "softmax"))


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(x) / exp(x).sum(dim)``, computed stably.

    >>> F.softmax(npgrad.tensor([1000., 1000.]), dim=0)
    tensor([0.5000, 0.5000])
    """
    input = _with_dtype(as_tensor_arg(input, "softmax"), dtype)
    return Softmax.apply(input, _softmax_dim(input.ndim, dim, "softmax"))


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``log(softmax(x))`` without overflow or ``-inf`` gradients."""
    input = _with_dtype(as_tensor_arg(input, "log_softmax"), dtype)
    return LogSoftmax.apply(input, _softmax_dim(input.ndim, dim, "log_softmax"))


def softmax_toplevel(input, dim, dtype=None) -> Tensor:
    """``torch.softmax``: :func:`softmax` with ``dim`` required (an int: no implicit choice)
    and ``dtype`` third."""
    return softmax(input, int_arg(dim, "softmax", "dim", 2), dtype=dtype)


def log_softmax_toplevel(input, dim, dtype=None) -> Tensor:
    """``torch.log_softmax``: :func:`log_softmax` with ``dim`` required and ``dtype`` third."""
    return log_softmax(input, int_arg(dim, "log_softmax", "dim", 2), dtype=dtype)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x)``."""
    input = _with_dtype(as_tensor_arg(input, "softmin"), dtype)
    return Softmax.apply(-input, _softmax_dim(input.ndim, dim, "softmin"))


# ---------------------------------------------------------------------------------------------
# In-place forms (torch.relu_ and nn.functional.relu_...): through ops.inplace.apply_, which keeps a
# copy of the old values when the op's graph saved them, so backward works as in PyTorch
# ---------------------------------------------------------------------------------------------

def relu_(input: Tensor) -> Tensor:
    return _inplace.apply_(input, relu)


def selu_(input: Tensor) -> Tensor:
    return _inplace.apply_(input, selu)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _inplace.apply_(input, celu, alpha)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: builtins.bool = False, generator=None) -> Tensor:
    return _inplace.apply_(input, rrelu, lower, upper, training)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _inplace.apply_(input, _threshold, threshold, value)


# (nn.functional has these in-place forms too; torch's top level does not)
def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _inplace.apply_(input, elu, alpha)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return _inplace.apply_(input, leaky_relu, negative_slope)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return _inplace.apply_(input, hardtanh, min_val, max_val)
