"""``npgrad.backends.mkldnn``: oneDNN's switches, answered as PyTorch's CPU build answers
(``is_available()`` True; ``enabled`` and ``deterministic`` kept and checked). npgrad's ops run
on NumPy whatever they say."""
from __future__ import annotations

from ._flags import BoolFlag, install

__all__ = ["is_available"]

_STATE = {"enabled": True, "deterministic": False}


def is_available() -> bool:
    """Whether PyTorch's CPU build has MKL-DNN: True."""
    return True


install(__name__, {
    "enabled": BoolFlag(_STATE, "enabled", "set_enabled_mkldnn"),
    "deterministic": BoolFlag(_STATE, "deterministic", "set_deterministic_mkldnn"),
})
