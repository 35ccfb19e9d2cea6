"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` (multi-layer, ``batch_first``,
``bidirectional``, inter-layer dropout), with PyTorch's parameter names, gate order and
initialisation, so state dicts load in either direction.

Each layer projects the whole input sequence with one matmul, then runs the steps of each
direction as one fused op (``ops/nn/rnn.py``'s ``recurrence``: one small matmul per step,
backward through time in the same op).
"""
from __future__ import annotations

import math

from ...ops.creation.factories import empty, zeros
from ...ops.nn.dropout import dropout
from ...ops.nn import rnn as cells
from ...ops.indexing.indexing import index_select
from ...ops.shape.joins import cat, stack
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, pad_packed_sequence
from .module import Module


class RNNBase(Module):
    """Shared set-up of RNN, LSTM and GRU: parameters ``weight_ih_l{k}[_reverse]`` etc."""

    _gates = 1
    mode = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if not isinstance(proj_size, int) or proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size and self._gates != 4:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if proj_size and proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1]")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        dirs = 2 if bidirectional else 1
        g = self._gates * hidden_size
        out_size = proj_size or hidden_size  # (the size of h: LSTM's projection makes it smaller)
        kw = dict(dtype=dtype, device=device)
        for layer in range(num_layers):
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                in_size = input_size if layer == 0 else out_size * dirs
                setattr(self, "weight_ih" + sfx, Parameter(empty(g, in_size, **kw)))
                setattr(self, "weight_hh" + sfx, Parameter(empty(g, out_size, **kw)))
                if bias:
                    setattr(self, "bias_ih" + sfx, Parameter(empty(g, **kw)))
                    setattr(self, "bias_hh" + sfx, Parameter(empty(g, **kw)))
                if proj_size:
                    setattr(self, "weight_hr" + sfx,
                            Parameter(empty(proj_size, hidden_size, **kw)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -bound, bound)

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs the weights into one buffer for cuDNN only (on the CPU
        its call is a no-op too); programs call it after loading or moving a model."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s

    # -- the recurrence -----------------------------------------------------------------------
    def _weights(self, layer: int, d: int):
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        get = self._parameters.get
        return (get("weight_ih" + sfx), get("weight_hh" + sfx), get("bias_ih" + sfx),
                get("bias_hh" + sfx), get("weight_hr" + sfx))

    def _run(self, x: Tensor, states: list, batch_sizes=None) -> tuple:
        """``x`` is (L, N, features); ``states`` one initial state per (layer, direction),
        a tuple ((h,) or (h, c)). ``batch_sizes`` (packed input, batch sorted by decreasing
        length): at step t only the first ``batch_sizes[t]`` sequences step, the others keep
        their state. Returns the last layer's outputs and the final states (tuples)."""
        dirs = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, d)
                proj = x @ w_ih.mT
                if b_ih is not None:
                    proj = proj + b_ih
                hs, final = cells.recurrence(self.mode, proj, states[layer * dirs + d], w_hh,
                                             b_hh, reverse=bool(d), sizes=batch_sizes,
                                             w_hr=w_hr)
                outs.append(hs)
                finals.append(final)
            x = outs[0] if dirs == 1 else cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = dropout(x, self.dropout, True)
        return x, finals

    def _forward_packed(self, input: PackedSequence, hx):
        """The layer over a PackedSequence: a PackedSequence of outputs, and the final
        states in the batch's original order (``hx`` is given in that order too)."""
        sizes = input.batch_sizes._data
        x, _ = pad_packed_sequence(PackedSequence(input.data, input.batch_sizes))
        if x.shape[2] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[2]}")
        order, back = input.sorted_indices, input.unsorted_indices
        hx = hx if isinstance(hx, tuple) else (hx,) * (2 if self._gates == 4 else 1)
        states = [self._initial(h if h is None or order is None else index_select(h, 1, order),
                                x.shape[1], x, True, which if len(hx) == 2 else -1)
                  for which, h in enumerate(hx)]
        out, finals = self._run(x, list(zip(*states)), sizes)
        data = cat([out[t, :int(b)] for t, b in enumerate(sizes)], 0)
        packed = PackedSequence(data, input.batch_sizes, order, back)
        h_n = [stack(list(f), 0) for f in zip(*finals)]
        if back is not None:
            h_n = [index_select(h, 1, back) for h in h_n]
        return packed, (h_n[0] if len(h_n) == 1 else tuple(h_n))

    def _initial(self, hx, batch: int, like: Tensor, batched: bool, which: int = -1):
        """One initial state per (layer, direction): ``hx``'s, or zeros. ``which`` is 0 for
        an LSTM's h, 1 for its c (PyTorch's messages name them hidden[0], hidden[1])."""
        dirs = 2 if self.bidirectional else 1
        n = self.num_layers * dirs
        size = self.proj_size if which == 0 and self.proj_size else self.hidden_size
        if hx is None:
            h = zeros(n, batch, size, dtype=like.dtype, device=like.device)
            return [h[i] for i in range(n)]
        if not batched:
            hx = hx.unsqueeze(1)
        expected = (n, batch, size)
        if tuple(hx.shape) != expected:
            name = "hidden" if which < 0 else f"hidden[{which}]"
            raise RuntimeError(f"Expected {name} size {expected}, got {list(hx.shape)}")
        return [hx[i] for i in range(n)]

    def _prepare(self, input: Tensor):
        if input.ndim not in (2, 3):
            raise ValueError(f"{self.mode}: Expected input to be 2D or 3D, got {input.ndim}D "
                             "instead")
        batched = input.ndim == 3
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first:
            x = x.transpose(0, 1)
        if x.shape[2] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[2]}")
        return x, batched

    def _finish(self, out: Tensor, batched: bool) -> Tensor:
        if not batched:
            return out.squeeze(1)
        return out.transpose(0, 1) if self.batch_first else out


