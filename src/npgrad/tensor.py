"""The Tensor: a NumPy array plus what autograd needs to know about it.

A Tensor holds its data (``_data``, a NumPy array), whether it requires grad, its ``grad``,
and, when an op made it, the graph node ``grad_fn`` that op recorded. This file has the
tensor's state, conversions and autograd methods; the op methods (``x + y``, ``x.sum()``...)
are one-line calls into ``npgrad.ops``, written out in ``_tensor_ops.py``.
"""
from __future__ import annotations

import builtins

import numpy as np

from . import _formatting
from . import dtypes as _dt
from .backend import CPU, as_device, device_of, is_device_array, to_device

_INT_TYPES = (builtins.int, np.integer)
_NUMBERS = (builtins.float, builtins.int, builtins.bool)  # Python numbers, which ops take as is


class VersionCounter:
    """Counts in-place changes to a tensor's data; views share their base's counter."""

    __slots__ = ("v",)

    def __init__(self) -> None:
        self.v = 0


_ANY_GRAD_DTYPE = object()  # a leaf's grad_dtype set to None: gradients of any dtype


class Tensor:
    """A multi-dimensional array with autograd, like ``torch.Tensor``.

    Make tensors with :func:`npgrad.tensor`, :func:`npgrad.zeros` and friends.
    ``Tensor(data)`` makes a tensor of the default float dtype, as ``torch.Tensor`` does, and
    ``Tensor(2, 3)`` an uninitialised 2x3 one.
    """

    # Every op makes a Tensor, so making one must be cheap: only the three fields each op
    # result sets live in slots. The others keep a class-level default until a tensor sets
    # its own (leaves, views, tensors with hooks), which then goes into its __dict__.
    __slots__ = ("_data", "_rg", "grad_fn", "__weakref__", "__dict__")
    _output_nr = 0          # which output of grad_fn this tensor is
    _vc = None              # VersionCounter, made on the first in-place change or save
    _grad = None            # .grad of a leaf (or of a tensor that retains its grad)
    _view = None            # (base, view steps) when this is a view of a tensor
    _hooks = None           # a leaf's hooks (a non-leaf's live on its grad_fn)
    _post_acc_hooks = None  # a leaf's hooks run after its .grad was accumulated
    _acc = None             # weakref to a leaf's AccumulateGrad node
    _retains = False        # retain_grad() was called
    _grad_dtype = None      # a leaf's grad_dtype: None = its dtype, _ANY_GRAD_DTYPE, or a dtype
    __array_priority__ = 1000  # so ndarray <op> Tensor defers to Tensor's reflected op

    def __init__(self, *args, dtype=None, device=None, requires_grad: bool = False):
        device = as_device(device)
        dt = _dt.to_dtype(dtype).np if dtype is not None else _dt.get_default_dtype().np
        if args and all(isinstance(a, _INT_TYPES) for a in args):
            data = np.empty(args, dt)
        elif len(args) == 1:
            data = np.array(_to_array_like(args[0]), dt)
        elif not args:
            data = np.empty((0,), dt)
        else:
            raise TypeError(f"Tensor(): invalid arguments {args!r}")
        self._init(data if device is CPU else to_device(data, device))
        if requires_grad:
            self.requires_grad = True

    def _init(self, data) -> None:
        self._data = data
        self._rg = False
        self.grad_fn = None

    @classmethod
    def _make(cls, data) -> "Tensor":
        """Wrap an array with no checks (the fast path for op outputs)."""
        t = object.__new__(Tensor)
        t._data = data
        t._rg = False
        t.grad_fn = None
        return t

    @classmethod
    def _make_result(cls, data, node, output_nr: int, vc) -> "Tensor":
        """Rebuild an op's saved output as a Tensor attached to that op's node."""
        t = object.__new__(Tensor)  # (cls._make, inlined: once per saved output read back)
        t._data, t.grad_fn, t._output_nr, t._rg, t._vc = data, node, output_nr, True, vc
        return t

    # -- autograd plumbing (a leaf's graph edge: autograd.function.edge) ----------------------
    def _counter(self) -> VersionCounter:
        if self._vc is None:
            self._vc = VersionCounter()
        return self._vc

    def _bump(self) -> None:
        self._counter().v += 1

    @property
    def _version(self) -> builtins.int:
        return 0 if self._vc is None else self._vc.v

    # -- attributes ---------------------------------------------------------------------------
    @property
    def shape(self) -> "Size":
        """The shape, a :class:`npgrad.Size`."""
        return Size(self._data.shape)

    @property
    def dtype(self) -> _dt.dtype:
        """The tensor's :class:`npgrad.dtype`."""
        return _dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        """The device the data lives on: ``cpu`` for NumPy data, ``cuda:N`` for CuPy's."""
        return CPU if type(self._data) is np.ndarray else device_of(self._data)

    @property
    def is_cuda(self) -> builtins.bool:
        """Whether the data lives on a CUDA device."""
        return type(self._data) is not np.ndarray and self.device.type == "cuda"

    @property
    def ndim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    @property
    def requires_grad(self) -> builtins.bool:
        """Whether autograd records ops on this tensor; settable on leaves."""
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: builtins.bool) -> None:
        value = builtins.bool(value)
        if self.grad_fn is not None:
            if not value:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. "
                                   "If you want to use a computed variable in a subgraph that "
                                   "doesn't require differentiation use "
                                   "var_no_grad = var.detach().")
            return
        if value and not _dt.is_float_np(self._data.dtype):
            raise RuntimeError(f"Only Tensors of floating point and complex dtype can require "
                               f"gradients (got {self.dtype})")
        self._rg = value

    @property
    def grad(self) -> "Tensor | None":
        """The gradient accumulated by backward (leaves and ``retain_grad()`` tensors only)."""
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size "
                                   f"'{list(value.shape)}' to a tensor of size "
                                   f"'{list(self.shape)}'. Please ensure that the gradient "
                                   f"and the tensor are the same size")
            allowed = self._grad_dtype if self._grad_dtype is not None else self.dtype
            if allowed is not _ANY_GRAD_DTYPE and value._data.dtype != allowed.np:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype "
                    f"'{_dt.type_meta_name(value._data.dtype)}' to a tensor with grad_dtype "
                    f"'{_dt.scalar_type_name(allowed.np)}'. The gradient must match the "
                    f"tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    f"tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    f"any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor "
                    f"and its gradient may break downstream systems that assume they match.")
        self._grad = value

    @property
    def grad_dtype(self) -> "_dt.dtype | None":
        """The dtype of a leaf's gradient: by default the tensor's dtype; set it to another
        dtype (backward then casts the gradients arriving here to it) or to None (any dtype
        is accepted, none is cast)."""
        if self.grad_fn is not None:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        if self._grad_dtype is None:
            return self.dtype
        return None if self._grad_dtype is _ANY_GRAD_DTYPE else self._grad_dtype

    @grad_dtype.setter
    def grad_dtype(self, value: "_dt.dtype | None") -> None:
        if self.grad_fn is not None:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if value is not None and not isinstance(value, _dt.dtype):
            raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got "
                               f"{type(value).__name__}")
        self._grad_dtype = _ANY_GRAD_DTYPE if value is None else value

    @property
    def name(self) -> None:
        """The tensor's name in a traced graph: PyTorch's JIT tracer names tensors, and every
        tensor outside it has None; npgrad has no tracer, so always None (read-only)."""
        return None

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def is_leaf(self) -> builtins.bool:
        """True for tensors no recorded op made (user-made, or not requiring grad)."""
        return self.grad_fn is None

    @property
    def retains_grad(self) -> builtins.bool:
        """Whether ``retain_grad()`` was called on this non-leaf."""
        return self._retains

    @property
    def output_nr(self) -> builtins.int:
        """Which output of its ``grad_fn`` this tensor is."""
        return self._output_nr

    @property
    def data(self) -> "Tensor":
        """A tensor sharing this one's data, cut from the graph (as ``torch.Tensor.data``)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    @property
    def itemsize(self) -> builtins.int:
        """The size of one element in bytes."""
        return self._data.itemsize

    @property
    def nbytes(self) -> builtins.int:
        """The size of the data in bytes."""
        return self._data.nbytes

    def size(self, dim: builtins.int | None = None):
        """The shape (a ``Size``), or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim(dim, self.ndim, "size")]

    def dim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    def numel(self) -> builtins.int:
        """The number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self) -> builtins.int:
        """The size of one element in bytes."""
        return self._data.itemsize

    def is_floating_point(self) -> builtins.bool:
        """Whether the dtype is a floating one."""
        return _dt.is_float_np(self._data.dtype)

    def is_complex(self) -> builtins.bool:
        """False: npgrad tensors are real."""
        return False

    def is_contiguous(self, memory_format=None) -> builtins.bool:
        """Whether the data is row-major contiguous in memory."""
        return self._data.flags.c_contiguous

    def stride(self, dim: builtins.int | None = None):
        """The strides in elements (of dimension ``dim``, or all as a tuple)."""
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_dim(dim, self.ndim, "stride")]

    def get_device(self) -> builtins.int:
        """The index of the CUDA device the tensor is on; -1 for a CPU tensor."""
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def __len__(self) -> builtins.int:
        """The size of dimension 0; an error for a 0-d tensor."""
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __deepcopy__(self, memo) -> "Tensor":
        """A copy of a leaf tensor's data, ``requires_grad`` and ``grad`` (as PyTorch, only
        leaves can be deep-copied)."""
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        if id(self) in memo:
            return memo[id(self)]
        out = type(self).__new__(type(self)) if type(self) is not Tensor else \
            Tensor._make(self._data.copy())
        if type(self) is not Tensor:
            out._init(self._data.copy())
        out._rg = self._rg
        if self._grad is not None:
            out._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = out
        return out

    def __hash__(self) -> builtins.int:
        return id(self)

    def __repr__(self) -> str:
        return _formatting.tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return repr(self)

    # -- conversion ---------------------------------------------------------------------------
    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The data as a NumPy array, sharing memory (as ``torch.Tensor.numpy``). A bfloat16
        tensor gives an ml_dtypes bfloat16 array, where PyTorch raises TypeError (NumPy has
        no bfloat16 of its own): npgrad's data is one already."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if is_device_array(self._data):
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. "
                                f"Use Tensor.cpu() to copy the tensor to host memory first.")
            return to_device(self._data, CPU)
        return self._data

    def __array__(self, dtype=None, copy=None):
        """The data as a NumPy array, so ``np.asarray(t)`` works (no copy unless a dtype asks).
        A CUDA tensor raises PyTorch's TypeError: copies to the host are asked for."""
        if is_device_array(self._data):
            self.detach().numpy()  # raises PyTorch's TypeError naming the device
        return self._data if dtype is None else self._data.astype(dtype)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python numbers."""
        return self._data.tolist()

    def __float__(self) -> builtins.float:
        """``float(t)`` of a one-element tensor."""
        return builtins.float(self.item())

    def __int__(self) -> builtins.int:
        """``int(t)`` of a one-element tensor (truncating a float)."""
        return builtins.int(self.item())

    def __bool__(self) -> builtins.bool:
        """``bool(t)`` of a one-element tensor; an error for more, as in PyTorch."""
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} elements is "
                               "ambiguous")
        return builtins.bool(self._data.reshape(()).item())

    def __index__(self) -> builtins.int:
        """``t`` as an index (``range(t)``, ``lst[t]``): integer one-element tensors only."""
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return builtins.int(self.item())

    def detach(self) -> "Tensor":
        """A tensor sharing this one's data and version counter, cut from the graph."""
        t = Tensor._make(self._data)
        t._vc = self._counter()
        return t

    def detach_(self) -> "Tensor":
        """Detach ``self`` from the graph in place: it becomes a leaf that does not require grad."""
        self.grad_fn, self._rg, self._output_nr = None, False, 0
        return self

    def requires_grad_(self, requires_grad: builtins.bool = True) -> "Tensor":
        """Set ``requires_grad`` in place (on a leaf) and return ``self``."""
        self.requires_grad = requires_grad
        return self


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``npgrad.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"npgrad.Size({list(self)})"

    def numel(self) -> builtins.int:
        """The number of elements."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


def _dim(dim: builtins.int, ndim: builtins.int, op: str) -> builtins.int:
    """Normalise a possibly negative dimension, with PyTorch's IndexError when out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {dim})")
    return dim % n


def _to_array_like(data):
    """Unwrap Tensors nested in lists so NumPy can read them."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)) and data and any(isinstance(d, (Tensor, list, tuple))
                                                        for d in data):
        return [_to_array_like(d) for d in data]
    return data
