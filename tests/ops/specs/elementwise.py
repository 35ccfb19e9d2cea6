"""Specs: elementwise ops (``npgrad/ops/elementwise/``): the operators, unary and binary
functions, trigonometry, rounding, special functions, integer and complex functions, and the
in-place methods, predicates and promotion helpers that go with them.

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import math

import numpy as np

from ..harness import A, B, C, F, I, OpSpec, with_bf16

BINARY_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 1, 4), (3, 1)), ((), (2, 2)), ((0, 3), (3,))]


BIN = [[(3,), (3,)], [(2, 3), (3,)], [(2, 1, 4), (3, 1)], [(), (2, 2)], [(0, 3), (3,)]]


# a divisor bounded away from 0 (either sign), for / // % and their gradients
POS = F((3,), 0.5, 2.0)


DIV = [[(2, 3), POS], [F((3,), -3, 3), F((2, 3), 0.5, 2)], [(), F((2, 2), 0.5, 2)],
       [(0, 3), POS]]


# mixed signs for floor semantics: divisor negative, dividend negative
NEG_DIV = [[F((2, 3), -5, 5), F((3,), -2.0, -0.5)], [F((4,), -5, 5), F((4,), 0.5, 2.0)]]


# in-place: the tensor written to already has the broadcast shape
BIN_IP = [[(3,), (3,)], [(2, 3), (3,)], [(2, 3, 4), (3, 1)], [(2, 2), ()]]


ONLY32 = ("float32",)  # integer/bool-only specs do not depend on the float dtype


def _iop(op):
    """``x op= y`` on a clone of ``x``, returned (an in-place operator as a spec)."""
    def f(lib, x, y):
        z = x.clone()
        z = op(z, y)
        return z
    return f


def _iadd(z, y):
    z += y
    return z


def _isub(z, y):
    z -= y
    return z


def _imul(z, y):
    z *= y
    return z


def _idiv(z, y):
    z /= y
    return z


def _ifloordiv(z, y):
    z //= y
    return z


def _imod(z, y):
    z %= y
    return z


def _ipow(z, y):
    z **= y
    return z


def _iand(z, y):
    z &= y
    return z


def _ior(z, y):
    z |= y
    return z


def _ixor(z, y):
    z ^= y
    return z


def _ilshift(z, y):
    z <<= y
    return z


def _irshift(z, y):
    z >>= y
    return z


NAN, INF = math.nan, math.inf


BINARY = [[(3,), (3,)], [(2, 3), (3,)], [(2, 1, 4), (3, 1)], [(), (2, 2)], [(0, 3), (3,)]]


def _shapes(low=-2.0, high=2.0):
    """The usual unary cases over a sampling range: small, broadcast-free, 0-d and empty."""
    return [[F((4,), low, high)], [F((), low, high)], [F((2, 3), low, high)],
            [F((0, 3), low, high)]]


def _unary(name, low=-2.0, high=2.0, method=True, inplace=True, **kw):
    """A spec for ``lib.name(x)``, covering ``Tensor.name`` and ``Tensor.name_``."""
    covers = (f"Tensor.{name}",) * method + (f"Tensor.{name}_",) * inplace
    return OpSpec(name, lambda lib, x: getattr(lib, name)(x), _shapes(low, high),
                  covers=covers + tuple(kw.pop("covers", ())), **kw)


def _int_input(name):
    """Integer inputs of float-valued ops give the default float dtype."""
    return OpSpec(f"{name}-int", lambda lib, x: getattr(lib, name)(x),
                  [[I((3,), 1, 4)], [I((2, 2), 1, 4)]], grad=False)


def _inplace(name, low=-2.0, high=2.0):
    """``x.clone().name_()``: the in-place form, in the graph of x."""
    return OpSpec(f"Tensor.{name}_", lambda lib, x: getattr(x.clone(), name + "_")(),
                  [[F((2, 3), low, high)], [F((), low, high)]])


# ties (equal values: a zero-width sampling range gives constant tensors that require grad)
# exercise the kinks of maximum/minimum and friends
TIES = [[F((3,), 0.5, 0.5), F((3,), 0.5, 0.5)], [F((2, 3), 0.5, 0.5), F((3,), 0.0, 1.0)],
        [F((2, 3), -1.0, 1.0), F((2, 1), 0.25, 0.25)]]


NONFINITE = A([1.5, NAN, INF, -INF, -0.5, 0.0])




TERNARY = [[(3,), (3,), (3,)], [(2, 3), (3,), (2, 1)], [(), (2, 2), ()], [(0, 3), (3,), (1,)]]


def _inplace_indexing(name):
    """``x.clone().<name>(*args)``: an in-place method, differentiable through the clone."""
    return lambda lib, x, *args: getattr(x.clone(), name)(*args)


PERM = A(np.array([[2, 0, 1, 3], [0, 1, 3, 2], [1, 3, 0, 0]])[:2])  # unique per column


SPECS = [
    OpSpec("add", lambda lib, x, y: lib.add(x, y), [list(c) for c in BINARY_SHAPES]),
    OpSpec("Tensor.__add__", lambda lib, x, y: x + y, [list(c) for c in BINARY_SHAPES]),
    OpSpec("Tensor.__radd__", lambda lib, x: 2.5 + x, [[(3,)], [()]]),
    OpSpec("mul", lambda lib, x, y: lib.mul(x, y), [list(c) for c in BINARY_SHAPES],
           covers=("multiply", "Tensor.__mul__")),
    OpSpec("div", lambda lib, x, y: x / y,
           [[(2, 3), F((3,), 0.5, 2.0)], [F((3,), 0.5, 2), F((2, 3), 0.5, 2)]],
           covers=("Tensor.__truediv__",)),
    OpSpec("Tensor.__pow__", lambda lib, x, y: x ** y,
           [[F((2, 3), 0.5, 2.0), F((3,), -1.0, 2.0)]]),
    OpSpec("Tensor.__mod__", lambda lib, x, y: x % y,
           [[F((2, 3), -3, 3), F((3,), 0.5, 2.0)]], gradgrad=True),
    OpSpec("Tensor.__add__-int", lambda lib, x, y: x + y, [[I((3,)), I((2, 3))]], grad=False),
    # -- arithmetic -------------------------------------------------------------------------
    OpSpec("Tensor.__sub__", lambda lib, x, y: x - y, BIN, covers=("sub", "subtract")),
    OpSpec("Tensor.__rsub__", lambda lib, x: 2.5 - x, [[(3,)], [()], [(2, 0)]]),
    OpSpec("Tensor.__rsub__-int", lambda lib, x: 3 - x, [[(2, 3)]]),
    OpSpec("sub-alpha", lambda lib, x, y: lib.sub(x, y, alpha=2), BIN[:3]),
    OpSpec("add-alpha", lambda lib, x, y: lib.add(x, y, alpha=-1.5), BIN[:3]),
    OpSpec("Tensor.__add__-scalar", lambda lib, x: x + 3, [[(2, 3)], [()]]),
    OpSpec("Tensor.__rmul__", lambda lib, x: 2.5 * x, [[(3,)], [()], [(0,)]]),
    OpSpec("Tensor.__mul__-scalar", lambda lib, x: x * -2, [[(2, 3)]]),
    OpSpec("Tensor.__truediv__-scalar", lambda lib, x: x / 4, [[(2, 3)], [()]]),
    OpSpec("Tensor.__rtruediv__", lambda lib, x: 2.0 / x, [[POS], [F((2, 2), -2, -0.5)]]),
    OpSpec("true_divide", lambda lib, x, y: lib.true_divide(x, y), DIV, covers=("divide",)),
    OpSpec("div-int-operands", lambda lib, x, y: x / y, [[I((2, 3), -5, 5), I((3,), 1, 4)]],
           grad=False, dtypes=ONLY32),
    OpSpec("div-rounding", lambda lib, x, y, m: lib.div(x, y, rounding_mode=m),
           [[*NEG_DIV[0], C("floor")], [*NEG_DIV[0], C("trunc")], [*NEG_DIV[1], C("trunc")]],
           gradcheck=False),
    # PyTorch has no derivative for floor_divide (backward raises, in npgrad too): values only
    OpSpec("floor_divide", lambda lib, x, y: lib.floor_divide(x, y), DIV + NEG_DIV,
           covers=("Tensor.__floordiv__",), grad=False),
    OpSpec("Tensor.__rfloordiv__", lambda lib, x: 7.0 // x, [[POS], [F((3,), -2, -0.5)]],
           grad=False),
    OpSpec("floor_divide-int", lambda lib, x, y: x // y,
           [[I((2, 3), -9, 9), I((3,), 1, 4)], [I((4,), -9, 9), A(np.array([-3, -2, 2, 3]))]],
           grad=False, dtypes=ONLY32),
    OpSpec("remainder", lambda lib, x, y: lib.remainder(x, y), DIV + NEG_DIV),
    OpSpec("Tensor.__mod__-scalar", lambda lib, x: x % -1.5, [[F((2, 3), -4, 4)]]),
    # PyTorch has no derivative for number % tensor, so only values are compared
    OpSpec("Tensor.__rmod__", lambda lib, x: 5.0 % x, [[POS], [F((3,), -2, -0.5)]],
           grad=False),
    OpSpec("remainder-int", lambda lib, x, y: x % y,
           [[I((2, 3), -9, 9), I((3,), 1, 4)], [I((4,), -9, 9), A(np.array([-3, -2, 2, 3]))]],
           grad=False, dtypes=ONLY32),
    OpSpec("pow", lambda lib, x, y: lib.pow(x, y),
           [[F((2, 3), 0.5, 2.0), F((3,), -1.0, 2.0)], [F((3,), 0.5, 2), F((), -2, 2)],
            [F((), 0.5, 2), F((2, 2), -1, 1)], [F((0, 2), 0.5, 2), F((2,), -1, 1)]]),
    OpSpec("Tensor.__pow__-scalar", lambda lib, x, e: x ** e,
           [[F((2, 3), -2, 2), C(2)], [F((3,), 0.5, 2), C(0.5)], [F((3,), -2, 2), C(3)],
            [F((3,), 0.5, 2), C(-1.5)], [F((2,), -2, 2), C(0)], [(), C(2.0)]]),
    OpSpec("Tensor.__rpow__", lambda lib, x: 2.0 ** x, [[(2, 3)], [()], [(0,)]]),
    OpSpec("Tensor.__rpow__-base-e", lambda lib, x: 0.5 ** x, [[(3,)]]),
    OpSpec("pow-int", lambda lib, x, y: x ** y, [[I((2, 3), -3, 3), I((3,), -2, 4)]],
           grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__neg__", lambda lib, x: -x, [[(2, 3)], [()], [(0,)]]),
    OpSpec("Tensor.__neg__-int", lambda lib, x: -x, [[I((2, 3), -3, 3)]], grad=False,
           dtypes=ONLY32),
    OpSpec("Tensor.__abs__", lambda lib, x: abs(x),
           [[(2, 3)], [()], [A(np.array([-1.0, 0.0, 2.0]))]]),
    OpSpec("Tensor.__eq__-operator", lambda lib, x, y: (x == y, x != y, x < y, x <= y, x > y,
                                                        x >= y), BIN, grad=False),
    OpSpec("Tensor.__lt__-reflected", lambda lib, x: (1.0 < x, 0.5 >= x, 2 == x),
           [[(2, 3)]], grad=False),
    OpSpec("Tensor.__and__-operators", lambda lib, x, y: (x & y, x | y, x ^ y),
           [[I((2, 3), -8, 8), I((3,), -8, 8)], [B((3,)), B((3,))]], grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__rand__", lambda lib, x: (6 & x, 6 | x, 6 ^ x, True & (x > 2)),
           [[I((2, 3), 0, 8)]], grad=False, dtypes=ONLY32,
           covers=("Tensor.__ror__", "Tensor.__rxor__")),
    OpSpec("bitwise_not", lambda lib, x: lib.bitwise_not(x), [[I((2, 3), -8, 8)], [B((4,))],
                                                               [I(())]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__invert__",)),
    OpSpec("Tensor.__invert__-operator", lambda lib, x: ~x, [[I((3,), -4, 4)], [B((2, 2))]],
           grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__rlshift__", lambda lib, x: (3 << x, 64 >> x), [[I((2, 3), 0, 5)]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__rrshift__",)),
    OpSpec("logical_not", lambda lib, x: lib.logical_not(x),
           [[A(np.array([0.0, 1.0, -2.0]))], [B((2, 3))], [I((3,), 0, 2)], [()]], grad=False),
    # -- where ----------------------------------------------------------------------------
    OpSpec("where", lambda lib, c, x, y: lib.where(c, x, y),
           [[B((2, 3)), (2, 3), (2, 3)], [B((2, 3)), (3,), (2, 1)], [B((3,)), (), (3,)],
            [B((0, 3)), (3,), (0, 3)], [B(()), (), ()]], covers=("Tensor.where",)),
    OpSpec("where-scalar", lambda lib, c, x: (lib.where(c, x, 0.0), lib.where(c, 1.5, x)),
           [[B((2, 3)), (2, 3)], [B((3,)), ()]]),
    OpSpec("where-method", lambda lib, x: x.where(x > 0, -x), [[(2, 3)]]),
    OpSpec("where-mixed-dtypes", lambda lib, c, x, y: lib.where(c, x, y),
           [[B((3,)), I((3,)), (3,)], [B((2, 2)), I((2, 2)), I((2,))]]),
    # -- in-place -------------------------------------------------------------------------
    OpSpec("Tensor.__iadd__", _iop(_iadd), BIN_IP + [[(2, 3), C(1.5)]]),
    OpSpec("Tensor.__isub__", _iop(_isub), BIN_IP + [[(2, 3), C(2)]]),
    OpSpec("Tensor.__imul__", _iop(_imul), BIN_IP + [[(2, 3), C(-0.5)]]),
    OpSpec("Tensor.__itruediv__", _iop(_idiv), [DIV[0], [F((2, 3), -3, 3), POS], [(2, 3), C(4.0)]]),
    OpSpec("Tensor.__ifloordiv__", _iop(_ifloordiv), NEG_DIV, grad=False),
    OpSpec("Tensor.__imod__", _iop(_imod), NEG_DIV),
    OpSpec("Tensor.__ipow__", _iop(_ipow), [[F((2, 3), 0.5, 2), C(2)],
                                            [F((2, 3), 0.5, 2), F((3,), -1, 1)]]),
    OpSpec("Tensor.__iand__", _iop(_iand), [[I((2, 3), 0, 8), I((3,), 0, 8)], [B((3,)), B((3,))]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__ior__", "Tensor.__ixor__")),
    OpSpec("Tensor.__ior__-ops", lambda lib, x, y: (_iop(_ior)(lib, x, y), _iop(_ixor)(lib, x, y)),
           [[I((2, 3), 0, 8), I((3,), 0, 8)]], grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__ilshift__", _iop(_ilshift), [[I((2, 3), 0, 8), I((3,), 0, 4)]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__irshift__",)),
    OpSpec("Tensor.__irshift__-op", _iop(_irshift), [[I((2, 3), -8, 8), C(1)]], grad=False,
           dtypes=ONLY32),
    OpSpec("Tensor.add_", lambda lib, x, y: x.clone().add_(y), BIN_IP),
    OpSpec("Tensor.add_-alpha", lambda lib, x, y: x.clone().add_(y, alpha=2), BIN_IP[:2]),
    OpSpec("Tensor.sub_", lambda lib, x, y: x.clone().sub_(y), BIN_IP),
    OpSpec("Tensor.mul_", lambda lib, x, y: x.clone().mul_(y), BIN_IP + [[(3,), C(3)]]),
    OpSpec("Tensor.div_", lambda lib, x, y: x.clone().div_(y), [DIV[0], [F((2, 3), -3, 3), POS]]),
    OpSpec("Tensor.zero_", lambda lib, x: x.clone().zero_() + x, [[(2, 3)], [()]]),
    OpSpec("Tensor.fill_", lambda lib, x: x.clone().fill_(1.5) * x, [[(2, 3)], [()]]),
    # (+ x: PyTorch gives the overwritten clone's input a zero gradient, npgrad None)
    OpSpec("Tensor.fill_-tensor", lambda lib, x, v: x.clone().fill_(v) + x, [[(2, 3), ()]]),
    OpSpec("Tensor.copy_", lambda lib, x, y: x.clone().copy_(y) * x,
           [[(2, 3), (2, 3)], [(2, 3), (3,)], [(2, 3), ()]]),
    OpSpec("Tensor.copy_-int", lambda lib, x, y: x.clone().copy_(y), [[(2, 3), I((3,))]]),
    OpSpec("Tensor.clamp_", lambda lib, x: x.clone().clamp_(-0.5, 0.5),
           [[F((2, 3), -2, 2)], [F((), -2, 2)]], covers=("Tensor.clip_",)),
    # -- sign and magnitude --------------------------------------------------------------
    _unary("neg", covers=("negative", "Tensor.negative", "Tensor.__neg__")),
    _unary("abs", covers=("absolute", "Tensor.absolute", "Tensor.__abs__")),
    OpSpec("abs-zero", lambda lib, x: lib.abs(x), [[F((3,), 0.0, 0.0)]],  # abs'(0) = 0
           gradgrad=False),
    OpSpec("clamp-at-bounds", lambda lib, x, y: (lib.clamp(x, -0.5, 0.5), lib.clamp(y, -0.5, 0.5)),
           [[F((3,), 0.5, 0.5), F((3,), -0.5, -0.5)]], gradcheck=False),  # bounds inclusive,
    _unary("sign"),
    _unary("square"),
    _unary("reciprocal", 0.3, 2.0),
    OpSpec("reciprocal-neg", lambda lib, x: lib.reciprocal(x), [[F((2, 3), -2.0, -0.3)]]),
    # (+ x: torch's zero gradient of sgn alone is a ZeroTensor that .numpy() refuses)
    OpSpec("sgn", lambda lib, x: lib.sgn(x) + x, _shapes(), covers=("Tensor.sgn",)),
    OpSpec("Tensor.sgn_", lambda lib, x: x.clone().sgn_() + x, [[(2, 3)]]),
    OpSpec("signbit", lambda lib, x: (lib.signbit(x), x.signbit()),
           [[NONFINITE], [A([-0.0, 0.0, -NAN])], [I((4,), -2, 2)], [B((3,))]], grad=False,
           covers=("Tensor.signbit",)),
    OpSpec("positive", lambda lib, x: (lib.positive(x), x.positive()), [[(2, 3)], [()]],
           covers=("Tensor.positive",)),
    OpSpec("sign-special", lambda lib, x: lib.sign(x), [[NONFINITE], [I((4,), -2, 3)],
                                                        [B((3,))]], grad=False),
    OpSpec("square-int", lambda lib, x: lib.square(x), [[I((4,), -3, 3)], [B((3,))]],
           grad=False),
    OpSpec("neg-int", lambda lib, x: lib.neg(x), [[I((4,), -3, 3)]], grad=False),
    OpSpec("abs-int", lambda lib, x: lib.abs(x), [[I((4,), -3, 3)]], grad=False),
    # -- exponentials, logarithms, roots ---------------------------------------------------
    _unary("exp"),
    _unary("exp2"),
    _unary("expm1"),
    _unary("log", 0.1, 3.0),
    _unary("log2", 0.1, 3.0),
    _unary("log10", 0.1, 3.0),
    _unary("log1p", -0.8, 3.0),
    _unary("sqrt", 0.1, 3.0),
    _unary("rsqrt", 0.2, 3.0),
    OpSpec("log-special", lambda lib, x: (lib.log(x), lib.log2(x), lib.log10(x),
                                          lib.log1p(x), lib.sqrt(x), lib.rsqrt(x)),
           [[NONFINITE]], grad=False),
    # -- trigonometric and hyperbolic -------------------------------------------------------
    _unary("sin"),
    _unary("cos"),
    _unary("tan", -1.2, 1.2),
    _unary("asin", -0.9, 0.9, covers=("arcsin", "Tensor.arcsin", "Tensor.arcsin_")),
    _unary("acos", -0.9, 0.9, covers=("arccos", "Tensor.arccos", "Tensor.arccos_")),
    _unary("atan", -3.0, 3.0, covers=("arctan", "Tensor.arctan", "Tensor.arctan_")),
    _unary("sinh"),
    _unary("cosh"),
    _unary("tanh", -3.0, 3.0),
    _unary("asinh", -3.0, 3.0, covers=("arcsinh", "Tensor.arcsinh", "Tensor.arcsinh_")),
    _unary("acosh", 1.1, 3.0, covers=("arccosh", "Tensor.arccosh", "Tensor.arccosh_")),
    _unary("atanh", -0.9, 0.9, covers=("arctanh", "Tensor.arctanh", "Tensor.arctanh_")),
    _unary("sinc", -3.0, 3.0),
    OpSpec("sinc-zero", lambda lib, x: lib.sinc(x), [[F((3,), 0.0, 0.0)], [I((3,), -1, 2)]],
           gradgrad=False),  # the second derivative at 0 is nan in PyTorch,
    _unary("deg2rad", -200.0, 200.0),
    _unary("rad2deg"),
    OpSpec("deg2rad-int", lambda lib, x: (lib.deg2rad(x), lib.rad2deg(x)),
           [[I((3,), -200, 200)], [B((2,))]], grad=False),
    # -- special functions -----------------------------------------------------------------
    _unary("sigmoid", -5.0, 5.0),
    OpSpec("sigmoid-extreme", lambda lib, x: lib.sigmoid(x),
           [[A([-100.0, -30.0, 0.0, 30.0, 100.0, INF, -INF, NAN])]], grad=False),
    _unary("logit", 0.05, 0.95),
    OpSpec("logit-eps", lambda lib, x: lib.logit(x, eps=0.1),
           [[F((4,), 0.12, 0.88)], [F((2, 3), -0.3, 1.3)], [F((0,))]],
           covers=("Tensor.logit",)),
    OpSpec("logit-outside", lambda lib, x: lib.logit(x), [[F((2, 3), -0.5, 1.5)]],
           gradcheck=False),
    _unary("erf", -3.0, 3.0),
    _unary("erfc", -3.0, 3.0),
    OpSpec("erf-tails", lambda lib, x: (lib.erf(x), lib.erfc(x)),
           [[F((10,), 1.5, 6.0)], [F((10,), -6.0, -1.5)]]),
    _unary("erfinv", -0.95, 0.95),
    OpSpec("erfinv-special", lambda lib, x: lib.erfinv(x),
           [[A([-1.0, 1.0, 1.5, NAN, 0.0, -0.0, 1e-300, 0.999999, -0.9999999999])],
            [I((3,), -1, 2)]], grad=False),
    _unary("lgamma", 0.1, 12.0),
    OpSpec("lgamma-negative", lambda lib, x: lib.lgamma(x), [[F((2, 3), -4.9, -0.1)]]),
    _unary("digamma", 0.1, 12.0),
    OpSpec("digamma-negative", lambda lib, x: lib.digamma(x), [[F((2, 3), -4.9, -0.1)]],
           atol=1e-3),  # (float32 near poles),
    OpSpec("polygamma", lambda lib, x: (lib.polygamma(1, x), lib.polygamma(2, x),
                                        x.polygamma(3)),
           [[F((4,), 0.2, 12.0)], [F((), 0.5, 3.0)], [F((0, 2), 0.5, 3.0)],
            [F((2, 3), 11.0, 30.0)]], covers=("Tensor.polygamma",), rtol=1e-3),
    OpSpec("Tensor.polygamma_", lambda lib, x: x.clone().polygamma_(1), [[F((3,), 0.5, 3)]]),
    OpSpec("mvlgamma", lambda lib, x: (lib.mvlgamma(x, 1), lib.mvlgamma(x, 3), x.mvlgamma(2)),
           [[F((2, 3), 1.1, 5.0)], [F((), 1.1, 5.0)]],
           covers=("Tensor.mvlgamma", "Tensor.mvlgamma_")),
    # (not at the negative poles, where torch's polygamma gives finite values: README,
    # "Deliberate differences"); at +-inf torch's n >= 2 come from Hurwitz's zeta (nan, +-inf)
    OpSpec("polygamma-special", lambda lib, x: (lib.polygamma(1, x), lib.polygamma(2, x),
                                                lib.polygamma(3, x)),
           [[A([0.5, 1e-4, 100.0, 1e5, -0.5, -2.5, NAN, INF, -INF, 0.0])], [I((4,), 1, 5)]],
           grad=False),
    # the reflection's log(pi / sin(pi x)) near 0, down to subnormal x (744.44, not inf)
    OpSpec("lgamma-tiny", lambda lib, x: lib.lgamma(x),
           [[A([5e-324, -5e-324, -1e-310, 1e-300, -1e-40, 1e-45, -3e-8])]], grad=False),
    OpSpec("erf-special", lambda lib, x: (lib.erf(x), lib.erfc(x)),
           [[NONFINITE], [A([-30.0, -5.9, -2.0, 2.0, 10.0, 26.0, 1e-300, -1e-20])]],
           grad=False),
    # -- rounding ------------------------------------------------------------------------
    _unary("floor", -3.0, 3.0),
    _unary("ceil", -3.0, 3.0),
    _unary("trunc", -3.0, 3.0, covers=("fix", "Tensor.fix", "Tensor.fix_")),
    _unary("round", -3.0, 3.0),
    _unary("frac", -3.0, 3.0),
    OpSpec("round-decimals", lambda lib, x: lib.round(x, decimals=2),
           [[F((2, 3), -30, 30)], [F((), -3, 3)]], covers=("Tensor.round",)),
    OpSpec("round-negative-decimals", lambda lib, x: x.round(decimals=-1),
           [[F((2, 3), -300, 300)]]),
    OpSpec("round-halves", lambda lib, x: (lib.round(x), lib.floor(x), lib.ceil(x),
                                           lib.trunc(x), lib.frac(x)),
           [[A([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, NAN, INF])]], grad=False),
    OpSpec("round-int", lambda lib, x: (lib.round(x), lib.floor(x), lib.ceil(x),
                                        lib.trunc(x)), [[I((4,), -3, 3)]], grad=False),
    # -- clamping ------------------------------------------------------------------------
    OpSpec("clamp", lambda lib, x: lib.clamp(x, -0.5, 0.7),
           [[(4,)], [(2, 3)], [()], [(0, 3)]],
           covers=("clip", "Tensor.clamp", "Tensor.clip")),
    OpSpec("clamp-one-side", lambda lib, x: (lib.clamp(x, min=0.1), lib.clamp(x, max=-0.2),
                                             x.clip(max=0.5)), [[(2, 3)], [()]]),
    OpSpec("clamp-tensor", lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
           [[F((2, 3)), F((3,), -1.5, 0.0), F((2, 1), 0.0, 1.5)],
            [F((4,)), F((), -1.0, 0.0), F((4,), 0.0, 1.0)],
            [F((2, 3)), F((2, 3), -1.0, 0.5), F((3,), -0.5, 1.0)]]),  # some min > max,
    OpSpec("clamp-tensor-one-side", lambda lib, x, b: (lib.clamp(x, min=b),
                                                       lib.clamp(x, max=b)),
           [[(2, 3), (3,)], [(3,), (2, 3)]]),
    OpSpec("clamp-int", lambda lib, x: (lib.clamp(x, 1, 3), lib.clamp(x, 0.5, 2.5)),
           [[I((5,), 0, 5)]], grad=False),
    OpSpec("clamp-nan", lambda lib, x: lib.clamp(x, -1.0, 1.0), [[NONFINITE]], grad=False),
    OpSpec("clamp_min", lambda lib, x: (lib.clamp_min(x, 0.2), x.clamp_min(-0.1)),
           [[(2, 3)], [()]], covers=("Tensor.clamp_min",)),
    OpSpec("clamp_max", lambda lib, x, b: (lib.clamp_max(x, 0.2), x.clamp_max(b)),
           [[(2, 3), (3,)]], covers=("Tensor.clamp_max",)),
    OpSpec("Tensor.clamp_", lambda lib, x: x.clone().clamp_(-0.5, 0.5), [[(2, 3)]],
           covers=("Tensor.clip_",)),
    OpSpec("Tensor.clamp_min_", lambda lib, x: (x.clone().clamp_min_(0.1),
                                                x.clone().clamp_max_(0.3)), [[(2, 3)]],
           covers=("Tensor.clamp_max_",)),
    OpSpec("clone", lambda lib, x: lib.clone(x), [[(2, 3)], [()]], covers=("Tensor.clone",)),
    _inplace("log1p", -0.5, 2.0),
    _inplace("rsqrt", 0.2, 2.0),
    # -- float classification ------------------------------------------------------------
    OpSpec("isnan", lambda lib, x: (lib.isnan(x), x.isnan()), [[NONFINITE], [(2, 3)],
                                                               [I((3,))], [B((2,))]],
           grad=False, covers=("Tensor.isnan",)),
    OpSpec("isinf", lambda lib, x: (lib.isinf(x), x.isinf()), [[NONFINITE], [I((3,))]],
           grad=False, covers=("Tensor.isinf",)),
    OpSpec("isfinite", lambda lib, x: (lib.isfinite(x), x.isfinite()),
           [[NONFINITE], [I((3,))], [()]], grad=False, covers=("Tensor.isfinite",)),
    OpSpec("isposinf", lambda lib, x: (lib.isposinf(x), x.isneginf()),
           [[NONFINITE], [I((3,))]], grad=False,
           covers=("isneginf", "Tensor.isposinf", "Tensor.isneginf")),
    OpSpec("nan_to_num", lambda lib, x: (lib.nan_to_num(x), x.nan_to_num(nan=1.0, posinf=9.0),
                                         lib.nan_to_num(x, neginf=-7.0)),
           [[NONFINITE], [I((3,))], [B((3,))]], grad=False,
           covers=("Tensor.nan_to_num",)),
    OpSpec("nan_to_num-grad", lambda lib, x: lib.nan_to_num(lib.log(x), neginf=-3.0),
           [[F((2, 3), -1.0, 2.0)], [F((4,), 0.1, 2.0)]], gradcheck=False),
    OpSpec("Tensor.nan_to_num_", lambda lib, x: x.log().nan_to_num_(), [[F((2, 3), -1, 2)]],
           gradcheck=False),
    # -- maximum, minimum, fmax, fmin ------------------------------------------------------
    OpSpec("maximum", lambda lib, x, y: lib.maximum(x, y), BINARY, covers=("Tensor.maximum",)),
    OpSpec("minimum", lambda lib, x, y: lib.minimum(x, y), BINARY, covers=("Tensor.minimum",)),
    OpSpec("fmax", lambda lib, x, y: lib.fmax(x, y), BINARY, covers=("Tensor.fmax",)),
    OpSpec("fmin", lambda lib, x, y: lib.fmin(x, y), BINARY, covers=("Tensor.fmin",)),
    OpSpec("maximum-ties", lambda lib, x, y: lib.maximum(x, y), TIES, gradgrad=False),
    OpSpec("minimum-ties", lambda lib, x, y: lib.minimum(x, y), TIES, gradgrad=False),
    OpSpec("fmax-ties", lambda lib, x, y: lib.fmax(x, y), TIES, gradgrad=False, gradcheck=False),
    OpSpec("fmin-ties", lambda lib, x, y: lib.fmin(x, y), TIES, gradgrad=False, gradcheck=False),
    OpSpec("maximum-nan", lambda lib, x, y: (lib.maximum(x, y), lib.minimum(x, y),
                                             lib.fmax(x, y), lib.fmin(x, y)),
           [[NONFINITE, A([NAN, 1.0, NAN, 0.0, INF, -INF])]], grad=False),
    OpSpec("maximum-int", lambda lib, x, y: (lib.maximum(x, y), lib.fmin(x, y)),
           [[I((4,)), I((4,))], [I((4,)), F((4,), grad=False)], [B((3,)), B((3,))]],
           grad=False),
    # -- atan2, hypot, fmod, remainder, pow, float_power, lerp ----------------------------
    OpSpec("atan2", lambda lib, x, y: lib.atan2(x, y), BINARY,
           covers=("arctan2", "Tensor.atan2", "Tensor.arctan2")),
    OpSpec("Tensor.atan2_", lambda lib, x, y: x.clone().atan2_(y), [[(2, 3), (3,)]],
           covers=("Tensor.arctan2_",)),
    OpSpec("atan2-int", lambda lib, x, y: lib.atan2(x, y), [[I((4,), -3, 3), I((4,), 1, 3)]],
           grad=False),
    OpSpec("hypot", lambda lib, x, y: lib.hypot(x, y), BINARY,
           covers=("Tensor.hypot", "Tensor.hypot_")),
    OpSpec("fmod", lambda lib, x, y: lib.fmod(x, y),
           [[F((2, 3), -3, 3), F((3,), 0.5, 2.0)], [F((4,), -3, 3), F((4,), -2.0, -0.5)],
            [F((), -3, 3), F((2,), 0.7, 2.0)], [F((0, 2), -3, 3), F((2,), 0.5, 2.0)]],
           covers=("Tensor.fmod",)),
    OpSpec("fmod-scalar", lambda lib, x: (lib.fmod(x, 1.5), x.fmod(-0.7)),
           [[F((2, 3), -3, 3)], [F((), -3, 3)]], covers=("Tensor.fmod_",)),
    OpSpec("fmod-int", lambda lib, x, y: (lib.fmod(x, y), lib.fmod(x, 2), lib.fmod(x, 2.5)),
           [[I((5,), -5, 5), I((5,), 1, 3)]], grad=False),
    OpSpec("remainder", lambda lib, x, y: lib.remainder(x, y),
           [[F((2, 3), -3, 3), F((3,), 0.5, 2.0)], [F((4,), -3, 3), F((4,), -2.0, -0.5)],
            [F((), -3, 3), F((2,), 0.7, 2.0)]], covers=("Tensor.remainder",)),
    OpSpec("remainder-scalar", lambda lib, x: (lib.remainder(x, 1.5), x.remainder(-0.7),
                                               x.clone().remainder_(0.9)),
           [[F((2, 3), -3, 3)]], covers=("Tensor.remainder_",)),
    OpSpec("pow", lambda lib, x, y: lib.pow(x, y),
           [[F((2, 3), 0.5, 2.0), F((3,), -1.0, 2.0)], [F((4,), 0.5, 2.0), F((), -2.0, 2.0)],
            [F((0, 2), 0.5, 2.0), F((2,))]], covers=("Tensor.pow",)),
    OpSpec("pow-scalar", lambda lib, x: (lib.pow(x, 3), lib.pow(x, 0.5), lib.pow(2.5, x),
                                         x.pow(-2)), [[F((2, 3), 0.5, 2.0)], [F((), 0.5, 2)]]),
    OpSpec("float_power", lambda lib, x, y: lib.float_power(x, y),
           [[F((2, 3), 0.5, 2.0), F((3,), -1.0, 2.0)], [F((4,), 0.5, 2.0), F((), -2.0, 2.0)]],
           covers=("Tensor.float_power",)),
    OpSpec("float_power-scalar", lambda lib, x: (lib.float_power(x, 2), x.float_power(0.5),
                                                 lib.float_power(1.5, x)),
           [[F((2, 3), 0.5, 2.0)]]),
    OpSpec("Tensor.float_power_", lambda lib, x, y: x.double().clone().float_power_(y),
           [[F((2, 3), 0.5, 2.0), F((3,), -1.0, 2.0)]]),
    OpSpec("Tensor.negative_", lambda lib, x: (x.clone().negative_(), x.clone().absolute_()),
           [[(2, 3)]], covers=("Tensor.absolute_",)),
    OpSpec("float_power-int", lambda lib, x, y: (lib.float_power(x, y),
                                                 lib.float_power(x, 2)),
           [[I((4,), 1, 4), I((4,), 0, 3)]], grad=False),
    OpSpec("lerp", lambda lib, x, y: (lib.lerp(x, y, 0.3), x.lerp(y, 0.8),
                                      lib.lerp(x, y, 1.0)),
           [[(3,), (3,)], [(2, 3), (3,)], [(), (2, 2)], [(0, 3), (3,)]],
           covers=("Tensor.lerp",)),
    OpSpec("lerp-tensor-weight", lambda lib, x, y, w: lib.lerp(x, y, w),
           [[(2, 3), (3,), F((2, 1), 0.0, 1.0)], [(4,), (4,), F((), -0.5, 1.5)],
            [(3,), (2, 3), F((3,), 0.0, 1.0)]]),
    OpSpec("Tensor.lerp_", lambda lib, x, y, w: x.clone().lerp_(y, w),
           [[(2, 3), (3,), F((3,), 0.0, 1.0)]]),
    # -- logaddexp, xlogy, copysign ---------------------------------------------------------
    OpSpec("logaddexp", lambda lib, x, y: lib.logaddexp(x, y), BINARY,
           covers=("Tensor.logaddexp",)),
    OpSpec("logaddexp2", lambda lib, x, y: lib.logaddexp2(x, y), BINARY,
           covers=("Tensor.logaddexp2",)),
    OpSpec("logaddexp-special", lambda lib, x, y: (lib.logaddexp(x, y), lib.logaddexp2(x, y)),
           [[NONFINITE, A([NAN, 1.0, INF, -INF, 800.0, -INF])]], grad=False),
    OpSpec("xlogy", lambda lib, x, y: lib.xlogy(x, y),
           [[(3,), F((3,), 0.1, 2.0)], [(2, 3), F((3,), 0.1, 2.0)], [(), F((2, 2), 0.1, 2.0)],
            [(0, 3), F((3,), 0.1, 2.0)]], covers=("Tensor.xlogy",)),
    OpSpec("xlogy-scalar", lambda lib, x, y: (lib.xlogy(x, 1.5), lib.xlogy(2.0, y),
                                              x.clone().xlogy_(y)),
           [[(2, 3), F((3,), 0.1, 2.0)]], covers=("Tensor.xlogy_",)),
    OpSpec("xlogy-zeros", lambda lib, x, y: lib.xlogy(x, y),
           [[F((4,), 0.0, 0.0), A([0.0, -1.0, 2.0, NAN])]], gradcheck=False),
    OpSpec("xlogy-int", lambda lib, x, y: lib.xlogy(x, y), [[I((4,), 0, 3), I((4,), 0, 3)]],
           grad=False),
    OpSpec("copysign", lambda lib, x, y: lib.copysign(x, y), BINARY,
           covers=("Tensor.copysign",)),
    OpSpec("copysign-scalar", lambda lib, x, y: (lib.copysign(x, -1.0), x.copysign(0.0),
                                                 x.clone().copysign_(y)),
           [[(2, 3), (3,)]], covers=("Tensor.copysign_",)),
    OpSpec("copysign-special", lambda lib, x, y: lib.copysign(x, y),
           [[F((3,), 0.0, 0.0), A([-1.0, -0.0, 2.0])], [I((3,), -2, 2), I((3,), -2, 2)]],
           gradcheck=False),
    # -- closeness and equality ------------------------------------------------------------
    OpSpec("isclose", lambda lib, x, y: (lib.isclose(x, y), x.isclose(y, rtol=0.1, atol=0.2),
                                         lib.isclose(x, y, equal_nan=True)),
           [[NONFINITE, A([1.5 + 1e-6, NAN, INF, INF, -0.45, 1e-9])], [(2, 3), (3,)],
            [I((4,), 0, 3), I((4,), 0, 3)]],
           grad=False, covers=("Tensor.isclose",)),
    OpSpec("allclose", lambda lib, x, y: (lib.allclose(x, y), x.allclose(x),
                                          lib.allclose(x, x + 1e-3, atol=1e-2),
                                          lib.allclose(y, y, equal_nan=True)),
           [[(2, 3), (3,)], [A([1.5, NAN, INF, -INF, -0.5, 1e-9]), NONFINITE]], grad=False,
           covers=("Tensor.allclose",)),
    OpSpec("equal", lambda lib, x, y: (lib.equal(x, y), lib.equal(x, x), x.equal(x.clone()),
                                       lib.equal(x, x[:1])),
           [[(2, 3), (2, 3)], [I((3,)), I((3,))], [NONFINITE, NONFINITE]], grad=False,
           covers=("Tensor.equal",)),
    OpSpec("Tensor.relu_", lambda lib, x: x.clone().relu_(), [[(2, 3)], [()]],
           gradgrad=False, covers=("relu_",)),
    # -- fused pointwise -------------------------------------------------------------------
    OpSpec("addcmul", lambda lib, x, a, b: (lib.addcmul(x, a, b), x.addcmul(a, b, value=0.5)),
           TERNARY, covers=("Tensor.addcmul",)),
    OpSpec("Tensor.addcmul_", lambda lib, x, a, b: x.clone().addcmul_(a, b, value=-2),
           [[(2, 3), (3,), (2, 1)]]),
    OpSpec("addcdiv", lambda lib, x, a, b: (lib.addcdiv(x, a, b), x.addcdiv(a, b, value=3)),
           [[(3,), (3,), F((3,), 0.5, 2)], [(2, 3), (3,), F((2, 1), -2, -0.5)],
            [(), (2, 2), F((), 0.5, 2)]], covers=("Tensor.addcdiv",)),
    OpSpec("Tensor.addcdiv_", lambda lib, x, a, b: x.clone().addcdiv_(a, b, value=0.1),
           [[(2, 3), (3,), F((2, 1), 0.5, 2)]]),
    # -- floating point and integers -------------------------------------------------------
    OpSpec("frexp", lambda lib, x: (lib.frexp(x), x.frexp())[0],
           [[(4,)], [(2, 3)], [()], [(0, 2)], [F((3,), 10, 1000)]], covers=("Tensor.frexp",)),
    OpSpec("ldexp", lambda lib, x, e: (lib.ldexp(x, e), x.ldexp(e)),
           [[(3,), I((3,), 0, 4)], [(2, 3), I((3,), 0, 5)], [(), I((2,), 0, 2)]],
           covers=("Tensor.ldexp",)),
    OpSpec("Tensor.ldexp_", lambda lib, x, e: x.clone().ldexp_(e), [[(2, 3), I((3,), 0, 3)]]),
    OpSpec("ldexp-int", lambda lib, x, e: lib.ldexp(x, e), [[I((3,), -3, 3), I((3,), 0, 3)]],
           grad=False),
    OpSpec("nextafter", lambda lib, x, y: (lib.nextafter(x, y), x.nextafter(y)),
           [[(3,), (3,)], [(2, 3), (3,)], [(), ()], [A([1.0, 2.0, 0.0]), A([2.0, 1.0, -1.0])]],
           grad=False, covers=("Tensor.nextafter", "Tensor.nextafter_")),
    OpSpec("gcd", lambda lib, x, y: (lib.gcd(x, y), x.gcd(y), x.clone().gcd_(y)),
           [[I((4,), -12, 30), I((4,), 0, 18)], [I((2, 3), 0, 20), I((3,), 1, 9)]],
           grad=False, covers=("Tensor.gcd", "Tensor.gcd_")),
    OpSpec("lcm", lambda lib, x, y: (lib.lcm(x, y), x.lcm(y), x.clone().lcm_(y)),
           [[I((4,), -12, 30), I((4,), 0, 18)], [I((2, 3), 0, 20), I((3,), 1, 9)],
            # products that overflow wrap before abs, as PyTorch's kernel
            [A(np.array([2 ** 63 - 1, -(2 ** 62), 5])), A(np.array([4, 6, 0]))],
            [A(np.array([120, -100, 7], np.int8)), A(np.array([7, 3, 9], np.int8))]],
           grad=False, covers=("Tensor.lcm", "Tensor.lcm_")),
    OpSpec("heaviside", lambda lib, x, v: (lib.heaviside(x, v), x.heaviside(v)),
           [[A([-1.0, 0.0, 2.0, 0.0, NAN]), A([0.5, 0.25, 0.5, 1.0, NAN])], [(2, 3), (3,)],
            [I((5,), -2, 3), I((5,), 5, 9)]], grad=False,
           covers=("Tensor.heaviside", "Tensor.heaviside_")),
    OpSpec("i0", lambda lib, x: (lib.i0(x), x.i0()),
           [[(4,)], [F((2, 3), -8, 8)], [()], [(0, 2)], [F((3,), -40, 40)]],
           covers=("Tensor.i0",)),
    OpSpec("i0-zero", lambda lib, x: lib.i0(x * 0), [[(3,)]]),
    OpSpec("Tensor.i0_", lambda lib, x: x.clone().i0_(), [[(2, 3)]]),
    OpSpec("i0-int", lambda lib, x: lib.i0(x), [[I((4,), -3, 3)]], grad=False),
    OpSpec("Tensor.renorm_", lambda lib, x: x.clone().renorm_(3, -1, 1.5), [[(3, 4)]]),
    OpSpec("Tensor.index_reduce_", lambda lib, x, s: x.clone().index_reduce_(
        1, lib.tensor([1, 1]), s, "mean"), [[(2, 3), (2, 2)]]),
    OpSpec("Tensor.fill_diagonal_", lambda lib, x: (x.clone().fill_diagonal_(2.5),
                                                    x.clone().fill_diagonal_(-1, wrap=True)),
           [[(3, 3)], [(7, 3)], [(2, 5)]]),
    # integers keep their other elements exactly (a float fill value made them float32)
    OpSpec("Tensor.fill_diagonal_-int", lambda lib, x: (
        lib.full((3, 3), 2 ** 31 - 1, dtype=lib.int32, device=x.device).fill_diagonal_(2.5),
        lib.full((2, 3), 2 ** 62 + 1, device=x.device).fill_diagonal_(-1.5),
        lib.zeros(2, 2, dtype=lib.uint8, device=x.device).fill_diagonal_(-1)),
           [[(1,)]], grad=False, dtypes=ONLY32),
    OpSpec("Tensor.fill_diagonal_-3d", lambda lib, x: x.clone().fill_diagonal_(0.0),
           [[(2, 2, 2)]]),
    # -- in-place comparisons, logic and products --------------------------------------------------
    OpSpec("Tensor.eq_", lambda lib, x, y: (x.clone().eq_(y), x.clone().ne_(y),
                                            x.clone().lt_(y), x.clone().le_(y),
                                            x.clone().gt_(y), x.clone().ge_(y)),
           [[I((2, 3), 0, 3), I((3,), 0, 3)], [A([1.0, 2.0, 3.0]), A([2.0, 2.0, 2.0])]],
           grad=False, covers=("Tensor.ne_", "Tensor.lt_", "Tensor.le_", "Tensor.gt_",
                               "Tensor.ge_")),
    OpSpec("Tensor.eq_-grad", lambda lib, x, y: x.clone().gt_(y) * x,
           [[(2, 3), F((3,), grad=False)]],
           gradcheck=False),
    OpSpec("Tensor.logical_and_", lambda lib, x, y: (
        x.clone().logical_and_(y), x.clone().logical_or_(y), x.clone().logical_xor_(y),
        x.clone().logical_not_()), [[B((2, 3)), B((3,))], [I((4,), 0, 3), I((4,), 0, 2)]],
           grad=False, covers=("Tensor.logical_or_", "Tensor.logical_xor_",
                               "Tensor.logical_not_")),
    OpSpec("Tensor.bitwise_and_", lambda lib, x, y: (
        x.clone().bitwise_and_(y), x.clone().bitwise_or_(y), x.clone().bitwise_xor_(y),
        x.clone().bitwise_not_(), x.clone().bitwise_left_shift_(y),
        x.clone().bitwise_right_shift_(y)), [[I((2, 3), 0, 9), I((3,), 0, 3)]], grad=False,
           covers=("Tensor.bitwise_or_", "Tensor.bitwise_xor_", "Tensor.bitwise_not_",
                   "Tensor.bitwise_left_shift_", "Tensor.bitwise_right_shift_")),
    OpSpec("Tensor.subtract_", lambda lib, x, y: (
        x.clone().subtract_(y, alpha=2), x.clone().multiply_(y), x.clone().divide_(y),
        x.clone().true_divide_(y)), [[(2, 3), F((3,), 0.5, 2)]],
           covers=("Tensor.multiply_", "Tensor.divide_", "Tensor.true_divide_")),
    OpSpec("Tensor.floor_divide_", lambda lib, x, y: x.clone().floor_divide_(y),
           [[I((2, 3), -5, 9), I((3,), 1, 3)]], grad=False),
    OpSpec("Tensor.cumsum_", lambda lib, x: (x.clone().cumsum_(1), x.clone().cumprod_(0)),
           [[(2, 3)], [(3, 4)]], covers=("Tensor.cumprod_",)),
    OpSpec("Tensor.addmm_", lambda lib, c, a, b: c.clone().addmm_(a, b, beta=0.5, alpha=2),
           [[(2, 4), (2, 3), (3, 4)]]),
    OpSpec("Tensor.addmv_", lambda lib, c, a, b: c.clone().addmv_(a, b, alpha=-1),
           [[(2,), (2, 3), (3,)]]),
    OpSpec("Tensor.addr_", lambda lib, c, a, b: c.clone().addr_(a, b, beta=2), [[(2, 3), (2,),
                                                                                 (3,)]]),
    OpSpec("Tensor.baddbmm_", lambda lib, c, a, b: (c.clone().baddbmm_(a, b),
                                                    c[0].clone().addbmm_(a, b, alpha=0.5)),
           [[(2, 2, 4), (2, 2, 3), (2, 3, 4)]], covers=("Tensor.addbmm_",)),
    OpSpec("rsub", lambda lib, x, y: (lib.rsub(x, y), lib.rsub(x, y, alpha=2),
                                      lib.rsub(x, 1.5)), BINARY),
    # -- torch.special (extra_special.py) --------------------------------------------------------
    OpSpec("ndtr", lambda lib, x: lib.special.ndtr(x), [[F((4,), -4, 4)], [()], [(0, 2)]]),
    OpSpec("log_ndtr", lambda lib, x: lib.special.log_ndtr(x),
           [[F((5,), -4, 4)], [F((2, 3), -30, -5)], [A([-50.0, -10.5, -9.5, 0.0, 20.0])]],
           gradcheck=False),
    OpSpec("log_ndtr-grad", lambda lib, x: lib.special.log_ndtr(x), [[F((4,), -3, 3)],
                                                                       [F((3,), -14, -11)]]),
    OpSpec("ndtri", lambda lib, x: lib.special.ndtri(x), [[F((4,), 0.05, 0.95)], [F((), 0.3, 0.7)]],
           atol=1e-3, rtol=1e-3),
    # the lower tail, where 2p - 1 rounds to -1 (was -inf below p ~ 1e-8 in float32)
    OpSpec("ndtri-tail", lambda lib, x: lib.special.ndtri(x),
           [[A([1e-38, 1e-30, 1e-20, 1e-10, 1e-5, 0.5, 0.0, 1.0, -0.1, 1.1, NAN])]],
           grad=False),
    OpSpec("entr", lambda lib, x: lib.special.entr(x),
           [[F((4,), 0.1, 3)], [A([-1.0, 0.0, 0.5])]], gradgrad=False),
    # at the edges: entr(nan) is nan; the gradient -(log x + 1) is inf at 0, nan below 0
    OpSpec("entr-special", lambda lib, x: lib.special.entr(
        x - x.detach() + lib.tensor([INF, -INF, NAN, 0.0, -0.0, -1.0, 1e-30, 2.0],
                                    dtype=x.dtype, device=x.device)),
           [[F((8,), 0.5, 1)]], gradcheck=False, gradgrad=False),
    OpSpec("xlog1py", lambda lib, x, y: lib.special.xlog1py(x, y),
           [[(3,), F((3,), -0.5, 2)], [(2, 3), F((3,), 0, 2)], [A([0.0, 1.0]), A([NAN, 0.5])]]),
    OpSpec("i0e", lambda lib, x: (lib.special.i0e(x), lib.special.i1(x), lib.special.i1e(x)),
           [[(4,)], [F((2, 3), -8, 8)], [()], [F((3,), -50, 50)]], covers=("i1", "i1e")),
    OpSpec("i0e-zero", lambda lib, x: (lib.special.i1(x * 0), lib.special.i1e(x * 0)), [[(2,)]]),
    OpSpec("angle", lambda lib, x: (lib.angle(x), x.angle()),
           [[(4,)], [()], [(0, 2)], [A([-1.0, 0.0, 2.0, NAN])]], covers=("Tensor.angle",),
           gradcheck=False),
    OpSpec("angle-int", lambda lib, x: lib.angle(x), [[I((4,), -2, 2)]], grad=False),
    OpSpec("Tensor.index_put_", lambda lib, x, v: x.clone().index_put_(
        (lib.tensor([0, 0, 2]),), v, accumulate=True), [[(5, 3), (3,)], [(5, 3), (3, 3)]]),
    OpSpec("Tensor.index_add_", lambda lib, x, i, s: x.clone().index_add_(0, i, s, alpha=2), [
        [(4, 3), I((6,), 0, 4), (6, 3)], [(4,), I((3,), 0, 4), (3,)]]),
    OpSpec("Tensor.index_copy_", _inplace_indexing("index_copy_"), [
        [(4, 3), C(1), A(np.array([2, 0])), (4, 2)]]),
    OpSpec("Tensor.index_fill_", _inplace_indexing("index_fill_"), [
        [(4, 3), C(1), A(np.array([2, 0])), ()], [(4, 3), C(0), A(np.array([1])), C(7.0)]]),
    OpSpec("Tensor.masked_fill_", _inplace_indexing("masked_fill_"), [
        [(3, 4), B((4,)), ()], [(3, 4), B((3, 4)), C(-3.0)]]),
    OpSpec("Tensor.masked_scatter_", _inplace_indexing("masked_scatter_"), [
        [(3, 4), B((4,)), (3, 4)]]),
    OpSpec("Tensor.put_", lambda lib, x, i, s: x.clone().put_(i, s, True), [
        [(3, 4), I((6,), 0, 12), (6,)]]),
    OpSpec("Tensor.scatter_", _inplace_indexing("scatter_"), [[(3, 4), C(1), PERM, (2, 4)]]),
    OpSpec("Tensor.scatter_add_", _inplace_indexing("scatter_add_"), [
        [(4, 3), C(0), I((5, 3), 0, 4), (5, 3)]]),
    OpSpec("Tensor.__pos__", lambda lib, x: +x, [[(2, 3)]]),
    # -- comparison (bool results, no gradient) ------------------------------------------
    *[OpSpec(name, fn, BIN + [[A(np.array([1.0, 2.0, 3.0])), A(np.array([1.0, 0.0, 3.0]))],
                              [I((2, 3), 0, 3), I((3,), 0, 3)], [I((3,), 0, 3), C(1)],
                              [(2, 3), C(0.5)], [B((3,)), B((3,))]],
             grad=False, covers=covers)
      for name, fn, covers in [
          ("eq", lambda lib, x, y: lib.eq(x, y), ("Tensor.__eq__",)),
          ("ne", lambda lib, x, y: lib.ne(x, y), ("Tensor.__ne__", "not_equal")),
          ("lt", lambda lib, x, y: lib.lt(x, y), ("Tensor.__lt__", "less")),
          ("le", lambda lib, x, y: lib.le(x, y), ("Tensor.__le__", "less_equal")),
          ("gt", lambda lib, x, y: lib.gt(x, y), ("Tensor.__gt__", "greater")),
          ("ge", lambda lib, x, y: lib.ge(x, y), ("Tensor.__ge__", "greater_equal")),
      ]],
    # -- bitwise (integer and bool tensors) ---------------------------------------------------
    *[OpSpec(name, fn, [[I((2, 3), -8, 8), I((3,), -8, 8)], [I((3,), 0, 9), C(5)],
                        [B((2, 3)), B((3,))], [I((0, 2)), I((2,))], [I(()), I((2,))]],
             grad=False, dtypes=ONLY32, covers=covers)
      for name, fn, covers in [
          ("bitwise_and", lambda lib, x, y: lib.bitwise_and(x, y), ("Tensor.__and__",)),
          ("bitwise_or", lambda lib, x, y: lib.bitwise_or(x, y), ("Tensor.__or__",)),
          ("bitwise_xor", lambda lib, x, y: lib.bitwise_xor(x, y), ("Tensor.__xor__",)),
      ]],
    *[OpSpec(name, fn, [[I((2, 3), -8, 8), I((3,), 0, 5)], [I((3,), -9, 9), C(2)],
                        [I((4,), -9, 9), A(np.array([0, 1, 63, 70]))], [B((3,)), I((3,), 0, 3)]],
             grad=False, dtypes=ONLY32, covers=covers)
      for name, fn, covers in [
          ("bitwise_left_shift", lambda lib, x, y: lib.bitwise_left_shift(x, y),
           ("Tensor.__lshift__",)),
          ("bitwise_right_shift", lambda lib, x, y: lib.bitwise_right_shift(x, y),
           ("Tensor.__rshift__",)),
      ]],
    # -- logical --------------------------------------------------------------------------
    *[OpSpec(name, fn, [[(2, 3), A(np.array([0.0, 1.0, -2.0]))], [B((2, 3)), B((3,))],
                        [I((3,), 0, 2), (3,)], [(), B((2,))]], grad=False)
      for name, fn in [
          ("logical_and", lambda lib, x, y: lib.logical_and(x, y)),
          ("logical_or", lambda lib, x, y: lib.logical_or(x, y)),
          ("logical_xor", lambda lib, x, y: lib.logical_xor(x, y)),
      ]],
    *[_int_input(n) for n in ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
                              "sqrt", "rsqrt", "reciprocal", "sin", "tanh", "sigmoid",
                              "erf", "erfc", "asinh")],
    OpSpec("trig-special", lambda lib, x: (lib.asin(x), lib.acos(x), lib.atanh(x),
                                           lib.acosh(x), lib.tanh(x), lib.sinh(x)),
           [[NONFINITE], [A([-1.0, 1.0, 1.5, -3.0, 50.0, -50.0])]], grad=False),
    OpSpec("gamma-special", lambda lib, x: (lib.lgamma(x), lib.digamma(x)),
           [[A([0.0, 1.0, 2.0, 0.5, 1e-8, 100.0, 1e5, INF, NAN])],
            [A([-1.0, -2.0, -0.5, -2.5, -INF])], [I((4,), 1, 5)]], grad=False),
    # -- in-place forms in a graph -------------------------------------------------------
    *[_inplace(n) for n in ("sigmoid", "tanh", "sin", "exp2", "floor", "round", "erf")],
    OpSpec("special-aliases", lambda lib, x: (
        lib.special.expit(x), lib.special.gammaln(x.abs() + 0.5), lib.special.psi(x.abs() + 1),
        lib.special.multigammaln(x.abs() + 2, 2), lib.special.softmax(x, 0),
        lib.special.log_softmax(x, -1), lib.special.i0(x)), [[(3,)], [(2, 3)]]),
]

# bfloat16 (PyTorch's CPU kernels compute it in float32 and round; so does npgrad)
with_bf16(SPECS, "add", "add-alpha", "mul", "div", "Tensor.__sub__", "pow", "pow-scalar", "exp",
          "log", "sqrt", "rsqrt", "tanh", "sigmoid", "where", "clamp", "maximum", "addcmul",
          "entr")
