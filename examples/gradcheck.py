"""Runs npgrad/examples/gradcheck.py (also: `python -m npgrad.examples gradcheck --help`)."""
import sys

from npgrad.examples.gradcheck import main

if __name__ == "__main__":
    main(sys.argv[1:])
