"""Specs: interpolate, unfold / fold and pixel_shuffle of nn.functional (issue 3)."""
from ..harness import C, OpSpec


def fn(name):
    """``F.<name>(x, *args, **kw)``; args and kwargs come as C(tuple) and C(dict)."""
    return lambda lib, x, args, kw: getattr(lib.nn.functional, name)(x, *args, **kw)


def interp(**kw):
    return lambda lib, x: lib.nn.functional.interpolate(x, **kw)


SMALL2D, MID2D = [[(1, 1, 3, 4)], [(1, 2, 2, 3)]], [[(2, 3, 5, 4)], [(2, 2, 4, 7)]]

SPECS = [
    OpSpec("nn.functional.interpolate", interp(scale_factor=2), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-nearest-size", interp(size=(5, 3)), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-nearest-1d", interp(scale_factor=1.7),
           [[(1, 2, 4)], [(2, 3, 7)], [(0, 3, 7)]]),
    OpSpec("nn.functional.interpolate-nearest-3d", interp(size=(3, 2, 5)),
           [[(1, 1, 2, 3, 2)], [(2, 2, 4, 3, 3)]]),
    OpSpec("nn.functional.interpolate-nearest-exact",
           interp(scale_factor=(1.5, 0.7), mode="nearest-exact"), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-bilinear",
           interp(size=(5, 7), mode="bilinear"), SMALL2D + MID2D + [[(0, 2, 3, 3)]]),
    OpSpec("nn.functional.interpolate-bilinear-align",
           interp(scale_factor=(1.5, 0.6), mode="bilinear", align_corners=True),
           SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-bilinear-down",
           interp(scale_factor=0.6, mode="bilinear", recompute_scale_factor=True), MID2D),
    OpSpec("nn.functional.interpolate-bicubic", interp(scale_factor=2, mode="bicubic"),
           SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-bicubic-align",
           interp(size=(3, 6), mode="bicubic", align_corners=True), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-linear", interp(scale_factor=2.5, mode="linear"),
           [[(1, 2, 4)], [(2, 3, 7)]]),
    OpSpec("nn.functional.interpolate-trilinear",
           interp(size=(3, 4, 2), mode="trilinear", align_corners=False),
           [[(1, 1, 2, 2, 3)], [(2, 2, 4, 3, 3)]]),
    OpSpec("nn.functional.interpolate-area", interp(size=(2, 3), mode="area"), MID2D),
    OpSpec("nn.functional.unfold", fn("unfold"), [
        [(1, 2, 3, 3), C((2,)), C({})],
        [(1, 1, 4, 5), C(((2, 3),)), C(dict(dilation=(1, 2), padding=1, stride=(2, 1)))],
        [(2, 3, 6, 5), C((3,)), C(dict(padding=1))],
        [(3, 5, 4), C((2,)), C(dict(stride=2))],
        [(0, 3, 5, 4), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.fold", fn("fold"), [
        [(1, 4, 4), C(((3, 3), 2)), C({})],
        [(1, 6, 9), C(((4, 5), (2, 3))), C(dict(dilation=(1, 2), padding=1, stride=(2, 1)))],
        [(2, 18, 30), C(((6, 5), 3)), C(dict(padding=1, stride=1))],
        [(8, 6), C(((4, 6), 2)), C(dict(stride=2))],
        [(0, 8, 6), C(((4, 6), 2)), C(dict(stride=2))],
    ]),
    OpSpec("nn.functional.pixel_shuffle", fn("pixel_shuffle"), [
        [(1, 4, 2, 3), C((2,)), C({})],
        [(2, 18, 2, 2), C((3,)), C({})],
        [(8, 3, 2), C((2,)), C({})],
        [(2, 1, 4, 2, 2), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.pixel_unshuffle", fn("pixel_unshuffle"), [
        [(1, 1, 4, 6), C((2,)), C({})],
        [(2, 2, 6, 3), C((3,)), C({})],
        [(3, 4, 2), C((2,)), C({})],
    ]),
]
