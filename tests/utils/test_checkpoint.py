"""npgrad.utils.checkpoint: gradients equal to the plain call's in both modes, dropout
recomputed with the same mask, PyTorch's errors and warnings, and the memory it saves."""
from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

import npgrad
import npgrad.nn as nn
from npgrad.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential

MODES = [True, False]


def _model():
    npgrad.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 8),
                         nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))


def _grads(model, x, call):
    """Parameter and input gradients of ``call()`` (from the same random state), and the
    number drawn right after backward (the random stream must go on as without recompute)."""
    model.zero_grad()
    x.grad = None
    npgrad.manual_seed(1)
    out = call()
    (out ** 2).sum().backward()
    after = float(npgrad.rand(1))
    return [p.grad.numpy().copy() for p in model.parameters()] + [x.grad.numpy().copy()], after


def _same(a, b):
    return all(np.allclose(u, v, rtol=1e-6, atol=1e-7) for u, v in zip(a, b))


@pytest.mark.parametrize("reentrant", MODES)
def test_gradients_equal_the_plain_call_with_dropout(reentrant):
    model, x = _model(), npgrad.randn(6, 4, requires_grad=True)
    plain, after = _grads(model, x, lambda: model(x))
    ckpt, after_ckpt = _grads(model, x, lambda: checkpoint(model, x, use_reentrant=reentrant))
    assert _same(plain, ckpt)
    assert after_ckpt == after  # recomputing drew no numbers of the caller's stream


@pytest.mark.parametrize("reentrant", MODES)
@pytest.mark.parametrize("segments", [1, 2, 3, 7])
def test_checkpoint_sequential_gradients(reentrant, segments):
    model, x = _model(), npgrad.randn(6, 4, requires_grad=True)
    plain, _ = _grads(model, x, lambda: model(x))
    ckpt, _ = _grads(model, x, lambda: checkpoint_sequential(model, segments, x,
                                                             use_reentrant=reentrant))
    assert _same(plain, ckpt)
    listed, _ = _grads(model, x, lambda: checkpoint_sequential(list(model), segments, x,
                                                               use_reentrant=reentrant))
    assert _same(plain, listed)


@pytest.mark.parametrize("reentrant", MODES)
def test_without_preserving_the_rng_state_dropout_draws_a_new_mask(reentrant):
    model, x = _model(), npgrad.randn(6, 4, requires_grad=True)
    plain, _ = _grads(model, x, lambda: model(x))
    other, _ = _grads(model, x, lambda: checkpoint(model, x, use_reentrant=reentrant,
                                                   preserve_rng_state=False))
    assert not _same(plain, other)


@pytest.mark.parametrize("reentrant", MODES)
def test_recomputes_once_in_backward(reentrant):
    calls = []

    def f(a, b):
        calls.append(1)
        return (a * b).sin(), a.exp()
    a = npgrad.randn(3, requires_grad=True)
    b = npgrad.randn(3, requires_grad=True)
    s, e = checkpoint(f, a, b, use_reentrant=reentrant)
    assert len(calls) == 1
    (s.sum() + e.sum()).backward()
    assert len(calls) == 2
    ga = (a * b).cos() * b + a.exp()
    assert np.allclose(a.grad.numpy(), ga.detach().numpy())
    assert np.allclose(b.grad.numpy(), ((a * b).cos() * a).detach().numpy())


def test_non_reentrant_works_with_autograd_grad_kwargs_and_double_backward():
    lin = nn.Linear(3, 3)
    x = npgrad.randn(2, 3, requires_grad=True)

    def f(x, scale=1.0):
        return lin(x).tanh() * scale
    y = checkpoint(f, x, scale=2.0, use_reentrant=False)
    (gx,) = npgrad.autograd.grad(y.sum(), x, create_graph=True)
    (gx_plain,) = npgrad.autograd.grad(f(x, scale=2.0).sum(), x, create_graph=True)
    assert gx.requires_grad and np.allclose(gx.detach().numpy(), gx_plain.detach().numpy())
    # a gradient penalty: backward through the gradient
    (gx ** 2).sum().backward()
    penalty_grad = lin.weight.grad.numpy().copy()
    lin.zero_grad()
    (gx_plain ** 2).sum().backward()
    assert np.allclose(penalty_grad, lin.weight.grad.numpy())


