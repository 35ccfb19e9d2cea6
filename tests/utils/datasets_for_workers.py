"""A dataset for the DataLoader worker tests, in a module that imports neither PyTorch nor
pytest: the 'spawn' and 'forkserver' start methods import it in every worker."""
import time

import numpy as np

import npgrad.utils.data as nud


class Squares(nud.Dataset):
    """Sample i is (i, i*i); later indices come back sooner, so results arrive out of order."""

    def __init__(self, n: int = 24, delay: float = 0.0) -> None:
        self.n, self.delay = n, delay

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if self.delay:
            time.sleep(self.delay * (self.n - i) / self.n)
        return np.array([i, i * i], np.float32), i
