"""A small CNN (Conv2d, BatchNorm2d, MaxPool2d, Dropout) on the bundled 8x8 digits (>= 98%).

    python -m npgrad.examples cnn_digits [--epochs 30]
"""
from __future__ import annotations

import time

import npgrad as torch
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.datasets import load_digits
from npgrad.examples import parser
from npgrad.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, channels: int = 32, dropout: float = 0.3) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.MaxPool2d(2),                                           # 8x8 -> 4x4
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.BatchNorm2d(2 * channels),
            nn.ReLU(),
            nn.MaxPool2d(2),                                           # 4x4 -> 2x2
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout),
                                        nn.Linear(2 * channels * 4, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, x, y) -> float:
    model.eval()
    with torch.no_grad():
        correct = (model(x).argmax(dim=1) == y).sum().item()
    model.train()
    return correct / len(y)


def main(argv=None) -> dict:
    p = parser("cnn_digits", __doc__)
    p.add_argument("--epochs", type=int, default=30, help="passes over the training set")
    p.add_argument("--channels", type=int, default=32,
                   help="channels of the first convolutions")
    p.add_argument("--batch-size", type=int, default=32, help="images per step")
    p.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    start = time.perf_counter()

    x_train, y_train = load_digits("train")
    x_test, y_test = load_digits("test")
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                        shuffle=True)
    model = Net(args.channels)
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
