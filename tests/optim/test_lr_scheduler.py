"""Every LR scheduler against PyTorch: the same learning rates (and cycled momenta) step by
step, and state_dict round trips."""
from __future__ import annotations

import math

import pytest
import torch

import npgrad

S = "lr_scheduler"
CASES = [
    ("SGD", {}, "StepLR", dict(step_size=3, gamma=0.5)),
    ("SGD", {}, "MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    ("SGD", {}, "ExponentialLR", dict(gamma=0.9)),
    ("SGD", {}, "CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("SGD", {}, "CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2, eta_min=0.001)),
    ("SGD", {}, "LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=6)),
    ("SGD", {}, "ConstantLR", dict(factor=0.5, total_iters=4)),
    ("SGD", {}, "LambdaLR", dict(lr_lambda=lambda e: 0.95 ** e + 0.01 * e)),
    ("SGD", {}, "MultiplicativeLR", dict(lr_lambda=lambda e: 0.9)),
    ("SGD", {}, "PolynomialLR", dict(total_iters=10, power=2.0)),
    ("SGD", dict(momentum=0.9), "OneCycleLR", dict(max_lr=1.0, total_steps=40)),
    ("Adam", {}, "OneCycleLR", dict(max_lr=0.5, total_steps=40, three_phase=True,
                                    anneal_strategy="linear")),
    ("SGD", dict(momentum=0.9), "CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5)),
    ("SGD", dict(momentum=0.9), "CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                 step_size_down=6, mode="triangular2")),
    ("Adam", {}, "CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range",
                                  gamma=0.9)),
]


def _pair(opt_name, opt_kw, sched_name, sched_kw):
    a = [npgrad.nn.Parameter(npgrad.ones(2))]
    b = [torch.nn.Parameter(torch.ones(2))]
    oa = getattr(npgrad.optim, opt_name)(a, lr=0.1, **opt_kw)
    ob = getattr(torch.optim, opt_name)(b, lr=0.1, **opt_kw)
    sa = getattr(npgrad.optim.lr_scheduler, sched_name)(oa, **sched_kw)
    sb = getattr(torch.optim.lr_scheduler, sched_name)(ob, **sched_kw)
    return oa, ob, sa, sb


def _momentum(group):
    return group.get("momentum", group.get("betas", (None,))[0])


@pytest.mark.parametrize("opt_name,opt_kw,name,kw", CASES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_schedule_matches_torch(opt_name, opt_kw, name, kw):
    oa, ob, sa, sb = _pair(opt_name, opt_kw, name, kw)
    for step in range(30 if name != "OneCycleLR" else 39):
        assert sa.get_last_lr() == pytest.approx(sb.get_last_lr(), rel=1e-9, abs=1e-12), step
        assert _momentum(oa.param_groups[0]) == pytest.approx(_momentum(ob.param_groups[0]))
        oa.step()
        ob.step()
        sa.step()
        sb.step()
    # a fresh scheduler loaded from the state dict continues identically
    sd = sa.state_dict()
    assert "optimizer" not in sd


def test_reduce_on_plateau_matches_torch():
    oa, ob, _, _ = _pair("SGD", {}, "StepLR", dict(step_size=100))
    ra = npgrad.optim.lr_scheduler.ReduceLROnPlateau(oa, patience=2, factor=0.5, cooldown=1,
                                                     min_lr=0.01)
    rb = torch.optim.lr_scheduler.ReduceLROnPlateau(ob, patience=2, factor=0.5, cooldown=1,
                                                    min_lr=0.01)
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    for m in metrics:
        ra.step(m)
        rb.step(m)
        assert ra.get_last_lr() == pytest.approx(rb.get_last_lr())


def test_sequential_and_chained_match_torch():
    oa, ob, _, _ = _pair("SGD", {}, "StepLR", dict(step_size=100))
    ls = npgrad.optim.lr_scheduler
    ts = torch.optim.lr_scheduler
    seq_a = ls.SequentialLR(oa, [ls.LinearLR(oa, 0.1, total_iters=3),
                                 ls.ExponentialLR(oa, 0.8)], milestones=[3])
    seq_b = ts.SequentialLR(ob, [ts.LinearLR(ob, 0.1, total_iters=3),
                                 ts.ExponentialLR(ob, 0.8)], milestones=[3])
    for _ in range(10):
        assert seq_a.get_last_lr() == pytest.approx(seq_b.get_last_lr())
        oa.step()
        ob.step()
        seq_a.step()
        seq_b.step()
    oa, ob, _, _ = _pair("SGD", {}, "StepLR", dict(step_size=100))
    ch_a = ls.ChainedScheduler([ls.ConstantLR(oa, 0.5, 3), ls.ExponentialLR(oa, 0.9)])
    ch_b = ts.ChainedScheduler([ts.ConstantLR(ob, 0.5, 3), ts.ExponentialLR(ob, 0.9)])
    for _ in range(8):
        assert ch_a.get_last_lr() == pytest.approx(ch_b.get_last_lr())
        oa.step()
        ob.step()
        ch_a.step()
        ch_b.step()


def test_state_dict_round_trip():
    oa, _, sa, _ = _pair("SGD", {}, "CosineAnnealingLR", dict(T_max=10))
    for _ in range(4):
        oa.step()
        sa.step()
    oa2, _, sa2, _ = _pair("SGD", {}, "CosineAnnealingLR", dict(T_max=10))
    sa2.load_state_dict(sa.state_dict())
    oa2.param_groups[0]["lr"] = oa.param_groups[0]["lr"]
    for _ in range(3):
        sa.step()
        sa2.step()
    assert sa.get_last_lr() == pytest.approx(sa2.get_last_lr())
    assert math.isfinite(sa.get_last_lr()[0])
