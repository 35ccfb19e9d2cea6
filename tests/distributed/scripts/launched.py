"""Started by the launcher under ``python -m npgrad.run`` (so ``torch`` is npgrad): runs a
DDP step written for PyTorch, and rank 0 prints every rank's torchrun environment and
gradients as one JSON line. With the argument ``fail`` rank 1 raises while the others wait in
a collective."""
import json
import os
import sys

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

KEYS = ["RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK", "MASTER_ADDR",
        "MASTER_PORT", "TORCHELASTIC_RUN_ID"]
env = {k: os.environ.get(k) for k in KEYS} | {"argv": sys.argv[1:], "torch": torch.__name__,
                                              "main": __name__}
dist.init_process_group(backend="gloo")
rank = int(os.environ["RANK"])
if "fail" in sys.argv and rank == 1:
    raise ValueError("rank 1 fails on purpose")
model = DistributedDataParallel(torch.nn.Linear(3, 1))
model(torch.ones(2, 3) * rank).sum().backward()
every = [None] * dist.get_world_size()
dist.all_gather_object(every, {"env": env, "grad": model.module.weight.grad.tolist()})
if rank == 0:
    print("RESULT " + json.dumps(every), flush=True)
dist.destroy_process_group()
