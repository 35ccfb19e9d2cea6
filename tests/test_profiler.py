"""torch.profiler, autograd.profiler and autograd.profiler_util: what is recorded, PyTorch's
table layout, schedules and trace files."""
from __future__ import annotations

import json
import os
import warnings

import pytest
import torch

import npgrad
from npgrad.autograd import function as _function


def _events(lib):
    """The same nested events in either library's profiler_util."""
    U = lib.autograd.profiler_util
    outer = U.FunctionEvent(0, "my_block", 1, 0.0, 1500.0, input_shapes=[], stack=[])
    a = U.FunctionEvent(1, "aten::mm", 1, 10.0, 510.0, input_shapes=[[50, 50], [50, 50]],
                        stack=[])
    b = U.FunctionEvent(2, "aten::relu", 1, 600.0, 650.5, input_shapes=[[50, 50]], stack=[])
    c = U.FunctionEvent(3, "aten::mm", 1, 700.0, 1234.567, input_shapes=[[50, 50], [50, 50]],
                        stack=[])
    d = U.FunctionEvent(4, "autograd::engine::evaluate_function: MmBackward0", 1, 2000.0,
                        2000.25, input_shapes=[], stack=[])
    for child in (a, b, c):
        outer.append_cpu_child(child)
        child.set_cpu_parent(outer)
    events = U.EventList([outer, a, b, c, d])
    events._tree_built = True  # (PyTorch's flag for "children are linked", as done above)
    return events


@pytest.mark.parametrize("kwargs", [
    {}, {"sort_by": "cpu_time_total"}, {"sort_by": "self_cpu_time_total", "row_limit": 2},
    {"max_name_column_width": 20}, {"top_level_events_only": True}, {"header": "Title"},
    {"time_unit": "ms"}])
def test_table_is_pytorchs(kwargs):
    assert _events(npgrad).table(**kwargs) == _events(torch).table(**kwargs)


def test_key_averages_table_and_totals_are_pytorchs():
    ours, theirs = _events(npgrad), _events(torch)
    assert ours.key_averages().table() == theirs.key_averages().table()
    assert ours.key_averages(group_by_input_shapes=True).table(sort_by="count") == \
        theirs.key_averages(group_by_input_shapes=True).table(sort_by="count")
    ta, tt = ours.total_average(), theirs.total_average()
    assert (ta.key, ta.count, ta.self_cpu_time_total) == (tt.key, tt.count,
                                                         tt.self_cpu_time_total)
    assert ours.self_cpu_time_total == theirs.self_cpu_time_total
    assert [(e.key, e.count, e.cpu_time_total) for e in ours.key_averages()] == \
        [(e.key, e.count, e.cpu_time_total) for e in theirs.key_averages()]


def test_profile_records_ops_nodes_and_blocks():
    x = npgrad.randn(8, 8, requires_grad=True)
    with npgrad.profiler.profile(activities=[npgrad.profiler.ProfilerActivity.CPU],
                                 record_shapes=True) as prof:
        with npgrad.profiler.record_function("my_block"):
            y = (x @ x).relu().sum()
        y.backward()
    names = [e.name for e in prof.events()]
    for name in ("my_block", "aten::mm", "aten::relu", "aten::sum", "MmBackward0",
                 "autograd::engine::evaluate_function: ReluBackward0"):
        assert name in names, (name, names)
    block = next(e for e in prof.events() if e.name == "my_block")
    assert {c.name for c in block.cpu_children} == {"aten::mm", "aten::relu", "aten::sum"}
    assert block.self_cpu_time_total <= block.cpu_time_total
    mm = next(e for e in prof.events() if e.name == "aten::mm")
    assert mm.input_shapes == [[8, 8], [8, 8]] and mm.cpu_parent is block
    table = prof.key_averages(group_by_input_shape=True).table(sort_by="cpu_time_total",
                                                               row_limit=5)
    assert table.splitlines()[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU",
                                             "total", "%", "CPU", "total", "CPU", "time", "avg",
                                             "#", "of", "Calls", "Input", "Shapes"]
    assert len(table.splitlines()) == 5 + 5
    assert table.rstrip().splitlines()[-1].startswith("Self CPU time total: ")


def test_nothing_is_installed_outside_a_profile_or_dual_level():
    plain = {name: _function.Primitive.__dict__[name] for name in ("apply", "_apply1",
                                                                    "_apply2")}
    function_apply = _function.Function.__dict__["apply"]  # never swapped: it looks itself
    with npgrad.autograd.profiler.profile() as prof:
        npgrad.ones(2) + 1
        assert npgrad.autograd.engine.NODE_WRAPPERS
    assert {name: _function.Primitive.__dict__[name] for name in plain} == plain
    assert _function.Function.__dict__["apply"] is function_apply
    assert not npgrad.autograd.engine.NODE_WRAPPERS
    assert "aten::add" in [e.name for e in prof.function_events]
    with npgrad.autograd.profiler.record_function("nothing"):  # no active profile: fine
        pass


def test_custom_function_is_recorded_by_its_name():
    class Double(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x = npgrad.ones(2, requires_grad=True)
    with npgrad.autograd.profiler.profile() as prof:
        Double.apply(x).sum().backward()
    names = [e.name for e in prof.function_events]
    assert "Double" in names and "DoubleBackward" in names


@pytest.mark.parametrize("kwargs", [
    dict(wait=1, warmup=1, active=2), dict(wait=0, warmup=1, active=1, repeat=2),
    dict(wait=2, warmup=1, active=3, repeat=1, skip_first=3),
    dict(wait=2, warmup=1, active=1, skip_first_wait=1)])
def test_schedule_is_pytorchs(kwargs):
    ours = npgrad.profiler.schedule(**kwargs)
    theirs = torch.profiler.schedule(**kwargs)
    assert [ours(i).name for i in range(20)] == [theirs(i).name for i in range(20)]


def test_schedule_steps_and_trace_handler(tmp_path):
    saved = []
    x = npgrad.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = npgrad.profiler.schedule(wait=1, warmup=1, active=2, repeat=1)
    with npgrad.profiler.profile(schedule=sched,
                                 on_trace_ready=lambda p: saved.append(
                                     sorted({e.name for e in p.events()}))) as prof:
        for step in range(6):
            x = x * (step + 1)
            prof.step()
    assert len(saved) == 1  # one cycle: steps 2 and 3 recorded
    assert "ProfilerStep#2" in saved[0] and "ProfilerStep#3" in saved[0]
    assert "ProfilerStep#1" not in saved[0] and "aten::mul" in saved[0]
    handler = npgrad.profiler.tensorboard_trace_handler(str(tmp_path), worker_name="w0")
    with npgrad.profiler.profile(on_trace_ready=handler):
        npgrad.ones(2).exp()
    files = os.listdir(tmp_path)
    assert len(files) == 1 and files[0].startswith("w0.") and files[0].endswith(".pt.trace.json")
    trace = json.load(open(tmp_path / files[0]))
    assert any(e["name"] == "aten::exp" and e["ph"] == "X" for e in trace["traceEvents"])


def test_profiler_names():
    P = npgrad.profiler
    assert P.supported_activities() == {P.ProfilerActivity.CPU}
    assert [a.name for a in P.ProfilerAction] == [a.name for a in torch.profiler.ProfilerAction
                                                  if a.name != "DEVICE_STOPPED"]
    assert P.ProfilerActivity.CUDA.name == "CUDA"
    with pytest.raises(RuntimeError, match="didn't finish"):
        with npgrad.autograd.profiler.profile() as prof:
            prof.key_averages()
