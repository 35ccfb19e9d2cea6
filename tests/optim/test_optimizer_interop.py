"""npgrad's optimizers with PyTorch's: state_dicts that load into PyTorch's optimizer and
back and continue the same training, the options (``foreach``, ``fused``, ``capturable``,
``differentiable``, named parameters) accepted and refused as PyTorch does on CPU,
``SparseAdam``'s refusal of dense gradients and ``swap_in_optimizer_params_and_state``."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import npgrad

from .test_optimizers import CONFIGS, shapes_for, tolerance


def to_torch(value):
    """A state_dict (or part) with npgrad tensors turned into torch's, through NumPy."""
    if isinstance(value, npgrad.Tensor):
        return torch.from_numpy(value.numpy().copy())
    if isinstance(value, dict):
        return {k: to_torch(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_torch(v) for v in value)
    return value


def to_npgrad(value):
    if isinstance(value, torch.Tensor):
        return npgrad.tensor(value.numpy().copy())
    if isinstance(value, dict):
        return {k: to_npgrad(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_npgrad(v) for v in value)
    return value


class Pair:
    """The same parameters in both libraries, each with its optimizer, stepped with the same
    gradients (which depend on the parameter, as in training)."""

    def __init__(self, name: str, kwargs: dict, dtype: str = "float32", seed: int = 0):
        rs = np.random.default_rng(seed)
        self.name, self.kwargs, self.dtype = name, kwargs, dtype
        self.shapes = shapes_for(name)
        init = [rs.standard_normal(s).astype(dtype) for s in self.shapes]
        self.ours = [npgrad.nn.Parameter(npgrad.tensor(a)) for a in init]
        self.theirs = [torch.nn.Parameter(torch.tensor(a)) for a in init]
        self.opt_o = getattr(npgrad.optim, name)(self.ours, **kwargs)
        self.opt_t = getattr(torch.optim, name)(self.theirs, **kwargs)

    def step(self, n: int, start: int = 0, which: str = "both") -> None:
        for k in range(start, start + n):
            rs = np.random.default_rng(1000 + k)
            for p, q, s in zip(self.ours, self.theirs, self.shapes):
                g = rs.standard_normal(s)
                p.grad = npgrad.tensor((g + p.detach().numpy()).astype(self.dtype))
                q.grad = torch.tensor((g + q.detach().numpy()).astype(self.dtype))
            if which in ("both", "ours"):
                self.opt_o.step()
            if which in ("both", "theirs"):
                self.opt_t.step()

    def assert_same(self, tol: float) -> None:
        for p, q in zip(self.ours, self.theirs):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=tol,
                                       atol=tol)


IDS = [f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_our_state_dict_continues_in_torch(name, kwargs):
    """Train 8 steps with npgrad, hand parameters and state_dict to a fresh torch
    optimizer, and both continue 8 steps: the same trajectories."""
    pair = Pair(name, kwargs, "float64")
    pair.step(8, which="ours")
    for p, q in zip(pair.ours, pair.theirs):
        with torch.no_grad():
            q.copy_(torch.from_numpy(p.detach().numpy()))
    pair.opt_t.load_state_dict(to_torch(pair.opt_o.state_dict()))
    pair.step(8, start=8)
    pair.assert_same(tolerance(name, "float64"))


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_torch_state_dict_continues_in_npgrad(name, kwargs):
    pair = Pair(name, kwargs, "float32")
    pair.step(8, which="theirs")
    for p, q in zip(pair.ours, pair.theirs):
        p.data = npgrad.tensor(q.detach().numpy().copy())
    pair.opt_o.load_state_dict(to_npgrad(pair.opt_t.state_dict()))
    pair.step(8, start=8)
    pair.assert_same(tolerance(name, "float32"))
    # what npgrad saves now loads back into torch unchanged in layout
    sd_o, sd_t = pair.opt_o.state_dict(), pair.opt_t.state_dict()
    assert {k: sorted(v) for k, v in sd_o["state"].items()} == \
        {k: sorted(v) for k, v in sd_t["state"].items()}


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_state_dict_round_trips_with_torch(line_search):
    """L-BFGS's history (directions, steps, curvatures) crosses over both ways mid-run."""
    def make(lib, start):
        x = lib.nn.Parameter(lib.tensor(np.array(start, np.float64)))
        opt = lib.optim.LBFGS([x], lr=1 if line_search else 0.3, max_iter=4, history_size=3,
                              line_search_fn=line_search)

        def closure():
            opt.zero_grad()
            loss = (1 - x[0]) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2 + (x[2] - x[1]) ** 2
            loss.backward()
            return loss
        return x, opt, closure
    xo, oo, co = make(npgrad, [-1.2, 1.0, 0.5])
    xt, ot, ct = make(torch, [-1.2, 1.0, 0.5])
    for _ in range(2):
        oo.step(co)
    with torch.no_grad():
        xt.copy_(torch.from_numpy(xo.detach().numpy()))
    ot.load_state_dict(to_torch(oo.state_dict()))
    for _ in range(2):
        oo.step(co)
        ot.step(ct)
    np.testing.assert_allclose(xo.detach().numpy(), xt.detach().numpy(), rtol=1e-9, atol=1e-10)
    ot.step(ct)
    xo.data = npgrad.tensor(xt.detach().numpy().copy())
    oo.load_state_dict(to_npgrad(ot.state_dict()))
    for _ in range(2):
        oo.step(co)
        ot.step(ct)
    np.testing.assert_allclose(xo.detach().numpy(), xt.detach().numpy(), rtol=1e-9, atol=1e-10)
    assert oo.state[xo]["func_evals"] == ot.state[xt]["func_evals"]


# -- options as PyTorch accepts and refuses them on CPU ------------------------------------

ALL = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta",
       "LBFGS", "Rprop", "ASGD", "Adafactor", "SparseAdam", "Muon"]


def _outcome(lib, name: str, options: dict, requires_grad: bool = True):
    """What constructing and stepping ``name`` with ``options`` gives: 'ok' or the error's
    class and message; the parameter must be unchanged after an error."""
    p = lib.nn.Parameter(lib.ones(3, 2), requires_grad=requires_grad)
    before = p.detach().numpy().copy()
    try:
        opt = getattr(lib.optim, name)([p], **options)
        p.grad = lib.ones(3, 2)
        if name == "LBFGS":
            opt.step(lambda: (p * p).sum())
        else:
            opt.step()
    except Exception as e:  # noqa: BLE001 (the outcome compared is the error itself)
        np.testing.assert_array_equal(p.detach().numpy(), before)
        return type(e).__name__, str(e)
    return "ok"


def _cases():
    import inspect
    for name in ALL:
        accepted = inspect.signature(getattr(torch.optim, name).__init__).parameters
        for option in ("foreach", "maximize", "capturable", "differentiable", "fused"):
            if option in accepted:
                for value in (True, False, None) if option in ("foreach", "fused") else \
                        (True, False):
                    yield name, {option: value}
        if "fused" in accepted:
            yield name, dict(fused=True, foreach=True)
            yield name, dict(fused=True, differentiable=True)
        if "capturable" in accepted:
            yield name, dict(capturable=True, foreach=True)
    yield "Adam", dict(lr=torch.tensor(0.01), foreach=True)
    yield "AdamW", dict(lr=torch.tensor(0.01), foreach=True, capturable=True)


CASES = list(_cases())


@pytest.mark.parametrize("name,options", CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_options_accepted_and_refused_as_torch(name, options):
    ours = {k: npgrad.tensor(v.item()) if isinstance(v, torch.Tensor) else v
            for k, v in options.items()}
    expected = _outcome(torch, name, options)
    if name == "SparseAdam" and expected == "ok":
        pytest.fail("torch's SparseAdam stepped a dense gradient")
    assert _outcome(npgrad, name, ours) == expected


def test_unknown_option_is_a_type_error_as_in_torch():
    p = npgrad.nn.Parameter(npgrad.ones(2))
    for name in ("RMSprop", "Adadelta", "LBFGS", "Muon", "Adafactor"):
        with pytest.raises(TypeError):
            getattr(npgrad.optim, name)([p], fused=True)


def test_differentiable_without_requires_grad_steps():
    """PyTorch's differentiable step only fails where autograd would record it."""
    assert _outcome(npgrad, "SGD", dict(lr=0.1, differentiable=True), requires_grad=False) \
        == _outcome(torch, "SGD", dict(lr=0.1, differentiable=True), requires_grad=False) \
        == "ok"


def test_differentiable_accepts_non_leaf_parameters_at_construction():
    w = npgrad.ones(2, requires_grad=True)
    npgrad.optim.SGD([w * 2], lr=0.1, differentiable=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        npgrad.optim.SGD([w * 2], lr=0.1)


def test_named_parameters_as_torch():
    model_o, model_t = npgrad.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    opt_o = npgrad.optim.AdamW(model_o.named_parameters(), lr=0.1)
    opt_t = torch.optim.AdamW(model_t.named_parameters(), lr=0.1)
    assert opt_o.param_groups[0]["param_names"] == ["weight", "bias"]
    assert to_torch(opt_o.state_dict()) == opt_t.state_dict()
    pairs = [("a", npgrad.nn.Parameter(npgrad.ones(1)))]
    with pytest.raises(ValueError, match="Some param names are missing"):
        npgrad.optim.SGD(pairs + [npgrad.nn.Parameter(npgrad.ones(1))], lr=0.1)
    opt = npgrad.optim.SGD(pairs, lr=0.1)
    with pytest.raises(ValueError, match="cannot add param group without names"):
        opt.add_param_group({"params": [npgrad.nn.Parameter(npgrad.ones(1))]})


def test_sparse_adam_validates_and_refuses_dense_gradients():
    p = npgrad.nn.Parameter(npgrad.ones(4, 2))
    for bad, message in [(dict(lr=0.0), "Invalid learning rate: 0.0"),
                         (dict(eps=0.0), "Invalid epsilon value: 0.0"),
                         (dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0")]:
        with pytest.raises(ValueError, match=message):
            torch.optim.SparseAdam([torch.nn.Parameter(torch.ones(1))], **bad)
        with pytest.raises(ValueError, match=message):
            npgrad.optim.SparseAdam([p], **bad)
    opt = npgrad.optim.SparseAdam([p])
    opt.step()                              # no gradient: nothing to do
    assert opt.state_dict()["param_groups"][0] == \
        torch.optim.SparseAdam([torch.nn.Parameter(torch.ones(1))]).state_dict()[
            "param_groups"][0]


@pytest.mark.parametrize("name,bad", [
    ("Rprop", dict(etas=(1.5, 1.2))), ("Rprop", dict(lr=-1.0)),
    ("ASGD", dict(weight_decay=-1.0)), ("Adafactor", dict(beta2_decay=0.5)),
    ("Adafactor", dict(eps=(-1.0, 1e-3))), ("Adafactor", dict(d=0.5)),
    ("Muon", dict(adjust_lr_fn="other")), ("Muon", dict(momentum=-0.1)),
    ("RMSprop", dict(alpha=-0.5)), ("RMSprop", dict(eps=-1.0)), ("RMSprop", dict(lr=-0.1)),
    ("Adagrad", dict(lr_decay=-1.0)), ("Adagrad", dict(initial_accumulator_value=-1.0)),
    ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(weight_decay=-1.0)),
    ("SGD", dict(lr=-1.0)), ("Adam", dict(betas=(0.9, 1.0))),
])
def test_constructor_errors_as_torch(name, bad):
    def error(lib):
        try:
            getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(2, 2))], **bad)
        except ValueError as e:
            return str(e)
        return None
    assert error(npgrad) == error(torch) is not None


def test_muon_refuses_what_torch_refuses():
    with pytest.raises(ValueError, match=r"Muon only supports 2D parameters"):
        npgrad.optim.Muon([npgrad.nn.Parameter(npgrad.ones(3))])
    p = npgrad.nn.Parameter(npgrad.ones(2, 2))
    opt = npgrad.optim.Muon([p], ns_steps=100)
    p.grad = npgrad.ones(2, 2)
    with pytest.raises(ValueError, match="less than 100"):
        opt.step()


def test_swap_in_optimizer_params_and_state_as_torch():
    """Inside the block a step updates the swapped-in parameters and state in place; after
    it the live optimizer, its parameters and its state are as before."""
    results = []
    for lib in (npgrad, torch):
        model = lib.nn.Linear(3, 2)
        with lib.no_grad():
            model.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3), dtype=lib.float32))
            model.bias.copy_(lib.tensor([0.5, -0.5]))
        opt = lib.optim.Adam(model.parameters(), lr=0.1)
        model(lib.ones(4, 3)).sum().backward()
        opt.step()
        live = {k: v.detach().clone() for k, v in model.named_parameters()}
        live_state = {k: v.clone() for k, v in opt.state[model.weight].items()}
        swap_params = {k: v.detach().clone() * 2 for k, v in model.named_parameters()}
        for p in swap_params.values():
            p.grad = lib.ones(p.shape)
        sd = copy.deepcopy(opt.state_dict())   # torch's state_dict shares the live tensors
        sd["param_groups"][0]["lr"] = 0.5
        with lib.optim.swap_in_optimizer_params_and_state(opt, swap_params, sd):
            assert opt.param_groups[0]["lr"] == 0.5
            opt.step()
        assert opt.param_groups[0]["lr"] == 0.1
        assert opt.param_groups[0]["params"][0] is model.weight
        for k, v in model.named_parameters():
            np.testing.assert_array_equal(v.detach().numpy(), live[k].numpy())
        for k, v in opt.state[model.weight].items():
            np.testing.assert_array_equal(v.numpy(), live_state[k].numpy())
        results.append([swap_params["weight"].numpy().copy(),
                        sd["state"][0]["exp_avg"].numpy().copy(), float(sd["state"][0]["step"])])
        with pytest.raises(RuntimeError, match="different number of parameter groups"):
            with lib.optim.swap_in_optimizer_params_and_state(opt, swap_params,
                                                              {"state": {}, "param_groups": []}):
                pass
        bad = opt.state_dict()
        del bad["param_groups"][0]["eps"]
        with pytest.raises(RuntimeError, match=r"Keys only in live: \['eps'\]"):
            with lib.optim.swap_in_optimizer_params_and_state(opt, swap_params, bad):
                pass
    (w_o, m_o, s_o), (w_t, m_t, s_t) = results
    np.testing.assert_allclose(w_o, w_t, rtol=1e-6)
    np.testing.assert_allclose(m_o, m_t, rtol=1e-6)
    assert s_o == s_t == 2.0


