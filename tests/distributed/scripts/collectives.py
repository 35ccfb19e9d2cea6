"""Run under MPI (any number of ranks): every collective against its definition, computed
here from each rank's known inputs. Rank 0 prints 'OK <n checks>' or the failures."""
import sys
import traceback

import numpy as np

import npgrad as torch
import npgrad.distributed as dist
from npgrad.distributed import collectives

DTYPES = [torch.float32, torch.float64, torch.int32, torch.int64]


def data(rank, dtype, shape=(2, 3)):
    """Rank ``rank``'s input: small distinct values, exact in every dtype."""
    n = int(np.prod(shape))
    return (np.arange(n).reshape(shape) % 5 + 2 * rank + 1).astype(torch.empty(0, dtype=dtype)
                                                                    .numpy().dtype)


def check_all(r, n):
    checks = []

    def check(name, got, want):
        got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
        ok = got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype \
            and np.allclose(got, want, rtol=1e-6)
        checks.append((name, ok, None if ok else f"got {got!r} want {want!r}"))

    everyone = lambda dt, shape=(2, 3): [data(i, dt, shape) for i in range(n)]  # noqa: E731
    for dt in DTYPES:
        tag = str(dt)
        # all_reduce with each op, sync and async
        for op, fn in [(dist.ReduceOp.SUM, np.sum), (dist.ReduceOp.PRODUCT, np.prod),
                       (dist.ReduceOp.MIN, np.min), (dist.ReduceOp.MAX, np.max)]:
            for async_op in (False, True):
                x = torch.from_numpy(data(r, dt))
                w = dist.all_reduce(x, op=op, async_op=async_op)
                if async_op:
                    assert w.wait() and w.is_completed()
                check(f"all_reduce {op} {tag} async={async_op}", x,
                      fn(np.stack(everyone(dt)), axis=0).astype(x.numpy().dtype))
        if dt.is_floating_point:
            x = torch.from_numpy(data(r, dt))
            dist.all_reduce(x, op=dist.ReduceOp.AVG)
            check(f"all_reduce AVG {tag}", x, np.mean(np.stack(everyone(dt)), 0).astype(
                x.numpy().dtype))
        # broadcast from the last rank; a non-contiguous view is written in place
        base = torch.from_numpy(data(r, dt, (3, 4)))
        view = base.t()
        dist.broadcast(view, src=n - 1)
        check(f"broadcast view {tag}", base, data(n - 1, dt, (3, 4)))
        # reduce to rank 0: the others keep their tensor
        x = torch.from_numpy(data(r, dt))
        dist.reduce(x, dst=0, op=dist.ReduceOp.SUM)
        check(f"reduce {tag}", x, sum(everyone(dt)) if r == 0 else data(r, dt))
        # all_gather, all_gather_into_tensor
        outs = [torch.zeros(2, 3, dtype=dt) for _ in range(n)]
        dist.all_gather(outs, torch.from_numpy(data(r, dt)))
        check(f"all_gather {tag}", torch.stack(outs), np.stack(everyone(dt)))
        out = torch.zeros(2 * n, 3, dtype=dt)
        w = dist.all_gather_into_tensor(out, torch.from_numpy(data(r, dt)), async_op=True)
        w.wait()
        check(f"all_gather_into_tensor {tag}", out, np.concatenate(everyone(dt)))
        # gather, scatter
        lst = [torch.zeros(2, 3, dtype=dt) for _ in range(n)] if r == 1 else None
        dist.gather(torch.from_numpy(data(r, dt)), lst, dst=1)
        if r == 1:
            check(f"gather {tag}", torch.stack(lst), np.stack(everyone(dt)))
        x = torch.zeros(2, 3, dtype=dt)
        src_list = [torch.from_numpy(data(i, dt) * 3) for i in range(n)] if r == 0 else None
        dist.scatter(x, src_list, src=0)
        check(f"scatter {tag}", x, data(r, dt) * 3)
        # reduce_scatter: rank i gets the sum over ranks of their input_list[i]
        ins = [torch.from_numpy(data(r, dt) + i) for i in range(n)]
        x = torch.zeros(2, 3, dtype=dt)
        dist.reduce_scatter(x, ins, op=dist.ReduceOp.MAX)
        check(f"reduce_scatter MAX {tag}", x, np.max(np.stack(everyone(dt)), 0) + r)
        x = torch.zeros(2, 3, dtype=dt)
        dist.reduce_scatter_tensor(x, torch.cat(ins), op=dist.ReduceOp.SUM)
        check(f"reduce_scatter_tensor {tag}", x, sum(everyone(dt)) + n * r)
        # all_to_all with pieces of different sizes: rank i sends i + j + 1 values to rank j
        ins = [torch.full((r + j + 1,), 10 * r + j, dtype=dt) for j in range(n)]
        outs = [torch.zeros(j + r + 1, dtype=dt) for j in range(n)]
        dist.all_to_all(outs, ins)
        for j in range(n):
            check(f"all_to_all {tag} from {j}", outs[j],
                  np.full(j + r + 1, 10 * j + r, dtype=outs[j].numpy().dtype))
        out = torch.zeros(n, dtype=dt)
        dist.all_to_all_single(out, torch.arange(n, dtype=dt) + 10 * r)
        check(f"all_to_all_single {tag}", out, (np.arange(n) * 10 + r).astype(
            out.numpy().dtype))
    # many tensors of mixed dtypes (one a view) in one call per dtype
    many = [torch.full((2,), float(r)), torch.full((3,), r, dtype=torch.int64),
            torch.full((2, 2), float(r)).t(), torch.tensor(float(r), dtype=torch.float64)]
    collectives.broadcast_coalesced(many, group_src=n - 1)  # (npgrad, not torch API)
    for i, t in enumerate(many):
        check(f"broadcast_coalesced {i}", t, np.full(tuple(t.shape), n - 1,
                                                     t.numpy().dtype))
    # a 0-d tensor, an empty one
    x = torch.tensor(float(r + 1), dtype=torch.float64)
    dist.all_reduce(x, op=dist.ReduceOp.PRODUCT)
    check("all_reduce 0-d", x, np.array(float(np.prod(np.arange(1, n + 1))), np.float64))
    x = torch.zeros(0, 3)
    dist.all_reduce(x)
    check("all_reduce empty", x, np.zeros((0, 3), np.float32))
    # float16 and bool travel as float32 and uint8
    x = torch.tensor([0.5, 1.5], dtype=torch.float16) * (r + 1)
    dist.all_reduce(x)
    check("all_reduce float16", x, np.array([0.5, 1.5], np.float16) * sum(range(1, n + 1)))
    x = torch.tensor([r == 0, False, True])
    dist.all_reduce(x, op=dist.ReduceOp.MAX)
    check("all_reduce bool MAX", x, np.array([True, False, True]))
    # send/recv in a ring, blocking and not
    right, left = (r + 1) % n, (r - 1) % n
    got = torch.zeros(3)
    w = dist.isend(torch.full((3,), float(r)), dst=right)
    src = dist.recv(got, src=None)
    w.wait()
    check("isend/recv ring", got, np.full(3, float(left), np.float32))
    check("recv returns the sender", np.array(src), np.array(left))
    got = torch.zeros(3, dtype=torch.int64)
    w = dist.irecv(got, src=left)
    dist.send(torch.full((3,), r, dtype=torch.int64), dst=right)
    w.wait()
    check("send/irecv ring", got, np.full(3, left, np.int64))
    # objects
    objs = [None, None] if r else [{"a": 1}, "b"]
    dist.broadcast_object_list(objs, src=0)
    check("broadcast_object_list", np.array(objs == [{"a": 1}, "b"]), np.array(True))
    objs = [None] * n
    dist.all_gather_object(objs, ("rank", r))
    check("all_gather_object", np.array(objs == [("rank", i) for i in range(n)]),
          np.array(True))
    # groups: the last two ranks
    sub = dist.new_group([n - 2, n - 1])
    if r >= n - 2:
        x = torch.tensor([float(r)])
        dist.all_reduce(x, group=sub)
        check("new_group all_reduce", x, np.array([2 * n - 3.0], np.float32))
        check("new_group rank", np.array(dist.get_rank(sub)), np.array(r - (n - 2)))
        x = torch.tensor([float(r)])
        dist.broadcast(x, src=n - 1, group=sub)
        check("new_group broadcast by global rank", x, np.array([n - 1.0], np.float32))
    else:
        check("outside the group", np.array(dist.get_rank(sub)), np.array(-1))
        check("outside the group: a no-op", np.array(dist.all_reduce(torch.ones(1), group=sub)
                                                       is None), np.array(True))
    dist.barrier()
    return checks


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
    dist.destroy_process_group()
    sys.exit(0)


if __name__ == "__main__":
    main()
