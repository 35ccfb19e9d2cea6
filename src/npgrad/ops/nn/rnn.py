"""One step of a recurrent cell, as PyTorch's top-level ``rnn_tanh_cell``, ``rnn_relu_cell``,
``lstm_cell`` and ``gru_cell`` (what ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell`` call).

Composites of matmuls and gates, so backward (and backward of backward) is the engine's. Gate
order is PyTorch's: LSTM (input, forget, cell, output), GRU (reset, update, new).
"""
from __future__ import annotations

from .._arguments import Tensor, named_errors
from ..elementwise.trig import sigmoid, tanh
from .activation import relu

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]


def _affine(x: Tensor, w: Tensor, b) -> Tensor:
    """``x @ w.T + b`` (``b`` may be None)."""
    out = x @ w.mT
    return out if b is None else out + b


@named_errors("rnn_tanh_cell")
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    """``tanh(W_ih x + b_ih + W_hh h + b_hh)``."""
    return tanh(_affine(input, w_ih, b_ih) + _affine(hx, w_hh, b_hh))


@named_errors("rnn_relu_cell")
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    """``relu(W_ih x + b_ih + W_hh h + b_hh)``."""
    return relu(_affine(input, w_ih, b_ih) + _affine(hx, w_hh, b_hh))


@named_errors("lstm_cell")
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> tuple:
    """One LSTM step: ``hx`` is ``(h, c)``; returns the new ``(h, c)``."""
    h, c = hx
    i, f, g, o = (_affine(input, w_ih, b_ih) + _affine(h, w_hh, b_hh)).chunk(4, -1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    return sigmoid(o) * tanh(c), c


@named_errors("gru_cell")
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    """One GRU step: ``n = tanh(x_n + r * h_n)``, ``h' = (1 - z) n + z h``."""
    xr, xz, xn = _affine(input, w_ih, b_ih).chunk(3, -1)
    hr, hz, hn = _affine(hx, w_hh, b_hh).chunk(3, -1)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    n = tanh(xn + r * hn)
    return (1 - z) * n + z * hx
