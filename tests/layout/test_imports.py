"""The package's import graph keeps the layout's promises (read with ``ast``, nothing run):

- imports flow one way, from the floor up: a module imports only from its own layer or below
  (``LAYERS``), and nothing inside the package imports the facade (``import npgrad``), except
  the example programs and ``python -m npgrad.run``, which are users of it;
- the imports form no cycle at all, at module level or inside functions. The one cycle the
  design needs (a primitive's backward, and some forwards, call Tensor methods, and the
  Tensor's op methods call the ops) runs through ``npgrad/_tensor_methods``, which installs
  the methods on Tensor once, above the ops: it is not an import;
- an import inside a function says why in a comment on its line or the line above;
- no module is named as a grab-bag (``extra``, ``misc``, ``compat``, ``toplevel``,
  ``helpers``, ``util``...), except PyTorch's own public ``npgrad.utils`` package.

Each rule is checked to fail on a planted violation (``test_rules_catch_*``).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "npgrad"

# From the floor up; a module's layer is that of the longest prefix listed here.
LAYERS = [
    ["npgrad.dtypes", "npgrad.backend", "npgrad._settings", "npgrad._parallel",
     "npgrad._formatting", "npgrad.return_types", "npgrad.version", "npgrad._fake_device",
     "npgrad._dlpack"],
    ["npgrad.tensor", "npgrad.random"],
    ["npgrad.autograd"],
    ["npgrad.ops"],
    ["npgrad._tensor_methods", "npgrad._tensortype", "npgrad.nn", "npgrad.optim", "npgrad.utils",
     "npgrad.linalg", "npgrad.special", "npgrad.serialization", "npgrad.testing",
     "npgrad.datasets", "npgrad.amp", "npgrad.backends", "npgrad.cuda", "npgrad.distributed",
     "npgrad.jit", "npgrad.onnx", "npgrad.hub", "npgrad.cpu", "npgrad.func", "npgrad.profiler",
     "npgrad.distributions", "npgrad.accelerator", "npgrad.streams", "npgrad.functional",
     "npgrad.torch_version", "npgrad.types", "npgrad.signal", "npgrad.multiprocessing",
     "npgrad.masked", "npgrad.monitor", "npgrad.library", "npgrad.quasirandom"],
    ["npgrad"],
    # programs that use npgrad, shipped inside it
    ["npgrad.examples", "npgrad.run", "npgrad.distributed.run", "npgrad.distributed.worker",
     "npgrad.__main__"],
]
FACADE_USERS = ("npgrad.examples", "npgrad.run", "npgrad.distributed.run",
                "npgrad.distributed.worker", "npgrad.__main__")
GRAB_BAG = re.compile(r"^_*(extra|misc|compat|toplevel|helpers?|utils?|common|stuff)(_|\d|$)")
PUBLIC_UTILS = ("npgrad.utils", "npgrad.nn.utils",  # PyTorch's own public modules
                "npgrad.distributions.utils")


class Module:
    """One source file: its dotted name and the imports it makes."""

    def __init__(self, name: str, source: str, is_package: bool) -> None:
        self.name, self.lines, self.is_package = name, source.splitlines(), is_package
        self.imports: list[tuple[str, int, bool]] = []  # (target, line, at module level)
        tree = ast.parse(source)
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            for target in self._targets(node):
                self.imports.append((target, node.lineno, id(node) in top))

    def _targets(self, node) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        if not isinstance(node, ast.ImportFrom):
            return []
        if node.level == 0:
            base = node.module or ""
        else:
            parts = self.name.split(".")
            parts = parts if self.is_package else parts[:-1]
            parts = parts[:len(parts) - node.level + 1]
            base = ".".join(parts + ([node.module] if node.module else []))
        # ``from pkg import mod`` reaches pkg.mod, ``from mod import name`` mod (_resolve)
        return [f"{base}.{a.name}" for a in node.names]

    def commented(self, line: int) -> bool:
        """Whether an import at ``line`` carries a comment there or on the line above."""
        here, above = self.lines[line - 1], self.lines[line - 2] if line > 1 else ""
        return "#" in here or above.strip().startswith("#")


def read_package(root: Path = PACKAGE, top: str = "npgrad") -> dict[str, Module]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = Module(top + name[len(root.name):], path.read_text(), is_package)
    return {m.name: m for m in modules.values()}


def _resolve(target: str, modules: dict) -> str | None:
    """The package module an import reaches (``a.b.name`` -> ``a.b``), or None outside."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def layer_of(name: str) -> int:
    best, layer = "", -1
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (name == p or name.startswith(p + ".")) and len(p) > len(best):
                best, layer = p, i
    return layer


