"""The memory layouts of convolutions: the geometry of windows (:class:`Geom`), the window
view of an input, im2col / col2im (shared with pooling and unfold / fold), and
:class:`Windows`, the block-wise layouts the convolution primitives (``conv.py``) run on."""
from __future__ import annotations

from functools import lru_cache
from math import prod
from typing import NamedTuple

import numpy as np

from ...backend import as_strided as strided_view, ascontiguous
from numpy.lib.stride_tricks import as_strided



# ---------------------------------------------------------------------------------------------
# Geometry and the array kernels (im2col / col2im), shared with pooling and unfold/fold
# ---------------------------------------------------------------------------------------------

class Geom(NamedTuple):
    """Where the windows of a convolution sit: per spatial dim stride, (lo, hi) padding and
    dilation, plus the number of channel groups."""

    stride: tuple
    pads: tuple
    dilation: tuple
    groups: int = 1


def ntuple(value, n: int, name: str, op: str) -> tuple:
    """An int or a sequence of 1 or ``n`` ints, as a tuple of ``n`` ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    try:
        out = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' must be an int or a tuple of ints, "
                        f"not {type(value).__name__}") from None
    if len(out) == 1:
        return out * n
    if len(out) != n:
        raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of "
                           f"{n} values to match the convolution dimensions, but got "
                           f"{name}={list(out)}")
    return out


def out_size(size: tuple, kernel: tuple, geom: Geom) -> tuple:
    """Number of window positions along each spatial dim."""
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1 for s, k, st, (lo, hi), d
                 in zip(size, kernel, geom.stride, geom.pads, geom.dilation))


def pad_array(x: np.ndarray, pads: tuple, value=0) -> np.ndarray:
    """``x`` with its trailing ``len(pads)`` dims padded by (lo, hi) elements of ``value``."""
    if not any(lo or hi for lo, hi in pads):
        return x
    n = len(pads)
    shape = x.shape[:-n] + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[-n:], pads))
    out = np.full_like(x, value, shape=shape)
    out[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[-n:], pads))] = x
    return out


def _strided(base: np.ndarray, shape: tuple, strides: tuple) -> np.ndarray:
    """A read-only view of ``base``'s memory (as ``as_strided``; for a contiguous ``base``
    built directly, which costs a third of ``as_strided``'s call overhead)."""
    if type(base) is not np.ndarray:
        return strided_view(base, shape, strides)
    if not base.flags.c_contiguous:
        return as_strided(base, shape, strides, writeable=False)
    view = np.ndarray(shape, base.dtype, buffer=base, strides=strides)
    view.flags.writeable = False
    return view


def windows(xp: np.ndarray, out_sp: tuple, kernel: tuple, stride: tuple,
            dilation: tuple) -> np.ndarray:
    """Read-only view ``(*lead, *out_sp, *kernel)`` of every window of the padded ``xp``."""
    n = len(kernel)
    lead, st = xp.shape[:-n], xp.strides[-n:]
    shape = lead + tuple(out_sp) + tuple(kernel)
    strides = (xp.strides[:-n] + tuple(a * s for a, s in zip(st, stride))
               + tuple(a * d for a, d in zip(st, dilation)))
    return _strided(xp, shape, strides)


def im2col(x: np.ndarray, kernel: tuple, out_sp: tuple, geom: Geom) -> np.ndarray:
    """The im2col buffer of ``x`` (N, C, *S): a contiguous ``(N, C, *kernel, *out_sp)``."""
    n = len(kernel)
    win = windows(pad_array(x, geom.pads), out_sp, kernel, geom.stride, geom.dilation)
    order = (0, 1) + tuple(range(2 + n, 2 + 2 * n)) + tuple(range(2, 2 + n))
    return ascontiguous(win.transpose(order))


