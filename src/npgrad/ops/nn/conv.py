"""Convolutions: ``conv1d/2d/3d`` and ``conv_transpose1d/2d/3d``, one N-d implementation.

A convolution is a strided *window view* of the zero-padded input (no copy), copied into an
im2col buffer and contracted with the weight in one batched matmul, block by block over the
batch so that the buffer stays in cache (see :class:`Windows` for the layouts). With unit
strides and 'same'-sized outputs the columns are :class:`Taps`: shifted copies of the input
for the kernel's trailing offsets, its first-dim offsets being row shifts of them (a few
matmuls over views of one buffer, summed: a loop over kernel offsets, never over output
positions).
Three primitives are closed under differentiation, so gradients of any order are convolutions
again (the engine's double backward needs nothing else):

* :class:`Convolution`      ``y = conv(x, w)``                (forward)
* :class:`ConvTransposeData` ``x = conv_transpose(y, w)``    (d/dx of conv; user's transposed conv)
* :class:`ConvWeightGrad`   ``w = conv_weight(x, y)``        (d/dw of conv)

Each is bilinear, and the adjoint of one in either argument is one of the others. All three
share a geometry: ``stride``, per-side ``pads`` ((lo, hi) per spatial dim, so 'same' padding
with even kernels works), ``dilation`` and ``groups``.
"""
from __future__ import annotations

import numpy as np

from ...backend import ascontiguous
from .. import autocast
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ..._parallel import num_threads, parallel_chunks
from ...autograd.function import Primitive
from .._arguments import (Tensor, as_tensor_arg, describe, named_errors, int_arg,
                         tensor_or_none)
# the layouts; Geom, ntuple, pad_array, windows, im2col and col2im are also used from here by
# pooling and unfold / fold
from . import _conv_device as _device
from ..linalg.products import matmul
from .pad import constant_pad_nd
from ._conv_layout import (Geom, Taps, Windows, bias_shape, col2im, im2col, ntuple,  # noqa: F401
                           out_size, pad_array, windows)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "convolution",
           "conv_transpose3d", "conv_tbc"]


# ---------------------------------------------------------------------------------------------
# The three convolution primitives
# ---------------------------------------------------------------------------------------------

# OpenBLAS's SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD (m * n * k of a matmul)
_BLAS_SPLITS = 65536 * 4


# A transposed convolution of unit strides runs as a convolution when each group has at least
# this many output channels (the matmuls' rows): with 1 channel (the input gradient of a
# first layer) that was 30% slower than col2im; with 8 and 16, 8-13% faster.
_TRANSPOSED_ROWS = 8


def _largest(blocks: list) -> int:
    """The most samples in one of these batch blocks (the size of a columns buffer)."""
    return max(n1 - n0 for n0, n1 in blocks)


def _total(accs: list, shape: tuple, dtype) -> np.ndarray:
    """The sum of the threads' accumulators (zeros of ``shape`` for an empty batch)."""
    return sum(accs[1:], accs[0]) if accs else np.zeros(shape, dtype)


def _forward_layout(size: tuple, kernel: tuple, geom: Geom, out_sp, channels: int,
                    out_channels: int):
    """The forward's layout: :class:`Taps` where it applies, else the window view of the
    padded input (not the gradients' flat layout: it would need one more pass over the
    output to drop its extra columns)."""
    out_sp = tuple(out_sp) if out_sp is not None else out_size(size, kernel, geom)
    if Taps.fits(size, geom, out_sp):
        return Taps.of(size, kernel, geom, out_sp, Taps.split(kernel, channels, out_channels))
    return Windows.of(size, kernel, geom, out_sp, flat=False)


