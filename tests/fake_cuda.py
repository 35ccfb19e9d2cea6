"""The fake CUDA device for tests: ``with fake_cuda():`` makes ``device='cuda'`` real.

Inside, ``npgrad.cuda.is_available()`` is True and CUDA tensors hold the fake device's arrays
(``npgrad._fake_device``: NumPy behind CuPy's wall, so host/device mix-ups fail loudly).
Outside, npgrad is the CPU-only build again, as the rest of the suite expects.
"""
from __future__ import annotations

import contextlib

from npgrad import _fake_device, backend


@contextlib.contextmanager
def fake_cuda():
    saved = backend.cuda_module()
    backend.use_cuda_module(_fake_device.module())
    try:
        yield
    finally:
        backend.use_cuda_module(saved)