def test_non_reentrant_reaches_parameters_when_no_input_requires_grad():
    lin = nn.Linear(3, 2)
    y = checkpoint(lin, npgrad.randn(4, 3), use_reentrant=False)
    assert y.requires_grad
    y.sum().backward()
    assert lin.weight.grad is not None and lin.bias.grad.tolist() == [4.0, 4.0]


def test_non_reentrant_backward_with_inputs():
    lin = nn.Linear(3, 2)
    x = npgrad.randn(4, 3, requires_grad=True)
    checkpoint(lin, x, use_reentrant=False).sum().backward(inputs=[x])
    assert x.grad is not None and lin.weight.grad is None


def test_reentrant_rules_as_pytorch():
    x = npgrad.randn(3, requires_grad=True)
    y = checkpoint(npgrad.sin, x, use_reentrant=True).sum()
    with pytest.raises(RuntimeError, match=r"When use_reentrant=True, torch.utils.checkpoint "
                                           r"is incompatible with \.grad\(\)"):
        npgrad.autograd.grad(y, x)
    with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
        checkpoint(npgrad.sin, x, use_reentrant=True, foo=1)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        out = checkpoint(nn.Linear(3, 3), npgrad.randn(2, 3), use_reentrant=True)
    assert not out.requires_grad  # as PyTorch: the parameters get no gradient this way
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        checkpoint(npgrad.sin, x)


def test_under_no_grad_it_is_a_plain_call():
    with npgrad.no_grad():
        y = checkpoint(npgrad.exp, npgrad.zeros(2, requires_grad=True), use_reentrant=False)
    assert y.tolist() == [1.0, 1.0] and not y.requires_grad


def test_unsupported_options_are_refused_not_ignored():
    x = npgrad.randn(2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="context_fn is not supported"):
        checkpoint(npgrad.sin, x, use_reentrant=False, context_fn=lambda: (None, None))
    with pytest.raises(ValueError, match="determinism_check should be one of"):
        checkpoint(npgrad.sin, x, use_reentrant=False, determinism_check="strict")
    with pytest.raises(ValueError, match="only supported when use_reentrant=False"):
        checkpoint(npgrad.sin, x, use_reentrant=True, debug=True)


@pytest.mark.parametrize("reentrant", MODES)
def test_a_recomputation_that_differs_is_an_error(reentrant):
    runs = []

    def f(x):
        runs.append(1)
        return x[: len(runs)] * 2
    y = checkpoint(f, npgrad.randn(4, requires_grad=True), use_reentrant=reentrant)
    with pytest.raises(CheckpointError, match="different metadata"):
        y.sum().backward()


def _deep(width: int = 256, depth: int = 24):
    npgrad.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    return nn.Sequential(*layers)


def _memory(run):
    """Bytes allocated (tracemalloc, which sees NumPy's buffers) still held after the forward
    pass, and the peak over forward and backward."""
    tracemalloc.start()
    try:
        out = run()
        after_forward, _ = tracemalloc.get_traced_memory()
        out.sum().backward()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return after_forward, peak


@pytest.mark.parametrize("reentrant", MODES)
def test_checkpointing_saves_memory(reentrant):
    """24 Linear+Tanh layers on a 256x256 batch keep ~24 activations (256 KiB each) for
    backward; in 6 checkpointed segments only the segments' inputs and the last segment's
    activations remain, and the peak over backward is lower too."""
    model = _deep()
    x = npgrad.randn(256, 256, requires_grad=True)
    plain_after, plain_peak = _memory(lambda: model(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ckpt_after, ckpt_peak = _memory(
            lambda: checkpoint_sequential(model, 6, x, use_reentrant=reentrant))
    assert ckpt_after < 0.5 * plain_after
    assert ckpt_peak < 0.75 * plain_peak
