"""Specs: elementwise math (issue 3): unary functions, rounding, clamping, binary math."""
import math

from ..harness import A, B, C, F, I, OpSpec

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

SPECS = [
    # -- sign and magnitude --------------------------------------------------------------
    _unary("neg", covers=("negative", "Tensor.negative", "Tensor.__neg__")),
    _unary("abs", covers=("absolute", "Tensor.absolute", "Tensor.__abs__")),
    OpSpec("abs-zero", lambda lib, x: lib.abs(x), [[F((3,), 0.0, 0.0)]],  # abs'(0) = 0
           gradgrad=False),
    OpSpec("clamp-at-bounds", lambda lib, x, y: (lib.clamp(x, -0.5, 0.5), lib.clamp(y, -0.5, 0.5)),
           [[F((3,), 0.5, 0.5), F((3,), -0.5, -0.5)]], gradcheck=False),  # bounds inclusive
    _unary("sign"),
    _unary("square"),
    _unary("reciprocal", 0.3, 2.0),
    OpSpec("reciprocal-neg", lambda lib, x: lib.reciprocal(x), [[F((2, 3), -2.0, -0.3)]]),
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
    *[_int_input(n) for n in ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
                              "sqrt", "rsqrt", "reciprocal", "sin", "tanh", "sigmoid",
                              "erf", "erfc", "asinh")],
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
    OpSpec("trig-special", lambda lib, x: (lib.asin(x), lib.acos(x), lib.atanh(x),
                                           lib.acosh(x), lib.tanh(x), lib.sinh(x)),
           [[NONFINITE], [A([-1.0, 1.0, 1.5, -3.0, 50.0, -50.0])]], grad=False),
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
            [F((2, 3)), F((2, 3), -1.0, 0.5), F((3,), -0.5, 1.0)]]),  # some min > max
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
    # -- in-place forms in a graph -------------------------------------------------------
    *[_inplace(n) for n in ("sigmoid", "tanh", "sin", "exp2", "floor", "round", "erf")],
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
]
