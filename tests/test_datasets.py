"""npgrad.datasets: the bundled digits and text, and the MNIST loaders' download path against a
small IDX fixture served on 127.0.0.1 (never the internet)."""
import functools
import gzip
import hashlib
import http.server
import struct
import threading

import numpy as np
import pytest

import npgrad
from npgrad import datasets


# -- bundled ---------------------------------------------------------------------------------

def test_digits_split_is_fixed_disjoint_and_complete():
    xtr, ytr = datasets.load_digits("train")
    xte, yte = datasets.load_digits("test")
    xall, _ = datasets.load_digits("all")
    assert xtr.shape == (1438, 1, 8, 8) and xte.shape == (359, 1, 8, 8)
    assert xtr.dtype == npgrad.float32 and ytr.dtype == npgrad.int64
    assert xall.shape[0] == xtr.shape[0] + xte.shape[0]
    assert 0.0 <= float(xtr.min()) and float(xtr.max()) == 1.0
    # every class is in both splits, in about the same proportion
    assert (np.bincount(yte.numpy(), minlength=10) >= 34).all()
    x2, _ = datasets.load_digits("test")
    assert np.array_equal(x2.numpy(), xte.numpy())
    with pytest.raises(ValueError, match="split"):
        datasets.load_digits("validation")


def test_digits_dataset_items_and_transforms():
    ds = datasets.Digits(train=False, transform=lambda x: x * 2, target_transform=str)
    img, label = ds[3]
    assert img.shape == (1, 8, 8) and isinstance(label, str)
    assert len(ds) == 359 and ds.data.dtype == npgrad.uint8
    loader = npgrad.utils.data.DataLoader(datasets.Digits(train=True), batch_size=64)
    x, y = next(iter(loader))
    assert x.shape == (64, 1, 8, 8) and y.dtype == npgrad.int64


def test_tinyshakespeare_text_and_vocabulary():
    text = datasets.tinyshakespeare()
    assert len(text) == 1115394
    assert hashlib.md5(text.encode()).hexdigest() == "6fb458f1232090904fb40fe944165e91"
    assert datasets.tinyshakespeare("train") + datasets.tinyshakespeare("val") == text
    ts = datasets.TinyShakespeare()
    assert ts.vocab_size == 65
    assert ts.train_data.shape[0] + ts.val_data.shape[0] == len(text)
    assert ts.decode(ts.encode("First Citizen:")) == "First Citizen:"
    with pytest.raises(ValueError, match="vocabulary"):
        ts.encode("café")


def test_provenance_note_ships_with_the_data():
    import os
    note = open(os.path.join(datasets.DATA_DIR, "README.md")).read()
    assert "CC BY 4.0" in note and "char-rnn" in note


# -- IDX parsing -----------------------------------------------------------------------------

def _idx_bytes(arr: np.ndarray) -> bytes:
    code = {np.uint8: 0x08, np.int32: 0x0C, np.float32: 0x0D}[arr.dtype.type]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def test_read_idx_dtypes_and_errors(tmp_path):
    for arr in [np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
                np.array([-5, 70000], dtype=np.int32), np.array([[1.5, -2.0]], np.float32)]:
        p = tmp_path / "a.gz"
        p.write_bytes(gzip.compress(_idx_bytes(arr)))
        out = datasets.read_idx(str(p))
        assert out.dtype == arr.dtype and np.array_equal(out, arr)
    p = tmp_path / "bad"
    p.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        datasets.read_idx(str(p))
    p.write_bytes(_idx_bytes(np.zeros((3, 2), np.uint8))[:-1])
    with pytest.raises(ValueError, match="header says"):
        datasets.read_idx(str(p))


# -- the download path, against a local server -----------------------------------------------

@pytest.fixture
def idx_server(tmp_path):
    """Serve a tiny MNIST-shaped data set (5 train / 3 test images of 28x28) on 127.0.0.1."""
    rng = np.random.default_rng(0)
    served = tmp_path / "served"
    served.mkdir()
    files = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
             "train-labels-idx1-ubyte.gz": np.array([0, 1, 2, 3, 4], np.uint8),
             "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
             "t10k-labels-idx1-ubyte.gz": np.array([7, 8, 9], np.uint8)}
    resources = []
    for name, arr in files.items():
        blob = gzip.compress(_idx_bytes(arr))
        (served / name).write_bytes(blob)
        resources.append((name, hashlib.sha256(blob).hexdigest()))
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield url, resources, files, served
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests += 1
        super().do_GET()


def _local(cls, url, resources):
    return type(cls.__name__, (cls,), {"mirrors": [url], "resources": resources,
                                       "timeout": 5.0})


@pytest.mark.parametrize("base", [datasets.MNIST, datasets.FashionMNIST])
def test_download_parse_and_cache(idx_server, tmp_path, base):
    url, resources, files, _ = idx_server
    cls = _local(base, url, resources)
    root = tmp_path / "cache"
    train = cls(root, train=True, download=True)
    assert (root / base.__name__ / "raw" / "train-images-idx3-ubyte.gz").exists()
    assert train.data.shape == (5, 28, 28) and train.data.dtype == npgrad.uint8
    assert np.array_equal(train.data.numpy(), files["train-images-idx3-ubyte.gz"])
    assert train.targets.tolist() == [0, 1, 2, 3, 4]
    img, label = train[2]
    assert img.shape == (1, 28, 28) and img.dtype == npgrad.float32 and label == 2
    assert float(img.max()) <= 1.0
    test = cls(root, train=False, transform=lambda x: x.flatten())
    assert len(test) == 3 and test[0][0].shape == (784,) and test[1][1] == 8
    # a second download finds the cache and fetches nothing
    before = _QuietHandler.requests
    cls(root, train=True, download=True)
    assert _QuietHandler.requests == before


def test_missing_file_without_download(tmp_path):
    with pytest.raises(RuntimeError, match="download=True"):
        datasets.MNIST(tmp_path, train=True)


def test_corrupt_cached_file_is_reported(idx_server, tmp_path):
    url, resources, _, _ = idx_server
    cls = _local(datasets.MNIST, url, resources)
    cls(tmp_path, download=True)
    path = tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(datasets.DatasetIntegrityError, match="corrupt.*Delete it"):
        cls(tmp_path, train=True)


def test_corrupt_download_is_rejected(idx_server, tmp_path):
    url, resources, _, served = idx_server
    (served / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    cls = _local(datasets.MNIST, url, resources)
    with pytest.raises(RuntimeError, match="SHA-256 .* expected"):
        cls(tmp_path, download=True)
    raw = tmp_path / "MNIST" / "raw"
    assert not (raw / "t10k-labels-idx1-ubyte.gz").exists()
    assert not list(raw.glob("*.part"))


def test_offline_error_is_clear(tmp_path):
    # a port nobody listens on: connection refused, as when offline
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cls = _local(datasets.MNIST, f"http://127.0.0.1:{port}/", datasets.MNIST.resources)
    with pytest.raises(RuntimeError, match="(?s)could not download .*offline.*Digits"):
        cls(tmp_path, download=True)
