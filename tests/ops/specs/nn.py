"""Specs: the ops of ``nn.functional`` (``npgrad/ops/nn/``): activations, losses,
normalization, dropout and embedding, convolution, pooling, resampling, padding, linear layers.

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import numpy as np

from ..harness import BF16, A, C, F, I, OpSpec, with_bf16

SHAPES = [[(3, 4)], [(2, 3, 5)], [()], [(0, 3)]]


SMALL = [[(3, 4)], [(2, 3, 2)], [()]]


def fn(name, *args, **kw):
    return lambda lib, x: getattr(lib.nn.functional, name)(x, *args, **kw)


def conv(name):
    """``F.<name>(x, w, b, **kw)``; the kwargs come as a C(dict) last argument."""
    return lambda lib, x, w, b, kw: getattr(lib.nn.functional, name)(x, w, b, **kw)


def conv_nobias(name):
    return lambda lib, x, w, kw: getattr(lib.nn.functional, name)(x, w, **kw)


R = ("none", "mean", "sum")


def _reductions(name, args, **kw):
    return [OpSpec(f"nn.functional.{name}" + ("" if r == "mean" else f"-{r}"),
                   (lambda r: lambda lib, *a: getattr(lib.nn.functional, name)(
                       *a, reduction=r, **kw))(r), args) for r in R]


W = A(np.array([0.2, 1.0, 2.0, 0.5]))


RM, RV = A(np.array([0.1, -0.2, 0.3])), A(np.array([1.0, 0.5, 2.0]))


def pool(name):
    """``F.<name>(x, *args, **kw)``; args and kwargs come as C(tuple) and C(dict)."""
    return lambda lib, x, args, kw: getattr(lib.nn.functional, name)(x, *args, **kw)


IDX = dict(return_indices=True)


def fn_sampling(name):
    """``F.<name>(x, *args, **kw)``; args and kwargs come as C(tuple) and C(dict)."""
    return lambda lib, x, args, kw: getattr(lib.nn.functional, name)(x, *args, **kw)


def interp(**kw):
    return lambda lib, x: lib.nn.functional.interpolate(x, **kw)


SMALL2D, MID2D = [[(1, 1, 3, 4)], [(1, 2, 2, 3)]], [[(2, 3, 5, 4)], [(2, 2, 4, 7)]]


SPECS = [
    OpSpec("nn.functional.relu", fn("relu"), SHAPES),
    OpSpec("nn.functional.relu6", lambda lib, x: lib.nn.functional.relu6(x * 4), SHAPES),
    OpSpec("nn.functional.leaky_relu", fn("leaky_relu", 0.2), SHAPES),
    OpSpec("nn.functional.prelu", lambda lib, x, w: lib.nn.functional.prelu(x, w),
           [[(2, 3, 4), F((3,), 0.1, 0.5)], [(3, 4), F((1,), 0.1, 0.5)]]),
    OpSpec("nn.functional.elu", fn("elu", 0.7), SHAPES),
    OpSpec("nn.functional.selu", fn("selu"), SHAPES),
    OpSpec("nn.functional.celu", fn("celu", 1.3), SHAPES),
    OpSpec("nn.functional.gelu", fn("gelu"), SHAPES),
    OpSpec("nn.functional.gelu-tanh", fn("gelu", approximate="tanh"), SHAPES),
    OpSpec("nn.functional.silu", fn("silu"), SHAPES),
    OpSpec("nn.functional.mish", fn("mish"), SHAPES),
    OpSpec("nn.functional.hardtanh", fn("hardtanh", -0.5, 0.8), SHAPES),
    OpSpec("nn.functional.hardswish", lambda lib, x: lib.nn.functional.hardswish(x * 3),
           SHAPES),
    OpSpec("nn.functional.hardsigmoid", lambda lib, x: lib.nn.functional.hardsigmoid(x * 3),
           SHAPES),
    OpSpec("nn.functional.softplus", fn("softplus"), SHAPES),
    OpSpec("nn.functional.softplus-beta", lambda lib, x: lib.nn.functional.softplus(
        x * 10, beta=2, threshold=5), SMALL),
    OpSpec("nn.functional.softsign", fn("softsign"), SHAPES),
    OpSpec("nn.functional.logsigmoid", lambda lib, x: lib.nn.functional.logsigmoid(x * 30),
           SMALL),
    OpSpec("nn.functional.tanhshrink", fn("tanhshrink"), SHAPES),
    OpSpec("nn.functional.softshrink", fn("softshrink", 0.3), SHAPES, gradgrad=False),
    OpSpec("nn.functional.hardshrink", fn("hardshrink", 0.3), SHAPES, gradgrad=False),
    OpSpec("nn.functional.threshold", fn("threshold", 0.1, -2.0), SHAPES),
    OpSpec("nn.functional.rrelu", fn("rrelu"), SHAPES),
    OpSpec("nn.functional.glu", lambda lib, x, d: lib.nn.functional.glu(x, d),
           [[(4, 6), C(-1)], [(4, 3), C(0)]]),
    OpSpec("nn.functional.softmax", lambda lib, x, d: lib.nn.functional.softmax(x, dim=d),
           [[(3, 4), C(1)], [(2, 3, 4), C(0)], [(5,), C(-1)], [(0, 3), C(1)]]),
    OpSpec("nn.functional.softmax-large", lambda lib, x: lib.nn.functional.softmax(
        x * 1000, dim=-1), [[(2, 5)]], gradcheck=False),
    OpSpec("nn.functional.log_softmax", lambda lib, x, d: lib.nn.functional.log_softmax(
        x, dim=d), [[(3, 4), C(1)], [(2, 3, 4), C(-1)], [(5,), C(0)]]),
    OpSpec("nn.functional.log_softmax-large", lambda lib, x: lib.nn.functional.log_softmax(
        x * 1000, dim=-1), [[(2, 5)]], gradcheck=False),
    OpSpec("nn.functional.softmin", lambda lib, x: lib.nn.functional.softmin(x, dim=1),
           [[(3, 4)]]),
    OpSpec("nn.functional.conv1d", conv("conv1d"), [
        [(1, 2, 5), (3, 2, 2), (3,), C({})],
        [(2, 2, 6), (2, 1, 3), (2,), C(dict(stride=2, padding=1, groups=2))],
        [(1, 2, 7), (2, 2, 2), (2,), C(dict(padding="same", dilation=3))],
        [(2, 4, 9), (6, 2, 3), (6,), C(dict(stride=3, padding=2, dilation=2, groups=2))],
        [(3, 8), (4, 3, 3), (4,), C(dict(padding="valid"))],
        [(0, 3, 8), (4, 3, 3), (4,), C(dict(padding=1))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv2d", conv("conv2d"), [
        [(1, 2, 4, 4), (2, 1, 2, 2), (2,), C(dict(stride=2, padding=1, groups=2))],
        [(1, 1, 4, 3), (2, 1, 2, 2), (2,), C(dict(padding="same", dilation=(1, 2)))],
        [(1, 1, 5, 4), (1, 1, 3, 2), (1,), C(dict(stride=(2, 1), padding=(1, 0)))],
        [(2, 3, 7, 6), (4, 3, 3, 3), (4,), C(dict(padding=1))],
        [(2, 4, 7, 6), (6, 2, 3, 2), (6,), C(dict(stride=(2, 3), padding=(1, 2),
                                                  dilation=(2, 1), groups=2))],
        [(2, 3, 6, 6), (4, 3, 2, 2), (4,), C(dict(padding="same"))],
        [(3, 5, 5), (2, 3, 3, 3), (2,), C({})],
        [(0, 3, 5, 5), (2, 3, 3, 3), (2,), C(dict(padding=1))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv2d-nobias", conv_nobias("conv2d"), [
        [(1, 1, 4, 4), (2, 1, 2, 2), C(dict(stride=2))],
        [(2, 3, 6, 5), (4, 3, 3, 3), C(dict(padding=(2, 1), dilation=2))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv3d", conv("conv3d"), [
        [(1, 1, 3, 3, 3), (2, 1, 2, 2, 2), (2,), C(dict(padding=(1, 0, 0)))],
        [(1, 2, 3, 3, 2), (2, 1, 2, 2, 1), (2,), C(dict(stride=2, padding=1, groups=2))],
        [(2, 2, 5, 4, 4), (3, 2, 3, 2, 3), (3,), C(dict(padding="same"))],
        [(2, 2, 5, 6, 4), (4, 2, 2, 3, 2), (4,), C(dict(stride=(1, 2, 1), dilation=(2, 1, 1)))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv_transpose1d", conv("conv_transpose1d"), [
        [(1, 2, 4), (2, 3, 2), (3,), C(dict(stride=2))],
        [(1, 2, 5), (2, 1, 3), (2,), C(dict(stride=2, padding=1, output_padding=1, groups=2))],
        [(2, 3, 6), (3, 2, 3), (2,), C(dict(stride=3, padding=2, dilation=2, output_padding=1))],
        [(3, 5), (3, 2, 2), (2,), C({})],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv_transpose2d", conv("conv_transpose2d"), [
        [(1, 2, 3, 3), (2, 1, 2, 2), (1,), C(dict(stride=2, padding=1, output_padding=1))],
        [(1, 2, 2, 3), (2, 1, 3, 2), (2,), C(dict(groups=2, dilation=(2, 1)))],
        [(2, 4, 5, 4), (4, 3, 3, 2), (3,), C(dict(stride=(3, 2), padding=(1, 1),
                                                  dilation=(2, 1), output_padding=(1, 0)))],
        [(2, 4, 4, 4), (4, 2, 3, 3), (4,), C(dict(stride=2, padding=1, groups=2))],
        [(2, 3, 5, 5), (3, 2, 3, 3), (2,), C(dict(padding=1, output_padding=1, dilation=2))],
        [(0, 2, 3, 3), (2, 3, 2, 2), (3,), C(dict(stride=2))],
    ], max_gradcheck_numel=60),
    OpSpec("nn.functional.conv_transpose3d", conv("conv_transpose3d"), [
        [(1, 2, 2, 2, 2), (2, 1, 2, 2, 2), (1,), C(dict(stride=2))],
        [(2, 2, 3, 2, 3), (2, 2, 2, 3, 2), (4,), C(dict(stride=(1, 2, 2), padding=1,
                                                     groups=2))],
    ], max_gradcheck_numel=60),
    # -- activations as methods ----------------------------------------------------------
    OpSpec("Tensor.relu", lambda lib, x: x.relu(), [[(2, 3)], [()], [(0, 2)]], gradgrad=False,
           covers=("relu",)),
    OpSpec("Tensor.softmax", lambda lib, x: (x.softmax(1), x.softmax(-1, dtype=lib.float64)),
           [[(2, 3)], [(2, 3, 4)]], covers=("softmax",)),
    OpSpec("Tensor.log_softmax", lambda lib, x: (x.log_softmax(0), lib.log_softmax(x, 1)),
           [[(2, 3)], [(2, 3, 4)]], covers=("log_softmax",)),
    OpSpec("Tensor.hardshrink", lambda lib, x: x.hardshrink(0.7), [[(2, 3)]], gradgrad=False),
    OpSpec("Tensor.prelu", lambda lib, x, w: x.prelu(w), [[(2, 3, 4), (3,)]], gradgrad=False),
    OpSpec("channel_shuffle", lambda lib, x: lib.channel_shuffle(x, 2),
           [[(2, 4, 3)], [(1, 6, 2, 2)]]),
    OpSpec("constant_pad_nd", lambda lib, x: (lib.constant_pad_nd(x, (1, 2)),
                                              lib.constant_pad_nd(x, [0, 1, 2, 0], 1.5)),
           [[(2, 3)], [(2, 3, 4)]]),
    # -- in-place activations of nn.functional and the top level ----------------------------------
    OpSpec("nn.functional.elu_", lambda lib, x: (
        lib.nn.functional.elu_(x.clone(), 0.5), lib.nn.functional.leaky_relu_(x.clone(), 0.2),
        lib.nn.functional.hardtanh_(x.clone(), -0.5, 0.5), lib.selu_(x.clone()),
        lib.celu_(x.clone(), 2.0), lib.rrelu_(x.clone()), lib.threshold_(x.clone(), 0.1, 2.0)),
           [[(2, 3)], [()]], gradgrad=False,
           covers=("nn.functional.leaky_relu_", "nn.functional.hardtanh_", "selu_", "celu_",
                   "rrelu_", "threshold_")),
    OpSpec("nn.functional.cross_entropy-weight-ignore", lambda lib, x, t, w:
           lib.nn.functional.cross_entropy(x, t, weight=w, ignore_index=1),
           [[(6, 4), I((6,), 0, 4), W]]),
    OpSpec("nn.functional.cross_entropy-smoothing", lambda lib, x, t, w, r:
           lib.nn.functional.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=r,
                                           ignore_index=0),
           [[(6, 4), I((6,), 0, 4), W, C("mean")], [(6, 4), I((6,), 0, 4), W, C("none")],
            [(2, 4, 3), I((2, 3), 0, 4), C(None), C("sum")]]),
    OpSpec("nn.functional.cross_entropy-probs", lambda lib, x, p, r:
           lib.nn.functional.cross_entropy(x, lib.nn.functional.softmax(p, 1), reduction=r,
                                           label_smoothing=0.1),
           [[(3, 4), (3, 4), C("mean")], [(2, 4, 3), (2, 4, 3), C("none")]]),
    OpSpec("nn.functional.nll_loss-weight", lambda lib, x, t, w:
           lib.nn.functional.nll_loss(x, t, weight=w, ignore_index=2),
           [[(6, 4), I((6,), 0, 4), W]]),
    OpSpec("nn.functional.binary_cross_entropy-weight", lambda lib, x, t, w:
           lib.nn.functional.binary_cross_entropy(x, t, weight=w),
           [[F((3, 4), 0.05, 0.95), F((3, 4), 0, 1), F((4,), 0.5, 2, grad=False)]]),
    OpSpec("nn.functional.binary_cross_entropy_with_logits-pos", lambda lib, x, t, w, pw:
           lib.nn.functional.binary_cross_entropy_with_logits(x * 10, t, weight=w,
                                                              pos_weight=pw),
           [[(3, 4), F((3, 4), 0, 1), F((4,), 0.5, 2, grad=False), F((4,), 0.5, 3, grad=False)]]),
    OpSpec("nn.functional.kl_div-batchmean", lambda lib, x, t:
           lib.nn.functional.kl_div(x, t, reduction="batchmean", log_target=True),
           [[(3, 4), (3, 4)]]),
    OpSpec("nn.functional.triplet_margin_loss-swap", lambda lib, a, p, n:
           lib.nn.functional.triplet_margin_loss(a, p, n, p=1, swap=True, margin=2.0),
           [[(4, 5), (4, 5), (4, 5)]]),
    OpSpec("nn.functional.gaussian_nll_loss-full", lambda lib, x, t, v:
           lib.nn.functional.gaussian_nll_loss(x, t, v, full=True),
           [[(3, 4), (3, 4), F((3, 1), 0.1, 2)]]),
    OpSpec("nn.functional.poisson_nll_loss-full", lambda lib, x, t:
           lib.nn.functional.poisson_nll_loss(x, t, log_input=False, full=True),
           [[F((3, 4), 0.5, 3), F((3, 4), 0, 4)]]),
    OpSpec("nn.functional.cosine_similarity", lambda lib, a, b, d:
           lib.nn.functional.cosine_similarity(a, b, dim=d),
           # (broadcast before the norms: x2 (4, 1) along dim -1, a 0-d x2)
           [[(4, 5), (4, 5), C(1)], [(3, 4, 2), (4, 1), C(-2)], [(3, 4, 2), (4, 1), C(-1)],
            [(3, 4, 2), (), C(-2)]]),
    OpSpec("nn.functional.pairwise_distance", lambda lib, a, b, p:
           lib.nn.functional.pairwise_distance(a, b, p=p),
           [[(4, 5), (4, 5), C(2.0)], [(4, 5), (5,), C(1.0)], [(3, 4), (3, 4), C(3.0)]]),
    OpSpec("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
           [[(3, 4), (5, 4), (5,)], [(2, 3, 4), (5, 4), (5,)], [(4,), (5, 4), (5,)],
            [(0, 4), (5, 4), (5,)]]),
    OpSpec("nn.functional.linear-nobias", lambda lib, x, w: lib.nn.functional.linear(x, w),
           [[(3, 4), (5, 4)]]),
    OpSpec("nn.functional.bilinear", lambda lib, a, b, w, c: lib.nn.functional.bilinear(
        a, b, w, c), [[(3, 2), (3, 4), (5, 2, 4), (5,)], [(2, 3, 2), (2, 3, 4), (5, 2, 4),
                                                          (5,)]]),
    OpSpec("nn.functional.layer_norm", lambda lib, x, w, b: lib.nn.functional.layer_norm(
        x, (4,), w, b), [[(3, 4), (4,), (4,)], [(2, 3, 4), (4,), (4,)]]),
    OpSpec("nn.functional.layer_norm-2d", lambda lib, x, w: lib.nn.functional.layer_norm(
        x, (3, 4), w, eps=1e-3), [[(2, 3, 4), (3, 4)]]),
    OpSpec("nn.functional.layer_norm-noaffine", lambda lib, x: lib.nn.functional.layer_norm(
        x, [5]), [[(2, 5)], [(0, 5)]]),
    OpSpec("nn.functional.rms_norm", lambda lib, x, w: lib.nn.functional.rms_norm(
        x, (4,), w), [[(3, 4), (4,)], [(2, 3, 4), (4,)]]),
    OpSpec("nn.functional.group_norm", lambda lib, x, w, b: lib.nn.functional.group_norm(
        x, 2, w, b), [[(2, 4, 3), (4,), (4,)], [(2, 4, 2, 2), (4,), (4,)]]),
    OpSpec("nn.functional.batch_norm", lambda lib, x, rm, rv, w, b:
           lib.nn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.2),
           [[(4, 3), RM, RV, (3,), (3,)], [(2, 3, 4), RM, RV, (3,), (3,)],
            [(2, 3, 2, 2), RM, RV, (3,), (3,)]]),
    OpSpec("nn.functional.batch_norm-eval", lambda lib, x, rm, rv, w, b:
           lib.nn.functional.batch_norm(x, rm, rv, w, b, training=False),
           [[(4, 3), RM, RV, (3,), (3,)], [(2, 3, 2, 2), RM, RV, (3,), (3,)]]),
    OpSpec("nn.functional.instance_norm", lambda lib, x, w, b:
           lib.nn.functional.instance_norm(x, weight=w, bias=b), [[(2, 3, 4), (3,), (3,)]]),
    OpSpec("nn.functional.normalize", lambda lib, x, p, d: lib.nn.functional.normalize(
        x, p, d), [[(3, 4), C(2.0), C(1)], [(3, 4), C(1.0), C(0)]]),
    OpSpec("nn.functional.dropout", lambda lib, x: lib.nn.functional.dropout(
        x, 0.3, training=False), [[(3, 4)]], covers=("nn.functional.alpha_dropout",
                                                      "nn.functional.dropout1d",
                                                      "nn.functional.dropout3d")),
    OpSpec("nn.functional.dropout-train", lambda lib, x: lib.nn.functional.dropout(x, 0.3),
           [[(3, 4)]], nondet_values=True, grad=False),
    OpSpec("nn.functional.dropout2d", lambda lib, x: lib.nn.functional.dropout2d(x, 0.5),
           [[(2, 3, 4, 4)]], nondet_values=True, grad=False),
    OpSpec("nn.functional.embedding", lambda lib, i, w: lib.nn.functional.embedding(i, w),
           [[I((5,), 0, 4), (4, 3)], [I((2, 3), 0, 4), (4, 3)]]),
    # the padding row gets no gradient by definition, so finite differences disagree there
    OpSpec("nn.functional.embedding-padding", lambda lib, i, w: lib.nn.functional.embedding(
        i, w, padding_idx=1), [[A(np.array([[0, 1, 1], [3, 2, 1]])), (4, 3)]],
           gradcheck=False),
    OpSpec("nn.functional.scaled_dot_product_attention", lambda lib, q, k, v:
           lib.nn.functional.scaled_dot_product_attention(q, k, v),
           [[(2, 3, 4), (2, 5, 4), (2, 5, 2)], [(1, 2, 3, 4), (1, 2, 3, 4), (1, 2, 3, 4)]]),
    OpSpec("nn.functional.scaled_dot_product_attention-causal", lambda lib, q, k, v:
           lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3),
           [[(2, 3, 4), (2, 3, 4), (2, 3, 2)]]),
    OpSpec("nn.functional.scaled_dot_product_attention-mask", lambda lib, q, k, v, m:
           lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m),
           [[(2, 3, 4), (2, 3, 4), (2, 3, 2), A(np.array([[True, False, True]] * 3))],
            [(2, 3, 4), (2, 3, 4), (2, 3, 2), F((3, 3), grad=True)]]),
    OpSpec("nn.functional.max_pool1d", pool("max_pool1d"), [
        [(1, 2, 6), C((2,)), C({})],
        [(2, 7), C((3,)), C(dict(stride=1, padding=1, return_indices=True))],
        [(2, 3, 9), C((3, 2, 1, 2)), C(dict(ceil_mode=True, return_indices=True))],
        [(0, 3, 9), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.max_pool2d", pool("max_pool2d"), [
        [(1, 2, 4, 4), C((2,)), C(IDX)],
        [(1, 1, 5, 5), C((3,)), C(dict(stride=2, padding=1, return_indices=True))],
        [(1, 2, 4, 5), C(((2, 3),)), C(dict(stride=1, dilation=(1, 2), ceil_mode=True))],
        [(2, 3, 8, 7), C((2,)), C(IDX)],
        [(2, 3, 9, 8), C((3, 2, 1)), C(dict(ceil_mode=True, return_indices=True))],
        [(2, 3, 9, 8), C(((3, 2), (2, 1), (1, 1), (2, 1))), C(IDX)],
        [(3, 6, 6), C((2,)), C(IDX)],
        [(0, 3, 6, 6), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.max_pool3d", pool("max_pool3d"), [
        [(1, 1, 3, 3, 3), C((2,)), C(dict(stride=1, return_indices=True))],
        [(2, 2, 5, 4, 6), C((2,)), C(dict(padding=1, ceil_mode=True, return_indices=True))],
        [(2, 4, 4, 4), C(((1, 2, 2),)), C(IDX)],
    ]),
    OpSpec("nn.functional.avg_pool1d", pool("avg_pool1d"), [
        [(1, 2, 6), C((2,)), C({})],
        [(2, 7), C((3,)), C(dict(stride=2, padding=1, ceil_mode=True))],
        [(2, 3, 8), C((3, 2, 1)), C(dict(ceil_mode=True, count_include_pad=False))],
        [(0, 3, 8), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.avg_pool2d", pool("avg_pool2d"), [
        [(1, 2, 4, 4), C((2,)), C({})],
        [(1, 1, 5, 5), C((3,)), C(dict(stride=2, padding=1, count_include_pad=False))],
        [(1, 2, 5, 4), C(((3, 2),)), C(dict(stride=2, padding=1, ceil_mode=True))],
        [(2, 3, 9, 8), C((3, 2, 1)), C(dict(ceil_mode=True, count_include_pad=False))],
        [(2, 3, 9, 8), C(((3, 2), (2, 1), (1, 0))), C(dict(divisor_override=4))],
        [(3, 6, 6), C((2,)), C({})],
        [(0, 3, 6, 6), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.avg_pool3d", pool("avg_pool3d"), [
        [(1, 1, 3, 3, 3), C((2,)), C(dict(stride=1))],
        [(2, 2, 5, 4, 6), C((2,)), C(dict(padding=1, ceil_mode=True,
                                           count_include_pad=False))],
        [(2, 4, 4, 4), C(((1, 2, 2),)), C(dict(divisor_override=3))],
    ]),
    OpSpec("nn.functional.adaptive_max_pool1d", pool("adaptive_max_pool1d"), [
        [(1, 2, 7), C((3,)), C(IDX)],
        [(2, 3, 10), C((4,)), C({})],
        [(3, 8), C((8,)), C(IDX)],
    ]),
    OpSpec("nn.functional.adaptive_max_pool2d", pool("adaptive_max_pool2d"), [
        [(1, 2, 5, 4), C(((2, 3),)), C(IDX)],
        [(1, 1, 6, 6), C((3,)), C(IDX)],
        [(2, 3, 9, 7), C(((4, None),)), C(IDX)],
        [(3, 7, 5), C((1,)), C({})],
        [(0, 3, 7, 5), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.adaptive_avg_pool1d", pool("adaptive_avg_pool1d"), [
        [(1, 2, 7), C((3,)), C({})],
        [(2, 3, 10), C((4,)), C({})],
        [(3, 8), C((1,)), C({})],
    ]),
    OpSpec("nn.functional.adaptive_avg_pool2d", pool("adaptive_avg_pool2d"), [
        [(1, 2, 5, 4), C(((2, 3),)), C({})],
        [(1, 1, 6, 6), C((3,)), C({})],
        [(2, 3, 9, 7), C(((4, None),)), C({})],
        [(3, 7, 5), C((1,)), C({})],
        [(0, 3, 7, 5), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.adaptive_avg_pool3d", pool("adaptive_avg_pool3d"), [
        [(1, 1, 3, 4, 3), C(((2, 3, 1),)), C({})],
        [(2, 2, 5, 6, 4), C((3,)), C({})],
    ]),
    OpSpec("nn.functional.interpolate", interp(scale_factor=2), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-nearest-size", interp(size=(5, 3)), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-nearest-1d", interp(scale_factor=1.7),
           [[(1, 2, 4)], [(2, 3, 7)], [(0, 3, 7)]]),
    OpSpec("nn.functional.interpolate-nearest-3d", interp(size=(3, 2, 5)),
           [[(1, 1, 2, 3, 2)], [(2, 2, 4, 3, 3)]]),
    OpSpec("nn.functional.interpolate-nearest-exact",
           interp(scale_factor=(1.5, 0.7), mode="nearest-exact"), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-bilinear",
           interp(size=(5, 7), mode="bilinear"), SMALL2D + MID2D + [[(0, 2, 3, 3)]]),
    OpSpec("nn.functional.interpolate-bilinear-align",
           interp(scale_factor=(1.5, 0.6), mode="bilinear", align_corners=True),
           SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-bilinear-down",
           interp(scale_factor=0.6, mode="bilinear", recompute_scale_factor=True), MID2D),
    OpSpec("nn.functional.interpolate-bicubic", interp(scale_factor=2, mode="bicubic"),
           SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-bicubic-align",
           interp(size=(3, 6), mode="bicubic", align_corners=True), SMALL2D + MID2D),
    OpSpec("nn.functional.interpolate-linear", interp(scale_factor=2.5, mode="linear"),
           [[(1, 2, 4)], [(2, 3, 7)]]),
    OpSpec("nn.functional.interpolate-trilinear",
           interp(size=(3, 4, 2), mode="trilinear", align_corners=False),
           [[(1, 1, 2, 2, 3)], [(2, 2, 4, 3, 3)]]),
    OpSpec("nn.functional.interpolate-area", interp(size=(2, 3), mode="area"), MID2D),
    OpSpec("nn.functional.unfold", fn_sampling("unfold"), [
        [(1, 2, 3, 3), C((2,)), C({})],
        [(1, 1, 4, 5), C(((2, 3),)), C(dict(dilation=(1, 2), padding=1, stride=(2, 1)))],
        [(2, 3, 6, 5), C((3,)), C(dict(padding=1))],
        [(3, 5, 4), C((2,)), C(dict(stride=2))],
        [(0, 3, 5, 4), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.fold", fn_sampling("fold"), [
        [(1, 4, 4), C(((3, 3), 2)), C({})],
        [(1, 6, 9), C(((4, 5), (2, 3))), C(dict(dilation=(1, 2), padding=1, stride=(2, 1)))],
        [(2, 18, 30), C(((6, 5), 3)), C(dict(padding=1, stride=1))],
        [(8, 6), C(((4, 6), 2)), C(dict(stride=2))],
        [(0, 8, 6), C(((4, 6), 2)), C(dict(stride=2))],
    ]),
    OpSpec("nn.functional.pixel_shuffle", fn_sampling("pixel_shuffle"), [
        [(1, 4, 2, 3), C((2,)), C({})],
        [(2, 18, 2, 2), C((3,)), C({})],
        [(8, 3, 2), C((2,)), C({})],
        [(2, 1, 4, 2, 2), C((2,)), C({})],
    ]),
    OpSpec("nn.functional.pixel_unshuffle", fn_sampling("pixel_unshuffle"), [
        [(1, 1, 4, 6), C((2,)), C({})],
        [(2, 2, 6, 3), C((3,)), C({})],
        [(3, 4, 2), C((2,)), C({})],
    ]),
    # -- padding ------------------------------------------------------------------------------
    OpSpec("nn.functional.pad", lambda lib, x, p, v: lib.nn.functional.pad(x, p, value=v),
           [[(2, 3), C((1, 2)), C(None)], [(2, 3), C((1, 0, 0, 2)), C(1.5)],
            [(2, 3, 4), C((-1, 2, 1, -1)), C(0.0)], [(2, 3), C((-3, 1)), C(None)],
            [(), C(()), C(None)], [(0, 2), C((1, 1, 1, 0)), C(-1.0)], [(3,), C((0, 0)), C(None)]],
           covers=("pad",)),
    OpSpec("nn.functional.pad-int", lambda lib, x: lib.nn.functional.pad(x, (1, 2), value=7),
           [[I((2, 3))]], grad=False),
    OpSpec("nn.functional.pad-reflect",
           lambda lib, x, p: lib.nn.functional.pad(x, p, mode="reflect"),
           [[(2, 4), C((1, 3))], [(1, 2, 3), C((2, 2))], [(1, 3, 4), C((1, 2, 2, 0))],
            [(3, 3, 4), C((1, 1, 2, 2))], [(1, 1, 2, 3, 3), C((1, 1, 1, 0, 1, 1))],
            [(2, 5), C((-1, 2))], [(0, 2, 3), C((1, 1))]]),
    OpSpec("nn.functional.pad-replicate",
           lambda lib, x, p: lib.nn.functional.pad(x, p, mode="replicate"),
           [[(2, 3), C((1, 4))], [(1, 2, 3), C((2, 0, 1, 3))],
            [(1, 2, 2, 2), C((1, 1, 1, 1, 1, 1))],
            [(2, 5), C((-2, 1))]]),
    OpSpec("nn.functional.pad-circular",
           lambda lib, x, p: lib.nn.functional.pad(x, p, mode="circular"),
           [[(2, 3), C((1, 3))], [(1, 2, 3), C((2, 1, 1, 2))],
            [(1, 1, 2, 2, 2), C((1, 0, 2, 1, 0, 2))],
            [(2, 5), C((-1, 2))], [(2, 5), C((2, -1))], [(2, 5), C((-2, -1))]]),
    *_reductions("mse_loss", [[(3, 4), (3, 4)], [(2, 3, 2), (2, 3, 2)], [(3, 1), (4,)]]),
    *_reductions("l1_loss", [[(3, 4), (3, 4)]]),
    *_reductions("smooth_l1_loss", [[(3, 4), (3, 4)]], beta=0.5),
    *_reductions("huber_loss", [[(3, 4), (3, 4)]], delta=0.7),
    *_reductions("cross_entropy", [[(5, 4), I((5,), 0, 4)], [(2, 4, 3), I((2, 3), 0, 4)],
                                   [(4,), A(np.array(2))]]),
    *_reductions("nll_loss", [[(5, 4), I((5,), 0, 4)], [(2, 4, 3), I((2, 3), 0, 4)]]),
    *_reductions("binary_cross_entropy", [[F((3, 4), 0.05, 0.95), F((3, 4), 0, 1, grad=False)]]),
    *_reductions("binary_cross_entropy_with_logits", [[(3, 4), F((3, 4), 0, 1)]]),
    OpSpec("nn.functional.binary_cross_entropy_with_logits-weights",
           lambda lib, x, t, w, pw: lib.nn.functional.binary_cross_entropy_with_logits(
               x, t, weight=w, pos_weight=pw),
           [[(3, 4), F((3, 4), 0, 1), W, A(np.array([1.5, 0.5, 2.0, 1.0]))],
            [(2, 3, 4), F((2, 3, 4), 0, 1), A(np.array([[0.5], [1.0], [2.0]])), W]]),
    *_reductions("kl_div", [[(3, 4), F((3, 4), 0, 1)]]),
    *_reductions("cosine_embedding_loss", [[(4, 5), (4, 5), A(np.array([1, -1, -1, 1]))]],
                 margin=0.1),
    *_reductions("margin_ranking_loss", [[(6,), (6,), A(np.array([1, -1, 1, 1, -1, -1]))]],
                 margin=0.2),
    *_reductions("hinge_embedding_loss", [[(6,), A(np.array([1, -1, 1, 1, -1, -1]))]]),
    *_reductions("soft_margin_loss", [[(6,), A(np.array([1, -1, 1, 1, -1, -1]))]]),
    *_reductions("triplet_margin_loss", [[(4, 5), (4, 5), (4, 5)]]),
    *_reductions("gaussian_nll_loss", [[(3, 4), (3, 4), F((3, 4), 0.1, 2)],
                                       [(3, 4), (3, 4), F((3,), 0.1, 2)]]),
    *_reductions("poisson_nll_loss", [[(3, 4), F((3, 4), 0, 4)]]),
]

with_bf16(SPECS, "nn.functional.linear", "nn.functional.linear-nobias", "nn.functional.conv1d",
          "nn.functional.conv2d", "nn.functional.softmax", "nn.functional.log_softmax",
          "nn.functional.relu", "nn.functional.gelu", "nn.functional.silu",
          "nn.functional.layer_norm", "nn.functional.embedding", "nn.functional.cross_entropy",
          "nn.functional.cross_entropy-sum", "nn.functional.cross_entropy-none",
          "nn.functional.cross_entropy-smoothing", "nn.functional.nll_loss",
          "nn.functional.mse_loss")

def unpool(n, output_size=None, kernel=2, stride=None):
    """``max_unpool{n}d`` of ``max_pool{n}d``'s output and indices."""
    def run(lib, x):
        F = lib.nn.functional
        out, idx = getattr(F, f"max_pool{n}d")(x, kernel, stride, return_indices=True)
        return getattr(F, f"max_unpool{n}d")(out, idx, kernel, stride, output_size=output_size)
    return run


