"""``python -m npgrad.examples NAME [args]``: run one example (``--help`` lists them)."""
import sys

from . import cli

sys.exit(cli())
