"""Runs npgrad/examples/char_gpt.py (also: `python -m npgrad.examples char_gpt --help`)."""
import sys

from npgrad.examples.char_gpt import main

if __name__ == "__main__":
    main(sys.argv[1:])
