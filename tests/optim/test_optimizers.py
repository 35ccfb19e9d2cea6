"""Every optimizer against PyTorch: same parameters, same gradients, 20 steps; parameter
trajectories must match, and state_dicts must round-trip."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adamax", dict(lr=0.01, weight_decay=0.05)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
    ("Adadelta", dict(lr=1.0, weight_decay=0.01)),
    ("Adadelta", dict(lr=0.5, rho=0.8, maximize=True, foreach=True)),
    ("SGD", dict(lr=0.1, momentum=0.5, fused=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, maximize=True, decoupled_weight_decay=True,
                  weight_decay=0.1, foreach=False)),
    ("AdamW", dict(lr=0.01, maximize=True, fused=True)),
    ("Adamax", dict(lr=0.01, maximize=True, foreach=True)),
    ("NAdam", dict(lr=0.01, momentum_decay=0.01, maximize=True, weight_decay=0.05)),
    ("RAdam", dict(lr=0.01, maximize=True, weight_decay=0.05)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, maximize=True, momentum=0.5)),
    ("Adagrad", dict(lr=0.1, eps=1e-6, maximize=True, fused=True)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.1, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
    ("ASGD", dict(lr=0.01)),
    ("ASGD", dict(lr=0.05, lambd=1e-2, alpha=0.5, t0=5, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.1, beta2_decay=-0.5, eps=(1e-3, 1e-2), d=2.0, weight_decay=0.1,
                       maximize=True)),
    ("Muon", dict(lr=0.02)),
    ("Muon", dict(lr=0.02, momentum=0.5, nesterov=False, weight_decay=0.0,
                  adjust_lr_fn="match_rms_adamw")),
    ("Muon", dict(lr=0.05, ns_steps=3, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-5,
                  adjust_lr_fn="original")),
]


def shapes_for(name: str) -> list:
    """Matrices, a vector, a 3-d tensor and a scalar; Muon takes matrices only (tall, wide
    and square: its Newton-Schulz iteration transposes tall ones)."""
    return [(3, 4), (6, 2), (5, 5)] if name == "Muon" else [(3, 4), (4,), (2, 3, 5), ()]


def tolerance(name: str, dtype: str) -> float:
    """Muon orthogonalises in bfloat16, as PyTorch: an element rounded the other way moves
    the parameter by ``lr`` times bfloat16's resolution (2**-8)."""
    if name == "Muon":
        return 1e-3
    return 1e-5 if dtype == "float32" else 1e-10


def _grads(step: int, shapes) -> list:
    rs = np.random.default_rng(100 + step)
    return [rs.standard_normal(s) for s in shapes]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(CONFIGS)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_trajectory_matches_torch(name, kwargs, dtype):
    shapes = shapes_for(name)
    rs = np.random.default_rng(0)
    init = [rs.standard_normal(s).astype(dtype) for s in shapes]
    ours = [npgrad.nn.Parameter(npgrad.tensor(a)) for a in init]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in init]
    opt_o = getattr(npgrad.optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    tol = tolerance(name, dtype)
    for step in range(20):
        for p, q, g in zip(ours, theirs, _grads(step, shapes)):
            # the gradient depends on the parameter, as in real training
            p.grad = npgrad.tensor((g + p.detach().numpy()).astype(dtype))
            q.grad = torch.tensor((g + q.detach().numpy()).astype(dtype))
        opt_o.step()
        opt_t.step()
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=tol,
                                       atol=tol, err_msg=f"{name} step {step}")
            assert p.dtype.name == dtype
    # the state dict has PyTorch's layout and round-trips into a fresh optimizer
    sd_o, sd_t = opt_o.state_dict(), opt_t.state_dict()
    assert sorted(sd_o["state"]) == sorted(sd_t["state"])
    for k in sd_t["state"]:
        assert sorted(sd_o["state"][k]) == sorted(sd_t["state"][k])
    assert [g["params"] for g in sd_o["param_groups"]] == \
        [g["params"] for g in sd_t["param_groups"]]
    for k, v in sd_t["param_groups"][0].items():
        mine = sd_o["param_groups"][0][k]
        assert (list(mine) if isinstance(mine, tuple) else mine) == \
            (list(v) if isinstance(v, tuple) else v), k
    fresh = [npgrad.nn.Parameter(p.detach().clone()) for p in ours]
    opt2 = getattr(npgrad.optim, name)(fresh, **kwargs)
    opt2.load_state_dict(sd_o)
    for p, q, g in zip(ours + fresh, ours + fresh, _grads(99, shapes) * 2):
        p.grad = npgrad.tensor(g.astype(dtype))
    opt_o.step()
    opt2.step()
    for p, q in zip(ours, fresh):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)


def test_param_groups_and_zero_grad():
    a, b = npgrad.nn.Parameter(npgrad.ones(2)), npgrad.nn.Parameter(npgrad.ones(2))
    opt = npgrad.optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad, b.grad = npgrad.ones(2), npgrad.ones(2)
    opt.step()
    assert a.tolist() == pytest.approx([0.9, 0.9]) and b.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    opt.add_param_group({"params": [npgrad.nn.Parameter(npgrad.ones(1))]})
    assert opt.param_groups[2]["lr"] == 0.1
    with pytest.raises(ValueError):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError):
        npgrad.optim.SGD([], lr=0.1)


def test_closure_is_called():
    p = npgrad.nn.Parameter(npgrad.tensor([2.0]))
    opt = npgrad.optim.SGD([p], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert loss.item() == 4.0 and p.item() == pytest.approx(0.0)


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
@pytest.mark.parametrize("history", [100, 3])
def test_lbfgs_matches_torch_on_rosenbrock(line_search, history):
    def run(lib):
        x = lib.nn.Parameter(lib.tensor([-1.5, 2.0], dtype=lib.float64))
        opt = lib.optim.LBFGS([x], lr=1 if line_search else 0.5, max_iter=15,
                              history_size=history, line_search_fn=line_search)

        def closure():
            opt.zero_grad()
            loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
            loss.backward()
            return loss
        path = []
        for _ in range(4):
            opt.step(closure)
            path.append(x.detach().numpy().copy())
        return np.array(path), opt.state[opt.param_groups[0]["params"][0]]["func_evals"]
    ours, evals_o = run(npgrad)
    theirs, evals_t = run(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-8)
    assert evals_o == evals_t
