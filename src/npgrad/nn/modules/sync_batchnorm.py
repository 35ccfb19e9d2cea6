"""``SyncBatchNorm``: batch normalisation whose statistics are those of the whole batch,
across the processes of a data-parallel job (as ``torch.nn.SyncBatchNorm``).

The statistics are sums all-reduced across processes, through an autograd Function whose
backward all-reduces the gradient too: each process's output depends on every process's
input, so the gradient reaching one process's input is the sum over processes. NOTE: PyTorch
synchronises only CUDA tensors (it raises for CPU ones); npgrad, which has CPU tensors only,
synchronises them. Outside a process group of two or more, or in eval mode, it is the
ordinary BatchNorm.
"""
from __future__ import annotations

from ...autograd.function import Function
from ...autograd.grad_mode import no_grad
from ...distributed import collectives as _c
from ...distributed import process_group as _pg
from ...ops.shape.joins import cat
from ...tensor import Tensor
from .module import Module
from .normalization import _BatchNorm

__all__ = ["SyncBatchNorm"]


class _AllReduceSum(Function):
    """The sum over the processes of ``group``; backward sums the gradients the same way."""

    @staticmethod
    def forward(ctx, x, group):
        ctx.group = group
        out = x.clone()
        _c.all_reduce(out, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        total = grad.clone()
        _c.all_reduce(total, group=ctx.group)
        return total, None


class SyncBatchNorm(_BatchNorm):
    """Batch norm over dim 1 of inputs of 2 or more dims, with the mean and variance of the
    batch of every process of ``process_group`` (the default group for None) in training."""

    _dims = range(2, 65)  # any input of 2 or more dims

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, process_group=None,
                 device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)
        self.process_group = process_group

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")
        if not (self.training and _pg.is_initialized()
                and _pg.get_world_size(self.process_group) > 1):
            return super().forward(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats:
            self.num_batches_tracked._data += 1
            self.num_batches_tracked._bump()
            if self.momentum is None:  # a cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked._data)
        return self._synced(input, momentum)

    def _synced(self, x: Tensor, momentum: float) -> Tensor:
        dims = (0, *range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        group = _pg.resolve(self.process_group)
        count = Tensor._make(x._data.dtype.type(x.numel() // x.shape[1]).reshape(1))
        sums = _AllReduceSum.apply(cat([x.sum(dims), count]), group)
        n = float(sums[-1].item())
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {int(n)}")
        mean = sums[:-1] / n
        centred = x - mean.reshape(shape)
        var = _AllReduceSum.apply((centred * centred).sum(dims), group) / n  # biased
        y = centred * (var + self.eps).rsqrt().reshape(shape)
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        if self.track_running_stats:
            with no_grad():
                self.running_mean.mul_(1 - momentum).add_(momentum * mean.detach())
                self.running_var.mul_(1 - momentum).add_(momentum * n / (n - 1) * var.detach())
        return y

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group=None) -> Module:
        """``module`` with every BatchNorm layer in it replaced by a SyncBatchNorm sharing
        its parameters and running statistics."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group,
                      bias=not module.affine or module.bias is not None)
            if module.affine:
                out.weight = module.weight
                if module.bias is not None:
                    out.bias = module.bias
            out.running_mean, out.running_var = module.running_mean, module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
        for name, child in list(module.named_children()):
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
