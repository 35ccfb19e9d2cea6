"""How the ``torch.special`` functions computed by NumPy kernels (the Bessel functions, the
orthogonal polynomials, zeta, the incomplete gamma functions) take their arguments and give
their results, as PyTorch's ``special_*`` entry points do:

* integer and bool inputs compute in the default float dtype; two operands (tensors, or one
  of them a Python number) promote to their result type and broadcast;
* most of these kernels exist in PyTorch for float32 and float64 only: float16 and bfloat16
  are refused with its NotImplementedError, unless the op says ``half=True``;
* ``out=`` receives the result (resized, with PyTorch's warning, when its shape differs;
  refused when the result's dtype cannot be cast to it, or when a differentiable op is given
  an input that requires grad).
"""
from __future__ import annotations

import numpy as np

from ... import dtypes as _dt
from ...backend import as_array, on_device_of
from .._arguments import Tensor, as_operand, as_tensor_arg, type_name
from .._out import write_out  # noqa: F401  (the special functions' out=, shared with with_out)
from .binary import broadcast_error

__all__: list = []


def kernel_dtype(op: str, dt: np.dtype, half: bool = False) -> np.dtype:
    """The float dtype a kernel computes in for operands of (promoted) dtype ``dt``."""
    if not _dt.is_float_np(dt):
        return _dt.get_default_dtype().np
    if dt.itemsize < 4 and not half:  # float16, bfloat16
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(dt)}'")
    return dt


def unary_input(op: str, input, half: bool = False):
    """(the Tensor ``input``, its data in the kernel's float dtype) for ``special.op``."""
    x = as_tensor_arg(input, f"special_{op}")
    return x, x._data.astype(kernel_dtype(op, x._data.dtype, half), copy=False)


def binary_inputs(op: str, input, other, numbers: bool = True, half: bool = False,
                  int_ok: bool = True):
    """(the operands, their data broadcast in the promoted float dtype): see ``operands``
    and ``float_operands``."""
    a, b = operands(f"special_{op}", input, other, numbers)
    return (a, b) + float_operands(op, a._data if isinstance(a, Tensor) else a,
                                   b._data if isinstance(b, Tensor) else b, half, int_ok)


def operands(name: str, input, other, numbers: bool = True):
    """The two operands of the function ``name`` (as errors name it: ``special_zeta``,
    ``igamma``): with ``numbers``, either may be a Python number (not both), else both must
    be Tensors."""
    if not numbers:
        return as_tensor_arg(input, name, "input"), as_tensor_arg(other, name, "other")
    a, b = as_operand(input, name, "input"), as_operand(other, name)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type_name(a)}, {type_name(b)}), but expected at least one Tensor")
    return a, b


def float_operands(op: str, da, db, half: bool = False, int_ok: bool = True, name: str = ""):
    """The operands' data (arrays or numbers) broadcast in their promoted float dtype, for
    the kernel ``op`` of the function ``name`` (default ``special_op``). Without ``int_ok``,
    two integer operands are refused (PyTorch's float-only kernels)."""
    dt = _dt.result_type(da, db)
    if not int_ok and not _dt.is_float_np(dt):
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for "
                                  f"'{_dt.scalar_type_name(dt)}'")
    kt = kernel_dtype(op, dt, half)
    ref = da if hasattr(da, "dtype") else db        # (a number goes to the other's device)
    try:
        xa, xb = np.broadcast_arrays(_kernel_array(da, kt, ref), _kernel_array(db, kt, ref))
    except ValueError:
        raise broadcast_error(name or f"special_{op}", da, db) from None
    return xa, xb


def _kernel_array(v, dtype, ref):
    """An operand (array or number) as an array of ``dtype`` on the device of ``ref``."""
    if hasattr(v, "dtype") and getattr(v, "ndim", None) is not None:
        return as_array(v, dtype)
    return on_device_of(np.asarray(v, dtype), ref)


def result(out, dtype: np.dtype) -> Tensor:
    """A kernel's float64 (or native) result as a Tensor of ``dtype`` (no graph: PyTorch
    records none for these ops, whatever the inputs)."""
    return Tensor._make(as_array(out).astype(dtype, copy=False))
