"""Mismatches the differential fuzzer found in embedding_bag, ctc_loss, grid_sample and
conv_tbc (issue #16): each test compares npgrad with PyTorch 2.13 on the case that differed."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

IDX, OFF = [1, 2, 4, 4, 3, 2, 0], [0, 2, 2, 5]


def _raises_like(fn):
    """Run ``fn(lib)`` for both libraries; both must raise the same exception class."""
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(type(expected.value)):
        fn(npgrad)


@pytest.mark.parametrize("case", [
    # integer weights: PyTorch's kernel refuses them
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor(IDX), lib.ones(6, 3, dtype=lib.int32),
                                                lib.tensor(OFF)),
    # a 0-d weight: the functional checks its rank first (ValueError)
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor(IDX), lib.ones((), dtype=lib.int32),
                                                lib.tensor(OFF)),
    # an index past the last row: RuntimeError, not embedding's IndexError
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor(IDX), lib.ones(0, 3), lib.tensor(OFF)),
    lambda lib: lib.embedding_bag(lib.ones(3, 3), lib.tensor(IDX), lib.tensor(OFF), False, 2),
    # a padding_idx out of range
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor(IDX), lib.ones(6, 3), lib.tensor(OFF),
                                                padding_idx=7),
    # ATen's form: padding_idx reads a 0-d weight's size(0) first (IndexError)
    lambda lib: lib.embedding_bag(lib.ones((), dtype=lib.int32), lib.tensor(IDX),
                                  lib.tensor(OFF), False, 1, False, None, False, 4),
    # ATen's form: 0-d per-sample weights
    lambda lib: lib.embedding_bag(lib.ones(6, 3), lib.tensor(IDX), lib.tensor(OFF + [7]), False,
                                  0, False, lib.ones(()), True, 4),
])
def test_embedding_bag_errors_match_pytorch(case):
    _raises_like(case)


def test_embedding_bag_offset2bag_of_strided_weight():
    """PyTorch's fast sum path (which leaves offset2bag empty) needs unit column stride."""
    for lib in (torch, npgrad):
        w = lib.ones(6, 6)[:, ::2]
        assert tuple(lib.embedding_bag(w, lib.tensor(IDX), lib.tensor(OFF), False, 0)[1].shape) \
            == (7,)


def test_embedding_bag_max_with_nan_first_in_bag():
    """The max row of a bag whose first row is NaN is that row (max_indices and the gradient
    both pointed elsewhere)."""
    data = np.random.default_rng(0).standard_normal((6, 3))
    data[:, 0] = np.nan
    results = []
    for lib in (torch, npgrad):
        w = lib.tensor(data, requires_grad=True)
        out = lib.embedding_bag(w, lib.tensor(IDX), lib.tensor(OFF), False, 2)
        out[0].nan_to_num().sum().backward()
        results.append([out[0].detach().numpy(), out[3].numpy(), w.grad.numpy()])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_array_equal(ours, theirs)


