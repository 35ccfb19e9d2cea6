"""Every layer against PyTorch with the same weights (see harness.py)."""
from __future__ import annotations

import numpy as np
import pytest

import npgrad

from .harness import check_module, randint, randn


def x_(*shape):
    return lambda lib, rng, dt: (randn(lib, rng, dt, *shape),)


CASES = {
    "Linear": (lambda lib: lib.nn.Linear(4, 3), x_(2, 5, 4)),
    "Linear-nobias": (lambda lib: lib.nn.Linear(4, 3, bias=False), x_(2, 4)),
    "Bilinear": (lambda lib: lib.nn.Bilinear(3, 4, 2),
                 lambda lib, rng, dt: (randn(lib, rng, dt, 5, 3), randn(lib, rng, dt, 5, 4))),
    "Identity": (lambda lib: lib.nn.Identity(7), x_(2, 3)),
    "Flatten": (lambda lib: lib.nn.Flatten(), x_(2, 3, 4)),
    "Unflatten": (lambda lib: lib.nn.Unflatten(1, (2, 3)), x_(4, 6)),
    "Sequential": (lambda lib: lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(),
                                                 lib.nn.Linear(8, 2)), x_(3, 4)),
    "LayerNorm": (lambda lib: lib.nn.LayerNorm(4), x_(2, 3, 4)),
    "LayerNorm-2d": (lambda lib: lib.nn.LayerNorm((3, 4), elementwise_affine=False),
                     x_(2, 3, 4)),
    "RMSNorm": (lambda lib: lib.nn.RMSNorm(4), x_(2, 3, 4)),
    "GroupNorm": (lambda lib: lib.nn.GroupNorm(2, 4), x_(2, 4, 5)),
    "BatchNorm1d": (lambda lib: lib.nn.BatchNorm1d(3), x_(4, 3)),
    "BatchNorm1d-3d": (lambda lib: lib.nn.BatchNorm1d(3, momentum=None), x_(4, 3, 5)),
    "BatchNorm2d": (lambda lib: lib.nn.BatchNorm2d(3), x_(2, 3, 4, 4)),
    "BatchNorm2d-nostats": (lambda lib: lib.nn.BatchNorm2d(3, track_running_stats=False,
                                                           affine=False), x_(2, 3, 4, 4)),
    "Embedding": (lambda lib: lib.nn.Embedding(10, 4, padding_idx=0),
                  lambda lib, rng, dt: (randint(lib, rng, 10, 3, 5),)),
    "PReLU": (lambda lib: lib.nn.PReLU(3), x_(2, 3, 4)),
    "Dropout-eval": (lambda lib: lib.nn.Dropout(0.0), x_(3, 4)),
}
ACTIVATIONS = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
               "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus",
               "Softsign", "LogSigmoid", "Tanhshrink"]
for _name in ACTIVATIONS:
    CASES[_name] = ((lambda n: lambda lib: getattr(lib.nn, n)())(_name), x_(3, 4))
CASES["GELU-tanh"] = (lambda lib: lib.nn.GELU("tanh"), x_(3, 4))
CASES["Softmax"] = (lambda lib: lib.nn.Softmax(dim=1), x_(3, 4))
CASES["LogSoftmax"] = (lambda lib: lib.nn.LogSoftmax(dim=-1), x_(3, 4))
CASES["Softmin"] = (lambda lib: lib.nn.Softmin(dim=0), x_(3, 4))
CASES["GLU"] = (lambda lib: lib.nn.GLU(), x_(3, 4))
CASES["Threshold"] = (lambda lib: lib.nn.Threshold(0.1, 20.0), x_(3, 4))


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layer_matches_torch(name, dtype):
    make, inputs = CASES[name]
    check_module(make, inputs, dtype)


