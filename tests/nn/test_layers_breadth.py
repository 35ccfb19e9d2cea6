"""The layers added for API breadth (issue #18) against PyTorch: same weights (state_dict keys
and shapes checked by the harness), outputs and gradients in train and eval mode, and the
``print(model)`` repr."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import npgrad

from .harness import check_module, randint, randn


def x_(*shape):
    return lambda lib, rng, dt: (randn(lib, rng, dt, *shape),)


def pos_(*shape):
    return lambda lib, rng, dt: (lib.tensor(rng.uniform(0.2, 2.0, shape).astype(dt),
                                            requires_grad=True),)


def two_(*shape):
    return lambda lib, rng, dt: (randn(lib, rng, dt, *shape), randn(lib, rng, dt, *shape))


def unpool_(n, kernel, shape, output_size=None):
    """Pooled values and their indices (from max_pool{n}d of a random input)."""
    def inputs(lib, rng, dt):
        x = randn(lib, rng, dt, *shape)
        out, idx = getattr(lib.nn.functional, f"max_pool{n}d")(x, kernel, return_indices=True)
        return (out.detach().requires_grad_(), idx) + ((output_size,) if output_size else ())
    return inputs


CASES = {
    "ZeroPad1d": (lambda lib: lib.nn.ZeroPad1d((1, 2)), x_(2, 3, 4)),
    "ZeroPad2d": (lambda lib: lib.nn.ZeroPad2d(2), x_(2, 3, 4, 4)),
    "ZeroPad3d": (lambda lib: lib.nn.ZeroPad3d((1, 0, 2, 1, 0, 1)), x_(1, 2, 3, 3, 3)),
    "ConstantPad1d": (lambda lib: lib.nn.ConstantPad1d((1, 2), 3.5), x_(2, 3, 4)),
    "ConstantPad2d": (lambda lib: lib.nn.ConstantPad2d((1, -1, 2, 0), -1.0), x_(2, 3, 4, 4)),
    "ConstantPad3d": (lambda lib: lib.nn.ConstantPad3d(1, 2.0), x_(1, 2, 3, 3, 3)),
    "ReflectionPad1d": (lambda lib: lib.nn.ReflectionPad1d((2, 1)), x_(2, 3, 4)),
    "ReflectionPad2d": (lambda lib: lib.nn.ReflectionPad2d(1), x_(2, 3, 4, 4)),
    "ReflectionPad3d": (lambda lib: lib.nn.ReflectionPad3d(1), x_(1, 2, 3, 3, 3)),
    "ReplicationPad1d": (lambda lib: lib.nn.ReplicationPad1d(3), x_(2, 3, 4)),
    "ReplicationPad2d": (lambda lib: lib.nn.ReplicationPad2d((1, 2, 0, 3)), x_(2, 3, 4, 4)),
    "ReplicationPad3d": (lambda lib: lib.nn.ReplicationPad3d(2), x_(1, 2, 3, 3, 3)),
    "CircularPad1d": (lambda lib: lib.nn.CircularPad1d(2), x_(2, 3, 4)),
    "CircularPad2d": (lambda lib: lib.nn.CircularPad2d((1, 2, 0, 1)), x_(2, 3, 4, 4)),
    "CircularPad3d": (lambda lib: lib.nn.CircularPad3d(1), x_(1, 2, 3, 3, 3)),
    "Upsample": (lambda lib: lib.nn.Upsample(scale_factor=2, mode="bilinear"), x_(1, 2, 3, 4)),
    "Upsample-size": (lambda lib: lib.nn.Upsample(size=7), x_(2, 3, 4)),
    "Upsample-trilinear": (lambda lib: lib.nn.Upsample(scale_factor=(1.5, 2, 2),
                                                      mode="trilinear", align_corners=True),
                           x_(1, 2, 2, 3, 3)),
    "UpsamplingNearest2d": (lambda lib: lib.nn.UpsamplingNearest2d(scale_factor=2),
                            x_(1, 2, 3, 4)),
    "UpsamplingBilinear2d": (lambda lib: lib.nn.UpsamplingBilinear2d(size=(5, 7)),
                             x_(1, 2, 3, 4)),
    "PixelShuffle": (lambda lib: lib.nn.PixelShuffle(2), x_(2, 8, 3, 3)),
    "PixelUnshuffle": (lambda lib: lib.nn.PixelUnshuffle(2), x_(2, 2, 4, 6)),
    "ChannelShuffle": (lambda lib: lib.nn.ChannelShuffle(2), x_(2, 6, 3, 3)),
    "Fold": (lambda lib: lib.nn.Fold((4, 5), 2), x_(2, 12, 12)),
    "Unfold": (lambda lib: lib.nn.Unfold(2, padding=1, stride=2), x_(2, 3, 4, 5)),
    "InstanceNorm1d": (lambda lib: lib.nn.InstanceNorm1d(3), x_(2, 3, 5)),
    "InstanceNorm1d-unbatched": (lambda lib: lib.nn.InstanceNorm1d(3, affine=True), x_(3, 5)),
    "InstanceNorm2d-stats": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True,
                                                               track_running_stats=True),
                             x_(2, 3, 4, 4)),
    "InstanceNorm3d-nobias": (lambda lib: lib.nn.InstanceNorm3d(2, affine=True, bias=False),
                              x_(2, 2, 3, 3, 3)),
    "LocalResponseNorm": (lambda lib: lib.nn.LocalResponseNorm(3), x_(2, 5, 4, 4)),
    "LocalResponseNorm-1d": (lambda lib: lib.nn.LocalResponseNorm(2, 0.1, 0.5, 2.0),
                             x_(2, 4, 5)),
    # the legacy module: its own forward and backward (not the forward's gradient)
    "CrossMapLRN2d": (lambda lib: lib.nn.CrossMapLRN2d(3, 0.3, 0.75, 1.5), x_(2, 5, 3, 3)),
    "CrossMapLRN2d-even": (lambda lib: lib.nn.CrossMapLRN2d(4), x_(2, 7, 2, 3)),
    "CrossMapLRN2d-wide": (lambda lib: lib.nn.CrossMapLRN2d(7, 0.5, 0.5, 2.0), x_(1, 3, 2, 2)),
    "CosineSimilarity": (lambda lib: lib.nn.CosineSimilarity(dim=-1), two_(3, 5)),
    "PairwiseDistance": (lambda lib: lib.nn.PairwiseDistance(p=1.0, keepdim=True),
                         two_(3, 5)),
    "Softmax2d": (lambda lib: lib.nn.Softmax2d(), x_(2, 3, 4, 4)),
    "RReLU-eval": (lambda lib: lib.nn.RReLU(0.1, 0.3), x_(3, 4)),
    "Hardshrink": (lambda lib: lib.nn.Hardshrink(), x_(3, 4)),
    "Softshrink": (lambda lib: lib.nn.Softshrink(0.3), x_(3, 4)),
    "FeatureAlphaDropout-p0": (lambda lib: lib.nn.FeatureAlphaDropout(0.0), x_(2, 3, 4)),
    "MaxPool3d": (lambda lib: lib.nn.MaxPool3d(2, ceil_mode=True), x_(1, 2, 5, 4, 4)),
    "AvgPool3d": (lambda lib: lib.nn.AvgPool3d(2, stride=1, padding=1), x_(1, 2, 3, 4, 4)),
    "AdaptiveMaxPool1d": (lambda lib: lib.nn.AdaptiveMaxPool1d(3, return_indices=True),
                          x_(2, 3, 8)),
    "AdaptiveMaxPool3d": (lambda lib: lib.nn.AdaptiveMaxPool3d((2, 1, 3)), x_(1, 2, 5, 4, 6)),
    "AdaptiveAvgPool3d": (lambda lib: lib.nn.AdaptiveAvgPool3d(2), x_(1, 2, 5, 4, 6)),
    "MaxUnpool1d": (lambda lib: lib.nn.MaxUnpool1d(2), unpool_(1, 2, (2, 3, 8))),
    "MaxUnpool2d": (lambda lib: lib.nn.MaxUnpool2d(2), unpool_(2, 2, (2, 3, 5, 4), (5, 4))),
    "MaxUnpool3d": (lambda lib: lib.nn.MaxUnpool3d(2), unpool_(3, 2, (1, 2, 4, 4, 4))),
    "LPPool1d": (lambda lib: lib.nn.LPPool1d(2, 3, stride=2), x_(2, 3, 8)),
    "LPPool2d": (lambda lib: lib.nn.LPPool2d(3, 2), pos_(2, 3, 4, 6)),
    "LPPool3d": (lambda lib: lib.nn.LPPool3d(1.5, 2), pos_(1, 2, 4, 4, 4)),
    "RNNCell": (lambda lib: lib.nn.RNNCell(3, 4),
                lambda lib, rng, dt: (randn(lib, rng, dt, 2, 3), randn(lib, rng, dt, 2, 4))),
    "RNNCell-relu-nobias-nohx": (lambda lib: lib.nn.RNNCell(3, 4, bias=False,
                                                            nonlinearity="relu"), x_(2, 3)),
    "RNNCell-unbatched": (lambda lib: lib.nn.RNNCell(3, 4),
                          lambda lib, rng, dt: (randn(lib, rng, dt, 3), randn(lib, rng, dt, 4))),
    "LSTMCell": (lambda lib: lib.nn.LSTMCell(3, 4),
                 lambda lib, rng, dt: (randn(lib, rng, dt, 2, 3), (randn(lib, rng, dt, 2, 4),
                                                                   randn(lib, rng, dt, 2, 4)))),
    "LSTMCell-nohx-unbatched": (lambda lib: lib.nn.LSTMCell(3, 4, bias=False), x_(3)),
    "GRUCell": (lambda lib: lib.nn.GRUCell(3, 4),
                lambda lib, rng, dt: (randn(lib, rng, dt, 2, 3), randn(lib, rng, dt, 2, 4))),
    "GRUCell-nohx": (lambda lib: lib.nn.GRUCell(3, 4), x_(5, 3)),
    "Transformer": (lambda lib: lib.nn.Transformer(8, 2, 2, 1, 16, dropout=0.0),
                    lambda lib, rng, dt: (randn(lib, rng, dt, 5, 2, 8),
                                          randn(lib, rng, dt, 4, 2, 8))),
    "Transformer-bf-normfirst-masks": (
        lambda lib: lib.nn.Transformer(8, 2, 1, 2, 16, dropout=0.0, batch_first=True,
                                       norm_first=True, activation="gelu"),
        lambda lib, rng, dt: (randn(lib, rng, dt, 2, 5, 8), randn(lib, rng, dt, 2, 4, 8), None,
                              lib.nn.Transformer.generate_square_subsequent_mask(4),
                              None, lib.tensor([[False] * 4 + [True], [False] * 5]))),
    "EmbeddingBag": (lambda lib: lib.nn.EmbeddingBag(10, 3),
                     lambda lib, rng, dt: (randint(lib, rng, 10, 4, 5),)),
    "EmbeddingBag-max-padding-offsets": (
        lambda lib: lib.nn.EmbeddingBag(10, 3, mode="max", padding_idx=2),
        lambda lib, rng, dt: (lib.tensor([1, 2, 4, 4, 3, 2, 0, 9]), lib.tensor([0, 2, 2, 5]))),
    "EmbeddingBag-sum-weights-last": (
        lambda lib: lib.nn.EmbeddingBag(10, 3, mode="sum", include_last_offset=True),
        lambda lib, rng, dt: (lib.tensor([1, 2, 4, 4, 3]), lib.tensor([0, 2, 5]),
                              randn(lib, rng, dt, 5))),
    "FractionalMaxPool2d": (lambda lib: lib.nn.FractionalMaxPool2d(
        3, output_ratio=0.5, _random_samples=lib.tensor([[[0.2, 0.8], [0.6, 0.4]]])),
        x_(1, 2, 9, 8)),
    "FractionalMaxPool3d": (lambda lib: lib.nn.FractionalMaxPool3d(
        2, output_size=(2, 3, 2), return_indices=True,
        _random_samples=lib.tensor([[[0.2, 0.8, 0.5]]])), x_(1, 1, 5, 6, 4)),
    "SyncBatchNorm": (lambda lib: lib.nn.SyncBatchNorm(3), x_(4, 3, 2, 2)),
    "SyncBatchNorm-converted": (lambda lib: lib.nn.SyncBatchNorm.convert_sync_batchnorm(
        lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3))), x_(4, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layer_matches_torch(name, dtype):
    make, inputs = CASES[name]
    check_module(make, inputs, dtype, modes=("eval",) if name.endswith("-eval") else
                 ("train", "eval"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_repr_matches_torch(name):
    make = CASES[name][0]
    assert repr(make(npgrad)) == repr(make(torch))


def _loss_inputs(kind):
    def inputs(lib, rng, dt):
        x = randn(lib, rng, dt, 4, 5)
        if kind == "class":
            return x, randint(lib, rng, 5, 4)
        if kind == "labels":
            return x, lib.tensor(np.array([[3, 0, -1, 1, 2], [1, 1, 2, -1, 0],
                                           [0, 1, 2, 3, 4], [-1, 0, 0, 0, 0]]))
        if kind == "multi-hot":
            return x, lib.tensor((rng.uniform(0, 1, (4, 5)) > 0.5).astype(dt))
        return x, randn(lib, rng, dt, 4, 5), randn(lib, rng, dt, 4, 5)
    return inputs


LOSSES = {
    "MultiMarginLoss": (lambda lib, r: lib.nn.MultiMarginLoss(reduction=r), "class"),
    "MultiMarginLoss-p2-weight": (lambda lib, r: lib.nn.MultiMarginLoss(
        p=2, margin=0.5, weight=lib.tensor([1.0, 2.0, 0.5, 1.5, 1.0], dtype=lib.float64),
        reduction=r), "class"),
    "MultiLabelMarginLoss": (lambda lib, r: lib.nn.MultiLabelMarginLoss(reduction=r), "labels"),
    "MultiLabelSoftMarginLoss": (lambda lib, r: lib.nn.MultiLabelSoftMarginLoss(reduction=r),
                                 "multi-hot"),
    "TripletMarginWithDistanceLoss": (lambda lib, r: lib.nn.TripletMarginWithDistanceLoss(
        reduction=r, swap=True), "triplet"),
    "TripletMarginWithDistanceLoss-cos": (lambda lib, r: lib.nn.TripletMarginWithDistanceLoss(
        distance_function=lib.nn.CosineSimilarity(), margin=0.5, reduction=r), "triplet"),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_module_matches_torch(name, reduction):
    make, kind = LOSSES[name]
    check_module(lambda lib: make(lib, reduction), _loss_inputs(kind), "float64",
                 modes=("train",))
    assert repr(make(npgrad, reduction)) == repr(make(torch, reduction))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_loss_module_matches_torch(reduction):
    def inputs(lib, rng, dt):
        x = rng.standard_normal((7, 2, 4))
        log_probs = x - np.log(np.exp(x).sum(2, keepdims=True))  # a leaf, for its gradient
        return (lib.tensor(log_probs.astype(dt), requires_grad=True),
                lib.tensor([[1, 2, 2], [3, 1, 0]]), lib.tensor([7, 5]), lib.tensor([3, 2]))
    check_module(lambda lib: lib.nn.CTCLoss(blank=0, reduction=reduction), inputs, "float64",
                 modes=("train",))
    assert repr(npgrad.nn.CTCLoss()) == repr(torch.nn.CTCLoss())


@pytest.mark.parametrize("kwargs", [{}, dict(out_features=(2,), bias=True, ignore_index=1,
                                             reduction="sum")])
def test_linear_cross_entropy_loss_matches_torch(kwargs):
    def inputs(lib, rng, dt):
        shape = (6,) + tuple(kwargs.get("out_features", ()))
        return randn(lib, rng, dt, 6, 4), lib.tensor(rng.integers(0, 5, shape))
    check_module(lambda lib: lib.nn.LinearCrossEntropyLoss(4, 5, **kwargs), inputs, "float64",
                 modes=("train",))
    assert repr(npgrad.nn.LinearCrossEntropyLoss(4, 5, **kwargs)) == \
        repr(torch.nn.LinearCrossEntropyLoss(4, 5, **kwargs))


def test_nllloss2d_and_container_warn_as_torch():
    for lib in (npgrad, torch):
        with pytest.warns(FutureWarning, match="NLLLoss2d"):
            assert isinstance(lib.nn.NLLLoss2d(), lib.nn.NLLLoss)
        with pytest.warns(FutureWarning, match="Container"):
            c = lib.nn.Container(a=lib.nn.ReLU())
        assert [n for n, _ in c.named_children()] == ["a"]


def test_feature_alpha_dropout_drops_whole_channels_to_one_value():
    x = npgrad.ones(8, 6, 5, 5)
    out = npgrad.nn.FeatureAlphaDropout(0.5)(x).numpy()
    per_channel = out.reshape(8, 6, -1)
    assert np.all(per_channel.max(-1) == per_channel.min(-1))  # one value per channel
    assert len(np.unique(np.round(per_channel[..., 0], 5))) == 2  # kept or dropped
    assert npgrad.nn.FeatureAlphaDropout(0.5).eval()(x) is x


def test_rrelu_trains_with_random_slopes_in_its_range():
    x = -npgrad.ones(1000)
    slopes = -npgrad.nn.RReLU(0.1, 0.3)(x).numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.01


@pytest.mark.parametrize("path", [
    "activation.MultiheadAttention", "linear.NonDynamicallyQuantizableLinear",
    "batchnorm.BatchNorm2d", "batchnorm.SyncBatchNorm", "flatten.Flatten",
    "instancenorm.InstanceNorm2d", "padding.ReflectionPad2d", "pooling.MaxUnpool2d",
    "upsampling.Upsample", "pixelshuffle.PixelShuffle", "channelshuffle.ChannelShuffle",
    "fold.Fold", "distance.CosineSimilarity", "rnn.LSTMCell", "loss.MultiMarginLoss",
    "normalization.LocalResponseNorm", "normalization.CrossMapLRN2d", "container.Container", "dropout.FeatureAlphaDropout",
])
def test_nn_modules_import_paths_are_pytorchs(path):
    """``nn.modules.<file>.<Class>`` resolves as in PyTorch, to the class ``nn`` exports."""
    import importlib
    module, name = path.rsplit(".", 1)
    ours = getattr(importlib.import_module(f"npgrad.nn.modules.{module}"), name)
    theirs = getattr(importlib.import_module(f"torch.nn.modules.{module}"), name)
    assert ours.__name__ == theirs.__name__
    assert ours is getattr(npgrad.nn, name, ours)


def test_cell_errors_match_torch():
    for lib in (npgrad, torch):
        with pytest.raises(ValueError, match="RNNCell: Expected input to be 1D or 2D"):
            lib.nn.RNNCell(3, 4)(lib.zeros(1, 2, 3))
        with pytest.raises(ValueError, match="expected at least 2D input"):
            lib.nn.SyncBatchNorm(3)(lib.zeros(3))
        with pytest.raises(ValueError, match="expected 2D or 3D input"):
            lib.nn.InstanceNorm1d(3)(lib.zeros(1, 3, 2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        npgrad.nn.InstanceNorm1d(3)(npgrad.zeros(2, 3, 4))


def test_cross_map_lrn2d_backward_is_differentiable_and_checks_input():
    """PyTorch's backward is not twice differentiable; npgrad's (the same formula) is, checked
    by finite differences; 3-D input is PyTorch's ValueError."""
    rng = np.random.default_rng(0)
    m = npgrad.nn.CrossMapLRN2d(3, 0.3, 0.75, 1.5)
    x = npgrad.tensor(rng.standard_normal((1, 4, 2, 2)), requires_grad=True)
    g = npgrad.tensor(rng.standard_normal((1, 4, 2, 2)), requires_grad=True)
    assert npgrad.autograd.gradcheck(
        lambda x, g: npgrad.autograd.grad(m(x), x, g, create_graph=True)[0], (x, g))
    for lib in (npgrad, torch):
        with pytest.raises(ValueError, match="Expected input to be 4D, got 3D instead"):
            lib.nn.CrossMapLRN2d(3)(lib.ones(2, 3, 4))
