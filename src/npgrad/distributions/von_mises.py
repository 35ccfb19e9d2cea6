"""The von Mises distribution: a normal-like distribution on the circle."""
from __future__ import annotations

import math

import numpy as np

from ..backend import as_array, is_device_array
from ..random import rng
from ..tensor import Size, Tensor
from ..autograd.grad_mode import no_grad
from ..ops.elementwise.special import i0e, i1e
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["VonMises"]


def _log_i0(x):
    # log I0(x) = log(i0e(x)) + |x|, finite for large x
    return i0e(x).log() + x.abs()


def _best_fisher(loc: np.ndarray, kappa: np.ndarray, generator=None) -> np.ndarray:
    """Von Mises samples by Best and Fisher's (1979) wrapped-Cauchy rejection sampler, in
    float64; every element is redrawn until accepted (about 1.5 rounds on average)."""
    kappa = np.maximum(kappa.astype(np.float64), 1e-8)  # kappa -> 0 is the uniform
    tau = 1 + np.sqrt(1 + 4 * kappa ** 2)
    rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
    r = (1 + rho ** 2) / (2 * rho)
    if is_device_array(kappa):
        return _best_fisher_device(loc, kappa, r, generator)
    g = rng(generator)
    out = np.zeros_like(kappa)
    todo = np.ones(kappa.shape, bool)
    while todo.any():
        k, rr = kappa[todo], r[todo]
        accept, theta = _proposal(k, rr, *(g.random(k.shape) for _ in range(3)))
        idx = np.flatnonzero(todo)[accept]
        out.flat[idx] = theta[accept]
        todo.flat[idx] = False
    # wrap loc + theta back into [-pi, pi)
    return np.mod(out + loc + math.pi, 2 * math.pi) - math.pi


def _proposal(k, rr, u1, u2, u3) -> tuple:
    """One wrapped-Cauchy proposal per element: (whether it is accepted, its angle)."""
    z = np.cos(math.pi * u1)
    f = (1 + rr * z) / (rr + z)
    c = k * (rr - f)
    with np.errstate(divide="ignore", invalid="ignore"):
        accept = (c * (2 - c) - u2 > 0) | (np.log(c / u2) + 1 - c >= 0)
    return accept, np.sign(u3 - 0.5) * np.arccos(np.clip(f, -1, 1))


def _best_fisher_device(loc, kappa, r, generator):
    """:func:`_best_fisher` on a device, from the device's generator: every round proposes
    for every element and keeps the first accepted proposal, so the arrays keep their shape
    (no compaction); the loop reads one truth value per round on the host, as PyTorch's
    sampler does (``while not done.all()``)."""
    g = rng(generator, kappa)
    out = np.zeros_like(kappa)
    todo = np.ones_like(kappa, dtype=bool)
    while todo.any():
        accept, theta = _proposal(kappa, r, *(g.random(kappa.shape) for _ in range(3)))
        accept &= todo
        out = np.where(accept, theta, out)
        todo &= ~accept
    return np.mod(out + loc + math.pi, 2 * math.pi) - math.pi


class VonMises(Distribution):
    """``VonMises(loc, concentration)``: density ``exp(k cos(x - loc)) / (2 pi I0(k))`` on
    [-pi, pi). Sampling is by rejection, so there is no ``rsample``."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(VonMises, batch_shape, _instance, "loc", "concentration")

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * (value - self.loc).cos() - math.log(2 * math.pi)
                - _log_i0(self.concentration))

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with no_grad():
            loc = self.loc.expand(shape)._data
            kappa = self.concentration.expand(shape)._data
            # (as_array: a 0-d draw comes back from NumPy as a scalar)
            return Tensor._make(as_array(_best_fisher(loc, kappa), loc.dtype))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        """The circular variance ``1 - I1(k) / I0(k)``."""
        k = self.concentration
        return 1 - i1e(k) / i0e(k)
