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
    for name in ["quickstart", "char_gpt", "mlp_digits", "cnn_digits", "polynomial", "graph",
                 "gradcheck"]:
        assert name in out and name in examples.EXAMPLES
        assert os.path.exists(os.path.join(ROOT, "examples", f"{name}.py"))
    with pytest.raises(SystemExit, match="unknown example"):
        examples.run("nope")


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "npgrad.examples", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "mlp_digits" in proc.stdout


def _help_blocks(text: str) -> dict:
    """The help text of each option of an argparse ``--help`` output: {option: text}."""
    blocks, current = {}, None
    for line in text.split("options:", 1)[1].splitlines():
        stripped = line.strip()
        if line.startswith("  -"):
            current = stripped.split()[0].rstrip(",")
            blocks[current] = stripped
        elif current and stripped:
            blocks[current] += " " + stripped
    return blocks


@pytest.mark.parametrize("name", list(examples.EXAMPLES))
def test_every_example_help_says_what_it_does_and_each_default(name, capsys):
    with pytest.raises(SystemExit) as done:
        examples.run(name, ["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    module = __import__(f"npgrad.examples.{name}", fromlist=["main"])
    assert module.__doc__.strip().splitlines()[0] in out  # what it does
    assert f"python -m npgrad.examples {name}" in out  # how to run it
    options = {k: v for k, v in _help_blocks(out).items() if k != "-h"}
    for option, text in options.items():
        assert "(default: " in text, f"{name} {option}: {text}"


def test_python_m_npgrad_says_what_to_do():
    proc = subprocess.run([sys.executable, "-m", "npgrad"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "[2.0, 4.0, 6.0]" in proc.stdout  # it computed a gradient
    for what in ["import npgrad as torch", "python -m npgrad.run", "python -m npgrad.examples",
                 *examples.EXAMPLES]:
        assert what in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "npgrad", "--nope"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown arguments" in bad.stdout


def test_quickstart_fits_the_line():
    res = examples.run("quickstart", [])
    assert abs(res["w"] - 3) < 0.1 and abs(res["b"] - 2) < 0.1


def test_mlp_digits_fast():
    res = examples.run("mlp_digits", ["--epochs", "4"])
    assert res["accuracy"] >= 0.95


def test_cnn_digits_fast():
    res = examples.run("cnn_digits", ["--epochs", "3", "--channels", "8"])
    assert res["accuracy"] >= 0.90


def test_polynomial_fits_sin(capsys):
    res = examples.run("polynomial", ["--steps", "2000", "--points", "100"])
    out = capsys.readouterr().out
    assert "+ -" not in out and "-0.000" not in out
    a, b, c, d = res["coefficients"]
    # the loss is a sum over 100 points: a mean squared error below 0.02
    assert res["loss_raw"] < 2.0 and res["loss_function"] < 2.0
    assert 0.5 < b < 1.0 and -0.15 < d < 0.0        # sin x ~ x - x^3/6 on [-pi, pi]


def test_polynomial_prints_each_sign_once():
    from npgrad.examples.polynomial import polynomial_text
    assert polynomial_text([0.1, 0.8, -0.006, -0.0883]) == "0.100 + 0.800 x - 0.006 x^2 - 0.088 x^3"
    assert polynomial_text([-0.0001, -2.0]) == "0.000 - 2.000 x"


def test_graph_files(tmp_path, capsys, monkeypatch):
    from npgrad.utils import viz
    monkeypatch.setattr(viz, "dot_available", lambda: False)
    res = examples.run("graph", ["--out", str(tmp_path)])
    for path in res["files"]:
        assert os.path.getsize(path) > 0
        with open(path) as f:
            text = f.read()
        assert "MulBackward0" in text or "0.weight" in text
    out = capsys.readouterr().out
    assert "digraph" not in out  # the DOT text is in the files, not on the screen
    assert out.count("Graphviz's `dot` program is not installed") == 1
    assert "apt-get install graphviz" in out and "`pip install graphviz` alone does not" in out


def test_graph_pictures_replace_stale_dot_files(tmp_path, capsys, monkeypatch):
    """With Graphviz's dot (faked here: the suite does not need it), pictures are written, the
    .dot files of an earlier run without it are removed, and no hint or DOT text is printed."""
    from npgrad.utils import viz

    def render(roots, path, format=None, **kwargs):
        with open(path, "w") as f:
            f.write("<svg>" + viz.to_dot(roots, **kwargs) + "</svg>")
        return path
    monkeypatch.setattr(viz, "dot_available", lambda: True)
    monkeypatch.setattr(viz, "render", render)
    for stem in ("expression", "mlp"):
        (tmp_path / f"{stem}.dot").write_text("stale")
    res = examples.run("graph", ["--out", str(tmp_path)])
    assert sorted(os.listdir(tmp_path)) == ["expression.svg", "mlp.svg"]
    assert [os.path.basename(f) for f in res["files"]] == ["expression.svg", "mlp.svg"]
    out = capsys.readouterr().out
    assert "digraph" not in out and "Graphviz" not in out


def test_gradcheck_catches_the_wrong_backward(capsys):
    res = examples.run("gradcheck", [])
    assert res["user function"] and res["second order"] and res["Cube"]
    assert res["WrongCube"] is False and "Jacobian mismatch" in res["message"]
    # the whole comparison is shown: both Jacobians, to their last row
    out = capsys.readouterr().out
    assert res["message"] in out
    numerical, analytical = res["message"].split("numerical:")[1].split("analytical:")
    assert numerical.count("[") == 5 and analytical.count("[") == 5  # 4x4 each
    assert "12." in numerical and "8." in analytical  # 3 c^2 and 2 c^2 at c = 2


def test_char_gpt_fast_then_sample(tmp_path, capsys, monkeypatch):
    import matplotlib.figure
    legends = []
    save = matplotlib.figure.Figure.savefig

    def savefig(fig, *args, **kwargs):
        legends.extend(t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts())
        return save(fig, *args, **kwargs)
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    out = tmp_path / "gpt"
    res = examples.run("char_gpt", ["--steps", "30", "--batch-size", "8", "--context", "16",
                                    "--width", "32", "--layers", "1", "--heads", "2",
                                    "--eval-every", "15", "--eval-batches", "2", "--chars", "40",
                                    "--out", str(out), "--quiet"])
    losses = res["train_losses"]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 0.5      # from ~4.2 (ln 65) down
    # the plot and the final line say what a good validation loss is
    assert any("good validation loss: about 1.6" in t for t in legends)
    assert "about 1.6 is good (the default run), 4.17 is guessing" in capsys.readouterr().out
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
