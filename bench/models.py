"""The benchmark models, written once for both libraries (``lib`` is npgrad or torch):
an MLP, a two-conv CNN and a character-level GPT, as an ordinary PyTorch user writes them."""
from __future__ import annotations

import math

import numpy as np


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def gpt(lib, vocab: int = 65, width: int = 128, layers: int = 4, heads: int = 4,
        context: int = 64, gelu: str = "exact"):
    """A small GPT: token + position embeddings, pre-norm blocks of causal self-attention
    (written with matmul, masked_fill and softmax) and an MLP, then a linear head.

    ``gelu``: the MLP's activation, ``"exact"`` (``nn.GELU()``), ``"tanh"`` (GPT-2's
    ``nn.GELU(approximate='tanh')``) or ``"mingpt"`` (minGPT's formula written out with
    ``torch.tanh`` and ``torch.pow(x, 3.0)``)."""
    nn, F = lib.nn, lib.nn.functional

    class NewGELU(nn.Module):
        """minGPT's GELU, as its model.py writes it."""

        def forward(self, x):
            return 0.5 * x * (1.0 + lib.tanh(math.sqrt(2.0 / math.pi)
                                             * (x + 0.044715 * lib.pow(x, 3.0))))

    activation = {"exact": nn.GELU, "tanh": lambda: nn.GELU(approximate="tanh"),
                  "mingpt": NewGELU}[gelu]

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(width, 3 * width)
            self.proj = nn.Linear(width, width)
            self.register_buffer("mask", lib.tril(lib.ones(context, context)).bool()
                                 .logical_not(), persistent=False)

        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.qkv(x).split(C, dim=2)
            q, k, v = (t.view(B, T, heads, C // heads).transpose(1, 2) for t in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // heads))
            att = att.masked_fill(self.mask[:T, :T], float("-inf"))
            att = F.softmax(att, dim=-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, C)
            return self.proj(y)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
            self.attn = Attention()
            self.mlp = nn.Sequential(nn.Linear(width, 4 * width), activation(),
                                     nn.Linear(4 * width, width))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, width)
            self.pos = nn.Embedding(context, width)
            self.blocks = nn.Sequential(*[Block() for _ in range(layers)])
            self.ln = nn.LayerNorm(width)
            self.head = nn.Linear(width, vocab)

        def forward(self, idx):
            T = idx.shape[1]
            x = self.tok(idx) + self.pos(lib.arange(T, device=idx.device))
            return self.head(self.ln(self.blocks(x)))

    return GPT()


def same_weights(ours, theirs, torch) -> None:
    """Copy torch's initial weights into npgrad's model (so both train the same network);
    torch's may be on a GPU (copied through the host)."""
    import npgrad
    ours.load_state_dict({k: npgrad.tensor(v.detach().cpu().numpy())
                          for k, v in theirs.state_dict().items()})


def batches(kind: str, rng: np.random.Generator):
    """Inputs and targets as NumPy arrays for each model."""
    if kind == "mlp":
        return rng.standard_normal((64, 64)).astype(np.float32), rng.integers(0, 10, 64)
    if kind == "cnn":
        return rng.standard_normal((32, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, 32)
    x = rng.integers(0, 65, (16, 65))
    return x[:, :-1], x[:, 1:]
