"""Tensor methods: elementwise math (``npgrad/ops/elementwise/``: unary and binary
functions, trigonometry, rounding, special functions; and the activations of ``ops/nn/``).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

from ..ops.creation import factories as _factories
from ..ops.elementwise import (complex as _complex, integer as _integer, pointwise as _pointwise,
                               rounding as _rounding, special as _special, trig as _trig, unary as
                               _unary)
from ..ops.elementwise import special_gamma as _special_gamma
from ..ops._arguments import int_arg
from ..ops.nn import activation as _activation


class ElementwiseMethods:
    """The elementwise math methods of :class:`npgrad.Tensor`."""

    # (exp, log, sqrt, tanh and sigmoid, the commonest in models, call their Primitive
    # directly, as the operators do: ``self`` is a Tensor, so there is nothing to convert)
    def neg(self):
        """See :func:`npgrad.neg`."""
        return _unary.neg(self)

    negative = neg

    def abs(self):
        """See :func:`npgrad.abs`."""
        return _unary.abs(self)

    absolute = abs

    def exp(self):
        """See :func:`npgrad.exp`."""
        return _unary.Exp._apply1(self)

    def log(self):
        """See :func:`npgrad.log`."""
        return _unary.Log._apply1(self)

    def sqrt(self):
        """See :func:`npgrad.sqrt`."""
        return _unary.Sqrt._apply1(self)

    def clamp(self, min=None, max=None):
        """See :func:`npgrad.clamp`."""
        return _unary.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        """See :func:`npgrad.maximum`."""
        return _pointwise.maximum(self, other)

    def minimum(self, other):
        """See :func:`npgrad.minimum`."""
        return _pointwise.minimum(self, other)

    def fmax(self, other):
        """See :func:`npgrad.fmax`."""
        return _pointwise.fmax(self, other)

    def fmin(self, other):
        """See :func:`npgrad.fmin`."""
        return _pointwise.fmin(self, other)

    def sign(self):
        """See :func:`npgrad.sign`."""
        return _unary.sign(self)

    def reciprocal(self):
        """See :func:`npgrad.reciprocal`."""
        return _unary.reciprocal(self)

    def exp2(self):
        """See :func:`npgrad.exp2`."""
        return _unary.exp2(self)

    def expm1(self):
        """See :func:`npgrad.expm1`."""
        return _unary.expm1(self)

    def log2(self):
        """See :func:`npgrad.log2`."""
        return _unary.log2(self)

    def log10(self):
        """See :func:`npgrad.log10`."""
        return _unary.log10(self)

    def log1p(self):
        """See :func:`npgrad.log1p`."""
        return _unary.log1p(self)

    def rsqrt(self):
        """See :func:`npgrad.rsqrt`."""
        return _unary.rsqrt(self)

    def square(self):
        """See :func:`npgrad.square`."""
        return self ** 2  # (npgrad.square without its argument check: self is a Tensor)

    def sin(self):
        """See :func:`npgrad.sin`."""
        return _trig.Sin._apply1(self)

    def cos(self):
        """See :func:`npgrad.cos`."""
        return _trig.Cos._apply1(self)

    def tan(self):
        """See :func:`npgrad.tan`."""
        return _trig.tan(self)

    def asin(self):
        """See :func:`npgrad.asin`."""
        return _trig.asin(self)

    def acos(self):
        """See :func:`npgrad.acos`."""
        return _trig.acos(self)

    def atan(self):
        """See :func:`npgrad.atan`."""
        return _trig.atan(self)

    def sinh(self):
        """See :func:`npgrad.sinh`."""
        return _trig.sinh(self)

    def cosh(self):
        """See :func:`npgrad.cosh`."""
        return _trig.cosh(self)

    def tanh(self):
        """See :func:`npgrad.tanh`."""
        return _trig.Tanh._apply1(self)

    def asinh(self):
        """See :func:`npgrad.asinh`."""
        return _trig.asinh(self)

    def acosh(self):
        """See :func:`npgrad.acosh`."""
        return _trig.acosh(self)

    def atanh(self):
        """See :func:`npgrad.atanh`."""
        return _trig.atanh(self)

    def sigmoid(self):
        """See :func:`npgrad.sigmoid`."""
        return _trig.Sigmoid._apply1(self)

    def erf(self):
        """See :func:`npgrad.erf`."""
        return _special.erf(self)

    def erfc(self):
        """See :func:`npgrad.erfc`."""
        return _special.erfc(self)

    arcsin, arccos, arctan = asin, acos, atan

    arcsinh, arccosh, arctanh = asinh, acosh, atanh


    def logit(self, eps=None):
        """See :func:`npgrad.logit`."""
        return _trig.logit(self, eps)

    def floor(self):
        """See :func:`npgrad.floor`."""
        return _rounding.floor(self)

    def ceil(self):
        """See :func:`npgrad.ceil`."""
        return _rounding.ceil(self)

    def trunc(self):
        """See :func:`npgrad.trunc`."""
        return _rounding.trunc(self)

    def frac(self):
        """See :func:`npgrad.frac`."""
        return _rounding.frac(self)

    fix = trunc

    def round(self, *, decimals=0):
        """See :func:`npgrad.round`."""
        return _rounding.round(self, decimals=decimals)

    def clamp_min(self, min):
        """See :func:`npgrad.clamp_min`."""
        return _unary.clamp_min(self, min)

    def clamp_max(self, max):
        """See :func:`npgrad.clamp_max`."""
        return _unary.clamp_max(self, max)

    def isnan(self):
        """See :func:`npgrad.isnan`."""
        return _rounding.isnan(self)

    def isinf(self):
        """See :func:`npgrad.isinf`."""
        return _rounding.isinf(self)

    def isfinite(self):
        """See :func:`npgrad.isfinite`."""
        return _rounding.isfinite(self)

    def isposinf(self):
        """See :func:`npgrad.isposinf`."""
        return _rounding.isposinf(self)

    def isneginf(self):
        """See :func:`npgrad.isneginf`."""
        return _rounding.isneginf(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """See :func:`npgrad.nan_to_num`."""
        return _rounding.nan_to_num(self, nan, posinf, neginf)

    def atan2(self, other):
        """See :func:`npgrad.atan2`."""
        return _pointwise.atan2(self, other)

    arctan2 = atan2

    def hypot(self, other):
        """See :func:`npgrad.hypot`."""
        return _pointwise.hypot(self, other)

    def fmod(self, other):
        """See :func:`npgrad.fmod`."""
        return _pointwise.fmod(self, other)

    def float_power(self, exponent):
        """See :func:`npgrad.float_power`."""
        return _pointwise.float_power(self, exponent)

    def lerp(self, end, weight):
        """See :func:`npgrad.lerp`."""
        return _pointwise.lerp(self, end, weight)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """See :func:`npgrad.isclose`."""
        return _pointwise.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """See :func:`npgrad.allclose`."""
        return _pointwise.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other):
        """See :func:`npgrad.equal`."""
        return _pointwise.equal(self, other)

    def sgn(self):
        """See :func:`npgrad.sgn`."""
        return _unary.sgn(self)

    def signbit(self):
        """See :func:`npgrad.signbit`."""
        return _unary.signbit(self)

    def positive(self):
        """See :func:`npgrad.positive`."""
        return _unary.positive(self)

    def sinc(self):
        """See :func:`npgrad.sinc`."""
        return _trig.sinc(self)

    def deg2rad(self):
        """See :func:`npgrad.deg2rad`."""
        return _trig.deg2rad(self)

    def rad2deg(self):
        """See :func:`npgrad.rad2deg`."""
        return _trig.rad2deg(self)

    def logaddexp(self, other):
        """See :func:`npgrad.logaddexp`."""
        return _pointwise.logaddexp(self, other)

    def logaddexp2(self, other):
        """See :func:`npgrad.logaddexp2`."""
        return _pointwise.logaddexp2(self, other)

    def xlogy(self, other):
        """See :func:`npgrad.xlogy`."""
        return _pointwise.xlogy(self, other)

    def copysign(self, other):
        """See :func:`npgrad.copysign`."""
        return _pointwise.copysign(self, other)

    def erfinv(self):
        """See :func:`npgrad.erfinv`."""
        return _special.erfinv(self)

    def lgamma(self):
        """See :func:`npgrad.lgamma`."""
        return _special.lgamma(self)

    def digamma(self):
        """See :func:`npgrad.digamma`."""
        return _special.digamma(self)

    def polygamma(self, n):
        """See :func:`npgrad.polygamma`."""
        return _special.polygamma(n, self)

    def igamma(self, other):
        """See :func:`npgrad.igamma`."""
        return _special_gamma.igamma(self, other)

    def igammac(self, other):
        """See :func:`npgrad.igammac`."""
        return _special_gamma.igammac(self, other)

    def mvlgamma(self, p):
        """See :func:`npgrad.mvlgamma`."""
        return _special.mvlgamma(self, p)

    def float_power_(self, exponent):
        """In-place form of :meth:`Tensor.float_power`."""
        return _pointwise.float_power_(self, exponent)

    # activations
    def relu(self):
        """See :func:`npgrad.relu`."""
        return _activation.relu(self)

    def softmax(self, dim, dtype=None):
        """See :func:`npgrad.softmax`."""
        return _activation.softmax(self, int_arg(dim, "softmax", "dim"), dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        """See :func:`npgrad.log_softmax`."""
        return _activation.log_softmax(self, int_arg(dim, "log_softmax", "dim"), dtype=dtype)

    def hardshrink(self, lambd=0.5):
        """See :func:`npgrad.hardshrink`."""
        return _activation.hardshrink(self, lambd)

    def prelu(self, weight):
        """See :func:`npgrad.prelu`."""
        return _activation.prelu(self, weight)

    # fused pointwise
    def addcmul(self, tensor1, tensor2, *, value=1):
        """See :func:`npgrad.addcmul`."""
        return _pointwise.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """See :func:`npgrad.addcdiv`."""
        return _pointwise.addcdiv(self, tensor1, tensor2, value=value)


    # floating-point and integer functions
    def frexp(self):
        """See :func:`npgrad.frexp`."""
        return _integer.frexp(self)

    def ldexp(self, other):
        """See :func:`npgrad.ldexp`."""
        return _integer.ldexp(self, other)

    def nextafter(self, other):
        """See :func:`npgrad.nextafter`."""
        return _integer.nextafter(self, other)

    def gcd(self, other):
        """See :func:`npgrad.gcd`."""
        return _integer.gcd(self, other)

    def lcm(self, other):
        """See :func:`npgrad.lcm`."""
        return _integer.lcm(self, other)

    def heaviside(self, values):
        """See :func:`npgrad.heaviside`."""
        return _integer.heaviside(self, values)

    def i0(self):
        """See :func:`npgrad.i0`."""
        return _special.i0(self)

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False):
        """See :func:`npgrad.empty_strided`."""
        device = self.device if device is None else device
        return _factories.empty_strided(size, stride, dtype=dtype or self.dtype,
                                     device=device, requires_grad=requires_grad)

    def isreal(self):
        """See :func:`npgrad.ones`."""
        return _factories.ones(self.shape, dtype=_factories.tensor(True).dtype)

    def angle(self):
        """See :func:`npgrad.angle`."""
        return _complex.angle(self)
