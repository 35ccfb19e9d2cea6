"""In-place random fills (``uniform_``, ``normal_``, ``bernoulli_``, ``random_``,
``exponential_``, ``geometric_``, ``cauchy_``, ``log_normal_``) and the samplers ``poisson``
and ``binomial``.

Everything draws from ``npgrad.random``'s default generator or a ``generator=`` argument, so
``manual_seed`` makes it reproducible (the numbers differ from PyTorch's, whose generators
differ). A fill overwrites the tensor's values with constants: as in PyTorch it is refused on
a leaf that requires grad while grad mode is on, and earlier values get gradient 0.
"""
from __future__ import annotations

import numpy as np

from ...backend import as_array
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...random import rng
from .._arguments import Tensor, as_tensor_arg
from ..inplace import check, commit
from ..elementwise.binary import check_broadcast
from ..elementwise.unary import zero_grad_result
from .factories import check_bernoulli_p
from ..nn.activation import softmax

__all__ = ["poisson", "binomial"]


def _fill(t: Tensor, values: np.ndarray, op: str) -> Tensor:
    check(t, op)
    return commit(t, Tensor._make(as_array(values).astype(t._data.dtype, copy=False)), op,
                  any_cast=True)


# PyTorch's refusal of a non-floating tensor: its kernel's name (NotImplementedError), or the
# distribution's name (RuntimeError)
_KERNELS = {"normal_": "normal_kernel_cpu", "uniform_": "check_uniform_bounds",
            "log_normal_": "log_normal_cpu"}
_CONTINUOUS = {"exponential_": "Exponential", "cauchy_": "Cauchy"}


def _float_only(t: Tensor, op: str) -> None:
    if is_float_np(t._data.dtype):
        return
    if op in _KERNELS:
        raise NotImplementedError(f"\"{_KERNELS[op]}\" not implemented for "
                                  f"'{_dt.scalar_type_name(t._data.dtype)}' ({op}: a tensor of "
                                  f"shape {tuple(t.shape)} and dtype {t.dtype})")
    if op in _CONTINUOUS:
        raise RuntimeError(f"{op}: {_CONTINUOUS[op]} distribution is a continuous probability "
                           f"distribution. dtype must be a floating point but you specified "
                           f"{_dt.scalar_type_name(t._data.dtype)}")
    raise RuntimeError(f"{op}: expects a floating point tensor, got {t.dtype}")


def _draw(t: Tensor, sample) -> np.ndarray:
    """``sample(shape)`` in float64, rounded once into t's dtype."""
    return sample(t._data.shape)


# ---------------------------------------------------------------------------------------------
# Continuous fills
# ---------------------------------------------------------------------------------------------

def uniform_(t: Tensor, from_: float = 0.0, to: float = 1.0, *, generator=None) -> Tensor:
    """Fill ``t`` with samples uniform in [from, to)."""
    _float_only(t, "uniform_")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={from_} > to={to}")
    g = rng(generator, t._data)
    u = g.random(t._data.shape)
    out = (from_ + (to - from_) * u).astype(t._data.dtype)
    # rounding into float32 can land on ``to``: keep the interval half-open
    top = np.nextafter(t._data.dtype.type(to), t._data.dtype.type(from_))
    out = np.where(out >= to, top, out) if to > from_ else out
    return _fill(t, out, "uniform_")


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill ``t`` with normal samples of the given ``mean`` and ``std``."""
    _float_only(t, "normal_")
    if not std >= 0:  # NaN too, as PyTorch (format 'g' prints as C++ does)
        raise RuntimeError(f"normal expects std >= 0.0, but found std {format(std, 'g')}")
    return _fill(t, rng(generator, t._data).normal(mean, std, t._data.shape), "normal_")


def exponential_(t: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill ``t`` with exponential samples of rate ``lambd`` (density lambd e^{-lambd x})."""
    _float_only(t, "exponential_")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    draw = rng(generator, t._data).standard_exponential(t._data.shape)
    return _fill(t, draw / lambd, "exponential_")