LOSSES = {
    "MSELoss": ({}, "float"), "L1Loss": ({}, "float"), "SmoothL1Loss": (dict(beta=0.5), "float"),
    "HuberLoss": (dict(delta=0.5), "float"), "CrossEntropyLoss": (dict(label_smoothing=0.1),
                                                                   "class"),
    "NLLLoss": ({}, "class"), "BCELoss": ({}, "prob"), "BCEWithLogitsLoss": ({}, "prob"),
    "KLDivLoss": (dict(reduction="batchmean"), "prob"), "SoftMarginLoss": ({}, "sign"),
    "HingeEmbeddingLoss": ({}, "sign"), "PoissonNLLLoss": ({}, "prob"),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_module_matches_torch(name, reduction):
    kwargs, target = LOSSES[name]
    if name == "KLDivLoss" and reduction != "mean":
        kwargs = {}
    kw = dict(kwargs, reduction=reduction if not (name == "KLDivLoss" and reduction == "mean")
              else "batchmean")

    def inputs(lib, rng, dt):
        x = randn(lib, rng, dt, 4, 3)
        if name == "BCELoss":
            x = lib.tensor(rng.uniform(0.05, 0.95, (4, 3)).astype(dt), requires_grad=True)
        t = {"float": lambda: randn(lib, rng, dt, 4, 3, grad=False),
             "class": lambda: randint(lib, rng, 3, 4),
             "prob": lambda: lib.tensor(rng.uniform(0, 1, (4, 3)).astype(dt)),
             "sign": lambda: lib.tensor(rng.choice([-1.0, 1.0], (4, 3)).astype(dt))}[target]()
        return x, t
    check_module(lambda lib: getattr(lib.nn, name)(**kw), inputs, "float64", modes=("train",))


def seq_(*shape):
    return lambda lib, rng, dt: (randn(lib, rng, dt, *shape),)


RNNS = {
    "RNN": (lambda lib: lib.nn.RNN(3, 4), seq_(5, 2, 3)),
    "RNN-relu-2layer-bf": (lambda lib: lib.nn.RNN(3, 4, num_layers=2, nonlinearity="relu",
                                                  batch_first=True), seq_(2, 5, 3)),
    "RNN-unbatched": (lambda lib: lib.nn.RNN(3, 4), seq_(5, 3)),
    "LSTM": (lambda lib: lib.nn.LSTM(3, 4), seq_(5, 2, 3)),
    "LSTM-2layer-bidir-bf": (lambda lib: lib.nn.LSTM(3, 4, num_layers=2, bidirectional=True,
                                                     batch_first=True), seq_(2, 5, 3)),
    "LSTM-h0": (lambda lib: lib.nn.LSTM(3, 4, bias=False),
                lambda lib, rng, dt: (randn(lib, rng, dt, 5, 2, 3),
                                      (randn(lib, rng, dt, 1, 2, 4),
                                       randn(lib, rng, dt, 1, 2, 4)))),
    "LSTM-proj-2layer-bidir": (lambda lib: lib.nn.LSTM(3, 4, num_layers=2, proj_size=2,
                                                       bidirectional=True), seq_(5, 2, 3)),
    "LSTM-proj-h0-unbatched": (lambda lib: lib.nn.LSTM(3, 4, proj_size=3, bias=False),
                               lambda lib, rng, dt: (randn(lib, rng, dt, 5, 3),
                                                     (randn(lib, rng, dt, 1, 3),
                                                      randn(lib, rng, dt, 1, 4)))),
    "GRU": (lambda lib: lib.nn.GRU(3, 4), seq_(5, 2, 3)),
    "GRU-2layer-bidir": (lambda lib: lib.nn.GRU(3, 4, num_layers=2, bidirectional=True),
                         lambda lib, rng, dt: (randn(lib, rng, dt, 5, 2, 3),
                                               randn(lib, rng, dt, 4, 2, 4))),
}


@pytest.mark.parametrize("name", sorted(RNNS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rnn_matches_torch(name, dtype):
    make, inputs = RNNS[name]
    check_module(make, inputs, dtype)


def _mha_inputs(L, S, N, E, batch_first=False):
    def inputs(lib, rng, dt):
        shape_q = (N, L, E) if batch_first else (L, N, E)
        shape_k = (N, S, E) if batch_first else (S, N, E)
        return randn(lib, rng, dt, *shape_q), randn(lib, rng, dt, *shape_k), \
            randn(lib, rng, dt, *shape_k)
    return inputs


def _with_masks(lib, rng, dt):
    q, k, v = _mha_inputs(3, 4, 2, 8)(lib, rng, dt)
    attn_mask = lib.tensor(np.triu(np.ones((3, 4), bool), 2))
    pad = lib.tensor(np.array([[False, False, False, True], [False, True, False, False]]))
    return q, k, v, pad, True, attn_mask


def _float_mask(lib, rng, dt):
    q, k, v = _mha_inputs(3, 3, 2, 8, True)(lib, rng, dt)
    return q, k, v, None, True, randn(lib, rng, dt, 3, 3, grad=False), False


TRANSFORMERS = {
    "MHA": (lambda lib: lib.nn.MultiheadAttention(8, 2), _mha_inputs(3, 4, 2, 8)),
    "MHA-bf": (lambda lib: lib.nn.MultiheadAttention(8, 4, batch_first=True),
               _mha_inputs(3, 5, 2, 8, True)),
    "MHA-masks": (lambda lib: lib.nn.MultiheadAttention(8, 2), _with_masks),
    "MHA-floatmask-perhead": (lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=True),
                              _float_mask),
    "MHA-kdim": (lambda lib: lib.nn.MultiheadAttention(8, 2, kdim=5, vdim=3, bias=False),
                 lambda lib, rng, dt: (randn(lib, rng, dt, 3, 2, 8), randn(lib, rng, dt, 4, 2, 5),
                                       randn(lib, rng, dt, 4, 2, 3))),
    "MHA-biaskv-zeroattn": (lambda lib: lib.nn.MultiheadAttention(8, 2, add_bias_kv=True,
                                                                  add_zero_attn=True),
                            _with_masks),
    "MHA-unbatched": (lambda lib: lib.nn.MultiheadAttention(8, 2),
                      lambda lib, rng, dt: tuple(randn(lib, rng, dt, 3, 8) for _ in range(3))),
    "EncoderLayer": (lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
                     lambda lib, rng, dt: (randn(lib, rng, dt, 5, 2, 8),)),
    "EncoderLayer-normfirst-gelu-bf": (
        lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu",
                                                   norm_first=True, batch_first=True),
        lambda lib, rng, dt: (randn(lib, rng, dt, 2, 5, 8),
                              lib.nn.Transformer.generate_square_subsequent_mask(5)
                              if hasattr(lib.nn, "Transformer") and lib.__name__ == "torch"
                              else lib.nn.modules.transformer.generate_square_subsequent_mask(5))),
    "Encoder": (lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2, norm=lib.nn.LayerNorm(8)),
        lambda lib, rng, dt: (randn(lib, rng, dt, 5, 2, 8),)),
    "DecoderLayer": (lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0),
                     lambda lib, rng, dt: (randn(lib, rng, dt, 4, 2, 8),
                                           randn(lib, rng, dt, 5, 2, 8))),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMERS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_transformer_matches_torch(name, dtype):
    make, inputs = TRANSFORMERS[name]
    check_module(make, inputs, dtype)


