"""Draw the computational graphs of a small expression and of a small MLP's loss.

    python -m npgrad.examples graph [--out out/graph] [--show-saved]

Writes SVG pictures when Graphviz's ``dot`` program is installed, DOT text otherwise.
"""
from __future__ import annotations

import argparse
import os

import npgrad as torch
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.utils import viz


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="graph", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join("out", "graph"), help="output folder")
    p.add_argument("--show-saved", action="store_true", help="list what each op saved")
    p.add_argument("--format", default="svg", choices=["svg", "png", "pdf"])
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)

    # 1. an expression: z = sum(x * y + exp(x))
    x = torch.randn(3, requires_grad=True)
    y = torch.randn(3, requires_grad=True)
    z = (x * y + x.exp()).sum()
    print(f"z = {z}")
    print(viz.to_dot(z, params={"x": x, "y": y}))
    expr = viz.save(z, os.path.join(args.out, "expression"), format=args.format,
                    params={"x": x, "y": y}, show_saved=args.show_saved)

    # 2. a small MLP's loss: parameters are labelled with their names
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = F.cross_entropy(model(torch.randn(5, 4)), torch.tensor([0, 2, 1, 0, 2]))
    mlp = viz.save(loss, os.path.join(args.out, "mlp"), format=args.format,
                   params=dict(model.named_parameters()), show_saved=args.show_saved)
    print(f"wrote {expr} and {mlp}")
    return {"files": [expr, mlp]}


if __name__ == "__main__":
    main()
