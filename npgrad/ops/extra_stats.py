"""More of PyTorch's statistics, distances and numerical derivatives: ``cov``,
``corrcoef``, ``dist``, ``renorm``, ``pdist`` and ``gradient``, all composites of existing
npgrad ops (so differentiable to any order).
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ._arguments import Tensor, as_tensor_arg, norm_dim

__all__ = ["cov", "corrcoef", "dist", "renorm", "pdist", "gradient"]


def _ops():
    import npgrad
    return npgrad


# ---------------------------------------------------------------------------------------------
# Statistics: cov, corrcoef, dist, renorm
# ---------------------------------------------------------------------------------------------

def _check_weights(w: Tensor, name: str, kinds: str, what: str, n_obs: int) -> Tensor:
    """``cov``'s weights: a 1-D tensor of the given dtype kinds, one per observation, >= 0."""
    if w._data.dtype.kind not in kinds:
        raise RuntimeError(f"cov(): expected {name} to have {what} dtype but got {name} with "
                           f"{w.dtype} dtype")
    if w.ndim > 1 or w.numel() != n_obs:
        raise RuntimeError(f"cov(): expected {name} to have one dimension and the same number "
                           f"of observations as input, got {tuple(w.shape)}")
    if (w._data < 0).any():
        raise RuntimeError(f"cov(): {name} cannot be negative")
    return w


def cov(input, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (observations in
    columns), with integer frequency weights and/or float observation weights."""
    npg = _ops()
    input = as_tensor_arg(input, "cov")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if x._data.dtype.kind != "f":
        x = x.to(_dt.get_default_dtype())
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        w = _check_weights(fweights, "fweights", "iu", "integral", n_obs)
    if aweights is not None:
        aweights = _check_weights(aweights, "aweights", "f", "floating point", n_obs)
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = Tensor._make(np.asarray(n_obs, x._data.dtype))
        avg = x.mean(1)
        norm = w_sum - correction
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction == 0:
            norm = w_sum
        elif aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights).sum() / w_sum
    norm = npg.clamp(norm, min=0)
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    c = npg.mm(xw, xm.t()) / norm
    return c.squeeze()


def corrcoef(input) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows of ``input``, clipped
    to [-1, 1]."""
    npg = _ops()
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = npg.diagonal(c)
    stddev = d.sqrt()
    c = c / stddev.unsqueeze(1) / stddev.unsqueeze(0)
    return npg.clamp(c, -1, 1)


def dist(input, other, p=2) -> Tensor:
    """The ``p``-norm of ``input - other`` (broadcast)."""
    input, other = as_tensor_arg(input, "dist"), as_tensor_arg(other, "dist")
    return _ops().linalg.vector_norm(input - other, float(p))


def renorm(input, p, dim: int, maxnorm) -> Tensor:
    """Each slice ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` is scaled
    down to norm ``maxnorm`` (the others are kept)."""
    npg = _ops()
    input = as_tensor_arg(input, "renorm")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"renorm: expected a floating point tensor but got {input.dtype}")
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported (got p={p})")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    d = norm_dim(dim, input.ndim, "renorm")
    others = tuple(k for k in range(input.ndim) if k != d)
    norms = npg.linalg.vector_norm(input, float(p), others, keepdim=True)
    # PyTorch's factor: maxnorm / (norm + 1e-7) where the norm exceeds maxnorm, else 1
    factor = npg.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return input * factor


def pdist(input, p: float = 2) -> Tensor:
    """The ``p``-norm distances between all pairs of rows of an (N, M) tensor: the upper
    triangle of the distance matrix, row by row, N (N - 1) / 2 values."""
    input = as_tensor_arg(input, "pdist")
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"pdist only supports floating-point dtypes (got {input.dtype})")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(input.shape[0], 1)
    diffs = input[Tensor._make(i)] - input[Tensor._make(j)]
    return _ops().linalg.vector_norm(diffs, float(p), dim=-1)


# ---------------------------------------------------------------------------------------------
# gradient: second-order central differences, one- or two-sided at the edges
# ---------------------------------------------------------------------------------------------

def _gradient_1d(f: Tensor, x: np.ndarray, d: int, edge_order: int) -> Tensor:
    """The derivative of ``f`` along ``d`` at coordinates ``x`` (NumPy's formulas for uneven
    spacing; with even spacing they are the usual central differences)."""
    npg = _ops()
    n = f.shape[d]
    shape = [1] * f.ndim
    shape[d] = -1

    def coef(c):
        return Tensor._make(np.asarray(c, f._data.dtype).reshape(shape))

    def part(start, length):
        return f.narrow(d, start, length)

    dx1, dx2 = x[1:-1] - x[:-2], x[2:] - x[1:-1]
    inner = (part(0, n - 2) * coef(-dx2 / (dx1 * (dx1 + dx2)))
             + part(1, n - 2) * coef((dx2 - dx1) / (dx1 * dx2))
             + part(2, n - 2) * coef(dx1 / (dx2 * (dx1 + dx2))))
    if edge_order == 1:
        first = (part(1, 1) - part(0, 1)) / coef(x[1:2] - x[:1])
        last = (part(n - 1, 1) - part(n - 2, 1)) / coef(x[-1:] - x[-2:-1])
    else:
        a, b = x[1] - x[0], x[2] - x[1]
        first = (part(0, 1) * coef([-(2 * a + b) / (a * (a + b))])
                 + part(1, 1) * coef([(a + b) / (a * b)])
                 + part(2, 1) * coef([-a / (b * (a + b))]))
        a, b = x[-2] - x[-3], x[-1] - x[-2]
        last = (part(n - 3, 1) * coef([b / (a * (a + b))])
                + part(n - 2, 1) * coef([-(a + b) / (a * b)])
                + part(n - 1, 1) * coef([(2 * b + a) / (b * (a + b))]))
    return npg.cat([first, inner, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """The derivative of ``input`` along each of ``dim`` (all dims by default), one tensor
    per dim. ``spacing``: one number for all dims, a number per dim, or a 1-D tensor of
    coordinates per dim; ``edge_order`` 1 or 2 is the accuracy at the two ends."""
    input = as_tensor_arg(input, "gradient")
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2, "
                           f"got {edge_order}")
    if input._data.dtype.kind != "f":
        input = input.to(_dt.get_default_dtype())
    dims = list(range(input.ndim)) if dim is None else \
        [dim] if isinstance(dim, (int, np.integer)) else list(dim)
    dims = [norm_dim(d, input.ndim, "gradient") for d in dims]
    spacings = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(spacings) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or a "
                           f"list of length {len(dims)}, but got a list of length "
                           f"{len(spacings)}")
    out = []
    for d, sp in zip(dims, spacings):
        n = input.shape[d]
        if n < edge_order + 1:
            raise RuntimeError(f"torch.gradient expected each dimension size to be at least "
                               f"edge_order+1 (got size {n} at dim {d})")
        if isinstance(sp, Tensor):
            if sp.ndim != 1 or sp.shape[0] != n:
                raise RuntimeError(f"torch.gradient expected each tensor to be on the same "
                                   f"device and the size of dim {d}, got {tuple(sp.shape)}")
            x = sp._data.astype(np.float64)
        else:
            x = np.arange(n) * float(sp)
        out.append(_gradient_1d(input, x, d, edge_order))
    return tuple(out)
