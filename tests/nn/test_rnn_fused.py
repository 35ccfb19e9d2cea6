"""The fused recurrence (ops/nn/rnn.py): first derivatives (NumPy backward through time) and
second derivatives (the same formulas on Tensors under create_graph) against finite
differences, for every cell, both directions, with and without biases, on packed batches
(rows that stop early), and the one-step cells; values against the cell written as
ordinary ops. (nn.RNN/LSTM/GRU and the cells are compared with PyTorch in test_layers.py and
the op specs.)"""
from __future__ import annotations

import numpy as np
import pytest

import npgrad
from npgrad.ops.nn import rnn as cells

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
H, N, L = 2, 3, 3


def _inputs(mode: str, bias: bool, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    g = GATES[mode] * H

    def t(*shape):
        return npgrad.tensor(rng.uniform(-1, 1, shape), dtype=npgrad.float64,
                             requires_grad=True)
    xs = [t(L, N, g), t(N, H)] + ([t(N, H)] if mode == "LSTM" else []) + [t(g, H)]
    return xs + ([t(g)] if bias else [])


def _sequence(mode: str, bias: bool, reverse: bool, sizes):
    def f(proj, *rest):
        state, w = rest[:-2 if bias else -1], rest[-2 if bias else -1]
        hs, final = cells.recurrence(mode, proj, tuple(state), w, rest[-1] if bias else None,
                                     reverse, sizes)
        return (hs,) + tuple(final)
    return f


CASES = [(mode, bias, reverse, sizes) for mode in GATES for bias in (True, False)
         for reverse in (False, True) for sizes in (None, np.array([3, 2, 1]))]


@pytest.mark.parametrize("mode,bias,reverse,sizes", CASES)
def test_gradcheck(mode, bias, reverse, sizes):
    f = _sequence(mode, bias, reverse, sizes)
    assert npgrad.autograd.gradcheck(f, _inputs(mode, bias))


@pytest.mark.parametrize("mode,bias,reverse,sizes",
                         [c for c in CASES if c[1] and (c[2] or c[3] is None)])
def test_gradgradcheck(mode, bias, reverse, sizes):
    f = _sequence(mode, bias, reverse, sizes)
    assert npgrad.autograd.gradgradcheck(f, _inputs(mode, bias, seed=1))


def _by_ops(mode, x, state, w_ih, w_hh, b_ih, b_hh):
    """One step written as ordinary ops (the cell before it was fused)."""
    xp, hp = x @ w_ih.mT + b_ih, state[0] @ w_hh.mT + b_hh
    if mode == "RNN_TANH":
        return (npgrad.tanh(xp + hp),)
    if mode == "RNN_RELU":
        return (npgrad.relu(xp + hp),)
    if mode == "LSTM":
        i, f, g, o = (xp + hp).chunk(4, -1)
        c = npgrad.sigmoid(f) * state[1] + npgrad.sigmoid(i) * npgrad.tanh(g)
        return npgrad.sigmoid(o) * npgrad.tanh(c), c
    xr, xz, xn = xp.chunk(3, -1)
    hr, hz, hn = hp.chunk(3, -1)
    r, z = npgrad.sigmoid(xr + hr), npgrad.sigmoid(xz + hz)
    n = npgrad.tanh(xn + r * hn)
    return ((1 - z) * n + z * state[0],)


@pytest.mark.parametrize("mode", sorted(GATES))
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_the_cell_written_as_ops(mode, batched):
    rng = np.random.default_rng(2)
    g = GATES[mode] * 5

    def t(*shape):
        return npgrad.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
    lead = (N,) if batched else ()
    x, w_ih, w_hh, b_ih, b_hh = t(*lead, 4), t(g, 4), t(g, 5), t(g), t(g)
    state = (t(*lead, 5), t(*lead, 5)) if mode == "LSTM" else (t(*lead, 5),)
    fn = {"RNN_TANH": npgrad.rnn_tanh_cell, "RNN_RELU": npgrad.rnn_relu_cell,
          "LSTM": npgrad.lstm_cell, "GRU": npgrad.gru_cell}[mode]
    ours = fn(x, state if mode == "LSTM" else state[0], w_ih, w_hh, b_ih, b_hh)
    ours = ours if isinstance(ours, tuple) else (ours,)
    ref = _by_ops(mode, x, state, w_ih, w_hh, b_ih, b_hh)
    leaves = [x, w_ih, w_hh, b_ih, b_hh, *state]
    g1 = npgrad.autograd.grad(sum((o * o).sum() for o in ours), leaves)
    g2 = npgrad.autograd.grad(sum((o * o).sum() for o in ref), leaves)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6,
                                   atol=1e-6)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-5)


def test_a_bfloat16_lstm_runs_in_float32_and_gives_bfloat16_gradients():
    m = npgrad.nn.LSTM(3, 4).to(npgrad.bfloat16)
    x = npgrad.randn(5, 2, 3).to(npgrad.bfloat16).requires_grad_()
    out, (h, c) = m(x)
    assert out.dtype == h.dtype == c.dtype == npgrad.bfloat16
    out.float().sum().backward()
    assert x.grad.dtype == m.weight_hh_l0.grad.dtype == npgrad.bfloat16
    ref = npgrad.nn.LSTM(3, 4)
    ref.load_state_dict({k: v.float() for k, v in m.state_dict().items()})
    np.testing.assert_allclose(out.float().detach().numpy(),
                               ref(x.detach().float())[0].detach().numpy(), atol=0.05)


@pytest.mark.parametrize("second_order", [False, True])
@pytest.mark.parametrize("sizes", [None, np.array([3, 2, 1])])
def test_lstm_with_a_projection(second_order, sizes):
    rng = np.random.default_rng(3)

    def t(*shape):
        return npgrad.tensor(rng.uniform(-1, 1, shape), dtype=npgrad.float64,
                             requires_grad=True)

    def f(proj, h0, c0, w_hh, b_hh, w_hr):
        hs, final = cells.recurrence("LSTM", proj, (h0, c0), w_hh, b_hh, True, sizes, w_hr)
        return (hs,) + tuple(final)
    xs = [t(L, N, 4 * 3), t(N, 2), t(N, 3), t(4 * 3, 2), t(4 * 3), t(2, 3)]
    check = npgrad.autograd.gradgradcheck if second_order else npgrad.autograd.gradcheck
    assert check(f, xs)
