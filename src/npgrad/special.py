"""``npgrad.special``: PyTorch's ``torch.special`` namespace (implementations live in ops/)."""
from __future__ import annotations

from .ops._arguments import int_arg
from .ops.nn.activation import log_softmax as _log_softmax, softmax as _softmax
from .ops.elementwise.special import (digamma, entr, erf, erfc, erfcx, erfinv, i0, i0e, i1, i1e,
                                      lgamma as gammaln, log_ndtr, mvlgamma, ndtr, ndtri,
                                      polygamma, xlog1py)
from .ops.elementwise.special_gamma import gammainc, gammaincc, zeta
from .ops.elementwise.pointwise import xlogy
from .ops.elementwise.bessel import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1,
                                     modified_bessel_i0, modified_bessel_i1, modified_bessel_k0,
                                     modified_bessel_k1, scaled_modified_bessel_k0,
                                     scaled_modified_bessel_k1, spherical_bessel_j0)
from .ops.elementwise.polynomials import (chebyshev_polynomial_t, chebyshev_polynomial_u,
                                          chebyshev_polynomial_v, chebyshev_polynomial_w,
                                          hermite_polynomial_h, hermite_polynomial_he,
                                          laguerre_polynomial_l, legendre_polynomial_p,
                                          shifted_chebyshev_polynomial_t,
                                          shifted_chebyshev_polynomial_u,
                                          shifted_chebyshev_polynomial_v,
                                          shifted_chebyshev_polynomial_w)
from .ops.reduction.reduce import logsumexp
from .ops.elementwise.rounding import round  # noqa: A004
from .ops.elementwise.trig import logit, sigmoid as expit, sinc
from .ops.elementwise.unary import exp2, expm1, log1p

psi = digamma

__all__ = ["entr", "i0", "i0e", "i1", "i1e", "log_ndtr", "ndtr", "ndtri", "xlog1py", "xlogy",
           "logsumexp", "round", "digamma", "psi", "erf", "erfc", "erfinv", "gammaln",
           "multigammaln", "polygamma", "logit", "expit", "sinc", "exp2", "expm1", "log1p",
           "softmax", "log_softmax", "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0",
           "bessel_y1", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0", "chebyshev_polynomial_t", "chebyshev_polynomial_u",
           "chebyshev_polynomial_v", "chebyshev_polynomial_w", "hermite_polynomial_h",
           "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "erfcx",
           "gammainc", "gammaincc", "zeta"]


def multigammaln(input, p: int):
    """The multivariate log-gamma function of dimension ``p`` (``mvlgamma``)."""
    return mvlgamma(input, p)


def softmax(input, dim: int, *, dtype=None):
    """``torch.special.softmax(input, dim, dtype=None)``."""
    return _softmax(input, int_arg(dim, "special_softmax", "dim", 2), dtype=dtype)


def log_softmax(input, dim: int, *, dtype=None):
    """``torch.special.log_softmax(input, dim, dtype=None)``."""
    return _log_softmax(input, int_arg(dim, "special_log_softmax", "dim", 2), dtype=dtype)


# the ops' inner errors name the op the user called (``cosine_embedding_loss: where: ...``)
from .ops._arguments import name_op_errors as _name_op_errors  # noqa: E402
_name_op_errors(globals(), __all__, __name__)
