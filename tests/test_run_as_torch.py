"""``python -m npgrad.run script.py [args]`` runs unmodified PyTorch programs on npgrad: the
scripts below are written for PyTorch (a GPU-or-CPU device line, CUDA seeding, cuDNN
switches, the usual import forms, a LongTensor, a short training loop) and print the same
lines under npgrad as under the installed PyTorch."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TRAIN = textwrap.dedent('''\
    import sys
    import torch
    import torch.nn as nn
    from torch.nn import functional as F
    import torch.optim as optim
    import torch.backends.cudnn
    from torch.utils.data import DataLoader, TensorDataset

    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    torch.manual_seed(0)
    torch.cuda.manual_seed_all(0)
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.deterministic = True
    print("argv", sys.argv[1:], __name__, device)

    def main(epochs):
        x = torch.FloatTensor([[0., 0.], [0., 1.], [1., 1.], [1., 0.]] * 4)
        y = torch.LongTensor([0, 1, 0, 1] * 4)
        print("labels", isinstance(y, torch.LongTensor), y.type(), y.tolist()[:4])
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
        with torch.no_grad():  # the same start in both libraries
            for p in model.parameters():
                p.copy_(torch.linspace(-0.7, 0.9, p.numel()).reshape(p.shape))
        opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
        scaler = torch.cuda.amp.GradScaler(enabled=torch.cuda.is_available())
        for epoch in range(epochs):
            total = 0.0
            for xb, yb in DataLoader(TensorDataset(x, y), batch_size=4):
                xb, yb = xb.to(device), yb.to(device)
                with torch.autocast(device_type=device, enabled=device == 'cuda'):
                    loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad()
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
                total += loss.item()
            print(f"epoch {epoch} loss {total / 4:.3f}")
        accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
        print(f"accuracy {accuracy:.2f}")

    if __name__ == '__main__':
        main(int(sys.argv[sys.argv.index('--epochs') + 1]))
''')


def run(args, cwd, npgrad=True):
    """Run ``args`` under npgrad.run (or plain Python, with PyTorch); return the result."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "npgrad.run", *args] if npgrad else [sys.executable, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_a_pytorch_training_script_prints_what_it_prints_under_pytorch(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    ours = run(["train.py", "--epochs", "5"], tmp_path)
    assert ours.returncode == 0, ours.stderr
    lines = ours.stdout.splitlines()
    assert lines[:2] == ["argv ['--epochs', '5'] __main__ cpu",
                         "labels True torch.LongTensor [0, 1, 0, 1]"]
    assert [line.split()[0] for line in lines[2:]] == ["epoch"] * 5 + ["accuracy"]
    theirs = run(["train.py", "--epochs", "5"], tmp_path, npgrad=False)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout
    assert ours.stderr == theirs.stderr  # the deprecation warning, pointing at the same line
    assert "FutureWarning: `torch.cuda.amp.GradScaler(args...)` is deprecated" in ours.stderr


def test_torch_and_its_modules_are_npgrads(tmp_path):
    (tmp_path / "helper.py").write_text("import torch.nn.functional as F\nNAME = F.__name__\n")
    (tmp_path / "check.py").write_text(textwrap.dedent('''\
        import importlib, os, sys
        import torch, npgrad
        import torch.nn.functional, torch.utils.data, torch.cuda.amp, torch.backends.cudnn
        from torch import nn, optim
        from helper import NAME  # the script's folder is on sys.path, as under python
        print(torch is npgrad, nn is npgrad.nn, optim is npgrad.optim,
              torch.nn.functional is npgrad.nn.functional,
              torch.utils.data is npgrad.utils.data, torch.cuda is npgrad.cuda,
              torch.backends.cudnn is npgrad.backends.cudnn, NAME)
        print(npgrad.nn.__spec__.name, sys.modules["torch.nn"] is npgrad.nn,
              importlib.import_module("torch.optim.lr_scheduler").__name__)
        print(__file__ == os.path.abspath("check.py"), sys.argv)
    '''))
    result = run(["check.py", "x", "--flag"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "True True True True True True True npgrad.nn.functional",
        "npgrad.nn True npgrad.optim.lr_scheduler",
        "True ['check.py', 'x', '--flag']"]


def test_a_module_npgrad_lacks_is_never_pytorchs(tmp_path):
    (tmp_path / "missing.py").write_text("import torch.no_such_module\n")
    result = run(["missing.py"], tmp_path)
    assert result.returncode == 1
    assert "ModuleNotFoundError: No module named 'torch.no_such_module'" in result.stderr


def test_exit_status_and_module_form(tmp_path):
    (tmp_path / "fails.py").write_text("import sys, torch\nsys.exit(3)\n")
    assert run(["fails.py"], tmp_path).returncode == 3
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tool.py").write_text(
        "import sys, torch\nif __name__ == '__main__':\n"
        "    print(torch.cuda.is_available(), sys.argv[1:])\n")
    result = run(["-m", "pkg.tool", "a"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "False ['a']\n"


@pytest.mark.parametrize("args,status", [([], 2), (["--help"], 0)])
def test_usage(tmp_path, args, status):
    result = run(args, tmp_path)
    assert result.returncode == status and "usage: python -m npgrad.run" in (
        result.stdout + result.stderr)
