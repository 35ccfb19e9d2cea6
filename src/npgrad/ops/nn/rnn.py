"""Recurrent cells: one fused op runs a whole sequence of RNN, LSTM or GRU steps (what
``nn.RNN``/``nn.LSTM``/``nn.GRU`` call per layer and direction), and the one-step cells
``rnn_tanh_cell``, ``rnn_relu_cell``, ``lstm_cell`` and ``gru_cell`` (PyTorch's top-level
functions, what ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell`` call) are that op over a
sequence of one step. The multi-layer recurrences ``rnn_tanh``,
``rnn_relu``, ``lstm`` and ``gru`` (PyTorch's functional forms of ``nn.RNN``..., over a padded
sequence with a flat list of weights) are built on the cells.

Why one op: a step of an LSTM recorded as ordinary ops is ~17 nodes, each a few elementwise
calls on tiny arrays, so small models spend nearly all their time in per-op overhead (a
Bi-LSTM of hidden size 5 ran 20x PyTorch's time). :class:`Recurrence` runs the steps in
NumPy and backpropagates through time in NumPy (one matmul per step each way; the weight
gradient is one matmul over all steps). Under ``create_graph`` its backward runs the same
formulas on Tensors, recomputing the gates from the saved inputs, so it is differentiable
again: the step formulas below are written once and take either arrays or Tensors (the few
functions they need come from :data:`_ARRAYS` or :data:`_TENSORS`).

Gate order is PyTorch's: LSTM (input, forget, cell, output), GRU (reset, update, new). The
input projection ``x @ W_ih.T + b_ih`` of all steps is one matmul outside the op (ordinary
ops), as in PyTorch's CPU kernels.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from .._arguments import Tensor, float_arg, int_arg, named_errors
from ..creation.factories import zeros
from ..elementwise.binary import where
from ..elementwise.trig import sigmoid, tanh
from ..shape.joins import cat, stack
from .activation import relu
from .dropout import dropout as _dropout

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell", "rnn_tanh", "rnn_relu",
           "lstm", "gru"]


def _sigmoid_array(a: np.ndarray) -> np.ndarray:
    e = np.negative(a)  # (Sigmoid's forward, in place: the same values)
    np.exp(e, out=e)
    e += 1
    return np.reciprocal(e, out=e)


# The functions the step formulas need, on arrays (first derivatives, in NumPy) or on Tensors
# (under create_graph: recorded, so differentiable again).
_ARRAYS = SimpleNamespace(
    sigmoid=_sigmoid_array, tanh=np.tanh, relu=lambda a: np.maximum(a, 0, dtype=a.dtype),
    # ReLU's gradient mask is ``out != 0`` (a NaN passes the gradient), as Relu.backward's
    relu_grad=lambda g, out: np.multiply(g, out != 0, dtype=g.dtype),
    cat=lambda xs: np.concatenate(xs, -1), rows=lambda xs: np.concatenate(xs, 0),
    stack=np.stack, zeros=lambda like, n: np.zeros_like(like, shape=(n,) + like.shape[1:]))
_TENSORS = SimpleNamespace(
    sigmoid=sigmoid, tanh=tanh, relu=relu,
    relu_grad=lambda g, out: where(out != 0, g, 0.0),
    cat=lambda xs: cat(xs, -1), rows=lambda xs: cat(xs, 0), stack=stack,
    zeros=lambda like, n: zeros((n,) + tuple(like.shape[1:]), dtype=like.dtype))


# ---------------------------------------------------------------------------------------------
# One step of each cell, forward and backward. ``xp`` is the step's input already projected
# (``x @ W_ih.T + b_ih``); ``w_t`` is ``W_hh.T``. A forward step returns the new state and
# what its backward needs; a backward step takes the gradients of the new state and returns
# those of the pre-activation gates (``dz``, the projected input's gradient, which
# ``W_hh``'s gradient is made of) and of the old state.
# ---------------------------------------------------------------------------------------------

class _Cell:
    """Steps of one kind of cell: ``states`` is 1 (h) or 2 (h, c)."""

    states = 1

    @staticmethod
    def forward(ops, xp, state, w_t, b, w_hr_t=None):
        raise NotImplementedError

    @staticmethod
    def backward(ops, grads, state, saved, w_hh, w_hr=None):
        raise NotImplementedError


class _Elman(_Cell):
    """``h' = act(xp + h W_hh.T + b_hh)``, act tanh or relu."""

    relu = False

    @classmethod
    def forward(cls, ops, xp, state, w_t, b, w_hr_t=None):
        z = xp + state[0] @ w_t
        if b is not None:
            z = z + b
        h = ops.relu(z) if cls.relu else ops.tanh(z)
        return (h,), h

    @classmethod
    def backward(cls, ops, grads, state, h, w_hh, w_hr=None):
        dh = grads[0]
        dz = ops.relu_grad(dh, h) if cls.relu else dh * (1 - h * h)
        return dz, (dz @ w_hh,)


