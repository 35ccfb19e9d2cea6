"""The multinomial distribution: category counts of ``total_count`` categorical draws."""
from __future__ import annotations

from ..tensor import Size
from ..ops.creation.factories import zeros
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """``Multinomial(total_count=1, probs=None, logits=None)``: vectors of K counts summing
    to ``total_count`` (an int shared by the batch)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = self._binomial.expand(batch_shape + self.event_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._categorical._new(*args, **kwargs)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def param_shape(self):
        return self._categorical.param_shape

    def sample(self, sample_shape=Size()):
        sample_shape = Size(sample_shape)
        draws = self._categorical.sample(Size((self.total_count,)) + sample_shape)
        # (total_count, sample, batch) -> (sample, batch, total_count): count per category
        draws = draws.permute(tuple(range(1, draws.dim())) + (0,))
        counts = zeros(self._extended_shape(sample_shape), dtype=self.probs.dtype)
        return counts.scatter_add(-1, draws, draws.new_ones(draws.shape).to(counts.dtype))

    def entropy(self):
        """``-log n! + sum_i E[log x_i!] - n sum_i p_i log p_i``, with ``x_i ~ Binomial(n,
        p_i)`` (the expectation enumerated over 0..n)."""
        n = self._binomial.total_count.new_tensor(self.total_count)
        support = self._binomial.enumerate_support()
        weights = (support + 1).lgamma()
        binomial_probs = self._binomial.log_prob(support).exp()
        expected = (binomial_probs * weights).sum([0, -1])
        return self.total_count * self._categorical.entropy() - (n + 1).lgamma() + expected

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = (value.sum(-1) + 1).lgamma()
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        # a zero count of an impossible category contributes 0 (not 0 * -inf = nan)
        logits = logits.masked_fill((value == 0) & (logits == float("-inf")), 0)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
