"""The orthogonal polynomials of ``torch.special``: Chebyshev of the four kinds (T, U, V, W)
and their shifted forms on [0, 1], Hermite (physicists' H and probabilists' He), Laguerre L
and Legendre P, each evaluated at ``x`` for the degree ``n`` (tensors or one of them a number,
broadcast).

PyTorch's kernels decide case by case, and this module follows their rules, since results at
the edges depend on them:

* ``n`` is truncated to an integer in the promoted dtype; a negative (or non-finite, or
  beyond int64) degree gives 0;
* Chebyshev: exact values at the ends of the interval (x = +-1; x = 0, 1 for the shifted
  forms); inside it, above a small degree, the trigonometric forms (T_n = cos(n theta),
  U_n = sin((n+1) theta) / sin theta, ... with x = cos theta); otherwise the three-term
  recurrence p_{k+1} = 2x p_k - p_{k-1};
* Hermite: nan above degree 512 (float64) or 128 (float32), where the values overflow;
  Laguerre: 1 at x = 0 for every degree; the others by their recurrences.

The recurrences run in the promoted dtype (as PyTorch's, so float32 rounds as it does), over
the elements that still need a step: an element leaves when it reaches its degree or its
value becomes nan (which is where PyTorch stops too).

NOTE: PyTorch returns an uninitialised value for x = nan with a degree of 2 or more in the
Chebyshev, Laguerre and Legendre recurrences (it stops before the first step); npgrad gives nan.

None of them is differentiable in PyTorch (their results never require grad), nor here.
"""
from __future__ import annotations

import numpy as np

from ...backend import array_module
from .._arguments import Tensor
from ._special_calls import binary_inputs, result, write_out

__all__ = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
           "laguerre_polynomial_l", "legendre_polynomial_p"]

_INT64_MIN = np.iinfo(np.int64).min


