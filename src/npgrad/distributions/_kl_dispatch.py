"""The KL registry: ``register_kl`` records a function for a pair of distribution types and
``kl_divergence`` dispatches on the most specific registered pair (as PyTorch). The formulas
are registered by ``kl`` (same-family pairs) and ``_kl_cross`` (cross-family pairs)."""
from __future__ import annotations

import warnings

from .distribution import Distribution

__all__ = ["register_kl", "kl_divergence"]


_KL_REGISTRY: dict = {}  # (type_p, type_q) -> function
_KL_MEMOIZE: dict = {}  # (type_p, type_q) -> the function dispatch chose


def register_kl(type_p, type_q):
    """Decorator registering ``fn(p, q)`` as KL(p || q) for instances of the two
    Distribution subclasses (and their subclasses, unless a more specific pair exists)."""
    if not isinstance(type_p, type) or not issubclass(type_p, Distribution):
        raise TypeError(f"Expected type_p to be a Distribution subclass but got {type_p}")
    if not isinstance(type_q, type) or not issubclass(type_q, Distribution):
        raise TypeError(f"Expected type_q to be a Distribution subclass but got {type_q}")

    def decorator(fun):
        _KL_REGISTRY[type_p, type_q] = fun
        _KL_MEMOIZE.clear()
        return fun

    return decorator


def _dispatch_kl(type_p, type_q):
    """The registered function for the most specific pair: nearest in p's MRO first, then
    q's; if ordering by q first picks another function, the pair is ambiguous (warned)."""
    matches = [(sp, sq) for sp, sq in _KL_REGISTRY
               if issubclass(type_p, sp) and issubclass(type_q, sq)]
    if not matches:
        return NotImplemented
    rank_p = {t: i for i, t in enumerate(type_p.__mro__)}
    rank_q = {t: i for i, t in enumerate(type_q.__mro__)}
    left = min(matches, key=lambda m: (rank_p[m[0]], rank_q[m[1]]))
    right = min(matches, key=lambda m: (rank_q[m[1]], rank_p[m[0]]))
    left_fun, right_fun = _KL_REGISTRY[left], _KL_REGISTRY[right]
    if left_fun is not right_fun:
        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). "
                      f"Please register_kl({left[0].__name__}, {right[1].__name__})",
                      RuntimeWarning)
    return left_fun


def kl_divergence(p: Distribution, q: Distribution):
    """KL(p || q) = E_p[log p(x) - log q(x)], of shape ``batch_shape``."""
    try:
        fun = _KL_MEMOIZE[type(p), type(q)]
    except KeyError:
        fun = _dispatch_kl(type(p), type(q))
        _KL_MEMOIZE[type(p), type(q)] = fun
    if fun is NotImplemented:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type "
                                  f"{p.__class__.__name__} and q type "
                                  f"{q.__class__.__name__}")
    return fun(p, q)
