"""``nn.attention``: choosing the kernel behind ``scaled_dot_product_attention``.

npgrad has one kernel, the plain ("math") composition of matmuls and softmax, so
``sdpa_kernel`` checks its argument as PyTorch does and then leaves the computation as it is:
results are those of PyTorch's MATH backend whichever backends are named. The fused kernels'
availability questions answer False.
"""
from __future__ import annotations

import enum
from contextlib import contextmanager

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS", "can_use_flash_attention",
           "can_use_efficient_attention", "list_flash_attention_impls",
           "current_flash_attention_impl"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    """The kernels PyTorch can run scaled_dot_product_attention with (same values)."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


@contextmanager
def sdpa_kernel(backends, set_priority: bool = False):
    """Within the block, restrict scaled_dot_product_attention to ``backends`` (a no-op in
    npgrad beyond PyTorch's argument check: its one kernel is the math one)."""
    listed = backends if isinstance(backends, list) else [backends]
    if not all(isinstance(b, SDPBackend) for b in listed):
        raise AssertionError(f"Backend must be an instance of SDPBackend or a list of "
                             f"SDPBackend instances, got {type(backends).__name__}")
    yield


def can_use_flash_attention(params, debug: bool = False) -> bool:
    """Whether the flash kernel could run: never in npgrad."""
    return False


def can_use_efficient_attention(params, debug: bool = False) -> bool:
    """Whether the memory-efficient kernel could run: never in npgrad."""
    return False


def list_flash_attention_impls() -> list:
    """The registered flash-attention implementations: none in npgrad."""
    return []


def current_flash_attention_impl():
    """The active flash-attention implementation: none in npgrad."""
    return None
