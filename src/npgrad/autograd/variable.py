"""``autograd.Variable``: the wrapper tensors needed before PyTorch 0.4, kept for old programs.

Since PyTorch 0.4 every tensor is a Variable: ``isinstance(t, Variable)`` holds for any tensor,
and ``Variable(t, requires_grad=...)`` returns a new tensor sharing ``t``'s data, detached from
its graph, with ``requires_grad`` as given (PyTorch's behaviour, checked against 2.13).
"""
from __future__ import annotations

import warnings

from ..tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy constructor: ``Variable(data, requires_grad=False)`` -> a detached tensor."""

    def __new__(cls, data: Tensor, requires_grad: bool = False,
                volatile: bool = False) -> Tensor:
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with "
                          "torch.no_grad():` instead.", UserWarning, stacklevel=2)
        out = data.detach()
        out.requires_grad_(requires_grad)
        return out
