"""Tensor methods: the tensor's storage and kind: ``new`` and ``new_*``, ``data_ptr``,
``storage_offset``, ``apply_``, ``map_``, ``resize_``, ``in``, and the CPU-only answers
(``is_cpu``, ``pin_memory``...).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import dtypes as _dtypes
from ..backend import is_device_array
from ..ops import predicates as _predicates
from ..ops.creation import factories as _factories
from ..multiprocessing import reductions as _reductions
from ..tensor import Tensor
from ..ops._arguments import size_args
from ..ops.creation.factories import tensor, zeros


def _tensor_new(t: Tensor, *args, **kwargs) -> Tensor:
    """``t.new(...)``, PyTorch's legacy constructor, in ``t``'s dtype and on its device:
    ``new()`` is empty, ``new(2, 3)`` / ``new(size)`` uninitialised (zeros here), ``new(data)``
    a copy of data."""
    dtype = kwargs.pop("dtype", None) or t.dtype
    device = kwargs.pop("device", None) or t.device
    if not args:
        return zeros(0, dtype=dtype, device=device)
    if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer)):
        data = args[0]
        if isinstance(data, tuple) and all(isinstance(s, (builtins.int, np.integer))
                                           for s in data) and type(data).__name__ == "Size":
            return zeros(*data, dtype=dtype, device=device)
        if isinstance(data, Tensor):  # a copy, outside any graph
            return data.detach().to(device=device, dtype=dtype, copy=True)
        return tensor(data, dtype=dtype, device=device)
    return zeros(*args, dtype=dtype, device=device)


def _address(a) -> builtins.int:
    """The address of an array's first element: host memory for NumPy arrays, device memory
    for CUDA arrays (through the CUDA array interface, which CuPy's arrays carry)."""
    if type(a) is np.ndarray:
        return a.__array_interface__["data"][0]
    return a.__cuda_array_interface__["data"][0]


def _data_ptr(t: Tensor) -> builtins.int:
    """The address of the tensor's first element."""
    return _address(t._data)


def _storage_offset(t: Tensor) -> builtins.int:
    """How many elements into its base array the tensor starts (0 unless it is a view)."""
    base = t._data
    while isinstance(base.base, np.ndarray) or is_device_array(base.base):
        base = base.base
    return (_address(t._data) - _address(base)) // builtins.max(t._data.itemsize, 1)


def _apply_(t: Tensor, callable) -> Tensor:  # noqa: A002 (PyTorch's name)
    """``t.apply_(fn)``: replace each element by ``fn(element)`` (CPU Python callables, no
    gradient, as PyTorch)."""
    if t._rg:
        raise TypeError("apply_ is only implemented on CPU tensors that don't require grad")
    if t._data.size:
        out = np.vectorize(callable, otypes=[t._data.dtype])(t._data)
        np.copyto(t._data, out, casting="unsafe")
    t._bump()
    return t


def _map_(t: Tensor, other: Tensor, callable) -> Tensor:  # noqa: A002
    """``t.map_(other, fn)``: replace each element by ``fn(element, other's element)``
    (``other`` broadcast to ``t``)."""
    if t._rg or other._rg:
        raise TypeError("map_ is only implemented on CPU tensors that don't require grad")
    b = np.broadcast_to(other._data, t._data.shape)
    if t._data.size:
        out = np.vectorize(callable, otypes=[t._data.dtype])(t._data, b)
        np.copyto(t._data, out, casting="unsafe")
    t._bump()
    return t


def _resize_(t: Tensor, *sizes) -> Tensor:
    """``t.resize_(*sizes)``: same elements in row-major order when the count is kept;
    otherwise a new buffer whose first elements are the old ones (the rest uninitialised in
    PyTorch; zeros here)."""
    if t._rg:
        raise RuntimeError("cannot resize variables that require grad")
    size = size_args(sizes, "resize_")
    n = builtins.int(np.prod(size)) if size else 1
    flat = t._data.reshape(-1)
    if n == flat.size:
        t._data = np.ascontiguousarray(t._data).reshape(size)
    else:
        new = np.zeros(n, t._data.dtype)
        k = builtins.min(n, flat.size)
        new[:k] = flat[:k]
        t._data = new.reshape(size)
    t._bump()
    return t


def _resize_as_(t: Tensor, other: Tensor, memory_format=None) -> Tensor:
    return _resize_(t, tuple(other.shape))


def _contains(t: Tensor, element) -> builtins.bool:
    """``element in t``: whether any element equals ``element`` (a number or tensor)."""
    if not isinstance(element, (Tensor, builtins.int, builtins.float, builtins.bool)):
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                           f"passed in a {type(element)}.")
    other = element._data if isinstance(element, Tensor) else element
    return builtins.bool(np.any(t._data == other))

    # -- creation of like tensors ----------------------------------------------------------


