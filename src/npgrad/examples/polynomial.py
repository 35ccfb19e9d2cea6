"""Fit sin(x) on [-pi, pi] with a cubic: first raw tensors and backward(), then a custom
autograd.Function (the classic first autograd program).

    python -m npgrad.examples polynomial [--steps 2000]
"""
from __future__ import annotations

import argparse
import math

import npgrad as torch


class LegendreP3(torch.autograd.Function):
    """P3(x) = (5x^3 - 3x) / 2 with its derivative written by hand: 1.5 (5x^2 - 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x ** 3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 - 1)


def fit_raw(x, y, steps: int, lr: float) -> tuple[list, float]:
    """y ~ a + b x + c x^2 + d x^3, gradients from backward(), plain gradient descent."""
    a, b, c, d = (torch.randn((), requires_grad=True) for _ in range(4))
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % (steps // 5) == 0:
            print(f"  step {t:5d}  loss {loss.item():10.2f}")
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    print(f"  y = {a.item():.3f} + {b.item():.3f} x + {c.item():.3f} x^2 + {d.item():.3f} x^3")
    return [a.item(), b.item(), c.item(), d.item()], loss.item()


def fit_function(x, y, steps: int, lr: float) -> float:
    """y ~ a + b P3(c + d x), P3 through the custom Function above."""
    a = torch.full((), 0.0, requires_grad=True)
    b = torch.full((), -1.0, requires_grad=True)
    c = torch.full((), 0.0, requires_grad=True)
    d = torch.full((), 0.3, requires_grad=True)
    for t in range(steps):
        y_pred = a + b * LegendreP3.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % (steps // 5) == 0:
            print(f"  step {t:5d}  loss {loss.item():10.2f}")
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    print(f"  y = {a.item():.3f} + {b.item():.3f} P3({c.item():.3f} + {d.item():.3f} x)")
    return loss.item()


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="polynomial", description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--points", type=int, default=2000, help="samples of sin on [-pi, pi]")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    x = torch.linspace(-math.pi, math.pi, args.points)
    y = torch.sin(x)

    print("1. a cubic through raw tensors and backward()")
    scale = 2000 / args.points      # the loss is a sum over points: keep the step size
    coeffs, loss_raw = fit_raw(x, y, args.steps, lr=1e-6 * scale)
    print("2. the same fit through a custom autograd.Function (Legendre P3)")
    loss_fn = fit_function(x, y, args.steps, lr=5e-6 * scale)
    return {"coefficients": coeffs, "loss_raw": loss_raw, "loss_function": loss_fn}


if __name__ == "__main__":
    main()
