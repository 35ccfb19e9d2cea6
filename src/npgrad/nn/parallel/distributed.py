"""``DistributedDataParallel``: one model replica per process, gradients averaged across the
processes during backward, as ``torch.nn.parallel.DistributedDataParallel``.

How the averaging overlaps backward (as PyTorch's reducer does): the parameters are grouped
into buckets of about ``bucket_cap_mb`` megabytes, in the reverse of their registration order
(roughly the order backward produces their gradients; the first bucket is kept to 1 MiB so
communication starts early, or to the cap if smaller: NOTE PyTorch keeps it at 1 MiB). Each
parameter has a post-accumulate-grad hook; when every gradient of a bucket has been
accumulated, the bucket is flattened into one array and its non-blocking allreduce (``MPI_Iallreduce``) starts while backward goes on. Buckets start in
index order on every process, so that the processes' collectives match. When the last bucket
has started, the hook waits for all of them and writes the averages back into ``.grad``, so
they are there when ``backward()`` returns.
"""
from __future__ import annotations

import contextlib

import numpy as np

from ...autograd.function import AccumulateGrad
from ...autograd.grad_mode import is_grad_enabled
from ...distributed import collectives as _c
from ...distributed import object_collectives as _objects
from ...distributed import process_group as _pg
from ...distributed.transport import ReduceOp
from ...tensor import Tensor
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_FIRST_BUCKET_BYTES = 1024 * 1024
_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. "
    "This error indicates that your module has parameters that were not used in producing "
    "loss. You can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by "
    "making sure all `forward` function outputs participate in calculating loss.")


class _Bucket:
    """Parameters whose gradients travel together, and the flat array they travel in."""

    def __init__(self, params: list) -> None:
        self.params = params
        sizes = [p._data.size for p in params]
        self.offsets = np.cumsum([0] + sizes).tolist()
        self.buf = np.empty(self.offsets[-1], params[0]._data.dtype)
        self.pending, self.work = len(params), None

    def views(self):
        for p, start, end in zip(self.params, self.offsets, self.offsets[1:]):
            yield p, self.buf[start:end]


def _buckets(params: list, cap_bytes: int) -> list[_Bucket]:
    """Group ``params`` (in reverse order) into buckets of one dtype and at most about
    ``cap_bytes`` (the first: 1 MiB, or the cap when smaller)."""
    out, open_ = [], {}  # dtype -> parameters of the bucket being filled
    size = {}
    for p in reversed(params):
        dt = p._data.dtype
        group = open_.setdefault(dt, [])
        group.append(p)
        size[dt] = size.get(dt, 0) + p._data.nbytes
        if size[dt] >= (min(_FIRST_BUCKET_BYTES, cap_bytes) if not out else cap_bytes):
            out.append(_Bucket(group))
            open_[dt], size[dt] = [], 0
    out += [_Bucket(group) for group in open_.values() if group]
    return out


