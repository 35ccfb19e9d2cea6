"""``python -m npgrad``: what npgrad is, a live check that it computes gradients, and where to
go next (the examples, running PyTorch scripts)."""
import platform
import sys

import numpy as np

import npgrad
from npgrad.examples import EXAMPLES


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["--version"], ["-V"]):
        print(npgrad.__version__)
        return 0
    x = npgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x ** 2).sum().backward()
    print(f"npgrad {npgrad.__version__}: PyTorch's API on a small, readable autograd engine "
          f"written in NumPy\n(NumPy {np.__version__}, Python {platform.python_version()}; "
          f"check: the gradient of sum(x**2) at x = [1, 2, 3] is {x.grad.tolist()})\n")
    print("  import npgrad as torch              use it as you use PyTorch")
    print("  python -m npgrad.run script.py      run an unmodified PyTorch script on npgrad")
    print("  python -m npgrad.examples NAME      run an example (NAME --help: its options):")
    width = max(map(len, EXAMPLES))
    for name, line in EXAMPLES.items():
        print(f"    {name:<{width}}  {line}")
    if argv and argv not in (["--help"], ["-h"]):
        print(f"\nunknown arguments {' '.join(argv)!r}: python -m npgrad takes only --help and "
              f"--version")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
