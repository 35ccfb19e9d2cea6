"""Specs: elementwise math (issue 3): unary functions, rounding, clamping, binary math."""
from ..harness import A, C, F, I, OpSpec

BINARY = [[(3,), (3,)], [(2, 3), (3,)], [(2, 1, 4), (3, 1)], [(), (2, 2)], [(0, 3), (3,)]]
# ties (equal values) exercise the kinks of maximum/minimum and friends
TIES = [[A([1.0, 2.0, 3.0, -1.0]), A([1.0, 0.5, 3.0, 2.0])]]

SPECS = [
    OpSpec("maximum", lambda lib, x, y: lib.maximum(x, y), BINARY, covers=("Tensor.maximum",)),
    OpSpec("minimum", lambda lib, x, y: lib.minimum(x, y), BINARY, covers=("Tensor.minimum",)),
    OpSpec("fmax", lambda lib, x, y: lib.fmax(x, y), BINARY, covers=("Tensor.fmax",)),
    OpSpec("fmin", lambda lib, x, y: lib.fmin(x, y), BINARY, covers=("Tensor.fmin",)),
]
