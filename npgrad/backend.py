"""The array backend: the one place that knows which array module holds a tensor's data.

Ops never branch on the device; they ask :func:`array_module` for ``xp`` and call
``xp.exp`` and friends. Today only NumPy (the ``'cpu'`` device) exists; a CuPy backend
slots in here (the only file that may import cupy).
"""
from __future__ import annotations

import numpy as np


class device:
    """Where a tensor's data lives, as in ``torch.device``: ``npgrad.device('cpu')``.

    >>> npgrad.device('cpu') == 'cpu'
    True
    """

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, idx = type.split(":", 1)
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device "
                               f"string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def as_device(d) -> device:
    """Normalise a ``device=`` argument (None, a string or a device) and check it exists."""
    if d is None or d is CPU:
        return CPU
    d = device(d)
    if d.type != "cpu":
        raise RuntimeError(f"device {d} is not available: npgrad has only the NumPy 'cpu' "
                           "backend on this machine (a CuPy backend is planned)")
    return CPU


def array_module(data=None):
    """The array module (``numpy``) for an array, in the style of ``cupy.get_array_module``."""
    return np
