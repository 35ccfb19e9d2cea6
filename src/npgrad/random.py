"""Random number generation: ``manual_seed``, ``Generator`` and the default generator.

npgrad draws from NumPy's PCG64. The same seed gives the same numbers in npgrad (not the same
numbers as PyTorch, whose generators differ).
"""
from __future__ import annotations

import numpy as np

from .tensor import Tensor

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "default_generator",
           "get_rng_state", "set_rng_state"]


class Generator:
    """A source of random numbers, as ``torch.Generator``.

    >>> g = npgrad.Generator().manual_seed(0)
    >>> npgrad.rand(2, generator=g)
    """

    def __init__(self, device="cpu") -> None:
        self._seed = 67280421310721
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed & 0xFFFF_FFFF_FFFF_FFFF)
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        state = self.rng.bit_generator.state
        words = [state["state"]["state"], state["state"]["inc"], state["has_uint32"],
                 state["uinteger"]]
        return Tensor._make(np.frombuffer(b"".join(int(w).to_bytes(16, "little") for w in words),
                                    np.uint8).copy())

    def set_state(self, new_state) -> "Generator":
        raw = bytes(np.asarray(new_state, np.uint8))
        w = [int.from_bytes(raw[i:i + 16], "little") for i in range(0, 64, 16)]
        self.rng.bit_generator.state = {"bit_generator": "PCG64",
                                        "state": {"state": w[0], "inc": w[1]},
                                        "has_uint32": w[2], "uinteger": w[3]}
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; the same seed gives the same sequence of numbers."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the OS and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


def rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (or the default one)."""
    return (generator or default_generator).rng