def _degree(n: np.ndarray) -> np.ndarray:
    """The int64 degree of a float ``n`` as C's truncating cast gives it on x86-64: nan, inf
    and values beyond int64 become INT64_MIN (a negative degree)."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(n) & (np.abs(n) < 2.0 ** 63)
        return np.where(ok, np.trunc(np.where(ok, n, 0)), _INT64_MIN).astype(np.int64)


def _recurrence(x, n, p, q, step):
    """The degree-``n`` member of a family from its degrees 0 (``p``) and 1 (``q``) by
    ``r = step(j, x, p, q)`` for j = 1 .. n-1 (arrays of the elements with n >= 2)."""
    out = np.empty_like(x)
    idx = array_module(x).arange(x.size)
    # float32 steps compute in float64 and round once, as PyTorch's compiled kernel does with
    # fused multiply-adds (which decides, e.g., whether a value near float32's max overflows)
    wide = np.float64 if x.dtype == np.float32 else x.dtype

    def rnd(a):
        return a.astype(out.dtype).astype(wide) if wide is not out.dtype else a

    x, p, q = (a.reshape(-1).astype(wide) for a in (x, p, q))
    n = n.reshape(-1)
    j = 1
    while idx.size:
        p, q = q, rnd(step(j, x, p, q, rnd))
        done = (n <= j + 1) | np.isnan(q)
        if done.any():
            out.reshape(-1)[idx[done]] = q[done]
            keep = ~done
            idx, x, n, p, q = idx[keep], x[keep], n[keep], p[keep], q[keep]
        j += 1
    return out


class _Family:
    """One polynomial family: ``cases(x, n)`` gives (value array, mask of the elements it
    decided); the rest get the recurrence from p0 = 1 and p1 = ``start(x)`` with ``step``."""

    def __init__(self, name, start, step, cases) -> None:
        self.name, self.start, self.step, self.cases = name, start, step, cases

    def __call__(self, x_in, n_in, out=None) -> Tensor:
        _, _, x, nf = binary_inputs(self.name, x_in, n_in)
        n = _degree(nf)
        value, decided = self.cases(x, n)
        value = value.astype(x.dtype)  # (a copy: the recurrence writes into it)
        p1 = self.start(x)
        value = np.where(~decided & (n == 0), x.dtype.type(1), value)
        value = np.where(~decided & (n == 1), p1, value)
        rest = ~decided & (n >= 2)
        if rest.any():
            value[rest] = _recurrence(x[rest], n[rest], np.ones_like(x[rest]), p1[rest],
                                      self.step)
        return write_out(f"special_{self.name}", result(value, x.dtype), out)


def _negative(x, n):
    """(zeros, mask of n < 0): every family is 0 for a negative degree."""
    return np.zeros_like(x), n < 0


def _decide(value, decided, mask, new):
    """Set ``value`` to ``new`` where ``mask`` and not yet decided."""
    mask = mask & ~decided
    return np.where(mask, new, value), decided | mask


def _odd(n):
    return (n % 2) == 1


def _chebyshev_ends(y, n, value, decided, at_one, at_minus_one):
    """The values at y = 1 and y = -1 (``at_one(n)``, ``at_minus_one(n)``)."""
    value, decided = _decide(value, decided, y == 1, at_one(n).astype(y.dtype))
    return _decide(value, decided, y == -1, at_minus_one(n).astype(y.dtype))


def _cheb_cases(kind: str, shifted: bool):
    """The decided cases of a Chebyshev family (``shifted``: y = 2x - 1, ends x = 1, 0)."""
    odd_sign = {"t": lambda n: np.where(_odd(n), -1, 1),
                "u": lambda n: np.where(_odd(n), -(n + 1), n + 1),
                "v": lambda n: np.where(_odd(n), -(2 * n + 1), 2 * n + 1),
                "w": lambda n: np.where(_odd(n), -1, 1)}[kind]
    top = {"t": lambda n: np.ones_like(n), "u": lambda n: n + 1,
           "v": lambda n: np.ones_like(n), "w": lambda n: 2 * n + 1}[kind]
    # (the degree above which the trigonometric form is used, as PyTorch)
    above = {("t", False): 6, ("u", False): 8, ("v", False): 8, ("w", False): 8,
             ("t", True): 6, ("u", True): 6, ("v", True): 6, ("w", True): 4}[kind, shifted]

    def cases(x, n):
        one = x.dtype.type(1)
        value, decided = _negative(x, n)
        y = x + x - one if shifted else x
        if shifted:
            value, decided = _decide(value, decided, x == one, top(n).astype(x.dtype))
            value, decided = _decide(value, decided, x == 0, odd_sign(n).astype(x.dtype))
        else:
            value, decided = _chebyshev_ends(y, n, value, decided, top, odd_sign)
        inside = (n > above) & (np.abs(y) < one)
        with np.errstate(all="ignore"):
            value, decided = _decide(value, decided, inside,
                                     _trig(kind, y, n, x.dtype, shifted))
        return value, decided

    return cases


def _trig(kind: str, y, n, dt, shifted: bool):
    """The trigonometric forms with y = cos(theta), in the kernel's dtype ``dt``."""
    theta = np.arccos(y)
    nd = n.astype(dt)
    half = dt.type(0.5)
    if kind == "t":
        return np.cos(nd * theta)
    if kind == "u":
        s = np.sin(theta)
        return np.where(s != 0, np.sin((nd + 1) * theta) / s,
                        (nd + 1) * np.cos((nd + 1) * theta) / y)
    if kind == "v":
        return np.where(np.sin(theta / 2) != 1, np.cos((nd + half) * theta) / np.cos(theta / 2),
                        np.where(_odd(n), -(2 * nd + 1), 2 * nd + 1))
    # w: sin((n + 1/2) theta) / sin(theta / 2), whose limit at theta = 0 is 2n + 1; where
    # theta / 2 is too small for cos to tell it from 0, PyTorch gives 2n + 1 for y > 0, or
    # (the shifted form, and y < 0) 1 or -1 by parity
    by_parity = np.where(_odd(n), -1, 1).astype(dt)
    limit = by_parity if shifted else np.where(y > 0, 2 * nd + 1, by_parity)
    return np.where(np.cos(theta / 2) != 1, np.sin((nd + half) * theta) / np.sin(theta / 2),
                    limit)


def _cheb_start(kind: str, shifted: bool):
    """Degree 1 of each kind: T1 = y, U1 = 2y, V1 = 2y - 1, W1 = 2y + 1."""
    def start(x):
        one = x.dtype.type(1)
        y = x + x - one if shifted else x
        return {"t": y, "u": y + y, "v": y + y - one, "w": y + y + one}[kind]
    return start


def _cheb_step(shifted: bool):
    def step(j, x, p, q, rnd):
        y = rnd(x + x - 1) if shifted else x
        return (y + y) * q - p
    return step


def _hermite_cases(limit32: int, limit64: int):
    def cases(x, n):
        value, decided = _negative(x, n)
        limit = limit64 if x.dtype == np.float64 else limit32
        return _decide(value, decided, n > limit, x.dtype.type(np.nan))
    return cases