def col2im(cols: np.ndarray, size: tuple, geom: Geom) -> np.ndarray:
    """Adjoint of :func:`im2col`: add every ``(N, C, *kernel, *out_sp)`` column back into its
    window of an ``(N, C, *size)`` array (overlapping windows accumulate)."""
    n = len(size)
    kernel, out_sp = cols.shape[2:2 + n], cols.shape[2 + n:]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, geom.pads))
    out = np.zeros_like(cols, shape=cols.shape[:2] + padded)
    # A loop over the kernel's offsets (9 for 3x3), each a strided add over all positions:
    # a vectorised scatter-add (np.add.at) of overlapping windows is several times slower.
    for k in np.ndindex(*kernel):
        dst = tuple(slice(i * d, i * d + s * (p - 1) + 1, s) for i, d, s, p
                    in zip(k, geom.dilation, geom.stride, out_sp))
        out[(slice(None), slice(None)) + dst] += cols[(slice(None), slice(None)) + k]
    return _crop(out, size, geom.pads)


def _crop(out: np.ndarray, size: tuple, pads: tuple) -> np.ndarray:
    if out.shape[2:] == tuple(size):
        return out
    return ascontiguous(
        out[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(size, pads))])


# Convolutions run block by block over the batch: each block's columns (im2col) are copied
# into a buffer of about this size, which stays in the L2 cache for the matmul that reads
# them straight after (a whole-batch im2col buffer of several MB made the matmul ~2x slower).
_BLOCK_BYTES = 4 << 20
# A convolution forward of fewer multiply-adds runs on one thread (~0.1 ms of matmul here):
# 32 samples of 8->16 channels, 3x3, on 14x14 images (7M) took twice as long on 2 threads,
# on 28x28 images (29M) 0.7x as long.
_SHARE_MACS = 16 << 20


