"""Fit sin(x) on [-pi, pi] with a cubic: first raw tensors and backward(), then a custom
autograd.Function (the classic first autograd program).

    python -m npgrad.examples polynomial [--steps 2000]
"""
from __future__ import annotations

import math

import npgrad as torch
from npgrad.examples import parser


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


def polynomial_text(coefficients, powers=("", " x", " x^2", " x^3")) -> str:
    """``a + b x + c x^2 + d x^3`` with each sign written once: ``0.1 - 0.006 x^2``."""
    text = ""
    for i, (c, power) in enumerate(zip(coefficients, powers)):
        c = 0.0 if round(c, 3) == 0 else c  # no "-0.000"
        if i == 0:
            text = f"{c:.3f}{power}"
        else:
            text += f" {'-' if c < 0 else '+'} {abs(c):.3f}{power}"
    return text


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
    coefficients = [a.item(), b.item(), c.item(), d.item()]
    print(f"  y = {polynomial_text(coefficients)}")
    return coefficients, loss.item()


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
    inner = polynomial_text([c.item(), d.item()])
    print(f"  y = {polynomial_text([a.item(), b.item()], ('', ' P3(' + inner + ')'))}")
    return loss.item()


def main(argv=None) -> dict:
    p = parser("polynomial", __doc__)
    p.add_argument("--steps", type=int, default=2000, help="gradient descent steps per fit")
    p.add_argument("--points", type=int, default=2000, help="samples of sin on [-pi, pi]")
    p.add_argument("--seed", type=int, default=0, help="random seed of the start")
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
