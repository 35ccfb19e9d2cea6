"""Fractional max pooling (Graham, 2014): ``fractional_max_pool2d/3d`` and their
``_with_indices`` forms. Each (sample, channel) plane pools windows of ``kernel_size`` whose
starts are spread pseudo-randomly from one random number per dim (``_random_samples``, in
[0, 1); drawn from npgrad's generator when not given), as PyTorch spreads them.

A composite: the window positions are computed in NumPy, the values gathered and the first
maximum of each window picked by ``gather`` again, so the gradient goes to that maximum.
"""
from __future__ import annotations

import numpy as np

from ...backend import array_module, on_device_of
from ...random import rng
from .._arguments import Tensor, as_tensor_arg
from ..indexing.scatter import gather
from .conv import ntuple

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"]


def _starts(sample: np.ndarray, size: int, out: int, k: int) -> np.ndarray:
    """The window starts of each plane (PyTorch's generate_intervals, in the input's float
    type): ``sample`` is one number per plane; returns (planes, out)."""
    dt = sample.dtype.type
    seq = np.empty_like(sample, np.int64, shape=sample.shape + (out,))
    if out > 1:
        alpha = dt(size - k) / dt(out - 1)
        i = array_module(sample).arange(out - 1, dtype=sample.dtype)
        seq[..., :-1] = ((i + sample[..., None]) * alpha).astype(np.int64) - \
            (sample * alpha).astype(np.int64)[..., None]
    if out > 0:
        seq[..., -1] = size - k
    return seq


def _fractional(n: int, op: str, input, kernel_size, output_size, output_ratio,
                random_samples) -> tuple:
    input = as_tensor_arg(input, op)
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{op}: Expected {n + 1}D or {n + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    kernel = ntuple(kernel_size, n, "kernel_size", op)
    size = tuple(x.shape[2:])
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{op} requires specifying either an output_size or an "
                             f"output_ratio")
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * n
        output_size = tuple(int(s * r) for s, r in zip(size, ratio))
    out = ntuple(output_size, n, "output_size", op)
    for d in range(n):
        if out[d] + kernel[d] - 1 > size[d]:
            raise RuntimeError(f"{op}: out(): pool size {kernel[d]} too large relative to "
                               f"input size {size[d]} and output size {out[d]}")
    N, C = x.shape[:2]
    dt = x._data.dtype if x._data.dtype.kind == "f" else np.float32
    if random_samples is None:
        samples = rng(None, x._data).random((N, C, n)).astype(dt)  # (x's device's generator)
    else:
        samples = on_device_of(as_tensor_arg(random_samples, op)._data.astype(dt), x._data)
    # PyTorch's sample order: (w, h) in 2-d, (t, h, w) in 3-d
    dims = (1, 0) if n == 2 else (0, 1, 2)
    xp = array_module(x._data)
    flat = xp.zeros((N, C) + out + kernel, np.int64)
    stride = 1
    for d in reversed(range(n)):
        start = _starts(samples[..., dims[d]], size[d], out[d], kernel[d])  # (N, C, out_d)
        pos = start[..., :, None] + xp.arange(kernel[d])  # (N, C, out_d, k_d)
        shape = [N, C] + [1] * (2 * n)
        shape[2 + d], shape[2 + n + d] = out[d], kernel[d]
        flat = flat + pos.reshape(shape) * stride
        stride *= size[d]
    flat = flat.reshape(N, C, -1, int(np.prod(kernel)))
    windows = gather(x.reshape(N, C, -1), 2, Tensor._make(flat.reshape(N, C, -1)))
    windows = windows.reshape(N, C, flat.shape[2], flat.shape[3])
    best = np.argmax(windows._data, axis=-1)[..., None]
    values = gather(windows, 3, Tensor._make(best)).reshape(N, C, *out)
    indices = Tensor._make(np.take_along_axis(flat, best, -1).reshape((N, C) + out))
    if not batched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """2-D fractional max pooling to ``output_size`` (or ``output_ratio`` of the input)."""
    out, idx = _fractional(2, "fractional_max_pool2d", input, kernel_size, output_size,
                           output_ratio, _random_samples)
    return (out, idx) if return_indices else out


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """3-D fractional max pooling to ``output_size`` (or ``output_ratio`` of the input)."""
    out, idx = _fractional(3, "fractional_max_pool3d", input, kernel_size, output_size,
                           output_ratio, _random_samples)
    return (out, idx) if return_indices else out


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples=None):
    """``fractional_max_pool2d(..., return_indices=True)``."""
    return _fractional(2, "fractional_max_pool2d", input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples=None):
    """``fractional_max_pool3d(..., return_indices=True)``."""
    return _fractional(3, "fractional_max_pool3d", input, kernel_size, output_size,
                       output_ratio, _random_samples)
