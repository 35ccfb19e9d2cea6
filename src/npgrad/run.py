"""``python -m npgrad.run script.py [args...]``: run an unmodified PyTorch program on npgrad.

Inside the program, ``import torch`` is npgrad and every ``torch.X`` module is npgrad's
``npgrad.X`` (``torch.nn.functional``, ``torch.optim``, ``torch.utils.data``, ``torch.cuda``,
``torch.backends.cudnn``...), whichever way it is imported. The script runs as Python would
run it: ``__name__ == '__main__'``, ``sys.argv`` as ``[script.py, args...]``, the script's
folder first on ``sys.path``. ``python -m npgrad.run -m package.module [args...]`` runs a
module the same way. A module npgrad does not have is a ``ModuleNotFoundError`` naming the
``torch`` module, never the installed PyTorch's: the program runs on npgrad alone or stops.
"""
from __future__ import annotations

import builtins
import importlib
import importlib.abc
import importlib.machinery
import io
import os
import runpy
import sys
from types import ModuleType

import npgrad  # noqa: F401  (the package that `torch` stands for)

__all__ = ["TorchAlias", "install", "main", "run"]

USAGE = ("usage: python -m npgrad.run script.py [args...]\n"
         "       python -m npgrad.run -m module [args...]")


class TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """An import hook that answers ``torch`` and ``torch.*`` with npgrad's modules (the same
    module objects, so ``torch.nn is npgrad.nn``)."""

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "npgrad" + fullname[len("torch"):]
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name is not None and (real == e.name or real.startswith(e.name + ".")):
                # npgrad has no such module: say so in the program's words, and never let
                # the next finder hand out the installed PyTorch's module instead
                raise ModuleNotFoundError(f"No module named '{fullname}'",
                                          name=fullname) from None
            raise
        spec = importlib.machinery.ModuleSpec(fullname, self,
                                              is_package=hasattr(module, "__path__"))
        spec.loader_state = (module, module.__spec__)
        return spec

    def create_module(self, spec) -> ModuleType:
        return spec.loader_state[0]

    def exec_module(self, module: ModuleType) -> None:
        # the module already ran as npgrad.X; importing it as torch.X set its __spec__ to
        # the alias's, which would mislead its own relative imports: put npgrad's back
        module.__spec__ = module.__spec__.loader_state[1]


def install() -> TorchAlias:
    """Make ``import torch`` (and ``torch.*``) give npgrad from now on, in this process."""
    for finder in sys.meta_path:
        if isinstance(finder, TorchAlias):
            return finder
    finder = TorchAlias()
    sys.meta_path.insert(0, finder)
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        del sys.modules[name]  # an already imported PyTorch must not be mixed in
    return finder


def run(argv: list[str]) -> None:
    """Run ``argv`` (``[script.py, args...]`` or ``['-m', module, args...]``) as the main
    program, with ``torch`` standing for npgrad."""
    install()
    if argv[0] == "-m":
        if len(argv) < 2:
            raise SystemExit(USAGE)
        sys.argv = [argv[1], *argv[2:]]  # runpy puts the module's file in argv[0]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return
    script = os.path.abspath(argv[0])  # Python gives a script its absolute path as __file__
    sys.argv = list(argv)  # ...and argv[0] as typed
    sys.path[0] = os.path.dirname(script)
    if not os.path.isfile(script):  # a folder or zip file with a __main__.py
        runpy.run_path(script, run_name="__main__")
        return
    # runpy.run_path would set argv[0] to the absolute path: run the file as Python does
    with io.open_code(script) as f:
        code = compile(f.read(), script, "exec")
    main = ModuleType("__main__")
    main.__dict__.update(__file__=script, __cached__=None, __builtins__=builtins,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", script))
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def main(argv: list[str] | None = None) -> None:
    """The command line: ``python -m npgrad.run script.py [args...]``."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if argv else sys.stderr)
        raise SystemExit(0 if argv else 2)
    run(argv)


if __name__ == "__main__":
    main()
