"""The data sets that ship inside npgrad: 8x8 handwritten digits and tiny Shakespeare.

Both are read from ``npgrad/datasets/data`` (provenance and licences in its README.md), so
nothing is downloaded and the examples run offline.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

import numpy as np

from ..ops.creation.factories import from_numpy
from ..tensor import Tensor
from ..utils.data import Dataset

__all__ = ["DATA_DIR", "Digits", "load_digits", "tinyshakespeare", "TinyShakespeare"]

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

_TEST_FRACTION = 0.2
_SPLIT_SEED = 0


# ---------------------------------------------------------------------------------------------
# Digits
# ---------------------------------------------------------------------------------------------

def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    with np.load(os.path.join(DATA_DIR, "digits.npz")) as f:
        return f["images"], f["labels"]


def _digits_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fixed train/test indices: 20% of each class is held out (seeded, stratified)."""
    rng = np.random.default_rng(_SPLIT_SEED)
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(len(idx) * _TEST_FRACTION))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def load_digits(split: str = "train") -> tuple[Tensor, Tensor]:
    """The bundled 8x8 digits as two tensors: images float32 ``[N, 1, 8, 8]`` scaled to [0, 1]
    and labels int64 ``[N]``.

    ``split`` is ``"train"`` (1,438 images), ``"test"`` (359) or ``"all"`` (1,797). The split
    is fixed: 20% of each class, chosen with a fixed seed, is the test set.

    >>> x, y = load_digits("test")
    >>> x.shape, y.shape
    (npgrad.Size([359, 1, 8, 8]), npgrad.Size([359]))
    """
    images, labels = _digits_arrays()
    if split != "all":
        if split not in ("train", "test"):
            raise ValueError(f"load_digits: split must be 'train', 'test' or 'all', got {split!r}")
        idx = _digits_split(labels)[0 if split == "train" else 1]
        images, labels = images[idx], labels[idx]
    x = (images.astype(np.float32) / 16.0)[:, None]
    return from_numpy(x), from_numpy(labels.astype(np.int64))


class Digits(Dataset):
    """The bundled 8x8 handwritten digits as a map-style dataset, like torchvision's MNIST.

    ``ds[i]`` is ``(image, label)``: the image a float32 tensor ``[1, 8, 8]`` in [0, 1] (what
    torchvision's ``ToTensor`` gives), passed through ``transform`` if given; the label an
    ``int``, through ``target_transform``. ``ds.data`` (uint8 ``[N, 8, 8]``, grey levels
    0..16) and ``ds.targets`` (int64 ``[N]``) hold the whole split.
    """

    classes = [str(i) for i in range(10)]

    def __init__(self, train: bool = True, transform: Optional[Callable] = None,
                 target_transform: Optional[Callable] = None) -> None:
        images, labels = _digits_arrays()
        idx = _digits_split(labels)[0 if train else 1]
        self.train = train
        self.data = from_numpy(images[idx])
        self.targets = from_numpy(labels[idx].astype(np.int64))
        self.transform, self.target_transform = transform, target_transform

    def __len__(self) -> int:
        return self.data.shape[0]

    def __getitem__(self, index: int):
        img = from_numpy(self.data._data[index][None].astype(np.float32) / 16.0)
        target = int(self.targets._data[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self) -> str:
        return f"Digits(split={'train' if self.train else 'test'}, n={len(self)})"


# ---------------------------------------------------------------------------------------------
# Tiny Shakespeare
# ---------------------------------------------------------------------------------------------

def tinyshakespeare(split: str = "all") -> str:
    """The tiny-Shakespeare text (1,115,394 characters): ``"all"``, or ``"train"`` (the first
    90%) or ``"val"`` (the last 10%), the standard split for character-level models."""
    with open(os.path.join(DATA_DIR, "tinyshakespeare.txt"), encoding="utf-8") as f:
        text = f.read()
    cut = int(0.9 * len(text))
    if split == "all":
        return text
    if split == "train":
        return text[:cut]
    if split in ("val", "test"):
        return text[cut:]
    raise ValueError(f"tinyshakespeare: split must be 'all', 'train' or 'val', got {split!r}")


class TinyShakespeare:
    """The text with a character vocabulary: ``encode``/``decode`` map between strings and
    int64 tensors of character ids; ``train_data`` / ``val_data`` are the encoded 90% / 10%.

    >>> ts = TinyShakespeare()
    >>> ts.decode(ts.encode("To be"))
    'To be'
    """

    def __init__(self) -> None:
        self.text = tinyshakespeare()
        self.chars = sorted(set(self.text))
        self.vocab_size = len(self.chars)
        self._lookup = np.zeros(max(map(ord, self.chars)) + 1, dtype=np.int64)
        self._lookup[[ord(c) for c in self.chars]] = np.arange(self.vocab_size)
        ids = self.encode(self.text)
        cut = int(0.9 * len(self.text))
        self.train_data, self.val_data = ids[:cut], ids[cut:]

    def encode(self, s: str) -> Tensor:
        """Character ids of ``s`` (every character must be in the vocabulary)."""
        codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        if codes.size and (codes.max() >= len(self._lookup)
                           or not np.isin(codes, [ord(c) for c in self.chars]).all()):
            bad = sorted({c for c in s if c not in self.chars})
            raise ValueError(f"TinyShakespeare.encode: characters not in the vocabulary: {bad}")
        return from_numpy(self._lookup[codes])

    def decode(self, ids) -> str:
        """The string of character ids (a tensor, array or list)."""
        arr = ids._data if isinstance(ids, Tensor) else np.asarray(ids)
        return "".join(self.chars[i] for i in arr.reshape(-1).tolist())
