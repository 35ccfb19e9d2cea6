"""Runs npgrad/examples/quickstart.py (also: `python -m npgrad.examples quickstart --help`)."""
import sys

from npgrad.examples.quickstart import main

if __name__ == "__main__":
    main(sys.argv[1:])
