"""``DataParallel``: PyTorch's single-process, multi-GPU data parallelism. npgrad has one
CPU device, so, as PyTorch's DataParallel does without CUDA, it runs the module as is."""
from __future__ import annotations

from ..modules.module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Runs ``module`` unchanged (one device); ``.module`` is the wrapped module and the
    state_dict keys start with ``module.``, as in PyTorch. For several processes use
    :class:`~npgrad.nn.parallel.DistributedDataParallel`."""

    def __init__(self, module: Module, device_ids=None, output_device=None,
                 dim: int = 0) -> None:
        super().__init__()
        self.module, self.dim = module, dim
        self.device_ids, self.output_device = [], None

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