class StorageMethods:
    """The storage-level methods methods of :class:`npgrad.Tensor`."""

    def new(self, *args, **kwargs):
        """PyTorch's legacy constructor in this tensor's dtype: ``new(2, 3)``, ``new(size)``,
        ``new(data)``."""
        return _tensor_new(self, *args, **kwargs)

    def data_ptr(self):
        """The memory address of the first element."""
        return _data_ptr(self)

    def storage_offset(self):
        """How many elements into its base storage this tensor starts (0 unless a view)."""
        return _storage_offset(self)

    def apply_(self, callable):
        """Replace each element by ``callable(element)`` (no gradient, as PyTorch's)."""
        return _apply_(self, callable)

    def map_(self, tensor, callable):
        """Replace each element by ``callable(element, other's element)`` (no gradient)."""
        return _map_(self, tensor, callable)

    def resize_(self, *sizes, memory_format=None):
        """In-place form of :meth:`Tensor.resize`."""
        return _resize_(self, *sizes)

    def resize_as_(self, the_template, memory_format=None):
        """See :func:`npgrad.resize_as_`."""
        return _resize_as_(self, the_template)

    def __contains__(self, element):
        """``element in self``."""
        return _contains(self, element)

    def resize(self, *sizes):
        """A resized copy (see :meth:`Tensor.resize_`)."""
        return _resize_(self.detach().clone(), *sizes)

    def resize_as(self, tensor):
        """See :func:`npgrad.resize_as_`."""
        return _resize_as_(self.detach().clone(), tensor)

    def const_data_ptr(self):
        """The memory address of the first element (as ``data_ptr``)."""
        return _data_ptr(self)

    # storage, identity and legacy helpers
    @property
    def is_cpu(self):
        """True: npgrad tensors live in host memory."""
        return True

    def is_distributed(self):
        """See :func:`npgrad.is_distributed`."""
        return False

    def is_inference(self):
        """See :func:`npgrad.is_inference`."""
        return False

    def is_signed(self):
        """See :func:`npgrad.is_signed`."""
        return self.dtype.is_signed

    def is_nonzero(self):
        """See :func:`npgrad.is_nonzero`."""
        return _predicates.is_nonzero(self)

    def is_same_size(self, other):
        """See :func:`npgrad.is_same_size`."""
        return tuple(self.shape) == tuple(other.shape)

    # complex views of real tensors: no-ops, as PyTorch on real dtypes
    def conj(self):
        """See :func:`npgrad.conj`."""
        return self

    def resolve_conj(self):
        """See :func:`npgrad.resolve_conj`."""
        return self

    def resolve_neg(self):
        """See :func:`npgrad.resolve_neg`."""
        return self

    def conj_physical(self):
        """See :func:`npgrad.conj_physical`."""
        return self

    def conj_physical_(self):
        """In-place form of :meth:`Tensor.conj_physical`."""
        return self

    def is_conj(self):
        """See :func:`npgrad.is_conj`."""
        return False

    def is_neg(self):
        """See :func:`npgrad.is_neg`."""
        return False

    @property
    def real(self):
        """See :func:`npgrad.real`."""
        return self

    @property
    def imag(self):
        """The imaginary part: an error for real tensors, as in PyTorch."""
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    @property
    def layout(self):
        """See :func:`npgrad.layout`."""
        return _dtypes.strided

    def dim_order(self):
        """The dimensions from outermost to innermost in memory (row-major: ``0, 1, ...``)."""
        return tuple(sorted(range(self.ndim), key=lambda d: -abs(self._data.strides[d])))

    # no-ops for CPU memory (DataLoader pipelines and multiprocessing call them)
    def pin_memory(self, device=None):
        """The tensor itself (pinning means nothing without a GPU)."""
        return self

    def is_pinned(self, device=None):
        """False: no memory is pinned without a GPU."""
        return False

    def share_memory_(self):
        """Move the data into shared memory (no-op if already there), so that processes it
        is sent to (``npgrad.multiprocessing``) see the same memory. NOTE: views taken of
        the tensor before the move keep the old memory (PyTorch moves the whole storage)."""
        self._data = _reductions.share_array(self._data)
        return self

    def is_shared(self):
        """Whether the data lies in shared memory (see :meth:`share_memory_`)."""
        return _reductions._owner(self._data) is not None

    @property
    def is_meta(self):
        """False: npgrad has no meta tensors."""
        return False

    # -- new tensors like this one (dtype and device from self unless given) --
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """A new tensor (a copy) of ``data``, in this tensor's dtype and on its device unless
        given."""
        device = self.device if device is None else device
        return _factories.tensor(data, dtype=dtype or self.dtype, device=device,
                                 requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """A tensor of zeros of ``size``, in this tensor's dtype and on its device unless given."""
        device = self.device if device is None else device
        return _factories.zeros(*size, dtype=dtype or self.dtype, device=device,
                                requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """A tensor of ones of ``size``, in this tensor's dtype and on its device unless given."""
        device = self.device if device is None else device
        return _factories.ones(*size, dtype=dtype or self.dtype, device=device,
                               requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """An uninitialised tensor of ``size`` (zeros here), in this tensor's dtype and on its
        device unless given."""
        device = self.device if device is None else device
        return _factories.empty(*size, dtype=dtype or self.dtype, device=device,
                                requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None,
                 requires_grad=False) -> "Tensor":
        """A tensor of ``size`` filled with ``fill_value``, in this tensor's dtype and on its
        device unless given."""
        device = self.device if device is None else device
        return _factories.full(size, fill_value, dtype=dtype or self.dtype,
                              device=device, requires_grad=requires_grad)
