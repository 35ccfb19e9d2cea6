"""``Parameter``: a Tensor that a Module registers as one of its parameters."""
from __future__ import annotations

import numpy as np

from ..backend import as_device, to_device
from ..dtypes import get_default_dtype, to_dtype
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


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet (the lazy modules'): it holds no
    data until ``materialize(shape)`` turns it into an ordinary one."""

    cls_to_become: type = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give it (uninitialised) data of ``shape`` and become ``cls_to_become``."""
        dt = (to_dtype(dtype) if dtype is not None else get_default_dtype()).np
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if device is None:  # on the device of its placeholder (where Module.to put it)
            self._data = np.empty_like(self._data, dt, shape=shape)
        else:
            self._data = to_device(np.empty(shape, dt), as_device(device))
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. "
                           "This error usually happens in `load_state_dict` when trying to load "
                           "an uninitialized parameter into an initialized one. Call `forward` "
                           "to initialize the parameters before accessing their attributes.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter of a lazy module, before its first forward gives it a shape."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        self = Parameter.__new__(cls, None, requires_grad)
        if device is not None:  # (the placeholder's device is where it materialises)
            self._data = to_device(self._data, as_device(device))
        return self

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of a lazy module, before its first forward gives it a shape."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None,
                persistent: bool = True):
        self = object.__new__(cls)
        placeholder = np.empty((0,), np.float32)
        self._init(placeholder if device is None else to_device(placeholder, as_device(device)))
        self.persistent = persistent
        return self

    def __init__(self, requires_grad: bool = False, device=None, dtype=None,
                 persistent: bool = True) -> None:
        pass