def cauchy_(t: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
    """Fill ``t`` with Cauchy samples of the given ``median`` and scale ``sigma``."""
    _float_only(t, "cauchy_")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    draw = rng(generator, t._data).standard_cauchy(t._data.shape)
    return _fill(t, median + sigma * draw, "cauchy_")


def log_normal_(t: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
    """Fill ``t`` with samples whose log is normal(``mean``, ``std``)."""
    _float_only(t, "log_normal_")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill(t, rng(generator, t._data).lognormal(mean, std, t._data.shape), "log_normal_")


# ---------------------------------------------------------------------------------------------
# Discrete fills
# ---------------------------------------------------------------------------------------------

def bernoulli_(t: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill ``t`` with 1 with probability ``p`` (a number or a tensor broadcast to t), else
    0."""
    check_bernoulli_p(p)
    prob = p._data if isinstance(p, Tensor) else p
    draw = rng(generator, t._data).random(t._data.shape)
    return _fill(t, draw < prob, "bernoulli_")


def geometric_(t: Tensor, p: float, *, generator=None) -> Tensor:
    """Fill ``t`` with the number of Bernoulli(``p``) trials up to the first success (1, 2,
    ...)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill(t, rng(generator, t._data).geometric(p, t._data.shape), "geometric_")


def _dtype_top(dt: np.dtype) -> int:
    """``random_()``'s default upper bound: 2**mantissa digits for floats (every integer
    below is exact), the largest value for integers."""
    if is_float_np(dt):
        return 2 ** (np.finfo(dt).nmant + 1)
    if dt.kind == "b":
        return 2
    return int(np.iinfo(dt).max) + 1


def random_(t: Tensor, from_=0, to=None, *, generator=None) -> Tensor:
    """Fill ``t`` with integers uniform in [from, to): ``random_()`` uses [0, 2**mantissa]
    for floats (the type's range for integers), ``random_(to)`` uses [0, to)."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    top = _dtype_top(t._data.dtype)
    hi = top if to is None else int(to)
    if from_ >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} "
                           f">= to={hi}")
    if t._data.dtype.kind in "iub" and hi > top:
        raise RuntimeError(f"random_ expects 'to' to be within the range of {t.dtype}")
    g = rng(generator, t._data)
    return _fill(t, g.integers(int(from_), hi, t._data.shape, dtype=np.int64,
                                            endpoint=to is None and is_float_np(t._data.dtype)),
                 "random_")


# ---------------------------------------------------------------------------------------------
# Samplers with tensor parameters
# ---------------------------------------------------------------------------------------------

def poisson(input, generator=None) -> Tensor:
    """Poisson samples whose rates are the elements of ``input`` (same dtype; gradient 0, as
    PyTorch)."""
    input = as_tensor_arg(input, "poisson")
    lam = input._data
    if not is_float_np(lam.dtype):
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(lam.dtype)}' (poisson)")
    if np.any(lam < 0) or np.any(np.isnan(lam)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    # (as_array: a 0-d rate gives a NumPy scalar)
    out = as_array(rng(generator, lam).poisson(lam.astype(np.float64)), lam.dtype)
    return zero_grad_result(out, input)


def binomial(count, prob, generator=None) -> Tensor:
    """Binomial samples: successes in ``count`` trials of probability ``prob`` (tensors of
    one float dtype, broadcast; gradient 0, as PyTorch)."""
    count, prob = as_tensor_arg(count, "binomial"), as_tensor_arg(prob, "binomial")
    c, p = count._data, prob._data
    if not is_float_np(c.dtype):
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{_dt.scalar_type_name(c.dtype)}")
    if p.dtype != c.dtype:
        raise RuntimeError(f"binomial: expected count and prob of the same floating dtype "
                           f"(got {count.dtype} and {prob.dtype})")
    check_broadcast("binomial", c, p)
    if np.any((p < 0) | (p > 1)) or np.any(c < 0):
        raise RuntimeError("binomial: expected 0 <= prob <= 1 and count >= 0")
    out = rng(generator, c).binomial(c.astype(np.int64), p.astype(np.float64)).astype(c.dtype)
    return zero_grad_result(as_array(out), count, prob)


def gumbel_softmax(logits, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A sample of the Gumbel-softmax (Concrete) distribution: ``softmax((logits + g) / tau)``
    with Gumbel noise ``g``; with ``hard`` the one-hot argmax in the forward pass and the soft
    sample's gradient (straight-through)."""
    logits = as_tensor_arg(logits, "gumbel_softmax")
    if not is_float_np(logits._data.dtype):
        # (PyTorch draws the noise with exponential_ in the logits' dtype)
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_dt.scalar_type_name(logits._data.dtype)} (gumbel_softmax)")
    if logits.ndim == 0 and dim in (0, -1):   # a 0-d input is its own one-element slice
        return gumbel_softmax(logits.reshape(1), tau, hard, eps, 0).reshape(())
    noise = -np.log(rng(None, logits._data).standard_exponential(logits._data.shape))
    y = softmax((logits + Tensor._make(noise.astype(logits._data.dtype))) / tau, dim)
    if not hard:
        return y
    index = np.argmax(y._data, axis=dim)
    one_hot = np.zeros_like(y._data)
    np.put_along_axis(one_hot, np.expand_dims(index, dim), 1, axis=dim)
    return Tensor._make(one_hot) - y.detach() + y
