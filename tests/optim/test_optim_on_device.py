"""Every optimizer, every lr scheduler stepping one, and gradient clipping, on the fake CUDA
device (``tests/fake_cuda.py``) and on the CPU from the same weights and batches (issue #20:
"the nn/optim tests run on that device as well as on the CPU").

A few training steps of a small model on each device, then parameters, optimizer state and
learning rates equal the CPU's (the op harness's float64 tolerances); every parameter,
gradient and state tensor is a CUDA tensor, except the 0-d counters PyTorch itself keeps on
the host (``step``, ``mu_product``; ASGD's ``eta`` and ``mu``, which npgrad keeps there so
that reading them costs no device round-trip); and the training step (forward, backward,
clipping, optimizer step) makes no copy of device data to the host and no result sized by
the data (:func:`host_copies_forbidden`). The tests at the end keep the tables complete.
"""
from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest

import npgrad as torch
from npgrad import nn, optim
from npgrad.optim import lr_scheduler, swa_utils

from ..fake_cuda import default_dtype, fake_cuda, host_copies_forbidden

ATOL, RTOL = 1e-7, 1e-6  # the op harness's float64 tolerances
HOST_STATE = {"step", "mu_product"}  # PyTorch keeps these 0-d counters on the CPU

# name -> (make(params), extra host-kept state keys)
OPTIMIZERS = {
    "SGD": (lambda p: optim.SGD(p, lr=0.1), ()),
    "SGD-momentum": (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                         weight_decay=0.01), ()),
    "SGD-dampening-maximize": (lambda p: optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3,
                                                   maximize=True), ()),
    "Adam": (lambda p: optim.Adam(p, lr=0.01), ()),
    "Adam-amsgrad": (lambda p: optim.Adam(p, lr=0.01, amsgrad=True, weight_decay=0.01), ()),
    "AdamW": (lambda p: optim.AdamW(p, lr=0.01, amsgrad=True), ()),
    "Adamax": (lambda p: optim.Adamax(p, lr=0.01, weight_decay=0.01), ()),
    "NAdam": (lambda p: optim.NAdam(p, lr=0.01, weight_decay=0.01,
                                    decoupled_weight_decay=True), ()),
    "RAdam": (lambda p: optim.RAdam(p, lr=0.01, weight_decay=0.01), ()),
    "Adagrad": (lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01,
                                        initial_accumulator_value=0.1), ()),
    "Adadelta": (lambda p: optim.Adadelta(p, lr=1.0, weight_decay=0.01), ()),
    "Adafactor": (lambda p: optim.Adafactor(p, lr=0.01, weight_decay=0.01), ()),
    "ASGD": (lambda p: optim.ASGD(p, lr=0.05, t0=1), ("eta", "mu")),
    "RMSprop": (lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.9), ()),
    "Rprop": (lambda p: optim.Rprop(p, lr=0.01), ()),
    "Muon": (lambda p: optim.Muon([q for q in p if q.ndim == 2], lr=0.02), ()),
    "LBFGS": (lambda p: optim.LBFGS(p, lr=0.5, max_iter=4, history_size=3), ()),
    "LBFGS-strong-wolfe": (lambda p: optim.LBFGS(p, lr=1, max_iter=4,
                                                 line_search_fn="strong_wolfe"), ()),
}

# PyTorch's LBFGS reads the loss and the gradient's size on the host to decide when to stop
# and how far to search: its step waits for the device by design.
SYNCS_BY_DESIGN = {"LBFGS", "LBFGS-strong-wolfe"}

# name -> make(optimizer); ReduceLROnPlateau steps on the loss
SCHEDULERS = {
    "StepLR": lambda o: lr_scheduler.StepLR(o, 2, gamma=0.5),
    "MultiStepLR": lambda o: lr_scheduler.MultiStepLR(o, [1, 3], gamma=0.5),
    "ConstantLR": lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=2),
    "LinearLR": lambda o: lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=3),
    "ExponentialLR": lambda o: lr_scheduler.ExponentialLR(o, 0.9),
    "PolynomialLR": lambda o: lr_scheduler.PolynomialLR(o, total_iters=4, power=2.0),
    "CosineAnnealingLR": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=3),
    "CosineAnnealingWarmRestarts": lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, 2),
    "CyclicLR": lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2),
    "OneCycleLR": lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10),
    "LambdaLR": lambda o: lr_scheduler.LambdaLR(o, lambda e: 0.9 ** e),
    "MultiplicativeLR": lambda o: lr_scheduler.MultiplicativeLR(o, lambda e: 0.95),
    "SequentialLR": lambda o: lr_scheduler.SequentialLR(
        o, [lr_scheduler.ConstantLR(o, 0.5, total_iters=2), lr_scheduler.ExponentialLR(o, 0.9)],
        milestones=[2]),
    "ChainedScheduler": lambda o: lr_scheduler.ChainedScheduler(
        [lr_scheduler.StepLR(o, 2, gamma=0.5), lr_scheduler.ExponentialLR(o, 0.9)]),
    "ReduceLROnPlateau": lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=0, factor=0.5),
    "SWALR": lambda o: swa_utils.SWALR(o, swa_lr=0.05, anneal_epochs=2),
}


