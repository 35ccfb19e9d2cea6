"""Module harness: the same layer built in npgrad and in PyTorch, PyTorch's weights copied
into npgrad (which also checks that state_dict keys and shapes agree), then outputs and every
parameter and input gradient compared, in train and eval mode, in float32 and float64."""
from __future__ import annotations

import numpy as np
import torch

import npgrad


def to_npgrad(x):
    if isinstance(x, torch.Tensor):
        return npgrad.tensor(x.detach().numpy(), requires_grad=x.requires_grad)
    return x


def copy_weights(ours, theirs) -> None:
    sd_t = theirs.state_dict()
    sd_o = ours.state_dict()
    assert list(sd_o) == list(sd_t), f"state_dict keys {list(sd_o)} != torch {list(sd_t)}"
    for k in sd_t:
        assert tuple(sd_o[k].shape) == tuple(sd_t[k].shape), k
    ours.load_state_dict({k: npgrad.tensor(v.detach().numpy()) for k, v in sd_t.items()})


def _flat(out):
    if isinstance(out, (tuple, list)):
        items = []
        for o in out:
            items.extend(_flat(o))
        return items
    return [out] if out is not None else []


def check_module(make, inputs, dtype: str = "float32", modes=("train", "eval"),
                 atol: float = 1e-5, rtol: float = 1e-4, seed: int = 0) -> None:
    """``make(lib)`` builds the layer; ``inputs(lib, rng)`` gives the forward arguments."""
    if dtype == "float64":
        atol, rtol = 1e-10, 1e-8
    torch.manual_seed(seed)
    theirs = make(torch).to(getattr(torch, dtype))
    ours = make(npgrad).to(getattr(npgrad, dtype))
    copy_weights(ours, theirs)
    for mode in modes:
        getattr(theirs, mode)()
        getattr(ours, mode)()
        rng = np.random.default_rng(seed)
        args_t = inputs(torch, rng, dtype)
        rng = np.random.default_rng(seed)
        args_o = inputs(npgrad, rng, dtype)
        outs_t = _flat(theirs(*args_t))
        outs_o = _flat(ours(*args_o))
        assert len(outs_o) == len(outs_t)
        loss_t, loss_o = 0, 0
        grng = np.random.default_rng(seed + 1)
        for o, t in zip(outs_o, outs_t):
            assert tuple(o.shape) == tuple(t.shape), f"{mode}: {tuple(o.shape)} vs {t.shape}"
            np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), atol=atol,
                                       rtol=rtol, err_msg=f"{mode} output")
            if t.requires_grad:
                g = grng.standard_normal(tuple(t.shape)).astype(dtype)
                loss_t = loss_t + (t * torch.tensor(g)).sum()
                loss_o = loss_o + (o * npgrad.tensor(g)).sum()
        if isinstance(loss_t, torch.Tensor):
            loss_t.backward()
            loss_o.backward()
        for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            if q.grad is None:
                assert p.grad is None or not p.grad.numpy().any(), name
                continue
            assert p.grad is not None, f"{mode}: no grad for {name}"
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), atol=atol * 10,
                                       rtol=rtol * 10, err_msg=f"{mode} grad {name}")
        for a, b in zip(args_o, args_t):
            if isinstance(b, torch.Tensor) and b.requires_grad:
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=atol * 10,
                                           rtol=rtol * 10, err_msg=f"{mode} input grad")
        # buffers (running stats) must evolve identically
        for (name, b1), (_, b2) in zip(ours.named_buffers(), theirs.named_buffers()):
            np.testing.assert_allclose(b1.numpy(), b2.numpy(), atol=atol, rtol=rtol,
                                       err_msg=f"{mode} buffer {name}")
        ours.zero_grad()
        theirs.zero_grad()


def randn(lib, rng, dtype, *shape, grad=True):
    return lib.tensor(rng.standard_normal(shape).astype(dtype), requires_grad=grad)


def randint(lib, rng, high, *shape):
    return lib.tensor(rng.integers(0, high, shape))
