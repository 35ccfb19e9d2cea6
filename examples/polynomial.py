"""Runs npgrad/examples/polynomial.py (also: `python -m npgrad.examples polynomial --help`)."""
import sys

from npgrad.examples.polynomial import main

if __name__ == "__main__":
    main(sys.argv[1:])