@pytest.fixture(autouse=True)
def float64():
    with default_dtype(torch.float64):
        yield


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))


def _batches(n: int) -> list:
    rng = np.random.default_rng(3)
    return [(rng.standard_normal((6, 4)), rng.standard_normal((6, 3))) for _ in range(n)]


def _on(device: str, batch) -> tuple:
    return tuple(torch.tensor(a, device=device) for a in batch)


def _closure(model, opt, x, y):
    def closure():
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        return loss
    return closure


def _train(model, opt, device: str, batches, scheduler=None, clip=None, forbid=False) -> list:
    """Steps over ``batches`` (with host copies forbidden in each training step if
    ``forbid``); the learning rates after each scheduler step."""
    lrs = []
    for batch in batches:
        x, y = _on(device, batch)
        with host_copies_forbidden() if forbid else _nothing():
            loss = opt.step(_closure(model, opt, x, y)) if isinstance(opt, optim.LBFGS) else \
                _plain_step(model, opt, x, y, clip)
        if scheduler is not None:
            if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
                scheduler.step(loss)  # (reads the loss, as PyTorch's float(metrics))
            else:
                with host_copies_forbidden() if forbid else _nothing():
                    scheduler.step()
            lrs.append([g["lr"] for g in opt.param_groups])
    return lrs


def _plain_step(model, opt, x, y, clip):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    if clip is not None:
        clip(model.parameters())
    opt.step()
    return loss


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _same(ours, cpu, what: str) -> None:
    assert ours.device.type == "cuda", f"{what} is on {ours.device}"
    np.testing.assert_allclose(ours.detach().cpu().numpy(), cpu.detach().numpy(), atol=ATOL,
                               rtol=RTOL, err_msg=what)


def _check_model(dev_model, cpu_model, label: str) -> None:
    for (name, p), (_, q) in zip(dev_model.named_parameters(), cpu_model.named_parameters()):
        _same(p, q, f"{label}: parameter {name}")
        if q.grad is not None:
            _same(p.grad, q.grad, f"{label}: grad of {name}")


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_steps_on_the_device_as_on_the_cpu(name):
    make, host_keys = OPTIMIZERS[name]
    cpu_model = _model()
    batches = _batches(3)
    with fake_cuda():
        dev_model = copy.deepcopy(cpu_model).to("cuda")
        cpu_opt, dev_opt = make(list(cpu_model.parameters())), make(list(dev_model.parameters()))
        _train(cpu_model, cpu_opt, "cpu", batches)
        _train(dev_model, dev_opt, "cuda", batches, forbid=name not in SYNCS_BY_DESIGN)
        _check_model(dev_model, cpu_model, name)
        cpu_params = list(cpu_model.parameters())
        for k, p in enumerate(dev_model.parameters()):
            state, expected = dev_opt.state.get(p, {}), cpu_opt.state.get(cpu_params[k], {})
            assert sorted(state) == sorted(expected), name
            for key, value in state.items():
                host = key in HOST_STATE or key in host_keys
                _same_state(value, expected[key], host, f"{name}: state {key} of parameter {k}")


def _same_state(value, expected, host: bool, what: str) -> None:
    """A state entry (a tensor, a number, or a list of them: LBFGS's history) as the CPU's;
    tensors on the device unless ``host``."""
    if isinstance(value, (list, tuple)):
        assert len(value) == len(expected), what
        for k, (v, e) in enumerate(zip(value, expected)):
            _same_state(v, e, host, f"{what}[{k}]")
    elif not isinstance(value, torch.Tensor):
        assert not isinstance(expected, torch.Tensor), what
        np.testing.assert_allclose(value, expected, atol=ATOL, rtol=RTOL, err_msg=what)
    elif host:
        assert value.device.type == "cpu", f"{what} is on {value.device}"
        np.testing.assert_allclose(value.numpy(), expected.numpy(), err_msg=what)
    else:
        _same(value, expected, what)