class _ElmanRelu(_Elman):
    relu = True


class _LSTM(_Cell):
    """``c' = f c + i g``, ``h' = o tanh(c')`` with gates ``i, f, o = sigmoid(.)``,
    ``g = tanh(.)`` of ``xp + h W_hh.T + b_hh``; with a projection (``proj_size``)
    ``h' = (o tanh(c')) W_hr.T``."""

    states = 2

    @staticmethod
    def forward(ops, xp, state, w_t, b, w_hr_t=None):
        h, c = state
        z = xp + h @ w_t
        if b is not None:
            z = z + b
        n = c.shape[-1]  # (the hidden size: h is smaller with a projection)
        s = ops.sigmoid(z)  # (all four at once, g's unused: a quarter more work, 1/3 the calls)
        i, f, o = s[:, :n], s[:, n:2 * n], s[:, 3 * n:]
        g = ops.tanh(z[:, 2 * n:3 * n])
        c = f * c + i * g
        tc = ops.tanh(c)
        h = o * tc
        return (h if w_hr_t is None else h @ w_hr_t, c), (i, f, g, o, tc, h)

    @staticmethod
    def backward(ops, grads, state, saved, w_hh, w_hr=None):
        dh, dc = grads
        i, f, g, o, tc, _ = saved
        if w_hr is not None:  # (W_hr's own gradient is the runner's: see _run_backward)
            dh = dh @ w_hr
        dc = dc + dh * o * (1 - tc * tc)
        dz = ops.cat([dc * g * i * (1 - i), dc * state[1] * f * (1 - f), dc * i * (1 - g * g),
                      dh * tc * o * (1 - o)])
        return dz, (dz @ w_hh, dc * f)


class _GRU(_Cell):
    """``r, z = sigmoid(.)``, ``n = tanh(xp_n + r (h W_n.T + b_n))``, ``h' = (1 - z) n + z h``."""

    @staticmethod
    def forward(ops, xp, state, w_t, b, w_hr_t=None):
        h = state[0]
        hp = h @ w_t
        if b is not None:
            hp = hp + b
        k = h.shape[-1]
        rz = ops.sigmoid(xp[:, :2 * k] + hp[:, :2 * k])
        r, z = rz[:, :k], rz[:, k:]
        hn = hp[:, 2 * k:]
        n = ops.tanh(xp[:, 2 * k:] + r * hn)
        return ((1 - z) * n + z * h,), (r, z, n, hn)

    @staticmethod
    def backward(ops, grads, state, saved, w_hh, w_hr=None):
        dh = grads[0]
        r, z, n, hn = saved
        dn = dh * (1 - z) * (1 - n * n)
        dr = dn * hn * r * (1 - r)
        dzz = dh * (state[0] - n) * z * (1 - z)
        dx = ops.cat([dr, dzz, dn])       # the projected input's gradient
        dhp = ops.cat([dr, dzz, dn * r])  # that of h W_hh.T + b_hh
        return (dx, dhp), (dhp @ w_hh + dh * z,)


