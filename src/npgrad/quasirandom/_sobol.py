"""``npgrad.quasirandom``: low-discrepancy sequences, as ``torch.quasirandom``.

:class:`SobolEngine` draws Sobol' points (Bratley and Fox's construction, Antonov and
Saleev's Gray-code order) from Joe and Kuo's direction numbers for up to 21,201 dimensions
(``data/README.md`` says where they come from), with 30 bits per coordinate. Unscrambled
points are PyTorch's exactly; scrambled ones use the same scrambling (a random linear matrix
scramble of each dimension's direction numbers and a random digital shift) drawn from
npgrad's generator, so they have the same distribution as PyTorch's, not the same values.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from .. import dtypes as _dt
from ..random import Generator
from ..tensor import Tensor

__all__ = ["SobolEngine"]

_TABLE = Path(__file__).resolve().parent / "data" / "sobol_joe_kuo_6_21201.npz"


@functools.lru_cache(maxsize=1)
def _joe_kuo() -> tuple:
    """Each dimension's (after the first) primitive polynomial and initial direction numbers
    ``m_1..m_s`` (``m_j`` odd and below ``2**j``, stored as its ``j - 1`` high bits)."""
    with np.load(_TABLE) as f:
        poly, packed, n_bits = f["poly"].astype(np.int64), f["m_bits"], int(f["n_bits"])
    bits = np.unpackbits(packed)[:n_bits].astype(np.int64)
    degree = np.array([int(p).bit_length() - 1 for p in poly])
    widths = np.concatenate([np.arange(s) for s in degree])          # j - 1 for each m_j
    starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    values = np.zeros(widths.size, np.int64)
    for k in range(int(widths.max())):                                # most significant first
        has = k < widths
        values[has] = values[has] * 2 + bits[starts[has] + k]
    m = values * 2 + 1
    split = np.cumsum(degree)[:-1]
    return poly, degree, np.split(m, split)


def _direction_numbers(dimension: int, maxbit: int) -> np.ndarray:
    """``V[d, j] = m_{j+1} << (maxbit - j - 1)`` for each dimension (int64, (dim, maxbit)),
    the ``m`` past the initial ones from Bratley and Fox's recurrence on the polynomial
    ``x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1``:
    ``m_j = 2^s m_(j-s) ^ m_(j-s) ^ (XOR over k < s of 2^k a_k m_(j-k))``."""
    m = np.ones((dimension, maxbit), np.int64)          # the first dimension: all m_j = 1
    if dimension > 1:
        poly, degree, initial = _joe_kuo()
        s, p = degree[:dimension - 1], poly[:dimension - 1]
        rest = m[1:]
        for d, first in enumerate(initial[:dimension - 1]):
            rest[d, :min(s[d], maxbit)] = first[:maxbit]
        rows = np.arange(dimension - 1)
        for j in range(1, maxbit):                      # all dimensions at once, per j
            todo = j >= s
            back = rest[rows, np.maximum(j - s, 0)]
            new = back ^ (back << s)
            for k in range(1, int(s.max())):
                a_k = ((p >> np.maximum(s - k, 0)) & 1).astype(bool) & (k < s)
                new ^= np.where(a_k, rest[:, j - k] << k if j >= k else 0, 0)
            rest[todo, j] = new[todo]
    return m << np.arange(maxbit - 1, -1, -1)


class SobolEngine:
    """A generator of Sobol' points in ``[0, 1)^dimension``, drawn in order (each draw goes
    on from the last); with ``scramble``, an Owen-type scramble seeded by ``seed``."""

    MAXBIT = 30
    MAXDIM = 21201

    def __init__(self, dimension: int, scramble: bool = False, seed: int | None = None):
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError(f"Supported range of dimensionality for SobolEngine is "
                             f"[1, {self.MAXDIM}]")
        self.seed, self.scramble, self.dimension = seed, scramble, dimension
        self._direction = _direction_numbers(dimension, self.MAXBIT)
        self._shift = np.zeros(dimension, np.int64)
        if scramble:
            self._scramble()
        self.num_generated = 0

    def _scramble(self) -> None:
        """Multiply each dimension's direction numbers by a random lower-triangular binary
        matrix (unit diagonal) over GF(2), and XOR a random shift into every point."""
        g = Generator()
        if self.seed is None:
            g.seed()
        else:
            g.manual_seed(self.seed)
        bits = self.MAXBIT
        rng = g.rng  # (the NumPy generator behind npgrad's Generator)
        shift_bits = rng.integers(0, 2, (self.dimension, bits))
        self._shift = shift_bits @ (1 << np.arange(bits - 1, -1, -1))
        ltm = np.tril(rng.integers(0, 2, (self.dimension, bits, bits)), -1)
        ltm[:, np.arange(bits), np.arange(bits)] = 1
        # bit k (most significant first) of each direction number, then the matrix product
        v_bits = (self._direction[:, :, None] >> np.arange(bits - 1, -1, -1)) & 1  # (d, j, k)
        scrambled = np.einsum("dkl,djl->djk", ltm, v_bits) % 2
        self._direction = scrambled @ (1 << np.arange(bits - 1, -1, -1))

    def _points(self, start: int, n: int) -> np.ndarray:
        """The integer states of points ``start .. start + n - 1``: the XOR of the
        direction numbers of the bits set in each index's Gray code, and the shift."""
        index = np.arange(start, start + n, dtype=np.int64)
        gray = index ^ (index >> 1)
        out = np.broadcast_to(self._shift, (n, self.dimension)).copy()
        for j in range(self.MAXBIT):
            on = ((gray >> j) & 1).astype(bool)
            out[on] ^= self._direction[:, j]
        return out

    def _as_tensor(self, states: np.ndarray, out, dtype) -> Tensor:
        dt = _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()
        values = (states * 2.0 ** -self.MAXBIT).astype(dt.np)
        if out is not None:
            out.resize_(values.shape).copy_(Tensor._make(values))
            return out
        return Tensor._make(values)

    def draw(self, n: int = 1, out: Tensor | None = None, dtype=None) -> Tensor:
        """The next ``n`` points, an (n, dimension) tensor (of ``dtype``, by default the
        default float dtype)."""
        states = self._points(self.num_generated, n)
        self.num_generated += n
        return self._as_tensor(states, out, dtype)

    def draw_base2(self, m: int, out: Tensor | None = None, dtype=None) -> Tensor:
        """The next ``2 ** m`` points; the total drawn must stay a power of 2 (what keeps
        Sobol' points balanced)."""
        n = 2 ** m
        total = self.num_generated + n
        if total & (total - 1):
            raise ValueError(f"The balance properties of Sobol' points require n to be a "
                             f"power of 2. {self.num_generated} points have been previously "
                             f"generated, then: n={self.num_generated}+2**{m}={total}. If "
                             f"you still want to do this, please use 'SobolEngine.draw()' "
                             f"instead.")
        return self.draw(n, out, dtype)

    def fast_forward(self, n: int) -> "SobolEngine":
        """Skip ``n`` points, as if drawn."""
        self.num_generated += n
        return self

    def reset(self) -> "SobolEngine":
        """Start again from the first point."""
        self.num_generated = 0
        return self

    def __repr__(self) -> str:
        fmt = [f"dimension={self.dimension}"]
        if self.scramble:
            fmt += ["scramble=True"]
        if self.seed is not None:
            fmt += [f"seed={self.seed}"]
        return self.__class__.__name__ + "(" + ", ".join(fmt) + ")"
