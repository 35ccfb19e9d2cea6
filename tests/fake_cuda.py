"""The fake CUDA device for tests: ``with fake_cuda():`` makes ``device='cuda'`` real.

Inside, ``npgrad.cuda.is_available()`` is True and CUDA tensors hold the fake device's arrays
(``npgrad._fake_device``: NumPy behind CuPy's wall, so host/device mix-ups fail loudly).
Outside, npgrad is the CPU-only build again, as the rest of the suite expects.
"""
from __future__ import annotations

import contextlib
import sys

from npgrad import _fake_device, backend


@contextlib.contextmanager
def fake_cuda():
    saved = backend.cuda_module()
    backend.use_cuda_module(_fake_device.module())
    try:
        yield
    finally:
        backend.use_cuda_module(saved)


# What copies device data to the host on a GPU (and waits for the device): the explicit
# copies and every conversion of a device value to a Python number or truth value.
_HOST_COPIES = ("get", "item", "tolist", "__bool__", "__float__", "__int__", "__complex__")


@contextlib.contextmanager
def host_copies_forbidden():
    """Inside, any copy of device data to the host raises AssertionError (outside the fake
    device's own wall, which already refuses the implicit ones): the check that a training step
    keeps its data on the device. Validation checks read through ``backend.host_check`` (the
    one sanctioned read) pass. Use inside :func:`fake_cuda`."""
    cls = _fake_device.ndarray
    saved = {name: cls.__dict__[name] for name in _HOST_COPIES}

    def refuse(name):
        def copy(self, *args, **kwargs):
            if sys._getframe(1).f_code is backend.host_check.__code__:  # a validation check
                return saved[name](self, *args, **kwargs)
            raise AssertionError(f"device data copied to the host (ndarray.{name}) of an array "
                                 f"of shape {self.shape}")
        return copy

    for name in _HOST_COPIES:
        setattr(cls, name, refuse(name))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(cls, name, fn)