MLM_TARGET = A(np.array([[3, 0, -1, 1], [1, 1, 2, -1], [0, 1, 2, 3]]))

# The cells take (input, hx, w_ih, w_hh, b_ih, b_hh); hidden size 3, input size 4, batch 2
# (the top-level cells take batched input only, as PyTorch's; nn.RNNCell unsqueezes)
CELL = [[(2, 4), (2, 3), (3, 4), (3, 3), (3,), (3,)], [(1, 4), (1, 3), (3, 4), (3, 3), (3,), (3,)]]


def cell(name, gates):
    return [[x, h, (gates * w[0], w[1]), (gates * u[0], u[1]), (gates * b[0],), (gates * c[0],)]
            for x, h, w, u, b, c in CELL]


SPECS += [
    OpSpec("rnn_tanh_cell", lambda lib, *a: lib.rnn_tanh_cell(*a), cell("rnn_tanh_cell", 1)),
    OpSpec("rnn_relu_cell", lambda lib, *a: lib.rnn_relu_cell(*a), cell("rnn_relu_cell", 1)),
    OpSpec("rnn_tanh_cell-nobias", lambda lib, x, h, w, u: lib.rnn_tanh_cell(x, h, w, u),
           [[(2, 4), (2, 3), (3, 4), (3, 3)]]),
    OpSpec("lstm_cell", lambda lib, x, h, c, w, u, b, d: lib.stack(
        lib.lstm_cell(x, (h, c), w, u, b, d)), [[(2, 4), (2, 3), (2, 3), (12, 4), (12, 3),
                                                 (12,), (12,)]]),
    OpSpec("gru_cell", lambda lib, *a: lib.gru_cell(*a), cell("gru_cell", 3)),
    OpSpec("nn.functional.max_unpool1d", unpool(1, kernel=3), [[(2, 3, 7)], [(2, 9)]]),
    # overlapping windows can pick one input twice: the scatter keeps it once, while the
    # gradient (a gather, as PyTorch's) reaches both picks, so finite differences disagree
    OpSpec("nn.functional.max_unpool1d-overlap", unpool(1, kernel=3, stride=2), [[(2, 3, 7)]],
           gradcheck=False, gradgrad=False),
    OpSpec("nn.functional.max_unpool2d", unpool(2, output_size=(5, 4)),
           [[(2, 3, 5, 4)], [(2, 4, 4)]]),
    OpSpec("nn.functional.max_unpool3d", unpool(3), [[(1, 2, 4, 4, 2)]]),
    OpSpec("nn.functional.lp_pool1d", lambda lib, x: lib.nn.functional.lp_pool1d(x, 2, 3, 2),
           [[(2, 3, 7)], [(3, 8)]]),
    OpSpec("nn.functional.lp_pool2d", lambda lib, x: lib.nn.functional.lp_pool2d(
        x, 3, (2, 3), ceil_mode=True), [[F((2, 3, 5, 7), 0.2, 2)]]),
    OpSpec("nn.functional.lp_pool3d", lambda lib, x: lib.nn.functional.lp_pool3d(x, 1.5, 2),
           [[F((1, 2, 4, 4, 4), 0.2, 2)]]),
    OpSpec("nn.functional.adaptive_max_pool3d", pool("adaptive_max_pool3d"), [
        [(1, 2, 5, 4, 3), C(((2, 3, 2),)), C(IDX)], [(2, 4, 4, 4), C((2,)), C({})]]),
    OpSpec("nn.functional.max_pool2d_with_indices", pool("max_pool2d_with_indices"),
           [[(1, 2, 4, 4), C((2,)), C({})]],
           covers=("nn.functional.max_pool1d_with_indices",
                   "nn.functional.max_pool3d_with_indices", "max_pool1d_with_indices",
                   "nn.functional.adaptive_max_pool1d_with_indices",
                   "nn.functional.adaptive_max_pool2d_with_indices",
                   "nn.functional.adaptive_max_pool3d_with_indices")),
    OpSpec("nn.functional.local_response_norm", lambda lib, x: lib.nn.functional.
           local_response_norm(x, 3), [[(2, 5, 4)], [(2, 4, 3, 3)], [(1, 3, 2, 2, 2)]]),
    OpSpec("nn.functional.local_response_norm-even", lambda lib, x: lib.nn.functional.
           local_response_norm(x, 4, alpha=0.1, beta=0.5, k=2.0), [[(2, 5, 4)]]),
    OpSpec("nn.functional.instance_norm-running", lambda lib, x, rm, rv:
           lib.nn.functional.instance_norm(x, rm, rv, use_input_stats=False), [
               [(2, 3, 4), RM, RV]]),
    OpSpec("nn.functional.feature_alpha_dropout", lambda lib, x: lib.nn.functional.
           feature_alpha_dropout(x, 0.3), [[(2, 3, 4)]]),
    OpSpec("nn.functional.feature_alpha_dropout-train", lambda lib, x: lib.nn.functional.
           feature_alpha_dropout(x, 0.3, training=True), [[(2, 3, 4, 4)]], nondet_values=True,
           grad=False),
    OpSpec("nn.functional.upsample", lambda lib, x: lib.nn.functional.upsample(
        x, scale_factor=2, mode="bilinear"), SMALL2D,
           covers=("nn.functional.upsample_nearest", "nn.functional.upsample_bilinear")),
    OpSpec("nn.functional.upsample_nearest", lambda lib, x: lib.nn.functional.upsample_nearest(
        x, size=(4, 5)), SMALL2D),
    OpSpec("nn.functional.upsample_bilinear", lambda lib, x: lib.nn.functional.
           upsample_bilinear(x, scale_factor=2), SMALL2D),
    *_reductions("multi_margin_loss", [[(4, 5), I((4,), 0, 5)], [(5,), I((), 0, 5)]]),
    OpSpec("nn.functional.multi_margin_loss-p2", lambda lib, x, t, w:
           lib.nn.functional.multi_margin_loss(x, t, p=2, margin=0.5, weight=w),
           [[(4, 5), I((4,), 0, 5), F((5,), 0.5, 2, grad=False)]]),
    *_reductions("multilabel_margin_loss", [[(3, 4), MLM_TARGET],
                                            [(4,), A(np.array([3, 0, -1, 1]))]]),
    *_reductions("multilabel_soft_margin_loss", [[(3, 4), F((3, 4), 0, 1)],
                                                 [(2, 3, 4), F((2, 3, 4), 0, 1)]]),
    OpSpec("nn.functional.multilabel_soft_margin_loss-weight", lambda lib, x, t, w:
           lib.nn.functional.multilabel_soft_margin_loss(x, t, w),
           [[(3, 4), F((3, 4), 0, 1), F((4,), 0.5, 2, grad=False)]]),
    *_reductions("triplet_margin_with_distance_loss", [[(4, 5), (4, 5), (4, 5)]]),
    OpSpec("nn.functional.triplet_margin_with_distance_loss-cos", lambda lib, a, p, n:
           lib.nn.functional.triplet_margin_with_distance_loss(
               a, p, n, distance_function=lambda u, v: 1 - lib.nn.functional.cosine_similarity(
                   u, v), margin=0.3, swap=True), [[(4, 5), (4, 5), (4, 5)]]),
]

