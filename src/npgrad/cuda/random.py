"""``npgrad.cuda.random``: seeding the CUDA generators, as PyTorch's CPU build does it.

Seeding is accepted and does nothing (PyTorch queues it until CUDA starts, which never
happens), so ``torch.cuda.manual_seed_all(0)`` beside ``torch.manual_seed(0)`` is harmless;
reading a CUDA generator's state needs a device and raises.
"""
from __future__ import annotations

from ._runtime import lazy_init

__all__ = ["get_rng_state", "get_rng_state_all", "initial_seed", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "set_rng_state", "set_rng_state_all"]


def manual_seed(seed: int) -> None:
    """Seed the current device's generator: the seed is checked (``int(seed)``), then
    ignored, as PyTorch ignores it without CUDA."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every device's generator: checked, then ignored without CUDA."""
    int(seed)


def seed() -> None:
    """Seed the current device's generator randomly: nothing to seed without CUDA."""


def seed_all() -> None:
    """Seed every device's generator randomly: nothing to seed without CUDA."""


def initial_seed() -> int:
    """The current device generator's seed: ``AssertionError`` without CUDA."""
    lazy_init()
    return 0


def get_rng_state(device="cuda"):
    """A device generator's state: ``AssertionError`` without CUDA."""
    lazy_init()


def get_rng_state_all() -> list:
    """Every device generator's state: ``[]`` without devices."""
    return []


def set_rng_state(new_state, device="cuda") -> None:
    """Set a device generator's state: ignored without CUDA (PyTorch queues it)."""


def set_rng_state_all(new_states) -> None:
    """Set every device generator's state: nothing to set without devices."""
