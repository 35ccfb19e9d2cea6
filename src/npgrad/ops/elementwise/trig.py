"""Unary elementwise functions: trigonometric, hyperbolic, their inverses, sinc, degree
conversions, sigmoid and logit. (erf and the gamma family: ``special.py``.)

All of them give floats: integer and bool inputs compute in the default float dtype.
"""
from __future__ import annotations

import math

import numpy as np

from ...backend import as_array
from ...autograd.function import Primitive
from .._arguments import Tensor, as_tensor_arg
from .unary import float_input, rsqrt
from .special import _erf  # noqa: F401 (erf moved to special.py; ops/activation.py imports it here)
from .binary import where

__all__ = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
           "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
           "sinc", "deg2rad", "rad2deg", "sigmoid", "logit"]


class _Unary(Primitive):
    """A float-valued function of one input, the NumPy ufunc ``ufunc``, that saves the input
    for its backward."""

    ufunc = None
    saves = "input"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.forward.__func__ is _Unary.forward.__func__ and cls.ufunc is not None:
            cls.float_ufunc = cls.ufunc  # (floating input: apply calls the ufunc directly)

    @classmethod
    def forward(cls, ctx, a):
        return cls.ufunc(float_input(a))


class _UnaryOut(_Unary):
    """The same, for functions whose derivative is cheaper from the output (tan, tanh...)."""

    saves = "output"


# ---------------------------------------------------------------------------------------------
# Trigonometric
# ---------------------------------------------------------------------------------------------

class Sin(_Unary):
    node_name, ufunc = "SinBackward0", np.sin

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * Cos._apply1(a)


class Cos(_Unary):
    node_name, ufunc = "CosBackward0", np.cos

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * -Sin._apply1(a)


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
    return Sin._apply1(as_tensor_arg(input, "sin"))


def cos(input) -> Tensor:
    """Elementwise cosine (radians)."""
    return Cos._apply1(as_tensor_arg(input, "cos"))


def tan(input) -> Tensor:
    """Elementwise tangent (radians)."""
    return Tan._apply1(as_tensor_arg(input, "tan"))


def asin(input) -> Tensor:
    """Elementwise arcsine (nan outside [-1, 1])."""
    return Asin._apply1(as_tensor_arg(input, "asin"))


def acos(input) -> Tensor:
    """Elementwise arccosine (nan outside [-1, 1])."""
    return Acos._apply1(as_tensor_arg(input, "acos"))


def atan(input) -> Tensor:
    """Elementwise arctangent."""
    return Atan._apply1(as_tensor_arg(input, "atan"))


class Sinc(_Unary):
    node_name, ufunc = "SincBackward0", np.sinc

    @staticmethod
    def backward(ctx, grad):
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
    return Sinc._apply1(as_tensor_arg(input, "sinc"))


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
    return Sinh._apply1(as_tensor_arg(input, "sinh"))


def cosh(input) -> Tensor:
    """Elementwise hyperbolic cosine."""
    return Cosh._apply1(as_tensor_arg(input, "cosh"))


def tanh(input) -> Tensor:
    """Elementwise hyperbolic tangent."""
    return Tanh._apply1(as_tensor_arg(input, "tanh"))


def asinh(input) -> Tensor:
    """Elementwise inverse hyperbolic sine."""
    return Asinh._apply1(as_tensor_arg(input, "asinh"))


def acosh(input) -> Tensor:
    """Elementwise inverse hyperbolic cosine (nan below 1)."""
    return Acosh._apply1(as_tensor_arg(input, "acosh"))


def atanh(input) -> Tensor:
    """Elementwise inverse hyperbolic tangent (nan outside [-1, 1])."""
    return Atanh._apply1(as_tensor_arg(input, "atanh"))


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


# ---------------------------------------------------------------------------------------------
# sigmoid and logit
# ---------------------------------------------------------------------------------------------

class Sigmoid(Primitive):
    node_name = "SigmoidBackward0"
    saves = "output"

    @staticmethod
    def forward(ctx, a):
        # exp(-a) overflows to inf for very negative a, which gives the right limit 0
        return np.reciprocal(1 + np.exp(-float_input(a)))

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
        (a,) = ctx.saved_tensors
        x, eps = a._data, ctx.eps
        # NOTE: as PyTorch: without eps the gradient is nan outside [0, 1]; with eps it is 0
        # outside [eps, 1 - eps] (where the input was clamped).
        if eps is None:
            out, fill = (x < 0) | (x > 1), math.nan
        else:
            out, fill = (x < eps) | (x > 1 - eps), 0.0
        g = grad / (a * (1 - a))
        if eps is None:
            # PyTorch's kernel: grad * inf at 0 and 1 (so -0 gives +inf, not grad / -0)
            edge = (x == 0) | (x == 1)
            if np.any(edge):
                g = where(Tensor._make(edge), grad * math.inf, g)
        return (where(Tensor._make(as_array(out)), fill, g) if np.any(out) else g), None


def sigmoid(input) -> Tensor:
    """Elementwise logistic function ``1 / (1 + exp(-input))``."""
    return Sigmoid._apply1(as_tensor_arg(input, "sigmoid"))


def logit(input, eps: float | None = None) -> Tensor:
    """Elementwise ``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped into
    ``[eps, 1 - eps]``."""
    return Logit.apply(as_tensor_arg(input, "logit"), None if eps is None else float(eps))
