"""``torch.autograd.profiler_util``: the profiler's events and their summary table.

A :class:`FunctionEvent` is one timed range (an op, a backward node, a ``record_function``
block) with its children; an :class:`EventList` holds them and prints PyTorch's table
(``table()``), averages them by name (``key_averages()``) and writes Chrome's trace format
(``export_chrome_trace()``). Times are in microseconds, as PyTorch's.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

__all__ = ["EventList", "FormattedTimesMixin", "Interval", "Kernel", "FunctionEvent",
           "FunctionEventAvg", "StringTable"]


def _format_time(time_us: float) -> str:
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_share(time_us: float, total_us: float) -> str:
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


def _in_unit(time_us: float, unit: Optional[str]) -> str:
    if unit == "s":
        return f"{time_us / 1e6:.3f}s"
    if unit == "ms":
        return f"{time_us / 1e3:.3f}ms"
    if unit == "us":
        return f"{time_us:.3f}us"
    return _format_time(time_us)


class FormattedTimesMixin:
    """``cpu_time_str``, ``cpu_time_total_str``, ``self_cpu_time_total_str``... as PyTorch
    prints them (``1.234ms``)."""

    @property
    def cpu_time_str(self) -> str:
        return _format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self) -> str:
        return _format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self) -> str:
        return _format_time(self.self_cpu_time_total)

    @property
    def cpu_time(self) -> float:
        """The average time per call."""
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count


class Interval:
    """A time range in microseconds."""

    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end

    def elapsed_us(self) -> float:
        return self.end - self.start


class Kernel(NamedTuple):
    """A device kernel launched by an op (npgrad profiles the CPU only: never made)."""

    name: str
    device: int
    duration: float


class StringTable(dict):
    """Names as they are printed (PyTorch demangles C++ symbols here; npgrad's are Python)."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


class FunctionEvent(FormattedTimesMixin):
    """One profiled range: ``name``, start and end (``time_range``, in microseconds), the
    ``thread`` it ran on, ``input_shapes`` (with ``record_shapes``), and its nested ranges
    (``cpu_children``; ``cpu_parent``)."""

    def __init__(self, id: int, name: str, thread: int, start_us: float, end_us: float,
                 input_shapes: Optional[list] = None, sequence_nr: int = -1,
                 stack: Optional[list] = None, is_async: bool = False) -> None:
        self.id, self.name, self.thread = id, name, thread
        self.time_range = Interval(start_us, end_us)
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.sequence_nr = sequence_nr
        self.stack = stack or []
        self.cpu_children: list = []
        self.cpu_parent: Optional[FunctionEvent] = None
        self.count = 1
        self.is_async, self.is_remote, self.is_legacy = is_async, False, False
        self.node_id, self.overload_name = -1, ""
        self.device_type, self.device_index = "CPU", 0
        self.trace_name = name
        self.flops = 0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.device_memory_usage = self.self_device_memory_usage = 0
        self.device_time_total = self.self_device_time_total = 0
        self.kernels: list = []
        self.use_device = None
        self.is_user_annotation = False

    @property
    def key(self) -> str:
        return self.name

    @property
    def cpu_time_total(self) -> float:
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self) -> float:
        """The time not spent in nested ranges."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    def append_cpu_child(self, child: "FunctionEvent") -> None:
        """Record ``child`` as nested in this range (its parent is set apart, as PyTorch's:
        ``set_cpu_parent``)."""
        self.cpu_children.append(child)

    def set_cpu_parent(self, parent: "FunctionEvent") -> None:
        self.cpu_parent = parent

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} device_type=DeviceType.CPU "
                f"cpu_time={self.cpu_time_str} start_us={self.time_range.start} "
                f"end_us={self.time_range.end} cpu_children={[c.id for c in self.cpu_children]} "
                f"thread={self.thread} input_shapes={self.input_shapes}>")


class FunctionEventAvg(FormattedTimesMixin):
    """The events of one name (and input shapes, when grouped by them), summed."""

    def __init__(self) -> None:
        self.key: Optional[str] = None
        self.count = 0
        self.node_id, self.overload_name = 0, ""
        self.is_async, self.is_remote, self.is_legacy = False, False, False
        self.use_device = None
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.device_time_total = self.self_device_time_total = 0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.device_memory_usage = self.self_device_memory_usage = 0
        self.input_shapes = None
        self.stack = None
        self.cpu_parent = None
        self.device_type = "CPU"
        self.flops = 0
        self.is_user_annotation = False

    def add(self, other) -> "FunctionEventAvg":
        if self.key is None:
            self.key = other.key
            self.node_id, self.is_async = other.node_id, other.is_async
            self.input_shapes, self.stack = other.input_shapes, other.stack
            self.cpu_parent = other.cpu_parent
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.count += other.count
        return self

    def __iadd__(self, other) -> "FunctionEventAvg":
        return self.add(other)

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events with PyTorch's summaries."""

    def __init__(self, *args, use_device=None, profile_memory: bool = False,
                 with_flops: bool = False) -> None:
        super().__init__(*args)
        self._use_device, self._profile_memory = use_device, profile_memory

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by: Optional[str] = None, row_limit: int = 100,
              max_src_column_width: int = 75, max_name_column_width: int = 55,
              max_shapes_column_width: int = 80, header: Optional[str] = None,
              top_level_events_only: bool = False, time_unit: Optional[str] = None) -> str:
        """PyTorch's summary table, one row per event (sorted by the attribute ``sort_by``,
        e.g. ``"cpu_time_total"`` or ``"self_cpu_time_total"``), at most ``row_limit`` rows."""
        return _table(self, sort_by, row_limit, max_name_column_width,
                      max_shapes_column_width, header, top_level_events_only, time_unit)

    def key_averages(self, group_by_input_shapes: bool = False,
                     group_by_stack_n: int = 0, group_by_overload_name: bool = False
                     ) -> "EventList":
        """One :class:`FunctionEventAvg` per name (and input shapes), in first-seen order."""
        groups: dict = {}
        for e in self:
            key = (e.key, str(e.input_shapes)) if group_by_input_shapes else e.key
            groups.setdefault(key, FunctionEventAvg()).add(e)
        averages = EventList(groups.values())
        for avg in averages:
            avg.stack = (avg.stack or [])[:group_by_stack_n]
            if not group_by_input_shapes:
                avg.input_shapes = ""  # (no shapes column then, as PyTorch)
        return averages

    def total_average(self) -> FunctionEventAvg:
        """Every event summed, under the key ``"Total"``."""
        total = FunctionEventAvg()
        for e in self:
            total.add(e)
            total.key = None
        total.key = "Total"
        return total

    def export_chrome_trace(self, path: str) -> None:
        """Write the events in Chrome's trace-event format (``chrome://tracing``,
        Perfetto)."""
        events = [{"ph": "X", "cat": "cpu_op", "name": e.name, "pid": 0, "tid": e.thread,
                   "ts": e.time_range.start, "dur": e.cpu_time_total,
                   "args": {"Input Dims": e.input_shapes} if e.input_shapes else {}}
                  for e in self if isinstance(e, FunctionEvent)]
        import json  # noqa: PLC0415 (only this export needs it: ~1% of import npgrad)
        with open(path, "w") as f:
            json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f)


