"""Runs npgrad/examples/mlp_digits.py (also: `python -m npgrad.examples mlp_digits --help`)."""
import sys

from npgrad.examples.mlp_digits import main

if __name__ == "__main__":
    main(sys.argv[1:])
