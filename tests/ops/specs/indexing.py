"""Specs: indexing, the index/masked/take/put family and gather/scatter (issue 3)."""
import numpy as np

from ..harness import A, B, C, F, I, OpSpec


def _set(x, key, v):
    y = x.clone()
    y[key] = v
    return y


def _inplace(name):
    """``x.clone().<name>(*args)``: an in-place method, differentiable through the clone."""
    return lambda lib, x, *args: getattr(x.clone(), name)(*args)


S = slice(None)
PERM = A(np.array([[2, 0, 1, 3], [0, 1, 3, 2], [1, 3, 0, 0]])[:2])  # unique per column

SPECS = [
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
    OpSpec("Tensor.index_put_", lambda lib, x, v: x.clone().index_put_(
        (lib.tensor([0, 0, 2]),), v, accumulate=True), [[(5, 3), (3,)], [(5, 3), (3, 3)]]),
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
    OpSpec("Tensor.index_add_", lambda lib, x, i, s: x.clone().index_add_(0, i, s, alpha=2), [
        [(4, 3), I((6,), 0, 4), (6, 3)], [(4,), I((3,), 0, 4), (3,)]]),
    OpSpec("index_add-int", lambda lib, x, i, s: x.index_add(0, i, s, alpha=3), [
        [I((4, 3), -5, 5), I((6,), 0, 4), I((6, 3), -5, 5)]], grad=False),
    OpSpec("index_copy", lambda lib, x, d, i, s: lib.index_copy(x, d, i, s), [
        [(4, 3), C(0), A(np.array([3, 0])), (2, 3)], [(4, 3), C(1), A(np.array([2, 0, 1])), (4, 3)],
        [(4,), C(0), A(np.zeros(0, np.int64)), (0,)],
    ], covers=("Tensor.index_copy",)),
    OpSpec("Tensor.index_copy_", _inplace("index_copy_"), [
        [(4, 3), C(1), A(np.array([2, 0])), (4, 2)]]),
    OpSpec("index_fill", lambda lib, x, d, i, v: lib.index_fill(x, d, i, v), [
        [(4, 3), C(0), A(np.array([3, 0, 3])), C(1.5)], [(4, 3), C(1), A(np.array([2])), ()],
        [(2, 3, 4), C(2), I((3,), 0, 4), C(-2)],
    ], covers=("Tensor.index_fill",)),
    OpSpec("Tensor.index_fill_", _inplace("index_fill_"), [
        [(4, 3), C(1), A(np.array([2, 0])), ()], [(4, 3), C(0), A(np.array([1])), C(7.0)]]),
    # -- masks ---------------------------------------------------------------------------
    OpSpec("masked_fill", lambda lib, x, m, v: lib.masked_fill(x, m, v), [
        [(3, 4), B((3, 4)), C(0.5)], [(3, 4), B((4,)), ()], [(4,), B((2, 4)), C(-1.0)],
        [(), B(()), ()], [(0, 4), B((4,)), C(1)],
    ], covers=("Tensor.masked_fill",)),
    OpSpec("Tensor.masked_fill_", _inplace("masked_fill_"), [
        [(3, 4), B((4,)), ()], [(3, 4), B((3, 4)), C(-3.0)]]),
    OpSpec("masked_fill-int", lambda lib, x, m: x.masked_fill(m, 2.7), [
        [I((3, 4)), B((3, 4))]], grad=False),
    OpSpec("masked_select", lambda lib, x, m: lib.masked_select(x, m), [
        [(3, 4), B((3, 4))], [(3, 4), B((4,))], [(4,), B((2, 4))], [(), B(())],
        [(0, 4), B((4,))],
    ], covers=("Tensor.masked_select",)),
    OpSpec("masked_scatter", lambda lib, x, m, s: x.masked_scatter(m, s), [
        [(3, 4), B((3, 4)), (3, 4)], [(3, 4), B((4,)), (20,)], [(4,), B((2, 4)), (2, 5)],
    ], covers=("Tensor.masked_scatter",)),
    OpSpec("Tensor.masked_scatter_", _inplace("masked_scatter_"), [
        [(3, 4), B((4,)), (3, 4)]]),
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
    OpSpec("Tensor.put_", lambda lib, x, i, s: x.clone().put_(i, s, True), [
        [(3, 4), I((6,), 0, 12), (6,)]]),
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
    OpSpec("Tensor.scatter_", _inplace("scatter_"), [[(3, 4), C(1), PERM, (2, 4)]]),
    OpSpec("scatter_add", lambda lib, x, d, i, s: lib.scatter_add(x, d, i, s), [
        [(4, 3), C(0), I((5, 3), 0, 4), (5, 3)], [(4, 3), C(1), I((2, 5), 0, 3), (2, 5)],
        [(2, 3, 4), C(-1), I((2, 2, 6), 0, 4), (2, 2, 6)], [(), C(0), I((), 0, 1), ()],
    ], covers=("Tensor.scatter_add",)),
    OpSpec("Tensor.scatter_add_", _inplace("scatter_add_"), [
        [(4, 3), C(0), I((5, 3), 0, 4), (5, 3)]]),
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
