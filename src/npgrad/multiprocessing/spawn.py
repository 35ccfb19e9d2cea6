"""``spawn`` / ``start_processes``: run ``fn(i, *args)`` in ``nprocs`` processes and join
them, raising in the parent what failed in a child (PyTorch's
``torch.multiprocessing.spawn``)."""
from __future__ import annotations

import multiprocessing
import signal
import traceback

__all__ = ["ProcessContext", "ProcessException", "ProcessExitedException",
           "ProcessRaisedException", "SpawnContext", "spawn", "start_processes"]


class ProcessException(Exception):
    """A child process of ``spawn`` failed: which one (``error_index``) and its pid."""

    def __init__(self, msg: str, error_index: int, pid: int) -> None:
        super().__init__(msg)
        self.msg, self.error_index, self.pid = msg, error_index, pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A child raised an exception; the message holds its traceback."""

    def __init__(self, msg: str, error_index: int, error_pid: int) -> None:
        super().__init__(msg, error_index, error_pid)


class ProcessExitedException(ProcessException):
    """A child exited with a non-zero code or was killed by a signal."""

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int,
                 signal_name: str | None = None) -> None:
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid, self.exit_code,
                            self.signal_name)


def _wrap(fn, i: int, args: tuple, error_queue) -> None:
    """A child's body: run ``fn(i, *args)``; on an exception, send its traceback and exit 1."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # (the parent is stopping everyone)
    except Exception:
        error_queue.put(traceback.format_exc())
        raise SystemExit(1)


class ProcessContext:
    """The processes started by ``start_processes(..., join=False)``; ``join()`` them."""

    def __init__(self, processes: list, error_queues: list) -> None:
        self.processes, self.error_queues = processes, error_queues
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self) -> list:
        return [int(p.pid) for p in self.processes]

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the processes (up to ``timeout`` seconds); True once all have ended.
        When one fails, the others are terminated and its error is raised here."""
        if not self.sentinels:
            return True
        import multiprocessing.connection  # noqa: PLC0415 (first use: ~1% of import npgrad)
        ready = multiprocessing.connection.wait(self.sentinels.keys(), timeout=timeout)
        failed = None
        for sentinel in ready:
            i = self.sentinels.pop(sentinel)
            p = self.processes[i]
            p.join()
            if p.exitcode != 0 and failed is None:
                failed = i
        if failed is None:
            return not self.sentinels
        for p in self.processes:  # stop the others, as PyTorch does
            if p.is_alive():
                p.terminate()
            p.join()
        self.sentinels.clear()
        p, queue = self.processes[failed], self.error_queues[failed]
        if queue.empty():
            code = p.exitcode
            if code < 0:
                name = signal.Signals(-code).name
                raise ProcessExitedException(f"process {failed} terminated with signal {name}",
                                             failed, p.pid, code, name)
            raise ProcessExitedException(f"process {failed} terminated with exit code {code}",
                                         failed, p.pid, code)
        text = queue.get()
        raise ProcessRaisedException(f"\n\n-- Process {failed} terminated with the following "
                                     f"error:\n{text}", failed, p.pid)


class SpawnContext(ProcessContext):
    """The context of ``spawn(..., join=False)``."""


def start_processes(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
                    start_method: str = "spawn"):
    """Start ``nprocs`` processes running ``fn(i, *args)`` (i = 0..nprocs-1) with
    ``start_method``; join them unless ``join`` is False (then return their context)."""
    ctx = multiprocessing.get_context(start_method)
    processes, queues = [], []
    for i in range(nprocs):
        queue = ctx.SimpleQueue()
        p = ctx.Process(target=_wrap, args=(fn, i, tuple(args), queue), daemon=daemon)
        p.start()
        processes.append(p)
        queues.append(queue)
    context = ProcessContext(processes, queues)
    if not join:
        return context
    while not context.join():
        pass
    return None


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
          start_method: str = "spawn"):
    """``start_processes`` with the 'spawn' start method (PyTorch's one-liner for a
    process per worker: ``spawn(train, args=(world_size,), nprocs=world_size)``)."""
    context = start_processes(fn, args, nprocs, False, daemon, start_method)
    if not join:
        return SpawnContext(context.processes, context.error_queues)
    while not context.join():
        pass
    return None
