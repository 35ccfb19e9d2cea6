"""``npgrad.backends.cuda``: cuBLAS's matmul switches (``matmul.allow_tf32``...) and whether
CUDA is built, as PyTorch's CPU build has them.

``matmul.allow_tf32`` is PyTorch's other spelling of the float32 matmul precision: reading it
asks ``npgrad.get_float32_matmul_precision() != 'highest'``, setting it sets the precision to
'high' or 'highest', as in PyTorch. The reduced-precision switches are kept and checked.
None of them changes npgrad's (NumPy's) results.
"""
from __future__ import annotations

from .. import _settings
from ..backend import cuda_is_built
from ._flags import type_name

__all__ = ["cuBLASModule", "is_built", "matmul"]


def is_built() -> bool:
    """Whether npgrad was built with CUDA: False (PyTorch's CPU build answers the same)."""
    return cuda_is_built()


def _reduction_setting(value, attr_name: str) -> tuple[bool, bool]:
    """PyTorch's reading of a reduced-precision switch: a bool, or one or two bools."""
    def ensure_bool(obj, which: str) -> bool:
        if isinstance(obj, bool):
            return obj
        raise TypeError(f"{attr_name} expects a bool for {which}, but got {type(obj)!r}")

    if isinstance(value, bool):
        return value, True
    if isinstance(value, (list, tuple)):
        if not value:
            raise TypeError(f"{attr_name} expects at least one boolean argument")
        if len(value) > 2:
            raise TypeError(f"{attr_name} expects at most two boolean arguments")
        allow = ensure_bool(value[0], "allow_reduced_precision")
        return allow, (ensure_bool(value[1], "allow_splitk") if len(value) == 2 else True)
    raise TypeError(f"{attr_name} expects a bool or a tuple/list of bools, but got "
                    f"{type(value)!r}")


_REDUCED = {"fp16": (True, True), "bf16": (True, True)}


class cuBLASModule:
    """``torch.backends.cuda.matmul``: cuBLAS's switches; any other name is an
    ``AttributeError('Unknown attribute <name>')``, as in PyTorch."""

    def __getattr__(self, name: str):
        if name == "allow_tf32":
            return _settings.get_float32_matmul_precision() != "highest"
        for kind in _REDUCED:
            if name == f"allow_{kind}_reduced_precision_reduction":
                return _REDUCED[kind][0]
            if name == f"allow_{kind}_reduced_precision_reduction_split_k":
                return _REDUCED[kind][1]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name: str, value) -> None:
        if name == "allow_tf32":
            if not isinstance(value, bool):
                raise RuntimeError(f"set_allow_tf32_cublas expects a bool, but got "
                                   f"{type_name(value)}")
            _settings.set_float32_matmul_precision("high" if value else "highest")
            return
        for kind in _REDUCED:
            if name == f"allow_{kind}_reduced_precision_reduction":
                _REDUCED[kind] = _reduction_setting(value, name)
                return
        raise AttributeError("Unknown attribute " + name)


matmul = cuBLASModule()
