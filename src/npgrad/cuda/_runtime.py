"""The CUDA runtime as ``npgrad.cuda`` sees it: whether it exists, how many devices, and the
checks PyTorch's functions make before touching a device.

Every answer comes from :mod:`npgrad.backend` (``cuda_is_built``, ``cuda_device_count``), the
one place that knows the array modules; this file only turns those answers into PyTorch's
behaviour. Today they are a CPU-only build's: nothing available, and the functions that need
a device raise ``AssertionError('Torch not compiled with CUDA enabled')`` as PyTorch's do.
"""
from __future__ import annotations

from ..backend import cuda_device_count, cuda_is_available, cuda_is_built, device as _device

NOT_COMPILED = "Torch not compiled with CUDA enabled"


def is_available() -> bool:
    """Whether a CUDA device can be used: False, as in a CPU-only PyTorch build."""
    return cuda_is_available()


def device_count() -> int:
    """The number of CUDA devices: 0."""
    return cuda_device_count() if cuda_is_built() else 0


def is_initialized() -> bool:
    """Whether the CUDA runtime was started: never, without CUDA."""
    return False


def lazy_init() -> None:
    """Start the CUDA runtime, as PyTorch's ``torch.cuda._lazy_init``: without CUDA this is
    the ``AssertionError`` that every device-touching function of ``torch.cuda`` raises."""
    if not cuda_is_built():
        raise AssertionError(NOT_COMPILED)
    # A CUDA array module (planned: CuPy) starts its runtime on first use; nothing to do.


def device_index(device, optional: bool = False) -> int | None:
    """A CUDA device index from an int, a 'cuda:N' string or a device, with the checks and
    messages of PyTorch's ``torch.cuda._utils._get_device_index``.

    Negative ints pass (PyTorch treats them as "no device"); a device without an index is an
    error unless ``optional``, when it means the current device (None without CUDA)."""
    if isinstance(device, str):
        device = _device(device)
    index = None
    if isinstance(device, _device):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        index = device.index
    elif hasattr(device, "idx"):  # an npgrad.cuda.device context object
        return device.idx
    if isinstance(device, int):
        index = device
    if index is None and not optional:
        raise ValueError("Expected a torch.device with a specified index or an integer, but "
                         f"got:{device}")
    return index


def missing_binding(name: str) -> AttributeError:
    """The error PyTorch's CPU build raises where ``torch.cuda`` calls a C binding its CPU
    library does not have (``set_device``, ``reset_peak_memory_stats``...)."""
    return AttributeError(f"module 'torch._C' has no attribute '{name}'")
