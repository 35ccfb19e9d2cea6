"""Runs npgrad/examples/graph.py (also: `python -m npgrad.examples graph --help`)."""
import sys

from npgrad.examples.graph import main

if __name__ == "__main__":
    main(sys.argv[1:])
