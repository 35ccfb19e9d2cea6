"""``ExponentialFamily``: distributions whose density is ``exp(<t(x), theta> - F(theta) +
k(x))``. Knowing the natural parameters ``theta`` and the log-normalizer ``F`` gives the entropy
(and KL divergences within the family) through F's gradient, taken with autograd."""
from __future__ import annotations

from ..autograd.engine import grad
from ..autograd.grad_mode import enable_grad
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Subclasses define ``_natural_params``, ``_log_normalizer`` and
    ``_mean_carrier_measure`` (the expectation of ``k(x)``)."""

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        """``F(theta) - <theta, grad F(theta)> - E[k(x)]`` (the Bregman form of the
        entropy), with F's gradient by autograd."""
        result = -self._mean_carrier_measure
        with enable_grad():
            nparams = [p.detach().requires_grad_() for p in self._natural_params]
            lg_normal = self._log_normalizer(*nparams)
            gradients = grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for np_, g in zip(nparams, gradients):
            result = result - (np_ * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
