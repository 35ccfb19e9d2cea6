"""Recurrent layers, side by side with PyTorch CPU: forward + backward of nn.LSTM / nn.GRU /
nn.RNN at sequence length 35 and batch 20 (word_language_model's shapes) for hidden sizes 64,
128 and 256 (input size = hidden size), a tiny bidirectional LSTM (nlp-tutorial's Bi-LSTM:
hidden 5, 26 steps), and an nn.LSTMCell stepped by hand for 35 steps.

    python bench/bench_rnn.py [--rounds 7]
    BENCH_THREADS=1 python bench/bench_rnn.py --cpu   # CPU time, for a loaded machine
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import common
from common import Bench, run, timed


def _layer(kind: str, hidden: int, seq: int, batch: int, features: int, **kw):
    def fn(lib, repeat):
        lib.manual_seed(0)
        make = {"LSTM": lib.nn.LSTM, "GRU": lib.nn.GRU, "RNN": lib.nn.RNN}[kind]
        model = make(features, hidden, **kw)
        x = lib.tensor(np.random.default_rng(0).standard_normal((seq, batch, features),
                                                                np.float32))

        def step():
            model.zero_grad()
            out, _ = model(x)
            (out * out).mean().backward()
        step()
        return (timed(step, repeat) * 1e3,)
    return fn


def _lstm_cell(hidden: int, seq: int, batch: int):
    def fn(lib, repeat):
        lib.manual_seed(0)
        cell = lib.nn.LSTMCell(hidden, hidden)
        xs = lib.tensor(np.random.default_rng(0).standard_normal((seq, batch, hidden),
                                                                 np.float32))

        def step():
            cell.zero_grad()
            h = c = lib.zeros(batch, hidden)
            loss = 0
            for t in range(seq):
                h, c = cell(xs[t], (h, c))
                loss = loss + (h * h).mean()
            loss.backward()
        step()
        return (timed(step, repeat) * 1e3,)
    return fn


BENCHES = [Bench((f"{kind} hidden {h}, seq 35, batch 20, fwd+bwd",), "ms",
                 _layer(kind, h, 35, 20, h), 5 if h < 256 else 3)
           for kind in ("LSTM", "GRU") for h in (64, 128, 256)]
BENCHES += [
    Bench(("RNN tanh hidden 128, seq 35, batch 20, fwd+bwd",), "ms",
          _layer("RNN", 128, 35, 20, 128), 5),
    Bench(("Bi-LSTM hidden 5, seq 26, batch 26 (nlp-tutorial)",), "ms",
          _layer("LSTM", 5, 26, 26, 26, bidirectional=True), 20),
    Bench(("LSTMCell hidden 128, 35 steps by hand, batch 20",), "ms", _lstm_cell(128, 35, 20),
          5),
]


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7, help="rounds (the first is a warm-up)")
    p.add_argument("--cpu", action="store_true", help="time this process's CPU seconds")
    args = p.parse_args()
    if args.cpu:
        common.CLOCK = time.process_time
    run(BENCHES, args.rounds, "Recurrent layers")