class RNN(RNNBase):
    """Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu)."""

    def __init__(self, *args, nonlinearity: str = "tanh", **kwargs) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(*args, **kwargs)
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"

    def forward(self, input: Tensor, hx: Tensor | None = None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        x, batched = self._prepare(input)
        states = self._initial(hx, x.shape[1], x, batched)
        out, finals = self._run(x, [(h,) for h in states])
        h_n = stack([h for h, in finals], 0)
        return self._finish(out, batched), (h_n if batched else h_n.squeeze(1))


class LSTM(RNNBase):
    """Long short-term memory; gates in PyTorch's order (input, forget, cell, output)."""

    _gates = 4
    mode = "LSTM"

    def forward(self, input: Tensor, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        x, batched = self._prepare(input)
        h0, c0 = (None, None) if hx is None else hx
        hs = self._initial(h0, x.shape[1], x, batched, 0)
        cs = self._initial(c0, x.shape[1], x, batched, 1)
        out, finals = self._run(x, list(zip(hs, cs)))
        h_n = stack([h for h, _ in finals], 0)
        c_n = stack([c for _, c in finals], 0)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(out, batched), (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit; gates in PyTorch's order (reset, update, new)."""

    _gates = 3
    mode = "GRU"

    def forward(self, input: Tensor, hx: Tensor | None = None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        x, batched = self._prepare(input)
        states = self._initial(hx, x.shape[1], x, batched)
        out, finals = self._run(x, [(h,) for h in states])
        h_n = stack([h for h, in finals], 0)
        return self._finish(out, batched), (h_n if batched else h_n.squeeze(1))


# ---------------------------------------------------------------------------------------------
# Cells: one time step, the caller loops (nn.RNNCell, nn.LSTMCell, nn.GRUCell)
# ---------------------------------------------------------------------------------------------

class RNNCellBase(Module):
    """Parameters ``weight_ih`` (gates * hidden, input), ``weight_hh``, ``bias_ih``,
    ``bias_hh`` of one cell, initialised uniform in +-1/sqrt(hidden_size) as PyTorch's."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        g = num_chunks * hidden_size
        self.weight_ih = Parameter(empty(g, input_size, dtype=dtype, device=device))
        self.weight_hh = Parameter(empty(g, hidden_size, dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(empty(g, dtype=dtype, device=device))
            self.bias_hh = Parameter(empty(g, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _batched(self, input: Tensor, hx, name: str, states: int = 1) -> tuple:
        """(input, the ``states`` hidden states as a tuple (zeros when ``hx`` is None),
        whether the input was batched), all 2-d."""
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D "
                             f"instead")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h0 = zeros(x.shape[0], self.hidden_size, dtype=input.dtype, device=input.device)
            states = (h0,) * states
        else:
            states = tuple(hx) if states > 1 else (hx,)
            for h in states:
                if h.ndim != input.ndim:
                    raise RuntimeError(f"{name}: Expected hidden to be "
                                       f"{'2D' if batched else '1D'}, got {h.ndim}D instead")
            if not batched:
                states = tuple(h.unsqueeze(0) for h in states)
        return x, states, batched

    def _weights(self) -> tuple:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh


class RNNCell(RNNCellBase):
    """``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._batched(input, hx, "RNNCell")
        cell = cells.rnn_tanh_cell if self.nonlinearity == "tanh" else cells.rnn_relu_cell
        out = cell(x, h, *self._weights())
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step; ``hx`` is ``(h, c)``, returns the new ``(h, c)``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx=None) -> tuple:
        x, (h, c), batched = self._batched(input, hx, "LSTMCell", states=2)
        h, c = cells.lstm_cell(x, (h, c), *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._batched(input, hx, "GRUCell")
        out = cells.gru_cell(x, h, *self._weights())
        return out if batched else out.squeeze(0)
