"""``Parameter``: a Tensor that a Module registers as one of its parameters."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a module parameter: assigning one to a Module attribute registers it.

    It shares data with the tensor it is made from and requires grad by default.

    >>> w = npgrad.nn.Parameter(npgrad.randn(3, 2))
    >>> w.requires_grad
    True
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = Tensor._make(np.empty((0,), np.float32))
        elif not isinstance(data, Tensor):
            # PyTorch's message (it calls data.detach()), with what it expected
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach' "
                                 f"(Parameter(): data must be a Tensor)")
        self = object.__new__(cls)
        self._init(data._data)
        if requires_grad:
            self.requires_grad = True
        return self

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (Parameter, (Tensor._make(self._data), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = Parameter(Tensor._make(self._data.copy()), self.requires_grad)
        memo[id(self)] = out
        return out


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute."""

    def __new__(cls, data: Tensor, *, persistent: bool = True):
        self = object.__new__(cls)
        self._init(data._data)
        self.persistent = persistent
        return self

    def __init__(self, data: Tensor, *, persistent: bool = True) -> None:
        pass
