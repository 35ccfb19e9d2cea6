"""``npgrad.utils``: data loading (``utils.data``) and other utilities."""
from . import data  # noqa: F401
