"""Named result tuples, as ``torch.return_types``: ``x.max(dim)`` returns ``max(values, indices)``.

Each type is a tuple (it unpacks and indexes like one) whose fields are also attributes, and it
prints as PyTorch's does. Ops with such results make their type here with :func:`make`.
"""
from __future__ import annotations

import collections

__all__ = ["make", "max", "min", "median", "cummax", "cummin"]


def make(name: str, fields: tuple = ("values", "indices")) -> type:
    """A tuple type ``name`` with the named ``fields`` (defaults: ``values``, ``indices``)."""
    base = collections.namedtuple(name, fields)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"npgrad.return_types.{name}(\n{body})"

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__,
                                "__module__": __name__, "__qualname__": name})


max = make("max")  # noqa: A001 (PyTorch's names)
min = make("min")  # noqa: A001
median = make("median")
cummax = make("cummax")
cummin = make("cummin")
