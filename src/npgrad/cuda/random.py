"""``npgrad.cuda.random``: seeding and saving the CUDA devices' generators.

Without CUDA this is PyTorch's CPU build: seeding is accepted and does nothing (PyTorch queues
it until CUDA starts, which never happens), so ``torch.cuda.manual_seed_all(0)`` beside
``torch.manual_seed(0)`` is harmless; reading a CUDA generator's state needs a device and
raises. With CUDA each device has a default generator (``npgrad.random.cuda_generator``),
whose state is PyTorch's (seed, offset) pair.
"""
from __future__ import annotations

from ..backend import cuda_device_count, cuda_is_built, current_cuda_index
from ..random import cuda_generator
from ._runtime import device_index, lazy_init

__all__ = ["get_rng_state", "get_rng_state_all", "initial_seed", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "set_rng_state", "set_rng_state_all"]


def _devices() -> range:
    return range(cuda_device_count() if cuda_is_built() else 0)


def _index(device) -> int:
    if device == "cuda" or device is None:
        return current_cuda_index()
    return device_index(device, optional=True)


def manual_seed(seed: int) -> None:
    """Seed the current device's generator (checked with ``int(seed)``; ignored without
    CUDA, as PyTorch ignores it)."""
    seed = int(seed)
    if cuda_is_built():
        cuda_generator(current_cuda_index()).manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every device's generator (ignored without CUDA)."""
    seed = int(seed)
    for i in _devices():
        cuda_generator(i).manual_seed(seed)


def seed() -> None:
    """Seed the current device's generator randomly (nothing to seed without CUDA)."""
    if cuda_is_built():
        cuda_generator(current_cuda_index()).seed()


def seed_all() -> None:
    """Seed every device's generator randomly (nothing to seed without CUDA)."""
    for i in _devices():
        cuda_generator(i).seed()


def initial_seed() -> int:
    """The current device generator's seed: ``AssertionError`` without CUDA."""
    lazy_init()
    return cuda_generator(current_cuda_index()).initial_seed()


def get_rng_state(device="cuda"):
    """A device generator's state (a uint8 tensor): ``AssertionError`` without CUDA."""
    lazy_init()
    return cuda_generator(_index(device)).get_state()


def get_rng_state_all() -> list:
    """Every device generator's state (``[]`` without devices)."""
    return [cuda_generator(i).get_state() for i in _devices()]


def set_rng_state(new_state, device="cuda") -> None:
    """Set a device generator's state (ignored without CUDA: PyTorch queues it)."""
    if cuda_is_built():
        cuda_generator(_index(device)).set_state(new_state)


def set_rng_state_all(new_states) -> None:
    """Set every device generator's state (nothing to set without devices)."""
    for i, state in zip(_devices(), new_states):
        cuda_generator(i).set_state(state)
