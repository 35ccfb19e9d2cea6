"""``npgrad.utils``: data loading (``utils.data``), activation checkpointing
(``utils.checkpoint``) and other utilities."""
from . import checkpoint, data  # noqa: F401
