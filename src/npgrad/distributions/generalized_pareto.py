"""The generalized Pareto distribution."""
from __future__ import annotations

import math

from ..tensor import Size
from ..ops.creation.factories import ones_like, rand
from ..ops.elementwise.binary import where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """``GeneralizedPareto(loc, scale, concentration)``: survival function ``(1 + c z)^(-1/c)``
    with ``z = (x - loc) / scale`` (``exp(-z)`` at c = 0)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(GeneralizedPareto, batch_shape, _instance, "loc", "scale",
                                   "concentration")

    def _safe(self):
        """(c == 0 mask, c with its zeros replaced by 1): each formula has a c -> 0 limit."""
        c = self.concentration
        eq_zero = c.isclose(c.new_zeros(()))
        return eq_zero, where(eq_zero, ones_like(c), c)

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        return self.icdf(rand(*shape, dtype=self.loc.dtype))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe_c = self._safe()
        y = 1 / safe_c + 1
        nonzero = where(y == 0, y, y * (safe_c * z).log1p())
        return -self.scale.log() - where(eq_zero, z, nonzero)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe_c = self._safe()
        return where(eq_zero, -z, -(safe_c * z).log1p() / safe_c)

    def log_cdf(self, value):
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        return self.log_cdf(value).exp()

    def icdf(self, value):
        eq_zero, safe_c = self._safe()
        logu = (-value).log1p()
        nonzero = self.loc + self.scale / safe_c * (-safe_c * logu).expm1()
        return where(eq_zero, self.loc - self.scale * logu, nonzero)

    @property
    def mean(self):
        c = self.concentration
        valid = c < 1
        safe_c = where(valid, c, 0.5)
        return where(valid, self.loc + self.scale / (1 - safe_c), math.nan)

    @property
    def variance(self):
        c = self.concentration
        valid = c < 0.5
        safe_c = where(valid, c, 0.25)
        result = self.scale ** 2 / ((1 - safe_c) ** 2 * (1 - 2 * safe_c))
        return where(valid, result, math.nan)

    def entropy(self):
        return (self.scale.log() + self.concentration + 1).broadcast_to(self._batch_shape)

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        lower = self.loc
        upper = where(self.concentration < 0, lower - self.scale / self.concentration,
                      math.inf)
        return constraints.interval(lower, upper)
