"""``npgrad.monitor`` against ``torch.monitor``: events, handlers, windowed stats.

Windows are aligned to multiples of their size (in both libraries), so the tests use windows
long against the few adds made in one (a boundary falling between them would split them)."""
import datetime
import time

import pytest
import torch
import torch.monitor

import npgrad
import npgrad.monitor

LIBS = [npgrad.monitor, torch.monitor]


@pytest.fixture(params=LIBS, ids=["npgrad", "torch"])
def M(request):
    return request.param


def _collect(M):
    events = []
    return events, M.register_event_handler(events.append)


def test_aggregation_enum_and_constants():
    for name in ("VALUE", "MEAN", "COUNT", "SUM", "MAX", "MIN"):
        ours, theirs = getattr(npgrad.monitor, name), getattr(torch.monitor, name)
        assert int(ours) == int(theirs) and ours.name == theirs.name
        assert repr(ours) == repr(theirs) and str(ours) == str(theirs)
        assert npgrad.monitor.Aggregation(int(ours)) is ours
    assert npgrad.monitor.STAT_EVENT == torch.monitor.STAT_EVENT
    assert (npgrad.monitor.MEAN == 2) == (torch.monitor.MEAN == 2)


def test_event_fields_and_value_types(M):
    stamp = datetime.datetime(2020, 1, 2, 3, 4, 5)
    e = M.Event(name="loss", timestamp=stamp, data={"a": 1, "b": 2.5, "c": "s", "d": True})
    assert (e.name, e.timestamp) == ("loss", stamp)
    assert e.data == {"a": 1, "b": 2.5, "c": "s", "d": 1.0}
    assert type(e.data["a"]) is int and type(e.data["d"]) is float
    with pytest.raises(TypeError):
        M.Event(name="x", timestamp=stamp, data={"a": [1]})
    with pytest.raises(TypeError):
        M.EventHandlerHandle()


def test_handlers_receive_logged_events_until_unregistered(M):
    events, handle = _collect(M)
    seen = []
    second = M.register_event_handler(lambda e: seen.append(e.name))
    e = M.Event("x", datetime.datetime.now(), {"v": 1.0})
    M.log_event(e)
    assert events == [e] and seen == ["x"]
    M.unregister_event_handler(handle)
    M.log_event(e)
    assert len(events) == 1 and seen == ["x", "x"]
    M.unregister_event_handler(second)


def test_stat_logs_each_closed_window(M):
    events, handle = _collect(M)
    try:
        s = M.Stat("foo", [M.MEAN, M.COUNT, M.MAX, M.MIN, M.SUM, M.VALUE],
                   datetime.timedelta(milliseconds=500))
        assert s.name == "foo" and s.count == 0
        assert s.get() == {M.MIN: 0.0, M.MAX: 0.0, M.SUM: 0.0, M.COUNT: 0.0, M.MEAN: 0.0}
        for v in (1.0, 2.0, 4.0):
            s.add(v)
        assert s.count == 3 and s.get()[M.SUM] == 0.0 and not events  # the window is open
        time.sleep(0.6)
        s.add(10.0)  # the first value of a later window closes the earlier one
        assert s.count == 1
        assert s.get() == {M.MIN: 1.0, M.MAX: 4.0, M.SUM: 7.0, M.COUNT: 3.0, M.MEAN: 7 / 3}
        assert len(events) == 1 and events[0].name == "torch.monitor.Stat"
        assert events[0].data == {"foo.count": 3.0, "foo.sum": 7.0, "foo.mean": 7 / 3,
                                  "foo.max": 4.0, "foo.min": 1.0}
        assert isinstance(events[0].timestamp, datetime.datetime)
    finally:
        M.unregister_event_handler(handle)


def test_stat_max_samples_logs_a_full_window_at_once(M):
    events, handle = _collect(M)
    try:
        s = M.Stat("bar", [M.SUM, M.COUNT], datetime.timedelta(milliseconds=500), 2)
        s.add(1)
        assert (len(events), s.count) == (0, 1)
        s.add(2)  # full: logged now, and later values of this window are dropped
        assert (len(events), s.count) == (1, 0)
        assert s.get() == {M.SUM: 3.0, M.COUNT: 2.0} and events[0].data == {
            "bar.sum": 3.0, "bar.count": 2.0}
        s.add(3)
        assert (len(events), s.count) == (1, 0)
        time.sleep(1.1)
        s.add(5)  # the full window ended with nothing more: get() goes back to zeros
        assert (len(events), s.count) == (1, 1) and s.get() == {M.SUM: 0.0, M.COUNT: 0.0}
    finally:
        M.unregister_event_handler(handle)


class _Writer:
    def __init__(self):
        self.scalars = []

    def add_scalar(self, tag, value, walltime=None):
        self.scalars.append((tag, value, walltime))


def test_tensorboard_handler_writes_stat_events_only(M):
    writer = _Writer()
    handler = M.TensorboardEventHandler(writer)
    stamp = datetime.datetime(2021, 5, 6)
    handler(M.Event(M.STAT_EVENT, stamp, {"a.mean": 1.5, "a.count": 2}))
    handler(M.Event("other", stamp, {"x": 1.0}))
    assert sorted(writer.scalars) == [("a.count", 2, stamp.timestamp()),
                                      ("a.mean", 1.5, stamp.timestamp())]