def batch_blocks(n: int, per_sample: int, parts: int = 1, share: bool | None = None) -> list:
    """``(start, stop)`` of batch blocks of near-equal size whose columns (``per_sample``
    bytes a sample) fill at most about _BLOCK_BYTES, in a multiple of ``parts`` blocks (so
    that ``parts`` threads get equal shares) when ``share`` (by default: when the work
    takes more than one block; handing a share to another thread costs ~0.05-0.1 ms on a
    small VM, waking it and waiting for it). A loop over these is cache blocking over
    samples, never over output positions."""
    count = max(1, -(-n * max(1, per_sample) // _BLOCK_BYTES))
    if count > 1 if share is None else share:
        count = min(n, -(-count // parts) * parts)
    bounds = [n * i // count for i in range(count + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


class Windows:
    """The memory layout of a convolution's windows over an input of spatial ``size``.

    Everything is sample-major: a sample's columns are a ``(C * prod(kernel), length)``
    matrix, and its output a ``(O, length)`` matrix, so a block of samples is one batched
    matmul with the weight whose result is already in NCHW order (no transposing copy).
    ``view`` is the window view of the input (no copy), ``pack`` and ``unpack`` move
    ``(N, O, *out_sp)`` arrays in and out of the ``(N, O, length)`` layout, and ``add_cols``
    is the adjoint of the columns (col2im).

    With unit strides (``flat``, used by the gradients) the windows are taken over each
    sample's *flattened* padded input: a window element at kernel offset k is a fixed shift
    of the flat position, so the window view has long contiguous rows (fast to copy) and
    col2im is one contiguous shifted add per offset. Positions then run over the padded
    width; ``unpack`` drops the extra columns and ``pack`` fills them with zeros. The forward
    uses :class:`Taps` when it can, else the N-d window view of the padded input (no extra
    columns).
    """

    def __init__(self, size: tuple, kernel: tuple, geom: Geom, out_sp: tuple | None = None,
                 flat: bool = True):
        self.size, self.kernel, self.geom = tuple(size), tuple(kernel), geom
        self.out_sp = tuple(out_sp) if out_sp is not None else out_size(size, kernel, geom)
        self.kk = prod(kernel)
        unit = all(s == 1 for s in geom.stride) and len(size) > 0
        self.flat = flat and unit
        if not self.flat:
            self.length = prod(self.out_sp)
            self.rest = self.out_sp
            return
        padded = [s + lo + hi for s, (lo, hi) in zip(size, geom.pads)]
        padded[0] += 1  # one spare row: the last window's extra columns read past the end
        self.padded = tuple(padded)
        self.row = [prod(padded[d + 1:]) for d in range(len(padded))]
        self.length = self.out_sp[0] * self.row[0]
        self.rest = (self.length,)
        self.pads = ((geom.pads[0][0], geom.pads[0][1] + 1),) + geom.pads[1:]
        # flat shift of each kernel offset, in C order
        self.offsets = [sum(i * d * r for i, d, r in zip(k, geom.dilation, self.row))
                        for k in np.ndindex(*self.kernel)]

    @staticmethod
    @lru_cache(maxsize=256)
    def of(size: tuple, kernel: tuple, geom: Geom, out_sp: tuple | None = None,
           flat: bool = True) -> "Windows":
        """The (cached) layout for these sizes: layers call it with the same sizes each step."""
        return Windows(size, kernel, geom, out_sp, flat)

    def blocks(self, n: int, channels: int, itemsize: int, parts: int = 1,
               out_channels: int = 0) -> list:
        """Batch blocks for columns of ``channels`` channels (see :func:`batch_blocks`; the
        budget was tuned on the columns alone, so ``out_channels`` is not counted here)."""
        return batch_blocks(n, channels * self.kk * self.length * itemsize, parts)

    def view(self, x: np.ndarray) -> np.ndarray:
        """Read-only window view ``(N, C, *kernel, *rest)`` of ``x``: copied block by block
        it gives each sample's columns."""
        N, C = x.shape[:2]
        n = x.ndim - 2
        item = x.itemsize
        if not self.flat:
            win = windows(pad_array(x, self.geom.pads), self.out_sp, self.kernel,
                          self.geom.stride, self.geom.dilation)
            return win.transpose((0, 1) + tuple(range(2 + n, 2 + 2 * n))
                                 + tuple(range(2, 2 + n)))
        xp = pad_array(x, self.pads).reshape(N, C, prod(self.padded))
        shape = (N, C) + self.kernel + (self.length,)
        strides = (xp.strides[:2] + tuple(d * r * item for d, r in
                                          zip(self.geom.dilation, self.row)) + (item,))
        return _strided(xp, shape, strides)

    # The forward's block interface, as :class:`Taps`'s (the N-d window view, one matmul)

    def weights(self, w: np.ndarray, b, groups: int) -> list:
        """The matmul's weight, ``(groups, O/groups, C/groups * kk [+ 1])``: the bias rides
        as a last column (its columns get a row of ones)."""
        O = w.shape[0]
        wm = w.reshape(groups, O // groups, prod(w.shape[1:]))  # (not -1: O may be 0)
        if b is not None:
            wm = np.concatenate([wm, b.reshape(groups, O // groups, 1).astype(wm.dtype)], axis=2)
        return [wm]

    def new_columns(self, n: int, groups: int, channels: int, bias: bool, dtype) -> np.ndarray:
        """A columns buffer for ``n`` samples, ``(n, groups, C/groups * kk [+ 1], length)``."""
        rows = channels // groups * self.kk
        cols = np.empty((n, groups, rows + bias, self.length), dtype)
        if bias:
            cols[:, :, rows] = 1
        return cols

    def fill(self, cols: np.ndarray, x: np.ndarray) -> None:
        """Copy the windows of the samples ``x`` (N, C, *size) into ``cols``."""
        n, g = cols.shape[:2]
        win = self.view(x)
        win = win.reshape((n, g, -1) + win.shape[2:])  # (a view: splits the channels)
        dst = cols[:, :, :win.shape[2] * self.kk]
        np.copyto(dst.reshape(win.shape), win)  # (a view too: splits the rows)

    def contract(self, mats: list, cols: np.ndarray, out: np.ndarray, tmp=None) -> None:
        """``out`` (n, O, length) = the convolution of the samples whose columns these are."""
        n, g = cols.shape[:2]
        np.matmul(mats[0], cols, out=out.reshape(n, g, mats[0].shape[1], self.length))

    def pack(self, y: np.ndarray) -> np.ndarray:
        """``(N, O, *out_sp)`` to ``(N, O, length)`` (zeros in the extra flat columns)."""
        N, O = y.shape[:2]
        if self.flat and y.ndim > 3:
            buf = np.zeros_like(y, shape=(N, O, self.out_sp[0]) + self.padded[1:])
            buf[(Ellipsis,) + tuple(slice(o) for o in self.out_sp[1:])] = y
        else:
            buf = ascontiguous(y)
        return buf.reshape(N, O, self.length)

    def unpack(self, out: np.ndarray, bias=None) -> np.ndarray:
        """``(N, O, length)`` to a contiguous ``(N, O, *out_sp)``, adding ``bias`` on the
        way (one pass over the output either way)."""
        N, O = out.shape[:2]
        if self.flat:
            out = out.reshape((N, O, self.out_sp[0]) + self.padded[1:])
            out = out[(Ellipsis,) + tuple(slice(o) for o in self.out_sp[1:])]
        else:
            out = out.reshape((N, O) + self.out_sp)
        if bias is None:
            return ascontiguous(out)
        if out.flags.c_contiguous:
            out += bias.reshape(bias_shape(len(self.out_sp)))
            return out
        return np.add(out, bias.reshape(bias_shape(len(self.out_sp))), order="C")

    def new_image(self, N: int, C: int, dtype) -> np.ndarray:
        """The zero image that :meth:`add_cols` accumulates into (flat layout: all samples and
        channels in one flat array, plus room for the last shifted add)."""
        if self.flat:
            return np.zeros(N * C * prod(self.padded) + self.offsets[-1], dtype)
        return np.empty((N, C) + self.size, dtype)

    def new_cols(self, n: int, g: int, rows: int, dtype) -> np.ndarray:
        """A buffer for ``n`` samples' columns, ``(n, g, rows, span)``: the matmul fills the
        first ``length`` of each row; in the flat layout the rest (to the padded image's
        size) stays zero, so a row lines up with a whole channel of the flat image."""
        if self.flat:
            return np.zeros((n, g, rows, prod(self.padded)), dtype)
        return np.empty((n, g, rows, self.length), dtype)

    def add_cols(self, img: np.ndarray, n0: int, n1: int, cols: np.ndarray) -> None:
        """col2im of samples ``n0:n1``: add their columns (a :meth:`new_cols` buffer) into
        their windows of ``img`` (a :meth:`new_image`); overlapping windows accumulate.

        Flat layout: rows ordered (group, kernel offset, channel). Each kernel offset is one
        shifted add over the block's whole flat image (a few long rows: NumPy's strided
        2-d adds cost ~3x per element over many short rows). Positions past a row's real
        windows hold zero gradient, so what they add across a channel's end is zero."""
        nb, g = cols.shape[:2]
        if not self.flat:
            C = g * cols.shape[2] // self.kk
            img[n0:n1] = col2im(cols.reshape((nb, C) + self.kernel + self.out_sp),
                                self.size, self.geom)
            return
        per = cols.shape[2] // self.kk * cols.shape[3]  # one group's channels, flat
        cols = cols.reshape(nb, g, self.kk, per)
        span = nb * g * per
        base = n0 * g * per
        for k, off in enumerate(self.offsets):
            img[base + off:base + off + span].reshape(nb, g, per)[...] += cols[:, :, k]

    def image(self, img: np.ndarray, N: int, C: int, bias=None, out=None) -> np.ndarray:
        """The finished ``(N, C, *size)`` image of :meth:`new_image`, plus ``bias``, written
        into ``out`` when given (one pass either way)."""
        if self.flat:
            img = img[:N * C * prod(self.padded)].reshape((N, C) + self.padded)
            img = img[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in
                                          zip(self.size, self.pads))]
        if bias is not None:
            return np.add(img, bias.reshape(bias_shape(len(self.size))), out=out, order="C")
        if out is None:
            return ascontiguous(img)
        np.copyto(out, img)
        return out


class Taps:
    """The layout for unit strides when the output is as large as the input in every dim but
    the first (as with 'same' padding), for the forward and the weight gradient (and so the
    input gradient, a convolution too): no im2col buffer of every kernel offset.

    The kernel's offsets along the trailing dims (``kernel[1:]``; all of them for 1-d) are
    the *taps*: a sample's columns hold, per tap and channel, a row with a copy of that
    channel shifted by the tap's flat offset. The copies of all taps are one strided copy
    (one NumPy call: every call in a thread's share of the work waits for the GIL, and on a
    small VM a wait costs a wake-up of ~35 us), and each row is one contiguous run (NumPy
    copies short runs several times slower per element). Where a tap's window element falls
    in the padding, the shifted copy holds a neighbouring row's value instead: those *bands*
    are zeroed after the copy (zeroed, not multiplied by a mask, so that an inf there cannot
    make a NaN), and the margins around the copies are zero.

    With ``split``, the offsets along the first dim are not copied at all: they are row
    shifts of these columns, so they are ``kernel[0]`` matmuls over shifted views of one
    buffer, summed. That trades ``kernel[0] - 1`` passes over the output for ``kernel[0]``
    times fewer copied rows, which pays when the input has enough channels next to the
    output's (:meth:`split`); otherwise all offsets are taps and there is one matmul, an
    im2col whose rows are long runs.
    """

    def __init__(self, size: tuple, kernel: tuple, geom: Geom, out_sp: tuple, split: bool):
        n = len(size)
        self.out_sp = out_sp
        self.length = prod(out_sp)
        row = [prod(size[d + 1:]) for d in range(n)]
        lo = [p for p, _ in geom.pads]
        m = 1 if split else 0  # the dims whose offsets are matmuls, not taps
        self.tap_shape = tuple(kernel[m:])
        self.taps = prod(self.tap_shape)
        self.offsets = ([i * geom.dilation[0] * row[0] for i in range(kernel[0])] if m
                        else [0])
        grid = self.length + self.offsets[-1]  # what the matmuls read of a row
        self.grid = (grid // row[0],) + tuple(size[1:])
        # Grid position u of tap t's row holds input element u + shift(t) (flat), with
        # shift(t) = first + sum_d t_d * step_d: so the copy of tap t starts at u = -shift(t)
        # and is the whole flat input; margins keep every copy inside its own row.
        steps = [geom.dilation[d] * row[d] for d in range(m, n)]
        first = sum((-lo[d]) * row[d] for d in range(n))
        shifts = [first + sum(i * st for i, st in zip(tap, steps))
                  for tap in np.ndindex(*self.tap_shape)]
        flat = prod(size)
        self.margin = max(0, max(shifts))  # before the grid
        self.row_length = self.margin + max(grid, flat - min(shifts))
        self.copy_start = self.margin - first
        # every row is zero before the latest start and after the earliest end of a copy
        self.zero_until = self.margin - min(shifts)
        self.zero_from = self.margin - max(shifts) + flat
        self.steps = steps
        self.flat_size = flat
        # bands: per dim d >= 1 and tap index i along it, the output positions whose input
        # index along d falls outside [0, size[d])
        self.bands = []
        for d in range(1, n):
            for i in range(kernel[d]):
                shift = i * geom.dilation[d] - lo[d]
                for a, b in ((0, -shift), (size[d] - shift, size[d])):
                    a, b = max(0, a), min(size[d], b)
                    if a < b:
                        taps = tuple(i if ax == d - m else slice(None)
                                     for ax in range(len(self.tap_shape)))
                        self.bands.append(taps + (slice(None),) * (d + 1) + (slice(a, b),)
                                          + (slice(None),) * (n - 1 - d))

    @staticmethod
    def fits(size: tuple, geom: Geom, out_sp: tuple) -> bool:
        """Whether this layout applies: unit strides, output as large as the input in every
        dim but the first."""
        return (all(s == 1 for s in geom.stride) and len(size) > 0
                and tuple(out_sp[1:]) == tuple(size[1:]) and prod(out_sp) > 0)

    @staticmethod
    def split(kernel: tuple, channels: int, out_channels: int) -> bool:
        """Whether to make the first dim's offsets matmuls (see the class): when a tap has
        more input rows, ``prod(kernel[1:]) * channels``, than the output has channels. (Per
        first-dim offset, that many rows are not copied, and one pass over the output is
        added; measured on 32 28x28 images: 8->16 and 16->32 channels split, 1->8 and 3->64
        do not.)"""
        return len(kernel) > 1 and prod(kernel[1:]) * channels > out_channels

    @staticmethod
    @lru_cache(maxsize=256)
    def of(size: tuple, kernel: tuple, geom: Geom, out_sp: tuple, split: bool) -> "Taps":
        """The (cached) layout for these sizes."""
        return Taps(size, kernel, geom, out_sp, split)

    def blocks(self, n: int, channels: int, itemsize: int, parts: int = 1,
               out_channels: int = 0) -> list:
        """Batch blocks for columns of ``channels`` channels (see :func:`batch_blocks`),
        counting a block's output rows and products too: they stay in cache with its
        columns (measured: 16->32 channels on 28x28 images, blocks of 8 samples instead of
        16 made the forward 1.7x faster). Shared between threads when the matmuls make
        more than _SHARE_MACS multiply-adds (the columns are smaller than im2col's, so
        their size no longer tells)."""
        per = (channels * self.taps * self.row_length
               + out_channels * self.length * (1 + (len(self.offsets) > 1)))
        macs = n * out_channels * channels * self.taps * len(self.offsets) * self.length
        return batch_blocks(n, per * itemsize, parts, share=macs > _SHARE_MACS)

    def weights(self, w: np.ndarray, b, groups: int) -> np.ndarray:
        """The matmuls' weights, ``(matmuls, groups, O/groups, taps * C/groups [+ 1])``:
        the bias is the last column of the first (its columns get a row of ones), zero in
        the others."""
        O, Cg = w.shape[:2]
        M = len(self.offsets)
        mats = w.reshape(groups, O // groups, Cg, M, self.taps).transpose(3, 0, 1, 4, 2)
        out = np.zeros((M, groups, O // groups, self.taps * Cg + (b is not None)), w.dtype)
        out[..., :self.taps * Cg] = mats.reshape(M, groups, O // groups, self.taps * Cg)
        if b is not None:
            out[0, ..., -1] = b.reshape(groups, O // groups)
        return out

    def new_columns(self, n: int, groups: int, channels: int, bias: bool, dtype) -> np.ndarray:
        """A columns buffer for ``n`` samples, ``(n, groups, taps * C/groups [+ 1],
        row_length)``, with a row of ones under the bias and zero margins: every row is
        zeroed before the latest start and after the earliest end of a tap's copy (a few
        times less than the whole buffer), as :meth:`fill` rewrites every copy."""
        rows = self.taps * (channels // groups)
        cols = np.empty((n, groups, rows + bias, self.row_length), dtype)
        cols[:, :, :rows, :self.zero_until] = 0
        cols[:, :, :rows, self.zero_from:] = 0
        if bias:
            cols[:, :, rows] = 1
        return cols

    def fill(self, cols: np.ndarray, x: np.ndarray) -> None:
        """Write the columns of the samples ``x`` (N, C, *size) into ``cols``."""
        n, g = cols.shape[:2]
        Cg = x.shape[1] // g
        item, row = cols.itemsize, cols.strides[2]
        taps = len(self.tap_shape)
        # tap t's rows start at (t_flat * Cg) rows + copy_start - sum_d t_d * step_d
        tap_strides = tuple(prod(self.tap_shape[a + 1:]) * Cg * row - st * item
                            for a, st in enumerate(self.steps))
        dst = strided_view(cols[..., self.copy_start:],
                         (n, g) + self.tap_shape + (Cg, self.flat_size),
                         cols.strides[:2] + tap_strides + (row, item))
        np.copyto(dst, x.reshape((n, g) + (1,) * taps + (Cg, self.flat_size)))
        if self.bands:  # (one index array for all bands, zeroed by np.put: measured slower)
            grid = cols[:, :, :self.taps * Cg, self.margin:self.margin + prod(self.grid)]
            grid = grid.reshape((n, g) + self.tap_shape + (Cg,) + self.grid)
            for idx in self.bands:
                grid[(slice(None), slice(None)) + idx] = 0

    def contract(self, mats: np.ndarray, cols: np.ndarray, out: np.ndarray, tmp=None) -> None:
        """``out`` (n, O, length) = the convolution of the samples whose columns these are
        (``tmp``, as large as ``out``, holds the products of the matmuls after the first).
        (One matmul over a stack of the offsets' views, summed by one reduce, makes fewer
        calls but measured 10-20% slower: its products are three times the output.)"""
        n, g = cols.shape[:2]
        L = self.length
        out = out.reshape(n, g, mats.shape[2], L)
        for i, (wm, off) in enumerate(zip(mats, self.offsets)):
            start = self.margin + off
            view = cols[:, :, :, start:start + L]
            if i == 0:
                np.matmul(wm, view, out=out)
            else:
                out += np.matmul(wm, view, out=tmp[:n].reshape(out.shape))


def bias_shape(n: int) -> tuple:
    """The shape that broadcasts a bias over ``n`` spatial dims."""
    return (-1,) + (1,) * n
