"""Helpers shared by the distributions, under PyTorch's public names
(``torch.distributions.utils``): argument broadcasting, logits <-> probabilities, cached
properties and the packing of lower-triangular matrices."""
from __future__ import annotations

import numbers
from functools import update_wrapper

from ..dtypes import finfo, get_default_dtype
from ..tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..ops.creation.factories import as_tensor
from ..ops.creation.grids import tril_indices
from ..ops.shape.views import broadcast_tensors
from ..ops.nn.activation import softmax

__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix", "euler_constant"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values) -> tuple:
    """Numbers and tensors broadcast to one shape, as tensors: numbers take the dtype and
    device of the first tensor among ``values`` (the default dtype when there is none)."""
    if not all(isinstance(v, (Tensor, numbers.Number)) or hasattr(v, "__torch_function__")
               for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if all(isinstance(v, Tensor) for v in values):
        return broadcast_tensors(*values)
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else get_default_dtype()
    device = like.device if like is not None else None
    tensors = [v if isinstance(v, Tensor) else as_tensor(v, dtype=dtype, device=device)
               for v in values]
    return broadcast_tensors(*tensors)



def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """Sum the ``dim`` rightmost dimensions of ``value`` (an event's log-densities)."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Probabilities from logits: the sigmoid for a binary variable, else a softmax over the
    last dimension."""
    return logits.sigmoid() if is_binary else softmax(logits, -1)


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities kept inside (eps, 1 - eps), so their logs and logits stay finite."""
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Logits from probabilities: ``log p - log(1 - p)`` for a binary variable, else ``log
    p`` (for a categorical, logits are defined up to a constant)."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


class lazy_property:
    """A property computed on first access and then stored on the instance, so a
    distribution built from ``probs`` computes ``logits`` only when asked (and the other way
    round). Computed with grad enabled, so the cached value keeps its graph."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        update_wrapper(self, wrapped)  # type: ignore[arg-type]

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What the class itself shows for a lazy property: a property, so docs and
    ``isinstance(cls.attr, property)`` see it as one."""

    def __init__(self, wrapped) -> None:
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (including the ``diag``-th diagonal) as
    a vector, row by row."""
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = tril_indices(n, n, offset=diag)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of :func:`tril_matrix_to_vec`: a square lower-triangular matrix whose
    triangle (from the ``diag``-th diagonal down) is filled row by row from ``vec``."""
    m = vec.shape[-1]
    # the side is the n whose triangle holds m entries (searched: n is at most m + |diag|)
    n = next((k for k in range(0, m + abs(diag) + 2) if _tril_count(k, diag) == m), None)
    if n is None:
        raise ValueError(f"vec_to_tril_matrix: {m} entries fill no triangle with diag={diag}")
    rows, cols = tril_indices(n, n, offset=diag)
    flat = vec.new_zeros(vec.shape[:-1] + (n * n,))
    index = (rows * n + cols).expand(vec.shape)
    return flat.scatter(-1, index, vec).reshape(vec.shape[:-1] + (n, n))


def _tril_count(n: int, diag: int) -> int:
    return sum(max(0, min(n, i + diag + 1)) for i in range(n))
