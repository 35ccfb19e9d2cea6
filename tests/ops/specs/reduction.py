"""Specs: reductions (``npgrad/ops/reduction/``): sums and extremes, statistics, scans and
histograms.

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import math

import numpy as np

from ..harness import WITH_BF16, A, B, C, F, I, OpSpec, with_bf16

NAN = math.nan


WITH_NAN = A([[1.0, NAN, 3.0, -2.0], [NAN, NAN, NAN, NAN], [0.5, 2.0, -1.0, 4.0]])


# (PyTorch's nanmean gradient on an all-nan slice is nan, its nanmedian index there arbitrary)
SOME_NAN = A([[1.0, NAN, 3.0, -2.0], [NAN, 7.0, NAN, NAN], [0.5, 2.0, -1.0, 4.0]])


def withnan(x, c):
    return x - x.detach() + c


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
    OpSpec("sum", lambda lib, x: x.sum(), [[(2, 3)], [()], [(0, 2)]]),
    # -- nan-aware reductions ----------------------------------------------------------------
    OpSpec("nansum", lambda lib, x: (lib.nansum(x), x.nansum(1), x.nansum((0, 1), True)),
           [[(2, 3)], [(2, 3, 4)], [(0, 3)]], covers=("Tensor.nansum",)),
    OpSpec("nansum-nan", lambda lib, x: (withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype, device=x.device))
                                         .nansum(1)), [[(3, 4)]], gradcheck=False),
    OpSpec("nansum-int", lambda lib, x: lib.nansum(x, 0), [[I((3, 2))]], grad=False),
    OpSpec("nanmean", lambda lib, x: (lib.nanmean(x), x.nanmean(0), x.nanmean(-1, True)),
           [[(2, 3)], [(2, 3, 4)], [()]], covers=("Tensor.nanmean",)),
    OpSpec("nanmean-nan", lambda lib, x: withnan(x, lib.tensor(SOME_NAN.array, dtype=x.dtype, device=x.device))
           .nanmean(1), [[(3, 4)]], gradcheck=False),
    OpSpec("nanmedian", lambda lib, x: (lib.nanmedian(x), *x.nanmedian(1), *x.nanmedian(0, True)),
           [[(3, 4)], [(2, 5)], [(1, 1)]], covers=("Tensor.nanmedian",), tie_breaking=True),
    OpSpec("nanmedian-nan",
           lambda lib, x: (*withnan(x, lib.tensor(SOME_NAN.array, dtype=x.dtype, device=x.device)).nanmedian(1),
                           withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype, device=x.device)).nanmedian()),
           [[(3, 4)]], gradcheck=False, tie_breaking=True),
    OpSpec("aminmax", lambda lib, x: (*lib.aminmax(x), *x.aminmax(dim=1),
                                      *x.aminmax(dim=0, keepdim=True)),
           [[(2, 3)], [(3, 4)]], covers=("Tensor.aminmax",)),
    OpSpec("aminmax-0d", lambda lib, x: lib.aminmax(x), [[()]]),
    OpSpec("quantile", lambda lib, x: (lib.quantile(x, 0.3), x.quantile(0.5, dim=1),
                                       x.quantile(lib.tensor([0.0, 0.25, 1.0], dtype=x.dtype, device=x.device),
                                                  dim=0, keepdim=True)),
           [[(3, 4)], [(5, 2)]], covers=("Tensor.quantile",)),
    OpSpec("quantile-interpolation",
           lambda lib, x: tuple(lib.quantile(x, 0.4, dim=-1, interpolation=m)
                                for m in ("lower", "higher", "midpoint", "nearest")),
           [[(2, 6)], [(3, 5)]]),
    OpSpec("quantile-nan", lambda lib, x: lib.quantile(
        withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype, device=x.device)), 0.6, dim=1), [[(3, 4)]],
           gradcheck=False),
    OpSpec("nanquantile", lambda lib, x: (lib.nanquantile(x, 0.3), x.nanquantile(0.7, 1)),
           [[(3, 4)], [(2, 5)]], covers=("Tensor.nanquantile",)),
    OpSpec("nanquantile-nan", lambda lib, x: lib.nanquantile(
        withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype, device=x.device)),
        lib.tensor([0.2, 0.5], dtype=x.dtype, device=x.device), dim=1), [[(3, 4)]], gradcheck=False),
    OpSpec("mode", lambda lib, x: (*lib.mode(x), *x.mode(0, True)),
           [[A([[1.0, 2.0, 2.0, 3.0, 3.0, 1.0], [5.0, 5.0, 4.0, 4.0, 0.0, 0.0]])],
            [A([[2.0, 2.0, 1.0], [7.0, -1.0, 7.0], [0.5, 0.25, 0.25]])], [A([3.0])]],
           grad=False, covers=("Tensor.mode",)),
    OpSpec("mode-grad", lambda lib, x: lib.mode(withnan(x, lib.tensor(
        [[1.0, 2.0, 2.0, 3.0], [4.0, 4.0, 4.0, 0.0]], dtype=x.dtype, device=x.device)), 1),
           [[(2, 4)]], gradcheck=False),
    OpSpec("mode-int", lambda lib, x: lib.mode(x, 1), [[I((3, 7), 0, 3)]], grad=False),
    # -- scans and differences -----------------------------------------------------------------
    OpSpec("diff", lambda lib, x: (lib.diff(x), x.diff(2, 0)),
           [[(4, 5)], [(3, 2)], [(0, 3)]], covers=("Tensor.diff",)),
    OpSpec("diff-prepend", lambda lib, x, p, a: lib.diff(x, 1, 1, prepend=p, append=a),
           [[(2, 3), (2, 1), (2, 2)]]),
    OpSpec("diff-bool", lambda lib, x: lib.diff(x), [[B((6,))], [I((2, 4))]], grad=False),
    OpSpec("logcumsumexp", lambda lib, x: (lib.logcumsumexp(x, 0), x.logcumsumexp(-1)),
           [[(4,)], [(3, 4)], [()], [(0, 3)]], covers=("Tensor.logcumsumexp",)),
    OpSpec("logcumsumexp-wide", lambda lib, x: lib.logcumsumexp(x, 1),
           [[F((2, 6), -60, 60)]], gradcheck=False),
    # -- statistics ------------------------------------------------------------------------------
    OpSpec("cov", lambda lib, x: (lib.cov(x), x.cov(correction=0)),
           [[(3, 5)], [(5,)], [(1, 4)]], covers=("Tensor.cov",)),
    OpSpec("cov-weights", lambda lib, x, w: (
        lib.cov(x, fweights=lib.tensor([1, 2, 1, 3], device=x.device)),
        lib.cov(x, aweights=w),
        lib.cov(x, fweights=lib.tensor([2, 1, 1, 1], device=x.device), aweights=w,
                correction=2)),
           [[(3, 4), F((4,), 0.5, 2)]]),
    OpSpec("corrcoef", lambda lib, x: (lib.corrcoef(x), x.corrcoef()), [[(3, 5)], [(2, 4)]],
           covers=("Tensor.corrcoef",)),
    OpSpec("bincount", lambda lib, x, w: (lib.bincount(x), x.bincount(w),
                                          lib.bincount(x, minlength=10)),
           [[I((8,), 0, 6), (8,)], [I((0,)), (0,)]], grad=False, covers=("Tensor.bincount",)),
    OpSpec("histc", lambda lib, x: (lib.histc(x, 5), x.histc(4, -1, 1), lib.histc(x, 3, 0, 0)),
           [[(20,)], [(3, 4)], [A([1.0, 1.0, 1.0])]], grad=False, covers=("Tensor.histc",)),
    # -- integration ------------------------------------------------------------------------------
    OpSpec("trapezoid", lambda lib, y, x: (lib.trapezoid(y), lib.trapezoid(y, x, dim=1),
                                           lib.trapezoid(y, dx=0.5, dim=0)),
           [[(3, 4), (4,)], [(2, 5), (2, 5)]], covers=("trapz",)),
    OpSpec("cumulative_trapezoid", lambda lib, y, x: (lib.cumulative_trapezoid(y),
                                                      lib.cumulative_trapezoid(y, x),
                                                      lib.cumulative_trapezoid(y, dx=2, dim=0)),
           [[(3, 4), (4,)], [(2, 5), (2, 5)]]),
    OpSpec("histogram", lambda lib, x, w: (*lib.histogram(x, 4), *x.histogram(
        lib.tensor([-2.0, -0.5, 0.0, 3.0], dtype=x.dtype, device=x.device)), *lib.histogram(
        x, 3, range=(-1.0, 1.0), weight=w, density=True)),
           [[(12,), F((12,), 0, 1, grad=False)], [(3, 4), F((3, 4), 0, 1, grad=False)]],
           grad=False, covers=("Tensor.histogram",)),
    OpSpec("histogram-constant", lambda lib, x: tuple(lib.histogram(x * 0 + 1, 3)), [[(4,)]],
           grad=False),
    # bin edges bit-equal to PyTorch's (its linspace), points on the edges binned as PyTorch
    OpSpec("histogramdd", lambda lib, x, w: (
        *lib.histogramdd(x, 3)[:1], *lib.histogramdd(x, 3)[1],
        *lib.histogramdd(x, [2, 4], weight=w, density=True)[:1],
        *lib.histogramdd(x, (2, 3), range=[-1.0, 1.0, 0.0, 0.5])[:1],
        *lib.histogramdd(x, [lib.tensor([-2.0, 0.0, 0.5, 2.0], dtype=x.dtype, device=x.device),
                             lib.tensor([-1.0, 1.0], dtype=x.dtype, device=x.device)])[:1]),
           [[(6, 2), F((6,), 0, 1, grad=False)], [(2, 3, 2), F((2, 3), 0, 1, grad=False)],
            [A([[0.0, 0.5], [-0.5, 1.0], [1.0, 0.0], [0.5, 0.5]]), A([1.0, 2.0, 3.0, 4.0])],
            [(0, 2), F((0,), 0, 1, grad=False)]], grad=False),
    OpSpec("histogramdd-3d", lambda lib, x: tuple(lib.histogramdd(x * 0 + 1, bins=2)[0:1])
           + tuple(lib.histogramdd(x, bins=[1, 2, 3])[1]), [[(5, 3)]], grad=False),
    OpSpec("gradient", lambda lib, f: (
        *lib.gradient(f), *lib.gradient(f, spacing=2.0, edge_order=2),
        *lib.gradient(f, spacing=[0.5], dim=-1), *lib.gradient(f, spacing=(lib.tensor(
            [0.0, 1.0, 3.0, 4.5], dtype=f.dtype, device=f.device),), dim=1, edge_order=2)),
           [[(3, 4)], [(4, 4)]], max_gradcheck_numel=12),
    OpSpec("gradient-1d", lambda lib, f: lib.gradient(f, spacing=(lib.tensor(
        [0.0, 0.5, 2.0], dtype=f.dtype, device=f.device),)), [[(3,)]]),
    OpSpec("gradient-int", lambda lib, f: lib.gradient(f), [[I((5,), 0, 9)]], grad=False),
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
           covers=("Tensor.median",), tie_breaking=True),
    OpSpec("median-dim", lambda lib, x, d, k: x.median(d, keepdim=k), ONE_DIM, tie_breaking=True),
    OpSpec("median-ties", lambda lib, x, c: fixed(x, c).median(), [[(3, 3), TIES]],
           gradcheck=False),
    OpSpec("median-int", lambda lib, x: (x.median(), *x.median(1)), [[I((3, 5), 0, 10)]],
           grad=False),
    OpSpec("sum_dim", lambda lib, x, d, k: x.sum(d, keepdim=k),
           [[(2, 3, 4), C(1), C(False)], [(2, 3, 4), C((0, -1)), C(True)]]),
]

with_bf16(SPECS, "sum", "sum-dims", "mean-dims", "max", "max-dim", "amax", "var", "logsumexp",
          "cumsum")  # (sums accumulate in float32, as PyTorch's)

# hash_tensor: the XOR of each element's 64-bit pattern (uint64 out, compared exactly)
SPECS += [
    OpSpec("hash_tensor", lambda lib, x, d, k: lib.hash_tensor(x, () if d is None else d,
                                                               keepdim=k),
           [c for c in DIMS if c[0] != (0, 3)] + [[(0, 3), C(1), C(False)]],
           covers=("Tensor.hash_tensor",), grad=False, dtypes=WITH_BF16),
    OpSpec("hash_tensor-int", lambda lib, x, y, z: (x.hash_tensor(), y.hash_tensor(1),
                                                    z.hash_tensor(0, keepdim=True)),
           [[I((3, 4), -9, 9), B((2, 3)), A(np.array([[0, 255], [7, 1]], np.uint8))],
            [A(np.array([-1, 2], np.int8)), A(np.array([[-3, 4]], np.int32)),
             A(np.array([2, 3], np.int16))]], grad=False),
    OpSpec("hash_tensor-specials", lambda lib, x: x.hash_tensor(0),
           [[A(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310]))]], grad=False),
]

# segment_reduce: runs along an axis given by lengths or offsets (per row of the dims before
# the axis); an empty segment gives the identity (nan for mean: kept out of gradient cases)
SEG_L = A(np.array([2, 0, 3, 1]))
SEG_L2 = A(np.array([[2, 1, 3], [1, 4, 1]]))
SEG_OFF2 = A(np.array([[0, 2, 2, 5, 6], [0, 1, 2, 3, 6]]))


def seg(reduce, **kw):
    return lambda lib, x, n: lib.segment_reduce(x, reduce, lengths=n, **kw)


SPECS += [
    *[OpSpec(f"segment_reduce-{r}", seg(r), [[(6,), SEG_L], [(6, 3), SEG_L]],
             covers=("segment_reduce",) if r == "sum" else ()) for r in ("sum", "prod")],
    # an empty segment's -inf/inf has no finite differences: values there, gradients here
    *[OpSpec(f"segment_reduce-{r}", seg(r), [[(6,), A(np.array([2, 1, 3]))],
                                             [(6, 3), A(np.array([1, 4, 1]))]])
      for r in ("max", "min", "amax", "amin")],
    OpSpec("segment_reduce-max-empty", lambda lib, x, n: (
        lib.segment_reduce(x, "max", lengths=n), lib.segment_reduce(x, "min", lengths=n)),
           [[(6, 2), SEG_L]], grad=False),
    OpSpec("segment_reduce-mean", seg("mean"), [[(6, 2), A(np.array([2, 3, 1]))]]),
    OpSpec("segment_reduce-mean-empty", seg("mean"), [[(6,), SEG_L]], grad=False),
    *[OpSpec(f"segment_reduce-{r}-axis1", seg(r, axis=1), [[(2, 6, 2), SEG_L2]])
      for r in ("sum", "mean", "max", "prod")],
    *[OpSpec(f"segment_reduce-{r}-initial", seg(r, initial=0.5), [[(6,), SEG_L],
                                                                   [(3, 2), A(np.array([0, 3]))]])
      for r in ("sum", "mean", "max", "min", "prod")],
    *[OpSpec(f"segment_reduce-{r}-offsets", lambda lib, x, o, r=r: lib.segment_reduce(
        x, r, offsets=o, axis=-2), [[(2, 6, 2), SEG_OFF2]], gradcheck=r != "min")
      for r in ("sum", "min")],
]
