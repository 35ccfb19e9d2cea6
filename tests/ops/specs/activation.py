"""Specs: activation functions of nn.functional (issue 4)."""
from ..harness import C, F, OpSpec

SHAPES = [[(3, 4)], [(2, 3, 5)], [()], [(0, 3)]]
SMALL = [[(3, 4)], [(2, 3, 2)], [()]]


def fn(name, *args, **kw):
    return lambda lib, x: getattr(lib.nn.functional, name)(x, *args, **kw)


SPECS = [
    OpSpec("nn.functional.relu", fn("relu"), SHAPES),
    OpSpec("nn.functional.relu6", lambda lib, x: lib.nn.functional.relu6(x * 4), SHAPES),
    OpSpec("nn.functional.leaky_relu", fn("leaky_relu", 0.2), SHAPES),
    OpSpec("nn.functional.prelu", lambda lib, x, w: lib.nn.functional.prelu(x, w),
           [[(2, 3, 4), F((3,), 0.1, 0.5)], [(3, 4), F((1,), 0.1, 0.5)]]),
    OpSpec("nn.functional.elu", fn("elu", 0.7), SHAPES),
    OpSpec("nn.functional.selu", fn("selu"), SHAPES),
    OpSpec("nn.functional.celu", fn("celu", 1.3), SHAPES),
    OpSpec("nn.functional.gelu", fn("gelu"), SHAPES),
    OpSpec("nn.functional.gelu-tanh", fn("gelu", approximate="tanh"), SHAPES),
    OpSpec("nn.functional.silu", fn("silu"), SHAPES),
    OpSpec("nn.functional.mish", fn("mish"), SHAPES),
    OpSpec("nn.functional.hardtanh", fn("hardtanh", -0.5, 0.8), SHAPES),
    OpSpec("nn.functional.hardswish", lambda lib, x: lib.nn.functional.hardswish(x * 3),
           SHAPES),
    OpSpec("nn.functional.hardsigmoid", lambda lib, x: lib.nn.functional.hardsigmoid(x * 3),
           SHAPES),
    OpSpec("nn.functional.softplus", fn("softplus"), SHAPES),
    OpSpec("nn.functional.softplus-beta", lambda lib, x: lib.nn.functional.softplus(
        x * 10, beta=2, threshold=5), SMALL),
    OpSpec("nn.functional.softsign", fn("softsign"), SHAPES),
    OpSpec("nn.functional.logsigmoid", lambda lib, x: lib.nn.functional.logsigmoid(x * 30),
           SMALL),
    OpSpec("nn.functional.tanhshrink", fn("tanhshrink"), SHAPES),
    OpSpec("nn.functional.softshrink", fn("softshrink", 0.3), SHAPES, gradgrad=False),
    OpSpec("nn.functional.hardshrink", fn("hardshrink", 0.3), SHAPES, gradgrad=False),
    OpSpec("nn.functional.threshold", fn("threshold", 0.1, -2.0), SHAPES),
    OpSpec("nn.functional.rrelu", fn("rrelu"), SHAPES),
    OpSpec("nn.functional.glu", lambda lib, x, d: lib.nn.functional.glu(x, d),
           [[(4, 6), C(-1)], [(4, 3), C(0)]]),
    OpSpec("nn.functional.softmax", lambda lib, x, d: lib.nn.functional.softmax(x, dim=d),
           [[(3, 4), C(1)], [(2, 3, 4), C(0)], [(5,), C(-1)], [(0, 3), C(1)]]),
    OpSpec("nn.functional.softmax-large", lambda lib, x: lib.nn.functional.softmax(
        x * 1000, dim=-1), [[(2, 5)]], gradcheck=False),
    OpSpec("nn.functional.log_softmax", lambda lib, x, d: lib.nn.functional.log_softmax(
        x, dim=d), [[(3, 4), C(1)], [(2, 3, 4), C(-1)], [(5,), C(0)]]),
    OpSpec("nn.functional.log_softmax-large", lambda lib, x: lib.nn.functional.log_softmax(
        x * 1000, dim=-1), [[(2, 5)]], gradcheck=False),
    OpSpec("nn.functional.softmin", lambda lib, x: lib.nn.functional.softmin(x, dim=1),
           [[(3, 4)]]),
]
