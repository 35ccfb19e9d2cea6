"""Gamma variates with their implicit reparameterisation gradient (NumPy has no gradient for
its gamma draws, and npgrad does not depend on SciPy); the incomplete gamma function comes
from ``special.gammainc``'s kernel.

A Gamma(alpha) sample x = F^{-1}(u; alpha) moves with alpha at fixed noise u as
``dx/dalpha = -(dF/dalpha)(x; alpha) / f(x; alpha)`` (F the CDF, f the density): the implicit
reparameterisation gradient (Figurnov et al., 2018), the role of PyTorch's
``_standard_gamma_grad``. dF/dalpha is a central difference of the incomplete gamma function in
float64 (about 8 significant digits); beyond alpha = 1e4 the Wilson-Hilferty cube-root normal
approximation of x(u; alpha) is differentiated instead (relative error O(1/alpha)).
"""
from __future__ import annotations

import numpy as np

from ..backend import on_device_of, to_host
from ..dtypes import is_float_np
from ..random import rng
from ..tensor import Tensor
from ..autograd.function import Primitive
from ..ops.elementwise.special import _lgamma
from ..ops.elementwise.special_gamma import _incomplete_gamma

__all__ = ["standard_gamma", "standard_gamma_grad"]


def _p_and_q(a: np.ndarray, x: np.ndarray) -> tuple:
    """(P, Q) of the regularised incomplete gamma function in float64, each computed directly
    (``special.gammainc``'s kernel), so the smaller of the two keeps its relative precision."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p = _incomplete_gamma(a, x, upper=False).reshape(x.shape)
    q = _incomplete_gamma(a, x, upper=True).reshape(x.shape)
    return p, q


# ---------------------------------------------------------------------------------------------
# The implicit gradient dx/dalpha
# ---------------------------------------------------------------------------------------------

def _dcdf_dalpha(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dP(a, x)/da by a central difference, taken on whichever of P and Q is smaller (so it
    keeps its relative precision in both tails)."""
    h = 1e-5 * np.maximum(a, 1e-3)
    p_hi, q_hi = _p_and_q(a + h, x)
    p_lo, q_lo = _p_and_q(a - h, x)
    p, _ = _p_and_q(a, x)
    return np.where(p < 0.5, (p_hi - p_lo), -(q_hi - q_lo)) / (2 * h)


def _wilson_hilferty_grad(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d/da of x = a t^3 with t = 1 - 1/(9a) + z / (3 sqrt a), z held fixed."""
    t = np.cbrt(x / a)
    z = (t - 1 + 1 / (9 * a)) * 3 * np.sqrt(a)
    dt = 1 / (9 * a ** 2) - z / (6 * a ** 1.5)
    return t ** 3 + 3 * a * t ** 2 * dt


def standard_gamma_grad_array(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dalpha of standard Gamma(alpha) samples ``x`` at fixed noise, in float64."""
    a, x = np.broadcast_arrays(np.asarray(alpha, np.float64), np.asarray(x, np.float64))
    out = np.empty_like(x)
    big = a > 1e4
    if big.any():
        out[big] = _wilson_hilferty_grad(a[big], x[big])
    rest = ~big
    if rest.any():
        ar, xr = a[rest], x[rest]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_pdf = (ar - 1) * np.log(xr) - xr - _lgamma(ar)
            out[rest] = -_dcdf_dalpha(ar, xr) / np.exp(log_pdf)
    out[~np.isfinite(out)] = 0.0  # x underflowed to 0 (tiny alpha): no usable slope
    return out


def standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """``torch._standard_gamma_grad``: dx/dalpha for standard Gamma samples ``x``."""
    return Tensor._make(standard_gamma_grad_array(alpha._data, x._data).astype(x._data.dtype))


# ---------------------------------------------------------------------------------------------
# The ops
# ---------------------------------------------------------------------------------------------

class _StandardGamma(Primitive):
    # a primitive: the sample comes from NumPy's generator and its gradient from the implicit
    # function theorem above (not differentiable twice, as PyTorch's)
    node_name = "StandardGammaBackward0"

    @staticmethod
    def forward(ctx, alpha, generator=None):
        g = rng(generator, alpha)  # (the generator of alpha's device)
        if type(alpha) is np.ndarray:
            draw = g.standard_gamma(alpha.astype(np.float64))
        else:  # (CuPy's needs the size spelled out)
            draw = g.standard_gamma(alpha.astype(np.float64), size=alpha.shape)
        x = np.maximum(draw, np.finfo(alpha.dtype).tiny).astype(alpha.dtype)
        ctx.alpha, ctx.x = alpha, x
        return x

    @staticmethod
    def backward(ctx, grad):
        # NOTE: on a device the slope is computed on the host (its series and continued
        # fraction run until every element converges, and pick a method per element by
        # masks); only this backward of Gamma's rsample round-trips to the host.
        slope = standard_gamma_grad_array(to_host(ctx.alpha), to_host(ctx.x))
        slope = on_device_of(slope.astype(ctx.x.dtype), ctx.x)
        return grad * Tensor._make(slope), None


def standard_gamma(alpha: Tensor, generator=None) -> Tensor:
    """Gamma(alpha, 1) samples of alpha's shape, reparameterised (``torch._standard_gamma``;
    samples are at least the dtype's smallest normal number)."""
    if not is_float_np(alpha._data.dtype):
        raise RuntimeError(f"_standard_gamma: expected a floating tensor, got {alpha.dtype}")
    return _StandardGamma.apply(alpha, generator)
