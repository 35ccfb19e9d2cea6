"""``npgrad.datasets``: data sets for the examples, named as in torchvision.

Bundled (no download, provenance and licences in ``npgrad/datasets/data/README.md``):
:func:`load_digits` / :class:`Digits` (8x8 handwritten digits, fixed train/test split) and
:func:`tinyshakespeare` / :class:`TinyShakespeare` (the char-rnn text, 90% / 10% split).

Downloaded on request into a cache folder, with SHA-256 checks: :class:`MNIST`,
:class:`FashionMNIST`.
"""
from .bundled import DATA_DIR, Digits, TinyShakespeare, load_digits, tinyshakespeare
from .mnist import MNIST, DatasetIntegrityError, FashionMNIST, read_idx

__all__ = ["DATA_DIR", "Digits", "TinyShakespeare", "load_digits", "tinyshakespeare",
           "MNIST", "FashionMNIST", "DatasetIntegrityError", "read_idx"]