def test_embedding_bag_padded_row_gives_sample_weight_no_grad():
    """A NaN in the padding row gave its per-sample weight a NaN gradient (PyTorch: 0)."""
    data = np.ones((6, 3))
    data[2, 0] = np.nan
    grads = []
    for lib in (torch, npgrad):
        w = lib.tensor(data)
        p = lib.ones(7, dtype=lib.float64, requires_grad=True)
        out = lib.embedding_bag(w, lib.tensor(IDX), lib.tensor(OFF + [7]), False, 0, False, p,
                                True, 2)
        out[0].nan_to_num().sum().backward()
        grads.append(p.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


def _ctc(lib, log_probs, targets=(1, 2, 2, 3, 1, 4, 0, 0, 0)):
    return lib.nn.functional.ctc_loss(log_probs, lib.tensor(targets).reshape(3, 3), (6, 5, 3),
                                      (3, 2, 1))


def test_ctc_loss_integer_log_probs_raise_before_the_lengths():
    """PyTorch dispatches on the dtype first: NotImplementedError, not the lengths' error."""
    _raises_like(lambda lib: _ctc(lib, lib.zeros(0, 3, 5, dtype=lib.int16)))


def test_ctc_loss_refuses_a_target_outside_the_classes():
    """A label >= C made npgrad fail inside gather (PyTorch reads undefined memory)."""
    with pytest.raises(RuntimeError, match="every target must be a class in"):
        _ctc(npgrad, npgrad.zeros(6, 3, 1))


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_infinite_coordinate_and_input_under_zeros_padding(mode):
    """An outside corner's input value is replaced by 0, not multiplied by it: an inf in the
    input beside a point at a huge coordinate gave NaN (PyTorch: 0), as did nearest's grid
    term at an infinite one."""
    x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    x[0, 0, 1, 0] = -np.inf
    g = np.array([[[[1e30, 0.25], [np.inf, 0.0]], [[-np.inf, 0.5], [0.1, -0.3]]]], np.float32)
    outs = []
    for lib in (torch, npgrad):
        grid = lib.tensor(g, requires_grad=True)
        out = lib.nn.functional.grid_sample(lib.tensor(x), grid, mode=mode, align_corners=False)
        outs.append(out.detach().numpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-6)  # NaN where PyTorch's is


@pytest.mark.parametrize("pad", [4, 1, -1])
def test_conv_tbc_padding_adds_nothing(pad):
    """The padded time steps add nothing (0 * an infinite weight made them NaN), and a
    negative pad trims the output (npgrad refused it)."""
    rng = np.random.default_rng(1)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((5, 2, 3), (3, 3, 4), (4,)))
    w[1, 2, 3] = np.inf
    outs = [lib.conv_tbc(lib.tensor(x), lib.tensor(w), lib.tensor(b), pad).numpy()
            for lib in (torch, npgrad)]
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", [
    # the shapes are checked before the dtype: a 0-d bool input is an IndexError
    lambda lib: lib.grid_sampler(lib.ones((), dtype=lib.bool), lib.ones(2, 3, 1, 2,
                                                                        dtype=lib.bool), 0, 0, False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones((), dtype=lib.bool),
                                              lib.ones(2, 3, 1, 2, dtype=lib.bool),
                                              align_corners=False),
    lambda lib: lib.grid_sampler_3d(lib.ones(2, 2, 4, 5, 1, dtype=lib.int64),
                                    lib.ones(2, 3, 0, 2, 3, dtype=lib.int64), 0, 0, False),
])
def test_grid_sampler_checks_shapes_before_dtype(case):
    _raises_like(case)


def test_grid_sampler_2d_empty_output_of_integers():
    """PyTorch's 2-D kernel returns an empty output before it dispatches on the dtype."""
    for lib in (torch, npgrad):
        out = lib.grid_sampler(lib.ones(2, 2, 4, 5, dtype=lib.int64),
                               lib.ones(2, 3, 0, 2, dtype=lib.int64), 0, 0, False)
        assert tuple(out.shape) == (2, 2, 3, 0)


def test_affine_grid_generator_of_bool_theta():
    """PyTorch's base grid is a linspace in theta's dtype: NotImplementedError for bool."""
    _raises_like(lambda lib: lib.affine_grid_generator(lib.ones(2, 2, 3, dtype=lib.bool),
                                                       (2, 3, 4, 5), False))


def test_ctc_loss_of_4d_log_probs():
    """A 4-D log_probs failed unpacking its shape (ValueError); PyTorch: RuntimeError."""
    _raises_like(lambda lib: _ctc(lib, lib.zeros(1, 6, 3, 5)))


def test_embedding_bag_0d_weight_requiring_grad():
    """PyTorch's autograd wrapper reads a 0-d weight's size(0) first: IndexError."""
    _raises_like(lambda lib: lib.embedding_bag(lib.ones((), requires_grad=True), lib.tensor(IDX),
                                               lib.tensor(OFF), False, 0))
