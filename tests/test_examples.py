"""Every example runs in a fast setting and its result is checked (the full settings are
measured by hand; see each example's docstring)."""
import os
import subprocess
import sys

import pytest

import npgrad
from npgrad import examples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_cli_lists_every_example(capsys):
    assert examples.cli(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ["char_gpt", "mlp_digits", "cnn_digits", "polynomial", "graph", "gradcheck"]:
        assert name in out and name in examples.EXAMPLES
        assert os.path.exists(os.path.join(ROOT, "examples", f"{name}.py"))
    with pytest.raises(SystemExit, match="unknown example"):
        examples.run("nope")


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "npgrad.examples", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "mlp_digits" in proc.stdout


def test_mlp_digits_fast():
    res = examples.run("mlp_digits", ["--epochs", "4"])
    assert res["accuracy"] >= 0.95


def test_cnn_digits_fast():
    res = examples.run("cnn_digits", ["--epochs", "3", "--channels", "8"])
    assert res["accuracy"] >= 0.90


def test_polynomial_fits_sin():
    res = examples.run("polynomial", ["--steps", "2000", "--points", "100"])
    a, b, c, d = res["coefficients"]
    # the loss is a sum over 100 points: a mean squared error below 0.02
    assert res["loss_raw"] < 2.0 and res["loss_function"] < 2.0
    assert 0.5 < b < 1.0 and -0.15 < d < 0.0        # sin x ~ x - x^3/6 on [-pi, pi]


def test_graph_files(tmp_path):
    res = examples.run("graph", ["--out", str(tmp_path)])
    for path in res["files"]:
        assert os.path.getsize(path) > 0
        text = open(path).read()
        assert "MulBackward0" in text or "0.weight" in text


def test_gradcheck_catches_the_wrong_backward():
    res = examples.run("gradcheck", [])
    assert res["user function"] and res["second order"] and res["Cube"]
    assert res["WrongCube"] is False and "Jacobian mismatch" in res["message"]


def test_char_gpt_fast_then_sample(tmp_path):
    out = tmp_path / "gpt"
    res = examples.run("char_gpt", ["--steps", "30", "--batch-size", "8", "--context", "16",
                                    "--width", "32", "--layers", "1", "--heads", "2",
                                    "--eval-every", "15", "--eval-batches", "2", "--chars", "40",
                                    "--out", str(out), "--quiet"])
    losses = res["train_losses"]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 0.5      # from ~4.2 (ln 65) down
    assert res["val_loss"] < 3.8
    chars = set(npgrad.datasets.tinyshakespeare())
    assert res["sample"].startswith("ROMEO:\n") and len(res["sample"]) == len("ROMEO:\n") + 40
    assert set(res["sample"]) <= chars
    png, ckpt, graph = res["files"]
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    state = npgrad.load(ckpt)
    assert "tok_emb.weight" in state["model"] and state["config"]["width"] == 32
    assert os.path.getsize(graph) > 0 and graph.endswith((".svg", ".dot"))
    # --sample generates from the checkpoint without training
    again = examples.run("char_gpt", ["--sample", ckpt, "--chars", "30", "--prompt", "KING"])
    assert again["sample"].startswith("KING") and set(again["sample"]) <= chars


def test_char_gpt_without_matplotlib_still_trains_saves_and_samples(tmp_path, monkeypatch,
                                                                      capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    res = examples.run("char_gpt", ["--steps", "4", "--batch-size", "4", "--context", "8",
                                    "--width", "16", "--layers", "1", "--heads", "2",
                                    "--eval-every", "2", "--eval-batches", "1", "--chars", "10",
                                    "--out", str(tmp_path / "gpt")])
    assert "loss plot was skipped" in capsys.readouterr().out
    assert len(res["sample"]) == len("ROMEO:\n") + 10
    assert [os.path.basename(f) for f in res["files"]][0] == "model.safetensors"