@pytest.mark.parametrize("name", [n for n in ALL if n not in ("LBFGS", "SparseAdam")])
def test_tensor_lr_as_torch(name):
    """A learning rate given as a 1-element tensor (schedulers may set one) steps as the
    float does."""
    pair = Pair(name, dict(lr=0.02, weight_decay=0.1) if name not in ("Rprop",) else
                dict(lr=0.02))
    for group in pair.opt_o.param_groups:
        group["lr"] = npgrad.tensor(0.02, dtype=npgrad.float64)
    for group in pair.opt_t.param_groups:
        group["lr"] = torch.tensor(0.02, dtype=torch.float64)
    pair.step(6)
    pair.assert_same(tolerance(name, "float32"))
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        getattr(npgrad.optim, name)(pair.ours, lr=npgrad.ones(2))


@pytest.mark.parametrize("name", [n for n in ALL if n not in ("LBFGS", "SparseAdam")])
def test_group_added_after_construction_steps_as_torch(name):
    """``add_param_group`` mid-training (Adagrad creates its state eagerly, for the
    constructor's groups only)."""
    pair = Pair(name, dict(lr=0.02))
    pair.step(2)
    extra_o = npgrad.nn.Parameter(npgrad.ones(2, 3))
    extra_t = torch.nn.Parameter(torch.ones(2, 3))
    pair.opt_o.add_param_group({"params": [extra_o], "lr": 0.05})
    pair.opt_t.add_param_group({"params": [extra_t], "lr": 0.05})
    pair.ours.append(extra_o)
    pair.theirs.append(extra_t)
    pair.shapes.append((2, 3))
    pair.step(3, start=2)
    pair.assert_same(tolerance(name, "float32"))
    assert sorted(pair.opt_o.state_dict()["state"]) == sorted(pair.opt_t.state_dict()["state"])


