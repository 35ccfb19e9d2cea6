"""The GPU check of issue #20, for a machine with an NVIDIA GPU, CuPy (npgrad's ``gpu`` extra)
and PyTorch built with CUDA. Under five minutes:

1. the op harness on ``'cuda'``: every spec of ``tests/ops/specs``, run by npgrad on the GPU
   and compared with PyTorch
   (values, dtypes, gradients); the count of passing and failing cases, the failures named;
2. the char-GPT of ``bench/models.py`` (4 layers, 128 wide, 4 heads, context 64, batch 16)
   trained 200 steps in npgrad and in PyTorch on the GPU from the same weights and batches:
   final losses, time per step and the ratio;
3. a nanoGPT shakespeare-char sized GPT (6 layers, 384 wide, 6 heads, context 256, batch 64):
   time per training step in both, and the ratio (target: npgrad within 2x, eager PyTorch).

    python bench/gpu_check.py [--steps 200] [--harness-seconds 120]

``--fake`` rehearses the script without a GPU: npgrad on its fake CUDA device
(``NPGRAD_FAKE_CUDA=1``), PyTorch on the CPU, and fewer steps (its timings mean nothing).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import models  # noqa: E402  (bench/models.py: one GPT for both libraries)


TORCH_DEVICE = "cuda"


def _require_gpus(fake: bool):
    global TORCH_DEVICE
    if fake:
        os.environ["NPGRAD_FAKE_CUDA"] = "1"
    import npgrad
    import torch
    if fake:
        TORCH_DEVICE = "cpu"
        return npgrad, torch
    if not npgrad.cuda.is_available():
        sys.exit("npgrad sees no CUDA device: install CuPy for this CUDA (pip install "
                 "'npgrad[gpu]', see the README) on a machine with an NVIDIA GPU")
    if not torch.cuda.is_available():
        sys.exit("PyTorch sees no CUDA device: a CUDA build of PyTorch is needed to compare")
    print(f"npgrad on {npgrad.cuda.get_device_name()}, PyTorch {torch.__version__} on "
          f"{torch.cuda.get_device_name()}")
    return npgrad, torch


def harness(seconds: float) -> None:
    """Every spec, on the GPU, against PyTorch."""
    from tests.ops.harness import BF16, check_against_torch
    from tests.ops.specs import ALL_SPECS
    passed, failed, start = 0, [], time.perf_counter()
    for spec in ALL_SPECS:
        for dtype in spec.dtypes:
            for case in spec.cases if dtype != BF16 else ():
                try:
                    check_against_torch(spec, case, dtype, "cuda")
                    passed += 1
                except Exception as e:  # noqa: BLE001 (every failure is reported)
                    failed.append(f"{spec.name} {dtype} {case}: {type(e).__name__}: "
                                  f"{str(e).splitlines()[0][:160]}")
        if time.perf_counter() - start > seconds:
            print(f"(harness stopped after {seconds:.0f} s, at spec {spec.name})")
            break
    print(f"op harness on cuda: {passed} cases pass, {len(failed)} fail")
    for line in failed[:30]:
        print("  FAIL", line)


def _models(npgrad, torch, **cfg):
    torch.manual_seed(0)
    theirs = models.gpt(torch, **cfg).to(TORCH_DEVICE)
    ours = models.gpt(npgrad, **cfg)
    models.same_weights(ours, theirs, torch)
    return ours.cuda(), theirs


def _step(lib, model, opt, x, y):
    opt.zero_grad()
    logits = model(x)
    loss = lib.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    loss.backward()
    opt.step()
    return loss


def train(npgrad, torch, steps: int, batch: int, vocab: int = 65, **cfg) -> dict:
    """``steps`` AdamW steps of both libraries on the same batches; ms per step (median of
    the steps after the first 5) and the last losses."""
    ours, theirs = _models(npgrad, torch, vocab=vocab, **cfg)
    result = {}
    for lib, model in ((npgrad, ours), (torch, theirs)):
        opt = lib.optim.AdamW(model.parameters(), lr=1e-3)
        rng = np.random.default_rng(0)
        times, loss = [], None
        for _ in range(steps):
            seq = rng.integers(0, vocab, (batch, cfg["context"] + 1))
            device = "cuda" if lib is npgrad else TORCH_DEVICE
            x = lib.tensor(seq[:, :-1], device=device)
            y = lib.tensor(seq[:, 1:], device=device)
            sync = lib.cuda.synchronize if device == "cuda" else (lambda: None)
            sync()
            t0 = time.perf_counter()
            loss = _step(lib, model, opt, x, y)
            sync()
            times.append(time.perf_counter() - t0)
        result[lib.__name__] = (statistics.median(times[5:] or times) * 1e3, float(loss.item()))
    (ms_o, loss_o), (ms_t, loss_t) = result["npgrad"], result["torch"]
    print(f"  npgrad {ms_o:8.2f} ms/step, final loss {loss_o:.4f}")
    print(f"  torch  {ms_t:8.2f} ms/step, final loss {loss_t:.4f}")
    print(f"  ratio  {ms_o / ms_t:.2f}x (npgrad / PyTorch)")
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--harness-seconds", type=float, default=120)
    p.add_argument("--fake", action="store_true", help="rehearse on the fake device")
    args = p.parse_args()
    npgrad, torch = _require_gpus(args.fake)
    try:
        harness(args.harness_seconds)
    except Exception:  # noqa: BLE001 (the training comparisons still run)
        traceback.print_exc()
    print(f"\nchar-GPT (4 layers, 128 wide, context 64, batch 16), {args.steps} steps:")
    train(npgrad, torch, args.steps, 16, width=128, layers=4, heads=4, context=64)
    print("\nnanoGPT shakespeare-char size (6 layers, 384 wide, 6 heads, context 256, "
          "batch 64), 30 steps:")
    train(npgrad, torch, 30 if not args.fake else 6, 64 if not args.fake else 2, width=384,
          layers=6, heads=6, context=256)


if __name__ == "__main__":
    main()
