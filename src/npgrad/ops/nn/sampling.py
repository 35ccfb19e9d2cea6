"""Resampling: ``interpolate``, ``unfold`` / ``fold`` (im2col / col2im), ``pixel_shuffle``.

Every ``interpolate`` mode (nearest, nearest-exact, linear, bilinear, bicubic, trilinear,
area) is a separable linear map: one small (out, in) matrix per spatial dim, applied by
matmuls along each dim (``resample.Resample``). Its gradient applies the transposed matrices,
so it is differentiable to any order; adaptive average pooling uses it too.

Also ``channel_shuffle``.
"""
from __future__ import annotations

import itertools
import math
import warnings
from math import prod

import numpy as np

from ...backend import on_device_of
from ...dtypes import is_float_np, scalar_type_name
from ...autograd.function import Primitive
from .conv import Geom, col2im, im2col, ntuple, out_size
from .._arguments import as_tensor_arg, describe, int_arg, Tensor
from ..elementwise.binary import where
from .pool import _adaptive_avg_poolnd
from .resample import Resample
from .activation import float_kernel_input

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "unfold", "fold", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
           "native_channel_shuffle", "affine_grid",
           "grid_sample"]


def _scale(L: int, o: int, scale, align_corners: bool, dtype) -> float:
    """PyTorch's source-per-destination step (``area_pixel_compute_scale``)."""
    if align_corners:
        return dtype((L - 1) / (o - 1)) if o > 1 else dtype(0)
    return dtype(1.0 / scale) if scale is not None and scale > 0 else dtype(L / o)


def _nearest_matrix(L: int, o: int, scale, exact: bool, dtype) -> np.ndarray:
    # PyTorch computes nearest indices in float32, whatever the tensor's dtype.
    s = _scale(L, o, scale, False, np.float32)
    dst = np.arange(o, dtype=np.float32)
    if exact:
        src = np.floor((dst + np.float32(0.5)) * s)
    elif o == L or o == 2 * L:
        src = np.arange(o) * L // o  # PyTorch's shortcuts for these two sizes
    else:
        src = np.floor(dst * s)
    src = np.minimum(src.astype(np.int64), L - 1)
    m = np.zeros((o, L), dtype)
    m[np.arange(o), src] = 1
    return m


def _linear_matrix(L: int, o: int, scale, align_corners: bool, dtype) -> np.ndarray:
    s = _scale(L, o, scale, align_corners, dtype)
    dst = np.arange(o, dtype=dtype)
    src = s * dst if align_corners else np.maximum(s * (dst + dtype(0.5)) - dtype(0.5), 0)
    i0 = src.astype(np.int64)
    lam = (src - i0).astype(dtype)
    i1 = np.minimum(i0 + 1, L - 1)
    m = np.zeros((o, L), dtype)
    np.add.at(m, (np.arange(o), i0), 1 - lam)
    np.add.at(m, (np.arange(o), i1), lam)
    taps = np.zeros((o, L), bool)  # (PyTorch reads both, a weight of 0 included)
    taps[np.arange(o), i0] = taps[np.arange(o), i1] = True
    return m, taps


_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution coefficient


def _cubic_near(x):
    """The cubic convolution kernel at distance ``x`` in [0, 1] (arrays or Tensors)."""
    return ((_CUBIC_A + 2) * x - (_CUBIC_A + 3)) * x * x + 1


def _cubic_far(x):
    """The cubic convolution kernel at distance ``x`` in [1, 2]."""
    return ((_CUBIC_A * x - 5 * _CUBIC_A) * x + 8 * _CUBIC_A) * x - 4 * _CUBIC_A


def _cubic_matrix(L: int, o: int, scale, align_corners: bool, dtype) -> np.ndarray:
    s = _scale(L, o, scale, align_corners, dtype)
    dst = np.arange(o, dtype=dtype)
    src = s * dst if align_corners else s * (dst + dtype(0.5)) - dtype(0.5)
    i0 = np.floor(src).astype(np.int64)
    t = (src - i0).astype(dtype)
    x = np.stack([t + 1, t, 1 - t, 2 - t])  # distances to the four neighbours
    w = np.where(x <= 1, _cubic_near(x), _cubic_far(x)).astype(dtype)
    m = np.zeros((o, L), dtype)
    taps = np.zeros((o, L), bool)
    for j in range(4):  # the four taps of the cubic kernel; border taps are clamped
        np.add.at(m, (np.arange(o), np.clip(i0 - 1 + j, 0, L - 1)), w[j])
        taps[np.arange(o), np.clip(i0 - 1 + j, 0, L - 1)] = True
    return m, taps