_CELLS = {"RNN_TANH": _Elman, "RNN_RELU": _ElmanRelu, "LSTM": _LSTM, "GRU": _GRU}


# ---------------------------------------------------------------------------------------------
# The sequence, forward and backward through time (the same code on arrays or Tensors)
# ---------------------------------------------------------------------------------------------

def _steps(n: int, reverse: bool) -> range:
    return range(n - 1, -1, -1) if reverse else range(n)


def _run_forward(ops, cell, proj, state: tuple, w_hh, b_hh, w_hr, reverse: bool, sizes):
    """Every step; returns (outputs, final state, per-step (state before, saved)).
    With ``sizes`` (packed input, batch sorted by decreasing length) step t moves only the
    first ``sizes[t]`` rows; the others keep their state."""
    w_t, w_hr_t = w_hh.T, None if w_hr is None else w_hr.T
    hs = [None] * proj.shape[0]
    tape = [None] * proj.shape[0]
    rows = proj.shape[1]
    for t in _steps(proj.shape[0], reverse):
        b = rows if sizes is None else int(sizes[t])
        old = state if b == rows else tuple(s[:b] for s in state)
        new, saved = cell.forward(ops, proj[t, :b], old, w_t, b_hh, w_hr_t)
        tape[t] = (old, saved)
        state = new if b == rows else tuple(ops.rows([a, s[b:]]) for a, s in zip(new, state))
        hs[t] = state[0]
    return ops.stack(hs), state, tape


def _run_backward(ops, cell, tape, grads: tuple, g_hs, w_hh, w_hr, reverse: bool, n: int):
    """Backpropagation through time: the gradients of (proj, initial state, W_hh, b_hh,
    W_hr); ``grads`` are the final state's gradients, ``g_hs[t]`` the outputs'."""
    rows = g_hs.shape[1]
    dzs, dhps, h_olds, dhs, ms = [None] * n, [], [], [], []
    for t in _steps(n, not reverse):
        old, saved = tape[t]
        b = old[0].shape[0]
        grads = (grads[0] + g_hs[t],) + grads[1:]
        mine = grads if b == rows else tuple(g[:b] for g in grads)
        if w_hr is not None:  # (h' = m W_hr.T: W_hr's gradient is the sum of dh'.T m)
            dhs.append(mine[0])
            ms.append(saved[-1])
        dz, back = cell.backward(ops, mine, old, saved, w_hh, w_hr)
        dx, dhp = dz if isinstance(dz, tuple) else (dz, dz)
        grads = back if b == rows else tuple(ops.rows([a, g[b:]]) for a, g in zip(back, grads))
        dzs[t] = dx if b == rows else ops.rows([dx, ops.zeros(dx, rows - b)])
        dhps.append(dhp)
        h_olds.append(old[0])
    dhp, h_old = ops.rows(dhps), ops.rows(h_olds)
    d_hr = None if w_hr is None else ops.rows(dhs).T @ ops.rows(ms)
    return ops.stack(dzs), grads, dhp.T @ h_old, dhp.sum(0), d_hr


