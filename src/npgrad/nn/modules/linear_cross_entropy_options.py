"""``LinearCrossEntropyOptions``: how PyTorch may chunk ``linear_cross_entropy`` to save
memory. npgrad keeps and checks the options; it always computes the reference form (the same
values)."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LinearCrossEntropyOptions"]


@dataclass
class LinearCrossEntropyOptions:
    """The chunking options of ``linear_cross_entropy`` (accepted, as PyTorch's)."""

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self) -> None:
        if self.acc_policy not in ("accurate", "balanced", "compact", "auto"):
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
