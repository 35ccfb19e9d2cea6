"""``AdaptiveLogSoftmaxWithLoss`` (Grave et al., 2016): a softmax over many classes split in
a frequent shortlist, scored by the head together with one logit per cluster of rarer
classes, and the clusters, each scored by its own smaller tail network."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ...ops.creation.factories import zeros
from ...ops.indexing.indexing import index_add
from ...ops.indexing.scatter import gather
from ...ops.nn.activation import log_softmax
from ...ops.shape.joins import cat
from ...tensor import Tensor
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Classes below ``cutoffs[0]`` go to the head; those in ``[cutoffs[i], cutoffs[i+1])``
    (the last ending at ``n_classes``) to tail ``i``, of width ``in_features //
    div_value ** (i + 1)``. ``forward(input, target)`` gives each target's log-probability
    and the mean negative one; ``log_prob`` every class's; ``predict`` the most likely."""

    def __init__(self, in_features: int, n_classes: int, cutoffs, div_value: float = 4.0,
                 head_bias: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs)
                or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             "n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype, device=device)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            kw = dict(bias=False, dtype=dtype, device=device)
            self.tail.append(Sequential(Linear(in_features, hidden, **kw),
                                        Linear(hidden, size, **kw)))

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        if target_.ndim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch "
                                   "dimension.")
            if input_.ndim != 2:
                raise RuntimeError("1D target tensor expects 2D input tensors, but found "
                                   f"inputs with size {tuple(input_.shape)}")
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError("0D target tensor expects 1D input tensors, but found "
                                   f"inputs with size {tuple(input_.shape)}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target_.ndim > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = (target_ if batched else target_.unsqueeze(0))._data.astype(np.int64)
        n = target.shape[0]
        output = zeros(n, dtype=input.dtype, device=input.device)
        head_index = target.copy()
        bounds = [0] + self.cutoffs
        used = 0
        for i in range(len(bounds) - 1):
            rows = np.nonzero((target >= bounds[i]) & (target < bounds[i + 1]))[0]
            used += rows.size
            if i == 0 or rows.size == 0:
                continue
            rows_t = Tensor._make(rows)
            cluster = log_softmax(self.tail[i - 1](input[rows_t]), 1)
            local = gather(cluster, 1, Tensor._make((target[rows] - bounds[i])[:, None]))
            output = index_add(output, 0, rows_t, local.squeeze(1))
            head_index[rows] = self.shortlist_size + i - 1
        if used != n:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but "
                               f"values in range [{target.min()}, {target.max()}] were found. ")
        head = log_softmax(self.head(input), 1)
        output = output + gather(head, 1, Tensor._make(head_index[:, None])).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        head = log_softmax(head_output, 1)
        parts = [head[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = log_softmax(self.tail[i](input), 1)
            k = self.shortlist_size + i
            parts.append(cluster + head[:, k:k + 1])
        return cat(parts, 1)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probability of every class: (N, n_classes), or (n_classes,)."""
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        out = self._full_log_prob(x, self.head(x))
        return out if batched else out.squeeze(0)

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each row."""
        return self.log_prob(input).argmax(-1)
