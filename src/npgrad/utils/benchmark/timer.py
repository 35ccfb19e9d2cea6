"""``Timer``: times a Python statement, as ``torch.utils.benchmark.Timer`` does (on the
standard library's ``timeit``), and gives a :class:`Measurement`."""
from __future__ import annotations

import enum
import sys
import time
import timeit
from typing import Callable, Optional

from ..._settings import get_num_threads, set_num_threads
from .measurement import Measurement, TaskSpec

__all__ = ["Language", "Timer", "timer"]

timer = time.perf_counter

# blocked_autorange grows a block until it runs at least this long (seconds)
_MIN_BLOCK_TIME = 0.01


class Language(enum.Enum):
    """The language of a statement: npgrad times Python only (PyTorch also compiles C++)."""
    PYTHON = 0
    CPP = 1


class Timer:
    """Times ``stmt`` after running ``setup`` once, in ``globals`` (a copy); ``torch`` is
    available to both without an import, as in PyTorch (it is npgrad here)."""

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = timer, globals: Optional[dict] = None,
                 label: Optional[str] = None, sub_label: Optional[str] = None,
                 description: Optional[str] = None, env: Optional[str] = None,
                 num_threads: int = 1, language=Language.PYTHON) -> None:
        if language in (Language.CPP, "cpp", "c++"):
            raise ValueError("Timer: npgrad has no C++ frontend, so it times Python "
                             "statements only (language=Language.PYTHON)")
        if not isinstance(stmt, str):
            raise ValueError("Timer: stmt must be a string of Python code")
        self._globals = dict(globals or {})
        # the package this Timer belongs to stands for torch (as in PyTorch, where Timer
        # puts torch in the statement's globals); read from sys.modules, not imported,
        # because library modules never import the facade
        self._globals.setdefault("torch", sys.modules[__name__.split(".")[0]])
        self._timer = timer
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup,
                                   label=label, sub_label=sub_label, description=description,
                                   env=env, num_threads=num_threads)
        self._timeit = timeit.Timer(stmt=stmt, setup=setup, timer=timer,
                                    globals=self._globals)

    def _run(self, number: int) -> float:
        """Seconds for ``number`` runs of the statement, with the Timer's thread count."""
        previous = get_num_threads()
        set_num_threads(self._task_spec.num_threads)
        try:
            return self._timeit.timeit(number)
        finally:
            set_num_threads(previous)

    def _measurement(self, number: int, raw_times: list) -> Measurement:
        return Measurement(number_per_run=number, raw_times=raw_times,
                           task_spec=self._task_spec)

    def timeit(self, number: int = 1000000) -> Measurement:
        """One block of ``number`` runs (after one warm-up run)."""
        self._run(max(1, number // 100))
        return self._measurement(number, [self._run(number)])

    def repeat(self, repeat: int = -1, number: int = -1):
        """Not offered, as in PyTorch: use ``blocked_autorange``."""
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        """Not offered, as in PyTorch: use ``blocked_autorange``."""
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _block_size(self, min_time: float) -> int:
        """The number of runs that makes a block last at least ``min_time`` seconds."""
        number = 1
        while True:
            if self._run(number) >= min_time or number >= 10 ** 9:
                return number
            number *= 10

    def blocked_autorange(self, callback=None, min_run_time: float = 0.2) -> Measurement:
        """Blocks of runs (each >= 10 ms) until ``min_run_time`` seconds have passed."""
        number = self._block_size(_MIN_BLOCK_TIME)
        times, total = [], 0.0
        while total < min_run_time or not times:
            t = self._run(number)
            times.append(t)
            total += t
            if callback is not None:
                callback(number, t)
        return self._measurement(number, times)

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01,
                           max_run_time: float = 10.0, callback=None) -> Measurement:
        """Blocks of runs until the spread (IQR / median) falls under ``threshold`` after
        ``min_run_time`` seconds, or ``max_run_time`` seconds have passed."""
        number = self._block_size(_MIN_BLOCK_TIME / 10)
        times, total = [], 0.0
        while True:
            t = self._run(number)
            times.append(t)
            total += t
            if callback is not None:
                callback(number, t)
            m = self._measurement(number, list(times))
            if total >= max_run_time or (
                    total >= min_run_time and len(times) >= 3
                    and m.iqr / m.median < threshold):
                return m
