"""Runnable examples: ``python -m npgrad.examples NAME [args]`` (or ``npgrad-demo NAME``).

Each example is a module here with a ``main(argv)`` that parses its own arguments, prints what
it does and returns its results (which the tests check).
"""
from __future__ import annotations

import argparse
import importlib

# name -> one line; the order is the order of --help
EXAMPLES = {
    "quickstart": "the smallest npgrad program: fit a line with raw tensors and backward()",
    "char_gpt": "the main demo: a character-level GPT trained on tiny Shakespeare, then a sample",
    "mlp_digits": "an MLP on the bundled 8x8 handwritten digits (>= 97% test accuracy)",
    "cnn_digits": "a CNN (Conv2d, BatchNorm2d, MaxPool2d, Dropout) on the digits (>= 98%)",
    "polynomial": "fit sin(x) with a cubic: raw tensors and backward(), then a custom "
                  "autograd.Function",
    "graph": "draw the computational graphs of a small expression and a small MLP",
    "gradcheck": "npgrad.autograd.gradcheck on a user function, and a wrong backward caught",
}


class _HelpFormatter(argparse.RawDescriptionHelpFormatter,
                     argparse.ArgumentDefaultsHelpFormatter):
    """The docstring as written, and every option's default after its help."""


def parser(prog: str, doc: str) -> argparse.ArgumentParser:
    """An example's argument parser: ``--help`` shows the example's docstring (what it does,
    how to run it) and each option's default."""
    return argparse.ArgumentParser(prog=f"python -m npgrad.examples {prog}",
                                   description=doc.strip(), formatter_class=_HelpFormatter)


def run(name: str, argv=None):
    """Run example ``name`` with command-line arguments ``argv``; returns its results."""
    if name not in EXAMPLES:
        raise SystemExit(f"unknown example {name!r}; choose one of: {', '.join(EXAMPLES)}")
    return importlib.import_module(f"{__name__}.{name}").main(argv)


def cli(argv=None) -> int:
    """The ``npgrad-demo`` / ``python -m npgrad.examples`` entry point."""
    import sys
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        width = max(map(len, EXAMPLES))
        print("usage: python -m npgrad.examples NAME [options]   (or: npgrad-demo NAME ...)\n")
        print("examples:")
        for name, line in EXAMPLES.items():
            print(f"  {name:<{width}}  {line}")
        print("\n`python -m npgrad.examples NAME --help` lists an example's options.")
        return 0
    run(argv[0], argv[1:])
    return 0