CONVS = {
    "Conv1d": (lambda lib: lib.nn.Conv1d(2, 4, 3, stride=2, padding=1), x_(2, 2, 9)),
    "Conv2d": (lambda lib: lib.nn.Conv2d(2, 4, 3, padding="same", dilation=2), x_(2, 2, 7, 7)),
    "Conv2d-groups-nobias": (lambda lib: lib.nn.Conv2d(4, 6, (2, 3), groups=2, bias=False),
                             x_(2, 4, 5, 6)),
    "Conv2d-reflect": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
                       x_(1, 2, 5, 5)),
    "Conv2d-circular": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=(1, 2),
                                                  padding_mode="circular"), x_(1, 2, 5, 5)),
    "Conv3d": (lambda lib: lib.nn.Conv3d(2, 3, 2), x_(1, 2, 3, 4, 4)),
    "ConvTranspose1d": (lambda lib: lib.nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1),
                        x_(2, 2, 5)),
    "ConvTranspose2d": (lambda lib: lib.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1,
                                                           groups=2), x_(1, 4, 4, 4)),
    "MaxPool1d": (lambda lib: lib.nn.MaxPool1d(3, 2, ceil_mode=True), x_(2, 3, 8)),
    "MaxPool2d": (lambda lib: lib.nn.MaxPool2d(2), x_(2, 3, 6, 6)),
    "MaxPool2d-indices": (lambda lib: lib.nn.MaxPool2d(3, 2, padding=1, return_indices=True),
                          x_(1, 2, 7, 7)),
    "AvgPool1d": (lambda lib: lib.nn.AvgPool1d(3, 2, padding=1, count_include_pad=False),
                  x_(2, 3, 8)),
    "AvgPool2d": (lambda lib: lib.nn.AvgPool2d(2, ceil_mode=True), x_(2, 3, 7, 7)),
    "AdaptiveAvgPool1d": (lambda lib: lib.nn.AdaptiveAvgPool1d(3), x_(2, 3, 8)),
    "AdaptiveAvgPool2d": (lambda lib: lib.nn.AdaptiveAvgPool2d((2, 3)), x_(2, 3, 7, 8)),
    "AdaptiveMaxPool2d": (lambda lib: lib.nn.AdaptiveMaxPool2d(3, return_indices=True),
                          x_(2, 3, 7, 7)),
}


@pytest.mark.parametrize("name", sorted(CONVS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_conv_and_pool_layers_match_torch(name, dtype):
    make, inputs = CONVS[name]
    check_module(make, inputs, dtype)


@pytest.mark.parametrize("name,args", [
    ("elu", (0.7,)), ("hardtanh", (-0.5, 0.5)), ("relu", ()), ("leaky_relu", (0.1,)),
    ("silu", ()), ("mish", ()), ("selu", ()), ("celu", (1.2,)), ("hardswish", ()),
    ("hardsigmoid", ()), ("threshold", (0.1, 2.0)), ("relu6", ())])
def test_inplace_activation_on_a_saved_input_matches_torch(name, args):
    """inplace=True recomputes from the old value through apply_: the activation's own
    graph (which saves its input) still backpropagates, as in torch."""
    import torch
    import npgrad
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor([-1.5, 0.3, 2.0, -0.2], requires_grad=True)
        y = x * 1.0
        getattr(lib.nn.functional, name)(y, *args, inplace=True)
        (y * y).sum().backward()
        grads.append(x.grad.tolist())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)


def test_rnn_flatten_parameters_is_a_no_op_as_on_pytorch_cpu():
    # (pytorch/examples' word_language_model calls it after torch.load)
    for cls in (npgrad.nn.RNN, npgrad.nn.LSTM, npgrad.nn.GRU):
        m = cls(3, 4)
        before = {k: v.detach().clone() for k, v in m.state_dict().items()}
        assert m.flatten_parameters() is None
        assert all(npgrad.equal(v, before[k]) for k, v in m.state_dict().items())
