"""A character-level GPT trained from scratch on tiny Shakespeare (the main demo).

The model is the classic decoder-only transformer: token and position embeddings, blocks of
(LayerNorm, causal self-attention, LayerNorm, MLP) with residual connections, a final
LayerNorm and a linear head over the 65 characters. Trained with AdamW on the first 90% of
the text, evaluated on the last 10%, it then writes a passage of "Shakespeare".

The defaults fit in about five minutes on two CPU cores: 2500 steps (3.5 minutes here) of two
blocks of width 128 (four blocks learn more per step but less per second: at equal compute
they end higher), batches of 32 windows of 64 characters (tokens per step matter more than
steps here), and a high peak learning rate (6e-3) that a short warm-up makes safe and a cosine
decay to a tenth brings down. That reaches a validation loss of about 1.60 (at most 1.70;
1500 steps reach about 1.66).

    python -m npgrad.examples char_gpt                    # train (under 5 minutes), sample
    python -m npgrad.examples char_gpt --steps 100        # a quick run
    python -m npgrad.examples char_gpt --sample out/char_gpt/model.safetensors
    python -m npgrad.distributed.run --nproc_per_node=2 -m npgrad.examples char_gpt

Launched on several processes (the last line), it trains data-parallel: each process draws
its own batches, DistributedDataParallel averages the gradients, and process 0 reports,
saves and samples.

The output folder gets the loss curve (loss.png), the checkpoint (model.safetensors) and the
graph of one forward pass (graph.svg, or graph.dot when Graphviz's ``dot`` is missing).
"""
from __future__ import annotations

import math
import os
import time

import npgrad as torch
import npgrad.distributed as dist
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.datasets import TinyShakespeare
from npgrad.examples import parser
from npgrad.utils import viz


# What the validation loss means: the default run reaches about 1.60 (its text reads as
# Shakespeare-like words and lines); choosing uniformly among the 65 characters scores ln 65
GOOD_VAL_LOSS = 1.6
GUESSING_LOSS = math.log(65)


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------

class CausalSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) -> (B, heads, T, C // heads): every head attends on its own
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                 nn.Linear(4 * width, width))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size: int, context: int = 64, width: int = 128, layers: int = 4,
                 heads: int = 4) -> None:
        super().__init__()
        self.context = context
        self.tok_emb = nn.Embedding(vocab_size, width)
        self.pos_emb = nn.Embedding(context, width)
        self.blocks = nn.Sequential(*[Block(width, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab_size)

    def forward(self, idx, targets=None):
        T = idx.shape[1]
        x = self.blocks(self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device)))
        if targets is None:  # generating: only the last position's next-char logits are needed
            return self.head(self.ln_f(x[:, -1:])), None
        logits = self.head(self.ln_f(x))
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, new_tokens: int, temperature: float = 1.0, top_k: int | None = None):
        """Append ``new_tokens`` characters, each sampled from the model's next-char
        distribution (sharpened by ``temperature`` < 1, cut to the ``top_k`` most likely)."""
        for _ in range(new_tokens):
            logits, _ = self(idx[:, -self.context:])
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, [-1]]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            next_id = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
            idx = torch.cat([idx, next_id], dim=1)
        return idx


# ---------------------------------------------------------------------------------------------
# Data, evaluation, training
# ---------------------------------------------------------------------------------------------

def get_batch(data, batch_size: int, context: int, generator=None, device="cpu"):
    """``batch_size`` random windows of the text and the same windows shifted by one, drawn
    on the CPU (the same batches on every device) and moved to ``device``."""
    starts = torch.randint(len(data) - context - 1, (batch_size,), generator=generator)
    offsets = starts[:, None] + torch.arange(context + 1)
    chunk = data[offsets].to(device)
    return chunk[:, :-1], chunk[:, 1:]


@torch.no_grad()
def evaluate(model, data, batch_size: int, context: int, batches: int = 20,
             device="cpu") -> float:
    """Mean cross-entropy per character over ``batches`` fixed held-out batches."""
    model.eval()
    g = torch.Generator().manual_seed(1234)
    losses = [model(*get_batch(data, batch_size, context, g, device))[1].item()
              for _ in range(batches)]
    model.train()
    return sum(losses) / len(losses)