def _convolve(x: np.ndarray, w: np.ndarray, b, geom: Geom, out_sp=None) -> np.ndarray:
    """The array work of :class:`Convolution`: block by block over the batch, each block's
    columns filled by the layout and contracted with the weight, blocks shared by threads."""
    g, (N, C), O = geom.groups, x.shape[:2], w.shape[0]
    lay = _forward_layout(x.shape[2:], w.shape[2:], geom, out_sp, C, O)
    mats = lay.weights(w, b, g)  # the bias rides in the (first) matmul
    out = np.empty((N, O, lay.length), np.result_type(x, w))

    def run(blocks):  # one thread's samples, with its own columns buffer
        nb = _largest(blocks)
        buf = lay.new_columns(nb, g, C, b is not None, x.dtype)
        tmp = np.empty_like(out, shape=(nb,) + out.shape[1:]) if len(mats) > 1 else None
        for n0, n1 in blocks:
            cols = buf[:n1 - n0]
            lay.fill(cols, x[n0:n1])
            lay.contract(mats, cols, out[n0:n1], tmp)

    # OpenBLAS splits a matmul of more than _BLAS_SPLITS multiply-adds over its threads
    big = O // g * mats[0].shape[-1] * lay.length > _BLAS_SPLITS
    blocks = lay.blocks(N, C, x.itemsize, num_threads(), out_channels=O)
    parallel_chunks(blocks, run, one_blas_thread=big)
    return out.reshape((N, O) + lay.out_sp)


