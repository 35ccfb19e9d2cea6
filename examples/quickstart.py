"""The smallest npgrad program: fit y = 3x + 2 with raw tensors and backward().

Run with ``python examples/quickstart.py``.
"""
import npgrad as torch

torch.manual_seed(0)
x = torch.linspace(-1, 1, 64).reshape(64, 1)
y = 3 * x + 2 + 0.1 * torch.randn(64, 1)

w = torch.zeros(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for step in range(200):
    loss = ((x @ w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        b -= 0.1 * b.grad
    w.grad = None
    b.grad = None
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.4f}")

print(f"learned w = {w.item():.3f}, b = {b.item():.3f} (true: 3, 2)")
