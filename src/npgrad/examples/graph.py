"""Draw the computational graphs of a small expression and of a small MLP's loss.

    python -m npgrad.examples graph [--out out/graph] [--show-saved]

Writes pictures (SVG by default) when Graphviz's ``dot`` program is installed, and DOT text
files (readable by any Graphviz viewer) otherwise.
"""
from __future__ import annotations

import os

import npgrad as torch
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.examples import parser
from npgrad.utils import viz


def main(argv=None) -> dict:
    p = parser("graph", __doc__)
    p.add_argument("--out", default=os.path.join("out", "graph"), help="output folder")
    p.add_argument("--show-saved", action="store_true", help="list what each op saved")
    p.add_argument("--format", default="svg", choices=["svg", "png", "pdf"],
                   help="picture format (when Graphviz's dot is installed)")
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)

    # 1. an expression: z = sum(x * y + exp(x))
    x = torch.randn(3, requires_grad=True)
    y = torch.randn(3, requires_grad=True)
    z = (x * y + x.exp()).sum()
    print(f"z = {z}")
    expr = viz.save(z, os.path.join(args.out, "expression"), format=args.format,
                    params={"x": x, "y": y}, show_saved=args.show_saved, hint=False)

    # 2. a small MLP's loss: parameters are labelled with their names
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = F.cross_entropy(model(torch.randn(5, 4)), torch.tensor([0, 2, 1, 0, 2]))
    mlp = viz.save(loss, os.path.join(args.out, "mlp"), format=args.format,
                   params=dict(model.named_parameters()), show_saved=args.show_saved,
                   hint=False)
    print(f"wrote {expr} and {mlp}")
    if not viz.dot_available():
        print(f"(DOT text: Graphviz's `dot` program is not installed. To get pictures, "
              f"{viz.INSTALL_HINT}.)")
    return {"files": [expr, mlp]}


if __name__ == "__main__":
    main()
