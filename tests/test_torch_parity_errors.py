"""Edge cases where npgrad once parted from PyTorch: a crash with NumPy's internals showing, a
call accepted that PyTorch refuses, another exception class, or an error where PyTorch
returns. Each case runs in both libraries: where PyTorch raises, npgrad raises the same class
and leaves its inputs unchanged (data and version counter); where PyTorch returns, npgrad
returns the same values, shape and dtype."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import npgrad


def case(call, *inputs):
    """``call(lib, *tensors)``, the tensors made by ``inputs`` (each ``lib -> Tensor``)."""
    return call, inputs


def _f(lib):
    return lib.nn.functional


# name -> case(call, *inputs)
CASES = {
    # softmax and log_softmax: 0-d inputs work, integer inputs are refused (no integer kernel)
    "softmax_0d": case(lambda l, x: _f(l).softmax(x, 0), lambda l: l.tensor(1.)),
    "softmax_0d_method": case(lambda l, x: x.softmax(-1), lambda l: l.tensor(2.)),
    "softmax_0d_nan": case(lambda l, x: x.softmax(0), lambda l: l.tensor(math.nan)),
    "softmax_0d_inf": case(lambda l, x: x.softmax(0), lambda l: l.tensor(math.inf)),
    "softmin_0d": case(lambda l, x: _f(l).softmin(x, 0), lambda l: l.tensor(3.)),
    "log_softmax_0d": case(lambda l, x: _f(l).log_softmax(x, 0), lambda l: l.tensor(1.)),
    "log_softmax_0d_method": case(lambda l, x: x.log_softmax(-1), lambda l: l.tensor(2.)),
    "softmax_int": case(lambda l, x: _f(l).softmax(x, 0), lambda l: l.tensor([1, 2])),
    "softmax_int_method": case(lambda l, x: x.softmax(0), lambda l: l.tensor([1, 2])),
    "softmax_int_not_last_dim": case(lambda l, x: l.softmax(x, 0), lambda l: l.tensor([[1, 2]])),
    "softmax_int_0d": case(lambda l, x: x.softmax(0), lambda l: l.tensor(1)),
    "softmax_bool": case(lambda l, x: x.softmax(0), lambda l: l.tensor([True, False])),
    "softmax_uint8": case(lambda l, x: x.softmax(0), lambda l: l.tensor([1, 2], dtype=l.uint8)),
    "softmax_int_empty": case(lambda l, x: x.softmax(0), lambda l: l.zeros(0, dtype=l.int64)),
    "softmax_int_bad_dim": case(lambda l, x: x.softmax(3), lambda l: l.tensor([1, 2])),
    "softmax_int_dtype": case(lambda l, x: x.softmax(0, dtype=l.float64),
                              lambda l: l.tensor([1, 2])),
    "softmax_float_to_int_dtype": case(lambda l, x: x.softmax(0, dtype=l.int64),
                                       lambda l: l.tensor([1., 2.])),
    "softmin_int": case(lambda l, x: _f(l).softmin(x, 0), lambda l: l.tensor([1, 2])),
    "log_softmax_int": case(lambda l, x: _f(l).log_softmax(x, 0), lambda l: l.tensor([1, 2])),
    "log_softmax_int_method": case(lambda l, x: x.log_softmax(-1),
                                   lambda l: l.tensor([[1, 2]], dtype=l.int32)),
    "log_softmax_bool_not_last": case(lambda l, x: x.log_softmax(0),
                                      lambda l: l.ones(2, 2, dtype=l.bool)),

    # cross_entropy and nll_loss: PyTorch's checks, classes and order
    **{f"{name}_{op}": case(lambda l, x, t, op=op, kw=kw: getattr(_f(l), op)(x, t, **kw),
                            inp, tgt)
       for op in ("cross_entropy", "nll_loss")
       for name, inp, tgt, kw in [
           ("int_logits", lambda l: l.tensor([[1, 2], [3, 4]]), lambda l: l.tensor([0, 1]), {}),
           ("int_logits_3d", lambda l: l.ones(2, 2, 2, dtype=l.int64),
            lambda l: l.ones(2, 2, dtype=l.int64), {}),
           ("int_logits_4d", lambda l: l.ones(2, 2, 2, 2, dtype=l.int64),
            lambda l: l.ones(2, 2, 2, dtype=l.int64), {}),
           ("int_logits_batch", lambda l: l.tensor([[1, 2], [3, 4]]),
            lambda l: l.tensor([0, 1, 1]), {}),
           ("bool_logits", lambda l: l.ones(2, 2, dtype=l.bool), lambda l: l.tensor([0, 1]), {}),
           ("int_logits_empty", lambda l: l.zeros(0, 3, dtype=l.int64),
            lambda l: l.zeros(0, dtype=l.int64), {}),
           ("float_target", lambda l: l.ones(2, 3), lambda l: l.tensor([0., 1.]), {}),
           ("float_target_1d", lambda l: l.ones(3), lambda l: l.tensor(1.), {}),
           ("float_target_3d", lambda l: l.ones(2, 3, 4), lambda l: l.zeros(2, 4), {}),
           ("float_target_4d", lambda l: l.ones(2, 3, 4, 5), lambda l: l.zeros(2, 4, 6), {}),
           ("int32_target", lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1], dtype=l.int32),
            {}),
           ("bool_target", lambda l: l.ones(2, 3), lambda l: l.tensor([False, True]), {}),
           ("uint8_target", lambda l: l.ones(2, 3), lambda l: l.tensor([0, 2], dtype=l.uint8),
            {}),
           ("batch", lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1, 2]), {}),
           ("batch_float_target", lambda l: l.ones(2, 3), lambda l: l.tensor([0., 1., 1.]), {}),
           ("batch_3d", lambda l: l.ones(2, 3, 4), lambda l: l.zeros(3, 4, dtype=l.int64), {}),
           ("batch_0d_target", lambda l: l.ones(2, 3), lambda l: l.tensor(0), {}),
           ("target_size_3d", lambda l: l.ones(2, 3, 4), lambda l: l.zeros(2, 5, dtype=l.int64),
            {}),
           ("target_size_4d", lambda l: l.ones(2, 3, 4, 5),
            lambda l: l.zeros(2, 4, 6, dtype=l.int64), {}),
           ("target_dims_4d", lambda l: l.ones(2, 3, 4, 5),
            lambda l: l.zeros(2, 4, dtype=l.int64), {}),
           ("multi_target", lambda l: l.ones(2, 3), lambda l: l.zeros(2, 1, dtype=l.int64), {}),
           ("1d_input_1_target", lambda l: l.arange(3.), lambda l: l.tensor([1]),
            {"reduction": "none"}),
           ("1d_input_2_targets", lambda l: l.arange(3.), lambda l: l.tensor([1, 2]), {}),
           ("0d_input", lambda l: l.tensor(1.), lambda l: l.tensor(0), {}),
       ]},
    "cross_entropy_weight_shape": case(
        lambda l, x, t, w: _f(l).cross_entropy(x, t, weight=w),
        lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1]), lambda l: l.ones(2)),
    "nll_loss_weight_shape": case(lambda l, x, t, w: _f(l).nll_loss(x, t, weight=w),
                                  lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1]),
                                  lambda l: l.ones(1, 3)),
    "nll_loss_weight_shape_4d": case(lambda l, x, t, w: _f(l).nll_loss(x, t, weight=w),
                                     lambda l: l.ones(2, 3, 4, 5),
                                     lambda l: l.zeros(2, 4, 5, dtype=l.int64),
                                     lambda l: l.ones(1, 3)),
    "nll_loss_weight_dtype": case(lambda l, x, t, w: _f(l).nll_loss(x, t, weight=w),
                                  lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1]),
                                  lambda l: l.ones(3, dtype=l.int64)),
    "nll_loss_weight_after_target_dtype": case(
        lambda l, x, t, w: _f(l).nll_loss(x, t, weight=w),
        lambda l: l.ones(2, 3), lambda l: l.tensor([0., 1.]), lambda l: l.ones(2)),
    "cross_entropy_weight_dtype": case(lambda l, x, t, w: _f(l).cross_entropy(x, t, weight=w),
                                       lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1]),
                                       lambda l: l.ones(3, dtype=l.float64)),
    "cross_entropy_array_weight": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, weight=np.ones(3, np.float32)),
        lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1])),
    # class probabilities: a target of the input's shape, whatever its dtype
    "cross_entropy_probs_ignore_index": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, ignore_index=1),
        lambda l: l.ones(2, 3), lambda l: l.full((2, 3), 1 / 3)),
    "cross_entropy_probs_ignore_index_0": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, ignore_index=0),
        lambda l: l.ones(2, 3), lambda l: l.full((2, 3), 1 / 3)),
    "cross_entropy_probs_negative_ignore_index": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, ignore_index=-1),
        lambda l: l.arange(6.).reshape(2, 3), lambda l: l.full((2, 3), 1 / 3)),
    "cross_entropy_probs_int_target": case(lambda l, x, t: _f(l).cross_entropy(x, t),
                                           lambda l: l.ones(2, 3),
                                           lambda l: l.zeros(2, 3, dtype=l.int64)),
    "cross_entropy_probs_bool_target": case(lambda l, x, t: _f(l).cross_entropy(x, t),
                                            lambda l: l.ones(2, 3),
                                            lambda l: l.zeros(2, 3, dtype=l.bool)),
    "cross_entropy_probs_int_logits": case(lambda l, x, t: _f(l).cross_entropy(x, t),
                                           lambda l: l.ones(2, 3, dtype=l.int64),
                                           lambda l: l.zeros(2, 3)),
    "cross_entropy_probs_weight_shape": case(
        lambda l, x, t, w: _f(l).cross_entropy(x, t, weight=w),
        lambda l: l.ones(2, 3, dtype=l.int64), lambda l: l.zeros(2, 3), lambda l: l.ones(2)),
    "cross_entropy_probs_0d": case(lambda l, x, t: _f(l).cross_entropy(x, t),
                                   lambda l: l.tensor(1.), lambda l: l.tensor(0.)),
    "cross_entropy_probs_0d_int": case(lambda l, x, t: _f(l).cross_entropy(x, t),
                                       lambda l: l.tensor(1.), lambda l: l.tensor(0)),
    # label_smoothing: above 1 is a RuntimeError (after the target checks), below 0 is none
    "cross_entropy_smoothing_above_1": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=2.),
        lambda l: l.ones(2, 3), lambda l: l.tensor([0, 1])),
    "cross_entropy_smoothing_above_1_probs": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=2.),
        lambda l: l.ones(2, 3), lambda l: l.full((2, 3), 1 / 3)),
    "cross_entropy_smoothing_above_1_probs_ignore": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=2., ignore_index=1),
        lambda l: l.ones(2, 3), lambda l: l.full((2, 3), 1 / 3)),
    "cross_entropy_smoothing_negative": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=-0.5),
        lambda l: l.arange(6.).reshape(2, 3), lambda l: l.tensor([0, 1])),
    "cross_entropy_smoothing_negative_probs": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=-0.5),
        lambda l: l.arange(6.).reshape(2, 3), lambda l: l.full((2, 3), 1 / 3)),
    "cross_entropy_smoothing_float_target": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=0.1),
        lambda l: l.ones(2, 3), lambda l: l.tensor([0., 1.])),
    "cross_entropy_smoothing_int_logits": case(
        lambda l, x, t: _f(l).cross_entropy(x, t, label_smoothing=0.1),
        lambda l: l.ones(2, 3, dtype=l.int64), lambda l: l.tensor([0, 1])),
}


def _snapshot(tensors):
    return [(t.detach().clone(), t._version) for t in tensors]


def _outcome(lib, call, inputs):
    tensors = [make(lib) for make in inputs]
    before = _snapshot(tensors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call(lib, *tensors), tensors, before
        except Exception as e:  # noqa: BLE001 (the classes are compared)
            return e, tensors, before


def _as_numpy(x):
    if isinstance(x, (torch.Tensor, npgrad.Tensor)):
        return x.detach().numpy()
    return x


def _assert_same_result(ours, theirs) -> None:
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), (ours, theirs)
        for o, t in zip(ours, theirs):
            _assert_same_result(o, t)
        return
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, npgrad.Tensor), (ours, theirs)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], (ours, theirs)
        o, t = _as_numpy(ours), _as_numpy(theirs)
        assert o.shape == t.shape, (ours, theirs)
        np.testing.assert_allclose(o, t, rtol=1e-6, atol=1e-6, equal_nan=True)
        return
    assert ours == theirs, (ours, theirs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_torch(name):
    call, inputs = CASES[name]
    theirs, _, _ = _outcome(torch, call, inputs)
    ours, tensors, before = _outcome(npgrad, call, inputs)
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"PyTorch raises {theirs!r}; npgrad returns {ours!r}"
        assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
        for t, (data, version) in zip(tensors, before):
            assert t._version == version, (t._version, version)
            np.testing.assert_array_equal(t.detach().numpy(), data.numpy())
    else:
        assert not isinstance(ours, Exception), f"PyTorch returns {theirs!r}; npgrad raises " \
                                                f"{ours!r}"
        _assert_same_result(ours, theirs)