def _laguerre_cases(x, n):
    value, decided = _negative(x, n)
    return _decide(value, decided, x == 0, x.dtype.type(1))


def _legendre_cases(x, n):
    value, decided = _negative(x, n)
    at_minus_one = np.where(_odd(n), -1, 1).astype(x.dtype)
    value, decided = _decide(value, decided, x == 1, x.dtype.type(1))
    return _decide(value, decided, x == -1, at_minus_one)


# (``rnd`` rounds an intermediate to the kernel's dtype: see _recurrence)
def _hermite_h_step(j, x, p, q, rnd):
    return (x + x) * q - rnd((2 * j) * p)     # H_{j+1} = 2x H_j - 2j H_{j-1}


def _hermite_he_step(j, x, p, q, rnd):
    return x * q - rnd(j * p)                 # He_{j+1} = x He_j - j He_{j-1}


def _laguerre_step(j, x, p, q, rnd):
    # (j+1) L_{j+1} = (2j + 1 - x) L_j - j L_{j-1}
    return rnd(rnd(2 * j + rnd(1 - x)) * q - rnd(j * p)) / (j + 1)


def _legendre_step(j, x, p, q, rnd):
    # (j+1) P_{j+1} = (2j+1) x P_j - j P_{j-1}
    return rnd(rnd((2 * j + 1) * x) * q - rnd(j * p)) / (j + 1)


def _family(name: str, doc: str, start, step, cases):
    family = _Family(name, start, step, cases)

    def op(input, n, *, out=None) -> Tensor:
        return family(input, n, out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc + ("\n\n``input`` and ``n`` are tensors (or one of them a number) that "
                        "broadcast; ``n`` is truncated to an integer, and a negative degree "
                        "gives 0. Not differentiable (as in PyTorch).")
    return op


def _chebyshev(kind: str, shifted: bool, doc: str):
    name = f"{'shifted_' if shifted else ''}chebyshev_polynomial_{kind}"
    return _family(name, doc, _cheb_start(kind, shifted), _cheb_step(shifted),
                   _cheb_cases(kind, shifted))


chebyshev_polynomial_t = _chebyshev("t", False, "The Chebyshev polynomial of the first kind "
                                    "T_n(input), cos(n theta) at input = cos(theta).")
chebyshev_polynomial_u = _chebyshev("u", False, "The Chebyshev polynomial of the second kind "
                                    "U_n(input), sin((n+1) theta) / sin(theta).")
chebyshev_polynomial_v = _chebyshev("v", False, "The Chebyshev polynomial of the third kind "
                                    "V_n(input), cos((n+1/2) theta) / cos(theta/2).")
chebyshev_polynomial_w = _chebyshev("w", False, "The Chebyshev polynomial of the fourth kind "
                                    "W_n(input), sin((n+1/2) theta) / sin(theta/2).")
shifted_chebyshev_polynomial_t = _chebyshev("t", True, "T_n(2 input - 1), the Chebyshev "
                                            "polynomial of the first kind shifted to [0, 1].")
shifted_chebyshev_polynomial_u = _chebyshev("u", True, "U_n(2 input - 1), the Chebyshev "
                                            "polynomial of the second kind shifted to [0, 1].")
shifted_chebyshev_polynomial_v = _chebyshev("v", True, "V_n(2 input - 1), the Chebyshev "
                                            "polynomial of the third kind shifted to [0, 1].")
shifted_chebyshev_polynomial_w = _chebyshev("w", True, "W_n(2 input - 1), the Chebyshev "
                                            "polynomial of the fourth kind shifted to [0, 1].")
hermite_polynomial_h = _family(
    "hermite_polynomial_h", "The physicists' Hermite polynomial H_n(input) (nan above degree "
    "512 in float64, 128 in float32, as PyTorch).", lambda x: x + x, _hermite_h_step,
    _hermite_cases(128, 512))
hermite_polynomial_he = _family(
    "hermite_polynomial_he", "The probabilists' Hermite polynomial He_n(input) (nan above "
    "degree 512 in float64, 128 in float32, as PyTorch).", lambda x: x.copy(),
    _hermite_he_step, _hermite_cases(128, 512))
laguerre_polynomial_l = _family(
    "laguerre_polynomial_l", "The Laguerre polynomial L_n(input).",
    lambda x: x.dtype.type(1) - x, _laguerre_step, _laguerre_cases)
legendre_polynomial_p = _family(
    "legendre_polynomial_p", "The Legendre polynomial P_n(input).", lambda x: x.copy(),
    _legendre_step, _legendre_cases)