def _table(events, sort_by, row_limit, max_name_width, max_shapes_width, header,
           top_level_only, time_unit) -> str:
    """PyTorch's table layout: right-aligned columns two spaces apart, dashes around the
    header, and the total self CPU time at the end."""
    if len(events) == 0:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by.replace("cuda", "device")),
                        reverse=True)
    has_shapes = any(e.input_shapes for e in events)
    name_width = max(len(e.key) for e in events) + 4
    if max_name_width is not None:
        name_width = min(name_width, max_name_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
               "# of Calls"]
    widths = [name_width] + [12] * 6
    if has_shapes:
        shapes_width = max(len(str(e.input_shapes)) for e in events) + 4
        if max_shapes_width is not None:
            shapes_width = min(shapes_width, max_shapes_width)
        headers.append("Input Shapes")
        widths.append(shapes_width)
    row = "".join("{: >" + str(w) + "}  " for w in widths)
    sep = "".join("-" * w + "  " for w in widths)
    line_length = sum(w + 2 for w in widths) - 2
    total = sum(e.self_cpu_time_total for e in events)
    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [sep, row.format(*headers), sep]
    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if max_name_width is not None and len(name) >= max_name_width - 3:
            name = name[:max_name_width - 3] + "..."
        values = [name, _format_share(e.self_cpu_time_total, total),
                  _in_unit(e.self_cpu_time_total, time_unit),
                  _format_share(e.cpu_time_total, total),
                  _in_unit(e.cpu_time_total, time_unit), _in_unit(e.cpu_time, time_unit),
                  e.count]
        if has_shapes:
            values.append(str(e.input_shapes)[:shapes_width])
        lines.append(row.format(*values))
    lines += [sep, f"Self CPU time total: {_in_unit(total, time_unit)}"]
    return "\n".join(lines) + "\n"
