"""Unary elementwise functions: trigonometric, hyperbolic, their inverses, and the special
functions sigmoid, logit, erf and erfc.

All of them give floats: integer and bool inputs compute in the default float dtype.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Primitive
from ._util import Tensor, as_tensor_arg
from .unary import exp, float_input, rsqrt

__all__ = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
           "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
           "sinc", "deg2rad", "rad2deg", "sigmoid", "logit", "erf", "erfc", "erfinv"]


class _Unary(Primitive):
    """A float-valued function of one input that saves the input for its backward."""

    ufunc = None

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        return cls.ufunc(float_input(a))


class _UnaryOut(Primitive):
    """The same, for functions whose derivative is cheaper from the output (tan, tanh...)."""

    ufunc = None

    @classmethod
    def forward(cls, ctx, a):
        # asarray: a saved output must be the array the result wraps, also for 0-d input
        out = np.asarray(cls.ufunc(float_input(a)))
        ctx.save_for_backward(out)
        return out


# ---------------------------------------------------------------------------------------------
# Trigonometric
# ---------------------------------------------------------------------------------------------

class Sin(_Unary):
    node_name, ufunc = "SinBackward0", np.sin

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * cos(a)


class Cos(_Unary):
    node_name, ufunc = "CosBackward0", np.cos

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * -sin(a)


class Tan(_UnaryOut):
    node_name, ufunc = "TanBackward0", np.tan

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out * out + 1)


class Asin(_Unary):
    node_name, ufunc = "AsinBackward0", np.arcsin

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * rsqrt(1 - a * a)


class Acos(_Unary):
    node_name, ufunc = "AcosBackward0", np.arccos

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * -rsqrt(1 - a * a)


class Atan(_Unary):
    node_name, ufunc = "AtanBackward0", np.arctan

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (a * a + 1)


def sin(input) -> Tensor:
    """Elementwise sine (radians)."""
    return Sin.apply(as_tensor_arg(input, "sin"))


def cos(input) -> Tensor:
    """Elementwise cosine (radians)."""
    return Cos.apply(as_tensor_arg(input, "cos"))


def tan(input) -> Tensor:
    """Elementwise tangent (radians)."""
    return Tan.apply(as_tensor_arg(input, "tan"))


def asin(input) -> Tensor:
    """Elementwise arcsine (nan outside [-1, 1])."""
    return Asin.apply(as_tensor_arg(input, "asin"))


def acos(input) -> Tensor:
    """Elementwise arccosine (nan outside [-1, 1])."""
    return Acos.apply(as_tensor_arg(input, "acos"))


def atan(input) -> Tensor:
    """Elementwise arctangent."""
    return Atan.apply(as_tensor_arg(input, "atan"))


class Sinc(_Unary):
    node_name, ufunc = "SincBackward0", np.sinc

    @staticmethod
    def backward(ctx, grad):
        from .binary import where
        (a,) = ctx.saved_tensors
        xpi, sq = a * math.pi, a * a * math.pi
        out = grad * (xpi * cos(xpi) - sin(xpi)) / sq
        return where(sq == 0, 0.0, out)  # NOTE: 0 at x = 0 (sinc's maximum), as PyTorch


class _Scale(Primitive):
    """Multiplication by a constant factor, as its own node (deg2rad, rad2deg)."""

    factor = 1.0

    @classmethod
    def forward(cls, ctx, a):
        return float_input(a) * cls.factor

    @classmethod
    def backward(cls, ctx, grad):
        return grad * cls.factor


class Deg2Rad(_Scale):
    node_name, factor = "Deg2RadBackward0", math.pi / 180.0


class Rad2Deg(_Scale):
    node_name, factor = "Rad2DegBackward0", 180.0 / math.pi


def sinc(input) -> Tensor:
    """The normalised sinc function ``sin(pi x) / (pi x)`` (1 at 0)."""
    return Sinc.apply(as_tensor_arg(input, "sinc"))


def deg2rad(input) -> Tensor:
    """Degrees to radians."""
    return Deg2Rad.apply(as_tensor_arg(input, "deg2rad"))


def rad2deg(input) -> Tensor:
    """Radians to degrees."""
    return Rad2Deg.apply(as_tensor_arg(input, "rad2deg"))


# ---------------------------------------------------------------------------------------------
# Hyperbolic
# ---------------------------------------------------------------------------------------------

class Sinh(_Unary):
    node_name, ufunc = "SinhBackward0", np.sinh

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * cosh(a)


class Cosh(_Unary):
    node_name, ufunc = "CoshBackward0", np.cosh

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * sinh(a)


class Tanh(_UnaryOut):
    node_name, ufunc = "TanhBackward0", np.tanh

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Asinh(_Unary):
    node_name, ufunc = "AsinhBackward0", np.arcsinh

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * rsqrt(a * a + 1)


class Acosh(_Unary):
    node_name, ufunc = "AcoshBackward0", np.arccosh

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * rsqrt(a * a - 1)


class Atanh(_Unary):
    node_name, ufunc = "AtanhBackward0", np.arctanh

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (1 - a * a)


def sinh(input) -> Tensor:
    """Elementwise hyperbolic sine."""
    return Sinh.apply(as_tensor_arg(input, "sinh"))


def cosh(input) -> Tensor:
    """Elementwise hyperbolic cosine."""
    return Cosh.apply(as_tensor_arg(input, "cosh"))


def tanh(input) -> Tensor:
    """Elementwise hyperbolic tangent."""
    return Tanh.apply(as_tensor_arg(input, "tanh"))


def asinh(input) -> Tensor:
    """Elementwise inverse hyperbolic sine."""
    return Asinh.apply(as_tensor_arg(input, "asinh"))


def acosh(input) -> Tensor:
    """Elementwise inverse hyperbolic cosine (nan below 1)."""
    return Acosh.apply(as_tensor_arg(input, "acosh"))


def atanh(input) -> Tensor:
    """Elementwise inverse hyperbolic tangent (nan outside [-1, 1])."""
    return Atanh.apply(as_tensor_arg(input, "atanh"))


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


# ---------------------------------------------------------------------------------------------
# sigmoid and logit
# ---------------------------------------------------------------------------------------------

class Sigmoid(Primitive):
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        # exp(-a) overflows to inf for very negative a, which gives the right limit 0
        out = np.asarray(np.reciprocal(1 + np.exp(-float_input(a))))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Logit(Primitive):
    node_name = "LogitBackward0"

    @staticmethod
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps
        x = float_input(a)
        if eps is not None:
            x = np.clip(x, eps, 1 - eps)
        return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        from .binary import where
        (a,) = ctx.saved_tensors
        x, eps = a._data, ctx.eps
        # NOTE: as PyTorch: without eps the gradient is nan outside [0, 1]; with eps it is 0
        # outside [eps, 1 - eps] (where the input was clamped).
        if eps is None:
            out, fill = (x < 0) | (x > 1), math.nan
        else:
            out, fill = (x < eps) | (x > 1 - eps), 0.0
        g = grad / (a * (1 - a))
        return (where(Tensor._make(np.asarray(out)), fill, g) if np.any(out) else g), None


def sigmoid(input) -> Tensor:
    """Elementwise logistic function ``1 / (1 + exp(-input))``."""
    return Sigmoid.apply(as_tensor_arg(input, "sigmoid"))


def logit(input, eps: float | None = None) -> Tensor:
    """Elementwise ``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped into
    ``[eps, 1 - eps]``."""
    return Logit.apply(as_tensor_arg(input, "logit"), None if eps is None else float(eps))


# ---------------------------------------------------------------------------------------------
# erf and erfc
#
# NumPy has no erf. Computed in float64 (then cast back) from two expansions, to about 1e-15
# relative error for erf and erfc >= 2 (measured against math.erf/erfc; erfc in (-2, 2) is
# 1 - erf there, ~1e-13 relative):
# * |x| < 2: erf(x) = 2x/sqrt(pi) exp(-x^2) sum_k (2x^2)^k / (1*3*...*(2k+1)), a series whose
#   terms are all positive (no cancellation), summed until the terms stop counting;
# * x >= 2: the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x +
#   (3/2)/(x + ...)))), 60 levels deep, evaluated from the bottom up.
# Beyond |x| = 30 erf is +-1 and erfc 0 or 2 in float64, so inputs are clipped there (which
# also takes care of infinities).
# ---------------------------------------------------------------------------------------------

_SQRT_PI = math.sqrt(math.pi)


def _exp_neg_sq(x: np.ndarray) -> np.ndarray:
    """exp(-x*x) without the rounding error of x*x (which exp would magnify by x*x)."""
    hi = np.floor(x * 64.0) / 64.0  # few bits: hi*hi is exact, so exp(-hi*hi) is accurate
    lo = (x - hi) * (x + hi)        # x*x - hi*hi, small
    hi *= hi
    np.negative(hi, out=hi)
    np.negative(lo, out=lo)
    return np.exp(hi, out=hi) * np.exp(lo, out=lo)


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| < 2."""
    x2 = 2.0 * x * x
    term, s = np.ones_like(x), np.ones_like(x)
    k = 1
    while True:
        term *= x2
        term /= 2 * k + 1
        s += term
        k += 1
        if k % 8 == 0 and not np.any(term > 1e-17 * s):
            break
    s *= _exp_neg_sq(x)
    s *= x
    s *= 2.0 / _SQRT_PI
    return s


