"""``npgrad.special``: PyTorch's ``torch.special`` namespace (implementations live in ops/)."""
from __future__ import annotations

from .ops.nn.activation import log_softmax as _log_softmax, softmax as _softmax
from .ops.elementwise.special import (digamma, entr, erf, erfc, erfinv, i0, i0e, i1, i1e, lgamma as
                                      gammaln, log_ndtr, mvlgamma, ndtr, ndtri, polygamma, xlog1py)
from .ops.elementwise.pointwise import xlogy
from .ops.reduction.reduce import logsumexp
from .ops.elementwise.rounding import round  # noqa: A004
from .ops.elementwise.trig import logit, sigmoid as expit, sinc
from .ops.elementwise.unary import exp2, expm1, log1p

psi = digamma

__all__ = ["entr", "i0", "i0e", "i1", "i1e", "log_ndtr", "ndtr", "ndtri", "xlog1py", "xlogy",
           "logsumexp", "round", "digamma", "psi", "erf", "erfc", "erfinv", "gammaln",
           "multigammaln", "polygamma", "logit", "expit", "sinc", "exp2", "expm1", "log1p",
           "softmax", "log_softmax"]


def multigammaln(input, p: int):
    """The multivariate log-gamma function of dimension ``p`` (``mvlgamma``)."""
    return mvlgamma(input, p)


def softmax(input, dim: int, *, dtype=None):
    """``torch.special.softmax(input, dim, dtype=None)``."""
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim: int, *, dtype=None):
    """``torch.special.log_softmax(input, dim, dtype=None)``."""
    return _log_softmax(input, dim, dtype=dtype)
