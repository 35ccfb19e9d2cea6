"""Fetchers: turn one entry of the loader's index stream into one item (a batch, or a sample
when batching is off). The main process and every worker process use the same fetchers, so a
batch is the same whichever process builds it."""
from __future__ import annotations

from typing import Callable


class MapFetcher:
    """For a map-style dataset: ``index`` is a list of indices (batching on) or one index."""

    def __init__(self, dataset, auto_collation: bool, collate_fn: Callable) -> None:
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn

    def fetch(self, index):
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            samples = getitems(index) if getitems else [self.dataset[i] for i in index]
            return self.collate_fn(samples)
        return self.collate_fn(self.dataset[index])


class IterableFetcher:
    """For an IterableDataset: each call takes the next ``batch_size`` samples of the stream
    (or one sample when batching is off); ``StopIteration`` once the stream is spent."""

    def __init__(self, dataset, batch_size: int | None, drop_last: bool,
                 collate_fn: Callable) -> None:
        self.stream, self.batch_size = iter(dataset), batch_size
        self.drop_last, self.collate_fn = drop_last, collate_fn
        self.ended = False

    def fetch(self, index=None):
        if self.ended:
            raise StopIteration
        if self.batch_size is None:
            return self.collate_fn(next(self.stream))
        batch = []
        for sample in self.stream:
            batch.append(sample)
            if len(batch) == self.batch_size:
                return self.collate_fn(batch)
        self.ended = True
        if not batch or self.drop_last:
            raise StopIteration
        return self.collate_fn(batch)