def test_zero_grad_keeping_tensors_as_torch():
    """``zero_grad(set_to_none=False)`` zeroes in place and takes the gradient out of any
    graph (one built with ``create_graph=True``)."""
    for lib in (npgrad, torch):
        w = lib.nn.Parameter(lib.ones(2))
        (w * w).sum().backward(create_graph=True)
        grad = w.grad
        assert grad.grad_fn is not None
        lib.optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
        assert w.grad is grad and grad.grad_fn is None and not grad.requires_grad
        assert grad.tolist() == [0.0, 0.0]


DIFFERENTIABLE = [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.1)), ("Adam", dict(lr=0.1, maximize=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.1, betas=(0.8, 0.9))),
    ("Adamax", dict(lr=0.1, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True,
                                                 weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, maximize=True, initial_accumulator_value=0.2)),
    ("Adadelta", dict(lr=1.0)), ("Adadelta", dict(lr=0.5, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", DIFFERENTIABLE)
def test_differentiable_step_backpropagates_as_torch(name, kwargs):
    """``differentiable=True`` on a non-leaf parameter: three steps are recorded, and a loss
    of the result backpropagates to the leaf it came from (through the gradients, which
    depend on the parameter, and the optimizer's state) as PyTorch's."""
    def run(lib):
        w = lib.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
        p = w.clone()
        opt = getattr(lib.optim, name)([p], differentiable=True, **kwargs)
        for k in range(3):
            p.grad = 3 * p + (k + 1)
            opt.step()
        try:
            (p * p * p).sum().backward()
        except RuntimeError as e:
            # Adamax's and momentum RMSprop's steps modify in place a tensor a previous
            # step saved: PyTorch's backward refuses them, and so must npgrad's
            assert "modified by an inplace operation" in str(e)
            return "refused"
        return p.detach().numpy(), w.grad.numpy()
    ours, theirs = run(npgrad), run(torch)
    if theirs == "refused":
        assert ours == "refused"
        return
    (p_o, g_o), (p_t, g_t) = ours, theirs
    np.testing.assert_allclose(p_o, p_t, rtol=1e-7)
    np.testing.assert_allclose(g_o, g_t, rtol=1e-6)


def test_differentiable_without_a_recorded_update_is_refused():
    p = npgrad.ones(2, requires_grad=True) * 2
    opt = npgrad.optim.NAdam([p], differentiable=True)
    p.grad = npgrad.ones(2)
    with pytest.raises(NotImplementedError, match="differentiable=True through a non-leaf"):
        opt.step()
    assert p.tolist() == [2.0, 2.0]
