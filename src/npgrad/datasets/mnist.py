"""MNIST and FashionMNIST, downloaded on request like torchvision's, with no dependency.

Files go to ``<root>/<ClassName>/raw`` (the cache folder: downloaded once, then read from
there). Every file is checked against its SHA-256 before use: a corrupt or truncated file is
reported with the path to delete, never silently parsed. The gzip files are in the IDX format
(a big-endian header of magic number and dimensions, then the raw values), parsed with NumPy.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import urllib.error
import urllib.request
from typing import Callable, Optional

import numpy as np

from ..ops.creation.factories import from_numpy
from ..utils.data import Dataset

__all__ = ["MNIST", "FashionMNIST", "read_idx", "DatasetIntegrityError"]


class DatasetIntegrityError(RuntimeError):
    """A data file whose SHA-256 is not the expected one (corrupt, truncated or replaced)."""


# IDX type codes -> big-endian NumPy dtypes
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """Parse an IDX file (gzip-compressed if its name ends in ``.gz``) into a NumPy array.

    The header is two zero bytes, a type code, the number of dimensions, then one big-endian
    uint32 per dimension.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    dims = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    body = raw[4 + 4 * ndim:]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(body) != expected:
        raise ValueError(f"{path}: IDX body has {len(body)} bytes, header says {expected}")
    return np.frombuffer(body, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class MNIST(Dataset):
    """The MNIST handwritten digits (60,000 train / 10,000 test 28x28 images), as torchvision's
    ``datasets.MNIST``.

    Args:
        root: the cache directory; files live in ``root/MNIST/raw``.
        train: the training set if True, else the test set.
        transform: applied to each image (a float32 tensor ``[1, 28, 28]`` in [0, 1], what
            torchvision's ``ToTensor`` gives).
        target_transform: applied to each label (an ``int``).
        download: fetch the files that are missing (from ``mirrors``, in order) into ``root``.

    ``ds.data`` (uint8 ``[N, 28, 28]``) and ``ds.targets`` (int64 ``[N]``) hold the split.
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz",
         "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        ("train-labels-idx1-ubyte.gz",
         "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        ("t10k-images-idx3-ubyte.gz",
         "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        ("t10k-labels-idx1-ubyte.gz",
         "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    timeout = 30.0  # seconds per connection attempt

    def __init__(self, root: str, train: bool = True, transform: Optional[Callable] = None,
                 target_transform: Optional[Callable] = None, download: bool = False) -> None:
        self.root = os.path.expanduser(str(root))
        self.train = train
        self.transform, self.target_transform = transform, target_transform
        if download:
            self.download()
        for name, sha in self._split_resources():
            path = os.path.join(self.raw_folder, name)
            if not os.path.exists(path):
                raise RuntimeError(f"{type(self).__name__}: {path} not found. "
                                   f"Use download=True to download it.")
            self._check(path, sha)
        images_file, labels_file = (n for n, _ in self._split_resources())
        images = read_idx(os.path.join(self.raw_folder, images_file))
        labels = read_idx(os.path.join(self.raw_folder, labels_file))
        if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise ValueError(f"{type(self).__name__}: images {images.shape} and labels "
                             f"{labels.shape} do not match")
        self.data = from_numpy(images.astype(np.uint8))
        self.targets = from_numpy(labels.astype(np.int64))

    @property
    def raw_folder(self) -> str:
        """Where the downloaded files are cached: ``root/<ClassName>/raw``."""
        return os.path.join(self.root, type(self).__name__, "raw")

    def _split_resources(self) -> list:
        prefix = "train" if self.train else "t10k"
        return [r for r in self.resources if r[0].startswith(prefix)]

    def _check(self, path: str, sha: str) -> None:
        got = _sha256(path)
        if got != sha:
            raise DatasetIntegrityError(
                f"{type(self).__name__}: {path} is corrupt (SHA-256 {got}, expected {sha}). "
                f"Delete it and download again.")

    def _check_exists(self) -> bool:
        return all(os.path.exists(os.path.join(self.raw_folder, n)) for n, _ in self.resources)

    def download(self) -> None:
        """Download every missing file into ``raw_folder`` and check its SHA-256."""
        os.makedirs(self.raw_folder, exist_ok=True)
        for name, sha in self.resources:
            path = os.path.join(self.raw_folder, name)
            if os.path.exists(path):
                continue
            errors = []
            for mirror in self.mirrors:
                url = mirror + name
                tmp = path + ".part"
                try:
                    with urllib.request.urlopen(url, timeout=self.timeout) as r, \
                            open(tmp, "wb") as f:
                        shutil.copyfileobj(r, f)
                except (urllib.error.URLError, OSError) as e:
                    errors.append(f"  {url}: {getattr(e, 'reason', e)}")
                    if os.path.exists(tmp):
                        os.remove(tmp)
                    continue
                got = _sha256(tmp)
                if got != sha:
                    os.remove(tmp)
                    errors.append(f"  {url}: SHA-256 {got}, expected {sha} (corrupt download)")
                    continue
                os.replace(tmp, path)
                break
            else:
                raise RuntimeError(
                    f"{type(self).__name__}: could not download {name} (offline, or every "
                    f"mirror failed):\n" + "\n".join(errors) +
                    f"\nPlace the file in {self.raw_folder} by hand, or use the bundled "
                    f"npgrad.datasets.Digits, which needs no network.")

    def __len__(self) -> int:
        return self.data.shape[0]

    def __getitem__(self, index: int):
        img = from_numpy(self.data._data[index][None].astype(np.float32) / 255.0)
        target = int(self.targets._data[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(split={'train' if self.train else 'test'}, "
                f"n={len(self)}, root={self.root!r})")


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (clothing images in MNIST's format), as torchvision's
    ``datasets.FashionMNIST``; same arguments as :class:`MNIST`, cache ``root/FashionMNIST``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz",
         "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc"),
        ("train-labels-idx1-ubyte.gz",
         "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"),
        ("t10k-images-idx3-ubyte.gz",
         "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229"),
        ("t10k-labels-idx1-ubyte.gz",
         "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
