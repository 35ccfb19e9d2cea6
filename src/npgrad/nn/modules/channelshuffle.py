"""``ChannelShuffle``: interleave the channels of ``groups`` groups (ShuffleNet)."""
from __future__ import annotations

from ...ops.nn.sampling import channel_shuffle
from ...tensor import Tensor
from .module import Module


class ChannelShuffle(Module):
    """(N, g k, *) viewed as (N, g, k, *), transposed to (N, k, g, *), flattened back."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