# The top-level loss forms: reduction as an int (0 none, 1 mean, 2 sum), default 0
SPECS += [
    OpSpec("kl_div", lambda lib, x, t, r: lib.kl_div(x, t, r), [
        [(3, 4), F((3, 4), 0.1, 1), C(0)], [(3, 4), F((3, 4), 0.1, 1), C(1)],
        [(3, 4), F((3, 4), 0.1, 1), C(2)]]),
    OpSpec("kl_div-default-logtarget", lambda lib, x, t: lib.kl_div(x, t, log_target=True),
           [[(3, 4), (3, 4)]]),
    OpSpec("cosine_embedding_loss", lambda lib, a, b, y: lib.cosine_embedding_loss(a, b, y, 0.2),
           [[(4, 5), (4, 5), A(np.array([1.0, -1.0, 1.0, -1.0]))]]),
    OpSpec("hinge_embedding_loss", lambda lib, x, y: lib.hinge_embedding_loss(x, y, 0.5, 2),
           [[(3, 4), A(np.array([[1.0, -1.0, 1.0, -1.0]] * 3))]]),
    OpSpec("margin_ranking_loss", lambda lib, a, b, y: lib.margin_ranking_loss(a, b, y, 0.1, 1),
           [[(5,), (5,), A(np.array([1.0, -1.0, 1.0, -1.0, 1.0]))]]),
    OpSpec("poisson_nll_loss", lambda lib, x, t: lib.poisson_nll_loss(x, t, False, True, 1e-8, 1),
           [[F((3, 4), 0.5, 3), F((3, 4), 0, 4)]]),
    OpSpec("triplet_margin_loss", lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n),
           [[(4, 5), (4, 5), (4, 5)]]),
    # PyTorch has no derivative for native_channel_shuffle (npgrad's is channel_shuffle's,
    # tested there), so values only
    OpSpec("nn.functional.native_channel_shuffle", fn_sampling("native_channel_shuffle"),
           [[(2, 6, 3), C((3,)), C({})]], covers=("native_channel_shuffle",), grad=False,
           gradcheck=False, gradgrad=False),
]