def test_sparse_adam_refuses_dense_gradients_on_the_device_too():
    """npgrad has no sparse tensors: SparseAdam's step refuses every (dense) gradient with
    PyTorch's error, on the device as on the CPU, and leaves the weight as it was."""
    torch.manual_seed(0)
    with fake_cuda():
        model = nn.Embedding(10, 3, sparse=True).to("cuda")
        before = model.weight.detach().clone()
        opt = optim.SparseAdam(list(model.parameters()), lr=0.1)
        model(torch.tensor([1, 4, 4], device="cuda")).sum().backward()
        with pytest.raises(RuntimeError, match="does not support dense gradients"):
            opt.step()
        _same(model.weight, before.cpu(), "SparseAdam: weight")


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_steps_an_optimizer_on_the_device_as_on_the_cpu(name):
    cpu_model = _model()
    batches = _batches(4)
    with fake_cuda():
        dev_model = copy.deepcopy(cpu_model).to("cuda")
        runs = []
        for model, device in ((cpu_model, "cpu"), (dev_model, "cuda")):
            opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            runs.append(_train(model, opt, device, batches, SCHEDULERS[name](opt),
                               forbid=device == "cuda"))
        np.testing.assert_allclose(np.array(runs[1], float), np.array(runs[0], float))
        _check_model(dev_model, cpu_model, name)


CLIPS = {
    "clip_grad_norm_": lambda ps: nn.utils.clip_grad_norm_(ps, 0.05),
    "clip_grad_norm_-inf": lambda ps: nn.utils.clip_grad_norm_(ps, 0.05, norm_type="inf"),
    "clip_grad_norm_-1-foreach": lambda ps: nn.utils.clip_grad_norm_(ps, 0.1, 1.0,
                                                                     foreach=True),
    "clip_grad_value_": lambda ps: nn.utils.clip_grad_value_(ps, 0.01),
}


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_gradient_clipping_stays_on_the_device(name):
    """Clipping inside the training step: its total norm is a device tensor (as PyTorch's),
    and nothing of it is read on the host."""
    cpu_model = _model()
    (batch,) = _batches(1)
    with fake_cuda():
        dev_model = copy.deepcopy(cpu_model).to("cuda")
        norms = []
        for model, device in ((cpu_model, "cpu"), (dev_model, "cuda")):
            x, y = _on(device, batch)
            with host_copies_forbidden() if device == "cuda" else _nothing():
                nn.functional.mse_loss(model(x), y).backward()
                norms.append(CLIPS[name](list(model.parameters())))
        if norms[0] is not None:
            _same(norms[1], norms[0], f"{name}: total norm")
        _check_model(dev_model, cpu_model, name)


def test_every_optimizer_and_scheduler_is_here():
    optimizers = {n for n, c in vars(optim).items()
                  if inspect.isclass(c) and issubclass(c, optim.Optimizer)} - {"Optimizer"}
    assert optimizers <= {n.split("-")[0] for n in OPTIMIZERS} | {"SparseAdam"}
    schedulers = {n for n, c in vars(lr_scheduler).items() if inspect.isclass(c) and (
        issubclass(c, lr_scheduler.LRScheduler) or n == "ReduceLROnPlateau")}
    schedulers |= {"SWALR"}
    assert schedulers - {"LRScheduler"} == set(SCHEDULERS)


class _TinyLM(nn.Module):
    """Embedding, a transformer block with dropout, weight-tied head: a char-GPT in small."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(11, 8)
        self.pos = nn.Parameter(torch.randn(6, 8) * 0.1)
        self.block = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, activation="gelu",
                                                batch_first=True, norm_first=True)
        self.norm = nn.LayerNorm(8)

    def forward(self, idx):
        x = self.emb(idx) + self.pos[:idx.shape[1]]
        mask = nn.Transformer.generate_square_subsequent_mask(idx.shape[1]).to(x.device)
        x = self.norm(self.block(x, src_mask=mask, is_causal=True))
        return x @ self.emb.weight.T


def _tiny_cnn() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Dropout(0.2), nn.Flatten(), nn.Linear(16, 3))


@pytest.mark.parametrize("which", ["cnn", "lm"])
def test_a_whole_training_step_reads_nothing_on_the_host(which):
    """Forward with dropout, cross-entropy, backward, clipping and AdamW with a scheduler:
    no copy of device data to the host, and everything stays on the device."""
    torch.manual_seed(0)
    with fake_cuda():
        model = (_tiny_cnn() if which == "cnn" else _TinyLM()).to("cuda")
        opt = optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)
        sched = lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=5)
        rng = np.random.default_rng(0)
        for _ in range(3):
            if which == "cnn":
                x = torch.tensor(rng.standard_normal((4, 1, 4, 4)), device="cuda")
                y = torch.tensor(rng.integers(0, 3, 4), device="cuda")
            else:
                x = torch.tensor(rng.integers(0, 11, (2, 6)), device="cuda")
                y = torch.tensor(rng.integers(0, 11, (2, 6)), device="cuda")
            with host_copies_forbidden():
                logits = model(x)
                loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                   y.reshape(-1))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
            assert loss.device.type == norm.device.type == "cuda"
        for p in model.parameters():
            assert p.device.type == "cuda" and p.grad.device.type == "cuda"
            assert all(v.device.type == "cuda" for k, v in opt.state[p].items()
                       if isinstance(v, torch.Tensor) and k not in HOST_STATE)
        assert np.isfinite(loss.item())
