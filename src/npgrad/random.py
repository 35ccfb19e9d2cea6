"""Random number generation: ``manual_seed``, ``Generator`` and the default generators.

On the CPU npgrad draws from NumPy's PCG64. The same seed gives the same numbers in npgrad
(not the same numbers as PyTorch, whose generators differ). A CUDA generator is counter-based,
as PyTorch's Philox is: its state is a seed and an offset, and each draw makes the device
module's generator from (seed, offset) and advances the offset, so the state can be saved,
restored and reproduced without reading device memory.
"""
from __future__ import annotations

import numpy as np

from .backend import CPU, as_device, cuda_module, device as _device
from .tensor import Tensor

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "default_generator",
           "get_rng_state", "set_rng_state"]


class _DeviceDraws:
    """A CuPy generator, completed with the NumPy ``Generator`` methods npgrad draws from that
    CuPy's lacks. CuPy 14's ``Generator`` has ``random``, ``standard_normal``, ``integers``,
    ``uniform``, ``standard_exponential``, ``poisson``, ``binomial``, ``standard_gamma``,
    ``gamma``, ``beta``, ``geometric``...: the rest is written from those, on the device.
    (The CPU keeps NumPy's own methods, so CPU draws are unchanged.)"""

    def __init__(self, generator, xp) -> None:
        self._g, self._xp = generator, xp

    def __getattr__(self, name: str):
        return getattr(self._g, name)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return loc + scale * self._g.standard_normal(size)

    def lognormal(self, mean=0.0, sigma=1.0, size=None):
        return self._xp.exp(self.normal(mean, sigma, size))

    def standard_cauchy(self, size=None):
        # the inverse CDF at a uniform draw
        return self._xp.tan(self._xp.pi * (self._g.random(size) - 0.5))

    def permutation(self, n: int):
        # the ranks of n uniform draws (float64 ties have probability ~n^2 / 2^53)
        return self._xp.argsort(self._g.random(n))


class Generator:
    """A source of random numbers, as ``torch.Generator``.

    >>> g = npgrad.Generator().manual_seed(0)
    >>> npgrad.rand(2, generator=g)
    """

    def __init__(self, device="cpu") -> None:
        self.device = as_device(device)
        self._seed = 67280421310721
        self._offset = 0  # (CUDA generators: draws so far)
        self._rng = None

    @property
    def rng(self):
        """A CPU generator's NumPy generator (PCG64), made on first use from the seed: NumPy's
        random module is ~5% of ``import npgrad``, and the default generator exists from the
        start. None for a CUDA generator (see ``draw``)."""
        if self._rng is None and self.device is CPU:
            self._rng = np.random.default_rng(self._seed & 0xFFFF_FFFF_FFFF_FFFF)
        return self._rng

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self._offset = 0
        self._rng = None  # (made again from the new seed on the next draw)
        return self

    def draw(self):
        """The array-module generator for the next draw: NumPy's own PCG64 on the CPU; on a
        CUDA device, a fresh device generator keyed by (seed, offset)."""
        if self.device is CPU:
            return self.rng
        key = (self._seed & 0xFFFF_FFFF_FFFF_FFFF) ^ (self._offset * 0x9E3779B97F4A7C15)
        self._offset += 1
        xp = cuda_module()
        with xp.cuda.Device(self.device.index):
            return _DeviceDraws(xp.random.default_rng(key & 0x7FFF_FFFF_FFFF_FFFF), xp)

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        if self.device is not CPU:  # (seed, offset) as 16 bytes, as PyTorch's Philox state
            return Tensor._make(np.frombuffer(
                (self._seed & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "little")
                + self._offset.to_bytes(8, "little"), np.uint8).copy())
        state = self.rng.bit_generator.state
        words = [state["state"]["state"], state["state"]["inc"], state["has_uint32"],
                 state["uinteger"]]
        return Tensor._make(np.frombuffer(b"".join(int(w).to_bytes(16, "little") for w in words),
                                    np.uint8).copy())

    def set_state(self, new_state) -> "Generator":
        raw = bytes(np.asarray(new_state, np.uint8))
        if self.device is not CPU:
            self._seed = int.from_bytes(raw[:8], "little")
            self._offset = int.from_bytes(raw[8:16], "little")
            return self
        w = [int.from_bytes(raw[i:i + 16], "little") for i in range(0, 64, 16)]
        self.rng.bit_generator.state = {"bit_generator": "PCG64",
                                        "state": {"state": w[0], "inc": w[1]},
                                        "has_uint32": w[2], "uinteger": w[3]}
        return self


default_generator = Generator()


_cuda_generators: dict = {}  # device index -> that device's default Generator


def cuda_generator(index: int) -> Generator:
    """The default generator of CUDA device ``index`` (made on first use, seeded as the CPU
    generator was last seeded, as PyTorch seeds every device in ``manual_seed``)."""
    g = _cuda_generators.get(index)
    if g is None:
        g = _cuda_generators[index] = Generator(f"cuda:{index}")
        g.manual_seed(default_generator.initial_seed())
    return g


def manual_seed(seed: int) -> Generator:
    """Seed the default generators (the CPU's and every CUDA device's); the same seed gives
    the same sequence of numbers."""
    for g in _cuda_generators.values():
        g.manual_seed(seed)
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


def rng(generator: Generator | None, like=None) -> np.random.Generator:
    """The array-module generator to draw from: ``generator``'s, or the default one of the
    device ``like`` (an array, or None for the CPU) lives on. A generator of another device
    than ``like``'s is PyTorch's RuntimeError. ``like`` may be a ``device`` too."""
    if like is None or type(like) is np.ndarray or like is CPU:
        if generator is None:
            return default_generator.rng
        if generator.device is not CPU:
            raise RuntimeError(f"Expected a 'cpu' device type for generator but found "
                               f"'{generator.device.type}'")
        return generator.rng
    index = like.index if isinstance(like, _device) else like.device.id
    if generator is None:
        return cuda_generator(index).draw()
    if generator.device.type != "cuda":
        raise RuntimeError(f"Expected a 'cuda' device type for generator but found "
                           f"'{generator.device.type}'")
    return generator.draw()