BAG_IDX, BAG_OFF = A(np.array([1, 2, 4, 4, 3, 2, 0])), A(np.array([0, 2, 2, 5]))


def bag(**kw):
    return lambda lib, w, *a: lib.nn.functional.embedding_bag(a[0], w, *a[1:], **kw)


SPECS += [
    OpSpec("nn.functional.embedding_bag", bag(), [[(6, 3), BAG_IDX, BAG_OFF],
                                                  [(6, 3), A(np.array([[1, 2, 4], [4, 3, 2]]))]]),
    OpSpec("nn.functional.embedding_bag-sum", bag(mode="sum"), [[(6, 3), BAG_IDX, BAG_OFF]]),
    # the max picks one row per bag and output column: first order only, as max pooling
    OpSpec("nn.functional.embedding_bag-max", bag(mode="max", padding_idx=4),
           [[(6, 3), BAG_IDX, BAG_OFF]], gradgrad=False),
    OpSpec("nn.functional.embedding_bag-weights", lambda lib, w, i, o, p: lib.nn.functional.
           embedding_bag(i, w, o, mode="sum", per_sample_weights=p, include_last_offset=True),
           [[(6, 3), BAG_IDX, A(np.array([0, 2, 2, 5, 7])), (7,)]]),
]

CTC_TARGETS = A(np.array([[1, 2, 2], [3, 1, 0], [4, 0, 0]]))


