"""Tensor methods: in-place arithmetic and math (``add_``, ``exp_``...), through the in-place
machinery of ``npgrad/ops/inplace.py``.

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

import builtins

from ..ops import inplace as _inplace
from ..ops._arguments import Tensor, as_operand, number_arg
from ..ops.elementwise import (binary as _binary, integer as _integer, pointwise as _pointwise,
                               rounding as _rounding, special as _special, trig as _trig, unary as
                               _unary)
from ..ops.elementwise import special_gamma as _special_gamma
from ..ops.nn import activation as _activation


class InPlaceMethods:
    """The in-place methods of :class:`npgrad.Tensor`."""

    def add_(self, other, *, alpha=1):
        """In-place form of :meth:`Tensor.add`."""
        return _inplace.apply_(self, _binary.add, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        """In-place form of :meth:`Tensor.sub`."""
        return _inplace.apply_(self, _binary.sub, other, alpha=alpha)

    def mul_(self, other):
        """In-place form of :meth:`Tensor.mul`."""
        return _inplace.apply_(self, _binary.mul, other)

    def div_(self, other, *, rounding_mode=None):
        """In-place form of :meth:`Tensor.div`."""
        return _inplace.apply_(self, _binary.div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent):
        """In-place form of :meth:`Tensor.pow`."""
        return _inplace.apply_(self, _binary.pow, exponent)

    def neg_(self):
        """In-place form of :meth:`Tensor.neg`."""
        return _inplace.apply_(self, _unary.neg)

    def exp_(self):
        """In-place form of :meth:`Tensor.exp`."""
        return _inplace.apply_(self, _unary.exp)

    def log_(self):
        """In-place form of :meth:`Tensor.log`."""
        return _inplace.apply_(self, _unary.log)

    def sqrt_(self):
        """In-place form of :meth:`Tensor.sqrt`."""
        return _inplace.apply_(self, _unary.sqrt)

    def abs_(self):
        """In-place form of :meth:`Tensor.abs`."""
        return _inplace.apply_(self, _unary.abs)

    def clamp_(self, min=None, max=None):
        """In-place form of :meth:`Tensor.clamp`."""
        return _inplace.apply_(self, _unary.clamp, min, max)

    clip_ = clamp_

    def zero_(self):
        """See :func:`npgrad.fill_`."""
        return _inplace.fill_(self, 0)

    def fill_(self, value):
        """See :func:`npgrad.fill_`."""
        if not isinstance(value, Tensor):
            number_arg(value, "fill_", "value", 1)
        return _inplace.fill_(self, value)

    def copy_(self, src, non_blocking: builtins.bool = False):
        """Copy ``src``'s values into this tensor (broadcast, cast to this dtype); gradients flow to
        ``src``."""
        # (a number is taken, as PyTorch; a list or an array is not)
        return _inplace.copy_(self, as_operand(src, "copy_", "other"))

    def sign_(self):
        """In-place form of :meth:`Tensor.sign`."""
        return _inplace.apply_(self, _unary.sign)

    def reciprocal_(self):
        """In-place form of :meth:`Tensor.reciprocal`."""
        return _inplace.apply_(self, _unary.reciprocal)

    def exp2_(self):
        """In-place form of :meth:`Tensor.exp2`."""
        return _inplace.apply_(self, _unary.exp2)

    def expm1_(self):
        """In-place form of :meth:`Tensor.expm1`."""
        return _inplace.apply_(self, _unary.expm1)

    def log2_(self):
        """In-place form of :meth:`Tensor.log2`."""
        return _inplace.apply_(self, _unary.log2)

    def log10_(self):
        """In-place form of :meth:`Tensor.log10`."""
        return _inplace.apply_(self, _unary.log10)

    def log1p_(self):
        """In-place form of :meth:`Tensor.log1p`."""
        return _inplace.apply_(self, _unary.log1p)

    def rsqrt_(self):
        """In-place form of :meth:`Tensor.rsqrt`."""
        return _inplace.apply_(self, _unary.rsqrt)

    def square_(self):
        """In-place form of :meth:`Tensor.square`."""
        return _inplace.apply_(self, _unary.square)

    def sin_(self):
        """In-place form of :meth:`Tensor.sin`."""
        return _inplace.apply_(self, _trig.sin)

    def cos_(self):
        """In-place form of :meth:`Tensor.cos`."""
        return _inplace.apply_(self, _trig.cos)

    def tan_(self):
        """In-place form of :meth:`Tensor.tan`."""
        return _inplace.apply_(self, _trig.tan)

    def asin_(self):
        """In-place form of :meth:`Tensor.asin`."""
        return _inplace.apply_(self, _trig.asin)

    def acos_(self):
        """In-place form of :meth:`Tensor.acos`."""
        return _inplace.apply_(self, _trig.acos)

    def atan_(self):
        """In-place form of :meth:`Tensor.atan`."""
        return _inplace.apply_(self, _trig.atan)

    def sinh_(self):
        """In-place form of :meth:`Tensor.sinh`."""
        return _inplace.apply_(self, _trig.sinh)

    def cosh_(self):
        """In-place form of :meth:`Tensor.cosh`."""
        return _inplace.apply_(self, _trig.cosh)

    def tanh_(self):
        """In-place form of :meth:`Tensor.tanh`."""
        return _inplace.apply_(self, _trig.tanh)

    def asinh_(self):
        """In-place form of :meth:`Tensor.asinh`."""
        return _inplace.apply_(self, _trig.asinh)

    def acosh_(self):
        """In-place form of :meth:`Tensor.acosh`."""
        return _inplace.apply_(self, _trig.acosh)

    def atanh_(self):
        """In-place form of :meth:`Tensor.atanh`."""
        return _inplace.apply_(self, _trig.atanh)

    def sigmoid_(self):
        """In-place form of :meth:`Tensor.sigmoid`."""
        return _inplace.apply_(self, _trig.sigmoid)

    def erf_(self):
        """In-place form of :meth:`Tensor.erf`."""
        return _inplace.apply_(self, _special.erf)

    def erfc_(self):
        """In-place form of :meth:`Tensor.erfc`."""
        return _inplace.apply_(self, _special.erfc)

    def logit_(self, eps=None):
        """In-place form of :meth:`Tensor.logit`."""
        return _inplace.apply_(self, _trig.logit, eps)

    def floor_(self):
        """In-place form of :meth:`Tensor.floor`."""
        return _inplace.apply_(self, _rounding.floor)

    def ceil_(self):
        """In-place form of :meth:`Tensor.ceil`."""
        return _inplace.apply_(self, _rounding.ceil)

    def trunc_(self):
        """In-place form of :meth:`Tensor.trunc`."""
        return _inplace.apply_(self, _rounding.trunc)

    def frac_(self):
        """In-place form of :meth:`Tensor.frac`."""
        return _inplace.apply_(self, _rounding.frac)

    def round_(self, *, decimals=0):
        """In-place form of :meth:`Tensor.round`."""
        return _inplace.apply_(self, _rounding.round, decimals=decimals)

    def clamp_min_(self, min):
        """In-place form of :meth:`Tensor.clamp_min`."""
        return _inplace.apply_(self, _unary.clamp_min, min)

    def clamp_max_(self, max):
        """In-place form of :meth:`Tensor.clamp_max`."""
        return _inplace.apply_(self, _unary.clamp_max, max)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        """In-place form of :meth:`Tensor.nan_to_num`."""
        return _inplace.apply_(self, _rounding.nan_to_num, nan, posinf, neginf)

    def atan2_(self, other):
        """In-place form of :meth:`Tensor.atan2`."""
        return _inplace.apply_(self, _pointwise.atan2, other)

    def hypot_(self, other):
        """In-place form of :meth:`Tensor.hypot`."""
        return _inplace.apply_(self, _pointwise.hypot, other)

    def fmod_(self, other):
        """In-place form of :meth:`Tensor.fmod`."""
        return _inplace.apply_(self, _pointwise.fmod, other)

    def remainder_(self, other):
        """In-place form of :meth:`Tensor.remainder`."""
        return _inplace.apply_(self, _binary.remainder, other)

    def lerp_(self, end, weight):
        """In-place form of :meth:`Tensor.lerp`."""
        return _inplace.apply_(self, _pointwise.lerp, end, weight)

    def sgn_(self):
        """In-place form of :meth:`Tensor.sgn`."""
        return _inplace.apply_(self, _unary.sgn)

    def sinc_(self):
        """In-place form of :meth:`Tensor.sinc`."""
        return _inplace.apply_(self, _trig.sinc)

    def deg2rad_(self):
        """In-place form of :meth:`Tensor.deg2rad`."""
        return _inplace.apply_(self, _trig.deg2rad)

    def rad2deg_(self):
        """In-place form of :meth:`Tensor.rad2deg`."""
        return _inplace.apply_(self, _trig.rad2deg)

    def xlogy_(self, other):
        """In-place form of :meth:`Tensor.xlogy`."""
        return _inplace.apply_(self, _pointwise.xlogy, other)

    def copysign_(self, other):
        """In-place form of :meth:`Tensor.copysign`."""
        return _inplace.apply_(self, _pointwise.copysign, other)

    def erfinv_(self):
        """In-place form of :meth:`Tensor.erfinv`."""
        return _inplace.apply_(self, _special.erfinv)

    def lgamma_(self):
        """In-place form of :meth:`Tensor.lgamma`."""
        return _inplace.apply_(self, _special.lgamma)

    def digamma_(self):
        """In-place form of :meth:`Tensor.digamma`."""
        return _inplace.apply_(self, _special.digamma)

    def polygamma_(self, n):
        """In-place form of :meth:`Tensor.polygamma`."""
        return _inplace.apply_(self, lambda t: _special.polygamma(n, t))

    def igamma_(self, other):
        """In-place form of :meth:`Tensor.igamma`."""
        return _inplace.apply_(self, _special_gamma.igamma, other)

    def igammac_(self, other):
        """In-place form of :meth:`Tensor.igammac`."""
        return _inplace.apply_(self, _special_gamma.igammac, other)

    def mvlgamma_(self, p):
        """In-place form of :meth:`Tensor.mvlgamma`."""
        return _inplace.apply_(self, _special.mvlgamma, p)

    def negative_(self):
        """In-place form of :meth:`Tensor.negative`."""
        return _inplace.apply_(self, _unary.neg)

    def absolute_(self):
        """In-place form of :meth:`Tensor.absolute`."""
        return _inplace.apply_(self, _unary.abs)

    def relu_(self):
        """In-place form of :meth:`Tensor.relu`."""
        return _inplace.apply_(self, _activation.relu)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        """In-place form of :meth:`Tensor.addcmul`."""
        return _inplace.apply_(self, _pointwise.addcmul, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        """In-place form of :meth:`Tensor.addcdiv`."""
        return _inplace.apply_(self, _pointwise.addcdiv, tensor1, tensor2, value=value)

    # in-place comparisons, logic and named arithmetic (the result keeps self's dtype)
    def eq_(self, other):
        """In-place form of :meth:`Tensor.eq`."""
        return _inplace.apply_(self, _binary.eq, other)

    def ne_(self, other):
        """In-place form of :meth:`Tensor.ne`."""
        return _inplace.apply_(self, _binary.ne, other)

    def lt_(self, other):
        """In-place form of :meth:`Tensor.lt`."""
        return _inplace.apply_(self, _binary.lt, other)

    def le_(self, other):
        """In-place form of :meth:`Tensor.le`."""
        return _inplace.apply_(self, _binary.le, other)

    def gt_(self, other):
        """In-place form of :meth:`Tensor.gt`."""
        return _inplace.apply_(self, _binary.gt, other)

    def ge_(self, other):
        """In-place form of :meth:`Tensor.ge`."""
        return _inplace.apply_(self, _binary.ge, other)

    def logical_and_(self, other):
        """In-place form of :meth:`Tensor.logical_and`."""
        return _inplace.apply_(self, _binary.logical_and, other)

    def logical_or_(self, other):
        """In-place form of :meth:`Tensor.logical_or`."""
        return _inplace.apply_(self, _binary.logical_or, other)

    def logical_xor_(self, other):
        """In-place form of :meth:`Tensor.logical_xor`."""
        return _inplace.apply_(self, _binary.logical_xor, other)

    def logical_not_(self):
        """In-place form of :meth:`Tensor.logical_not`."""
        return _inplace.apply_(self, _binary.logical_not)

    def bitwise_and_(self, other):
        """In-place form of :meth:`Tensor.bitwise_and`."""
        return _inplace.apply_(self, _binary.bitwise_and, other)

    def bitwise_or_(self, other):
        """In-place form of :meth:`Tensor.bitwise_or`."""
        return _inplace.apply_(self, _binary.bitwise_or, other)

    def bitwise_xor_(self, other):
        """In-place form of :meth:`Tensor.bitwise_xor`."""
        return _inplace.apply_(self, _binary.bitwise_xor, other)

    def bitwise_not_(self):
        """In-place form of :meth:`Tensor.bitwise_not`."""
        return _inplace.apply_(self, _binary.bitwise_not)

    def bitwise_left_shift_(self, other):
        """In-place form of :meth:`Tensor.bitwise_left_shift`."""
        return _inplace.apply_(self, _binary.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other):
        """In-place form of :meth:`Tensor.bitwise_right_shift`."""
        return _inplace.apply_(self, _binary.bitwise_right_shift, other)

    def subtract_(self, other, *, alpha=1):
        """In-place form of :meth:`Tensor.subtract`."""
        return _inplace.apply_(self, _binary.sub, other, alpha=alpha)

    def multiply_(self, other):
        """In-place form of :meth:`Tensor.multiply`."""
        return _inplace.apply_(self, _binary.mul, other)

    def divide_(self, other, *, rounding_mode=None):
        """In-place form of :meth:`Tensor.divide`."""
        return _inplace.apply_(self, _binary.div, other, rounding_mode=rounding_mode)

    def true_divide_(self, other):
        """In-place form of :meth:`Tensor.true_divide`."""
        return _inplace.apply_(self, _binary.div, other)

    def floor_divide_(self, other):
        """In-place form of :meth:`Tensor.floor_divide`."""
        return _inplace.apply_(self, _binary.floor_divide, other)

    def ldexp_(self, other):
        """In-place form of :meth:`Tensor.ldexp`."""
        return _inplace.apply_(self, _integer.ldexp, other)

    def nextafter_(self, other):
        """In-place form of :meth:`Tensor.nextafter`."""
        return _inplace.apply_(self, _integer.nextafter, other)

    def gcd_(self, other):
        """In-place form of :meth:`Tensor.gcd`."""
        return _inplace.apply_(self, _integer.gcd, other)

    def lcm_(self, other):
        """In-place form of :meth:`Tensor.lcm`."""
        return _inplace.apply_(self, _integer.lcm, other)

    def heaviside_(self, values):
        """In-place form of :meth:`Tensor.heaviside`."""
        return _inplace.apply_(self, _integer.heaviside, values)

    def i0_(self):
        """In-place form of :meth:`Tensor.i0`."""
        return _inplace.apply_(self, _special.i0)

    # aliases, as PyTorch names them
    arcsin_, arccos_, arctan_ = asin_, acos_, atan_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
    not_equal_, less_, less_equal_ = ne_, lt_, le_
    greater_, greater_equal_ = gt_, ge_
    fix_ = trunc_
    arctan2_ = atan2_
