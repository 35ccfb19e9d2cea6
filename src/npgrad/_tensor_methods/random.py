"""Tensor methods: random sampling in place (``uniform_``, ``normal_``, ``bernoulli_``...) and
from the tensor's values (``bernoulli``, ``multinomial``), through ``npgrad/ops/creation/``.

See the package docstring for how they become methods of :class:`npgrad.Tensor`.
"""
from __future__ import annotations

from ..ops.creation import factories as _factories, random as _random


class RandomMethods:
    """The random-sampling methods of :class:`npgrad.Tensor`."""

    # random fills and samplers
    def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
        """Fill with numbers drawn uniformly from [``from_``, ``to``)."""
        return _random.uniform_(self, kwargs.get("from", from_), to,
                                         generator=generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill with numbers drawn from the normal distribution N(``mean``, ``std``²)."""
        return _random.normal_(self, mean, std, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        """In-place form of :meth:`Tensor.bernoulli`."""
        return _random.bernoulli_(self, p, generator=generator)

    def random_(self, from_=0, to=None, *, generator=None, **kwargs):
        """Fill with integers drawn uniformly from [``from_``, ``to``) (the dtype's range by
        default)."""
        return _random.random_(self, kwargs.get("from", from_), to,
                                        generator=generator)

    def exponential_(self, lambd=1.0, *, generator=None):
        """Fill with numbers drawn from the exponential distribution of rate ``lambd``."""
        return _random.exponential_(self, lambd, generator=generator)

    def geometric_(self, p, *, generator=None):
        """Fill with the number of Bernoulli(``p``) trials up to the first success."""
        return _random.geometric_(self, p, generator=generator)

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        """Fill with numbers drawn from the Cauchy distribution (``median``, ``sigma``)."""
        return _random.cauchy_(self, median, sigma, generator=generator)

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        """Fill with numbers whose logarithm is N(``mean``, ``std``²)."""
        return _random.log_normal_(self, mean, std, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        """See :func:`npgrad.bernoulli`."""
        return _factories.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        """See :func:`npgrad.multinomial`."""
        return _factories.multinomial(self, num_samples, replacement, generator=generator)
