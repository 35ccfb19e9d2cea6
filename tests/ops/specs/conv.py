"""Specs: convolutions of nn.functional (issue 3).

The first cases of each spec are tiny (gradcheck and gradgradcheck run on them, per element);
later ones cover strides, padding modes, dilation, groups, unbatched and empty batches.
"""
from ..harness import C, OpSpec


def conv(name):
    """``F.<name>(x, w, b, **kw)``; the kwargs come as a C(dict) last argument."""
    return lambda lib, x, w, b, kw: getattr(lib.nn.functional, name)(x, w, b, **kw)


def conv_nobias(name):
    return lambda lib, x, w, kw: getattr(lib.nn.functional, name)(x, w, **kw)


SPECS = [
    OpSpec("nn.functional.conv1d", conv("conv1d"), [
        [(1, 2, 5), (3, 2, 2), (3,), C({})],
        [(2, 2, 6), (2, 1, 3), (2,), C(dict(stride=2, padding=1, groups=2))],
        [(1, 2, 7), (2, 2, 2), (2,), C(dict(padding="same", dilation=3))],
        [(2, 4, 9), (6, 2, 3), (6,), C(dict(stride=3, padding=2, dilation=2, groups=2))],
        [(3, 8), (4, 3, 3), (4,), C(dict(padding="valid"))],
        [(0, 3, 8), (4, 3, 3), (4,), C(dict(padding=1))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv2d", conv("conv2d"), [
        [(1, 2, 4, 4), (2, 1, 2, 2), (2,), C(dict(stride=2, padding=1, groups=2))],
        [(1, 1, 4, 3), (2, 1, 2, 2), (2,), C(dict(padding="same", dilation=(1, 2)))],
        [(1, 1, 5, 4), (1, 1, 3, 2), (1,), C(dict(stride=(2, 1), padding=(1, 0)))],
        [(2, 3, 7, 6), (4, 3, 3, 3), (4,), C(dict(padding=1))],
        [(2, 4, 7, 6), (6, 2, 3, 2), (6,), C(dict(stride=(2, 3), padding=(1, 2),
                                                  dilation=(2, 1), groups=2))],
        [(2, 3, 6, 6), (4, 3, 2, 2), (4,), C(dict(padding="same"))],
        [(3, 5, 5), (2, 3, 3, 3), (2,), C({})],
        [(0, 3, 5, 5), (2, 3, 3, 3), (2,), C(dict(padding=1))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv2d-nobias", conv_nobias("conv2d"), [
        [(1, 1, 4, 4), (2, 1, 2, 2), C(dict(stride=2))],
        [(2, 3, 6, 5), (4, 3, 3, 3), C(dict(padding=(2, 1), dilation=2))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv3d", conv("conv3d"), [
        [(1, 1, 3, 3, 3), (2, 1, 2, 2, 2), (2,), C(dict(padding=(1, 0, 0)))],
        [(1, 2, 3, 3, 2), (2, 1, 2, 2, 1), (2,), C(dict(stride=2, padding=1, groups=2))],
        [(2, 2, 5, 4, 4), (3, 2, 3, 2, 3), (3,), C(dict(padding="same"))],
        [(2, 2, 5, 6, 4), (4, 2, 2, 3, 2), (4,), C(dict(stride=(1, 2, 1), dilation=(2, 1, 1)))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv_transpose1d", conv("conv_transpose1d"), [
        [(1, 2, 4), (2, 3, 2), (3,), C(dict(stride=2))],
        [(1, 2, 5), (2, 1, 3), (2,), C(dict(stride=2, padding=1, output_padding=1, groups=2))],
        [(2, 3, 6), (3, 2, 3), (2,), C(dict(stride=3, padding=2, dilation=2, output_padding=1))],
        [(3, 5), (3, 2, 2), (2,), C({})],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv_transpose2d", conv("conv_transpose2d"), [
        [(1, 2, 3, 3), (2, 1, 2, 2), (1,), C(dict(stride=2, padding=1, output_padding=1))],
        [(1, 2, 2, 3), (2, 1, 3, 2), (2,), C(dict(groups=2, dilation=(2, 1)))],
        [(2, 4, 5, 4), (4, 3, 3, 2), (3,), C(dict(stride=(3, 2), padding=(1, 1),
                                                  dilation=(2, 1), output_padding=(1, 0)))],
        [(2, 4, 4, 4), (4, 2, 3, 3), (4,), C(dict(stride=2, padding=1, groups=2))],
        [(2, 3, 5, 5), (3, 2, 3, 3), (2,), C(dict(padding=1, output_padding=1, dilation=2))],
        [(0, 2, 3, 3), (2, 3, 2, 2), (3,), C(dict(stride=2))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv_transpose3d", conv("conv_transpose3d"), [
        [(1, 2, 2, 2, 2), (2, 1, 2, 2, 2), (1,), C(dict(stride=2))],
        [(2, 2, 3, 2, 3), (2, 2, 2, 3, 2), (4,), C(dict(stride=(1, 2, 2), padding=1,
                                                     groups=2))],
    ], max_gradcheck_numel=60),
]