class Recurrence(Primitive):
    """A whole sequence of one cell (one layer, one direction), fused: inputs
    ``(proj, h0[, c0], w_hh, b_hh, w_hr)`` with ``proj`` (L, N, gates * H) the projected
    inputs; outputs ``(hs, h_n[, c_n])``. ``b_hh`` and ``w_hr`` (LSTM's projection) may be
    None."""

    node_name = "RecurrenceBackward0"

    @staticmethod
    def forward(ctx, proj, *rest):
        *state, w_hh, b_hh, w_hr, mode, reverse, sizes = rest
        cell = _CELLS[mode]
        ctx.cell, ctx.reverse, ctx.sizes, ctx.w = cell, reverse, sizes, (w_hh, w_hr)
        ctx.save_for_backward(proj, *state, w_hh, b_hh, w_hr)
        hs, final, ctx.tape = _run_forward(_ARRAYS, cell, proj, tuple(state), w_hh, b_hh,
                                           w_hr, reverse, sizes)
        return (hs,) + final

    @staticmethod
    def backward(ctx, g_hs, *g_final):
        proj, *state, w_hh, b_hh, w_hr = ctx.saved_tensors
        cell, n = ctx.cell, proj.shape[0]
        if not STATE.enabled:  # no create_graph: the formulas on arrays, one node
            tape, ops, (w, w_r) = ctx.tape, _ARRAYS, ctx.w  # (the weights as forward had them:
            dt = w.dtype                                   # bfloat16's are float32 there)
            g_hs, g_final = g_hs._data.astype(dt, copy=False), tuple(
                g._data.astype(dt, copy=False) for g in g_final)
        else:  # the same formulas on Tensors, the gates recomputed so they are recorded
            ops, w, w_r = _TENSORS, w_hh, w_hr
            tape = _run_forward(ops, cell, proj, tuple(state), w_hh, b_hh, w_hr, ctx.reverse,
                                ctx.sizes)[2]
        d_proj, d_state, d_w, d_b, d_hr = _run_backward(ops, cell, tape, g_final, g_hs, w, w_r,
                                                        ctx.reverse, n)
        grads = (d_proj, *d_state, d_w, None if b_hh is None else d_b, d_hr)
        if ops is _ARRAYS:
            grads = tuple(None if g is None else Tensor._make(g) for g in grads)
        return grads + (None, None, None)


def recurrence(mode: str, proj: Tensor, state: tuple, w_hh: Tensor, b_hh, reverse=False,
               sizes=None, w_hr=None) -> tuple:
    """Run ``mode`` ('RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU') over the projected inputs
    ``proj`` (L, N, gates * H) from ``state`` ((h0,) or (h0, c0), each (N, H)); returns
    ``(hs, final state)``, ``hs`` (L, N, H). ``sizes``: packed input's batch sizes;
    ``w_hr``: an LSTM's projection (``proj_size``)."""
    out = Recurrence.apply(proj, *state, w_hh, b_hh, w_hr, mode, bool(reverse), sizes)
    return out[0], out[1:]


# ---------------------------------------------------------------------------------------------
# The one-step cells: PyTorch's top-level functions
# ---------------------------------------------------------------------------------------------

_CELL_NAMES = {"RNN_TANH": "rnn_tanh_cell", "RNN_RELU": "rnn_relu_cell", "LSTM": "lstm_cell",
               "GRU": "gru_cell"}


