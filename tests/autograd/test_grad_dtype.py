"""``Tensor.grad_dtype``, ``Tensor.name`` and ``Tensor.module_load`` against PyTorch 2.13."""
import numpy as np
import pytest
import torch

import npgrad

LIBS = (npgrad, torch)


def _name(d) -> str:
    return None if d is None else str(d).split(".")[-1]


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (the class and message are what is compared)
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("lib", LIBS)
def test_grad_dtype_defaults_to_dtype_and_casts_gradients(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    assert _name(x.grad_dtype) == "float32"
    x.grad_dtype = lib.float64
    (x * 3).sum().backward()
    (x * 3).sum().backward()  # accumulates in float64
    assert _name(x.grad.dtype) == "float64"
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])
    grad, = lib.autograd.grad((x * 2).sum(), x)
    assert _name(grad.dtype) == "float64"
    x.grad_dtype = None
    assert x.grad_dtype is None
    x.grad = lib.ones(2, dtype=lib.float16)  # any dtype is accepted now
    assert _name(x.grad.dtype) == "float16"


def test_grad_dtype_errors_match_torch():
    cases = [
        lambda lib: (lib.tensor([1.0], requires_grad=True) * 2).grad_dtype,
        lambda lib: setattr(lib.tensor([1.0], requires_grad=True) * 2, "grad_dtype", lib.half),
        lambda lib: setattr(lib.tensor([1.0], requires_grad=True), "grad_dtype", "float"),
        lambda lib: setattr(lib.tensor([1.0, 2.0], requires_grad=True), "grad",
                            lib.ones(2, dtype=lib.float64)),
        lambda lib: setattr(lib.tensor([1.0, 2.0], requires_grad=True), "grad",
                            lib.ones(3)),
    ]
    for case in cases:
        ours, theirs = _error(lambda: case(npgrad)), _error(lambda: case(torch))
        assert theirs is not None and ours == theirs


@pytest.mark.parametrize("given", ["float16", "bfloat16"])
def test_grad_of_other_dtype_refused_with_torchs_message(given):
    msgs = []
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.grad_dtype = lib.float64
        msgs.append(_error(lambda: setattr(x, "grad", lib.ones(2, dtype=getattr(lib, given)))))
    assert msgs[0] == msgs[1] and msgs[0] is not None


@pytest.mark.parametrize("lib", LIBS)
def test_grad_dtype_of_a_tensor_not_requiring_grad(lib):
    y = lib.zeros(2)
    y.grad_dtype = lib.float16
    y.requires_grad_()
    (y * 2).sum().backward()
    assert _name(y.grad.dtype) == "float16"
    assert _name(y.detach().grad_dtype) == "float32"  # not carried by detach


@pytest.mark.parametrize("lib", LIBS)
def test_name_is_none_and_read_only(lib):
    x = lib.ones(2, requires_grad=True)
    assert x.name is None and (x * 2).name is None
    assert lib.nn.Parameter(lib.ones(1)).name is None
    with pytest.raises(AttributeError):
        x.name = "x"


@pytest.mark.parametrize("assign", [False, True])
def test_module_load(assign):
    results = []
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        with lib.no_grad():
            out = p.module_load(lib.tensor([3.0, 4.0], dtype=lib.float64), assign=assign)
            broadcast = p.module_load(lib.tensor([5.0]))
        results.append((type(out).__name__, _name(out.dtype), out.requires_grad,
                        out.tolist(), p.tolist(), out is p, broadcast.tolist()))
        assert _error(lambda: p.module_load(lib.ones(2))) is not None  # grad mode on
    assert results[0] == results[1]
