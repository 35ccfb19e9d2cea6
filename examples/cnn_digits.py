"""Runs npgrad/examples/cnn_digits.py (also: `python -m npgrad.examples cnn_digits --help`)."""
import sys

from npgrad.examples.cnn_digits import main

if __name__ == "__main__":
    main(sys.argv[1:])