def ctc(il, tl, **kw):
    return lambda lib, x, t: lib.nn.functional.ctc_loss(x.log_softmax(2), t, lib.tensor(il),
                                                        lib.tensor(tl), **kw)


SPECS += [
    *[OpSpec("nn.functional.ctc_loss" + ("" if r == "mean" else f"-{r}"),
             ctc([6, 5, 3], [3, 2, 1], reduction=r), [[(6, 3, 5), CTC_TARGETS]])
      for r in ("mean", "sum", "none")],
    OpSpec("nn.functional.ctc_loss-concatenated-blank", lambda lib, x, t: lib.nn.functional.
           ctc_loss(x.log_softmax(2), t, (5, 4), (2, 2), blank=4),
           [[(5, 2, 5), A(np.array([1, 1, 3, 0]))]]),
    OpSpec("nn.functional.ctc_loss-zero_infinity", ctc([2, 5, 3], [3, 2, 1], reduction="sum",
                                                       zero_infinity=True),
           [[(6, 3, 5), CTC_TARGETS]]),
]

SPECS += [
    OpSpec("conv_tbc", lambda lib, x, w, b, p: lib.conv_tbc(x, w, b, p),
           [[(5, 2, 3), (3, 3, 4), (4,), C(1)], [(4, 1, 2), (2, 2, 3), (3,), C(0)]],
           max_gradcheck_numel=60, covers=("nn.functional.conv_tbc",)),
    OpSpec("nn.functional.affine_grid", lambda lib, t, s, a: lib.nn.functional.affine_grid(
        t, s, align_corners=a), [[(2, 2, 3), C((2, 3, 4, 5)), C(False)],
                                 [(2, 2, 3), C((2, 1, 3, 2)), C(True)],
                                 [(1, 3, 4), C((1, 2, 2, 3, 2)), C(False)]]),
]

