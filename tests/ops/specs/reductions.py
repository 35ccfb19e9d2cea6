"""Specs: reductions (issue 3): sum, mean, prod, extremes, logic, var/std, logsumexp, norms,
scans, median.

``fixed(x, c)`` is ``x - x.detach() + c``: exactly the values ``c`` (zeros, ties, large
numbers) with the gradient flowing to ``x``. Finite differences cannot see through the detach,
so those specs compare with PyTorch only (``gradcheck=False``); tests/test_reductions.py
gradchecks zeros and ties directly.
"""
import math

import numpy as np

from ..harness import A, B, C, I, OpSpec

INF = math.inf

# (shape, dim, keepdim): every dim form, 0-d and empty
DIMS = [[(2, 3, 4), C(None), C(False)], [(2, 3, 4), C(1), C(False)],
        [(2, 3, 4), C(-1), C(True)], [(2, 3, 4), C((0, 2)), C(False)],
        [(2, 3, 4), C((-1, 0)), C(True)], [(2, 3), C(()), C(False)],
        [(), C(0), C(False)], [(), C(None), C(True)], [(0, 3), C(1), C(False)],
        [(0, 3), C(0), C(True)]]
# one int dim (the index-returning and scan ops), 0-d included
ONE_DIM = [[(3, 4), C(1), C(False)], [(2, 3, 4), C(-2), C(True)], [(5,), C(0), C(False)],
           [(), C(0), C(False)], [(), C(-1), C(True)], [(0, 3), C(1), C(False)]]
SCAN = [[(5,), C(0)], [(3, 4), C(1)], [(2, 3, 4), C(-3)], [(), C(0)], [(0, 3), C(0)]]

ZEROS_1D = [A([2.0, 0.0, 3.0, 0.5, 4.0]), A([2.0, 0.0, 3.0, 0.0, 4.0]), A([0.0, 0.0, 0.0]),
            A([0.0, 1.5, -2.0])]
ZEROS_2D = A([[2.0, 0.0, 3.0, 0.0], [1.0, 2.0, 0.0, 3.0], [1.0, 2.0, 3.0, 4.0],
              [0.0, 0.0, 0.0, 1.0]])
TIES = A([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [0.5, 0.5, 0.5]])


def fixed(x, c):
    """``c``'s values, ``x``'s gradient (see the module docstring)."""
    return x - x.detach() + c


def _fixed_cases(arrays):
    return [[np.asarray(a.array).shape, a] for a in arrays]