def _tensors_in(obj):
    """The tensors in a (nested) output: tensors, lists, tuples, dicts."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            yield item
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _leaves_reached(outputs) -> set[int]:
    """The ids of the leaves whose gradients backward from ``outputs`` would reach."""
    seen, found = set(), set()
    stack = [t.grad_fn for t in _tensors_in(outputs) if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.__class__ is AccumulateGrad and node.variable is not None:
            found.add(id(node.variable))
        stack.extend(child for child, _ in node.next_functions if child is not None)
    return found


class DistributedDataParallel(Module):
    """Wrap ``module`` so that each process trains a replica on its share of the data, with
    the gradients averaged over the processes of ``process_group`` in ``backward()``.

    Call it where the module was called; step the optimizer as usual. Parameters and buffers
    are copied from rank 0 when it is built, and buffers again before each forward
    (``broadcast_buffers``). Within :meth:`no_sync`, gradients accumulate locally; the next
    backward outside it averages the accumulated sum. With ``find_unused_parameters``,
    parameters that the forward's outputs do not depend on are averaged as zeros (and a
    parameter no process used keeps its ``.grad``); without it, every parameter must get a
    gradient in each backward, as in PyTorch.

    ``device_ids``, ``output_device``, ``dim``, ``gradient_as_bucket_view`` and
    ``static_graph`` are accepted for PyTorch's sake: there is one CPU device, and the
    buckets are copied in and out (NOTE: never views of ``.grad``).
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers: bool | None = None, init_sync: bool = True,
                 process_group=None, bucket_cap_mb: float | None = None,
                 find_unused_parameters: bool = False, check_reduction: bool = False,
                 gradient_as_bucket_view: bool = False, static_graph: bool = False,
                 **kwargs) -> None:
        super().__init__()
        self.module = module
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.process_group = _pg.resolve(process_group)
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view, self.static_graph = gradient_as_bucket_view, static_graph
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 2 ** 20)
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        if init_sync:
            self._check_same_model(params)
            _c.broadcast_coalesced(list(module.parameters()) + list(module.buffers()),
                                   self.process_group)
        self._params = params
        self._buckets = _buckets(params, self.bucket_bytes_cap)
        self._bucket_of = {id(p): b for b in self._buckets for p in b.params}
        self._hooks = [p.register_post_accumulate_grad_hook(self._grad_ready) for p in params]
        self._syncing = False      # this backward averages gradients (set by forward)
        self._started = False      # a gradient of this backward has arrived
        self._ready: set[int] = set()
        self._next = 0             # the next bucket to start
        self._used: set[int] | None = None

    def _check_same_model(self, params) -> None:
        shapes = [tuple(p.shape) for p in params]
        every = [None] * _pg.get_world_size(self.process_group)
        _objects.all_gather_object(every, shapes, group=self.process_group)
        for rank, theirs in enumerate(every):
            if len(theirs) != len(shapes):
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank "
                                   f"{_pg.get_rank(self.process_group)} has {len(shapes)} "
                                   f"params, while rank {rank} has inconsistent "
                                   f"{len(theirs)} params.")
            for i, (a, b) in enumerate(zip(shapes, theirs)):
                if a != b:
                    raise RuntimeError(f"DDP expects same model across all ranks, but "
                                       f"parameter {i} has shape {list(a)} here and "
                                       f"{list(b)} on rank {rank}.")

    # -- forward ------------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._started:
            raise RuntimeError(_UNFINISHED)
        if self.broadcast_buffers and self.require_forward_param_sync:
            self._sync_buffers()
        out = self.module(*inputs, **kwargs)
        self._syncing = is_grad_enabled() and self.require_backward_grad_sync
        if self._syncing:
            self._prepare_for_backward(out)
        return out

    def _sync_buffers(self) -> None:
        if _pg.get_world_size(self.process_group) > 1:
            _c.broadcast_coalesced(list(self.module.buffers()), self.process_group)

    def _prepare_for_backward(self, out) -> None:
        self._ready, self._next, self._used = set(), 0, None
        for b in self._buckets:
            b.pending, b.work = len(b.params), None
        if self.find_unused_parameters:
            self._used = _leaves_reached(out)
            for p in self._params:
                if id(p) not in self._used:
                    self._mark_ready(p)

    @contextlib.contextmanager
    def no_sync(self):
        """Within this context, backward accumulates gradients without averaging them; the
        first backward after it averages what accumulated."""
        before = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = before

    # -- backward: the hooks ------------------------------------------------------------------
    def _grad_ready(self, param) -> None:
        if self._syncing:
            self._started = True
            self._mark_ready(param)

    def _mark_ready(self, param) -> None:
        if id(param) in self._ready:
            raise RuntimeError("Expected to mark a variable ready only once. This error is "
                               "caused by one of the following reasons: 1) Use of a module "
                               "parameter outside the `forward` function. 2) Reused "
                               "parameters in multiple reentrant backward passes.")
        self._ready.add(id(param))
        bucket = self._bucket_of[id(param)]
        bucket.pending -= 1
        while self._next < len(self._buckets) and self._buckets[self._next].pending == 0:
            self._start(self._buckets[self._next])
            self._next += 1
        for b in self._buckets[:self._next]:
            b.work.is_completed()  # (lets MPI move the started ones along)
        if self._next == len(self._buckets):
            self._finish()

    def _start(self, bucket: _Bucket) -> None:
        for p, view in bucket.views():
            if p.grad is None:
                view[...] = 0
            else:
                view[...] = p.grad._data.reshape(-1)
        bucket.work = _c.all_reduce(Tensor._make(bucket.buf), group=self.process_group,
                                    async_op=True)

    def _finish(self) -> None:
        """Wait for every bucket and write the averaged gradients into ``.grad``."""
        n = _pg.get_world_size(self.process_group)
        used_anywhere = None
        if self._used is not None:
            flags = np.array([id(p) in self._used for p in self._params], np.uint8)
            _c.all_reduce(Tensor._make(flags), ReduceOp.MAX, group=self.process_group)
            used_anywhere = {id(p) for p, f in zip(self._params, flags) if f}
        for b in self._buckets:
            b.work.wait()
            b.buf /= n
            for p, view in b.views():
                if used_anywhere is not None and id(p) not in used_anywhere:
                    continue  # no process used it: its .grad stays as it was
                if p.grad is None:
                    p.grad = Tensor._make(view.reshape(p._data.shape).copy())
                else:
                    np.copyto(p.grad._data, view.reshape(p.grad._data.shape))
        self._syncing = self._started = False