GRID = F((2, 3, 4, 2), -1.3, 1.3)

SPECS += [
    *[OpSpec(f"nn.functional.grid_sample-{pm}-{al}", (lambda pm, al: lambda lib, x, g:
             lib.nn.functional.grid_sample(x, g, "bilinear", pm, al))(pm, al),
             [[(2, 2, 4, 5), GRID], [(1, 1, 3, 3), F((1, 2, 2, 2), -1.3, 1.3)]])
      for pm in ("zeros", "border", "reflection") for al in (True, False)],
    # nearest: piecewise constant in the grid (whose gradient is zero, as PyTorch's)
    OpSpec("nn.functional.grid_sample-nearest", lambda lib, x, g: lib.nn.functional.grid_sample(
        x, g, "nearest", "border", False), [[(2, 2, 4, 5), GRID]], gradcheck=False,
           gradgrad=False),
]


def mha(**kw):
    """``multi_head_attention_forward`` with E = 4, 2 heads; the output and the weights."""
    def run(lib, q, k, v, w_in, b_in, w_out, b_out):
        out, weights = lib.nn.functional.multi_head_attention_forward(
            q, k, v, 4, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out, **kw)
        return (out, weights) if weights is not None else out
    return run


MHA_ARGS = [(3, 2, 4), (5, 2, 4), (5, 2, 4), (12, 4), (12,), (4, 4), (4,)]

