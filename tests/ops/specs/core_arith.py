"""Specs: arithmetic operators (issue 2)."""
from ..harness import F, I, C, OpSpec

BINARY_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 1, 4), (3, 1)), ((), (2, 2)), ((0, 3), (3,))]

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
    OpSpec("sum", lambda lib, x: x.sum(), [[(2, 3)], [()], [(0, 2)]]),
    OpSpec("sum_dim", lambda lib, x, d, k: x.sum(d, keepdim=k),
           [[(2, 3, 4), C(1), C(False)], [(2, 3, 4), C((0, -1)), C(True)]]),
    OpSpec("Tensor.__add__-int", lambda lib, x, y: x + y, [[I((3,)), I((2, 3))]], grad=False),
]
