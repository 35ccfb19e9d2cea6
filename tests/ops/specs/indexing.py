"""Specs: indexing (``npgrad/ops/indexing/``): subscripts, the ``index_*`` family,
gather/scatter, masks, sorting and searching.

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import numpy as np

from ..harness import A, B, C, F, I, OpSpec

def _setitem_slice(lib, x, v):
    z = x.clone()
    z[0] = v
    return z


def _setitem_mask(lib, x, v):
    z = x.clone()
    z[z > 0] = v
    return z


def _setitem_scalar(lib, x):
    z = x.clone()
    z[:, 1] = 2.5
    return z


def _set(x, key, v):
    y = x.clone()
    y[key] = v
    return y


S = slice(None)


PERM = A(np.array([[2, 0, 1, 3], [0, 1, 3, 2], [1, 3, 0, 0]])[:2])  # unique per column


SPECS = [
    OpSpec("Tensor.__setitem__", _setitem_slice,
           [[(2, 3), (3,)], [(2, 3), ()], [(3, 2), (2,)]]),
    OpSpec("Tensor.__setitem__-mask", _setitem_mask, [[(2, 3), ()]]),
    OpSpec("Tensor.__setitem__-scalar", _setitem_scalar, [[(2, 3)]]),
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
    # -- membership and counting ---------------------------------------------------------------
    OpSpec("isin", lambda lib, x, y: (lib.isin(x, y), lib.isin(x, y, invert=True),
                                      lib.isin(x, 2)),
           [[I((3, 4), 0, 6), I((3,), 0, 6)], [I((5,), 0, 3), I((0,))]], grad=False),
    OpSpec("unique_consecutive", lambda lib, x: (
        lib.unique_consecutive(x), *x.unique_consecutive(True, True),
        *lib.unique_consecutive(x, return_counts=True, dim=0)),
           [[A([[1, 1, 2], [1, 1, 2], [3, 3, 3], [1, 1, 2]])], [I((10,), 0, 2)]], grad=False,
           covers=("Tensor.unique_consecutive",)),
    OpSpec("unique_consecutive-float", lambda lib, x: lib.unique_consecutive(x, dim=1),
           [[A([[1.0, 1.0, 2.0, 2.0], [0.5, 0.5, 1.0, 2.0]])]], grad=False),
    OpSpec("unravel_index", lambda lib, i: (*lib.unravel_index(i, (2, 3, 4)),
                                            *lib.unravel_index(i, 24)),
           [[I((5,), -24, 24)], [I((2, 3), 0, 24)], [I((), 0, 24)]], grad=False),
    OpSpec("nonzero_static", lambda lib, x: (lib.nonzero_static(x, size=2),
                                             x.nonzero_static(size=6, fill_value=7)),
           [[I((5,), 0, 2)], [I((2, 3), 0, 2)]], grad=False, covers=("Tensor.nonzero_static",)),
    OpSpec("as_strided_scatter", lambda lib, x, s: (lib.as_strided_scatter(x, s, (2, 2), (1, 3)),
                                                    x.as_strided_scatter(s, (2, 2), (4, 1), 2)),
           [[(3, 4), (2, 2)], [(10,), (2, 2)]], covers=("Tensor.as_strided_scatter",),
           grad=False),  # PyTorch 2.13 sends input's gradient to the overwritten positions,
    # -- x[key] --------------------------------------------------------------------------
    OpSpec("getitem", lambda lib, x, k: x[k], [
        [(4, 5), C(1)], [(4, 5), C(-1)], [(4, 5), C((S, slice(1, None, 2)))],
        [(3, 4, 5), C((None, Ellipsis, 2))], [(3, 4), C(([0, 0, 2],))], [(3, 4), C([0, 0])],
        [(3, 4, 2), C((S, [1, 1, -1]))], [(3, 4, 2), C((Ellipsis, [1, 0, 1, 1]))],
        [(3, 4, 2), C(([0, 2], S, [1, 1]))], [(3, 4), C((1, [2, 2, 0]))], [(), C(None)],
        [(0, 3), C((S, 1))], [(3, 4), C(Ellipsis)], [(3, 4), C(([],))],
    ], covers=("Tensor.__getitem__",)),
    OpSpec("Tensor.__getitem__-tensor", lambda lib, x, i: x[i], [
        [(4, 3), I((5,), 0, 4)], [(4, 3), I((2, 3), -4, 4)], [(4,), I((), 0, 4)],
        [(3, 4), B((3, 4))], [(3, 4), B((3,))], [(), B(())], [(0, 2), I((0,), 0, 1)],
    ]),
    OpSpec("Tensor.__getitem__-mixed", lambda lib, x, i, m: x[i, 1:, m], [
        [(3, 4, 2), I((2,), 0, 3), A(np.array([False, True]))],
        [(3, 4, 2), I((), 0, 3), A(np.array([True, True]))],
    ]),
    OpSpec("setitem", lambda lib, x, v, k: _set(x, k, v), [
        [(3, 4), (4,), C(1)], [(3, 4), (2, 2), C((slice(0, 3, 2), slice(1, 3)))],
        [(3, 4), (), C((S, [0, 2]))], [(3, 4), (2, 4), C(([2, 0],))],
        [(3, 4, 2), (2,), C((Ellipsis, 1, S))], [(3, 4), (1, 4), C(1)],
    ], covers=("Tensor.__setitem__",)),
    OpSpec("Tensor.__setitem__-tensor", lambda lib, x, v, k: _set(x, k, v), [
        [(3, 4), (), B((3, 4))], [(3, 4), (4,), B((3,))],
        [(5, 2), (3, 2), A(np.array([4, 0, 2]))], [(5, 2), (2,), A(np.array([[1], [3]]))],
    ]),
    OpSpec("Tensor.__setitem__-number", lambda lib, x, k: _set(x, k, 2.5), [
        [(3, 4), C((S, [0, 2]))], [(3, 4), C(1)], [(3, 4), B((3, 4))],
    ]),
    OpSpec("index_put", lambda lib, x, i, v, acc: lib.index_put(x, (i,), v, acc), [
        [(5, 3), A(np.array([4, 0, 2])), (3, 3), C(False)],
        [(5, 3), A(np.array([4, 0, 4, 4])), (4, 3), C(True)],
        [(5, 3), A(np.array([1, 1])), (3,), C(True)], [(4,), B((4,)), (), C(False)],
    ], covers=("Tensor.index_put",)),
    # -- index_select / index_add / index_copy / index_fill -----------------------------------
    OpSpec("index_select", lambda lib, x, d, i: lib.index_select(x, d, i), [
        [(4, 3), C(0), I((5,), 0, 4)], [(4, 3), C(-1), I((2,), 0, 3)],
        [(2, 3, 4), C(1), A(np.array([2, 2, 0]))], [(), C(0), A(np.array([0]))],
        [(4, 3), C(1), A(np.zeros(0, np.int64))], [(4, 3), C(0), A(np.array(3))],
        [(0, 3), C(1), I((2,), 0, 3)], [(4, 3), C(0), A(np.array([1, 3], np.int32))],
    ], covers=("Tensor.index_select",)),
    OpSpec("index_add", lambda lib, x, d, i, s: lib.index_add(x, d, i, s), [
        [(4, 3), C(0), I((5,), 0, 4), (5, 3)], [(4, 3), C(1), A(np.array([2, 2])), (4, 2)],
        [(2, 3, 4), C(-1), A(np.array([0, 3, 0])), (2, 3, 3)], [(), C(0), A(np.array([0])), ()],
    ], covers=("Tensor.index_add",)),
    OpSpec("index_add-alpha", lambda lib, x, i, s: x.index_add(0, i, s, alpha=-2.5), [
        [(4, 3), I((6,), 0, 4), (6, 3)]]),
    OpSpec("index_add-int", lambda lib, x, i, s: x.index_add(0, i, s, alpha=3), [
        [I((4, 3), -5, 5), I((6,), 0, 4), I((6, 3), -5, 5)]], grad=False),
    OpSpec("index_copy", lambda lib, x, d, i, s: lib.index_copy(x, d, i, s), [
        [(4, 3), C(0), A(np.array([3, 0])), (2, 3)], [(4, 3), C(1), A(np.array([2, 0, 1])), (4, 3)],
        [(4,), C(0), A(np.zeros(0, np.int64)), (0,)],
    ], covers=("Tensor.index_copy",)),
    OpSpec("index_fill", lambda lib, x, d, i, v: lib.index_fill(x, d, i, v), [
        [(4, 3), C(0), A(np.array([3, 0, 3])), C(1.5)], [(4, 3), C(1), A(np.array([2])), ()],
        [(2, 3, 4), C(2), I((3,), 0, 4), C(-2)],
    ], covers=("Tensor.index_fill",)),
    # -- masks ---------------------------------------------------------------------------
    OpSpec("masked_fill", lambda lib, x, m, v: lib.masked_fill(x, m, v), [
        [(3, 4), B((3, 4)), C(0.5)], [(3, 4), B((4,)), ()], [(4,), B((2, 4)), C(-1.0)],
        [(), B(()), ()], [(0, 4), B((4,)), C(1)],
    ], covers=("Tensor.masked_fill",)),
    OpSpec("masked_fill-int", lambda lib, x, m: x.masked_fill(m, 2.7), [
        [I((3, 4)), B((3, 4))]], grad=False),
    OpSpec("masked_select", lambda lib, x, m: lib.masked_select(x, m), [
        [(3, 4), B((3, 4))], [(3, 4), B((4,))], [(4,), B((2, 4))], [(), B(())],
        [(0, 4), B((4,))],
    ], covers=("Tensor.masked_select",)),
    OpSpec("masked_scatter", lambda lib, x, m, s: x.masked_scatter(m, s), [
        [(3, 4), B((3, 4)), (3, 4)], [(3, 4), B((4,)), (20,)], [(4,), B((2, 4)), (2, 5)],
    ], covers=("Tensor.masked_scatter",)),
    # -- take / put --------------------------------------------------------------------------
    OpSpec("take", lambda lib, x, i: lib.take(x, i), [
        [(3, 4), I((5,), -12, 12)], [(3, 4), I((2, 3), 0, 12)], [(), I((2,), 0, 1)],
        [(3, 4), I((0,), 0, 1)], [(5,), I((), 0, 5)],
    ], covers=("Tensor.take",)),
    OpSpec("put", lambda lib, x, i, s: lib.put(x, i, s), [
        [(3, 4), A(np.array([11, 0, -1, 5])[[0, 1, 3]]), (3,)],
        [(3, 4), A(np.array([[7, 2], [3, 9]])), (4,)],
    ], covers=("Tensor.put",)),
    OpSpec("put-accumulate", lambda lib, x, i, s: x.put(i, s, accumulate=True), [
        [(3, 4), I((6,), 0, 12), (2, 3)], [(5,), I((4,), 0, 2), (4,)]]),
    OpSpec("nonzero", lambda lib, x: lib.nonzero(x), [
        [B((3, 4))], [I((5,), 0, 2)], [B(())], [B((0, 3))], [F((2, 3), 0, 1)],
    ], grad=False, covers=("Tensor.nonzero",)),
    OpSpec("nonzero-as_tuple", lambda lib, x: lib.nonzero(x, as_tuple=True), [
        [B((3, 4))], [I((5,), 0, 2)], [B(())]], grad=False),
    OpSpec("argwhere", lambda lib, x: lib.argwhere(x), [
        [B((3, 4))], [I((2, 2, 2), 0, 2)]], grad=False, covers=("Tensor.argwhere",)),
    # -- gather / scatter ----------------------------------------------------------------
    OpSpec("gather", lambda lib, x, d, i: lib.gather(x, d, i), [
        [(4, 3), C(0), I((5, 3), 0, 4)], [(4, 3), C(1), I((2, 5), 0, 3)],
        [(2, 3, 4), C(-1), I((2, 2, 6), 0, 4)], [(), C(0), I((), 0, 1)],
        [(4, 3), C(0), I((0, 3), 0, 4)], [(5,), C(0), I((8,), 0, 5)],
    ], covers=("Tensor.gather",)),
    OpSpec("scatter", lambda lib, x, d, i, s: lib.scatter(x, d, i, s), [
        [(4, 3), C(0), A(np.array([[3, 1, 0], [0, 2, 3]])), (2, 3)],
        [(3, 4), C(1), PERM, (2, 4)], [(), C(0), A(np.array(0)), ()],
    ], covers=("Tensor.scatter",)),
    OpSpec("scatter-value", lambda lib, x, i: x.scatter(1, i, -1.5), [
        [(3, 4), I((3, 2), 0, 4)], [(3, 4), I((0, 2), 0, 4)]]),
    OpSpec("scatter_add", lambda lib, x, d, i, s: lib.scatter_add(x, d, i, s), [
        [(4, 3), C(0), I((5, 3), 0, 4), (5, 3)], [(4, 3), C(1), I((2, 5), 0, 3), (2, 5)],
        [(2, 3, 4), C(-1), I((2, 2, 6), 0, 4), (2, 2, 6)], [(), C(0), I((), 0, 1), ()],
    ], covers=("Tensor.scatter_add",)),
    # PyTorch's backward fails when src is larger than index, so only values are compared
    OpSpec("scatter-larger-src", lambda lib, x, i, s: (
        x.scatter(0, i, s), x.scatter_add(1, i, s), x.scatter_reduce(0, i, s, "amax")), [
        [(4, 3), A(np.array([[2, 1], [0, 2]])), (3, 3)]], grad=False),
    OpSpec("scatter_add-int", lambda lib, x, i, s: x.scatter_add(0, i, s), [
        [I((4, 3), -5, 5), I((5, 3), 0, 4), I((5, 3), -5, 5)]], grad=False),
    OpSpec("take_along_dim", lambda lib, x, i, d: lib.take_along_dim(x, i, d), [
        [(4, 3), I((5, 3), 0, 4), C(0)], [(4, 3), I((4, 2), 0, 3), C(-1)],
        [(4, 3), I((1, 2), 0, 3), C(1)], [(4, 1), I((1, 2), 0, 4), C(0)],
        [(4, 3), I((5,), 0, 12), C(None)],
    ], covers=("Tensor.take_along_dim",)),
    OpSpec("nn.functional.one_hot", lambda lib, x, n: lib.nn.functional.one_hot(x, n), [
        [I((5,), 0, 4), C(-1)], [I((2, 3), 0, 4), C(6)], [I((), 0, 4), C(4)],
        [I((0,), 0, 4), C(3)],
    ], grad=False),
    OpSpec("sort", lambda lib, x, d, desc: lib.sort(x, dim=d, descending=desc, stable=True), [
        [(5,), C(-1), C(False)], [(3, 4), C(0), C(True)], [(2, 3, 4), C(1), C(False)],
        [(), C(0), C(True)], [(0, 3), C(-1), C(False)],
    ], covers=("Tensor.sort",)),
    OpSpec("sort-ties", lambda lib, x, desc: x.sort(descending=desc, stable=True), [
        [I((3, 7), 0, 3), C(False)], [I((3, 7), 0, 3), C(True)], [B((9,)), C(True)],
        [A(np.array([1.0, np.nan, -1.0, np.nan, 3.0])), C(False)],
        [A(np.array([1.0, np.nan, -1.0, np.nan, 3.0])), C(True)],
    ], grad=False),
    OpSpec("sort-fields", lambda lib, x: (lambda r: (r.values, r.indices, r[0]))(
        lib.sort(x, 0)), [[(3, 2)]]),
    OpSpec("argsort", lambda lib, x, d, desc: lib.argsort(
        x, dim=d, descending=desc, stable=True), [
        [(5,), C(-1), C(False)], [(3, 4), C(0), C(True)], [(), C(0), C(False)],
        [I((4, 6), 0, 3), C(1), C(True)], [(0, 3), C(1), C(False)],
    ], grad=False, covers=("Tensor.argsort",)),
    OpSpec("msort", lambda lib, x: lib.msort(x), [[(5,)], [(3, 4)], [(2, 3, 4)]],
           covers=("Tensor.msort",)),
    OpSpec("topk", lambda lib, x, k, d, largest: lib.topk(x, k, d, largest), [
        [(6,), C(3), C(-1), C(True)], [(3, 5), C(2), C(0), C(False)],
        [(2, 3, 4), C(4), C(2), C(True)], [(), C(1), C(0), C(True)],
        [(3, 4), C(0), C(1), C(True)], [(0, 4), C(2), C(1), C(False)],
        [(), C(0), C(-1), C(True)],  # 0-d with k = 0: the element itself, as PyTorch
    ], covers=("Tensor.topk",), tie_breaking=True),
    OpSpec("kthvalue", lambda lib, x, k, d, keep: lib.kthvalue(x, k, d, keep), [
        [(6,), C(3), C(-1), C(False)], [(3, 5), C(2), C(0), C(True)],
        [(2, 3, 4), C(4), C(2), C(False)], [(), C(1), C(0), C(False)],
        [(4, 0), C(1), C(0), C(False)],
    ], covers=("Tensor.kthvalue",), tie_breaking=True),
    OpSpec("unique", lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), [
        [I((3, 5), 0, 4)], [I((0,))], [I((), 0, 3)], [B((6,))],
        [A(np.array([2.5, -1.0, 2.5, 0.0]))],
    ], grad=False, covers=("Tensor.unique",)),
    OpSpec("unique-float", lambda lib, x: lib.unique(x), [[(5,)], [(2, 3)],
                                                          # (each nan is its own element)
                                                          [A(np.array([np.nan, 1.0, np.nan]))]],
           grad=False),
    OpSpec("unique-dim", lambda lib, x, d: lib.unique(
        x, return_inverse=True, return_counts=True, dim=d), [
        [A(np.array([[1, 2], [0, 5], [1, 2], [0, 1]])), C(0)],
        [A(np.array([[1, 2, 1], [0, 5, 0]])), C(1)], [I((0, 3)), C(0)],
    ], grad=False),
    OpSpec("searchsorted", lambda lib, s, v, right: lib.searchsorted(s, v, right=right), [
        [A(np.array([-1.0, 0.0, 0.5, 2.0])), F((3, 2)), C(False)],
        [A(np.array([1, 3, 3, 5, 7])), I((6,), 0, 9), C(False)],
        [A(np.array([1, 3, 3, 5, 7])), I((6,), 0, 9), C(True)],
        [A(np.array([[1, 3, 3, 5], [0, 2, 4, 4]])), I((2, 5), 0, 6), C(False)],
        [A(np.array([[1, 3, 3, 5], [0, 2, 4, 4]])), I((2, 5), 0, 6), C(True)],
        [A(np.array([[[1.0, 3], [0, 2]]])), A(np.array([[[2.0], [2.0]]])), C(True)],
        [A(np.array([1.0, 3.0])), A(np.zeros((0, 2))), C(False)],
        [A(np.array([1.0, 3.0])), C(2.0), C(False)],
    ], grad=False),
    OpSpec("searchsorted-side", lambda lib, s, v: (
        lib.searchsorted(s, v, side="right"), lib.searchsorted(s, v, out_int32=True),
        lib.searchsorted(s, v, sorter=lib.argsort(s))), [
        [A(np.array([5, 1, 3, 3, 7])), I((6,), 0, 9)],
    ], grad=False),
    OpSpec("bucketize", lambda lib, x, b, right: lib.bucketize(x, b, right=right), [
        [F((3, 4), -3, 3), A(np.array([-1.0, 0.0, 0.5, 2.0])), C(False)],
        [I((7,), 0, 7), A(np.array([1, 3, 3, 5])), C(True)],
        [I((7,), 0, 7), A(np.array([1, 3, 3, 5])), C(False)],
        [C(3), A(np.array([1, 3, 3, 5])), C(False)], [I((0,)), A(np.array([1, 2])), C(False)],
    ], grad=False),
]

for _reduce in ("sum", "mean", "amax", "amin", "prod"):
    for _self in (True, False):
        SPECS.append(OpSpec(
            "scatter_reduce" if (_reduce, _self) == ("sum", True) else
            f"scatter_reduce-{_reduce}-{_self}",
            lambda lib, x, d, i, s, r=_reduce, inc=_self: lib.scatter_reduce(
                x, d, i, s, r, include_self=inc),
            [[(4, 3), C(0), I((5, 3), 0, 4), (5, 3)], [(4, 3), C(1), I((2, 5), 0, 3), (2, 5)],
             [(5,), C(0), I((7,), 0, 3), (7,)]],
            covers=("Tensor.scatter_reduce",)))
SPECS.append(OpSpec("scatter_reduce-mean-int", lambda lib, x, i, s: x.scatter_reduce(
    0, i, s, "mean"), [[I((4, 3), -9, 9), I((5, 3), 0, 4), I((5, 3), -9, 9)]], grad=False))
SPECS.append(OpSpec("Tensor.scatter_reduce_", lambda lib, x, i, s: x.clone().scatter_reduce_(
    0, i, s, "amax", include_self=False), [[(4, 3), I((5, 3), 0, 4), (5, 3)]]))
