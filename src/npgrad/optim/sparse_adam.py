"""``SparseAdam``: PyTorch's Adam for sparse gradients (``nn.Embedding(sparse=True)``).

npgrad has no sparse tensors, so every gradient it makes is dense; PyTorch's SparseAdam
refuses dense gradients, and so does this one, with PyTorch's error. It exists so that code
naming it constructs, validates its options, saves and loads state_dicts as PyTorch's does.
"""
from __future__ import annotations

from ..tensor import Tensor
from .optimizer import Optimizer


class SparseAdam(Optimizer):
    """Adam restricted to sparse gradients. npgrad's gradients are always dense, so
    :meth:`step` raises PyTorch's ``RuntimeError`` ("SparseAdam does not support dense
    gradients, please consider Adam instead") for any parameter that has a gradient: use
    :class:`Adam` (npgrad's ``nn.Embedding(sparse=True)`` makes dense gradients too)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, maximize: bool = False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))

    def _check_step(self) -> None:
        super()._check_step()
        if any(p.grad is not None for g in self.param_groups for p in g["params"]):
            raise RuntimeError("SparseAdam does not support dense gradients, please consider "
                               "Adam instead")

    def _update_group(self, group: dict) -> None:
        """Nothing to update: it runs only when no parameter has a gradient (``_check_step``
        refuses every dense one, and npgrad makes no other kind)."""
