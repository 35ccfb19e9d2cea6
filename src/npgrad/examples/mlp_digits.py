"""An MLP classifies the bundled 8x8 handwritten digits (>= 97% test accuracy in seconds).

    python -m npgrad.examples mlp_digits [--epochs 40] [--hidden 256]
"""
from __future__ import annotations

import time

import npgrad as torch
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.datasets import load_digits
from npgrad.examples import parser
from npgrad.utils.data import DataLoader, TensorDataset


def accuracy(model, x, y) -> float:
    model.eval()
    with torch.no_grad():
        correct = (model(x).argmax(dim=1) == y).sum().item()
    model.train()
    return correct / len(y)


def main(argv=None) -> dict:
    p = parser("mlp_digits", __doc__)
    p.add_argument("--epochs", type=int, default=40, help="passes over the training set")
    p.add_argument("--hidden", type=int, default=256, help="hidden units per layer")
    p.add_argument("--batch-size", type=int, default=32, help="images per step")
    p.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate")
    p.add_argument("--dropout", type=float, default=0.3, help="dropout probability")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    start = time.perf_counter()

    x_train, y_train = load_digits("train")
    x_test, y_test = load_digits("test")
    # standardise each pixel with the training set's statistics (+0.1: border pixels are
    # almost always 0, and dividing by their tiny spread would blow their noise up)
    mean, std = x_train.mean(dim=0), x_train.std(dim=0) + 0.1
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                        shuffle=True)
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, args.hidden), nn.ReLU(), nn.Dropout(args.dropout),
        nn.Linear(args.hidden, args.hidden), nn.ReLU(), nn.Dropout(args.dropout),
        nn.Linear(args.hidden, 10),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr,
                                                    total_steps=args.epochs * len(loader))

    for epoch in range(1, args.epochs + 1):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(yb)
        if epoch % max(1, args.epochs // 5) == 0 or epoch == args.epochs:
            print(f"epoch {epoch:3d}  loss {total / len(y_train):.4f}  "
                  f"test accuracy {accuracy(model, x_test, y_test):.2%}")

    acc = accuracy(model, x_test, y_test)
    elapsed = time.perf_counter() - start
    print(f"test accuracy {acc:.2%} on {len(y_test)} held-out digits ({elapsed:.1f}s)")
    return {"accuracy": acc, "seconds": elapsed}


if __name__ == "__main__":
    main()
