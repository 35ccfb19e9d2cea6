"""Weight averaging (Izmailov et al.'s SWA, and exponential moving averages): a model that
holds the running average of another's parameters, a scheduler for the averaging phase's
learning rate, and a pass that recomputes batch-norm statistics for the averaged weights."""
from __future__ import annotations

import itertools
import math
from copy import deepcopy
from typing import Any, Callable, Iterable

from ..autograd.grad_mode import no_grad
from ..dtypes import int64
from ..nn.modules.batchnorm import _BatchNorm
from ..nn.modules.module import Module
from ..ops.creation.factories import tensor
from ..tensor import Tensor
from .lr_scheduler import LRScheduler, _expand
from .optimizer import Optimizer, _lerp_

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]

PARAM_LIST = tuple[Tensor, ...] | list[Tensor]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         f"[0,1] range.")


def _average_in_place(averaged: PARAM_LIST, current: PARAM_LIST, weight: float) -> None:
    """``averaged += weight * (current - averaged)`` for each pair: floating tensors with
    lerp's rounding, integer ones through float and truncated back, as PyTorch's copy_."""
    for a, c in zip(averaged, current):
        if a.is_floating_point():
            _lerp_(a._data, c._data.astype(a._data.dtype, copy=False), weight)
        else:
            a._data[...] = a._data + (c._data - a._data) * weight
        a._bump()


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """An in-place exponential moving average of lists of tensors (for ``multi_avg_fn``):
    ``ema = decay * ema + (1 - decay) * param``."""
    _check_decay(decay)

    def ema_update(ema_param_list: PARAM_LIST, current_param_list: PARAM_LIST, _) -> None:
        with no_grad():
            if ema_param_list[0].is_floating_point():
                _average_in_place(ema_param_list, current_param_list, 1 - decay)
            else:
                for e, c in zip(ema_param_list, current_param_list):
                    e.copy_(e * decay + c * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """An in-place equal-weight running average of lists of tensors (for ``multi_avg_fn``):
    ``avg += (param - avg) / (n + 1)``."""

    def swa_update(averaged_param_list: PARAM_LIST, current_param_list: PARAM_LIST,
                   num_averaged) -> None:
        with no_grad():
            _average_in_place(averaged_param_list, current_param_list,
                              1 / (float(num_averaged) + 1))
    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """The exponential moving average of one tensor (for ``avg_fn``): returns
    ``decay * ema + (1 - decay) * param``."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn() -> Callable:
    """The equal-weight running average of one tensor (for ``avg_fn``): returns
    ``avg + (param - avg) / (n + 1)``."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters (and, with ``use_buffers``, buffers) are the
    average of those passed to :meth:`update_parameters`: equal weights by default (SWA), or
    ``avg_fn`` / ``multi_avg_fn`` (e.g. :func:`get_ema_multi_avg_fn` for an EMA).
    ``n_averaged`` counts the updates; the first one copies. ``forward`` runs the copy.

    >>> swa_model = AveragedModel(model)
    >>> for epoch in range(epochs):
    ...     train(model); swa_model.update_parameters(model)
    >>> update_bn(loader, swa_model)
    """

    n_averaged: Tensor

    def __init__(self, model: Module, device=None, avg_fn: Callable | None = None,
                 multi_avg_fn: Callable | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64, device=device))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        """The averaged model's output."""
        return self.module(*args, **kwargs)

    def _tensors(self, model: Module) -> Iterable[Tensor]:
        if self.use_buffers:
            return itertools.chain(model.parameters(), model.buffers())
        return model.parameters()

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current parameters into the average (copy them, the first time);
        buffers are copied as they are unless ``use_buffers``."""
        with no_grad():
            pairs = [(a.detach(), m.detach().to(a.device))
                     for a, m in zip(self._tensors(self.module), self._tensors(model))]
            n = self.n_averaged
            if int(n) == 0:
                for a, m in pairs:
                    a.copy_(m)
            elif self.avg_fn is not None and self.multi_avg_fn is None:
                for a, m in pairs:
                    a.copy_(self.avg_fn(a, m, n.to(a.device)))
            else:
                average = self.multi_avg_fn or get_swa_multi_avg_fn()
                for (device, _), (averaged, current) in _by_device_and_dtype(pairs).items():
                    average(averaged, current, n.to(device))
            if not self.use_buffers:
                for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                    b_avg.detach().copy_(b_model.detach().to(b_avg.device))
            self.n_averaged += 1


def _by_device_and_dtype(pairs: list) -> dict:
    """``{(device, dtype): ([averaged], [current])}``, in first-seen order."""
    groups: dict = {}
    for a, m in pairs:
        averaged, current = groups.setdefault((a.device, a.dtype), ([], []))
        averaged.append(a)
        current.append(m)
    return groups


def update_bn(loader: Iterable[Any], model: Module, device=None) -> None:
    """Recompute the running statistics of ``model``'s batch norms with one pass over
    ``loader`` (a cumulative average over its batches; the first element of a list or tuple
    batch is the input), in training mode, restored after; models without batch norm are
    left alone."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to ``swa_lr`` over ``anneal_epochs`` steps (cosine or linear),
    then hold it: the averaging phase of SWA. Chainable as PyTorch's: each step interpolates
    from the lr the previous step would have started from.

    >>> swa_scheduler = SWALR(optimizer, swa_lr=0.05, anneal_epochs=5)
    """

    def __init__(self, optimizer: Optimizer, swa_lr, anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        if isinstance(swa_lr, (list, tuple)) and len(swa_lr) != len(optimizer.param_groups):
            raise ValueError(f"swa_lr must have the same length as optimizer.param_groups. "
                             f"swa_lr has {len(swa_lr)} values, param_groups has "
                             f"{len(optimizer.param_groups)}.")
        for lr, group in zip(_expand(swa_lr, len(optimizer.param_groups)),
                             optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        """The lr the annealing started from, given the current lr at fraction ``alpha``."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _fraction(self, step: int) -> float:
        return self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha, alpha = self._fraction(step - 1), self._fraction(step)
        groups = self.optimizer.param_groups
        starts = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, starts)]

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" \
            else self._linear_anneal

    def state_dict(self) -> dict:
        """Everything but the optimizer and the annealing function (named by
        ``_anneal_strategy``)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
