"""``LazyModuleMixin``: modules whose input size is read from their first input.

A lazy module starts with ``UninitializedParameter``/``UninitializedBuffer`` in place of the
tensors whose shape depends on the input. A forward pre-hook calls
``initialize_parameters(*input)`` on the first call, which materialises them and runs
``reset_parameters``; the hook then removes itself and the module becomes its
``cls_to_become`` (``LazyLinear`` becomes ``Linear``), as in PyTorch.
"""
from __future__ import annotations

from ..parameter import UninitializedTensorMixin


class LazyModuleMixin:
    """Mix in before a Module class; subclasses define ``initialize_parameters``."""

    cls_to_become = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self) -> bool:
        """Whether some parameter or buffer still waits for its shape."""
        tensors = list(self._parameters.values()) + list(self._buffers.values())
        return any(isinstance(t, UninitializedTensorMixin) for t in tensors)

    def initialize_parameters(self, *args, **kwargs) -> None:
        """Materialise the uninitialised tensors from the first input (subclasses)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for "
                                  f"{type(self).__name__}")


def _infer_parameters(module, args) -> None:
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


def is_lazy(module) -> bool:
    """Whether ``module`` still has uninitialised parameters or buffers."""
    return isinstance(module, LazyModuleMixin) and module.has_uninitialized_params()
