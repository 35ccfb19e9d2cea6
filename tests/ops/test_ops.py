"""Runs every spec in ``tests/ops/specs`` against PyTorch, finite differences and
second-order finite differences (see ``harness.py``)."""
from __future__ import annotations

import pytest

from .harness import check_against_torch, check_gradcheck, gradcheck_cases
from .specs import ALL_SPECS


def _params(kind: str) -> list:
    params = []
    for spec in ALL_SPECS:
        if kind == "torch":
            for dtype in spec.dtypes:
                for i, case in enumerate(spec.cases):
                    params.append(pytest.param(spec, case, dtype, id=f"{spec.name}-{dtype}-{i}"))
        elif kind == "gradcheck" and spec.grad and spec.gradcheck:
            for i, case in enumerate(gradcheck_cases(spec)):
                params.append(pytest.param(spec, case, id=f"{spec.name}-{i}"))
        elif kind == "gradgrad" and spec.grad and spec.gradcheck and spec.gradgrad:
            for i, case in enumerate(gradcheck_cases(spec)[:2]):
                params.append(pytest.param(spec, case, id=f"{spec.name}-{i}"))
    return params


@pytest.mark.parametrize("spec,case,dtype", _params("torch"))
def test_against_torch(spec, case, dtype):
    check_against_torch(spec, case, dtype)


@pytest.mark.parametrize("spec,case", _params("gradcheck"))
def test_gradcheck(spec, case):
    check_gradcheck(spec, case, second_order=False)


@pytest.mark.parametrize("spec,case", _params("gradgrad"))
def test_gradgradcheck(spec, case):
    check_gradcheck(spec, case, second_order=True)
