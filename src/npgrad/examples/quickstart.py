"""The smallest npgrad program: fit y = 3x + 2 to noisy points with raw tensors, backward()
and plain gradient descent.

    python -m npgrad.examples quickstart [--steps 200] [--lr 0.1]
"""
from __future__ import annotations

import npgrad as torch
from npgrad.examples import parser


def main(argv=None) -> dict:
    p = parser("quickstart", __doc__)
    p.add_argument("--steps", type=int, default=200, help="gradient descent steps")
    p.add_argument("--lr", type=float, default=0.1, help="learning rate")
    p.add_argument("--seed", type=int, default=0, help="random seed of the noise")
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    x = torch.linspace(-1, 1, 64).reshape(64, 1)
    y = 3 * x + 2 + 0.1 * torch.randn(64, 1)

    w = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for step in range(args.steps):
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= args.lr * w.grad
            b -= args.lr * b.grad
        w.grad = None
        b.grad = None
        if step % 50 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")

    print(f"learned w = {w.item():.3f}, b = {b.item():.3f} (true: 3, 2)")
    return {"w": w.item(), "b": b.item(), "loss": loss.item()}


if __name__ == "__main__":
    main()