def save_loss_curve(path: str, train_steps, train_losses, val_steps, val_losses) -> str | None:
    """Plot the losses into ``path``; None (and a hint) when matplotlib is not installed, so
    that a run without the demo extras still ends with its checkpoint and sample."""
    try:
        import matplotlib  # (imported here: an optional dependency, the demo extra)
    except ImportError:
        print("matplotlib is not installed, so the loss plot was skipped; "
              "pip install matplotlib (or pip install -e '.[demo]') to get it")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(train_steps, train_losses, lw=0.8, alpha=0.6, label="train (per batch)")
    ax.plot(val_steps, val_losses, "o-", label="validation (last 10% of the text)")
    ax.axhline(GOOD_VAL_LOSS, color="green", ls=":", lw=1,
               label=f"good validation loss: about {GOOD_VAL_LOSS} (the default run)")
    ax.axhline(GUESSING_LOSS, color="grey", ls=":", lw=1,
               label=f"guessing among 65 characters: ln 65 = {GUESSING_LOSS:.2f}")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy per character")
    ax.set_title("character-level GPT on tiny Shakespeare (npgrad)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def save_graph(path_stem: str, model, xb, yb) -> str:
    """Draw the graph of one forward pass (the loss of a tiny batch); returns the file."""
    _, loss = model(xb[:1, :8], yb[:1, :8])
    return viz.save(loss, path_stem, params=dict(model.named_parameters()), max_nodes=400)


def sample(model, data: TinyShakespeare, prompt: str, chars: int, temperature: float,
           top_k: int | None, device="cpu") -> str:
    idx = data.encode(prompt or "\n")[None].to(device)
    return data.decode(model.generate(idx, chars, temperature, top_k)[0].cpu())


def make_progress(total: int, quiet: bool):
    try:
        from tqdm import tqdm
    except ImportError:  # the demo extras are not installed: print every 10% instead
        return None
    return tqdm(total=total, disable=quiet, unit="step", dynamic_ncols=True)


def main(argv=None) -> dict:
    p = parser("char_gpt", __doc__)
    p.add_argument("--steps", type=int, default=2500, help="training steps")
    p.add_argument("--batch-size", type=int, default=32, help="windows per step")
    p.add_argument("--context", type=int, default=64, help="characters the model sees at once")
    p.add_argument("--width", type=int, default=128, help="embedding width")
    p.add_argument("--layers", type=int, default=2, help="transformer blocks")
    p.add_argument("--heads", type=int, default=4, help="attention heads per block")
    p.add_argument("--lr", type=float, default=6e-3,
                   help="peak learning rate, reached after a warm-up of --steps/10 (at most 100) "
                        "steps, then decayed along a cosine to a tenth")
    p.add_argument("--weight-decay", type=float, default=0.01, help="AdamW weight decay")
    p.add_argument("--eval-every", type=int, default=0,
                   help="validate every this many steps (0: 4 times during the run)")
    p.add_argument("--eval-batches", type=int, default=20,
                   help="held-out batches per validation (the final one too)")
    p.add_argument("--chars", type=int, default=300, help="characters to generate")
    p.add_argument("--temperature", type=float, default=0.8,
                   help="sampling temperature (below 1: safer choices)")
    p.add_argument("--top-k", type=int, default=20,
                   help="sample among the k likeliest characters")
    p.add_argument("--prompt", default="ROMEO:\n",
                   help="text the sample starts from (default: %(default)r)")
    p.add_argument("--seed", type=int, default=1337, help="random seed")
    p.add_argument("--out", default=os.path.join("out", "char_gpt"), help="output folder")
    p.add_argument("--sample", metavar="CHECKPOINT",
                   help="skip training: generate from a saved checkpoint")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                   help="where the model trains: cpu, or cuda (a GPU through CuPy)")
    args = p.parse_args(argv)
    # launched on several processes (WORLD_SIZE > 1): data-parallel training
    parallel = int(os.environ.get("WORLD_SIZE", "1")) > 1 and not args.sample
    if parallel:
        dist.init_process_group("gloo")
    rank = dist.get_rank() if parallel else 0
    say = print if rank == 0 else (lambda *a, **k: None)
    torch.manual_seed(args.seed + rank)  # each process its own batches (DDP copies rank 0's
    data = TinyShakespeare()             # weights)

    if args.sample:
        ckpt = torch.load(args.sample)
        model = GPT(data.vocab_size, **ckpt["config"])
        model.load_state_dict(ckpt["model"])
        model.to(args.device).eval()
        text = sample(model, data, args.prompt, args.chars, args.temperature, args.top_k,
                      args.device)
        print(text)
        return {"sample": text}

    config = dict(context=args.context, width=args.width, layers=args.layers, heads=args.heads)
    model = GPT(data.vocab_size, **config).to(args.device)
    n_params = sum(p.numel() for p in model.parameters())
    say(f"GPT: {args.layers} layers, {args.heads} heads, width {args.width}, context "
          f"{args.context}: {n_params / 1e6:.2f}M parameters; {len(data.train_data):,} training "
          f"and {len(data.val_data):,} validation characters")
    net = nn.parallel.DistributedDataParallel(model) if parallel else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    warmup = max(1, min(100, args.steps // 10))
    # linear warm-up, then cosine decay to a tenth of the peak rate
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(
        (s + 1) / warmup, 0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))))

    eval_every = args.eval_every or max(1, args.steps // 4)
    os.makedirs(args.out, exist_ok=True)
    train_steps, train_losses, val_steps, val_losses = [], [], [], []
    bar = make_progress(args.steps, args.quiet or rank > 0)
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        xb, yb = get_batch(data.train_data, args.batch_size, args.context, device=args.device)
        _, loss = net(xb, yb)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        train_steps.append(step)
        train_losses.append(loss.item())
        if rank == 0 and (step % eval_every == 0 or step == args.steps):
            val_steps.append(step)
            val_losses.append(evaluate(model, data.val_data, args.batch_size, args.context,
                                       args.eval_batches, args.device))
        if bar is not None:
            bar.update(1)
            post = {"loss": f"{train_losses[-1]:.3f}"}
            if val_losses:
                post["val"] = f"{val_losses[-1]:.3f}"
            bar.set_postfix(post, refresh=False)
        elif not args.quiet and step % max(1, args.steps // 10) == 0:
            rate = step / (time.perf_counter() - start)
            say(f"step {step}/{args.steps}  loss {train_losses[-1]:.3f}  {rate:.1f} steps/s  "
                  f"{(args.steps - step) / rate:.0f}s left")
    if bar is not None:
        bar.close()
    elapsed = time.perf_counter() - start
    if parallel:
        dist.destroy_process_group()
        if rank > 0:
            return {"train_losses": train_losses, "steps_per_s": args.steps / elapsed}
    print(f"trained {args.steps} steps in {elapsed:.0f}s ({args.steps / elapsed:.1f} steps/s); "
          f"validation loss {val_losses[-1]:.3f}: cross-entropy per character on "
          f"{args.eval_batches} held-out batches, lower is better; about {GOOD_VAL_LOSS} is good "
          f"(the default run), {GUESSING_LOSS:.2f} is guessing")

    ckpt_path = os.path.join(args.out, "model.safetensors")
    torch.save({"model": model.state_dict(), "config": config}, ckpt_path)
    curve_path = save_loss_curve(os.path.join(args.out, "loss.png"), train_steps, train_losses,
                                 val_steps, val_losses)
    graph_path = save_graph(os.path.join(args.out, "graph"), model, xb, yb)

    model.eval()
    text = sample(model, data, args.prompt, args.chars, args.temperature, args.top_k,
                  args.device)
    print("\n--- generated (temperature %.2g, top-k %s) ---\n%s\n---" % (
        args.temperature, args.top_k, text))
    print(f"\noutput folder: {os.path.abspath(args.out)}")
    files = [p for p in (curve_path, ckpt_path, graph_path) if p is not None]
    for path in files:
        print(f"  {os.path.basename(path)}")
    print(f"generate again without training:\n  python -m npgrad.examples char_gpt "
          f"--sample {ckpt_path}")
    return {"val_loss": val_losses[-1], "train_losses": train_losses, "sample": text,
            "steps_per_s": args.steps / elapsed, "files": files,
            "out": args.out}


if __name__ == "__main__":
    main()
