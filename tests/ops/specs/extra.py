"""Specs: more of PyTorch's surface (npgrad/ops/extra.py, extra_index.py, random_fill.py and
the Tensor methods of the "more of PyTorch's surface" section).

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import math

from ..harness import A, B, F, I, OpSpec

NAN = math.nan
BINARY = [[(3,), (3,)], [(2, 3), (3,)], [(2, 1, 4), (3, 1)], [(), (2, 2)], [(0, 3), (3,)]]
TERNARY = [[(3,), (3,), (3,)], [(2, 3), (3,), (2, 1)], [(), (2, 2), ()], [(0, 3), (3,), (1,)]]
WITH_NAN = A([[1.0, NAN, 3.0, -2.0], [NAN, NAN, NAN, NAN], [0.5, 2.0, -1.0, 4.0]])
# (PyTorch's nanmean gradient on an all-nan slice is nan, its nanmedian index there arbitrary)
SOME_NAN = A([[1.0, NAN, 3.0, -2.0], [NAN, 7.0, NAN, NAN], [0.5, 2.0, -1.0, 4.0]])


def withnan(x, c):
    return x - x.detach() + c


def _inplace(method, *args, **kw):
    """``x.clone().method(*args)``: the in-place form in the graph of x."""
    return lambda lib, x, *rest: getattr(x.clone(), method)(*rest, *args, **kw)


SPECS = [
    # -- activations as methods ----------------------------------------------------------
    OpSpec("Tensor.relu", lambda lib, x: x.relu(), [[(2, 3)], [()], [(0, 2)]], gradgrad=False,
           covers=("relu",)),
    OpSpec("Tensor.relu_", lambda lib, x: x.clone().relu_(), [[(2, 3)], [()]],
           gradgrad=False, covers=("relu_",)),
    OpSpec("Tensor.softmax", lambda lib, x: (x.softmax(1), x.softmax(-1, dtype=lib.float64)),
           [[(2, 3)], [(2, 3, 4)]], covers=("softmax",)),
    OpSpec("Tensor.log_softmax", lambda lib, x: (x.log_softmax(0), lib.log_softmax(x, 1)),
           [[(2, 3)], [(2, 3, 4)]], covers=("log_softmax",)),
    OpSpec("Tensor.hardshrink", lambda lib, x: x.hardshrink(0.7), [[(2, 3)]], gradgrad=False),
    OpSpec("Tensor.prelu", lambda lib, x, w: x.prelu(w), [[(2, 3, 4), (3,)]], gradgrad=False),
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
           [[I((4,), -12, 30), I((4,), 0, 18)], [I((2, 3), 0, 20), I((3,), 1, 9)]],
           grad=False, covers=("Tensor.lcm", "Tensor.lcm_")),
    OpSpec("heaviside", lambda lib, x, v: (lib.heaviside(x, v), x.heaviside(v)),
           [[A([-1.0, 0.0, 2.0, 0.0]), A([0.5, 0.25, 0.5, 1.0])], [(2, 3), (3,)],
            [I((5,), -2, 3), I((5,), 5, 9)]], grad=False,
           covers=("Tensor.heaviside", "Tensor.heaviside_")),
    OpSpec("i0", lambda lib, x: (lib.i0(x), x.i0()),
           [[(4,)], [F((2, 3), -8, 8)], [()], [(0, 2)], [F((3,), -40, 40)]],
           covers=("Tensor.i0",)),
    OpSpec("i0-zero", lambda lib, x: lib.i0(x * 0), [[(3,)]]),
    OpSpec("Tensor.i0_", lambda lib, x: x.clone().i0_(), [[(2, 3)]]),
    OpSpec("i0-int", lambda lib, x: lib.i0(x), [[I((4,), -3, 3)]], grad=False),
    # -- nan-aware reductions ----------------------------------------------------------------
    OpSpec("nansum", lambda lib, x: (lib.nansum(x), x.nansum(1), x.nansum((0, 1), True)),
           [[(2, 3)], [(2, 3, 4)], [(0, 3)]], covers=("Tensor.nansum",)),
    OpSpec("nansum-nan", lambda lib, x: (withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype))
                                         .nansum(1)), [[(3, 4)]], gradcheck=False),
    OpSpec("nansum-int", lambda lib, x: lib.nansum(x, 0), [[I((3, 2))]], grad=False),
    OpSpec("nanmean", lambda lib, x: (lib.nanmean(x), x.nanmean(0), x.nanmean(-1, True)),
           [[(2, 3)], [(2, 3, 4)], [()]], covers=("Tensor.nanmean",)),
    OpSpec("nanmean-nan", lambda lib, x: withnan(x, lib.tensor(SOME_NAN.array, dtype=x.dtype))
           .nanmean(1), [[(3, 4)]], gradcheck=False),
    OpSpec("nanmedian", lambda lib, x: (lib.nanmedian(x), *x.nanmedian(1), *x.nanmedian(0, True)),
           [[(3, 4)], [(2, 5)], [(1, 1)]], covers=("Tensor.nanmedian",)),
    OpSpec("nanmedian-nan",
           lambda lib, x: (*withnan(x, lib.tensor(SOME_NAN.array, dtype=x.dtype)).nanmedian(1),
                           withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype)).nanmedian()),
           [[(3, 4)]], gradcheck=False),
    OpSpec("aminmax", lambda lib, x: (*lib.aminmax(x), *x.aminmax(dim=1),
                                      *x.aminmax(dim=0, keepdim=True)),
           [[(2, 3)], [(3, 4)]], covers=("Tensor.aminmax",)),
    OpSpec("aminmax-0d", lambda lib, x: lib.aminmax(x), [[()]]),
    OpSpec("quantile", lambda lib, x: (lib.quantile(x, 0.3), x.quantile(0.5, dim=1),
                                       x.quantile(lib.tensor([0.0, 0.25, 1.0], dtype=x.dtype),
                                                  dim=0, keepdim=True)),
           [[(3, 4)], [(5, 2)]], covers=("Tensor.quantile",)),
    OpSpec("quantile-interpolation",
           lambda lib, x: tuple(lib.quantile(x, 0.4, dim=-1, interpolation=m)
                                for m in ("lower", "higher", "midpoint", "nearest")),
           [[(2, 6)], [(3, 5)]]),
    OpSpec("quantile-nan", lambda lib, x: lib.quantile(
        withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype)), 0.6, dim=1), [[(3, 4)]],
           gradcheck=False),
    OpSpec("nanquantile", lambda lib, x: (lib.nanquantile(x, 0.3), x.nanquantile(0.7, 1)),
           [[(3, 4)], [(2, 5)]], covers=("Tensor.nanquantile",)),
    OpSpec("nanquantile-nan", lambda lib, x: lib.nanquantile(
        withnan(x, lib.tensor(WITH_NAN.array, dtype=x.dtype)),
        lib.tensor([0.2, 0.5], dtype=x.dtype), dim=1), [[(3, 4)]], gradcheck=False),
    OpSpec("mode", lambda lib, x: (*lib.mode(x), *x.mode(0, True)),
           [[A([[1.0, 2.0, 2.0, 3.0, 3.0, 1.0], [5.0, 5.0, 4.0, 4.0, 0.0, 0.0]])],
            [A([[2.0, 2.0, 1.0], [7.0, -1.0, 7.0], [0.5, 0.25, 0.25]])], [A([3.0])]],
           grad=False, covers=("Tensor.mode",)),
    OpSpec("mode-grad", lambda lib, x: lib.mode(withnan(x, lib.tensor(
        [[1.0, 2.0, 2.0, 3.0], [4.0, 4.0, 4.0, 0.0]], dtype=x.dtype)), 1), [[(2, 4)]],
           gradcheck=False),
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
    OpSpec("cov-weights", lambda lib, x, w: (lib.cov(x, fweights=lib.tensor([1, 2, 1, 3])),
                                             lib.cov(x, aweights=w),
                                             lib.cov(x, fweights=lib.tensor([2, 1, 1, 1]),
                                                     aweights=w, correction=2)),
           [[(3, 4), F((4,), 0.5, 2)]]),
    OpSpec("corrcoef", lambda lib, x: (lib.corrcoef(x), x.corrcoef()), [[(3, 5)], [(2, 4)]],
           covers=("Tensor.corrcoef",)),
    OpSpec("dist", lambda lib, x, y: (lib.dist(x, y), x.dist(y, 3), x.dist(y, 1)),
           BINARY[:4], covers=("Tensor.dist",)),
    OpSpec("dist-inf", lambda lib, x, y: lib.dist(x, y, math.inf), [[(2, 3), (3,)]],
           gradgrad=False),
    OpSpec("dist-0", lambda lib, x, y: lib.dist(x, y, 0), [[(2, 3), (3,)]], grad=False),
    OpSpec("renorm", lambda lib, x: (lib.renorm(x, 2, 0, 1.0), x.renorm(1, 1, 2.5)),
           [[(3, 4)], [(2, 3, 4)]], covers=("Tensor.renorm",)),
    OpSpec("Tensor.renorm_", lambda lib, x: x.clone().renorm_(3, -1, 1.5), [[(3, 4)]]),
    OpSpec("pdist", lambda lib, x: (lib.pdist(x), lib.pdist(x, 1), lib.pdist(x, 3)),
           [[(4, 3)], [(2, 5)], [(1, 3)]], covers=("nn.functional.pdist",)),
    # -- functional scatters and splits ----------------------------------------------------------
    OpSpec("split_with_sizes", lambda lib, x: lib.split_with_sizes(x, [1, 3, 0], 1),
           [[(2, 4)], [(3, 4, 2)]], covers=("Tensor.split_with_sizes",)),
    OpSpec("select_scatter", lambda lib, x, s: (lib.select_scatter(x, s, 1, -1),
                                                x.select_scatter(s, 1, 0)),
           [[(2, 3, 4), (2, 4)], [(3, 2), (3,)]], covers=("Tensor.select_scatter",)),
    OpSpec("slice_scatter", lambda lib, x, s: (lib.slice_scatter(x, s, 1, 0, 4, 2),
                                               x.slice_scatter(s, 1, start=1, step=2)),
           [[(2, 5), (2, 2)], [(3, 4, 2), (3, 2, 2)]], covers=("Tensor.slice_scatter",)),
    OpSpec("slice_scatter-dim0", lambda lib, x, s: lib.slice_scatter(x, s),
           [[(3, 2), (3, 2)]]),
    OpSpec("diagonal_scatter", lambda lib, x, s: (lib.diagonal_scatter(x, s),
                                                  x.diagonal_scatter(s, 0, 1, 0)),
           [[(3, 3), (3,)], [(2, 3), (2,)]], covers=("Tensor.diagonal_scatter",)),
    OpSpec("diagonal_scatter-offset", lambda lib, x, s: lib.diagonal_scatter(x, s, 1, 0, 2),
           [[(3, 2, 4), (2, 3)]]),
    OpSpec("diagonal_scatter-neg", lambda lib, x, s: lib.diagonal_scatter(x, s, -1),
           [[(4, 3), (3,)]]),
    OpSpec("index_reduce", lambda lib, x, s: tuple(
        lib.index_reduce(x, 0, lib.tensor([0, 2, 0]), s, r, include_self=inc)
        for r in ("prod", "mean", "amax", "amin") for inc in (True, False)),
           [[(3, 2), (3, 2)], [(4, 3), F((3, 3), 0.5, 2)]], gradgrad=False,
           covers=("Tensor.index_reduce",)),
    OpSpec("Tensor.index_reduce_", lambda lib, x, s: x.clone().index_reduce_(
        1, lib.tensor([1, 1]), s, "mean"), [[(2, 3), (2, 2)]]),
    OpSpec("Tensor.fill_diagonal_", lambda lib, x: (x.clone().fill_diagonal_(2.5),
                                                    x.clone().fill_diagonal_(-1, wrap=True)),
           [[(3, 3)], [(7, 3)], [(2, 5)]]),
    OpSpec("Tensor.fill_diagonal_-3d", lambda lib, x: x.clone().fill_diagonal_(0.0),
           [[(2, 2, 2)]]),
    OpSpec("diagflat", lambda lib, x: (lib.diagflat(x), x.diagflat(1), lib.diagflat(x, -2)),
           [[(3,)], [(2, 2)], [()]], covers=("Tensor.diagflat",)),
    # -- grids and index sets ---------------------------------------------------------------------
    OpSpec("meshgrid", lambda lib, x, y, z: (*lib.meshgrid(x, y, indexing="ij"),
                                             *lib.meshgrid(x, y, z, indexing="xy"),
                                             *lib.meshgrid([x], indexing="xy")),
           [[(3,), (2,), (4,)], [(1,), (3,), ()]]),
    OpSpec("cartesian_prod", lambda lib, x, y: (lib.cartesian_prod(x, y),
                                                lib.cartesian_prod(x)),
           [[(3,), (2,)], [(1,), (4,)]]),
    OpSpec("combinations", lambda lib, x: (lib.combinations(x), lib.combinations(x, 3),
                                           lib.combinations(x, 2, with_replacement=True)),
           [[(4,)], [(3,)]]),
    OpSpec("block_diag", lambda lib, x, y, z: lib.block_diag(x, y, z),
           [[(2, 3), (3,), ()], [(1, 1), (2, 2), (0, 2)]]),
    OpSpec("block_diag-int", lambda lib, x, y: lib.block_diag(x, y),
           [[I((2, 2)), A([[1.5]])]], grad=False),
    OpSpec("tril_indices", lambda lib: (lib.tril_indices(3, 4), lib.tril_indices(4, 3, -1),
                                        lib.tril_indices(3, 3, 1, dtype=lib.int32),
                                        lib.tril_indices(0, 3)), [[]], grad=False),
    OpSpec("triu_indices", lambda lib: (lib.triu_indices(3, 4), lib.triu_indices(4, 3, -1),
                                        lib.triu_indices(3, 3, 2)), [[]], grad=False),
    # -- membership and counting ---------------------------------------------------------------
    OpSpec("isin", lambda lib, x, y: (lib.isin(x, y), lib.isin(x, y, invert=True),
                                      lib.isin(x, 2)),
           [[I((3, 4), 0, 6), I((3,), 0, 6)], [I((5,), 0, 3), I((0,))]], grad=False),
    OpSpec("bincount", lambda lib, x, w: (lib.bincount(x), x.bincount(w),
                                          lib.bincount(x, minlength=10)),
           [[I((8,), 0, 6), (8,)], [I((0,)), (0,)]], grad=False, covers=("Tensor.bincount",)),
    OpSpec("histc", lambda lib, x: (lib.histc(x, 5), x.histc(4, -1, 1), lib.histc(x, 3, 0, 0)),
           [[(20,)], [(3, 4)], [A([1.0, 1.0, 1.0])]], grad=False, covers=("Tensor.histc",)),
    OpSpec("unique_consecutive", lambda lib, x: (
        lib.unique_consecutive(x), *x.unique_consecutive(True, True),
        *lib.unique_consecutive(x, return_counts=True, dim=0)),
           [[A([[1, 1, 2], [1, 1, 2], [3, 3, 3], [1, 1, 2]])], [I((10,), 0, 2)]], grad=False,
           covers=("Tensor.unique_consecutive",)),
    OpSpec("unique_consecutive-float", lambda lib, x: lib.unique_consecutive(x, dim=1),
           [[A([[1.0, 1.0, 2.0, 2.0], [0.5, 0.5, 1.0, 2.0]])]], grad=False),
    # -- integration ------------------------------------------------------------------------------
    OpSpec("trapezoid", lambda lib, y, x: (lib.trapezoid(y), lib.trapezoid(y, x, dim=1),
                                           lib.trapezoid(y, dx=0.5, dim=0)),
           [[(3, 4), (4,)], [(2, 5), (2, 5)]], covers=("trapz",)),
    OpSpec("cumulative_trapezoid", lambda lib, y, x: (lib.cumulative_trapezoid(y),
                                                      lib.cumulative_trapezoid(y, x),
                                                      lib.cumulative_trapezoid(y, dx=2, dim=0)),
           [[(3, 4), (4,)], [(2, 5), (2, 5)]]),
    # -- legacy matrix helpers --------------------------------------------------------------------
    OpSpec("chain_matmul", lambda lib, a, b, c: (lib.chain_matmul(a, b, c),
                                                 lib.chain_matmul(a)),
           [[(2, 3), (3, 4), (4, 2)]]),
    OpSpec("frobenius_norm", lambda lib, x: (lib.frobenius_norm(x, (0, 1)), lib.frobenius_norm(
        x, (0,), True)), [[(2, 3)], [(2, 3, 4)]]),
    OpSpec("nuclear_norm", lambda lib, x: (lib.nuclear_norm(x), lib.nuclear_norm(x, True)),
           [[(3, 3)], [(2, 4)]], gradgrad=False),
    # -- samplers (values are random: shapes, dtypes and requires_grad) ---------------------------
    OpSpec("poisson", lambda lib, x: lib.poisson(x), [[F((3, 4), 0.5, 5)], [F((0,), 1, 2)]],
           nondet_values=True, grad=False),
    OpSpec("binomial", lambda lib, n, p: lib.binomial(n, p),
           [[F((3, 4), 1, 1), F((3, 4), 0.1, 0.9)]], nondet_values=True, grad=False),
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
    # -- windows, histograms, index conversion (extra_creation.py) ------------------------------
    OpSpec("hann_window", lambda lib: tuple(
        f(n, p, dtype=lib.float64) for f in (lib.hann_window, lib.hamming_window,
                                             lib.blackman_window, lib.bartlett_window,
                                             lib.kaiser_window)
        for n in (0, 1, 2, 7) for p in (True, False)), [[]], grad=False,
           covers=("hamming_window", "blackman_window", "bartlett_window", "kaiser_window")),
    OpSpec("hann_window-options", lambda lib: (lib.hamming_window(6, True, 0.5, 0.4),
                                               lib.kaiser_window(8, False, 5.0),
                                               lib.hann_window(5, requires_grad=True)),
           [[]], grad=False),
    OpSpec("histogram", lambda lib, x, w: (*lib.histogram(x, 4), *x.histogram(
        lib.tensor([-2.0, -0.5, 0.0, 3.0], dtype=x.dtype)), *lib.histogram(
        x, 3, range=(-1.0, 1.0), weight=w, density=True)),
           [[(12,), F((12,), 0, 1, grad=False)], [(3, 4), F((3, 4), 0, 1, grad=False)]],
           grad=False, covers=("Tensor.histogram",)),
    OpSpec("unravel_index", lambda lib, i: (*lib.unravel_index(i, (2, 3, 4)),
                                            *lib.unravel_index(i, 24)),
           [[I((5,), -24, 24)], [I((2, 3), 0, 24)], [I((), 0, 24)]], grad=False),
    OpSpec("nonzero_static", lambda lib, x: (lib.nonzero_static(x, size=2),
                                             x.nonzero_static(size=6, fill_value=7)),
           [[I((5,), 0, 2)], [I((2, 3), 0, 2)]], grad=False, covers=("Tensor.nonzero_static",)),
    # (PyTorch's vander backward fails its own in-place check: tests/test_extra.py gradchecks)
    OpSpec("vander", lambda lib, x: (lib.vander(x), lib.vander(x, 4, True), lib.vander(x, 1)),
           [[(3,)], [(0,)], [F((4,), 0, 0)]], grad=False),
    OpSpec("vander-int", lambda lib, x: lib.vander(x, 3), [[I((3,), -3, 3)]], grad=False),
    OpSpec("rsub", lambda lib, x, y: (lib.rsub(x, y), lib.rsub(x, y, alpha=2),
                                      lib.rsub(x, 1.5)), BINARY),
    OpSpec("channel_shuffle", lambda lib, x: lib.channel_shuffle(x, 2),
           [[(2, 4, 3)], [(1, 6, 2, 2)]]),
    OpSpec("constant_pad_nd", lambda lib, x: (lib.constant_pad_nd(x, (1, 2)),
                                              lib.constant_pad_nd(x, [0, 1, 2, 0], 1.5)),
           [[(2, 3)], [(2, 3, 4)]]),
    # -- torch.special (extra_special.py) --------------------------------------------------------
    OpSpec("ndtr", lambda lib, x: lib.special.ndtr(x), [[F((4,), -4, 4)], [()], [(0, 2)]]),
    OpSpec("log_ndtr", lambda lib, x: lib.special.log_ndtr(x),
           [[F((5,), -4, 4)], [F((2, 3), -30, -5)], [A([-50.0, -10.5, -9.5, 0.0, 20.0])]],
           gradcheck=False),
    OpSpec("log_ndtr-grad", lambda lib, x: lib.special.log_ndtr(x), [[F((4,), -3, 3)],
                                                                       [F((3,), -14, -11)]]),
    OpSpec("ndtri", lambda lib, x: lib.special.ndtri(x), [[F((4,), 0.05, 0.95)], [F((), 0.3, 0.7)]],
           atol=1e-3, rtol=1e-3),
    OpSpec("entr", lambda lib, x: lib.special.entr(x),
           [[F((4,), 0.1, 3)], [A([-1.0, 0.0, 0.5])]], gradgrad=False),
    OpSpec("xlog1py", lambda lib, x, y: lib.special.xlog1py(x, y),
           [[(3,), F((3,), -0.5, 2)], [(2, 3), F((3,), 0, 2)], [A([0.0, 1.0]), A([NAN, 0.5])]]),
    OpSpec("i0e", lambda lib, x: (lib.special.i0e(x), lib.special.i1(x), lib.special.i1e(x)),
           [[(4,)], [F((2, 3), -8, 8)], [()], [F((3,), -50, 50)]], covers=("i1", "i1e")),
    OpSpec("i0e-zero", lambda lib, x: (lib.special.i1(x * 0), lib.special.i1e(x * 0)), [[(2,)]]),
    OpSpec("special-aliases", lambda lib, x: (
        lib.special.expit(x), lib.special.gammaln(x.abs() + 0.5), lib.special.psi(x.abs() + 1),
        lib.special.multigammaln(x.abs() + 2, 2), lib.special.softmax(x, 0),
        lib.special.log_softmax(x, -1), lib.special.i0(x)), [[(3,)], [(2, 3)]]),
    OpSpec("as_strided", lambda lib, x: (lib.as_strided(x, (2, 2), (1, 2)),
                                         x.as_strided((3, 2), (2, 1), 1),
                                         x.as_strided((2, 3), (0, 1)), x.as_strided((), ())),
           [[(3, 4)], [(8,)]], covers=("Tensor.as_strided",)),
    OpSpec("as_strided_scatter", lambda lib, x, s: (lib.as_strided_scatter(x, s, (2, 2), (1, 3)),
                                                    x.as_strided_scatter(s, (2, 2), (4, 1), 2)),
           [[(3, 4), (2, 2)], [(10,), (2, 2)]], covers=("Tensor.as_strided_scatter",),
           grad=False),  # PyTorch 2.13 sends input's gradient to the overwritten positions

    OpSpec("angle", lambda lib, x: (lib.angle(x), x.angle()),
           [[(4,)], [()], [(0, 2)], [A([-1.0, 0.0, 2.0, NAN])]], covers=("Tensor.angle",),
           gradcheck=False),
    OpSpec("angle-int", lambda lib, x: lib.angle(x), [[I((4,), -2, 2)]], grad=False),
    # -- in-place activations of nn.functional and the top level ----------------------------------
    OpSpec("nn.functional.elu_", lambda lib, x: (
        lib.nn.functional.elu_(x.clone(), 0.5), lib.nn.functional.leaky_relu_(x.clone(), 0.2),
        lib.nn.functional.hardtanh_(x.clone(), -0.5, 0.5), lib.selu_(x.clone()),
        lib.celu_(x.clone(), 2.0), lib.rrelu_(x.clone()), lib.threshold_(x.clone(), 0.1, 2.0)),
           [[(2, 3)], [()]], gradgrad=False,
           covers=("nn.functional.leaky_relu_", "nn.functional.hardtanh_", "selu_", "celu_",
                   "rrelu_", "threshold_")),
    OpSpec("nn.functional.gumbel_softmax", lambda lib, x: (
        lib.nn.functional.gumbel_softmax(x), lib.nn.functional.gumbel_softmax(x, 0.5, True, dim=0)),
           [[(3, 4)], [(2, 5)]], nondet_values=True, grad=False),
    OpSpec("gradient", lambda lib, f: (
        *lib.gradient(f), *lib.gradient(f, spacing=2.0, edge_order=2),
        *lib.gradient(f, spacing=[0.5], dim=-1), *lib.gradient(f, spacing=(lib.tensor(
            [0.0, 1.0, 3.0, 4.5], dtype=f.dtype),), dim=1, edge_order=2)),
           [[(3, 4)], [(4, 4)]], max_gradcheck_numel=12),
    OpSpec("gradient-1d", lambda lib, f: lib.gradient(f, spacing=(lib.tensor(
        [0.0, 0.5, 2.0], dtype=f.dtype),)), [[(3,)]]),
    OpSpec("gradient-int", lambda lib, f: lib.gradient(f), [[I((5,), 0, 9)]], grad=False),
]
