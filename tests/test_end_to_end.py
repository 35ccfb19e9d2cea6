"""An ordinary PyTorch training script, run unchanged with ``torch`` bound to PyTorch and to
npgrad: model class, DataLoader, loss, optimizer, scheduler, checkpoint. From the same initial
weights and data, the losses must agree to float32 tolerance over 50 steps."""
from __future__ import annotations

import numpy as np
import pytest
import torch as real_torch

import npgrad

SCRIPT = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.0)
        self.fc = nn.Linear(8 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.conv1(x))))
        x = self.pool(F.relu(self.conv2(x)))
        return self.fc(self.drop(torch.flatten(x, 1)))


model = Net()
model.load_state_dict({k: torch.tensor(v) for k, v in init_weights.items()})
loader = DataLoader(TensorDataset(torch.tensor(images), torch.tensor(labels)), batch_size=16)
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
losses = []
step = 0
while step < 50:
    for x, y in loader:
        model.train()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        step += 1
        if step == 50:
            break
model.eval()
with torch.no_grad():
    logits = model(torch.tensor(images))
    accuracy = (logits.argmax(dim=1) == torch.tensor(labels)).float().mean().item()
torch.save({"model": model.state_dict(), "optim": opt.state_dict(), "step": step}, ckpt)
state = torch.load(ckpt)
restored = Net()
restored.load_state_dict(state["model"])
restored.eval()
with torch.no_grad():
    same = torch.allclose(restored(torch.tensor(images)), logits)
'''


def _run(lib, tmp_path, init_weights, images, labels) -> dict:
    import sys
    import types
    saved = {k: sys.modules.get(k) for k in ("torch", "torch.nn", "torch.nn.functional",
                                             "torch.utils.data")}
    if lib is npgrad:  # what `import npgrad as torch` gives a script that says `import torch`
        sys.modules.update({"torch": npgrad, "torch.nn": npgrad.nn,
                            "torch.nn.functional": npgrad.nn.functional,
                            "torch.utils.data": npgrad.utils.data})
    try:
        env = {"init_weights": init_weights, "images": images, "labels": labels,
               "ckpt": str(tmp_path / f"{lib.__name__}.ckpt")}
        exec(compile(SCRIPT, "<training script>", "exec"), env)
        return env
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
        assert isinstance(sys.modules.get("torch"), types.ModuleType)


def test_training_script_runs_unchanged_and_matches_pytorch(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((64, 1, 12, 12), dtype=np.float32)
    labels = rng.integers(0, 10, 64)
    real_torch.manual_seed(0)
    env = {"__name__": "defs"}
    exec(compile(SCRIPT.split("model = Net()")[0], "<defs>", "exec"), env)
    init_weights = {k: v.numpy().copy() for k, v in env["Net"]().state_dict().items()}
    theirs = _run(real_torch, tmp_path, init_weights, images, labels)
    ours = _run(npgrad, tmp_path, init_weights, images, labels)
    assert len(ours["losses"]) == 50
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=2e-3, atol=2e-4)
    assert ours["losses"][-1] < ours["losses"][0]
    assert ours["accuracy"] == pytest.approx(theirs["accuracy"], abs=1 / 64 + 1e-9)
    assert ours["same"] and theirs["same"]
    assert ours["state"]["step"] == 50