def _erfc_cf(x: np.ndarray) -> np.ndarray:
    """erfc(x) for x >= 2."""
    f = x.copy()
    for k in range(60, 0, -1):
        np.divide(k / 2.0, f, out=f)
        f += x
    f *= _SQRT_PI
    return np.divide(_exp_neg_sq(x), f, out=f)


def _erf(a: np.ndarray, complement: bool) -> np.ndarray:
    """erf(a), or erfc(a) with ``complement``, in a's float dtype."""
    x = np.clip(float_input(a).astype(np.float64), -30.0, 30.0)
    ax = np.abs(x)
    small = ax < 2.0  # nan lands in neither region and stays nan
    big = ax >= 2.0
    out = np.full(x.shape, np.nan)
    out[small] = _erf_series(x[small])
    tail = _erfc_cf(ax[big])                              # erfc(|x|)
    if complement:
        out[small] = 1.0 - out[small]
        out[big] = np.where(x[big] > 0, tail, 2.0 - tail)
    else:
        out[big] = np.copysign(1.0 - tail, x[big])
    return out.astype(float_input(a).dtype, copy=False)


class Erf(Primitive):
    node_name = "ErfBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _erf(a, complement=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * exp(-(a * a)) * (2.0 / _SQRT_PI)


class Erfc(Primitive):
    node_name = "ErfcBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _erf(a, complement=True)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * exp(-(a * a)) * (-2.0 / _SQRT_PI)


