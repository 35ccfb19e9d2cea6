"""Specs: sorting and searching (issue 3)."""
import numpy as np

from ..harness import A, B, C, F, I, OpSpec

SHAPES = [[(5,)], [(3, 4)], [(2, 3, 4)], [()], [(0, 3)]]

SPECS = [
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
    ], covers=("Tensor.topk",)),
    OpSpec("kthvalue", lambda lib, x, k, d, keep: lib.kthvalue(x, k, d, keep), [
        [(6,), C(3), C(-1), C(False)], [(3, 5), C(2), C(0), C(True)],
        [(2, 3, 4), C(4), C(2), C(False)], [(), C(1), C(0), C(False)],
        [(4, 0), C(1), C(0), C(False)],
    ], covers=("Tensor.kthvalue",)),
    OpSpec("unique", lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), [
        [I((3, 5), 0, 4)], [I((0,))], [I((), 0, 3)], [B((6,))],
        [A(np.array([2.5, -1.0, 2.5, 0.0]))],
    ], grad=False, covers=("Tensor.unique",)),
    OpSpec("unique-float", lambda lib, x: lib.unique(x), [[(5,)], [(2, 3)]], grad=False),
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
