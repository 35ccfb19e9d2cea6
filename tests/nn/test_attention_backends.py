"""nn.attention: PyTorch's backend enum values, and sdpa_kernel's argument check (npgrad's
one kernel gives the same result whichever backends are named)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad


def test_backend_values_are_pytorchs():
    ours = {k: int(v) for k, v in npgrad.nn.attention.SDPBackend.__members__.items()}
    theirs = {k: int(v) for k, v in torch.nn.attention.SDPBackend.__members__.items()}
    assert ours == theirs


def test_sdpa_kernel_checks_its_argument_and_keeps_the_result():
    q = npgrad.randn(1, 2, 3, 4)
    plain = npgrad.nn.functional.scaled_dot_product_attention(q, q, q)
    for lib in (npgrad, torch):
        A = lib.nn.attention
        with pytest.raises(AssertionError, match="Backend must be an instance of SDPBackend"):
            with A.sdpa_kernel("math"):
                pass
    A = npgrad.nn.attention
    with A.sdpa_kernel([A.SDPBackend.MATH, A.SDPBackend.FLASH_ATTENTION]):
        inside = npgrad.nn.functional.scaled_dot_product_attention(q, q, q)
    np.testing.assert_array_equal(inside.numpy(), plain.numpy())
    assert not A.can_use_flash_attention(None) and A.list_flash_attention_impls() == []
