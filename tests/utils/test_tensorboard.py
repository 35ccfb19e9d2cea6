"""SummaryWriter writes event files that TensorBoard's own reader (EventAccumulator) reads
back, with the records PyTorch's writer makes for the same calls."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("tensorboard")

import torch  # noqa: E402
from tensorboard.backend.event_processing import event_accumulator as ea  # noqa: E402
from tensorboard.plugins.hparams import metadata as hp_metadata  # noqa: E402
from torch.utils.tensorboard import summary as torch_summary  # noqa: E402

import npgrad  # noqa: E402
from npgrad.utils.tensorboard import SummaryWriter  # noqa: E402
from npgrad.utils.tensorboard import summary as our_summary  # noqa: E402


def _read(path) -> ea.EventAccumulator:
    acc = ea.EventAccumulator(str(path), size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0,
                                                        ea.IMAGES: 0, ea.TENSORS: 0})
    acc.Reload()
    return acc


def _pixels(encoded: bytes) -> np.ndarray:
    image = pytest.importorskip("PIL.Image")
    return np.asarray(image.open(io.BytesIO(encoded)))


def test_scalars_read_back(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(4):
            w.add_scalar("loss/train", npgrad.tensor(1.0 / (step + 1)), step, walltime=100 + step)
        w.add_scalar("lr", np.float64(0.5), 7)
        w.add_scalar("new", 2.5, 1, new_style=True)
    acc = _read(tmp_path)
    got = [(e.step, e.wall_time, e.value) for e in acc.Scalars("loss/train")]
    assert got == [(s, 100 + s, pytest.approx(1.0 / (s + 1))) for s in range(4)]
    assert [(e.step, e.value) for e in acc.Scalars("lr")] == [(7, 0.5)]
    (new,) = acc.Tensors("new")
    assert new.step == 1 and new.tensor_proto.float_val == [2.5]
    assert w.get_logdir() == str(tmp_path)


def test_add_scalars_writes_one_run_per_key(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(2):
            w.add_scalars("loss", {"train": 1.0 + step, "val": 2.0 + step}, step)
    for key, base in [("train", 1.0), ("val", 2.0)]:
        acc = _read(tmp_path / f"loss_{key}")
        assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(0, base), (1, base + 1)]


@pytest.mark.parametrize("bins, max_bins", [("tensorflow", None), ("auto", None), (10, 3),
                                            ("fd", 4)])
def test_histogram_is_pytorchs(tmp_path, bins, max_bins):
    values = np.random.default_rng(0).standard_normal(500)
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("weights", npgrad.tensor(values), 3, bins=bins, max_bins=max_bins)
        torch_bins = torch.utils.tensorboard.SummaryWriter(tmp_path / "t").default_bins \
            if bins == "tensorflow" else bins
    (event,) = _read(tmp_path).Histograms("weights")
    ours = event.histogram_value
    theirs = torch_summary.histogram("weights", values, torch_bins, max_bins).value[0].histo
    assert event.step == 3 and ours.num == 500 and ours.bucket == list(theirs.bucket)
    assert np.allclose(ours.bucket_limit, theirs.bucket_limit)
    assert (ours.min, ours.max) == (theirs.min, theirs.max)
    assert np.isclose(ours.sum, theirs.sum) and np.isclose(ours.sum_squares, theirs.sum_squares)


@pytest.mark.parametrize("shape, dataformats", [((3, 5, 7), "CHW"), ((5, 7, 3), "HWC"),
                                                ((5, 7), "HW"), ((1, 5, 7), "CHW"),
                                                ((5, 7, 4), "HWC")])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_images_are_pytorchs_pixels(tmp_path, shape, dataformats, dtype):
    rng = np.random.default_rng(1)
    image = rng.random(shape) if dtype == np.float32 else rng.integers(0, 256, shape)
    image = image.astype(dtype)
    with SummaryWriter(tmp_path) as w:
        w.add_image("pic", npgrad.tensor(image), 0, dataformats=dataformats)
    (event,) = _read(tmp_path).Images("pic")
    theirs = torch_summary.image("pic", image, dataformats=dataformats).value[0].image
    assert (event.height, event.width) == (theirs.height, theirs.width) == (5, 7)
    assert np.array_equal(_pixels(event.encoded_image_string),
                          _pixels(theirs.encoded_image_string))


def test_add_images_makes_a_grid(tmp_path):
    images = np.stack([np.full((1, 2, 3), k / 10, np.float32) for k in range(10)])
    with SummaryWriter(tmp_path) as w:
        w.add_images("batch", images, 0)
    (event,) = _read(tmp_path).Images("batch")
    pixels = _pixels(event.encoded_image_string)
    assert pixels.shape == (4, 24, 3)  # 8 a row: 2 rows of 2x3 images
    assert pixels[0, 3, 0] == np.uint8(0.1 * 255) and pixels[2, 3, 0] == np.uint8(0.9 * 255)
    assert pixels[2, 6:, :].max() == 0  # past the last image: black


def test_bad_image_layout_is_a_value_error(tmp_path):
    with SummaryWriter(tmp_path) as w, pytest.raises(ValueError, match="input format"):
        w.add_image("pic", np.zeros((3, 4)), dataformats="CHW")


def test_text_and_hparams_are_pytorchs(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "**bold** text", 2)
        w.add_hparams({"lr": 0.1, "optim": "adam", "bn": True}, {"hp/acc": 0.75},
                      hparam_domain_discrete={"optim": ["adam", "sgd"]}, run_name="trial")
    (text,) = _read(tmp_path).Tensors("notes/text_summary")
    assert text.step == 2 and text.tensor_proto.string_val == [b"**bold** text"]
    assert our_summary.text("notes", "x") == torch_summary.text("notes", "x")
    run = _read(tmp_path / "trial")
    assert [e.value for e in run.Scalars("hp/acc")] == [0.75]
    content = run.PluginTagToContent("hparams")
    theirs = torch_summary.hparams({"lr": 0.1, "optim": "adam", "bn": True}, {"hp/acc": 0.75},
                                   {"optim": ["adam", "sgd"]})
    assert hp_metadata.parse_experiment_plugin_data(content[hp_metadata.EXPERIMENT_TAG]) == \
        hp_metadata.parse_experiment_plugin_data(theirs[0].value[0].metadata.plugin_data.content)
    start = hp_metadata.parse_session_start_info_plugin_data(
        content[hp_metadata.SESSION_START_INFO_TAG])
    assert start.hparams["optim"].string_value == "adam" and start.hparams["lr"].number_value == 0.1
    with pytest.raises(TypeError, match="should be dictionary"):
        SummaryWriter(tmp_path).add_hparams([1], {})


def test_add_figure(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(tmp_path) as w:
        w.add_figure("plot", fig, 0)
        assert not plt.fignum_exists(fig.number)
        figs = [plt.figure(figsize=(2, 1), dpi=50) for _ in range(2)]
        w.add_figure("plots", figs, 1, close=False)
    assert plt.fignum_exists(figs[0].number)
    plt.close("all")
    acc = _read(tmp_path)
    (one,) = acc.Images("plot")
    assert (one.width, one.height) == (100, 50)
    (two,) = acc.Images("plots")
    assert (two.width, two.height) == (200, 50)


def test_add_graph_draws_the_forward_pass(tmp_path):
    model = npgrad.nn.Sequential(npgrad.nn.Linear(4, 3), npgrad.nn.ReLU(),
                                 npgrad.nn.Linear(3, 2))
    with SummaryWriter(tmp_path) as w:
        w.add_graph(model, npgrad.randn(5, 4))
    graph = _read(tmp_path).Graph()
    nodes = {n.name: n for n in graph.node}
    assert {"0/weight", "0/bias", "2/weight", "2/bias", "input_0"} <= set(nodes)
    assert nodes["input_0"].op == "Input" and nodes["0/weight"].op == "Parameter"
    assert nodes["0/weight"].attr["attr"].s == b"(3, 4) float32"
    ops = sorted(n.op for n in graph.node if n.op.endswith("Backward0"))
    assert ops == ["AddmmBackward0", "AddmmBackward0", "ReluBackward0"]
    (first,) = [n for n in graph.node if "input_0" in n.input]  # the first Linear
    assert first.op == "AddmmBackward0" and set(first.input) == {"input_0", "0/weight", "0/bias"}
    (output,) = [n for n in graph.node if n.op == "Output"]
    assert nodes[output.input[0]].op == "AddmmBackward0"


def test_flush_writes_before_close(tmp_path):
    w = SummaryWriter(tmp_path, flush_secs=1000)
    w.add_scalar("x", 1.0, 0)
    w.flush()
    assert [e.value for e in _read(tmp_path).Scalars("x")] == [1.0]
    w.close()


def test_default_log_dir_and_purge_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_exp", purge_step=5) as w:
        w.add_scalar("x", 1.0, 5)
    (run,) = os.listdir(tmp_path / "runs")
    assert run.endswith("_exp") and w.get_logdir() == os.path.join("runs", run)
    assert [e.step for e in _read(tmp_path / "runs" / run).Scalars("x")] == [5]


def test_import_errors_are_pytorchs():
    """Without the package, or with one older than 1.15, importing the module fails as
    ``torch.utils.tensorboard`` does."""
    script = textwrap.dedent("""
        import importlib, sys, types
        mode = sys.argv[1]
        class Hide:
            def find_spec(self, name, path=None, target=None):
                if name == "tensorboard" or name.startswith("tensorboard."):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        if mode == "missing":
            sys.meta_path.insert(0, Hide())
        else:
            sys.modules["tensorboard"] = types.SimpleNamespace(__version__="1.14.0")
        for module in ("torch.utils.tensorboard", "npgrad.utils.tensorboard"):
            try:
                importlib.import_module(module)
            except ImportError as e:
                print(type(e).__name__, e)
        """)
    for mode in ("missing", "old"):
        out = subprocess.run([sys.executable, "-c", script, mode], capture_output=True,
                             text=True, timeout=120)
        theirs, ours = out.stdout.strip().splitlines()
        assert ours == theirs, out.stderr