def _weight_grad_taps(x: np.ndarray, y: np.ndarray, geom: Geom, kernel: tuple) -> np.ndarray:
    """:class:`ConvWeightGrad` on the forward's :class:`Taps` columns of ``x``: per sample
    and first-dim offset, the columns' shifted view times ``y`` transposed (``(taps * C/g,
    L) @ (L, O/g)``; BLAS is about twice as fast this way round as ``y @ cols^T``), summed
    over samples. The split costs no pass over an output here (the products are small), so
    three times fewer copied rows come almost free."""
    g, (N, C), O = geom.groups, x.shape[:2], y.shape[1]
    lay = Taps.of(x.shape[2:], kernel, geom, tuple(y.shape[2:]), Taps.split(kernel, C, O))
    M, K, L = len(lay.offsets), lay.taps * (C // g), lay.length
    ym = y.reshape(N, g, O // g, L)
    dtype = np.result_type(x, y)

    def run(blocks):  # one thread's samples, summed into its own accumulator
        acc = np.zeros((M, g, K, O // g), dtype)
        buf = lay.new_columns(_largest(blocks), g, C, False, x.dtype)
        for n0, n1 in blocks:
            cols = buf[:n1 - n0]
            lay.fill(cols, x[n0:n1])
            yt = ym[n0:n1].transpose(0, 1, 3, 2)
            for i, off in enumerate(lay.offsets):
                start = lay.margin + off
                acc[i] += np.matmul(cols[..., start:start + L], yt).sum(0)
        return acc

    big = K * (O // g) * L > _BLAS_SPLITS
    blocks = lay.blocks(N, C, x.itemsize, num_threads(), out_channels=O)
    accs = parallel_chunks(blocks, run, one_blas_thread=big)
    acc = _total(accs, (M, g, K, O // g), dtype)
    # (M, g, taps, C/g, O/g) -> (g, O/g, C/g, M, taps) = (O, C/g, *kernel)
    acc = acc.reshape(M, g, lay.taps, C // g, O // g).transpose(1, 4, 3, 0, 2)
    return ascontiguous(acc).reshape((O, C // g) + kernel)


def _transposed_as_convolution(geom: Geom, kernel: tuple, in_sp: tuple, size: tuple):
    """The geometry under which a transposed convolution (``in_sp`` to ``size``) is a
    convolution with the flipped kernel, when that convolution runs on :class:`Taps`
    (unit strides, as with the input gradient of a 'same' convolution), else None."""
    if any(s != 1 for s in geom.stride):
        return None
    reach = [d * (k - 1) for d, k in zip(geom.dilation, kernel)]
    if any(lo > r or hi > r for (lo, hi), r in zip(geom.pads, reach)):
        return None
    flipped = Geom(geom.stride, tuple((r - lo, r - hi) for (lo, hi), r in zip(geom.pads, reach)),
                   geom.dilation, geom.groups)
    if out_size(in_sp, kernel, flipped) != tuple(size) or not Taps.fits(in_sp, flipped, size):
        return None
    return flipped


def _flipped_weight(w: np.ndarray, groups: int) -> np.ndarray:
    """The weight of the convolution that a transposed one with ``w`` is: in and out
    channels swapped within each group, the kernel turned by 180 degrees."""
    O, Cg = w.shape[:2]
    wt = w.reshape((groups, O // groups, Cg) + w.shape[2:]).swapaxes(1, 2)
    wt = wt.reshape((groups * Cg, O // groups) + w.shape[2:])
    return wt[(Ellipsis,) + (slice(None, None, -1),) * (w.ndim - 2)]


def _sum_bias(grad: Tensor) -> Tensor:
    return grad.sum((0,) + tuple(range(2, grad.ndim)))


class Convolution(Primitive):
    """``y[n, o] = sum_c x[n, c] (*) w[o, c] + b[o]`` over the windows given by ``geom``
    (``out_sp`` keeps only the first positions, for gradients of transposed convolutions)."""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, geom, out_sp=None):
        ctx.save_for_backward(x, w)
        ctx.geom = geom
        if type(x) is not np.ndarray:  # a device array
            return _device.convolve(x, w, b, geom, out_sp)
        return _convolve(x, w, b, geom, out_sp)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        gx = gw = gb = None
        packed = None
        # both start from the same packed copy of grad, unless the weight gradient runs on
        # Taps (which reads grad as it is)
        taps = Taps.fits(x.shape[2:], ctx.geom, grad.shape[2:])
        if need_x and need_w and not taps and type(grad._data) is np.ndarray:
            lay = Windows.of(x.shape[2:], w.shape[2:], ctx.geom, grad.shape[2:])
            packed = lay.pack(grad._data)
        if need_x:
            gx = ConvTransposeData.apply(grad, w, None, geom=ctx.geom, size=x.shape[2:],
                                         packed=packed)
        if need_w:
            gw = ConvWeightGrad.apply(x, grad, geom=ctx.geom, kernel=w.shape[2:],
                                      packed=packed)
        if need_b:
            gb = _sum_bias(grad)
        return gx, gw, gb


class ConvTransposeData(Primitive):
    """``x = conv_transpose(y, w) + b``: the adjoint of :class:`Convolution` in its input
    (``size`` is the spatial size of that input); also the user's transposed convolution."""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, y, w, b, geom, size, packed=None):
        ctx.save_for_backward(y, w)
        ctx.geom = geom
        if type(y) is not np.ndarray:  # a device array
            return _device.transpose_data(y, w, b, geom, size)
        # As a convolution (on Taps: no col2im), when its matmuls have rows enough to run
        # well (see _TRANSPOSED_ROWS).
        flipped = (_transposed_as_convolution(geom, w.shape[2:], y.shape[2:], size)
                   if w.shape[1] >= _TRANSPOSED_ROWS else None)
        if flipped is not None:
            return _convolve(y, _flipped_weight(w, geom.groups), b, flipped)
        g, (N, O), C = geom.groups, y.shape[:2], w.shape[1] * geom.groups
        lay = Windows.of(tuple(size), w.shape[2:], geom, y.shape[2:])
        Cg, Og, kk, L = C // g, O // g, lay.kk, lay.length
        # each group's weight as (columns, O/g); a column is (offset, channel) in the flat
        # layout (see add_cols), (channel, offset) for col2im
        wt = w.reshape(g, Og, Cg, kk).transpose((0, 3, 2, 1) if lay.flat else (0, 2, 3, 1))
        wt = ascontiguous(wt).reshape(g, Cg * kk, Og)
        yp = lay.pack(y) if packed is None else packed
        dtype = np.result_type(y, w)
        out = np.empty((N, C) + tuple(size), dtype)

        def run(blocks):  # one thread's samples: its own image, buffer and output rows
            s, e = blocks[0][0], blocks[-1][1]
            img = lay.new_image(e - s, C, dtype)
            # one buffer for all blocks: a fresh one each time page-faults
            buf = lay.new_cols(_largest(blocks), g, Cg * kk, dtype)
            for n0, n1 in blocks:
                cols = buf[:n1 - n0]
                # one output channel per group (depthwise): an outer product, which NumPy's
                # matmul computes about 2x slower than a broadcast multiply
                (np.multiply if Og == 1 else np.matmul)(
                    wt, yp[n0:n1].reshape(n1 - n0, g, Og, L), out=cols[..., :L])
                lay.add_cols(img, n0 - s, n1 - s, cols)
            lay.image(img, e - s, C, b, out=out[s:e])

        parallel_chunks(lay.blocks(N, C, y.itemsize, num_threads()), run)
        return out

    @staticmethod
    def backward(ctx, grad):
        y, w = ctx.saved_tensors
        need_y, need_w, need_b = ctx.needs_input_grad
        gy = gw = gb = None
        if need_y:
            gy = Convolution.apply(grad, w, None, geom=ctx.geom, out_sp=y.shape[2:])
        if need_w:
            gw = ConvWeightGrad.apply(grad, y, geom=ctx.geom, kernel=w.shape[2:])
        if need_b:
            gb = _sum_bias(grad)
        return gy, gw, gb


class ConvWeightGrad(Primitive):
    """``w[o, c] = sum_n x[n, c] (*) y[n, o]``: the adjoint of :class:`Convolution` in its
    weight, for a weight of spatial size ``kernel`` (``packed``: y's packed copy, if at
    hand)."""

    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, y, geom, kernel, packed=None):
        ctx.save_for_backward(x, y)
        ctx.geom = geom
        if type(x) is not np.ndarray:  # a device array
            return _device.weight_grad(x, y, geom, tuple(kernel))
        g, (N, C), O = geom.groups, x.shape[:2], y.shape[1]
        if Taps.fits(x.shape[2:], geom, y.shape[2:]):
            return _weight_grad_taps(x, y, geom, tuple(kernel))
        lay = Windows.of(x.shape[2:], tuple(kernel), geom, y.shape[2:])
        ckk, L = C // g * lay.kk, lay.length
        win = lay.view(x)
        yp = lay.pack(y) if packed is None else packed
        dtype = np.result_type(x, y)

        def run(blocks):  # one thread's samples, summed into its own accumulator
            acc = np.zeros((g, ckk, O // g), dtype)
            buf = np.empty((_largest(blocks),) + win.shape[1:], x.dtype)
            for n0, n1 in blocks:
                cols = buf[:n1 - n0]
                np.copyto(cols, win[n0:n1])
                # cols @ y^T per sample, transposed at the end: BLAS is about twice as fast
                # this way round here.
                part = np.matmul(cols.reshape(n1 - n0, g, ckk, L),
                                 yp[n0:n1].reshape(n1 - n0, g, O // g, L).transpose(0, 1, 3, 2))
                acc += part.sum(0)
            return acc

        accs = parallel_chunks(lay.blocks(N, C, x.itemsize, num_threads()), run)
        acc = _total(accs, (g, ckk, O // g), dtype)
        return ascontiguous(acc.transpose(0, 2, 1)).reshape((O, C // g) + tuple(kernel))

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = gy = None
        if need_x:
            gx = ConvTransposeData.apply(y, grad, None, geom=ctx.geom, size=x.shape[2:])
        if need_y:
            gy = Convolution.apply(x, grad, None, geom=ctx.geom, out_sp=y.shape[2:])
        return gx, gy


# ---------------------------------------------------------------------------------------------
# Argument checks (PyTorch's messages)
# ---------------------------------------------------------------------------------------------

def _check_dtypes(op: str, input: Tensor, weight: Tensor, bias) -> None:
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"{op}: expected scalar type {_name(input)} but found "
                           f"{_name(weight)} (input and weight: {describe(input, weight)})")
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}: Input type ({_name(input)}) and bias type ({_name(bias)}) "
                           f"should be the same")
    if not (is_float_np(input._data.dtype) or input._data.dtype.kind in "iub"):
        raise RuntimeError(f"{op}: not implemented for '{input._data.dtype}' tensors")


def _check_kernel(op: str, input: Tensor, n: int, transposed: bool) -> None:
    """The dtypes PyTorch's CPU kernels lack, refused where its kernel would (after the shape
    checks): no bool convolution, and int64 the only integer dtype of the transposed ones."""
    dt = input._data.dtype
    if dt.kind == "b" or transposed and dt.kind in "iu" and dt != np.int64:
        dims = "3d" if n == 3 else "2d"
        kernel = (f"slow_conv_transpose{dims}_out_cpu" if transposed
                  else "compute_columns3d" if n == 3 else "slow_conv2d_cpu")
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_name(input)}' ({op}: "
                                  f"input {describe(input)})")


def _name(t: Tensor) -> str:
    return _dt.scalar_type_name(t._data.dtype)


def _check_input(op: str, input: Tensor, n: int) -> bool:
    """Validate the input's rank; True when it is unbatched (no batch dim)."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {op}, "
                           f"but got input of size: {list(input.shape)}")
    return input.ndim == n + 1


def _check_geometry(op: str, stride, pads, dilation, groups) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{op}: non-positive stride is not supported")
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        raise RuntimeError(f"{op}: negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got "
                           f"{list(dilation)}")
    if groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported")


def _check_weight(op: str, input: Tensor, weight: Tensor, bias, n: int, groups: int,
                  transposed: bool) -> None:
    ws = list(weight.shape)
    if weight.ndim != n + 2:
        raise RuntimeError(f"{op}: expected weight to be {n + 2}-dimensional, but got weight "
                           f"of size {ws}")
    if not transposed and ws[0] < 1:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least 1 at dimension "
                           f"0, but got weight of size {ws} instead")
    if not transposed and ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{ws}] instead")
    expect = ws[0] if transposed else ws[1] * groups
    if input.shape[1] != expect:
        tag = "transposed=1, " if transposed else f"groups={groups}, "
        raise RuntimeError(f"Given {tag}weight of size {ws}, expected input"
                           f"{list(input.shape)} to have {expect} channels, but got "
                           f"{input.shape[1]} channels instead")
    if transposed and ws[0] % groups:
        raise RuntimeError(f"{op}: expected weight's dimension 0 ({ws[0]}) to be divisible by "
                           f"groups={groups}")
    out_ch = ws[1] * groups if transposed else ws[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_ch):
        raise RuntimeError(f"Given weight of size {ws}, expected bias to be 1-dimensional "
                           f"with {out_ch} elements, but got bias of size "
                           f"{list(bias.shape)} instead")


def _conv_pads(op: str, padding, n: int, kernel: tuple, stride: tuple,
               dilation: tuple) -> tuple:
    """(lo, hi) per dim from an int, a tuple, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding != "same":
            raise RuntimeError(f"{op}: Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError(f"{op}: padding='same' is not supported for strided "
                               f"convolutions")
        # NOTE: an odd total padding puts the extra element on the high side, as PyTorch.
        totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in ntuple(padding, n, "padding", op))


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------

def _convnd(n: int, op: str, input, weight, bias, stride, padding, dilation, groups) -> Tensor:
    input, weight = as_tensor_arg(input, op), as_tensor_arg(weight, op)
    unbatched = _check_input(op, input, n)
    if unbatched:
        input = input.unsqueeze(0)
    _check_dtypes(op, input, weight, bias)
    _check_weight(op, input, weight, bias, n, int(groups), transposed=False)
    _check_kernel(op, input, n, transposed=False)
    stride = ntuple(stride, n, "stride", op)
    dilation = ntuple(dilation, n, "dilation", op)
    kernel = tuple(weight.shape[2:])
    pads = _conv_pads(op, padding, n, kernel, stride, dilation)
    _check_geometry(op, stride, pads, dilation, int(groups))
    geom = Geom(stride, pads, dilation, int(groups))
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    if any(p < d * (k - 1) + 1 for p, d, k in zip(padded, dilation, kernel)):
        eff = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
        raise RuntimeError(f"{op}: Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, eff))}). Kernel size can't be greater than "
                           f"actual input size")
    out = Convolution.apply(input, weight, bias, geom=geom)
    return out.squeeze(0) if unbatched else out


@autocast.lower_precision
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution (cross-correlation) of ``input`` (N, C, L) with ``weight``
    (O, C/groups, k); ``padding`` may be an int, a tuple, 'valid' or 'same'."""
    return _convnd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


@autocast.lower_precision
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution of ``input`` (N, C, H, W) with ``weight`` (O, C/groups, kh, kw).

    >>> F.conv2d(npgrad.ones(1, 1, 3, 3), npgrad.ones(1, 1, 2, 2)).shape
    npgrad.Size([1, 1, 2, 2])
    """
    return _convnd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


@autocast.lower_precision
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """3-D convolution of ``input`` (N, C, D, H, W) with ``weight`` (O, C/groups, kd, kh, kw)."""
    return _convnd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(n: int, op: str, input, weight, bias, stride, padding, output_padding,
                      groups, dilation) -> Tensor:
    input, weight = as_tensor_arg(input, op), as_tensor_arg(weight, op)
    unbatched = _check_input(op, input, n)
    if unbatched:
        input = input.unsqueeze(0)
    _check_dtypes(op, input, weight, bias)
    groups = int(groups)
    _check_weight(op, input, weight, bias, n, groups, transposed=True)
    _check_kernel(op, input, n, transposed=True)
    if isinstance(padding, str):
        raise TypeError(f"{op}(): argument 'padding' must be an int or a tuple of ints, "
                        f"not str")
    stride = ntuple(stride, n, "stride", op)
    dilation = ntuple(dilation, n, "dilation", op)
    pads = tuple((p, p) for p in ntuple(padding, n, "padding", op))
    extra = ntuple(output_padding, n, "output_padding", op)
    _check_geometry(op, stride, pads, dilation, groups)
    if any(e < 0 or (e >= s and e >= d) for e, s, d in zip(extra, stride, dilation)):
        raise RuntimeError(f"{op}: output padding must be smaller than either stride or "
                           f"dilation, but got output_padding={list(extra)}, "
                           f"stride={list(stride)}, dilation={list(dilation)}")
    kernel = tuple(weight.shape[2:])
    size = tuple((i - 1) * s - lo - hi + d * (k - 1) + e + 1 for i, s, (lo, hi), d, k, e
                 in zip(input.shape[2:], stride, pads, dilation, kernel, extra))
    if any(s <= 0 for s in size):
        raise RuntimeError(f"{op}: Given input size per channel: {list(input.shape[2:])}. "
                           f"Calculated output size per channel: {list(size)}. Output size "
                           f"is too small")
    out = ConvTransposeData.apply(input, weight, bias, geom=Geom(stride, pads, dilation, groups),
                                  size=size)
    return out.squeeze(0) if unbatched else out


@autocast.lower_precision
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:
    """1-D transposed convolution ("deconvolution"): the gradient of ``conv1d`` in its input;
    ``weight`` is (C_in, C_out/groups, k)."""
    return _conv_transposend(1, "conv_transpose1d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


@autocast.lower_precision
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:
    """2-D transposed convolution; ``weight`` is (C_in, C_out/groups, kh, kw)."""
    return _conv_transposend(2, "conv_transpose2d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


@autocast.lower_precision
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:
    """3-D transposed convolution; ``weight`` is (C_in, C_out/groups, kd, kh, kw)."""
    return _conv_transposend(3, "conv_transpose3d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_tbc(input, weight, bias, pad: int = 0) -> Tensor:
    """1-D convolution in the (time, batch, channels) layout: ``input`` (T, B, C_in),
    ``weight`` (k, C_in, C_out), ``bias`` (C_out), ``pad`` zeros at both ends of time."""
    input = as_tensor_arg(input, "conv_tbc")
    if input.ndim != 3 or weight.ndim != 3:
        raise RuntimeError(f"conv_tbc: Input must have 3 dims: time, batch, in_channel (got "
                           f"{input.ndim}) and weight 3 dims: kernel, in_channel, out_channel "
                           f"(got {weight.ndim})")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError(f"conv_tbc: Input dim 2 (input channels) is not == dim 1 in the "
                           f"weight tensor ({input.shape[2]} vs {weight.shape[1]})")
    if not isinstance(bias, Tensor):
        raise TypeError(f"conv_tbc(): argument 'bias' (position 3) must be Tensor, not "
                        f"{type(bias).__name__}")
    if bias.ndim != 1:
        raise RuntimeError(f"conv_tbc: Bias must be 1-D (got shape {tuple(bias.shape)})")
    if bias.shape[0] != weight.shape[2]:
        raise RuntimeError("conv_tbc: Bias size must equal dim 2 in the weight tensor (output "
                           "channels).")
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')
    # One matmul per kernel tap over the input rows it meets, zero-padded afterwards: as
    # PyTorch's kernel, the padding adds nothing, not 0 * weight (NaN for an infinite weight);
    # a negative pad trims the output (PyTorch accepts it while the output is non-empty)
    k, T = weight.shape[0], input.shape[0]
    t_out = T + 2 * pad - k + 1
    if t_out < 0:
        raise RuntimeError(f"conv_tbc: Trying to create tensor with negative dimension "
                           f"{t_out}: [{t_out}, {input.shape[1]}, {weight.shape[2]}]")
    out = bias.expand(t_out, input.shape[1], weight.shape[2])
    for j in range(k):
        lo, hi = max(0, pad - j), min(t_out, T + pad - j)   # outputs t reading t + j - pad
        if hi > lo:
            term = matmul(input[lo + j - pad:hi + j - pad], weight[j])
            out = out + constant_pad_nd(term, (0, 0, 0, 0, lo, t_out - hi))
    return out


@named_errors("convolution")
def convolution(input, weight, bias, stride, padding, dilation, transposed: bool,
                output_padding, groups: int) -> Tensor:
    """``torch.convolution``: the one entry that every convolution goes through in PyTorch,
    with every option spelled out (lists of ints, one per spatial dim of ``weight``), for
    batched input only; ``transposed`` picks ``conv_transpose{n}d``."""
    op = "convolution"
    input, weight = as_tensor_arg(input, op), as_tensor_arg(weight, op, "weight")
    bias = tensor_or_none(bias, op, "bias", 3)
    groups = int_arg(groups, op, "groups", 9)
    if groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported")
    names = ("stride", "padding", "dilation", "output_padding")
    for position, (name, v) in enumerate(zip(names, (stride, padding, dilation,
                                                       output_padding))):
        if not isinstance(v, (tuple, list)):
            raise TypeError(f"convolution(): argument '{name}' (position "
                            f"{4 + position + (position == 3)}) must be tuple of ints, not "
                            f"{type(v).__name__}")
    n = weight.ndim - 2
    if input.ndim != weight.ndim:
        raise RuntimeError(f"{op}: Expected {weight.ndim}-dimensional input for "
                           f"{weight.ndim}-dimensional weight {list(weight.shape)}, but got "
                           f"{input.ndim}-dimensional input of size {list(input.shape)} "
                           f"instead")
    for name, v in zip(names, (stride, padding, dilation, output_padding)):
        if len(v) not in (1, n):
            raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list "
                               f"of {n} values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")
    if transposed:
        return _conv_transposend(n, op, input, weight, bias, stride, padding, output_padding,
                                 groups, dilation)
    return _convnd(n, op, input, weight, bias, stride, padding, dilation, groups)