_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}
_NAMES = {"nearest": "UpsampleNearest{n}D", "nearest-exact": "UpsampleNearestExact{n}D",
          "linear": "UpsampleLinear1D", "bilinear": "UpsampleBilinear2D",
          "trilinear": "UpsampleTrilinear3D", "bicubic": "UpsampleBicubic2D"}


def _output_size(op: str, size_in: tuple, size, scale_factor, n: int) -> tuple:
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = ntuple(size, n, "size", op) if not isinstance(size, (list, tuple)) or \
            len(size) in (1, n) else None
        if out is None:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(size_in)} and output size of {list(size)}. Please provide "
                             f"input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             f"(o1, o2, ...,oK) format.")
        return out, (None,) * n
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else \
        (scale_factor,) * n
    if len(scales) != n and isinstance(scale_factor, (list, tuple)):  # (as PyTorch: a number
        # fits any number of dims, and an input of under 3 dims is refused later)
        raise ValueError(f"Input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of {list(size_in)} "
                         f"and scale_factor of shape {list(scales)}.")
    out = tuple(int(math.floor(float(L) * float(s))) for L, s in zip(size_in, scales))
    return out, tuple(float(s) for s in scales)


def interpolate(input, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                recompute_scale_factor=None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of ``input`` (N, C, *S) to ``size`` or by ``scale_factor``.

    Modes: 'nearest', 'nearest-exact', 'linear' (3-D input), 'bilinear' and 'bicubic' (4-D),
    'trilinear' (5-D) and 'area' (adaptive average pooling); ``align_corners`` for the
    linear and cubic modes.
    """
    op = "interpolate"
    input = as_tensor_arg(input, op)
    n = input.ndim - 2
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating "
                         "modes: linear | bilinear | bicubic | trilinear")
    # PyTorch checks the output size against the spatial dims first (ValueError), then the
    # input's dims and dtype
    size_in = tuple(input.shape[2:])
    out_sp, scales = _output_size(op, size_in, size, scale_factor, n)
    if input._data.dtype != np.uint8:  # (PyTorch's resampling kernels: floats and uint8)
        float_kernel_input(input, op, "adaptive_avg_pool2d" if mode == "area" else
                           f"upsample_{mode.split('-')[0]}{max(n, 1)}d")
    if mode in ("nearest", "nearest-exact", "area"):
        pass
    elif mode in _LINEAR:
        if _LINEAR[mode] != n:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                      f"{_LINEAR[mode] + 2}D input")
        align_corners = bool(align_corners)
    else:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.ndim}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if n < 1 or n > 3:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.ndim}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by npgrad")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor:
        scales = (None,) * n
    if mode == "area":
        return _adaptive_avg_poolnd(n, f"adaptive_avg_pool{n}d", input, out_sp)
    dtype = input._data.dtype
    if not is_float_np(dtype) and mode not in ("nearest", "nearest-exact"):
        raise NotImplementedError(f"{op}: '{mode}' mode is not implemented for '{dtype}'")
    taps = None  # (the nearest modes read exactly the nonzero entries)
    if mode in ("nearest", "nearest-exact"):
        mats = tuple(_nearest_matrix(L, o, s, mode == "nearest-exact", dtype)
                     for L, o, s in zip(size_in, out_sp, scales))
    else:
        build = _cubic_matrix if mode == "bicubic" else _linear_matrix
        mats, taps = zip(*(build(L, o, s, align_corners, dtype.type)
                           for L, o, s in zip(size_in, out_sp, scales)))
    name = _NAMES[mode].format(n=n) + "Backward0"
    return Resample.apply(input, mats=mats, name=name, taps=taps)


def upsample(input, size=None, scale_factor=None, mode: str = "nearest",
             align_corners=None) -> Tensor:
    """Deprecated in PyTorch for ``interpolate`` (warns as PyTorch does)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None) -> Tensor:
    """Deprecated in PyTorch: ``interpolate(..., mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None) -> Tensor:
    """Deprecated in PyTorch: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------------------------------------
