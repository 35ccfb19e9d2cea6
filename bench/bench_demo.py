"""End-to-end speed of the main demo (issue 5): npgrad versus PyTorch CPU training the demo's
character-level GPT (``npgrad/examples/char_gpt.py``) for 200 steps in one run.

Two configurations: ``demo``, the demo's defaults (2 layers of width 128, batch 32, peak lr
6e-3), and ``reference``, the 4-layer model at batch 16 (lr 2e-3) that issue 5 quotes for
scale; by default both run.

Both libraries train the same model code (the demo's classes, run once with ``npgrad`` and
once with ``torch`` bound to the names the demo imports), from the same initial weights (torch's
initialisation, seed 1337, copied into npgrad), on the same 200 batches of the bundled tiny
Shakespeare (drawn once with NumPy), with the demo's loop: AdamW (weight decay 0.01),
warm-up then cosine LambdaLR, gradient clipping at norm 1, ``loss.item()`` every step. Wall
time of the 200 steps, 2 threads each; with ``--rounds`` > 1 the libraries alternate and the
medians are printed. The final losses are printed too: they should agree to a few digits.

    python bench/bench_demo.py [--steps 200] [--rounds 1] [--config demo|reference|both]
"""
from __future__ import annotations

import argparse
import inspect
import math
import statistics
import time
import types

from common import THREADS, npgrad, torch  # noqa: F401  (sets 2 threads for both: first,
import numpy as np                             # since NumPy reads the BLAS's count on loading)

import npgrad.examples.char_gpt as demo
from npgrad.datasets import TinyShakespeare

_IMPORTS = {"import npgrad as torch\n": "import torch\n",
            "import npgrad.nn as nn\n": "import torch.nn as nn\n",
            "import npgrad.nn.functional as F\n": "import torch.nn.functional as F\n",
            "from npgrad.datasets import TinyShakespeare\n": ""}


def demo_module(lib) -> types.ModuleType:
    """The demo's module as written (npgrad), or its source run with torch's names bound."""
    if lib is npgrad:
        return demo
    src = inspect.getsource(demo)
    for ours, theirs in _IMPORTS.items():
        if ours not in src:
            raise RuntimeError(f"bench_demo: char_gpt.py no longer has the line {ours!r}; "
                               "update _IMPORTS")
        src = src.replace(ours, theirs)
    mod = types.ModuleType("char_gpt_torch")
    exec(compile(src, "char_gpt_torch", "exec"), mod.__dict__)
    return mod


def batches(steps: int, batch: int, context: int, seed: int = 1337) -> list:
    """``steps`` (inputs, targets) pairs of random windows of the training text."""
    data = TinyShakespeare().train_data.numpy()
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(steps):
        starts = rng.integers(0, len(data) - context - 1, batch)
        chunk = data[starts[:, None] + np.arange(context + 1)]
        out.append((chunk[:, :-1], chunk[:, 1:]))
    return out


# name: (layers, batch, peak lr); width 128, 4 heads and context 64 in both
CONFIGS = {"demo": (2, 32, 6e-3), "reference": (4, 16, 2e-3)}


def train(lib, data: list, steps: int, layers: int, lr: float) -> tuple:
    """(seconds, final loss) of ``steps`` demo training steps with ``lib``."""
    vocab = TinyShakespeare().vocab_size
    torch.manual_seed(1337)
    reference = demo_module(torch).GPT(vocab, layers=layers)
    model = demo_module(lib).GPT(vocab, layers=layers)
    if lib is npgrad:
        model.load_state_dict({k: npgrad.tensor(v.detach().numpy())
                               for k, v in reference.state_dict().items()})
    else:
        model = reference
    opt = lib.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, min(100, steps // 10))
    schedule = lib.optim.lr_scheduler.LambdaLR(opt, lambda s: min(
        (s + 1) / warmup, 0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, s / steps)))))
    batches_lib = [(lib.tensor(x), lib.tensor(y)) for x, y in data[:steps]]
    start = time.perf_counter()
    for xb, yb in batches_lib:
        _, loss = model(xb, yb)
        opt.zero_grad()
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        last = loss.item()
    return time.perf_counter() - start, last


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--config", choices=[*CONFIGS, "both"], default="both")
    args = parser.parse_args()
    for name in (CONFIGS if args.config == "both" else [args.config]):
        layers, batch, lr = CONFIGS[name]
        data = batches(args.steps, batch, 64)
        times = {"npgrad": [], "torch": []}
        losses = {}
        for r in range(args.rounds):
            for lib in ((npgrad, torch) if r % 2 == 0 else (torch, npgrad)):
                seconds, losses[lib.__name__] = train(lib, data, args.steps, layers, lr)
                times[lib.__name__].append(seconds)
        ours, theirs = statistics.median(times["npgrad"]), statistics.median(times["torch"])
        print(f"char_gpt {name}, {args.steps} steps ({layers}x128, batch {batch}, context 64, "
              f"AdamW lr {lr:g}), {THREADS} threads, {args.rounds} round(s): npgrad "
              f"{ours:.1f} s, torch {theirs:.1f} s, ratio {ours / theirs:.2f}x; final loss "
              f"npgrad {losses['npgrad']:.4f}, torch {losses['torch']:.4f}")
