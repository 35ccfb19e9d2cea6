"""The op methods of Tensor, each a one-line call into ``npgrad.ops``, grouped by family.

``Tensor`` inherits them from :class:`TensorOps`; the state, conversions and autograd
methods are in ``tensor.py``. Methods are written out (no generated wrappers), so grep finds
every one.
"""
from __future__ import annotations

from . import ops as _ops  # the op modules are attributes once tensor.py has imported them

_NUMBERS = (float, int, bool)  # Python numbers, which ops take as they are (weak in promotion)


class TensorOps:
    """The operator and op methods of :class:`npgrad.Tensor`."""

    __slots__ = ()

    # -- Python operators -------------------------------------------------------------------
    # With a Tensor or a Python number on the other side (nearly every call), the arithmetic
    # operators go straight to the op's Primitive: the function (``binary.add``) would pass
    # these through unchanged, and this is the hottest path of any model. Anything else
    # (arrays, lists, other objects) goes through the function, which converts or rejects it.
    def __add__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Add._apply2(self, other)
        return _ops.elementwise.binary.add(self, other)

    def __radd__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Add._apply2(other, self)
        return _ops.elementwise.binary.add(other, self)

    def __sub__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Sub._apply2(self, other)
        return _ops.elementwise.binary.sub(self, other)

    def __rsub__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Sub._apply2(other, self)
        return _ops.elementwise.binary.sub(other, self)

    def __mul__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Mul._apply2(self, other)
        return _ops.elementwise.binary.mul(self, other)

    def __rmul__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Mul._apply2(other, self)
        return _ops.elementwise.binary.mul(other, self)

    def __truediv__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Div._apply2(self, other)
        return _ops.elementwise.binary.div(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, TensorOps) or other.__class__ in _NUMBERS:
            return _ops.elementwise.binary.Div._apply2(other, self)
        return _ops.elementwise.binary.div(other, self)

    def __floordiv__(self, other):
        return _ops.elementwise.binary.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.elementwise.binary.floor_divide(other, self)

    def __mod__(self, other):
        return _ops.elementwise.binary.remainder(self, other)

    def __rmod__(self, other):
        return _ops.elementwise.binary.remainder(other, self)

    def __pow__(self, other):
        return _ops.elementwise.binary.pow(self, other)

    def __rpow__(self, other):
        return _ops.elementwise.binary.pow(other, self)

    def __matmul__(self, other):
        return _ops.linalg.products.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.linalg.products.matmul(other, self)

    def __neg__(self):
        return _ops.elementwise.unary.Neg._apply1(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.elementwise.unary.abs(self)

    def __invert__(self):
        return _ops.elementwise.binary.bitwise_not(self)

    def __and__(self, other):
        return _ops.elementwise.binary.bitwise_and(self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _ops.elementwise.binary.bitwise_or(self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _ops.elementwise.binary.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __lshift__(self, other):
        return _ops.elementwise.binary.bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return _ops.elementwise.binary.bitwise_left_shift(other, self)

    def __rshift__(self, other):
        return _ops.elementwise.binary.bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return _ops.elementwise.binary.bitwise_right_shift(other, self)

    def __eq__(self, other):
        if other is None or isinstance(other, str):  # t == None is False (`x in list` works)
            return NotImplemented
        return _ops.elementwise.binary.eq(self, other)

    def __ne__(self, other):
        if other is None or isinstance(other, str):
            return NotImplemented
        return _ops.elementwise.binary.ne(self, other)

    def __lt__(self, other):
        return _ops.elementwise.binary.lt(self, other)

    def __le__(self, other):
        return _ops.elementwise.binary.le(self, other)

    def __gt__(self, other):
        return _ops.elementwise.binary.gt(self, other)

    def __ge__(self, other):
        return _ops.elementwise.binary.ge(self, other)

    def __getitem__(self, key):
        return _ops.indexing.indexing.getitem(self, key)

    def __setitem__(self, key, value) -> None:
        _ops.indexing.indexing.setitem(self, key, value)

    # in-place operators: x += y modifies x's data, as in PyTorch
    def __iadd__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.add, other)

    def __isub__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.sub, other)

    def __imul__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.mul, other)

    def __itruediv__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.div, other)

    def __ifloordiv__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.floor_divide, other)

    def __imod__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.remainder, other)

    def __ipow__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.pow, other)

    def __iand__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_and, other)

    def __ior__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_or, other)

    def __ixor__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_xor, other)

    def __ilshift__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_left_shift, other)

    def __irshift__(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_right_shift, other)

    # -- named arithmetic, comparison and logic -------------------------------------------
    def add(self, other, *, alpha=1):
        return _ops.elementwise.binary.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _ops.elementwise.binary.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        return _ops.elementwise.binary.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return _ops.elementwise.binary.div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other):
        return _ops.elementwise.binary.floor_divide(self, other)

    def remainder(self, other):
        return _ops.elementwise.binary.remainder(self, other)

    def pow(self, exponent):
        return _ops.elementwise.binary.pow(self, exponent)

    def eq(self, other):
        return _ops.elementwise.binary.eq(self, other)

    def ne(self, other):
        return _ops.elementwise.binary.ne(self, other)

    def lt(self, other):
        return _ops.elementwise.binary.lt(self, other)

    def le(self, other):
        return _ops.elementwise.binary.le(self, other)

    def gt(self, other):
        return _ops.elementwise.binary.gt(self, other)

    def ge(self, other):
        return _ops.elementwise.binary.ge(self, other)

    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def bitwise_and(self, other):
        return _ops.elementwise.binary.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _ops.elementwise.binary.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _ops.elementwise.binary.bitwise_xor(self, other)

    def bitwise_not(self):
        return _ops.elementwise.binary.bitwise_not(self)

    def bitwise_left_shift(self, other):
        return _ops.elementwise.binary.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        return _ops.elementwise.binary.bitwise_right_shift(self, other)

    def logical_and(self, other):
        return _ops.elementwise.binary.logical_and(self, other)

    def logical_or(self, other):
        return _ops.elementwise.binary.logical_or(self, other)

    def logical_xor(self, other):
        return _ops.elementwise.binary.logical_xor(self, other)

    def logical_not(self):
        return _ops.elementwise.binary.logical_not(self)

    def where(self, condition, other):
        return _ops.elementwise.binary.where(condition, self, other)

    # -- elementwise ------------------------------------------------------------------------
    # (exp, log, sqrt, tanh and sigmoid, the commonest in models, call their Primitive
    # directly, as the operators do: ``self`` is a Tensor, so there is nothing to convert)
    def neg(self):
        return _ops.elementwise.unary.neg(self)

    negative = neg

    def abs(self):
        return _ops.elementwise.unary.abs(self)

    absolute = abs

    def exp(self):
        return _ops.elementwise.unary.Exp._apply1(self)

    def log(self):
        return _ops.elementwise.unary.Log._apply1(self)

    def sqrt(self):
        return _ops.elementwise.unary.Sqrt._apply1(self)

    def clamp(self, min=None, max=None):
        return _ops.elementwise.unary.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return _ops.elementwise.pointwise.maximum(self, other)

    def minimum(self, other):
        return _ops.elementwise.pointwise.minimum(self, other)

    def fmax(self, other):
        return _ops.elementwise.pointwise.fmax(self, other)

    def fmin(self, other):
        return _ops.elementwise.pointwise.fmin(self, other)

    def sign(self):
        return _ops.elementwise.unary.sign(self)

    def sign_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.sign)

    def reciprocal(self):
        return _ops.elementwise.unary.reciprocal(self)

    def reciprocal_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.reciprocal)

    def exp2(self):
        return _ops.elementwise.unary.exp2(self)

    def exp2_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.exp2)

    def expm1(self):
        return _ops.elementwise.unary.expm1(self)

    def expm1_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.expm1)

    def log2(self):
        return _ops.elementwise.unary.log2(self)

    def log2_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.log2)

    def log10(self):
        return _ops.elementwise.unary.log10(self)

    def log10_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.log10)

    def log1p(self):
        return _ops.elementwise.unary.log1p(self)

    def log1p_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.log1p)

    def rsqrt(self):
        return _ops.elementwise.unary.rsqrt(self)

    def rsqrt_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.rsqrt)

    def square(self):
        return _ops.elementwise.unary.square(self)

    def square_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.square)

    def sin(self):
        return _ops.elementwise.trig.sin(self)

    def sin_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.sin)

    def cos(self):
        return _ops.elementwise.trig.cos(self)

    def cos_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.cos)

    def tan(self):
        return _ops.elementwise.trig.tan(self)

    def tan_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.tan)

    def asin(self):
        return _ops.elementwise.trig.asin(self)

    def asin_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.asin)

    def acos(self):
        return _ops.elementwise.trig.acos(self)

    def acos_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.acos)

    def atan(self):
        return _ops.elementwise.trig.atan(self)

    def atan_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.atan)

    def sinh(self):
        return _ops.elementwise.trig.sinh(self)

    def sinh_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.sinh)

    def cosh(self):
        return _ops.elementwise.trig.cosh(self)

    def cosh_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.cosh)

    def tanh(self):
        return _ops.elementwise.trig.Tanh._apply1(self)

    def tanh_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.tanh)

    def asinh(self):
        return _ops.elementwise.trig.asinh(self)

    def asinh_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.asinh)

    def acosh(self):
        return _ops.elementwise.trig.acosh(self)

    def acosh_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.acosh)

    def atanh(self):
        return _ops.elementwise.trig.atanh(self)

    def atanh_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.atanh)

    def sigmoid(self):
        return _ops.elementwise.trig.Sigmoid._apply1(self)

    def sigmoid_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.sigmoid)

    def erf(self):
        return _ops.elementwise.special.erf(self)

    def erf_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.special.erf)

    def erfc(self):
        return _ops.elementwise.special.erfc(self)

    def erfc_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.special.erfc)

    arcsin, arccos, arctan = asin, acos, atan
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    arcsin_, arccos_, arctan_ = asin_, acos_, atan_

    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    def logit(self, eps=None):
        return _ops.elementwise.trig.logit(self, eps)

    def logit_(self, eps=None):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.logit, eps)

    def floor(self):
        return _ops.elementwise.rounding.floor(self)

    def floor_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.rounding.floor)

    def ceil(self):
        return _ops.elementwise.rounding.ceil(self)

    def ceil_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.rounding.ceil)

    def trunc(self):
        return _ops.elementwise.rounding.trunc(self)

    def trunc_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.rounding.trunc)

    def frac(self):
        return _ops.elementwise.rounding.frac(self)

    def frac_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.rounding.frac)

    fix, fix_ = trunc, trunc_

    def round(self, *, decimals=0):
        return _ops.elementwise.rounding.round(self, decimals=decimals)

    def round_(self, *, decimals=0):
        return _ops.inplace.apply_(self, _ops.elementwise.rounding.round, decimals=decimals)

    def clamp_min(self, min):
        return _ops.elementwise.unary.clamp_min(self, min)

    def clamp_max(self, max):
        return _ops.elementwise.unary.clamp_max(self, max)

    def clamp_min_(self, min):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.clamp_min, min)

    def clamp_max_(self, max):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.clamp_max, max)

    def isnan(self):
        return _ops.elementwise.rounding.isnan(self)

    def isinf(self):
        return _ops.elementwise.rounding.isinf(self)

    def isfinite(self):
        return _ops.elementwise.rounding.isfinite(self)

    def isposinf(self):
        return _ops.elementwise.rounding.isposinf(self)

    def isneginf(self):
        return _ops.elementwise.rounding.isneginf(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _ops.elementwise.rounding.nan_to_num(self, nan, posinf, neginf)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return _ops.inplace.apply_(self, _ops.elementwise.rounding.nan_to_num, nan, posinf, neginf)

    def atan2(self, other):
        return _ops.elementwise.pointwise.atan2(self, other)

    def atan2_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.pointwise.atan2, other)

    arctan2, arctan2_ = atan2, atan2_

    def hypot(self, other):
        return _ops.elementwise.pointwise.hypot(self, other)

    def hypot_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.pointwise.hypot, other)

    def fmod(self, other):
        return _ops.elementwise.pointwise.fmod(self, other)

    def fmod_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.pointwise.fmod, other)

    def remainder_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.remainder, other)

    def float_power(self, exponent):
        return _ops.elementwise.pointwise.float_power(self, exponent)

    def lerp(self, end, weight):
        return _ops.elementwise.pointwise.lerp(self, end, weight)

    def lerp_(self, end, weight):
        return _ops.inplace.apply_(self, _ops.elementwise.pointwise.lerp, end, weight)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _ops.elementwise.pointwise.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _ops.elementwise.pointwise.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other):
        return _ops.elementwise.pointwise.equal(self, other)

    def sgn(self):
        return _ops.elementwise.unary.sgn(self)

    def sgn_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.sgn)

    def signbit(self):
        return _ops.elementwise.unary.signbit(self)

    def positive(self):
        return _ops.elementwise.unary.positive(self)

    def sinc(self):
        return _ops.elementwise.trig.sinc(self)

    def sinc_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.sinc)

    def deg2rad(self):
        return _ops.elementwise.trig.deg2rad(self)

    def deg2rad_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.deg2rad)

    def rad2deg(self):
        return _ops.elementwise.trig.rad2deg(self)

    def rad2deg_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.trig.rad2deg)

    def logaddexp(self, other):
        return _ops.elementwise.pointwise.logaddexp(self, other)

    def logaddexp2(self, other):
        return _ops.elementwise.pointwise.logaddexp2(self, other)

    def xlogy(self, other):
        return _ops.elementwise.pointwise.xlogy(self, other)

    def xlogy_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.pointwise.xlogy, other)

    def copysign(self, other):
        return _ops.elementwise.pointwise.copysign(self, other)

    def copysign_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.pointwise.copysign, other)

    def erfinv(self):
        return _ops.elementwise.special.erfinv(self)

    def erfinv_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.special.erfinv)

    def lgamma(self):
        return _ops.elementwise.special.lgamma(self)

    def lgamma_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.special.lgamma)

    def digamma(self):
        return _ops.elementwise.special.digamma(self)

    def digamma_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.special.digamma)

    def polygamma(self, n):
        return _ops.elementwise.special.polygamma(n, self)

    def polygamma_(self, n):
        return _ops.inplace.apply_(self, lambda t: _ops.elementwise.special.polygamma(n, t))

    def mvlgamma(self, p):
        return _ops.elementwise.special.mvlgamma(self, p)

    def mvlgamma_(self, p):
        return _ops.inplace.apply_(self, _ops.elementwise.special.mvlgamma, p)

    def float_power_(self, exponent):
        return _ops.elementwise.pointwise.float_power_(self, exponent)

    def negative_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.neg)

    def absolute_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.abs)

    # -- end of elementwise (new elementwise methods go above this line) --

    # -- reductions --------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.reduce.mean(self, dim, keepdim, dtype=dtype)

    def sum_to_size(self, *size):
        return _ops.reduction.reduce.sum_to_size(self, *size)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.reduce.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return _ops.reduction.reduce.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _ops.reduction.reduce.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return _ops.reduction.reduce.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _ops.reduction.reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _ops.reduction.reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _ops.reduction.reduce.argmin(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _ops.reduction.reduce.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _ops.reduction.reduce.any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return _ops.reduction.reduce.count_nonzero(self, dim)

    def logsumexp(self, dim, keepdim=False):
        return _ops.reduction.reduce.logsumexp(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _ops.reduction.stats.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _ops.reduction.stats.std(self, dim, unbiased, keepdim, correction=correction)

    def median(self, dim=None, keepdim=False):
        return _ops.reduction.stats.median(self, dim, keepdim)

    def cumsum(self, dim, *, dtype=None):
        return _ops.reduction.stats.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return _ops.reduction.stats.cumprod(self, dim, dtype=dtype)

    def cummax(self, dim):
        return _ops.reduction.stats.cummax(self, dim)

    def cummin(self, dim):
        return _ops.reduction.stats.cummin(self, dim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return _ops.linalg.norms.norm(self, p, dim, keepdim, dtype=dtype)

    # -- end of reductions (new reduction methods go above this line) --

    # -- shape --------------------------------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        return _ops.shape.views.reshape(self, *shape, **kwargs)

    def view(self, *shape):
        return _ops.shape.views.view(self, *shape)  # view(dtype) reinterprets the bytes

    def view_as(self, other):
        return _ops.shape.views.view(self, other.shape)

    def reshape_as(self, other):
        return _ops.shape.views.reshape(self, other.shape)

    def transpose(self, dim0, dim1):
        return _ops.shape.views.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _ops.shape.views.t(self)

    def permute(self, *dims, **kwargs):
        return _ops.shape.views.permute(self, *dims, **kwargs)

    def expand(self, *sizes):
        return _ops.shape.views.expand(self, *sizes)

    def expand_as(self, other):
        return _ops.shape.views.expand(self, other.shape)

    def squeeze(self, dim=None):
        return _ops.shape.views.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _ops.shape.views.unsqueeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.shape.views.flatten(self, start_dim, end_dim)

    def unbind(self, dim=0):
        return _ops.shape.views.unbind(self, dim)

    def squeeze_(self, dim=None):
        return _ops.shape.views.shape_inplace_(self, _ops.shape.views.squeeze, dim, name="squeeze_")

    def unsqueeze_(self, dim):
        return _ops.shape.views.shape_inplace_(self, _ops.shape.views.unsqueeze, dim, name="unsqueeze_")

    def t_(self):
        return _ops.shape.views.shape_inplace_(self, _ops.shape.views.t, name="t_")

    def transpose_(self, dim0, dim1):
        return _ops.shape.views.shape_inplace_(self, _ops.shape.views.transpose, dim0, dim1,
                                         name="transpose_")

    swapaxes_ = swapdims_ = transpose_

    def unflatten(self, dim, sizes):
        return _ops.shape.views.unflatten(self, dim, sizes)

    def movedim(self, source, destination):
        return _ops.shape.views.movedim(self, source, destination)

    moveaxis = movedim

    def adjoint(self):
        return _ops.shape.views.adjoint(self)

    def broadcast_to(self, size):
        return _ops.shape.views.broadcast_to(self, size)

    def narrow(self, dim, start, length):
        return _ops.shape.views.narrow(self, dim, start, length)

    def split(self, split_size, dim=0):
        return _ops.shape.joins.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _ops.shape.joins.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return _ops.shape.joins.tensor_split(self, indices_or_sections, dim)

    def hsplit(self, indices_or_sections):
        return _ops.shape.joins.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return _ops.shape.joins.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return _ops.shape.joins.dsplit(self, indices_or_sections)

    def ravel(self):
        return _ops.shape.views.ravel(self)

    def repeat(self, *sizes):
        return _ops.shape.tiling.repeat(self, *sizes)

    def tile(self, *dims):
        return _ops.shape.tiling.tile(self, dims[0] if len(dims) == 1 else dims)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return _ops.shape.tiling.repeat_interleave(self, repeats, dim, output_size=output_size)

    def flip(self, *dims, **kwargs):
        return _ops.shape.tiling.flip(self, kwargs.get("dims", dims[0] if len(dims) == 1 else dims))

    def unfold(self, dimension, size, step):
        return _ops.shape.tiling.unfold(self, dimension, size, step)

    def rot90(self, k=1, dims=(0, 1)):
        return _ops.shape.tiling.rot90(self, k, dims)

    def select(self, dim, index):
        return _ops.shape.views.select(self, dim, index)

    def tril_(self, diagonal=0):
        return _ops.inplace.apply_(self, _ops.shape.diag.tril, diagonal)

    def triu_(self, diagonal=0):
        return _ops.inplace.apply_(self, _ops.shape.diag.triu, diagonal)

    def fliplr(self):
        return _ops.shape.tiling.fliplr(self)

    def flipud(self):
        return _ops.shape.tiling.flipud(self)

    def roll(self, shifts, dims=None):
        return _ops.shape.tiling.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        return _ops.shape.diag.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _ops.shape.diag.triu(self, diagonal)

    def diag(self, diagonal=0):
        return _ops.shape.diag.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _ops.shape.diag.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _ops.shape.diag.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return _ops.shape.diag.trace(self)

    # -- end of shape (new shape methods go above this line) --

    # -- indexing -----------------------------------------------------------------------------
    def index_put(self, indices, values, accumulate=False):
        return _ops.indexing.indexing.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return _ops.inplace.apply_(self, _ops.indexing.indexing.index_put, indices, values, accumulate)

    def index_select(self, dim, index):
        return _ops.indexing.indexing.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return _ops.indexing.indexing.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return _ops.inplace.apply_(self, _ops.indexing.indexing.index_add, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        return _ops.indexing.indexing.index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        return _ops.inplace.apply_(self, _ops.indexing.indexing.index_copy, dim, index, source)

    def index_fill(self, dim, index, value):
        return _ops.indexing.indexing.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return _ops.inplace.apply_(self, _ops.indexing.indexing.index_fill, dim, index, value)

    def masked_fill(self, mask, value):
        return _ops.indexing.masked.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return _ops.inplace.apply_(self, _ops.indexing.masked.masked_fill, mask, value)

    def masked_select(self, mask):
        return _ops.indexing.masked.masked_select(self, mask)

    def masked_scatter(self, mask, source):
        return _ops.indexing.masked.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        return _ops.inplace.apply_(self, _ops.indexing.masked.masked_scatter, mask, source)

    def take(self, index):
        return _ops.indexing.scatter.take(self, index)

    def put(self, index, source, accumulate=False):
        return _ops.indexing.scatter.put(self, index, source, accumulate)

    def put_(self, index, source, accumulate=False):
        return _ops.inplace.apply_(self, _ops.indexing.scatter.put, index, source, accumulate)

    def nonzero(self, *, as_tuple=False):
        return _ops.indexing.indexing.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return _ops.indexing.indexing.argwhere(self)

    def gather(self, dim, index, *, sparse_grad=False):
        return _ops.indexing.scatter.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return _ops.indexing.scatter.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return _ops.inplace.apply_(self, _ops.indexing.scatter.scatter, dim, index, src, value=value,
                                   reduce=reduce)

    def scatter_add(self, dim, index, src):
        return _ops.indexing.scatter.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return _ops.inplace.apply_(self, _ops.indexing.scatter.scatter_add, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _ops.indexing.scatter.scatter_reduce(self, dim, index, src, reduce,
                                           include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return _ops.inplace.apply_(self, _ops.indexing.scatter.scatter_reduce, dim, index, src, reduce,
                                   include_self=include_self)

    def take_along_dim(self, indices, dim=None):
        return _ops.indexing.scatter.take_along_dim(self, indices, dim)

    def sort(self, dim=-1, descending=False, *, stable=False):
        return _ops.indexing.sorting.sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, *, stable=False):
        return _ops.indexing.sorting.argsort(self, dim, descending, stable=stable)

    def msort(self):
        return _ops.indexing.sorting.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return _ops.indexing.sorting.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return _ops.indexing.sorting.kthvalue(self, k, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return _ops.indexing.sorting.unique(self, sorted, return_inverse, return_counts, dim)

    # -- end of indexing (new indexing methods go above this line) --

    # -- products -----------------------------------------------------------------------------
    def matmul(self, other):
        return _ops.linalg.products.matmul(self, other)

    def mm(self, mat2):
        return _ops.linalg.products.mm(self, mat2)

    def bmm(self, mat2):
        return _ops.linalg.products.bmm(self, mat2)

    def mv(self, vec):
        return _ops.linalg.products.mv(self, vec)

    def dot(self, other):
        return _ops.linalg.products.dot(self, other)

    def outer(self, vec2):
        return _ops.linalg.products.outer(self, vec2)

    ger = outer

    def cross(self, other, dim=None):
        return _ops.linalg.products.cross(self, other, dim)

    def vdot(self, other):
        return _ops.linalg.products.vdot(self, other)

    def inner(self, other):
        return _ops.linalg.products.inner(self, other)

    def kron(self, other):
        return _ops.linalg.products.kron(self, other)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.linalg.products.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return _ops.linalg.products.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return _ops.linalg.products.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _ops.linalg.products.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _ops.linalg.products.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def det(self):
        return _ops.linalg.solvers.det(self)

    def logdet(self):
        return _ops.linalg.solvers.logdet(self)

    def slogdet(self):
        return _ops.linalg.solvers.slogdet(self)

    def inverse(self):
        return _ops.linalg.solvers.inverse(self)

    def pinverse(self, rcond=1e-15):
        return _ops.linalg.decompositions.pinverse(self, rcond)

    def matrix_power(self, n):
        return _ops.linalg.solvers.matrix_power(self, n)

    def svd(self, some=True, compute_uv=True):
        return _ops.linalg.decompositions.svd(self, some, compute_uv)

    def qr(self, some=True):
        return _ops.linalg.decompositions.qr(self, some)

    def matrix_exp(self):
        return _ops.linalg.solvers.matrix_exp(self)

    def cholesky_solve(self, input2, upper=False):
        return _ops.linalg.solvers.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper=False):
        return _ops.linalg.solvers.cholesky_inverse(self, upper)

    # -- end of linear algebra (new linear algebra methods go above this line) --

    # -- in-place -----------------------------------------------------------------------------
    def add_(self, other, *, alpha=1):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.add, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.sub, other, alpha=alpha)

    def mul_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.mul, other)

    def div_(self, other, *, rounding_mode=None):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.pow, exponent)

    def neg_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.neg)

    def exp_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.exp)

    def log_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.log)

    def sqrt_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.sqrt)

    def abs_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.abs)

    def clamp_(self, min=None, max=None):
        return _ops.inplace.apply_(self, _ops.elementwise.unary.clamp, min, max)

    clip_ = clamp_

    def zero_(self):
        return _ops.inplace.fill_(self, 0)

    def fill_(self, value):
        return _ops.inplace.fill_(self, value)

    def copy_(self, src, non_blocking: builtins.bool = False):
        return _ops.inplace.copy_(self, src)

    # -- more of PyTorch's surface (extra.py) ---------------------------------------------------
    # activations
    def relu(self):
        return _ops.nn.activation.relu(self)

    def relu_(self):
        return _ops.inplace.apply_(self, _ops.nn.activation.relu)

    def softmax(self, dim, dtype=None):
        return _ops.nn.activation.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        return _ops.nn.activation.log_softmax(self, dim, dtype=dtype)

    def hardshrink(self, lambd=0.5):
        return _ops.nn.activation.hardshrink(self, lambd)

    def prelu(self, weight):
        return _ops.nn.activation.prelu(self, weight)

    # random fills and samplers
    def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
        return _ops.creation.random.uniform_(self, kwargs.get("from", from_), to,
                                         generator=generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _ops.creation.random.normal_(self, mean, std, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        return _ops.creation.random.bernoulli_(self, p, generator=generator)

    def random_(self, from_=0, to=None, *, generator=None, **kwargs):
        return _ops.creation.random.random_(self, kwargs.get("from", from_), to,
                                        generator=generator)

    def exponential_(self, lambd=1.0, *, generator=None):
        return _ops.creation.random.exponential_(self, lambd, generator=generator)

    def geometric_(self, p, *, generator=None):
        return _ops.creation.random.geometric_(self, p, generator=generator)

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        return _ops.creation.random.cauchy_(self, median, sigma, generator=generator)

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        return _ops.creation.random.log_normal_(self, mean, std, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        return _ops.creation.factories.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        return _ops.creation.factories.multinomial(self, num_samples, replacement, generator=generator)

    # fused pointwise
    def addcmul(self, tensor1, tensor2, *, value=1):
        return _ops.elementwise.integer.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.addcmul, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _ops.elementwise.integer.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.addcdiv, tensor1, tensor2, value=value)

    # in-place comparisons, logic and named arithmetic (the result keeps self's dtype)
    def eq_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.eq, other)

    def ne_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.ne, other)

    def lt_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.lt, other)

    def le_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.le, other)

    def gt_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.gt, other)

    def ge_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.ge, other)

    not_equal_, less_, less_equal_ = ne_, lt_, le_
    greater_, greater_equal_ = gt_, ge_

    def logical_and_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.logical_and, other)

    def logical_or_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.logical_or, other)

    def logical_xor_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.logical_xor, other)

    def logical_not_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.logical_not)

    def bitwise_and_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_and, other)

    def bitwise_or_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_or, other)

    def bitwise_xor_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_xor, other)

    def bitwise_not_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_not)

    def bitwise_left_shift_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.bitwise_right_shift, other)

    def subtract_(self, other, *, alpha=1):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.sub, other, alpha=alpha)

    def multiply_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.mul, other)

    def divide_(self, other, *, rounding_mode=None):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.div, other, rounding_mode=rounding_mode)

    def true_divide_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.div, other)

    def floor_divide_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.binary.floor_divide, other)

    def cumsum_(self, dim, *, dtype=None):
        return _ops.inplace.apply_(self, _ops.reduction.stats.cumsum, dim, dtype=dtype)

    def cumprod_(self, dim, *, dtype=None):
        return _ops.inplace.apply_(self, _ops.reduction.stats.cumprod, dim, dtype=dtype)

    # floating-point and integer functions
    def frexp(self):
        return _ops.elementwise.integer.frexp(self)

    def ldexp(self, other):
        return _ops.elementwise.integer.ldexp(self, other)

    def ldexp_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.ldexp, other)

    def nextafter(self, other):
        return _ops.elementwise.integer.nextafter(self, other)

    def nextafter_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.nextafter, other)

    def gcd(self, other):
        return _ops.elementwise.integer.gcd(self, other)

    def gcd_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.gcd, other)

    def lcm(self, other):
        return _ops.elementwise.integer.lcm(self, other)

    def lcm_(self, other):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.lcm, other)

    def heaviside(self, values):
        return _ops.elementwise.integer.heaviside(self, values)

    def heaviside_(self, values):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.heaviside, values)

    def i0(self):
        return _ops.elementwise.integer.i0(self)

    def i0_(self):
        return _ops.inplace.apply_(self, _ops.elementwise.integer.i0)

    # reductions, statistics and scans
    def aminmax(self, *, dim=None, keepdim=False):
        return _ops.elementwise.integer.aminmax(self, dim=dim, keepdim=keepdim)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.elementwise.integer.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.elementwise.integer.nanmean(self, dim, keepdim, dtype=dtype)

    def nanmedian(self, dim=None, keepdim=False):
        return _ops.elementwise.integer.nanmedian(self, dim, keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _ops.elementwise.integer.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _ops.elementwise.integer.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def mode(self, dim=-1, keepdim=False):
        return _ops.elementwise.integer.mode(self, dim, keepdim)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return _ops.elementwise.integer.diff(self, n, dim, prepend, append)

    def logcumsumexp(self, dim):
        return _ops.elementwise.integer.logcumsumexp(self, dim)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        return _ops.extra_stats.cov(self, correction=correction, fweights=fweights,
                              aweights=aweights)

    def corrcoef(self):
        return _ops.extra_stats.corrcoef(self)

    def dist(self, other, p=2):
        return _ops.extra_stats.dist(self, other, p)

    def renorm(self, p, dim, maxnorm):
        return _ops.extra_stats.renorm(self, p, dim, maxnorm)

    def renorm_(self, p, dim, maxnorm):
        return _ops.inplace.apply_(self, _ops.extra_stats.renorm, p, dim, maxnorm)

    def bincount(self, weights=None, minlength=0):
        return _ops.extra_index.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        return _ops.extra_index.histc(self, bins, min, max)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _ops.extra_index.unique_consecutive(self, return_inverse, return_counts, dim)

    # functional scatters and splits
    def split_with_sizes(self, split_sizes, dim=0):
        return _ops.extra_index.split_with_sizes(self, split_sizes, dim)

    def select_scatter(self, src, dim, index):
        return _ops.extra_index.select_scatter(self, src, dim, index)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        return _ops.extra_index.slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        return _ops.extra_index.diagonal_scatter(self, src, offset, dim1, dim2)

    def index_reduce(self, dim, index, source, reduce, *, include_self=True):
        return _ops.extra_index.index_reduce(self, dim, index, source, reduce,
                                             include_self=include_self)

    def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
        return _ops.inplace.apply_(self, _ops.extra_index.index_reduce, dim, index, source,
                                   reduce, include_self=include_self)

    def fill_diagonal_(self, fill_value, wrap=False):
        return _ops.inplace.apply_(self, _ops.extra_index.fill_diagonal, fill_value, wrap)

    def diagflat(self, offset=0):
        return _ops.extra_index.diagflat(self, offset)

    # in-place products
    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.inplace.apply_(self, _ops.linalg.products.addmm, mat1, mat2, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return _ops.inplace.apply_(self, _ops.linalg.products.addmv, mat, vec, beta=beta, alpha=alpha)

    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        return _ops.inplace.apply_(self, _ops.linalg.products.addr, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return _ops.inplace.apply_(self, _ops.linalg.products.baddbmm, batch1, batch2, beta=beta,
                                   alpha=alpha)

    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return _ops.inplace.apply_(self, _ops.linalg.products.addbmm, batch1, batch2, beta=beta,
                                   alpha=alpha)

    # storage, identity and legacy helpers
    @property
    def is_cpu(self):
        return True

    def is_inference(self):
        return False

    def is_signed(self):
        return self.dtype.is_signed

    def is_nonzero(self):
        from . import _settings as _compat
        return _compat.is_nonzero(self)

    def is_same_size(self, other):
        return tuple(self.shape) == tuple(other.shape)

    def new(self, *args, **kwargs):
        from . import _settings as _compat
        return _compat.tensor_new(self, *args, **kwargs)

    def data_ptr(self):
        from . import _settings as _compat
        return _compat.data_ptr(self)

    def storage_offset(self):
        from . import _settings as _compat
        return _compat.storage_offset(self)

    def apply_(self, callable):
        from . import _settings as _compat
        return _compat.apply_(self, callable)

    def map_(self, tensor, callable):
        from . import _settings as _compat
        return _compat.map_(self, tensor, callable)

    def resize_(self, *sizes, memory_format=None):
        from . import _settings as _compat
        return _compat.resize_(self, *sizes)

    def resize_as_(self, the_template, memory_format=None):
        from . import _settings as _compat
        return _compat.resize_as_(self, the_template)

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False):
        from . import _settings as _compat
        return _compat.empty_strided(size, stride, dtype=dtype or self.dtype,
                                     requires_grad=requires_grad)

    def narrow_copy(self, dim, start, length):
        return _ops.shape.views.narrow(self, dim, start, length).clone()

    def unsafe_chunk(self, chunks, dim=0):
        return _ops.shape.joins.chunk(self, chunks, dim)

    def unsafe_split(self, split_size, dim=0):
        return _ops.shape.joins.split(self, split_size, dim)

    def unsafe_split_with_sizes(self, split_sizes, dim=0):
        return _ops.extra_index.split_with_sizes(self, split_sizes, dim)

    def histogram(self, bins=100, *, range=None, weight=None, density=False):
        return _ops.creation.windows.histogram(self, bins, range=range, weight=weight,
                                             density=density)

    def nonzero_static(self, *, size, fill_value=-1):
        return _ops.creation.windows.nonzero_static(self, size=size, fill_value=fill_value)

    def cholesky(self, upper=False):
        from . import _settings as _compat
        return _compat.cholesky(self, upper)

    def __contains__(self, element):
        from . import _settings as _compat
        return _compat.contains(self, element)

    def __reversed__(self):
        return self if self.ndim == 0 else _ops.shape.tiling.flip(self, (0,))

    # complex views of real tensors: no-ops, as PyTorch on real dtypes
    def conj(self):
        return self

    def resolve_conj(self):
        return self

    def resolve_neg(self):
        return self

    def conj_physical(self):
        return self

    def conj_physical_(self):
        return self

    def is_conj(self):
        return False

    def is_neg(self):
        return False

    def isreal(self):
        return _ops.creation.factories.ones(self.shape, dtype=_ops.creation.factories.tensor(True).dtype)

    @property
    def real(self):
        return self

    @property
    def imag(self):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def as_strided(self, size, stride, storage_offset=None):
        return _ops.extra_index.as_strided(self, size, stride, storage_offset)

    def as_strided_scatter(self, src, size, stride, storage_offset=None):
        return _ops.extra_index.as_strided_scatter(self, src, size, stride, storage_offset)

    def angle(self):
        return _ops.elementwise.integer.angle(self)

    @property
    def layout(self):
        from . import _settings as _compat
        return _compat.strided

    def dim_order(self):
        return tuple(sorted(range(self.ndim), key=lambda d: -abs(self._data.strides[d])))

    # no-ops for CPU memory (DataLoader pipelines and multiprocessing call them)
    def pin_memory(self, device=None):
        return self

    def is_pinned(self, device=None):
        return False

    def share_memory_(self):
        return self

    def is_shared(self):
        return False

    def resize(self, *sizes):
        from . import _settings as _compat
        return _compat.resize_(self.detach().clone(), *sizes)

    def resize_as(self, tensor):
        from . import _settings as _compat
        return _compat.resize_as_(self.detach().clone(), tensor)

    def const_data_ptr(self):
        from . import _settings as _compat
        return _compat.data_ptr(self)

    @property
    def is_meta(self):
        return False

    # -- end of more of PyTorch's surface (extra.py) --