# unfold / fold: im2col and col2im on (N, C, H, W), an adjoint pair
# ---------------------------------------------------------------------------------------------

class Im2Col(Primitive):
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, geom):
        ctx.size, ctx.kernel, ctx.geom = x.shape[2:], kernel, geom
        out_sp = out_size(x.shape[2:], kernel, geom)
        N, C = x.shape[:2]
        return im2col(x, kernel, out_sp, geom).reshape(N, C * prod(kernel), prod(out_sp))

    @staticmethod
    def backward(ctx, grad):
        return Col2Im.apply(grad, size=ctx.size, kernel=ctx.kernel, geom=ctx.geom)


class Col2Im(Primitive):
    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, size, kernel, geom):
        ctx.kernel, ctx.geom = kernel, geom
        N, ck = cols.shape[:2]
        out_sp = out_size(size, kernel, geom)
        cols = cols.reshape((N, ck // prod(kernel)) + tuple(kernel) + out_sp)
        return col2im(cols, tuple(size), geom)

    @staticmethod
    def backward(ctx, grad):
        return Im2Col.apply(grad, kernel=ctx.kernel, geom=ctx.geom)


def _fold_geom(op: str, kernel_size, dilation, padding, stride) -> tuple:
    kernel = ntuple(kernel_size, 2, "kernel_size", op)
    dilation = ntuple(dilation, 2, "dilation", op)
    padding = ntuple(padding, 2, "padding", op)
    stride = ntuple(stride, 2, "stride", op)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got "
                           f"kernel_height: {kernel[0]} kernel_width: {kernel[1]}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{op}: stride should be greater than zero, but got stride_height: "
                           f"{stride[0]} stride_width: {stride[1]}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got "
                           f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"{op}: padding should be non-negative, but got pad_height: "
                           f"{padding[0]} pad_width: {padding[1]}")
    return kernel, Geom(stride, tuple((p, p) for p in padding), dilation)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding local blocks of ``input`` (N, C, H, W) or (C, H, W) as columns:
    (N, C * kh * kw, L), L being the number of blocks (im2col)."""
    input = as_tensor_arg(input, "unfold")
    if input._data.dtype.kind in "iu":
        float_kernel_input(input, "unfold", "im2col_out_cpu")
    if input.ndim not in (3, 4) or any(s == 0 for s in input.shape[-3:]):
        raise RuntimeError(f"unfold: Expected 3D or 4D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    kernel, geom = _fold_geom("unfold", kernel_size, dilation, padding, stride)
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    if any(s < 1 for s in out_size(x.shape[2:], kernel, geom)):
        raise RuntimeError(f"unfold: Given input with spatial size {list(x.shape[2:])}, "
                           f"kernel_size={list(kernel)}, dilation={list(geom.dilation)}, "
                           f"padding={[p for p, _ in geom.pads]}, calculated shape of the array "
                           f"of sliding blocks as {list(out_size(x.shape[2:], kernel, geom))}, "
                           f"but its components must be at least one.")
    out = Im2Col.apply(x, kernel=kernel, geom=geom)
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum columns (N, C * kh * kw, L) back into an (N, C, *output_size) image (col2im);
    overlapping blocks add up. The adjoint of :func:`unfold`."""
    input = as_tensor_arg(input, "fold")
    if input._data.dtype.kind in "iu":
        float_kernel_input(input, "fold", "col2im_out_cpu")
    if input.ndim not in (2, 3) or any(s == 0 for s in input.shape[-2:]):
        raise RuntimeError(f"fold: Expected 2D or 3D (batch mode) tensor for input with "
                           f"possibly 0 batch size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    size = ntuple(output_size, 2, "output_size", "fold")
    kernel, geom = _fold_geom("fold", kernel_size, dilation, padding, stride)
    batched = input.ndim == 3
    x = input if batched else input.unsqueeze(0)
    kk = kernel[0] * kernel[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"fold: Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size={list(kernel)}")
    blocks = out_size(size, kernel, geom)
    if any(b < 1 for b in blocks) or x.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"fold: Given output_size={list(size)}, kernel_size={list(kernel)}, "
                           f"dilation={list(geom.dilation)}, padding="
                           f"{[p for p, _ in geom.pads]}, stride={list(geom.stride)}, expected "
                           f"size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, "
                           f"but got input.size(2)={x.shape[2]}.")
    out = Col2Im.apply(x, size=size, kernel=kernel, geom=geom)
    return out if batched else out.squeeze(0)


# ---------------------------------------------------------------------------------------------
# Pixel shuffle: channels <-> space (pure reshapes and a permute)
# ---------------------------------------------------------------------------------------------

def pixel_shuffle(input, upscale_factor: int) -> Tensor:
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r), as sub-pixel convolution layers use."""
    input = as_tensor_arg(input, "pixel_shuffle")
    r = int_arg(upscale_factor, "pixel_shuffle", "upscale_factor", 2)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    m = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(m), m, m + 3, m + 1, m + 4, m + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor: int) -> Tensor:
    """(*, C, H * r, W * r) -> (*, C * r * r, H, W): the inverse of :func:`pixel_shuffle`."""
    input = as_tensor_arg(input, "pixel_unshuffle")
    r = int_arg(downscale_factor, "pixel_unshuffle", "downscale_factor", 2)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but input.size(-2)={h} and input.size(-1)={w} "
                           f"are not divisible by {r}")
    m = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(m), m, m + 2, m + 4, m + 1, m + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups: int) -> Tensor:
    """Interleave the channels (dim 1) of ``groups`` groups, as ShuffleNet does."""
    input = as_tensor_arg(input, "channel_shuffle")
    groups = int_arg(groups, "channel_shuffle", "groups", 2)
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups ({describe(input)}).")
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)


def native_channel_shuffle(input, groups: int) -> Tensor:
    """``channel_shuffle`` (PyTorch's kernel-level name for the same op). NOTE: PyTorch's has
    no derivative; npgrad's is differentiable, as channel_shuffle is."""
    return channel_shuffle(input, groups)


def _base_coords(n: int, align_corners: bool) -> np.ndarray:
    """The normalised [-1, 1] coordinates of ``n`` pixels: their centres, or (with
    ``align_corners``) from the first pixel's centre to the last's."""
    if n <= 1:
        return np.zeros(max(n, 0))
    if align_corners:
        return np.linspace(-1.0, 1.0, n)
    return (np.arange(n) * 2 + 1) / n - 1


def _align_corners_or_warn(align_corners: bool | None) -> bool:
    """``align_corners`` of grid_sample/affine_grid: None means False, with PyTorch's warning
    that the default changed in 1.3.0."""
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                      "align_corners=False since 1.3.0. Please specify align_corners=True if "
                      "the old behavior is desired. See the documentation of grid_sample for "
                      "details.", stacklevel=3)
        return False
    return align_corners


