"""Runs every spec in ``tests/ops/specs`` against PyTorch, finite differences and
second-order finite differences (see ``harness.py``), on the CPU and on the fake CUDA device
(``tests/fake_cuda.py``), which stands for a GPU: every result and gradient must stay there."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

from ..fake_cuda import fake_cuda
from .harness import BF16, check_against_torch, check_gradcheck, gradcheck_cases
from .specs import ALL_SPECS

DEVICES = ("cpu", "cuda")

# Specs whose op does not run on a CUDA device yet (issue #20): each fails somewhere on the
# fake device (a NumPy routine fed device data, a host array meeting device arrays). The list
# may only shrink: rewrite it with ``python -m tests.ops.test_ops --write-device-list``.
DEVICE_LIST = Path(__file__).with_name("device_not_yet.txt")
DEVICE_NOT_YET = frozenset(line.strip() for line in DEVICE_LIST.read_text().splitlines()
                           if line.strip() and not line.startswith("#"))


def _marks(spec, device: str) -> list:
    if device == "cuda" and spec.name in DEVICE_NOT_YET:
        return [pytest.mark.xfail(reason="not yet on a CUDA device (issue #20)", strict=False)]
    return []


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
                                                   id=f"{device}-{spec.name}-{dtype}-{i}",
                                                   marks=_marks(spec, device)))
            elif kind == "gradcheck" and spec.grad and spec.gradcheck:
                for i, case in enumerate(gradcheck_cases(spec)):
                    params.append(pytest.param(spec, case, device,
                                               id=f"{device}-{spec.name}-{i}",
                                               marks=_marks(spec, device)))
            elif kind == "gradgrad" and spec.grad and spec.gradcheck and spec.gradgrad:
                for i, case in enumerate(gradcheck_cases(spec)[:2]):
                    params.append(pytest.param(spec, case, device,
                                               id=f"{device}-{spec.name}-{i}",
                                               marks=_marks(spec, device)))
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


def test_the_device_list_names_specs():
    """Every name on the device list is a spec (a typo would hide nothing and fix nothing)."""
    names = {spec.name for spec in ALL_SPECS}
    assert not DEVICE_NOT_YET - names, sorted(DEVICE_NOT_YET - names)


def failing_on_device() -> list:
    """The specs with a case, gradcheck or gradgradcheck that fails on the fake device."""
    failing = []
    with fake_cuda():
        for spec in ALL_SPECS:
            try:
                for dtype in spec.dtypes:
                    for case in spec.cases if dtype != BF16 else ():
                        check_against_torch(spec, case, dtype, "cuda")
                if spec.grad and spec.gradcheck:
                    for i, case in enumerate(gradcheck_cases(spec)):
                        check_gradcheck(spec, case, False, "cuda")
                        if spec.gradgrad and i < 2:
                            check_gradcheck(spec, case, True, "cuda")
            except Exception:  # noqa: BLE001 (any failure keeps the spec on the list)
                failing.append(spec.name)
    return sorted(failing)


if __name__ == "__main__" and "--write-device-list" in sys.argv:
    header = [line for line in DEVICE_LIST.read_text().splitlines() if line.startswith("#")]
    DEVICE_LIST.write_text("\n".join(header + failing_on_device()) + "\n")
