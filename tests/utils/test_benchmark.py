"""npgrad.utils.benchmark: Timer and Measurement as torch.utils.benchmark's (no timing is
asserted: only what was run, how often, and how it is reported)."""
from __future__ import annotations

import pytest

import npgrad
from npgrad.utils.benchmark import Language, Measurement, TaskSpec, Timer


def test_timeit_runs_the_statement_number_times_after_setup():
    calls = []
    m = Timer("calls.append(1)", setup="calls.clear()", globals={"calls": calls}).timeit(50)
    assert isinstance(m, Measurement) and m.number_per_run == 50
    assert len(calls) == 50  # setup runs again before the measured block
    assert len(m.times) == 1 and m.times[0] == m.raw_times[0] / 50


def test_torch_is_available_to_statements_without_an_import():
    seen = []
    Timer("seen.append(torch)", globals={"seen": seen}).timeit(1)
    assert seen[0] is npgrad


def test_blocked_autorange_measures_blocks_of_equal_size_for_min_run_time():
    blocks = []
    m = Timer("x * y", setup="x = torch.ones(8); y = torch.ones(8)").blocked_autorange(
        callback=lambda n, t: blocks.append((n, t)), min_run_time=0.05)
    assert len(m.raw_times) == len(blocks) and {n for n, _ in blocks} == {m.number_per_run}
    assert sum(m.raw_times) >= 0.05
    assert m.median in m.times or len(m.times) % 2 == 0


def test_adaptive_autorange_stops_by_max_run_time():
    m = Timer("pass").adaptive_autorange(threshold=0.0, min_run_time=0.0, max_run_time=0.05)
    assert sum(m.raw_times) >= 0.05


def test_measurement_prints_as_pytorch_s():
    spec = TaskSpec(stmt="f(x)", setup="pass", label="L", sub_label="S", description="D")
    one = Measurement(number_per_run=500, raw_times=[1.0], task_spec=spec)
    lines = repr(one).splitlines()
    assert lines[0].startswith("<npgrad.utils.benchmark.measurement.Measurement object at 0x")
    assert lines[1:] == ["L: S", "D", "  2.00 ms", "  1 measurement, 500 runs , 1 thread"]
    many = Measurement(10, [1e-5, 2e-5, 3e-5, 4e-5, 5e-5], TaskSpec("f(x)", "pass"))
    assert repr(many).splitlines()[1:5] == [
        "f(x)", "  Median: 3.00 us", "  IQR:    2.00 us (2.00 to 4.00)",
        "  5 measurements, 10 runs per measurement, 1 thread"]
    assert many.title == "f(x)" and many.mean == pytest.approx(3e-6)


def test_cpp_statements_are_refused():
    with pytest.raises(ValueError, match="C\\+\\+"):
        Timer("x * y;", language=Language.CPP)
