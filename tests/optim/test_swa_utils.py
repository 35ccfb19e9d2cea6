"""``optim.swa_utils`` against PyTorch's: averaged weights (SWA and EMA, per tensor and per
list), the SWALR schedule alone and after another scheduler, and update_bn."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad


def _net(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(),
                             lib.nn.Linear(4, 2))


def _pair(seed: int = 0):
    """The same network in both libraries."""
    ours, theirs = _net(npgrad), _net(torch)
    rs = np.random.default_rng(seed)
    for (_, p), (_, q) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        value = rs.standard_normal(tuple(q.shape)).astype(np.float32)
        if q.dtype == torch.int64:
            value = np.array(seed + 3)
        p.copy_(npgrad.tensor(value))
        with torch.no_grad():
            q.copy_(torch.tensor(value))
    return ours, theirs


def _same_state(a, b, tol=1e-6):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sb:
        np.testing.assert_allclose(sa[k].numpy(), sb[k].numpy(), rtol=tol, atol=tol,
                                   err_msg=k)


@pytest.mark.parametrize("how", ["swa", "ema_multi", "ema", "swa_fn", "swa_multi",
                                 "ema_buffers"])
def test_averaged_model_matches_torch(how):
    def averaged(lib, model):
        su = lib.optim.swa_utils
        kwargs = {"swa": {}, "ema_multi": dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.9)),
                  "ema": dict(avg_fn=su.get_ema_avg_fn(0.8)),
                  "swa_fn": dict(avg_fn=su.get_swa_avg_fn()),
                  "swa_multi": dict(multi_avg_fn=su.get_swa_multi_avg_fn()),
                  "ema_buffers": dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.5),
                                      use_buffers=True)}[how]
        return su.AveragedModel(model, **kwargs)
    ours, theirs = _pair()
    avg_o, avg_t = averaged(npgrad, ours), averaged(torch, theirs)
    _same_state(avg_o, avg_t)
    for seed in range(1, 5):
        new_o, new_t = _pair(seed)
        avg_o.update_parameters(new_o)
        avg_t.update_parameters(new_t)
        _same_state(avg_o, avg_t)
    assert int(avg_o.n_averaged) == int(avg_t.n_averaged) == 4
    x = np.random.default_rng(9).standard_normal((5, 3)).astype(np.float32)
    avg_o.eval(), avg_t.eval()
    np.testing.assert_allclose(avg_o(npgrad.tensor(x)).detach().numpy(),
                               avg_t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_averaged_model_is_a_copy_and_refuses_two_functions():
    model = npgrad.nn.Linear(2, 2)
    avg = npgrad.optim.swa_utils.AveragedModel(model)
    assert avg.module.weight is not model.weight
    assert [k for k, _ in avg.named_buffers()] == \
        [k for k, _ in torch.optim.swa_utils.AveragedModel(torch.nn.Linear(2, 2))
         .named_buffers()]
    su = npgrad.optim.swa_utils
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        su.AveragedModel(model, avg_fn=su.get_swa_avg_fn(), multi_avg_fn=su.get_swa_multi_avg_fn())
    for lib in (npgrad, torch):
        with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided"):
            lib.optim.swa_utils.get_ema_avg_fn(1.5)
        with pytest.raises(ValueError, match=r"Invalid decay value -0.1 provided"):
            lib.optim.swa_utils.get_ema_multi_avg_fn(-0.1)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 4])
def test_swalr_after_another_scheduler_matches_torch(strategy, anneal_epochs):
    """SWA's usual recipe: a cosine schedule for the first epochs, then SWALR; two param
    groups with their own swa_lr."""
    def lrs(lib):
        a, b = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=0.1,
                            momentum=0.9)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        swa = None
        out = []
        for epoch in range(12):
            a.grad, b.grad = lib.ones(2), lib.ones(2)
            opt.step()
            if epoch < 5:
                sched.step()
            else:
                if swa is None:
                    swa = lib.optim.swa_utils.SWALR(opt, swa_lr=[0.05, 0.01],
                                                    anneal_epochs=anneal_epochs,
                                                    anneal_strategy=strategy)
                swa.step()
            out.append([g["lr"] for g in opt.param_groups])
        assert swa.get_last_lr() == out[-1]
        return out, swa.state_dict()
    (ours, sd_o), (theirs, sd_t) = lrs(npgrad), lrs(torch)
    np.testing.assert_allclose(np.array(ours, dtype=float), np.array(theirs, dtype=float),
                               rtol=1e-12)
    assert {k: v for k, v in sd_o.items() if k != "_get_lr_called_within_step"} == \
        {k: v for k, v in sd_t.items() if k in sd_o}


def test_swalr_state_dict_round_trip_and_errors():
    opt = npgrad.optim.SGD([npgrad.nn.Parameter(npgrad.ones(1))], lr=1.0)
    first = npgrad.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=3,
                                         anneal_strategy="linear")
    first.step()
    second = npgrad.optim.swa_utils.SWALR(opt, swa_lr=0.1)
    second.load_state_dict(first.state_dict())
    assert second.anneal_func(0.5) == 0.5 and second.anneal_epochs == 3
    for lib in (npgrad, torch):
        o = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or "
                                             "'linear', instead got exp"):
            lib.optim.swa_utils.SWALR(o, 0.1, anneal_strategy="exp")
        with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0"):
            lib.optim.swa_utils.SWALR(o, 0.1, anneal_epochs=-1)
        with pytest.raises(ValueError, match="swa_lr must have the same length"):
            lib.optim.swa_utils.SWALR(o, [0.1, 0.2])


def test_update_bn_matches_torch():
    ours, theirs = _pair()
    ours.train(False), theirs.train(False)
    bn_o, bn_t = ours[1], theirs[1]
    bn_o.momentum = bn_t.momentum = 0.3
    rs = np.random.default_rng(4)
    data = [rs.standard_normal((6, 3)).astype(np.float32) * (i + 1) for i in range(4)]
    npgrad.optim.swa_utils.update_bn([(npgrad.tensor(x), 0) for x in data], ours)
    torch.optim.swa_utils.update_bn([(torch.tensor(x), 0) for x in data], theirs)
    _same_state(ours, theirs, tol=1e-5)
    assert bn_o.momentum == 0.3 and not ours.training
    # a loader of bare tensors, and a model without batch norm (left alone)
    npgrad.optim.swa_utils.update_bn([npgrad.tensor(x) for x in data], ours)
    torch.optim.swa_utils.update_bn([torch.tensor(x) for x in data], theirs)
    _same_state(ours, theirs, tol=1e-5)
    plain = npgrad.nn.Linear(3, 2)
    npgrad.optim.swa_utils.update_bn([npgrad.ones(2, 3)], plain)