def _type_name(x) -> str:
    kind = type(x)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _check_cell(mode: str, input, state: tuple, w_ih, w_hh, b_ih, b_hh) -> None:
    """PyTorch's checks of a cell's arguments (types, dtypes, sizes), before the fused op
    meets them: its NumPy errors would name no op."""
    name = _CELL_NAMES[mode]
    args = [(1, "input", input), *[(2, "hx", h) for h in state], (3, "w_ih", w_ih),
            (4, "w_hh", w_hh), (5, "b_ih", b_ih), (6, "b_hh", b_hh)]
    for pos, arg, x in args:
        if not isinstance(x, Tensor) and not (x is None and pos > 4):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{_type_name(x)}")
    for i, (_, arg, x) in enumerate(args):
        if x is None or mode == "LSTM" and i == 2:  # (c may be of any dtype: PyTorch's
            continue                                 # c' = f c + i g promotes it)
        if not x.dtype.is_floating_point or x.dtype != input.dtype:
            raise RuntimeError(f"{name}(): expected all tensors to have the same floating "
                               f"dtype, but got {arg} of dtype {x.dtype} and input of dtype "
                               f"{input.dtype}")
    gates = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}[mode]
    if w_ih.ndim != 2 or w_hh.ndim != 2:
        raise RuntimeError(f"{name}(): expected 2-D weights, but got w_ih of shape "
                           f"{list(w_ih.shape)} and w_hh of shape {list(w_hh.shape)}")
    hidden = w_hh.shape[1]
    for arg, w in (("weight_ih", w_ih), ("weight_hh", w_hh)):
        if w.shape[0] != gates * hidden:
            raise RuntimeError(f"{name}(): {arg} first dim must be {gates} * hidden_size = "
                               f"{gates * hidden}, but got {w.shape[0]}")
    rows = (input.shape[0],) if input.ndim == 2 else ()
    for arg, b in (("b_ih", b_ih), ("b_hh", b_hh)):  # (added with broadcasting, as PyTorch's)
        try:
            fits = np.broadcast_shapes(tuple(b.shape), rows + (gates * hidden,)) \
                == rows + (gates * hidden,) if b is not None else True
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(f"{name}(): {arg} of shape {list(b.shape)} does not broadcast "
                               f"to the gates' shape {list(rows + (gates * hidden,))}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"{name}(): expected input to be 1-D or 2-D, but got "
                           f"{input.ndim}-D input of shape {list(input.shape)}")
    if input.shape[-1] != w_ih.shape[1]:
        raise RuntimeError(f"{name}(): input has inconsistent input_size: got "
                           f"{input.shape[-1]} expected {w_ih.shape[1]}")
    for i, h in enumerate(state):
        if h.ndim == 0 and i == 1:  # (PyTorch's own error for a 0-d c)
            raise IndexError(f"{name}(): Dimension specified as 0 but tensor has no dimensions")
        if h.ndim != input.ndim or h.shape[-1] != hidden \
                or (input.ndim == 2 and h.shape[0] != input.shape[0]):
            raise RuntimeError(f"{name}(): hidden{i} of shape {list(h.shape)} does not fit "
                               f"input of shape {list(input.shape)} and hidden_size {hidden}")


def _cell(mode: str, input, state: tuple, w_ih, w_hh, b_ih, b_hh) -> tuple:
    """One step of ``mode``: the fused sequence op over one step."""
    _check_cell(mode, input, state, w_ih, w_hh, b_ih, b_hh)
    if mode == "LSTM" and state[1].dtype != input.dtype:
        state = (state[0], state[1].to(input.dtype))
    proj = input @ w_ih.mT
    if b_ih is not None:
        proj = proj + b_ih
    if proj.ndim == 1:  # (an unbatched step)
        final = recurrence(mode, proj[None, None], tuple(s[None] for s in state), w_hh,
                           b_hh)[1]
        return tuple(s[0] for s in final)
    return recurrence(mode, proj[None], state, w_hh, b_hh)[1]


@named_errors("rnn_tanh_cell")
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    """``tanh(W_ih x + b_ih + W_hh h + b_hh)``."""
    return _cell("RNN_TANH", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


@named_errors("rnn_relu_cell")
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    """``relu(W_ih x + b_ih + W_hh h + b_hh)``."""
    return _cell("RNN_RELU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


@named_errors("lstm_cell")
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> tuple:
    """One LSTM step: ``hx`` is ``(h, c)``; returns the new ``(h, c)``."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be a pair of Tensors, "
                        f"not {_type_name(hx)}")
    return _cell("LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


@named_errors("gru_cell")
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    """One GRU step: ``n = tanh(x_n + r * h_n)``, ``h' = (1 - z) n + z h``."""
    return _cell("GRU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


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
    if len(w) not in (3, 5):
        return lstm_cell(x, state, w[0], w[1], *_biases(w, has_biases))
    # a projected LSTM (w_hr after the gates): h is smaller than the gates' hidden size, which
    # lstm_cell's checks refuse, so the fused step runs with the projection itself
    b_ih, b_hh = _biases(w, has_biases)
    proj = x @ w[0].mT if b_ih is None else x @ w[0].mT + b_ih
    h, c = recurrence("LSTM", proj[None], tuple(state), w[1], b_hh, w_hr=w[-1])[1]
    return h, c


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
