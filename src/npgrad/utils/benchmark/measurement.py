"""What a benchmark measured: ``TaskSpec`` (what was timed) and ``Measurement`` (the times),
with ``torch.utils.benchmark``'s attributes and printed form."""
from __future__ import annotations

import dataclasses
import math
import statistics
from typing import Optional

__all__ = ["Measurement", "TaskSpec", "select_unit", "trim_sigfig", "unit_to_english"]

_UNITS = ((1e-9, "ns"), (1e-6, "us"), (1e-3, "ms"), (1.0, "s"))
_ENGLISH = {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}
# above this spread (IQR / median) a Measurement warns that the machine was noisy
_NOISY_IQR = 0.1


def select_unit(t: float) -> tuple[str, float]:
    """The unit to print a time of ``t`` seconds in, and its size in seconds."""
    unit, scale = "ns", 1e-9
    for size, name in _UNITS:
        if t >= size:
            unit, scale = name, size
    return unit, scale


def unit_to_english(u: str) -> str:
    """``"us"`` -> ``"microsecond"``."""
    return _ENGLISH[u]


def trim_sigfig(x: float, n: int) -> float:
    """``x`` rounded to ``n`` significant figures."""
    return float(f"{x:.{n}g}") if x else 0.0


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """The statement a Timer runs and how it is labelled."""
    stmt: str
    setup: str
    global_setup: str = ""
    label: Optional[str] = None
    sub_label: Optional[str] = None
    description: Optional[str] = None
    env: Optional[str] = None
    num_threads: int = 1

    @property
    def title(self) -> str:
        """The line that names the task: ``label: sub_label``, else the statement."""
        if self.label is not None:
            return self.label + (f": {self.sub_label}" if self.sub_label else "")
        if "\n" not in self.stmt:
            return self.stmt + (f": {self.sub_label}" if self.sub_label else "")
        return f"stmt:{' (' + self.sub_label + ')' if self.sub_label else ''}\n" + "\n".join(
            "  " + line for line in self.stmt.splitlines())

    def summarize(self) -> str:
        """The lines printed above the times: title, description, env, setup."""
        lines = [self.title]
        if self.description:
            lines.append(self.description)
        if self.env:
            lines.append(f"env: {self.env}")
        if self.setup.strip() not in ("", "pass"):
            setup = self.setup.strip().splitlines()
            lines.append("setup: " + setup[0] if len(setup) == 1
                         else "setup:\n" + "\n".join("  " + s.strip() for s in setup))
        return "\n".join(lines)


@dataclasses.dataclass
class Measurement:
    """The times of ``number_per_run`` runs of a task, block by block (``raw_times``, in
    seconds per block); ``times`` are per run."""
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: Optional[dict] = None

    def __getattr__(self, name: str):
        # the task's fields read as the measurement's own (m.title, m.label, m.env...)
        if name in ("title", "stmt", "setup", "global_setup", "label", "sub_label",
                    "description", "env", "num_threads"):
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self) -> list:
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def _quartiles(self) -> tuple[float, float]:
        times = sorted(self.times)
        if len(times) < 2:
            return times[0], times[0]
        q = statistics.quantiles(times, n=4, method="inclusive")
        return q[0], q[2]

    @property
    def iqr(self) -> float:
        low, high = self._quartiles()
        return high - low

    @property
    def significant_figures(self) -> int:
        """How many digits of the median the spread of the times supports (1 to 4)."""
        if len(self.times) < 2 or not self.median:
            return 4
        spread = self.iqr / self.median
        return max(1, min(4, int(-math.log10(spread)) + 1)) if spread else 4

    @property
    def has_warnings(self) -> bool:
        return len(self.times) >= 4 and self.median and self.iqr / self.median > _NOISY_IQR

    def __repr__(self) -> str:
        unit, scale = select_unit(self.median)
        threads = f"{self.num_threads} thread{'s' if self.num_threads > 1 else ''}"
        lines = [f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>",
                 self.task_spec.summarize()]
        if len(self.times) == 1:
            lines += [f"  {self.median / scale:.2f} {unit}",
                      f"  1 measurement, {self.number_per_run} runs , {threads}"]
        else:
            low, high = self._quartiles()
            lines += [f"  Median: {self.median / scale:.2f} {unit}",
                      f"  IQR:    {self.iqr / scale:.2f} {unit} "
                      f"({low / scale:.2f} to {high / scale:.2f})",
                      f"  {len(self.times)} measurements, {self.number_per_run} runs per "
                      f"measurement, {threads}"]
            if self.has_warnings:
                lines += [f"  WARNING: Interquartile range is {self.iqr / self.median * 100:.1f}% "
                          "of the median measurement.",
                          "           This suggests significant environmental influence."]
        return "\n".join(lines)

