"""npgrad.utils.viz: DOT text for small graphs, names, saved tensors, caps, long chains."""
import re
import shutil
import sys

import pytest

import npgrad
import npgrad.nn as nn
from npgrad.utils import viz


def _labels(dot: str) -> list[str]:
    return re.findall(r'^\s*n\d+ \[label="([^"]*)"', dot, flags=re.M)


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(n\d+) -> (n\d+)", dot, flags=re.M)


def test_small_expression_structure():
    x = npgrad.ones(3, requires_grad=True)
    y = npgrad.full((3,), 2.0, requires_grad=True)
    z = (x * y + x.exp()).sum()
    dot = viz.to_dot(z, params={"x": x, "y": y})
    assert dot.startswith('digraph "autograd" {') and dot.rstrip().endswith("}")
    labels = _labels(dot)
    assert labels[0] == "output\\n() float32"
    assert {"SumBackward0", "AddBackward0", "MulBackward0", "ExpBackward0"} <= set(labels)
    assert "x\\n(3,) float32" in labels and "y\\n(3,) float32" in labels
    assert len(labels) == 7                    # output, 4 ops, 2 leaves: x drawn once
    ids = dict(zip(re.findall(r"^\s*(n\d+) \[", dot, flags=re.M), labels))
    named = {(ids[a], ids[b]) for a, b in _edges(dot)}
    assert ("x\\n(3,) float32", "MulBackward0") in named
    assert ("x\\n(3,) float32", "ExpBackward0") in named
    assert ("MulBackward0", "AddBackward0") in named
    assert ("SumBackward0", "output\\n() float32") in named
    assert '[label="(3,) float32"]' in dot    # edges carry the input's shape and dtype


def test_mlp_parameter_names_and_saved():
    npgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = nn.functional.cross_entropy(model(npgrad.randn(5, 4)), npgrad.tensor([0, 1, 2, 0, 1]))
    dot = viz.to_dot(loss, params=dict(model.named_parameters()), show_saved=True)
    labels = _labels(dot)
    for name, shape in [("0.weight", "(8, 4)"), ("0.bias", "(8,)"), ("2.weight", "(3, 8)"),
                        ("2.bias", "(3,)")]:
        assert f"{name}\\n{shape} float32" in labels
    assert any(lab.startswith("ReluBackward0\\nsaved: output (5, 8) float32") for lab in labels)
    assert any(lab.split("\\n")[0] == loss.grad_fn.name() for lab in labels)
    # without names, parameters show their shape only; without show_saved, no saved lines
    plain = viz.to_dot(loss)
    assert "weight" not in plain and "saved:" not in plain
    loss.backward()
    assert "saved: freed by backward" in viz.to_dot(loss, show_saved=True)


def test_user_function_and_multiple_roots():
    class Square(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = npgrad.ones(2, requires_grad=True)
    a, b = Square.apply(x), x.sin()
    labels = _labels(viz.to_dot([a, b]))
    assert "SquareBackward" in labels and "SinBackward0" in labels
    assert "output 0\\n(2,) float32" in labels and "output 1\\n(2,) float32" in labels
    # a tensor with no graph is just itself
    assert _labels(viz.to_dot(npgrad.ones(2))) == ["output\\n(2,) float32"]


def test_long_chain_is_iterative_and_capped():
    x = npgrad.ones(1, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)       # the walk must not recurse
    try:
        dot = viz.to_dot(y, max_nodes=50)
    finally:
        sys.setrecursionlimit(limit)
    labels = _labels(dot)
    assert len(labels) == 1 + 50 + 1                      # output, 50 drawn, the summary
    assert labels[-1].startswith("... 9,951 more nodes not drawn")   # 9,950 muls + the leaf
    summary = re.findall(r"^\s*(n\d+) \[", dot, flags=re.M)[-1]
    assert [e for e in _edges(dot) if e[0] == summary]    # linked to where the cut is


def test_max_depth():
    x = npgrad.ones(2, requires_grad=True)
    y = ((x + 1) * 2).exp().sum()
    labels = _labels(viz.to_dot(y, max_depth=2))
    assert "SumBackward0" in labels and "ExpBackward0" in labels
    assert "MulBackward0" not in labels
    assert "max_depth=2" in labels[-1]


def test_graphviz_digraph():
    pytest.importorskip("graphviz")
    x = npgrad.ones(3, requires_grad=True)
    g = viz.make_dot((x * 2).sum(), params={"x": x})
    assert "MulBackward0" in g.source and "x\\n(3,) float32" in g.source


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_svg_and_png(tmp_path):
    x = npgrad.ones(3, requires_grad=True)
    y = (x * 2).sum()
    svg = viz.render(y, str(tmp_path / "g.svg"))
    assert open(svg).read().lstrip().startswith(("<?xml", "<svg"))
    png = viz.render(y, str(tmp_path / "g.png"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_missing_dot_message_and_fallback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(viz.shutil, "which", lambda name: None)
    x = npgrad.ones(3, requires_grad=True)
    y = (x * 2).sum()
    with pytest.raises(viz.GraphvizNotFound, match="apt-get install graphviz"):
        viz.render(y, str(tmp_path / "g.svg"))
    path = viz.save(y, str(tmp_path / "g"))
    assert path.endswith("g.dot") and "MulBackward0" in open(path).read()
    assert "apt-get install graphviz" in capsys.readouterr().out
