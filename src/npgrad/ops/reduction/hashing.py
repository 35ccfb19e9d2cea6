"""``hash_tensor``: a 64-bit fingerprint of a tensor's values, reduced over dims.

Mode 0 (PyTorch's only one) widens each element to its 64-bit kind (floats to float64,
signed integers to int64, unsigned and bool to uint64), reads those 64 bits as a uint64 and
XORs them together. Equal values give equal hashes whatever the layout; ``-0.0`` and ``0.0``
differ, as their bits do.
"""
from __future__ import annotations

import numpy as np

from ...backend import accumulate, as_array
from .._arguments import Tensor, as_tensor_arg, norm_dim
from .reduce import reduce_dims

__all__ = ["hash_tensor"]


def _bits(a: np.ndarray, op: str) -> np.ndarray:
    """The elements of ``a`` as the uint64 bits of their 64-bit widening."""
    kind = a.dtype.kind
    if kind == "f" or a.dtype.name == "bfloat16":
        return a.astype(np.float64).view(np.uint64)
    if kind == "i":
        return a.astype(np.int64).view(np.uint64)
    if kind == "b" or a.dtype == np.uint8:
        return a.astype(np.uint64)
    name = {"u": f"UInt{a.dtype.itemsize * 8}"}.get(kind, a.dtype.name)
    raise NotImplementedError(f'"xor_sum_cpu" not implemented for \'{name}\' ({op})')


def _check_empty(input: Tensor, dim, op: str) -> None:
    """An empty input needs explicit dims, none of them of size 0 (PyTorch's checks)."""
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        raise RuntimeError(f"{op}: Expected reduction dim to be specified for input.numel() "
                           f"== 0. Specify the reduction dim with the 'dim' argument.")
    for d in ([dim] if isinstance(dim, (int, np.integer)) else dim):
        d = norm_dim(d, input.ndim, op)
        if input.shape[d] == 0:
            raise IndexError(f"{op}: Expected reduction dim {d} to have non-zero size.")


def hash_tensor(input, dim=(), *, keepdim: bool = False, mode: int = 0) -> Tensor:
    """The XOR of the 64-bit patterns of ``input``'s elements over ``dim`` (all dims when
    empty), a uint64 tensor; no gradient."""
    op = "hash_tensor"
    input = as_tensor_arg(input, op)
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    if input._data.size == 0:
        _check_empty(input, dim, op)
    dims = reduce_dims(dim, input.ndim, op)
    return Tensor._make(as_array(_xor_over(_bits(input._data, op), dims, keepdim)))


def _xor_over(bits: np.ndarray, dims: tuple, keepdim: bool) -> np.ndarray:
    """The XOR of ``bits`` over ``dims``: the last element of an XOR scan over them, moved
    to the end and flattened (``backend.accumulate``: CuPy's ufuncs reduce only add and
    multiply)."""
    kept = [d for d in range(bits.ndim) if d not in dims]
    count = int(np.prod([bits.shape[d] for d in dims]))
    flat = bits.transpose(kept + list(dims)).reshape([bits.shape[d] for d in kept] + [count])
    out = accumulate(np.bitwise_xor, flat, -1)[..., -1]
    if keepdim:
        out = out.reshape([1 if d in dims else n for d, n in enumerate(bits.shape)])
    return out
