"""The masked functions: the masked-out elements are replaced by the operation's identity
(0 for a sum, 1 for a product, -inf for a maximum...) before the plain operation runs, so
they change nothing and get no gradient. A reduction over no element at all gives what the
identity gives (a sum 0, an amax -inf) or nan where there is no such value (mean, var,
median), as PyTorch's."""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..ops.elementwise.pointwise import where
from ..ops.linalg.norms import vector_norm
from ..ops.nn.activation import log_softmax as _log_softmax, softmax as _softmax
from ..ops.reduction.reduce import logsumexp as _logsumexp
from ..tensor import Tensor

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax",
           "logaddexp", "logsumexp", "mean", "median", "norm", "normalize", "prod", "softmax",
           "softmin", "std", "sum", "var"]


def _input(input: Tensor, dtype) -> Tensor:
    return input if dtype is None else input.to(dtype)


def _mask(input: Tensor, mask) -> Tensor:
    """``mask`` as a bool tensor of ``input``'s shape (all True when None)."""
    if mask is None:
        return Tensor._make(np.ones_like(input._data, dtype=bool))
    return mask.to(_dt.bool).expand(input.shape)


def _filled(input: Tensor, mask, value) -> Tensor:
    """``input`` with ``value`` where ``mask`` is False."""
    return where(_mask(input, mask), input, value)


def _dims(input: Tensor, dim) -> tuple:
    if dim is None:
        return tuple(range(input.ndim))
    return (dim,) if isinstance(dim, int) else tuple(dim)


def _lowest(input: Tensor, sign: int):
    """-inf (sign -1) or +inf for floats; the dtype's extreme for integers."""
    d = input._data.dtype
    if d.kind == "f" or input.is_floating_point():
        return sign * float("inf")
    info = np.iinfo(d)
    return int(info.min if sign < 0 else info.max)


def sum(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The sum of the unmasked elements (0 for none)."""
    x = _input(input, dtype)
    return _filled(x, mask, 0).sum(_dims(x, dim), keepdim=keepdim)


def prod(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The product of the unmasked elements (1 for none)."""
    x = _filled(_input(input, dtype), mask, 1)
    for d in sorted(_dims(x, dim), reverse=True):
        x = x.prod(d, keepdim=keepdim)
    return x


def amax(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The largest unmasked element (-inf for none)."""
    x = _input(input, dtype)
    return _filled(x, mask, _lowest(x, -1)).amax(_dims(x, dim), keepdim=keepdim)


def amin(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The smallest unmasked element (inf for none)."""
    x = _input(input, dtype)
    return _filled(x, mask, _lowest(x, 1)).amin(_dims(x, dim), keepdim=keepdim)


def argmax(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The index of the largest unmasked element. NOTE: in the input's dtype, as PyTorch's
    masked argmax returns it."""
    x = _input(input, dtype)
    return _filled(x, mask, _lowest(x, -1)).argmax(dim, keepdim=keepdim).to(x.dtype)


def argmin(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The index of the smallest unmasked element (in the input's dtype, as argmax)."""
    x = _input(input, dtype)
    return _filled(x, mask, _lowest(x, 1)).argmin(dim, keepdim=keepdim).to(x.dtype)


def _count(x: Tensor, mask, dims: tuple, keepdim: bool) -> Tensor:
    return _mask(x, mask).to(x.dtype).sum(dims, keepdim=keepdim)


def mean(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The mean of the unmasked elements (nan for none)."""
    x = _input(input, dtype)
    dims = _dims(x, dim)
    return _filled(x, mask, 0).sum(dims, keepdim=keepdim) / _count(x, mask, dims, keepdim)


def var(input: Tensor, dim=None, unbiased: bool | None = None, *, correction=None,
        keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The variance of the unmasked elements, divided by ``count - correction`` (correction 1
    unless ``unbiased=False`` or given); nan where that is not positive."""
    x = _input(input, dtype)
    if correction is None:
        correction = 0 if unbiased is False else 1
    dims = _dims(x, dim)
    n = _count(x, mask, dims, True)
    centred = _filled(x - _filled(x, mask, 0).sum(dims, keepdim=True) / n, mask, 0)
    out = (centred * centred).sum(dims, keepdim=True) / (n - correction).clamp(min=0)
    return out if keepdim else out.squeeze(dims) if dims else out


def std(input: Tensor, dim=None, unbiased: bool | None = None, *, correction=None,
        keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """The square root of :func:`var`."""
    return var(input, dim, unbiased, correction=correction, keepdim=keepdim, dtype=dtype,
               mask=mask).sqrt()


def norm(input: Tensor, ord: float | None = 2.0, dim=None, *, keepdim: bool = False,
         dtype=None, mask=None) -> Tensor:
    """The ``ord``-norm of the unmasked elements (masked ones count as 0; as inf for
    ``ord`` <= 0, where 0 would decide the result)."""
    x = _input(input, dtype)
    ord = 2.0 if ord is None else ord
    fill = 0 if ord > 0 else float("inf")
    return vector_norm(_filled(x, mask, fill), ord, _dims(x, dim), keepdim)


def logsumexp(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None,
              mask=None) -> Tensor:
    """``log(sum(exp))`` of the unmasked elements (-inf for none)."""
    x = _input(input, dtype)
    return _logsumexp(_filled(x, mask, float("-inf")), _dims(x, dim), keepdim)


def median(input: Tensor, dim: int = -1, *, keepdim: bool = False, dtype=None,
           mask=None) -> Tensor:
    """The (lower) median of the unmasked elements along ``dim`` (nan for none)."""
    x = _input(input, dtype)
    return _filled(x, mask, float("nan")).nanmedian(dim, keepdim=keepdim).values


def cumsum(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    """Running sums in which masked elements count as 0."""
    return _filled(_input(input, dtype), mask, 0).cumsum(dim)


def cumprod(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    """Running products in which masked elements count as 1."""
    return _filled(_input(input, dtype), mask, 1).cumprod(dim)


def softmax(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    """Softmax over the unmasked elements (0 at masked ones; nan where all are masked)."""
    return _softmax(_filled(_input(input, dtype), mask, float("-inf")), dim)


def log_softmax(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    """Log-softmax over the unmasked elements (-inf at masked ones)."""
    return _log_softmax(_filled(_input(input, dtype), mask, float("-inf")), dim)


def softmin(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    """Softmax of ``-input`` over the unmasked elements."""
    return _softmax(_filled(-_input(input, dtype), mask, float("-inf")), dim)


def normalize(input: Tensor, ord: float, dim: int, *, eps: float = 1e-12, dtype=None,
              mask=None) -> Tensor:
    """``input / max(norm, eps)`` along ``dim``, with masked elements 0."""
    x = _filled(_input(input, dtype), mask, 0)
    n = vector_norm(x, ord, (dim,), True)
    return x / n.clamp(min=eps)


def logaddexp(input: Tensor, other: Tensor, *, dtype=None, input_mask=None,
              other_mask=None) -> Tensor:
    """``log(exp(input) + exp(other))``, each masked term counting as exp(-inf) = 0."""
    a = _filled(_input(input, dtype), input_mask, float("-inf"))
    b = _filled(_input(other, dtype), other_mask, float("-inf"))
    return a.logaddexp(b)

