"""Installing as the README says works from any folder, including the one a new user is in
after ``git clone ... npgrad``: the clone folder, named npgrad and holding no
``__init__.py``, must not be imported as an empty namespace package in place of the real one
(``module 'npgrad' has no attribute 'tensor'``). The src/ layout is what prevents it: the
editable install then puts src/ on sys.path, where Python finds the regular package, which wins
over a namespace package.

The test copies the project into ``<tmp>/npgrad``, installs it editable into a fresh virtual
environment (offline: no build isolation, NumPy and setuptools from this environment) and
imports npgrad with ``<tmp>`` as the working folder.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_from_the_folder_above_a_clone_named_npgrad(tmp_path):
    clone = tmp_path / "npgrad"
    clone.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, clone / name)
    shutil.copytree(ROOT / "src", clone / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                    str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "-e", str(clone)], check=True, timeout=300,
                   capture_output=True)
    probe = "import npgrad; print(npgrad.__file__); print(npgrad.tensor([1.0, 2.0]).sum().item())"
    # without the caller's PYTHONPATH (a worktree's src/ would answer instead of the clone's)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    where, total = out.stdout.split()
    assert Path(where) == clone / "src" / "npgrad" / "__init__.py" and float(total) == 3.0
