"""Pictures of the autograd graph: from any tensor, the graph of ops that made it.

The graph is read from ``tensor.grad_fn`` and each node's ``next_functions`` (the edges to the
nodes that made its inputs), walked iteratively, so a graph of any depth is safe. Ops are boxes
named as ``grad_fn.name()`` (``MulBackward0``); the tensors that require grad at the leaves
(the ``.variable`` of ``AccumulateGrad`` nodes) are green boxes with their shape and dtype,
labelled with their names when ``params=dict(model.named_parameters())`` is given; edges carry
the shape of the tensor that flows along them; the output is blue.

Three outputs, from no dependency to the most:

* :func:`to_dot` returns DOT text (no dependency at all; paste it into any Graphviz viewer);
* :func:`to_graphviz` returns a ``graphviz.Digraph`` (needs ``pip install graphviz``), which
  Jupyter displays inline;
* :func:`render` writes SVG/PNG/PDF (needs Graphviz's ``dot`` program: ``apt-get install
  graphviz``, ``brew install graphviz`` or ``conda install graphviz``); :func:`save` does the
  same but falls back to writing the ``.dot`` file, with a message, when ``dot`` is missing.

Large graphs stay legible: ``max_nodes`` (default 300) and ``max_depth`` cap what is drawn,
and one summary node says how many nodes were left out.

>>> x = npgrad.ones(3, requires_grad=True)
>>> print(to_dot((x * 2).sum()))  # doctest: +SKIP
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections import deque
from typing import Optional

import numpy as np

from ..autograd.function import AccumulateGrad
from ..tensor import Tensor

__all__ = ["GraphvizNotFound", "build_graph", "to_dot", "to_graphviz", "render", "save",
           "make_dot", "dot_available", "INSTALL_HINT"]

# Pictures need only the `dot` program, a system package: `pip install graphviz` is the Python
# wrapper that to_graphviz uses, and does not bring `dot`
INSTALL_HINT = ("install Graphviz's `dot` program, a system package (`apt-get install graphviz` "
                "on Debian/Ubuntu, `brew install graphviz` on macOS, `conda install graphviz`); "
                "`pip install graphviz` alone does not provide it")

_STYLE = {  # node kind -> DOT attributes
    "op": {"shape": "box", "style": "filled", "fillcolor": "lightgrey"},
    "leaf": {"shape": "box", "style": "filled", "fillcolor": "darkolivegreen1"},
    "output": {"shape": "box", "style": "filled", "fillcolor": "lightblue"},
    "summary": {"shape": "note", "style": "filled", "fillcolor": "lightyellow"},
}


class GraphvizNotFound(RuntimeError):
    """Graphviz (the ``dot`` program or the ``graphviz`` Python package) is not installed."""


# ---------------------------------------------------------------------------------------------
# The walk: nodes and edges, independent of any output format
# ---------------------------------------------------------------------------------------------

def _describe(shape, dtype) -> str:
    dt = str(np.dtype(dtype)) if dtype is not None else "?"
    return f"{tuple(shape)} {dt}"


def _tensor_label(t: Tensor, names: dict, default: str = "") -> str:
    name = names.get(id(t), default)
    desc = _describe(t._data.shape, t._data.dtype)
    return f"{name}\n{desc}" if name else desc


def _saved_lines(node, names: dict) -> list[str]:
    """One line per entry the node saved for backward (tensors by shape and dtype)."""
    if getattr(node, "_freed", False):
        return ["saved: freed by backward"]
    lines = []
    for entry in getattr(node, "_saved", None) or ():
        kind, obj = entry[0], entry[1]
        if kind == 0 and isinstance(obj, Tensor):          # an input tensor
            what = names.get(id(obj), "input")
            lines.append(f"saved: {what} " + _describe(obj._data.shape, obj._data.dtype))
        elif kind == 1:                                    # one of the node's own outputs
            lines.append("saved: output " + _describe(obj[0].shape, obj[0].dtype))
        elif isinstance(obj, Tensor):
            lines.append("saved: " + _describe(obj._data.shape, obj._data.dtype))
        elif isinstance(obj, np.ndarray):
            lines.append("saved: " + _describe(obj.shape, obj.dtype))
        else:
            lines.append(f"saved: {obj!r}"[:40])
    return lines


def build_graph(roots, params: Optional[dict] = None, show_saved: bool = False,
                max_nodes: int = 300, max_depth: Optional[int] = None) -> tuple[list, list]:
    """Walk the graph behind ``roots`` (a tensor or several) breadth-first, without recursion.

    Returns ``(nodes, edges)``: nodes are ``(id, kind, label)`` with kind ``"output"``,
    ``"op"``, ``"leaf"`` or ``"summary"``; edges are ``(from_id, to_id, label)`` in the forward
    direction (input -> op). At most ``max_nodes`` graph nodes are kept, none deeper than
    ``max_depth`` steps from an output; one summary node counts the rest.
    """
    roots = [roots] if isinstance(roots, Tensor) else list(roots)
    names = {id(p): n for n, p in (params or {}).items()}
    nodes, edges = [], []
    ids: dict[int, str] = {}           # id(graph node) -> DOT id, for nodes that are drawn
    hidden: set[int] = set()            # graph nodes walked but not drawn
    hidden_edges: list[str] = []        # drawn nodes with an input that is hidden
    queue: deque = deque()

    def new_id() -> str:
        return f"n{len(nodes)}"

    for i, t in enumerate(roots):
        out_id = new_id()
        label = _tensor_label(t, names, "output" if len(roots) == 1 else f"output {i}")
        nodes.append((out_id, "output", label))
        fn = t.grad_fn
        if fn is None:
            continue
        if id(fn) not in ids:
            ids[id(fn)] = new_id()
            nodes.append((ids[id(fn)], *_node_kind_label(fn, names, show_saved)))
            queue.append((fn, 1))
        edges.append((ids[id(fn)], out_id, ""))

    drawn = len(nodes) - len(roots)
    while queue:
        fn, depth = queue.popleft()
        fn_id = ids.get(id(fn))                        # None: fn is walked only to be counted
        meta = getattr(fn, "_in_meta", None)
        for k, (child, _nr) in enumerate(fn.next_functions):
            if child is None:
                continue
            key = id(child)
            if key in ids:
                if fn_id is not None:
                    edges.append((ids[key], fn_id, _edge_label(meta, k)))
                continue
            if key in hidden:
                if fn_id is not None:
                    hidden_edges.append(fn_id)
                continue
            too_deep = max_depth is not None and depth + 1 > max_depth
            if fn_id is None or too_deep or drawn >= max_nodes:
                hidden.add(key)
                if fn_id is not None:
                    hidden_edges.append(fn_id)
            else:
                ids[key] = new_id()
                nodes.append((ids[key], *_node_kind_label(child, names, show_saved)))
                drawn += 1
                edges.append((ids[key], fn_id, _edge_label(meta, k)))
            queue.append((child, depth + 1))

    if hidden:
        why = []
        if max_depth is not None:
            why.append(f"max_depth={max_depth}")
        why.append(f"max_nodes={max_nodes}")
        sid = new_id()
        nodes.append((sid, "summary",
                      f"... {len(hidden):,} more nodes not drawn\n({', '.join(why)})"))
        for target in dict.fromkeys(hidden_edges):
            edges.append((sid, target, ""))
    return nodes, edges


def _edge_label(meta, k: int) -> str:
    """The shape and dtype of the ``k``-th input, recorded by the node in forward."""
    return _describe(*meta[k]) if meta and k < len(meta) and meta[k] else ""


def _node_kind_label(fn, names: dict, show_saved: bool) -> tuple[str, str]:
    if isinstance(fn, AccumulateGrad):
        return "leaf", _tensor_label(fn.variable, names)
    lines = [fn.name()]
    if show_saved:
        lines += _saved_lines(fn, names)
    return "op", "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------

def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(d: dict) -> str:
    return ", ".join(f"{k}={_quote(str(v))}" for k, v in d.items())


def to_dot(roots, params: Optional[dict] = None, show_saved: bool = False,
           max_nodes: int = 300, max_depth: Optional[int] = None, name: str = "autograd") -> str:
    """The graph behind ``roots`` as DOT text (needs nothing installed).

    ``params``: ``dict(model.named_parameters())`` to label parameters by name;
    ``show_saved``: list what each op saved for backward; ``max_nodes`` / ``max_depth``: cap
    the drawing (a summary node counts what was left out).
    """
    nodes, edges = build_graph(roots, params, show_saved, max_nodes, max_depth)
    lines = [f"digraph {_quote(name)} {{",
             '  graph [rankdir="TB", fontsize="10"];',
             '  node [fontname="Helvetica", fontsize="10", height="0.2"];',
             '  edge [fontname="Helvetica", fontsize="8"];']
    for nid, kind, label in nodes:
        lines.append(f"  {nid} [label={_quote(label)}, {_attrs(_STYLE[kind])}];")
    for a, b, label in edges:
        lines.append(f"  {a} -> {b}" + (f" [label={_quote(label)}];" if label else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_graphviz(roots, params: Optional[dict] = None, show_saved: bool = False,
                max_nodes: int = 300, max_depth: Optional[int] = None):
    """The graph as a ``graphviz.Digraph`` (displayed inline by Jupyter; ``.render()``)."""
    try:
        import graphviz
    except ImportError:
        raise GraphvizNotFound("to_graphviz needs the graphviz Python package: "
                               "`pip install graphviz` (to_dot needs nothing)") from None
    nodes, edges = build_graph(roots, params, show_saved, max_nodes, max_depth)
    g = graphviz.Digraph("autograd", graph_attr={"rankdir": "TB", "fontsize": "10"},
                         node_attr={"fontname": "Helvetica", "fontsize": "10",
                                    "height": "0.2"},
                         edge_attr={"fontname": "Helvetica", "fontsize": "8"})
    esc = graphviz.escape if hasattr(graphviz, "escape") else (lambda s: s)
    for nid, kind, label in nodes:
        # a DOT "\n" is a centred line break; escape backslashes in the text itself first
        g.node(nid, label=esc(label.replace("\\", "\\\\")).replace("\n", "\\n"), **_STYLE[kind])
    for a, b, label in edges:
        g.edge(a, b, label=label or None)
    return g


make_dot = to_graphviz  # the name torchviz users know


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def render(roots, path: str, format: Optional[str] = None, **kwargs) -> str:
    """Draw the graph into ``path`` (format from its extension: svg, png, pdf) with Graphviz's
    ``dot`` program; keyword arguments as :func:`to_dot`. Returns ``path``.

    Raises :class:`GraphvizNotFound`, saying how to install it, when ``dot`` is missing.
    """
    fmt = format or os.path.splitext(path)[1].lstrip(".") or "svg"
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFound(f"rendering to {fmt} needs Graphviz's `dot` program, which is "
                               f"not installed: {INSTALL_HINT}. npgrad.utils.viz.to_dot gives "
                               f"the DOT text without it.")
    dot = to_dot(roots, **kwargs)
    proc = subprocess.run([exe, f"-T{fmt}", "-o", path], input=dot.encode(),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed: {proc.stderr.decode(errors='replace').strip()}")
    return path


def save(roots, stem: str, format: str = "svg", hint: bool = True, **kwargs) -> str:
    """Render to ``stem.<format>`` when ``dot`` is installed (removing a ``stem.dot`` left by an
    earlier run without it); otherwise write ``stem.dot`` and, with ``hint``, print how to
    install Graphviz. Returns the path written."""
    if dot_available():
        path = render(roots, f"{stem}.{format}", format=format, **kwargs)
        if os.path.exists(f"{stem}.dot"):
            os.remove(f"{stem}.dot")  # stale: the picture replaces it
        return path
    path = f"{stem}.dot"
    with open(path, "w", encoding="utf-8") as f:
        f.write(to_dot(roots, **kwargs))
    if hint:
        print(f"Graphviz's `dot` program is not installed, so the graph was saved as DOT text in "
              f"{path}. To get pictures, {INSTALL_HINT}.")
    return path
