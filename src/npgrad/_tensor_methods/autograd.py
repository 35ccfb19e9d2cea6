"""Tensor methods that run or hook into autograd: ``backward``, ``retain_grad`` and
``register_hook`` (and ``register_post_accumulate_grad_hook``), through ``npgrad/autograd/``.

See the package docstring for how they become methods of :class:`npgrad.Tensor`.
"""
from __future__ import annotations

import builtins
import weakref

from ..autograd import engine as _engine
from ..autograd.function import _RemovableHandle


class AutogradMethods:
    """The autograd methods of :class:`npgrad.Tensor`."""

    # -- autograd -----------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph: builtins.bool = False,
                 inputs=None) -> None:
        """Accumulate the gradient of this tensor into the leaves' ``.grad``."""
        _engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains:
            return
        node = self.grad_fn
        if node._retain is None:
            node._retain = {}
            node._plain = False
        node._retain[self._output_nr] = weakref.ref(self)
        self._retains = True

    def register_hook(self, hook):
        """Register ``hook(grad) -> Tensor | None``, called with this tensor's gradient; a
        returned tensor replaces the gradient. Returns a handle with ``remove()``."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self.grad_fn
            if node._pre_hooks is None:
                node._pre_hooks = {}
                node._plain = False
            hooks = node._pre_hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Register ``hook(tensor) -> None`` on a leaf, called by ``backward`` once this
        tensor's gradient has been accumulated into ``.grad`` (not by ``autograd.grad``, which
        accumulates nothing). Returns a handle with ``remove()``."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        return _RemovableHandle(self._post_acc_hooks, hook)
