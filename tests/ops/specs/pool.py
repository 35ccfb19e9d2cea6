"""Specs: pooling of nn.functional (issue 3).

Random inputs have no ties, so max pooling's gradient is well defined; the first (tiny)
cases of each spec are the ones gradcheck and gradgradcheck run on.
"""
from ..harness import C, OpSpec


def pool(name):
    """``F.<name>(x, *args, **kw)``; args and kwargs come as C(tuple) and C(dict)."""
    return lambda lib, x, args, kw: getattr(lib.nn.functional, name)(x, *args, **kw)


IDX = dict(return_indices=True)

SPECS = [
    OpSpec("nn.functional.max_pool1d", pool("max_pool1d"), [
        [(1, 2, 6), C((2,)), C({})],
        [(2, 7), C((3,)), C(dict(stride=1, padding=1, return_indices=True))],
        [(2, 3, 9), C((3, 2, 1, 2)), C(dict(ceil_mode=True, return_indices=True))],
        [(0, 3, 9), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.max_pool2d", pool("max_pool2d"), [
        [(1, 2, 4, 4), C((2,)), C(IDX)],
        [(1, 1, 5, 5), C((3,)), C(dict(stride=2, padding=1, return_indices=True))],
        [(1, 2, 4, 5), C(((2, 3),)), C(dict(stride=1, dilation=(1, 2), ceil_mode=True))],
        [(2, 3, 8, 7), C((2,)), C(IDX)],
        [(2, 3, 9, 8), C((3, 2, 1)), C(dict(ceil_mode=True, return_indices=True))],
        [(2, 3, 9, 8), C(((3, 2), (2, 1), (1, 1), (2, 1))), C(IDX)],
        [(3, 6, 6), C((2,)), C(IDX)],
        [(0, 3, 6, 6), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.max_pool3d", pool("max_pool3d"), [
        [(1, 1, 3, 3, 3), C((2,)), C(dict(stride=1, return_indices=True))],
        [(2, 2, 5, 4, 6), C((2,)), C(dict(padding=1, ceil_mode=True, return_indices=True))],
        [(2, 4, 4, 4), C(((1, 2, 2),)), C(IDX)],
    ]),
    OpSpec("nn.functional.avg_pool1d", pool("avg_pool1d"), [
        [(1, 2, 6), C((2,)), C({})],
        [(2, 7), C((3,)), C(dict(stride=2, padding=1, ceil_mode=True))],
        [(2, 3, 8), C((3, 2, 1)), C(dict(ceil_mode=True, count_include_pad=False))],
        [(0, 3, 8), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.avg_pool2d", pool("avg_pool2d"), [
        [(1, 2, 4, 4), C((2,)), C({})],
        [(1, 1, 5, 5), C((3,)), C(dict(stride=2, padding=1, count_include_pad=False))],
        [(1, 2, 5, 4), C(((3, 2),)), C(dict(stride=2, padding=1, ceil_mode=True))],
        [(2, 3, 9, 8), C((3, 2, 1)), C(dict(ceil_mode=True, count_include_pad=False))],
        [(2, 3, 9, 8), C(((3, 2), (2, 1), (1, 0))), C(dict(divisor_override=4))],
        [(3, 6, 6), C((2,)), C({})],
        [(0, 3, 6, 6), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.avg_pool3d", pool("avg_pool3d"), [
        [(1, 1, 3, 3, 3), C((2,)), C(dict(stride=1))],
        [(2, 2, 5, 4, 6), C((2,)), C(dict(padding=1, ceil_mode=True,
                                           count_include_pad=False))],
        [(2, 4, 4, 4), C(((1, 2, 2),)), C(dict(divisor_override=3))],
    ]),
    OpSpec("nn.functional.adaptive_max_pool1d", pool("adaptive_max_pool1d"), [
        [(1, 2, 7), C((3,)), C(IDX)],
        [(2, 3, 10), C((4,)), C({})],
        [(3, 8), C((8,)), C(IDX)],
    ]),
    OpSpec("nn.functional.adaptive_max_pool2d", pool("adaptive_max_pool2d"), [
        [(1, 2, 5, 4), C(((2, 3),)), C(IDX)],
        [(1, 1, 6, 6), C((3,)), C(IDX)],
        [(2, 3, 9, 7), C(((4, None),)), C(IDX)],
        [(3, 7, 5), C((1,)), C({})],
        [(0, 3, 7, 5), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.adaptive_avg_pool1d", pool("adaptive_avg_pool1d"), [
        [(1, 2, 7), C((3,)), C({})],
        [(2, 3, 10), C((4,)), C({})],
        [(3, 8), C((1,)), C({})],
    ]),
    OpSpec("nn.functional.adaptive_avg_pool2d", pool("adaptive_avg_pool2d"), [
        [(1, 2, 5, 4), C(((2, 3),)), C({})],
        [(1, 1, 6, 6), C((3,)), C({})],
        [(2, 3, 9, 7), C(((4, None),)), C({})],
        [(3, 7, 5), C((1,)), C({})],
        [(0, 3, 7, 5), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.adaptive_avg_pool3d", pool("adaptive_avg_pool3d"), [
        [(1, 1, 3, 4, 3), C(((2, 3, 1),)), C({})],
        [(2, 2, 5, 6, 4), C((3,)), C({})],
    ]),
]
