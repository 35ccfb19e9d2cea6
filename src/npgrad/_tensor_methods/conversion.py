"""Tensor methods: dtype conversions and copies (``to``, ``float()``, ``type``, ``clone``,
``contiguous``), through ``npgrad/ops/elementwise/unary.py``.

See the package docstring for how they become methods of :class:`npgrad.Tensor`.
"""
from __future__ import annotations

from .. import _tensortype, dtypes as _dt
from ..backend import CPU, as_device, device as _device_type
from ..ops.elementwise import unary as _unary
from ..ops.shape import views as _views
from ..tensor import Tensor


class ConversionMethods:
    """The conversion methods of :class:`npgrad.Tensor`."""

    def to(self, *args, **kwargs) -> "Tensor":
        """Convert dtype and/or device: ``to(dtype)``, ``to('cpu')``, ``to(other)``,
        ``to(device, dtype)``. Returns ``self`` when nothing changes, as PyTorch does."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device_type)) or type(a) is int:  # x.to(0): cuda:0
                device = a
            elif a is not None:
                dtype = a
        device = as_device(device) if device is not None else None
        out = self if device is None else _unary.move(self, device)
        if dtype is not None and _dt.to_dtype(dtype).np != out._data.dtype:
            return _unary.cast(out, _dt.to_dtype(dtype))
        return out.clone() if copy and out is self else out

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        """Without arguments, PyTorch's legacy type name (``'torch.FloatTensor'``); else the
        tensor converted to ``dtype``: a legacy type (``npgrad.LongTensor``), its name
        (``'torch.LongTensor'``) or a dtype. ``self`` when the dtype is already that."""
        if dtype is None:
            return _dt.tensor_type_name(self.dtype)
        return self.to(_tensortype.dtype_of(dtype))

    def cpu(self) -> "Tensor":
        """A copy in host memory (``self`` when it is there already)."""
        return _unary.move(self, CPU)

    def cuda(self, device=None, non_blocking: bool = False) -> "Tensor":
        """A copy on a CUDA device (the current one by default; ``self`` when it is there).
        Without CUDA, PyTorch's CPU-only build's AssertionError."""
        if device is None:
            device = "cuda"
        elif isinstance(device, int):
            device = f"cuda:{device}"
        return _unary.move(self, as_device(device))

    def float(self) -> "Tensor":
        """``self.to(npgrad.float32)``."""
        return self.to(_dt.float32)

    def double(self) -> "Tensor":
        """``self.to(npgrad.float64)``."""
        return self.to(_dt.float64)

    def half(self) -> "Tensor":
        """``self.to(npgrad.float16)``."""
        return self.to(_dt.float16)

    def bfloat16(self) -> "Tensor":
        """``self.to(npgrad.bfloat16)``."""
        return self.to(_dt.bfloat16)

    def long(self) -> "Tensor":
        """``self.to(npgrad.int64)``."""
        return self.to(_dt.int64)

    def int(self) -> "Tensor":
        """``self.to(npgrad.int32)``."""
        return self.to(_dt.int32)

    def short(self) -> "Tensor":
        """``self.to(npgrad.int16)``."""
        return self.to(_dt.int16)

    def char(self) -> "Tensor":
        """``self.to(npgrad.int8)``."""
        return self.to(_dt.int8)

    def byte(self) -> "Tensor":
        """``self.to(npgrad.uint8)``."""
        return self.to(_dt.uint8)

    def bool(self) -> "Tensor":
        """``self.to(npgrad.bool)``."""
        return self.to(_dt.bool)

    def type_as(self, other: "Tensor") -> "Tensor":
        """``self.to(other.dtype)``."""
        return self.to(other.dtype)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """The DLPack capsule of the tensor's memory (for ``from_dlpack`` of any library)."""
        kwargs = {k: v for k, v in (("max_version", max_version), ("dl_device", dl_device),
                                    ("copy", copy)) if v is not None}
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple:
        """The DLPack device of the tensor's memory."""
        return self._data.__dlpack_device__()

    def to_dense(self, dtype=None, *, masked_grad=None) -> "Tensor":
        """A strided (dense) tensor: ``self`` itself (npgrad has no sparse layouts), or
        converted to ``dtype``."""
        return self if dtype is None else self.to(dtype)

    def as_subclass(self, cls) -> "Tensor":
        """A ``cls`` instance viewing ``self``'s memory, in the graph (gradients flow back to
        ``self``). ``cls`` must be a subclass of Tensor."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, not "
                            f"{cls!r}")
        out = _views._alias(self)
        out.__class__ = cls
        return out

    def clone(self, *, memory_format=None) -> "Tensor":
        """A copy with its own memory, in the graph (gradients flow back to ``self``)."""
        return _unary.clone(self)

    def contiguous(self, memory_format=None) -> "Tensor":
        """``self`` if its memory is row-major contiguous, otherwise a contiguous copy."""
        return self if self._data.flags.c_contiguous else _unary.clone(self)

    def module_load(self, other, assign: bool = False) -> "Tensor":
        """What ``load_state_dict`` puts in place of this parameter or buffer when it swaps
        tensors: ``other`` detached with ``assign``, otherwise ``self`` with ``other`` copied
        in (cast and broadcast to ``self``), detached. Subclasses override it to convert
        ``other``. NOTE: PyTorch swaps only under
        ``torch.__future__.set_swap_module_params_on_conversion(True)``; npgrad has no swap
        mode, so its ``load_state_dict`` copies as PyTorch's default does."""
        if assign:
            return other.detach()
        return self.copy_(other).detach()
