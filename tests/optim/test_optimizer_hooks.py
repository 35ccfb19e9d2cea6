"""Optimizer hooks against PyTorch's: step pre/post hooks (per optimizer and global, their
order, replaced arguments, removal), state_dict and load_state_dict hooks, and hooks on a
user-defined optimizer's own ``step``."""
from __future__ import annotations

import importlib

import pytest
import torch

import npgrad


def _trace(lib, make_opt):
    """The calls the hooks see, in order, as comparable tuples."""
    calls = []
    p = lib.nn.Parameter(lib.ones(2))
    opt = make_opt(lib, p)
    # (torch.optim does not keep its optimizer module as an attribute)
    module = importlib.import_module(f"{lib.__name__}.optim.optimizer")
    hooks = [
        module.register_optimizer_step_pre_hook(
            lambda o, a, k: calls.append(("global pre", len(a), sorted(k)))),
        module.register_optimizer_step_post_hook(
            lambda o, a, k: calls.append(("global post", len(a), sorted(k)))),
        opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt))),
        opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt))),
    ]
    p.grad = lib.ones(2)
    opt.step()
    opt.step(closure=lambda: calls.append(("closure",)) or lib.tensor(0.0))
    for h in hooks:
        h.remove()
    opt.step()
    calls.append(("value", round(float(p.detach()[0]), 6)))
    return calls


def _sgd(lib, p):
    return lib.optim.SGD([p], lr=0.1)


def _custom(lib, p):
    class SignSGD(lib.optim.Optimizer):
        """A user-defined optimizer with its own step."""

        def __init__(self, params, lr):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            loss = closure() if closure is not None else None
            with lib.no_grad():
                for group in self.param_groups:
                    for q in group["params"]:
                        q.sub_(group["lr"] * q.grad.sign())
            return loss
    return SignSGD([p], lr=0.25)


@pytest.mark.parametrize("make_opt", [_sgd, _custom])
def test_step_hooks_as_torch(make_opt):
    assert _trace(npgrad, make_opt) == _trace(torch, make_opt)


def test_pre_hook_replaces_arguments_and_checks_its_result():
    for lib in (npgrad, torch):
        p = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([p], lr=0.1)
        seen = []
        handle = opt.register_step_pre_hook(
            lambda o, a, k: (a, {"closure": lambda: seen.append(1) or lib.tensor(3.0)}))
        p.grad = lib.ones(2)
        assert float(opt.step()) == 3.0 and seen == [1]
        handle.remove()
        opt.register_step_pre_hook(lambda o, a, k: "nonsense")
        with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, "
                                               r"new_kwargs\), but got nonsense"):
            opt.step()


def test_state_dict_hooks_as_torch():
    def run(lib):
        calls = []
        p = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.Adam([p], lr=0.1)
        opt.register_state_dict_pre_hook(lambda o: calls.append("pre"))
        opt.register_state_dict_post_hook(lambda o, sd: calls.append("post") or
                                          {**sd, "extra": 1})
        opt.register_state_dict_post_hook(lambda o, sd: calls.append("first"), prepend=True)
        opt.register_load_state_dict_pre_hook(
            lambda o, sd: calls.append("load pre") or {k: v for k, v in sd.items()
                                                       if k != "extra"})
        opt.register_load_state_dict_post_hook(lambda o: calls.append("load post"))
        sd = opt.state_dict()
        calls.append(sorted(sd))
        sd["param_groups"][0]["lr"] = 0.5
        opt.load_state_dict(sd)
        calls.append(opt.param_groups[0]["lr"])
        return calls
    assert run(npgrad) == run(torch) == ["pre", "first", "post",
                                         ["extra", "param_groups", "state"], "load pre",
                                         "load post", 0.5]


def test_lbfgs_runs_its_step_hooks_once():
    calls = []
    x = npgrad.nn.Parameter(npgrad.tensor([1.0, 2.0]))
    opt = npgrad.optim.LBFGS([x], max_iter=3)
    opt.register_step_post_hook(lambda o, a, k: calls.append(len(a) + len(k)))

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss
    opt.step(closure)
    assert calls == [2]