def erf(input) -> Tensor:
    """The error function, ``2/sqrt(pi)`` times the integral of ``exp(-t^2)`` from 0."""
    return Erf.apply(as_tensor_arg(input, "erf"))


def erfc(input) -> Tensor:
    """The complementary error function ``1 - erf(input)``, accurate for large inputs."""
    return Erfc.apply(as_tensor_arg(input, "erfc"))


def _erfinv(a: np.ndarray) -> np.ndarray:
    """erfinv in a's float dtype: Winitzki's closed form (~2e-3 relative) refined by two
    Halley steps on erf(x) = |y| (on erfc(x) = 1 - |y| for |y| >= 0.5, where 1 - |y| is
    exact), which brings it to ~1e-14 relative."""
    y = float_input(a).astype(np.float64).reshape(-1)  # 1-D: 0-d math would give scalars
    ay = np.abs(y)
    log_ = np.log1p(-ay * ay)
    t = 2 / (math.pi * 0.147) + log_ / 2
    x = np.sqrt(np.sqrt(t * t - log_ / 0.147) - t)
    tail = ay >= 0.5
    head = ~tail
    for _ in range(2):
        f = np.empty_like(x)                       # erf(x) - |y|
        f[tail] = (1.0 - ay[tail]) - _erf(x[tail], complement=True)
        f[head] = _erf(x[head], complement=False) - ay[head]
        d = 2 / _SQRT_PI * np.exp(-x * x)          # erf'(x); erf'' = -2x erf'
        x = x - f / (d + x * f)
    x[ay == 1] = np.inf
    x[ay > 1] = np.nan
    return np.copysign(x, y).astype(float_input(a).dtype, copy=False).reshape(a.shape)


class Erfinv(Primitive):
    node_name = "ErfinvBackward0"

    @staticmethod
    def forward(ctx, a):
        out = np.asarray(_erfinv(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * exp(out * out) * (_SQRT_PI / 2)


def erfinv(input) -> Tensor:
    """The inverse of erf on (-1, 1) (+-inf at +-1, nan outside)."""
    return Erfinv.apply(as_tensor_arg(input, "erfinv"))
