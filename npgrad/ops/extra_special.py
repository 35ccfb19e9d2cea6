"""Special functions that PyTorch has only under ``torch.special`` (``npgrad.special``):
``ndtr``, ``log_ndtr``, ``ndtri``, ``entr``, ``xlog1py``, ``i0e``, ``i1``, ``i1e``.
Composites of npgrad ops (the Bessel functions share ``extra._BesselI``).
"""
from __future__ import annotations

import math

from ._arguments import Tensor, as_operand, as_tensor_arg
from .elementwise.integer import _BesselI

__all__ = ["ndtr", "log_ndtr", "ndtri", "entr", "xlog1py", "i0e", "i1", "i1e"]


def _ops():
    import npgrad
    return npgrad


def _float(x: Tensor) -> Tensor:
    """Integer inputs compute in the default float dtype, as PyTorch."""
    return x if x._data.dtype.kind == "f" else x.to(_ops().get_default_dtype())


def ndtr(input) -> Tensor:
    """The standard normal CDF ``(1 + erf(x / sqrt(2))) / 2``."""
    x = _float(as_tensor_arg(input, "ndtr"))
    return 0.5 * _ops().erfc(x * -math.sqrt(0.5))


def log_ndtr(input) -> Tensor:
    """``log(ndtr(x))``, accurate far into the left tail (an asymptotic series below -10,
    where the CDF itself underflows)."""
    npg = _ops()
    x = _float(as_tensor_arg(input, "log_ndtr"))
    tail = x < -10
    xt = npg.where(tail, x, -10.0)
    z = 1 / (xt * xt)
    # log(phi(x) / -x) + log(1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8 - 945/x^10)
    series = 1 + z * (-1 + z * (3 + z * (-15 + z * (105 - 945 * z))))
    asym = -0.5 * xt * xt - npg.log(-xt) - 0.5 * math.log(2 * math.pi) + npg.log(series)
    xc = npg.where(tail, 0.0, x)
    return npg.where(tail, asym, npg.log(ndtr(xc)))


def ndtri(input) -> Tensor:
    """The inverse of ``ndtr``: ``sqrt(2) erfinv(2p - 1)``."""
    p = _float(as_tensor_arg(input, "ndtri"))
    return math.sqrt(2) * _ops().erfinv(2 * p - 1)


def entr(input) -> Tensor:
    """``-x log(x)`` for x > 0, 0 at 0, -inf below."""
    npg = _ops()
    x = _float(as_tensor_arg(input, "entr"))
    pos = x > 0
    inside = -x * npg.log(npg.where(pos, x, 1.0))
    return npg.where(pos, inside, npg.where(x == 0, 0.0, -math.inf))


def xlog1py(input, other) -> Tensor:
    """``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is nan)."""
    npg = _ops()
    x, y = as_operand(input, "xlog1py"), as_operand(other, "xlog1py")
    x = npg.as_tensor(x) if not isinstance(x, Tensor) else x
    y = npg.as_tensor(y) if not isinstance(y, Tensor) else y
    x, y = _float(x), _float(y)
    zero = (x == 0) & ~npg.isnan(y)
    return npg.where(zero, 0.0, x * npg.log1p(npg.where(zero, 0.0, y)))


def i0e(input) -> Tensor:
    """The exponentially scaled Bessel function ``exp(-|x|) I0(x)`` (never overflows)."""
    return _BesselI.apply(as_tensor_arg(input, "i0e"), n=0, scaled=True)


def i1(input) -> Tensor:
    """The modified Bessel function of the first kind of order 1."""
    return _BesselI.apply(as_tensor_arg(input, "i1"), n=1)


def i1e(input) -> Tensor:
    """``exp(-|x|) I1(x)``."""
    return _BesselI.apply(as_tensor_arg(input, "i1e"), n=1, scaled=True)
