"""Runs every spec in ``tests/ops/specs`` against PyTorch, finite differences and
second-order finite differences (see ``harness.py``), on the CPU and on the fake CUDA device
(``tests/fake_cuda.py``), which stands for a GPU: every result and gradient must stay there.
Every spec runs on both; a new op is done when it passes on the device too."""
from __future__ import annotations

import contextlib

import pytest

from ..fake_cuda import fake_cuda
from .harness import BF16, check_against_torch, check_gradcheck, gradcheck_cases
from .specs import ALL_SPECS

DEVICES = ("cpu", "cuda")

def _params(kind: str) -> list:
    params = []
    for device in DEVICES:
        for spec in ALL_SPECS:
            if kind == "torch":
                for dtype in spec.dtypes:
                    if device == "cuda" and dtype == BF16:
                        continue  # CuPy has no bfloat16
                    for i, case in enumerate(spec.cases):
                        params.append(pytest.param(spec, case, dtype, device,
                                                   id=f"{device}-{spec.name}-{dtype}-{i}"))
            elif kind == "gradcheck" and spec.grad and spec.gradcheck:
                for i, case in enumerate(gradcheck_cases(spec)):
                    params.append(pytest.param(spec, case, device,
                                               id=f"{device}-{spec.name}-{i}"))
            elif kind == "gradgrad" and spec.grad and spec.gradcheck and spec.gradgrad:
                for i, case in enumerate(gradcheck_cases(spec)[:2]):
                    params.append(pytest.param(spec, case, device,
                                               id=f"{device}-{spec.name}-{i}"))
    return params


def _on(device: str):
    return fake_cuda() if device == "cuda" else contextlib.nullcontext()


@pytest.mark.parametrize("spec,case,dtype,device", _params("torch"))
def test_against_torch(spec, case, dtype, device):
    with _on(device):
        check_against_torch(spec, case, dtype, device)


@pytest.mark.parametrize("spec,case,device", _params("gradcheck"))
def test_gradcheck(spec, case, device):
    with _on(device):
        check_gradcheck(spec, case, second_order=False, device=device)


@pytest.mark.parametrize("spec,case,device", _params("gradgrad"))
def test_gradgradcheck(spec, case, device):
    with _on(device):
        check_gradcheck(spec, case, second_order=True, device=device)
