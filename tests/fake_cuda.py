"""The fake CUDA device for tests: ``with fake_cuda():`` makes ``device='cuda'`` real.

Inside, ``npgrad.cuda.is_available()`` is True and CUDA tensors hold the fake device's arrays
(``npgrad._fake_device``: NumPy behind CuPy's wall, so host/device mix-ups fail loudly).
Outside, npgrad is the CPU-only build again, as the rest of the suite expects.
"""
from __future__ import annotations

import contextlib
import sys

import numpy as np

import npgrad
from npgrad import _fake_device, backend


@contextlib.contextmanager
def fake_cuda():
    saved = backend.cuda_module()
    backend.use_cuda_module(_fake_device.module())
    try:
        yield
    finally:
        backend.use_cuda_module(saved)


@contextlib.contextmanager
def default_dtype(dtype):
    """Inside, ``dtype`` is the default floating dtype (the device tests compare the two
    devices in float64, at the op harness's tolerances)."""
    saved = npgrad.get_default_dtype()
    npgrad.set_default_dtype(dtype)
    try:
        yield
    finally:
        npgrad.set_default_dtype(saved)


# What copies device data to the host on a GPU (and waits for the device): the explicit
# copies and every conversion of a device value to a Python number or truth value.
_HOST_COPIES = ("get", "item", "tolist", "__bool__", "__float__", "__int__", "__complex__")


# NumPy functions whose result's size depends on the data: a GPU must read that size on the
# host (CuPy synchronises in each), as for a selection by a boolean mask
_DATA_SIZED = frozenset({np.nonzero, np.flatnonzero, np.argwhere, np.unique, np.extract,
                         np.compress})


@contextlib.contextmanager
def host_copies_forbidden(data_sized: bool = True):
    """Inside, any copy of device data to the host raises AssertionError (outside the fake
    device's own wall, which already refuses the implicit ones): the check that a training step
    keeps its data on the device. Validation checks read through ``backend.host_check`` (the
    one sanctioned read) pass. With ``data_sized``, so do results whose size depends on the
    data (``x[mask]``, ``nonzero``, ``unique``...), which a GPU reads on the host too. Use
    inside :func:`fake_cuda`."""
    cls = _fake_device.ndarray
    names = _HOST_COPIES + (("__getitem__", "__array_function__") if data_sized else ())
    saved = {name: cls.__dict__[name] for name in names}

    def refuse(name):
        def copy(self, *args, **kwargs):
            if sys._getframe(1).f_code is backend.host_check.__code__:  # a validation check
                return saved[name](self, *args, **kwargs)
            raise AssertionError(f"device data copied to the host (ndarray.{name}) of an array "
                                 f"of shape {self.shape}")
        return copy

    def getitem(self, key):
        for k in key if type(key) is tuple else (key,):
            if getattr(k, "dtype", None) == np.bool_ and getattr(k, "ndim", 0) > 0:
                raise AssertionError(f"a boolean selection from an array of shape "
                                     f"{self.shape}: its size is read on the host")
        return saved["__getitem__"](self, key)

    def array_function(self, func, types_, args, kwargs):
        if func in _DATA_SIZED:
            raise AssertionError(f"np.{func.__name__} of device data: its size is read on "
                                 f"the host")
        return saved["__array_function__"](self, func, types_, args, kwargs)

    for name in _HOST_COPIES:
        setattr(cls, name, refuse(name))
    if data_sized:
        cls.__getitem__, cls.__array_function__ = getitem, array_function
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(cls, name, fn)
