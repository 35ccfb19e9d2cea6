"""Run under MPI with 2 ranks: DistributedDataParallel against one process that sees the
whole batch. Rank 0 prints 'OK <n checks>' or the failures."""
import sys
import traceback

import numpy as np

import npgrad as torch
import npgrad.distributed as dist
import npgrad.nn as nn
from npgrad.nn.parallel import DistributedDataParallel as DDP

B = 4  # each rank's batch


def mlp(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                         nn.Linear(16, 3)).double()


def batch(step, n):
    g = torch.Generator().manual_seed(1000 + step)
    return (torch.randn(n, 5, generator=g, dtype=torch.float64),
            torch.randn(n, 3, generator=g, dtype=torch.float64))


def check_all(r, n):
    checks = []

    def check(name, ok, why=""):
        checks.append((name, bool(ok), None if ok else why))

    def close(name, a, b, tol=1e-12):
        a = [t.detach().numpy() for t in a]
        b = [t.detach().numpy() for t in b]
        err = max(float(np.max(np.abs(x - y) / (1 + np.abs(y)))) for x, y in zip(a, b))
        check(name, err <= tol, f"max relative error {err:.3g}")

    # -- equivalence: n ranks with batch B vs one process with batch n*B ------------------
    for opt_name, cap in [("SGD", None), ("Adam", 0.0005)]:  # 0.0005 MB: several buckets
        ref = mlp(100)
        model = DDP(mlp(100 + r), bucket_cap_mb=cap)  # rank 0's weights must win
        close(f"{opt_name}: weights broadcast from rank 0", model.module.parameters(),
              ref.parameters(), 0)
        if cap is not None:
            check("several buckets", len(model._buckets) > 2, str(len(model._buckets)))
        make = (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)) if opt_name == "SGD" \
            else (lambda ps: torch.optim.Adam(ps, lr=0.01))
        opt, ref_opt = make(model.parameters()), make(ref.parameters())
        for step in range(15):
            x, y = batch(step, n * B)
            opt.zero_grad()
            nn.functional.mse_loss(model(x[r * B:(r + 1) * B]), y[r * B:(r + 1) * B]).backward()
            opt.step()
            ref_opt.zero_grad()
            nn.functional.mse_loss(ref(x), y).backward()
            ref_opt.step()
        close(f"{opt_name}: 15 steps equal one process's", model.module.parameters(),
              ref.parameters(), 1e-10)

    # -- a small GPT (embeddings, attention, LayerNorm), AdamW with clipping ---------------
    from npgrad.examples.char_gpt import GPT

    def gpt():
        torch.manual_seed(5)
        return GPT(11, context=8, width=16, layers=1, heads=2).double()
    ref, model = gpt(), DDP(gpt(), bucket_cap_mb=0.002)
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)
    ref_opt = torch.optim.AdamW(ref.parameters(), lr=0.01)
    for step in range(6):
        g = torch.Generator().manual_seed(step)
        idx = torch.randint(0, 11, (n * 2, 9), generator=g)
        for net, o, rows in ((model, opt, slice(2 * r, 2 * r + 2)), (ref, ref_opt, slice(None))):
            o.zero_grad()
            _, loss = net(idx[rows, :-1], idx[rows, 1:])
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            o.step()
    close("GPT: 6 AdamW steps equal one process's", model.module.parameters(),
          ref.parameters(), 1e-9)

    # -- SyncBatchNorm: the statistics of the whole batch, across processes ----------------
    def bn_net():
        torch.manual_seed(3)
        return nn.Sequential(nn.Linear(5, 6), nn.BatchNorm1d(6), nn.Tanh(),
                             nn.Linear(6, 3)).double()
    ref = bn_net()
    model = DDP(nn.SyncBatchNorm.convert_sync_batchnorm(bn_net()))
    check("convert_sync_batchnorm", type(model.module[1]).__name__ == "SyncBatchNorm")
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    for step in range(5):
        x, y = batch(20 + step, n * B)
        out = model(x[r * B:(r + 1) * B])
        ref_out = ref(x)
        opt.zero_grad()
        nn.functional.mse_loss(out, y[r * B:(r + 1) * B]).backward()
        opt.step()
        ref_opt.zero_grad()
        nn.functional.mse_loss(ref_out, y).backward()
        ref_opt.step()
    close("SyncBatchNorm: outputs are the whole batch's", [out], [ref_out[r * B:(r + 1) * B]])
    close("SyncBatchNorm: 5 steps equal one process's", model.module.parameters(),
          ref.parameters(), 1e-10)
    close("SyncBatchNorm: running statistics", model.module[1].buffers(), ref[1].buffers())

    # -- the allreduce of the first bucket starts before backward ends --------------------
    model = DDP(mlp(0), bucket_cap_mb=0.0005)
    started_at = []
    start = model._start
    model._start = lambda b: (started_at.append(len(model._ready)), start(b))
    x, y = batch(0, B)
    nn.functional.mse_loss(model(x), y).backward()
    total = len(list(model.parameters()))
    check("buckets start during backward", started_at[0] < total and len(started_at) > 2,
          str(started_at))

    # -- no_sync: two micro-batches accumulate locally, the second backward averages -------
    ref, model = mlp(0), DDP(mlp(0))
    for micro in range(2):
        x, y = batch(50 + micro, n * B)
        ctx = model.no_sync() if micro == 0 else _nothing()
        with ctx:
            nn.functional.mse_loss(model(x[r * B:(r + 1) * B]), y[r * B:(r + 1) * B]).backward()
        if micro == 0:  # not averaged yet: this rank's own gradient
            own = mlp(0)
            nn.functional.mse_loss(own(x[r * B:(r + 1) * B]), y[r * B:(r + 1) * B]).backward()
            close("no_sync: local gradients", [p.grad for p in model.parameters()],
                  [p.grad for p in own.parameters()])
        nn.functional.mse_loss(ref(x), y).backward()
    close("no_sync: accumulated then averaged", [p.grad for p in model.parameters()],
          [p.grad for p in ref.parameters()])

    # -- unused parameters ---------------------------------------------------------------
    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.body, self.a, self.b = nn.Linear(5, 8), nn.Linear(8, 3), nn.Linear(8, 3)
            self.never = nn.Linear(8, 3)

        def forward(self, x, use_b):
            h = self.body(x).tanh()
            return self.a(h) + self.b(h) if use_b else self.a(h)

    model = DDP(TwoHeads().double(), find_unused_parameters=True)
    ref = TwoHeads().double()
    x, y = batch(7, n * B)
    out = model(x[r * B:(r + 1) * B], use_b=(r == 0))  # only rank 0 uses head b
    nn.functional.mse_loss(out, y[r * B:(r + 1) * B]).backward()
    # one process: the average over ranks of each rank's loss
    total = sum(nn.functional.mse_loss(ref(x[i * B:(i + 1) * B], use_b=(i == 0)),
                                       y[i * B:(i + 1) * B]) for i in range(n)) / n
    total.backward()
    names = ["body.weight", "body.bias", "a.weight", "a.bias", "b.weight", "b.bias"]
    mine, theirs = dict(model.module.named_parameters()), dict(ref.named_parameters())
    close("find_unused_parameters: averages", [mine[k].grad for k in names],
          [theirs[k].grad for k in names])
    check("a parameter no rank used keeps grad None", model.module.never.weight.grad is None)
    # a second iteration works (the reduction finished)
    nn.functional.mse_loss(model(x[:B], use_b=True), y[:B]).backward()
    check("find_unused_parameters: second iteration", model.module.b.weight.grad is not None)

    # without find_unused_parameters a parameter that got no gradient is an error next time
    model = DDP(TwoHeads().double())
    nn.functional.mse_loss(model(x[:B], use_b=True), y[:B]).backward()
    try:
        model(x[:B], use_b=True)
        check("unfinished reduction raises", False, "no error")
    except RuntimeError as e:
        check("unfinished reduction raises", "Expected to have finished reduction" in str(e),
              str(e))

    # -- buffers: copied from rank 0 at construction and before each forward --------------
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4)).double()
    net[1].running_mean.fill_(float(r))
    model = DDP(net)
    check("buffers broadcast at construction", float(net[1].running_mean.sum()) == 0.0,
          str(net[1].running_mean))
    seen = []
    net.register_forward_pre_hook(lambda m, args: seen.append(m[1].running_mean.clone()))
    for step in range(3):
        x, y = batch(step, n * B)
        nn.functional.mse_loss(model(x[r * B:(r + 1) * B]).sum(1), y[r * B:(r + 1) * B, 0]
                               ).backward()
    every = [None] * n
    dist.all_gather_object(every, [s.numpy() for s in seen])
    check("buffers equal rank 0's at each forward",
          all(np.array_equal(a, b) for theirs in every for a, b in zip(theirs, every[0])))
    check("state_dict keys start with module.",
          all(k.startswith("module.") for k in model.state_dict()), str(list(model.state_dict())))
    check("float32 model", _float32_step(r, n))
    return checks


def _float32_step(r, n):
    model = DDP(mlp(0).float())
    x, y = batch(3, n * B)
    nn.functional.mse_loss(model(x[r * B:(r + 1) * B].float()), y[r * B:(r + 1) * B].float()
                           ).backward()
    grads = [p.grad.numpy() for p in model.parameters()]
    every = [None] * n
    dist.all_gather_object(every, grads)
    return all(np.array_equal(a, b) for g in every for a, b in zip(g, grads)) \
        and grads[0].dtype == np.float32


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def main():
    dist.init_process_group("gloo")
    r, n = dist.get_rank(), dist.get_world_size()
    try:
        checks = check_all(r, n)
    except Exception:
        checks = [("exception", False, traceback.format_exc())]
    every = [None] * n
    dist.all_gather_object(every, checks)
    if r == 0:
        bad = [(i, name, why) for i, cs in enumerate(every) for name, ok, why in cs if not ok]
        for i, name, why in bad:
            print(f"rank {i}: {name}: {why}")
        print("OK" if not bad else "FAILED", sum(map(len, every)))
    sys.exit(0)


if __name__ == "__main__":
    main()
