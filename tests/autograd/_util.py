"""Shared helpers for the autograd tests: the same values in npgrad and in PyTorch."""
from __future__ import annotations

import numpy as np
import torch

import npgrad


def pair(data, dtype="float64", requires_grad: bool = True):
    """The same leaf in both libraries: ``(npgrad_tensor, torch_tensor)``."""
    arr = np.asarray(data, dtype=dtype)
    a = npgrad.tensor(arr.copy(), requires_grad=requires_grad)
    t = torch.tensor(arr.copy(), requires_grad=requires_grad)
    return a, t


def close(a, t, rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Assert an npgrad tensor equals a torch tensor in values, shape and dtype."""
    assert (a is None) == (t is None), (a, t)
    if a is None:
        return
    ta = t.detach().numpy()
    assert tuple(a.shape) == tuple(ta.shape), (a.shape, ta.shape)
    assert str(a.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], (a.dtype, t.dtype)
    np.testing.assert_allclose(a.detach().numpy(), ta, rtol=rtol, atol=atol)