SPECS = [
    # -- sum and mean: every dim form -----------------------------------------------------
    OpSpec("sum-dims", lambda lib, x, d, k: x.sum(d, keepdim=k) if d is not None
           else x.sum(), DIMS, covers=("sum", "Tensor.sum")),
    OpSpec("sum-fn", lambda lib, x, d, k: lib.sum(x, d, k), DIMS[1:6]),
    OpSpec("sum-dtype", lambda lib, x: lib.sum(x, 1, dtype=lib.float64), [[(2, 3)]]),
    OpSpec("sum-int", lambda lib, x, d: lib.sum(x, d),
           [[I((2, 3)), C(None)], [I((2, 3)), C(1)], [B((2, 3)), C(0)]], grad=False),
    OpSpec("mean-dims", lambda lib, x, d, k: x.mean(d, keepdim=k) if d is not None
           else x.mean(), DIMS, covers=("mean", "Tensor.mean")),
    OpSpec("mean-fn", lambda lib, x, d, k: lib.mean(x, d, k), DIMS[1:6]),
    OpSpec("mean-dtype", lambda lib, x: lib.mean(x, (0, 1), dtype=lib.float64), [[(2, 3)]]),
    OpSpec("sum_to_size", lambda lib, x, s: x.sum_to_size(s),
           [[(2, 3, 4), C((3, 1))], [(2, 3), C((1, 3))], [(2, 3), C((2, 3))]],
           covers=("Tensor.sum_to_size",)),

    # -- prod -------------------------------------------------------------------------------
    OpSpec("prod", lambda lib, x: lib.prod(x), [[(2, 3)], [(4,)], [()], [(0, 3)]],
           covers=("Tensor.prod",)),
    OpSpec("prod-dim", lambda lib, x, d, k: x.prod(d, keepdim=k),
           [[(2, 3, 4), C(1), C(False)], [(2, 3), C(-1), C(True)], [(), C(0), C(True)],
            [(0, 3), C(1), C(False)], [(0, 3), C(0), C(False)]]),
    OpSpec("prod-zeros", lambda lib, x, c: fixed(x, c).prod(), _fixed_cases(ZEROS_1D)
           + [[(4, 4), ZEROS_2D]], gradcheck=False),
    OpSpec("prod-zeros-dim", lambda lib, x, c, d: fixed(x, c).prod(d),
           [[(4, 4), ZEROS_2D, C(1)], [(4, 4), ZEROS_2D, C(0)]], gradcheck=False),
    OpSpec("prod-int", lambda lib, x: x.prod(), [[I((2, 3), 1, 4)], [B((3,))]], grad=False),
    OpSpec("prod-dtype", lambda lib, x: x.prod(1, dtype=lib.float64), [[(2, 3)]]),

    # -- max, min, amax, amin, argmax, argmin ---------------------------------------------------
    OpSpec("max", lambda lib, x: lib.max(x), [[(2, 3)], [(5,)], [()]], covers=("Tensor.max",)),
    OpSpec("max-dim", lambda lib, x, d, k: lib.max(x, d, k), ONE_DIM),
    OpSpec("max-other", lambda lib, x, y: lib.max(x, y), [[(2, 3), (3,)], [(4,), ()]]),
    OpSpec("max-ties", lambda lib, x, c: fixed(x, c).max(), [[(3, 3), TIES]], gradcheck=False),
    OpSpec("max-dim-ties", lambda lib, x, c: fixed(x, c).max(1), [[(3, 3), TIES]],
           gradcheck=False),
    OpSpec("max-int", lambda lib, x: (x.max(), *x.max(0)), [[I((3, 4))], [B((3, 2))]],
           grad=False),
    OpSpec("min", lambda lib, x: lib.min(x), [[(2, 3)], [(5,)], [()]], covers=("Tensor.min",)),
    OpSpec("min-dim", lambda lib, x, d, k: x.min(dim=d, keepdim=k), ONE_DIM),
    OpSpec("min-other", lambda lib, x, y: lib.min(x, y), [[(2, 3), (3,)]]),
    OpSpec("min-ties", lambda lib, x, c: (fixed(x, c).min(), *fixed(x, c).min(0)),
           [[(3, 3), TIES]], gradcheck=False),
    OpSpec("amax", lambda lib, x, d, k: lib.amax(x, () if d is None else d, k),
           [c for c in DIMS if c[0] != (0, 3)] + [[(0, 3), C(1), C(False)]],
           covers=("Tensor.amax",)),
    OpSpec("amax-ties", lambda lib, x, c, d: fixed(x, c).amax(d),
           [[(3, 3), TIES, C(1)], [(3, 3), TIES, C((0, 1))], [(3, 3), TIES, C(())]],
           gradcheck=False),
    OpSpec("amin", lambda lib, x, d, k: x.amin(() if d is None else d, keepdim=k),
           [c for c in DIMS if c[0] != (0, 3)], covers=("Tensor.amin",)),
    OpSpec("amin-ties", lambda lib, x, c: fixed(x, c).amin(0), [[(3, 3), TIES]],
           gradcheck=False),
    OpSpec("argmax", lambda lib, x, d, k: lib.argmax(x, d, k),
           [[(3, 4), C(None), C(False)], [(3, 4), C(None), C(True)]] + ONE_DIM,
           covers=("Tensor.argmax",), grad=False),
    OpSpec("argmax-ties", lambda lib, x: (x.argmax(), x.argmax(1)), [[TIES], [I((3, 4), 0, 2)]],
           grad=False),
    OpSpec("argmin", lambda lib, x, d, k: x.argmin(d, keepdim=k),
           [[(3, 4), C(None), C(False)]] + ONE_DIM, covers=("Tensor.argmin",), grad=False),

    # -- logic -------------------------------------------------------------------------------
    OpSpec("all", lambda lib, x, d, k: lib.all(x, d, k) if d is not None else lib.all(x),
           [[B((2, 3)), C(None), C(False)], [B((2, 3)), C(1), C(True)],
            [I((2, 3), 0, 2), C(0), C(False)], [(2, 3), C((0, 1)), C(False)],
            [A(np.array([[1, 0], [2, 3]], np.uint8)), C(1), C(False)],
            [B(()), C(None), C(False)], [B((0, 3)), C(0), C(False)]],
           covers=("Tensor.all",), grad=False),
    OpSpec("any", lambda lib, x, d, k: x.any(d, keepdim=k) if d is not None else x.any(),
           [[B((2, 3)), C(None), C(False)], [B((2, 3)), C(-1), C(True)],
            [I((2, 3), 0, 2), C((0, 1)), C(False)], [(2, 3), C(0), C(False)],
            [A(np.array([0, 0, 4], np.uint8)), C(None), C(False)],
            [B((0, 3)), C(1), C(False)]], covers=("Tensor.any",), grad=False),
    OpSpec("count_nonzero", lambda lib, x, d: lib.count_nonzero(x, d),
           [[I((3, 4), 0, 2), C(None)], [I((3, 4), 0, 2), C(1)], [B((2, 3, 2)), C((0, 2))],
            [(2, 3), C(-1)], [I((), 0, 2), C(None)], [B((0, 3)), C(0)]],
           covers=("Tensor.count_nonzero",), grad=False),

    # -- var, std ----------------------------------------------------------------------------
    OpSpec("var", lambda lib, x, d, k: lib.var(x, d, keepdim=k),
           [c for c in DIMS if c[0] == (2, 3, 4)], covers=("Tensor.var",)),
    OpSpec("var-correction", lambda lib, x, kw: x.var(**kw),
           [[(3, 4), C({"correction": 0})], [(3, 4), C({"dim": 1, "correction": 2})],
            [(3, 4), C({"dim": 0, "unbiased": False})], [(3, 4), C({"correction": 0.5})],
            [(), C({"correction": 0})]]),
    OpSpec("var-positional", lambda lib, x: (lib.var(x, False), lib.var(x, 1, True, True)),
           [[(3, 4)]]),
    OpSpec("std", lambda lib, x, d, k: x.std(d, keepdim=k),
           [c for c in DIMS if c[0] == (2, 3, 4)], covers=("Tensor.std",)),
    OpSpec("std-correction", lambda lib, x, kw: lib.std(x, **kw),
           [[(3, 4), C({"correction": 0})], [(3, 4), C({"dim": (0, 1), "unbiased": False})],
            [(5,), C({"dim": 0, "correction": 2, "keepdim": True})]]),
    OpSpec("std-zero", lambda lib, x, c: (fixed(x, c).std(), fixed(x, c).std(1)),
           [[(2, 3), A([[1.5, 1.5, 1.5], [0.0, 0.0, 0.0]])]], gradcheck=False),
    OpSpec("var_mean", lambda lib, x, d, k: lib.var_mean(x, d, keepdim=k),
           [[(2, 3, 4), C(None), C(False)], [(2, 3, 4), C((0, -1)), C(True)],
            [(3, 4), C(1), C(False)]]),
    OpSpec("std_mean", lambda lib, x, d: lib.std_mean(x, d, correction=0),
           [[(2, 3, 4), C(None)], [(3, 4), C(0)], [(3, 4), C((0, 1))]]),

    # -- logsumexp ---------------------------------------------------------------------------
    OpSpec("logsumexp", lambda lib, x, d, k: lib.logsumexp(x, d, k),
           [c for c in DIMS if c[1].value is not None and c[1].value != ()],
           covers=("Tensor.logsumexp",)),
    OpSpec("logsumexp-large", lambda lib, x, c, d: fixed(x, c).logsumexp(d),
           [[(2,), A([1000.0, 1000.0]), C(0)], [(2, 3), A([[-1e4, 1e4, 1e4], [-50.0, 0.0, 60.0]]),
                                                C(1)],
            [(3,), A([-INF, 0.0, 1.0]), C(0)]], gradcheck=False),
    OpSpec("logsumexp-int", lambda lib, x: lib.logsumexp(x, 1), [[I((2, 3))]], grad=False),

    # -- norms ---------------------------------------------------------------------------------
    OpSpec("norm", lambda lib, x, p, d, k: x.norm(p, d, k),
           [[(3, 4), C("fro"), C(None), C(False)], [(3, 4), C(1), C(1), C(False)],
            [(2, 3, 4), C(3), C((0, 2)), C(True)], [(3, 4), C(INF), C(None), C(False)],
            [(3, 4), C("fro"), C((0, 1)), C(False)], [(), C(2), C(None), C(False)],
            [(0, 3), C(2), C(None), C(False)]], covers=("Tensor.norm",)),
    OpSpec("norm-nuc", lambda lib, x: lib.norm(x, "nuc"), [[(3, 4)]], gradgrad=False),
    OpSpec("linalg.vector_norm", lambda lib, x, o, d, k: lib.linalg.vector_norm(x, o, d, k),
           [[(3, 4), C(2), C(None), C(False)], [(3, 4), C(1), C(1), C(False)],
            [(3, 4), C(3.5), C(-1), C(True)], [(3, 4), C(0.5), C((0, 1)), C(False)],
            [(2, 3, 4), C(INF), C((0, 2)), C(False)], [(3, 4), C(-INF), C(0), C(False)],
            [(3, 4), C(0), C(None), C(False)], [(3, 4), C(-1.5), C(1), C(False)],
            [(3, 4), C(1.5), C(()), C(False)], [(), C(2), C(None), C(False)],
            [(0, 3), C(2), C(1), C(False)]]),
    OpSpec("linalg.vector_norm-zero", lambda lib, x, c, o: lib.linalg.vector_norm(fixed(x, c), o),
           [[(3,), A([0.0, 0.0, 0.0]), C(o)] for o in (2, 1, 3, 0.5, 1.5, INF, -1)]
           + [[(3,), A([0.0, 1.0, -2.0]), C(o)] for o in (0.5, 1.5, 3, -1, INF)],
           gradcheck=False),
    OpSpec("linalg.vector_norm-ties", lambda lib, x, c: lib.linalg.vector_norm(fixed(x, c), INF),
           [[(3,), A([2.0, -2.0, 1.0])]], gradcheck=False),
    OpSpec("linalg.vector_norm-dtype",
           lambda lib, x: lib.linalg.vector_norm(x, dtype=lib.float64), [[(3, 4)]]),
    OpSpec("linalg.matrix_norm", lambda lib, x, o, k: lib.linalg.matrix_norm(x, o, keepdim=k),
           [[(3, 4), C("fro"), C(False)], [(3, 4), C(1), C(False)], [(2, 3, 4), C(-1), C(True)],
            [(3, 4), C(INF), C(False)], [(2, 3, 4), C(-INF), C(False)]]),
    OpSpec("linalg.matrix_norm-dim", lambda lib, x: lib.linalg.matrix_norm(x, 1, dim=(2, 0)),
           [[(3, 2, 4)]]),
    # NOTE: first-order only (the singular vectors are constants in backward)
    OpSpec("linalg.matrix_norm-svd", lambda lib, x, o, k: lib.linalg.matrix_norm(x, o, keepdim=k),
           [[(3, 4), C("nuc"), C(False)], [(2, 3, 3), C(2), C(True)], [(4, 3), C(-2), C(False)]],
           gradgrad=False),
    OpSpec("linalg.norm", lambda lib, x, o, d: lib.linalg.norm(x, o, d),
           [[(3, 4), C(None), C(None)], [(3, 4), C(1), C(None)], [(4,), C(3), C(None)],
            [(2, 3, 4), C(None), C(1)], [(2, 3, 4), C(INF), C((0, 2))],
            [(3, 4), C("fro"), C(None)]]),

    # -- scans ---------------------------------------------------------------------------------
    OpSpec("cumsum", lambda lib, x, d: lib.cumsum(x, d), SCAN, covers=("Tensor.cumsum",)),
    OpSpec("cumsum-int", lambda lib, x: (x.cumsum(0), x.cumsum(1, dtype=lib.int32)),
           [[I((2, 3))], [B((2, 3))]], grad=False),
    OpSpec("cumsum-dtype", lambda lib, x: x.cumsum(1, dtype=lib.float64), [[(2, 3)]]),
    OpSpec("cumprod", lambda lib, x, d: x.cumprod(d), SCAN, covers=("Tensor.cumprod",)),
    OpSpec("cumprod-zeros", lambda lib, x, c, d: lib.cumprod(fixed(x, c), d),
           [[(4, 4), ZEROS_2D, C(1)], [(4, 4), ZEROS_2D, C(0)]]
           + [c + [C(0)] for c in _fixed_cases(ZEROS_1D)], gradcheck=False),
    OpSpec("cumprod-int", lambda lib, x: x.cumprod(0), [[I((3, 2), 1, 4)]], grad=False),
    OpSpec("cummax", lambda lib, x, d: lib.cummax(x, d), SCAN, covers=("Tensor.cummax",)),
    OpSpec("cummax-ties", lambda lib, x, c: (*fixed(x, c).cummax(1), *fixed(x, c).cummax(0)),
           [[(3, 3), TIES]], gradcheck=False),
    OpSpec("cummax-int", lambda lib, x: x.cummax(1), [[I((3, 4), 0, 3)], [B((2, 4))]],
           grad=False),
    OpSpec("cummin", lambda lib, x, d: x.cummin(d), SCAN, covers=("Tensor.cummin",)),
    OpSpec("cummin-ties", lambda lib, x, c: lib.cummin(fixed(x, c), 1), [[(3, 3), TIES]],
           gradcheck=False),

    # -- median ---------------------------------------------------------------------------------
    OpSpec("median", lambda lib, x: lib.median(x), [[(5,)], [(2, 3)], [(4,)], [()], [(0, 3)]],
           covers=("Tensor.median",)),
    OpSpec("median-dim", lambda lib, x, d, k: x.median(d, keepdim=k), ONE_DIM),
    OpSpec("median-ties", lambda lib, x, c: fixed(x, c).median(), [[(3, 3), TIES]],
           gradcheck=False),
    OpSpec("median-int", lambda lib, x: (x.median(), *x.median(1)), [[I((3, 5), 0, 10)]],
           grad=False),
]