def affine_grid(theta, size, align_corners=None) -> Tensor:
    """The sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps ``theta``
    (N, 2, 3) (or (N, 3, 4)) over an output of ``size`` (N, C, H, W) (or (N, C, D, H, W)),
    in ``grid_sample``'s normalised coordinates (x first)."""
    op = "affine_grid"
    theta = as_tensor_arg(theta, op)
    align_corners = _align_corners_or_warn(align_corners)
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    k = len(size) - 2
    if theta._data.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    if tuple(theta.shape) != (size[0], k, k + 1):
        raise ValueError(f"Expected a batch of {k}D affine matrices of shape Nx{k}x{k + 1} for "
                         f"size {size}. Got {tuple(theta.shape)}.")
    spatial = size[2:]
    axes = [_base_coords(n, align_corners) for n in reversed(spatial)]  # x (last dim) first
    mesh = np.meshgrid(*reversed(axes), indexing="ij")  # in (D,) H, W order
    base = np.stack(list(reversed(mesh)) + [np.ones(spatial)], -1)
    base = base.reshape(1, -1, k + 1).astype(theta._data.dtype)
    grid = Tensor._make(on_device_of(base, theta._data)) @ theta.mT
    return grid.reshape(size[0], *spatial, k)


# ---------------------------------------------------------------------------------------------
# grid_sample: values of ``input`` at the normalised (x, y) positions of a grid
# ---------------------------------------------------------------------------------------------