SPECS += [
    OpSpec("nn.functional.multi_head_attention_forward", mha(), [MHA_ARGS],
           max_gradcheck_numel=200),
    # (the mask is an input, so that the harness puts it on the device under test)
    OpSpec("nn.functional.multi_head_attention_forward-noweights-padmask",
           lambda lib, *a: mha(need_weights=False, key_padding_mask=a[-1])(lib, *a[:-1]),
           [MHA_ARGS + [A([[False] * 4 + [True], [False] * 5])]]),
    OpSpec("nn.functional.multi_head_attention_forward-unbatched", mha(
        average_attn_weights=False), [[(3, 4), (5, 4), (5, 4), (12, 4), (12,), (4, 4), (4,)]]),
]

FMP2 = A(np.array([[[0.3, 0.7], [0.9, 0.1]], [[0.5, 0.5], [0.05, 0.6]]]))
FMP3 = A(np.array([[[0.3, 0.7, 0.2], [0.9, 0.1, 0.45]]]))

SPECS += [
    OpSpec("nn.functional.fractional_max_pool2d", lambda lib, x, s: lib.nn.functional.
           fractional_max_pool2d(x, (2, 3), output_size=(3, 4), _random_samples=s),
           [[(2, 2, 6, 9), FMP2]], covers=("nn.functional.fractional_max_pool2d_with_indices",)),
    OpSpec("nn.functional.fractional_max_pool2d-ratio-indices", lambda lib, x, s: lib.nn.
           functional.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5), return_indices=True,
                                            _random_samples=s), [[(2, 2, 7, 8), FMP2]]),
    OpSpec("nn.functional.fractional_max_pool3d", lambda lib, x, s: lib.nn.functional.
           fractional_max_pool3d_with_indices(x, 2, output_size=(2, 3, 2), _random_samples=s),
           [[(1, 2, 4, 5, 4), FMP3]],
           covers=("nn.functional.fractional_max_pool3d_with_indices",)),
]

SPECS += [
    OpSpec("nn.functional.linear_cross_entropy", lambda lib, x, w, t: lib.nn.functional.
           linear_cross_entropy(x, w, t), [[(6, 4), (5, 4), I((6,), 0, 5)]]),
    OpSpec("nn.functional.linear_cross_entropy-kdim", lambda lib, x, w, b, t: lib.nn.functional.
           linear_cross_entropy(x, w, t, linear_bias=b, reduction="none", ignore_index=2,
                                label_smoothing=0.1), [[(4, 3), (5, 2, 3), (5, 2),
                                                        I((4, 2), 0, 5)]]),
]

# -- torch's native_* forms (the output plus what the kernel keeps) and torch.convolution ------
SPECS += [
    OpSpec("native_layer_norm", lambda lib, x, w, b: lib.native_layer_norm(x, [4], w, b, 1e-5),
           [[(3, 4), (4,), (4,)], [(2, 3, 4), (4,), (4,)]]),
    OpSpec("native_layer_norm-2d-noaffine", lambda lib, x: lib.native_layer_norm(
        x, (3, 4), None, None, 1e-3), [[(2, 3, 4)], [(0, 3, 4)]]),
    # (PyTorch's group-norm statistics require grad, npgrad's are constants: compared detached)
    OpSpec("native_group_norm", lambda lib, x, w, b: (lambda o, m, r: (o, m.detach(), r.detach(
    )))(*lib.native_group_norm(x, w, b, x.shape[0], x.shape[1], x[0, 0].numel(), 2, 1e-5)),
           [[(2, 4, 3), (4,), (4,)], [(2, 4, 2, 2), (4,), (4,)], [(3, 2), (2,), (2,)]]),
    # the running statistics after the call are outputs too
    OpSpec("native_batch_norm", lambda lib, x, rm, rv, w, b: (*lib.native_batch_norm(
        x, w, b, rm, rv, True, 0.2, 1e-5), rm * 1, rv * 1),
           [[(4, 3), RM, RV, (3,), (3,)], [(2, 3, 4), RM, RV, (3,), (3,)]]),
    OpSpec("native_batch_norm-nostats", lambda lib, x, w: lib.native_batch_norm(
        x, w, None, None, None, True, 0.1, 1e-3), [[(2, 3, 2, 2), (3,)]]),
    OpSpec("native_batch_norm-eval", lambda lib, x, rm, rv, w, b: (*lib.native_batch_norm(
        x, w, b, rm, rv, False, 0.2, 1e-5), rm * 1, rv * 1),
           [[(4, 3), RM, RV, (3,), (3,)], [(2, 3, 2, 2), RM, RV, (3,), (3,)]]),
    OpSpec("native_dropout", lambda lib, x: lib.native_dropout(x, 0.3, False), [[(3, 4)], [()]]),
    OpSpec("native_dropout-train", lambda lib, x, t: lib.native_dropout(x, 0.4, t),
           [[(3, 4), C(True)], [(2, 5), C(None)]], nondet_values=True, grad=False),
    OpSpec("convolution", lambda lib, x, w, b: lib.convolution(x, w, b, [2], [1], [1], False,
                                                               [0], 1),
           [[(2, 4, 7), (6, 4, 3), (6,)]]),
    OpSpec("convolution-2d-groups", lambda lib, x, w: lib.convolution(
        x, w, None, [1, 2], [1, 0], [2, 1], False, [0, 0], 2), [[(1, 4, 5, 6), (2, 2, 2, 3)]]),
    OpSpec("convolution-transposed", lambda lib, x, w, b: lib.convolution(
        x, w, b, [2, 1], [1], [1], True, [1, 0], 1), [[(1, 3, 3, 4), (3, 2, 2, 2), (2,)]]),
]


def _rnn(name, layers, dirs, biases, batch_first, gates, proj=0):
    """A spec function for torch.<name>(input, hx, params, ...) with its weights as inputs."""
    def fn(lib, x, *rest):
        n_states = 2 if name == "lstm" else 1
        hx, ws = rest[:n_states], list(rest[n_states:])
        return getattr(lib, name)(x, hx if name == "lstm" else hx[0], ws, biases, layers, 0.0,
                                  False, dirs == 2, batch_first)
    return fn


def _rnn_case(layers, dirs, biases, gates, T=3, B=2, I=3, H=2, proj=0, batch_first=False):
    hout = proj or H
    case = [(B, T, I) if batch_first else (T, B, I), (layers * dirs, B, hout)]
    if gates == 4:
        case.append((layers * dirs, B, H))
    for layer in range(layers):
        inp = I if layer == 0 else hout * dirs
        for _ in range(dirs):
            case += [(gates * H, inp), (gates * H, hout)]
            if biases:
                case += [(gates * H,), (gates * H,)]
            if proj:
                case.append((proj, H))
    return case


