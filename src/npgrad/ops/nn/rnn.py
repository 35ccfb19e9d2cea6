"""One step of a recurrent cell, as PyTorch's top-level ``rnn_tanh_cell``, ``rnn_relu_cell``,
``lstm_cell`` and ``gru_cell`` (what ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell`` call),
and the whole multi-layer recurrences ``rnn_tanh``, ``rnn_relu``, ``lstm`` and ``gru`` over a
padded sequence with a flat list of weights (PyTorch's functional forms of ``nn.RNN``...).

Composites of matmuls and gates, so backward (and backward of backward) is the engine's. Gate
order is PyTorch's: LSTM (input, forget, cell, output), GRU (reset, update, new).
"""
from __future__ import annotations

from .._arguments import Tensor, float_arg, int_arg, named_errors
from ..elementwise.trig import sigmoid, tanh
from ..shape.joins import cat, stack
from .activation import relu
from .dropout import dropout as _dropout

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell", "rnn_tanh", "rnn_relu",
           "lstm", "gru"]


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


# ---------------------------------------------------------------------------------------------
# Multi-layer recurrences: torch.rnn_tanh / rnn_relu / lstm / gru (padded input only)
# ---------------------------------------------------------------------------------------------

def _recur(op: str, step, input, states: list, params, has_biases: bool, num_layers: int,
           dropout: float, train: bool, bidirectional: bool, batch_first: bool) -> tuple:
    """Run ``step(x_t, state, weights) -> state`` over time, layers and directions.

    ``states``: the initial states, each (num_layers * directions, batch, size); ``params``:
    per layer and direction ``w_ih, w_hh`` (then ``b_ih, b_hh`` with biases, then an LSTM's
    ``w_hr`` projection). Returns the last layer's outputs and each final state, stacked."""
    params = list(params) if isinstance(params, (list, tuple)) else params
    if not isinstance(input, Tensor) or not all(isinstance(s, Tensor) for s in states) or \
            not isinstance(params, list):
        raise TypeError(f"{op}() received an invalid combination of arguments: input, hx and "
                        f"params must be a Tensor, Tensor(s) and a list of Tensors")
    for i, w in enumerate(params):
        if not isinstance(w, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 2, but got "
                            f"{type(w).__name__}")
        if w.dtype != input.dtype:
            raise RuntimeError(f"{op}: weight {i} has dtype {w.dtype}, input {input.dtype}: "
                               f"self and mat2 must have the same dtype")
    num_layers = int_arg(num_layers, op, "num_layers", 5)
    dropout = float_arg(dropout, op, "dropout", 6)
    if input.ndim != 3:
        raise RuntimeError(f"{op}: input must have 3 dimensions, got {input.ndim}")
    dirs = 2 if bidirectional else 1
    params = list(params)
    per = len(params) // max(num_layers * dirs, 1)
    if per * num_layers * dirs != len(params) or per not in (2, 3, 4, 5):
        raise RuntimeError(f"{op}: got {len(params)} weights for {num_layers} layer(s) and "
                           f"{dirs} direction(s)")
    x = input.transpose(0, 1) if batch_first else input
    for st in states:
        if st.ndim != 3 or st.shape[0] != num_layers * dirs or st.shape[1] != x.shape[1]:
            raise RuntimeError(f"{op}: Expected hidden state of shape ({num_layers * dirs}, "
                               f"{x.shape[1]}, hidden size), got {list(st.shape)}")
    finals: list[list] = [[] for _ in states]
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            w = params[k * per:(k + 1) * per]
            state = tuple(s[k] for s in states)
            ys = []
            for t in (range(x.shape[0] - 1, -1, -1) if d else range(x.shape[0])):
                state = step(x[t], state, w, has_biases)
                ys.append(state[0])
            if d:
                ys.reverse()
            outs.append(stack(ys))
            for i, s in enumerate(state):
                finals[i].append(s)
        x = outs[0] if dirs == 1 else cat(outs, -1)
        if dropout and train and layer < num_layers - 1:
            x = _dropout(x, dropout, True)
    out = x.transpose(0, 1) if batch_first else x
    return (out,) + tuple(stack(f) for f in finals)


def _biases(w: list, has_biases: bool) -> tuple:
    return (w[2], w[3]) if has_biases else (None, None)


def _simple(cell):
    def step(x, state, w, has_biases):
        return (cell(x, state[0], w[0], w[1], *_biases(w, has_biases)),)
    return step


def _lstm_step(x, state, w, has_biases):
    h, c = lstm_cell(x, state, w[0], w[1], *_biases(w, has_biases))
    projected = len(w) in (3, 5)  # (a w_hr projection after the gates)
    return (h @ w[-1].mT if projected else h), c


@named_errors("rnn_tanh")
def rnn_tanh(input, hx, params, has_biases: bool, num_layers: int, dropout: float,
             train: bool, bidirectional: bool, batch_first: bool) -> tuple:
    """``(output, h_n)`` of a multi-layer tanh RNN (``nn.RNN``'s computation)."""
    return _recur("rnn_tanh", _simple(rnn_tanh_cell), input, [hx], params, has_biases,
                  num_layers, dropout, train, bidirectional, batch_first)


@named_errors("rnn_relu")
def rnn_relu(input, hx, params, has_biases: bool, num_layers: int, dropout: float,
             train: bool, bidirectional: bool, batch_first: bool) -> tuple:
    """``(output, h_n)`` of a multi-layer ReLU RNN."""
    return _recur("rnn_relu", _simple(rnn_relu_cell), input, [hx], params, has_biases,
                  num_layers, dropout, train, bidirectional, batch_first)


@named_errors("gru")
def gru(input, hx, params, has_biases: bool, num_layers: int, dropout: float, train: bool,
        bidirectional: bool, batch_first: bool) -> tuple:
    """``(output, h_n)`` of a multi-layer GRU."""
    return _recur("gru", _simple(gru_cell), input, [hx], params, has_biases, num_layers,
                  dropout, train, bidirectional, batch_first)


@named_errors("lstm")
def lstm(input, hx, params, has_biases: bool, num_layers: int, dropout: float, train: bool,
         bidirectional: bool, batch_first: bool) -> tuple:
    """``(output, h_n, c_n)`` of a multi-layer LSTM; ``hx`` is ``(h_0, c_0)``."""
    if not isinstance(hx, (list, tuple)) or len(hx) != 2:
        raise TypeError("lstm(): argument 'hx' must be a tuple of two Tensors (h_0, c_0)")
    return _recur("lstm", _lstm_step, input, list(hx), params, has_biases, num_layers, dropout,
                  train, bidirectional, batch_first)