def _unnormalize(coord: Tensor, size: int, align_corners: bool) -> Tensor:
    """[-1, 1] to pixel coordinates: -1 and 1 are the corner pixels' centres
    (``align_corners``) or their outer edges."""
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord: Tensor, low2: int, high2: int) -> Tensor:
    """Reflect coordinates into [low2 / 2, high2 / 2] (PyTorch's reflect_coordinates)."""
    if low2 == high2:
        return coord * 0
    lo, span = low2 / 2, (high2 - low2) / 2
    dist = (coord - lo).abs()
    flips = Tensor._make(np.floor(dist._data / span))
    extra = dist - flips * span
    odd = Tensor._make(flips._data % 2 == 1)
    return where(odd, span - extra + lo, extra + lo)


def _source_coord(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    return _padded(_unnormalize(coord, size, align_corners), size, padding_mode, align_corners)


def _padded(c: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Pixel coordinates moved inside the image by 'border' or 'reflection' padding."""
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        c = c.clamp(0, size - 1)
    return c


def _pixel_index(x: np.ndarray, size: int) -> np.ndarray:
    """Whole pixel coordinates as integers; a NaN, infinite or huge one becomes an index
    outside the image (-2 or ``size + 1``; casting them is undefined)."""
    return np.clip(np.nan_to_num(x, nan=-2.0), -2, size + 1).astype(np.int64)


def _corner(input: Tensor, batch: np.ndarray, idx: list, weights=()) -> Tensor:
    """``input[n, :, *idx]`` as (N, C, *grid) times ``weights``, zero where ``idx`` (one
    integer array per spatial dim) is outside the image. The outside corners' input values
    are replaced by 0, not multiplied by it, so an infinite one gives no NaN (as PyTorch);
    the weights are not (an infinite coordinate's are NaN, as PyTorch's)."""
    sizes = input.shape[2:]
    inside = True
    for i, n in zip(idx, sizes):
        inside = inside & (i >= 0) & (i < n)
    inside = Tensor._make(inside[:, None])
    picked = input[(batch, slice(None), *(np.clip(i, 0, n - 1) for i, n in zip(idx, sizes)))]
    term = where(inside, picked.movedim(-1, 1), 0.0)
    for w in weights:
        term = term * w
    return term


def grid_sample(input, grid, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners=None) -> Tensor:
    """Sample ``input`` (N, C, H, W) at ``grid`` (N, Ho, Wo, 2) of normalised (x, y)
    positions in [-1, 1] (or (N, C, D, H, W) at (N, Do, Ho, Wo, 3) of (x, y, z)):
    'bilinear' (trilinear in 3-d), 'nearest' or 'bicubic' (4-d only); outside the image
    'zeros', 'border' (the edge) or 'reflection'."""
    op = "grid_sample"
    input, grid = as_tensor_arg(input, op), as_tensor_arg(grid, op)
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    align_corners = _align_corners_or_warn(align_corners)
    return _grid_sample(input, grid, mode, padding_mode, align_corners)


def _bicubic(input: Tensor, grid: Tensor, padding_mode: str, align_corners: bool) -> Tensor:
    """grid_sample's bicubic mode: cubic convolution over the 4x4 pixels around each point,
    along x within each row, then along y; the padding applies to each of the 16 taps (as
    PyTorch's), so the grid's gradient comes through the kernel weights alone."""
    H, W = input.shape[2], input.shape[3]
    ix = _unnormalize(grid[..., 0], W, align_corners)
    iy = _unnormalize(grid[..., 1], H, align_corners)
    x0, y0 = np.floor(ix._data), np.floor(iy._data)
    tx = (ix - Tensor._make(x0)).unsqueeze(1)
    ty = (iy - Tensor._make(y0)).unsqueeze(1)
    wx = [_cubic_far(tx + 1), _cubic_near(tx), _cubic_near(1 - tx), _cubic_far(2 - tx)]
    wy = [_cubic_far(ty + 1), _cubic_near(ty), _cubic_near(1 - ty), _cubic_far(2 - ty)]

    def tap(c: np.ndarray, size: int) -> np.ndarray:
        moved = _padded(Tensor._make(c), size, padding_mode, align_corners)._data
        return np.rint(moved).astype(np.int64)

    batch = np.arange(input.shape[0])[:, None, None]
    out = None
    for j in range(4):
        ys = tap(y0 + (j - 1), H)
        row = None
        for i in range(4):
            term = _corner(input, batch, [ys, tap(x0 + (i - 1), W)]) * wx[i]
            row = term if row is None else row + term
        out = row * wy[j] if out is None else out + row * wy[j]
    return out


def _check_grid(input: Tensor, grid: Tensor) -> None:
    """PyTorch's checks of grid_sampler's shapes, in its order."""
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.ndim == 0 or grid.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions "
                         "(grid_sampler)")
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in "
                           f"last dimension, but got grid with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got {shapes}")
    if input.ndim != 4 or grid.ndim != 4:
        if input.ndim != 5 or grid.ndim != 5:
            raise RuntimeError(f"grid_sampler(): expected {4 if input.ndim == 4 else 5}D input "
                               f"and grid with same number of dimensions, but got {shapes}")
    for d in range(2, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(input.shape)} with "
                               f"dimension {d} being empty")


def _grid_sample(input: Tensor, grid: Tensor, mode: str, padding_mode: str,
                 align_corners: bool) -> Tensor:
    """grid_sample once its arguments are checked (``torch.grid_sampler``'s entry too)."""
    _check_grid(input, grid)
    k = input.ndim - 2
    # PyTorch's 2-D kernel returns an empty output before it looks at the dtypes
    if k == 2 and input.shape[0] * input.shape[1] * grid.shape[1] * grid.shape[2] == 0 \
            and (not is_float_np(input._data.dtype) or grid._data.dtype != input._data.dtype):
        return Tensor._make(np.zeros_like(input._data, shape=(*input.shape[:2],
                                                                *grid.shape[1:3])))
    if not is_float_np(input._data.dtype):
        kernel = "grid_sampler_2d_cpu_kernel_impl" if k == 2 else "grid_sampler3d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{scalar_type_name(input._data.dtype)}'")
    if grid._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input._data.dtype)} but found "
                           f"{scalar_type_name(grid._data.dtype)} (grid: {describe(grid)})")
    if mode == "bicubic":
        if k != 2:
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
        return _bicubic(input, grid, padding_mode, align_corners)
    spatial = input.shape[2:]
    # the grid's last dim lists x (the last spatial dim) first
    coords = [_source_coord(grid[..., k - 1 - d], spatial[d], padding_mode, align_corners)
              for d in range(k)]
    batch = np.arange(input.shape[0]).reshape(-1, *[1] * k)
    if mode == "nearest":
        idx = [_pixel_index(np.rint(c._data), n) for c, n in zip(coords, spatial)]
        # the grid gets a zero gradient (not none), as PyTorch's nearest mode gives it (a
        # where, not grid * 0, which is NaN at an infinite coordinate)
        nothing = Tensor._make(np.zeros_like(grid._data, dtype=bool))
        return _corner(input, batch, idx) + where(nothing, grid, 0.0).sum(-1).unsqueeze(1)
    low = [_pixel_index(np.floor(c._data), n) for c, n in zip(coords, spatial)]
    high = [(c - Tensor._make(lo.astype(c._data.dtype))).unsqueeze(1)
            for c, lo in zip(coords, low)]  # the weight of the upper neighbour, per dim
    out = None
    for corner in itertools.product((0, 1), repeat=k):  # PyTorch's order: x fastest
        term = _corner(input, batch, [lo + b for lo, b in zip(low, corner)],
                       [w if b else 1 - w for b, w in zip(corner, high)])
        out = term if out is None else out + term
    return out
