"""``npgrad.torch_version``: ``TorchVersion``, the version string that compares as a version
(``npgrad.__version__ >= "0.1"``, ``>= (0, 1)``), as PyTorch's ``torch.torch_version``."""
from __future__ import annotations

import re

from .version import __version__

__all__ = ["TorchVersion", "internal_version"]


def _key(v) -> tuple:
    """A comparable key of a version (PEP 440's order, simplified): its numeric release
    parts, then a mark (pre-release 0 < release 1 < post-release 2), then the local part
    ('2.1+cpu' after '2.1')."""
    if isinstance(v, (tuple, list)):
        return tuple(int(p) for p in v) + ((1,), "")
    text, _, local = str(v).strip().partition("+")
    m = re.match(r"^v?(\d+(?:\.\d+)*)(.*)$", text)
    if m is None:
        raise ValueError(f"Invalid version: '{v}'")
    release, rest = tuple(int(p) for p in m.group(1).split(".")), m.group(2)
    mark = (1,) if not rest else (2, rest) if "post" in rest else (0, rest)
    return release + (mark, local)


def _padded(a: tuple, b: tuple) -> tuple:
    """Both keys' release parts padded with zeros to one length ('2.1' == '2.1.0')."""
    na, nb = len(a) - 2, len(b) - 2
    n = max(na, nb)
    return (a[:na] + (0,) * (n - na) + a[na:], b[:nb] + (0,) * (n - nb) + b[nb:])


class TorchVersion(str):
    """A version string that compares with strings, tuples and versions as a version."""

    def __eq__(self, other) -> bool:
        try:
            a, b = _padded(_key(self), _key(other))
        except (ValueError, TypeError):
            return str.__eq__(self, other)
        return a == b

    def _cmp(self, other) -> tuple:
        return _padded(_key(self), _key(other))

    def __lt__(self, other) -> bool:
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other) -> bool:
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other) -> bool:
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other) -> bool:
        a, b = self._cmp(other)
        return a >= b

    __hash__ = str.__hash__


internal_version = __version__