SPECS += [
    OpSpec("rnn_tanh", _rnn("rnn_tanh", 1, 1, True, False, 1), [_rnn_case(1, 1, True, 1)]),
    OpSpec("rnn_tanh-2layer-bidir", _rnn("rnn_tanh", 2, 2, True, False, 1),
           [_rnn_case(2, 2, True, 1, T=2)], max_gradcheck_numel=200),
    OpSpec("rnn_relu", _rnn("rnn_relu", 1, 2, False, True, 1),
           [_rnn_case(1, 2, False, 1, batch_first=True)]),
    OpSpec("gru", _rnn("gru", 2, 1, True, False, 3), [_rnn_case(2, 1, True, 3)]),
    OpSpec("lstm", _rnn("lstm", 1, 2, True, False, 4), [_rnn_case(1, 2, True, 4)]),
    OpSpec("lstm-proj-nobias", _rnn("lstm", 2, 1, False, True, 4),
           [_rnn_case(2, 1, False, 4, H=3, proj=2, batch_first=True)]),
]

# ATen's forms at the top level (ops/nn/aten_forms.py): integer codes, embedding_bag's four
# outputs (offset2bag, bag_size, max_indices: compared exactly)
GRID3 = F((1, 2, 3, 2, 3), -1.3, 1.3)


def bag_aten(mode, *rest):
    return lambda lib, w, i, o: lib.embedding_bag(w, i, o, False, mode, *rest)


def ctc_aten(*rest):
    return lambda lib, x, t: lib.ctc_loss(x.log_softmax(2), t, [6, 5, 3], [3, 2, 1], *rest)


SPECS += [
    OpSpec("embedding_bag", bag_aten(0), [[(6, 3), BAG_IDX, BAG_OFF]]),
    OpSpec("embedding_bag-mean", bag_aten(1), [[(6, 3), BAG_IDX, BAG_OFF]]),
    OpSpec("embedding_bag-mean-padding", bag_aten(1, False, None, False, 4),
           [[(6, 3), BAG_IDX, BAG_OFF]]),
    OpSpec("embedding_bag-sum-padding-weights", lambda lib, w, i, o, p: lib.embedding_bag(
        w, i, o, False, 0, False, p, True, 2), [[(6, 3), BAG_IDX, A(np.array([0, 2, 2, 5, 7])),
                                                 (7,)]]),
    # the max picks one row per bag and output column: first order only, as max pooling
    OpSpec("embedding_bag-max", bag_aten(2), [[(6, 3), BAG_IDX, BAG_OFF]], gradgrad=False),
    OpSpec("embedding_bag-max-padding", bag_aten(2, False, None, False, 4),
           [[(6, 3), BAG_IDX, BAG_OFF]], gradgrad=False),
    *[OpSpec(f"ctc_loss-{r}", ctc_aten(0, r), [[(6, 3, 5), CTC_TARGETS]]) for r in (0, 1, 2)],
    OpSpec("ctc_loss", ctc_aten(), [[(6, 3, 5), CTC_TARGETS]]),
    OpSpec("ctc_loss-tensors", lambda lib, x, t: lib.ctc_loss(
        x.log_softmax(2), t, lib.tensor([5, 4]), lib.tensor([2, 2]), 4, 2, True),
           [[(5, 2, 5), A(np.array([1, 1, 3, 0]))]]),
    *[OpSpec(f"grid_sampler-{m}-{p}", (lambda m, p: lambda lib, x, g: lib.grid_sampler(
        x, g, m, p, p == 1))(m, p), [[(2, 2, 4, 5), GRID], [(1, 2, 3, 2, 3), GRID3]],
             gradcheck=m == 0, gradgrad=m == 0) for m in (0, 1) for p in (0, 1, 2)],
    OpSpec("grid_sampler_2d", lambda lib, x, g: lib.grid_sampler_2d(x, g, 0, 2, False),
           [[(2, 2, 4, 5), GRID]]),
    *[OpSpec(f"grid_sampler_3d-{p}-{al}", (lambda p, al: lambda lib, x, g: lib.grid_sampler_3d(
        x, g, 0, p, al))(p, al), [[(1, 2, 3, 2, 3), GRID3], [(2, 1, 2, 3, 2), F(
            (2, 2, 1, 3, 3), -1.3, 1.3)]]) for p in (0, 1, 2) for al in (True, False)],
    OpSpec("grid_sampler_3d-nearest", lambda lib, x, g: lib.grid_sampler_3d(x, g, 1, 0, False),
           [[(1, 2, 3, 2, 3), GRID3]], gradcheck=False, gradgrad=False),
    OpSpec("nn.functional.grid_sample-3d", lambda lib, x, g: lib.nn.functional.grid_sample(
        x, g, "bilinear", "reflection", False), [[(1, 2, 3, 2, 3), GRID3]]),
    OpSpec("affine_grid_generator", lambda lib, t, s, a: lib.affine_grid_generator(t, s, a),
           [[(2, 2, 3), C((2, 3, 4, 5)), C(False)], [(1, 3, 4), C([1, 2, 2, 3, 2]), C(True)]]),
    # in place on a copy (a leaf that requires grad is refused): values only
    OpSpec("embedding_renorm_", lambda lib, w, i: lib.embedding_renorm_(
        (w * 3).detach(), i, 1.0, 2.0), [[(5, 3), A(np.array([0, 2, 2, 4]))]], grad=False,
           gradcheck=False, gradgrad=False),
    OpSpec("embedding_renorm_-p1", lambda lib, w, i: lib.embedding_renorm_(
        (w * 3).detach(), i, 2.0, 1.0), [[(5, 3), A(np.array([1, 3]))]], grad=False,
           gradcheck=False, gradgrad=False),
]

# the legacy CrossMapLRN2d: PyTorch's backward is not its forward's gradient, so no finite
# differences (tests/nn/test_layers_breadth.py checks the backward's own derivative)
SPECS += [
    OpSpec("nn.CrossMapLRN2d", lambda lib, x, a: lib.nn.CrossMapLRN2d(*a)(x),
           [[(2, 5, 3, 3), C((3, 0.3, 0.75, 1.5))], [(2, 6, 2, 2), C((4,))],
           [(1, 2, 2, 3), C((5, 1.0, 0.5, 2.0))]], gradcheck=False, gradgrad=False),
]

# grouped_mm (PyTorch's CPU kernel: float32/bfloat16/float16, sizes on 16-byte strides)
GMM_OFFS = A(np.array([4, 8, 16], np.int32))
SPECS += [
    OpSpec("nn.functional.grouped_mm", lambda lib, a, b: lib.nn.functional.grouped_mm(a, b),
           [[(2, 4, 8), (2, 8, 8)], [(3, 16, 8), (3, 8, 8)]], dtypes=("float32", BF16),
           max_gradcheck_numel=200),
    OpSpec("nn.functional.grouped_mm-offs", lambda lib, a, b, o: lib.nn.functional.grouped_mm(
        a, b, offs=o), [[(16, 8), (3, 8, 8), GMM_OFFS],            # rows of a in groups
                        [(3, 4, 8), (8, 16), GMM_OFFS],            # columns of b
                        [(8, 16), (16, 8), GMM_OFFS],              # the contraction dim
                        [(16, 8), (3, 8, 8), A(np.array([0, 8, 16], np.int32))]],
           dtypes=("float32", BF16), max_gradcheck_numel=400),
]

# bicubic grid sampling (4-D only): cubic convolution over 4x4 taps, each padded
SPECS += [
    *[OpSpec(f"nn.functional.grid_sample-bicubic-{pm}-{al}", (lambda pm, al: lambda lib, x, g:
             lib.nn.functional.grid_sample(x, g, "bicubic", pm, al))(pm, al),
             [[(2, 2, 4, 5), GRID], [(1, 1, 3, 3), F((1, 2, 2, 2), -1.3, 1.3)]])
      for pm in ("zeros", "border", "reflection") for al in (True, False)],
    OpSpec("grid_sampler-2", lambda lib, x, g: (lib.grid_sampler(x, g, 2, 0, False),
                                                lib.grid_sampler_2d(x, g, 2, 1, True)),
           [[(2, 2, 4, 5), GRID]]),
]
