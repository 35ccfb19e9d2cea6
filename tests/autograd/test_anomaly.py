"""detect_anomaly / set_detect_anomaly: a NaN produced by a backward names the node and shows
the forward traceback pointing at the user's line."""
from __future__ import annotations

import warnings

import pytest
import torch

import npgrad

pytestmark = [pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled"),
              pytest.mark.filterwarnings("ignore:Error detected in"),
              pytest.mark.filterwarnings("ignore::RuntimeWarning")]  # NumPy on 0/0, log(0)

LIBS = [npgrad, torch]


def _sqrt_nan(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    y = x.sqrt()                                  # USER LINE: sqrt
    return (y * 0).sum()                          # 0 * (1 / (2 sqrt 0)) = nan


def _div_nan(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    y = x / x                                     # USER LINE: div
    return (y * 0).sum()


def _log_nan(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    y = x.log()                                   # USER LINE: log
    return (y * 0).sum()


CASES = {"SqrtBackward0": _sqrt_nan, "DivBackward0": _div_nan, "LogBackward0": _log_nan}


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("node", sorted(CASES))
def test_detect_anomaly_names_node(lib, node):
    with lib.autograd.detect_anomaly():
        loss = CASES[node](lib)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # torch prints the forward trace as a warning
            with pytest.raises(RuntimeError, match=f"Function '{node}' returned nan values"):
                loss.backward()
    assert not lib.is_anomaly_enabled()


@pytest.mark.parametrize("node", sorted(CASES))
def test_error_includes_forward_traceback(node):
    with npgrad.autograd.detect_anomaly():
        loss = CASES[node](npgrad)
        with pytest.raises(RuntimeError) as e:
            loss.backward()
    msg = str(e.value)
    assert "Traceback of forward call" in msg
    assert __file__ in msg or "test_anomaly.py" in msg
    assert f"USER LINE: {node[:-len('Backward0')].lower()}" in msg


def test_without_anomaly_mode_nan_passes_silently():
    for lib in LIBS:
        loss = _sqrt_nan(lib)
        loss.backward()    # no error: NaN just lands in .grad


def test_set_detect_anomaly_function_and_context():
    for lib in LIBS:
        prev = lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(True)
        try:
            assert lib.is_anomaly_enabled()
            loss = _sqrt_nan(lib)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with pytest.raises(RuntimeError, match="SqrtBackward0"):
                    loss.backward()
        finally:
            lib.autograd.set_detect_anomaly(prev)
        assert lib.is_anomaly_enabled() == prev
        with lib.autograd.set_detect_anomaly(True):
            assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled()


def test_check_nan_false_does_not_raise():
    for lib in LIBS:
        with lib.autograd.detect_anomaly(check_nan=False):
            _sqrt_nan(lib).backward()


def test_anomaly_in_custom_function():
    class BadSqrt(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sqrt()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 0 / x

    with npgrad.autograd.detect_anomaly():
        y = BadSqrt.apply(npgrad.tensor([0.0, 4.0], requires_grad=True))   # custom fn line
        with pytest.raises(RuntimeError, match="'BadSqrtBackward' returned nan") as e:
            y.sum().backward()
    assert "custom fn line" in str(e.value)


def test_detect_anomaly_as_decorator():
    @npgrad.autograd.detect_anomaly()
    def run():
        assert npgrad.is_anomaly_enabled()
        assert npgrad.autograd.is_anomaly_enabled()
        _sqrt_nan(npgrad).backward()

    with pytest.raises(RuntimeError, match="SqrtBackward0"):
        run()
    assert not npgrad.autograd.is_anomaly_enabled()


@pytest.mark.parametrize("lib", LIBS)
def test_other_backward_errors_warn_with_forward_trace(lib):
    with lib.autograd.detect_anomaly():
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        y = a * 1
        z = (y * y).sum()                                  # FORWARD OF THE FAILING NODE
        y.add_(1)
        with pytest.warns(UserWarning, match="Error detected in MulBackward0") as rec:
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                z.backward()
    if lib is npgrad:
        assert any("FORWARD OF THE FAILING NODE" in str(w.message) for w in rec)


@pytest.mark.parametrize("lib", LIBS, ids=["npgrad", "torch"])
def test_anomaly_mode_is_process_wide(lib):
    """Unlike grad mode (per thread), anomaly mode is one flag for all threads, as in PyTorch."""
    import threading
    seen = {}
    with lib.autograd.detect_anomaly():
        t = threading.Thread(target=lambda: seen.setdefault("worker", lib.is_anomaly_enabled()))
        t.start()
        t.join()
    assert seen == {"worker": True} and not lib.is_anomaly_enabled()