def edges(modules: dict, module_level_only: bool = False) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for m in modules.values():
        for target, _, at_top in m.imports:
            to = _resolve(target, modules)
            if to and to != m.name and (at_top or not module_level_only):
                graph[m.name].add(to)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# -- the rules -----------------------------------------------------------------------------

def facade_imports(modules: dict) -> list[str]:
    return [f"{m.name}:{line}" for m in modules.values() for target, line, _ in m.imports
            if _resolve(target, modules) == "npgrad" and m.name != "npgrad"
            and not m.name.startswith(FACADE_USERS)]


def upward_imports(modules: dict) -> list[str]:
    bad = []
    for m in modules.values():
        for target, line, _ in m.imports:
            to = _resolve(target, modules)
            if to and to != "npgrad" and layer_of(to) > layer_of(m.name):
                bad.append(f"{m.name}:{line} imports {to} (a higher layer)")
    return bad


def uncommented_function_imports(modules: dict) -> list[str]:
    return [f"{m.name}:{line}" for m in modules.values() for target, line, at_top in m.imports
            if not at_top and _resolve(target, modules) and not m.commented(line)]


def grab_bag_names(modules: dict) -> list[str]:
    return [name for name in modules if not name.startswith(PUBLIC_UTILS)
            and any(GRAB_BAG.match(part) for part in name.split(".")[1:])]


MODULES = read_package()


def test_every_module_has_a_layer():
    assert [n for n in MODULES if layer_of(n) < 0] == []


def test_nothing_inside_imports_the_facade():
    assert facade_imports(MODULES) == []


def test_imports_flow_one_way():
    assert upward_imports(MODULES) == []


def test_module_level_imports_form_no_cycle():
    assert cycles(edges(MODULES, module_level_only=True)) == []


def test_no_cycle_even_through_function_level_imports():
    assert cycles(edges(MODULES)) == []


def test_function_level_imports_say_why():
    assert uncommented_function_imports(MODULES) == []


def test_no_grab_bag_module_names():
    assert grab_bag_names(MODULES) == []


# -- each rule fails on a planted violation --------------------------------------------------

def _planted(tmp_path: Path, files: dict) -> dict:
    root = tmp_path / "npgrad"
    for name, source in {"__init__.py": "", "ops/__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source)
    return read_package(root)


def test_rules_catch_a_facade_import(tmp_path):
    assert facade_imports(_planted(tmp_path, {"ops/a.py": "import npgrad\n"})) == ["npgrad.ops.a:1"]


def test_rules_catch_an_upward_import(tmp_path):
    modules = _planted(tmp_path, {"tensor.py": "from .ops import a\n", "ops/a.py": ""})
    assert upward_imports(modules) == ["npgrad.tensor:1 imports npgrad.ops.a (a higher layer)"]


def test_rules_catch_a_cycle(tmp_path):
    modules = _planted(tmp_path, {"ops/a.py": "from . import b\n",
                                  "ops/b.py": "from .a import f\n"})
    assert cycles(edges(modules, module_level_only=True)) == [["npgrad.ops.a", "npgrad.ops.b"]]


def test_rules_catch_an_uncommented_function_import(tmp_path):
    modules = _planted(tmp_path, {"ops/a.py": "def f():\n    from .b import g\n",
                                  "ops/b.py": "def g():\n    # (a cycle: b needs a)\n"
                                              "    from .a import f\n"})
    assert uncommented_function_imports(modules) == ["npgrad.ops.a:2"]


@pytest.mark.parametrize("name", ["ops/extra_index.py", "_compat.py", "_toplevel.py",
                                  "ops/_util.py", "helpers.py", "ops/misc/__init__.py"])
def test_rules_catch_a_grab_bag_name(tmp_path, name):
    assert grab_bag_names(_planted(tmp_path, {name: ""})) != []
