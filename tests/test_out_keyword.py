"""The out= keyword of torch.* functions (npgrad/ops/_out.py), against PyTorch's behaviour."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import npgrad


def test_out_receives_the_result_and_is_returned():
    x, y = npgrad.ones(2, 2), npgrad.full((2, 2), 2.0)
    out = npgrad.empty(2, 2)
    assert npgrad.add(x, y, out=out) is out
    np.testing.assert_array_equal(out.numpy(), np.full((2, 2), 3.0))
    assert npgrad.matmul(x, y, out=out) is out
    np.testing.assert_array_equal(out.numpy(), np.full((2, 2), 4.0))
    npgrad.mul(x, y, out=out)
    np.testing.assert_array_equal(out.numpy(), np.full((2, 2), 2.0))


def test_out_may_alias_an_input():
    x = npgrad.tensor([1.0, 2.0])
    npgrad.add(x, x, out=x)
    np.testing.assert_array_equal(x.numpy(), [2.0, 4.0])


def test_out_of_another_shape_is_resized_with_a_warning():
    out = npgrad.zeros(3)
    with pytest.warns(UserWarning, match="resized"):
        npgrad.cat([npgrad.ones(2), npgrad.ones(2)], out=out)
    assert out.shape == (4,)
    empty = npgrad.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty out is resized silently
        npgrad.sum(npgrad.ones(2, 3), 0, out=empty)
    np.testing.assert_array_equal(empty.numpy(), [2.0, 2.0, 2.0])


def test_a_result_out_cannot_hold_is_refused():
    out = npgrad.zeros(2, dtype=npgrad.long)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        npgrad.add(npgrad.ones(2), 1, out=out)
    np.testing.assert_array_equal(out.numpy(), [0, 0])
    as_float = npgrad.zeros(2)  # int into float is fine
    npgrad.add(npgrad.tensor([1, 2]), 1, out=as_float)
    np.testing.assert_array_equal(as_float.numpy(), [2.0, 3.0])


def test_out_refuses_what_autograd_would_record():
    x = npgrad.ones(2, requires_grad=True)
    out = npgrad.zeros(2)
    with pytest.raises(RuntimeError, match=r"add\(\): functions with out=\.\.\. arguments "
                                           "don't support automatic differentiation"):
        npgrad.add(x, 1, out=out)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0])
    with npgrad.no_grad():
        npgrad.add(x, 1, out=out)
    np.testing.assert_array_equal(out.numpy(), [2.0, 2.0])
    flags = npgrad.zeros(2, dtype=npgrad.bool)  # not differentiable: no graph, no refusal
    npgrad.eq(x, 1, out=flags)
    assert flags.tolist() == [True, True]


def test_functions_of_several_results_take_a_tuple():
    x = npgrad.tensor([[3.0, 1.0], [2.0, 5.0]])
    values, indices = npgrad.empty(0), npgrad.empty(0, dtype=npgrad.long)
    r = npgrad.max(x, 1, out=(values, indices))
    assert r.values is values and r.indices is indices
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [0, 1]
    with pytest.raises(TypeError, match="out"):
        npgrad.max(x, 1, out=values)


def test_creation_functions_fill_out_in_its_dtype():
    c = npgrad.zeros(2, 2, dtype=npgrad.float64)
    assert npgrad.rand(2, 2, out=c) is c and c.dtype == npgrad.float64
    assert ((c >= 0) & (c < 1)).all()
    r = npgrad.zeros(3, dtype=npgrad.long)
    npgrad.arange(5, out=r)
    assert r.tolist() == [0, 1, 2, 3, 4]


def test_out_must_be_a_tensor():
    with pytest.raises(TypeError, match="argument 'out' must be Tensor, not list"):
        npgrad.add(npgrad.ones(2), 1, out=[0.0, 0.0])
