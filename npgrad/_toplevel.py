"""Top-level forms that ``torch`` has besides ``torch.nn.functional`` and the Tensor methods:
``torch.conv2d``, ``torch.softmax``, ``torch.batch_norm``... (the same objects as the
nn.functional ops where PyTorch's signatures agree, thin wrappers where its argument order
differs), and the in-place forms ``torch.exp_(x)``, which are ``x.exp_()``.
"""
from __future__ import annotations

import builtins

from .ops.nn import activation as _act
from .ops.nn import conv as _conv
from .ops.nn import dropout as _drop
from .ops.nn import layers as _layers
from .ops import inplace as _inplace
from .ops.nn import loss as _loss
from .ops.nn import normalization as _norm
from .ops.nn import pool as _pool
from .ops.nn import sampling as _samp
from .tensor import Tensor

__all__: list = []

# ---------------------------------------------------------------------------------------------
# nn.functional ops that torch also has at the top level: the same objects where PyTorch's
# signatures agree, thin wrappers where its argument order differs
# ---------------------------------------------------------------------------------------------

softmax, log_softmax, relu = _act.softmax, _act.log_softmax, _act.relu
threshold, selu, celu, rrelu = _act.threshold, _act.selu, _act.celu, _act.rrelu
prelu, hardshrink = _act.prelu, _act.hardshrink
conv1d, conv2d, conv3d = _conv.conv1d, _conv.conv2d, _conv.conv3d
conv_transpose1d, conv_transpose2d = _conv.conv_transpose1d, _conv.conv_transpose2d
conv_transpose3d = _conv.conv_transpose3d
max_pool1d, max_pool2d, max_pool3d = _pool.max_pool1d, _pool.max_pool2d, _pool.max_pool3d
avg_pool1d, adaptive_avg_pool1d = _pool.avg_pool1d, _pool.adaptive_avg_pool1d
adaptive_max_pool1d = _pool.adaptive_max_pool1d
pixel_shuffle, pixel_unshuffle = _samp.pixel_shuffle, _samp.pixel_unshuffle
bilinear = _layers.bilinear
cosine_similarity, pairwise_distance = _loss.cosine_similarity, _loss.pairwise_distance
binary_cross_entropy_with_logits = _loss.binary_cross_entropy_with_logits
rms_norm = _norm.rms_norm
__all__ += ["softmax", "log_softmax", "relu", "threshold", "selu", "celu", "rrelu", "prelu",
            "hardshrink", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d",
            "adaptive_avg_pool1d", "adaptive_max_pool1d", "pixel_shuffle", "pixel_unshuffle",
            "bilinear", "cosine_similarity", "pairwise_distance",
            "binary_cross_entropy_with_logits", "rms_norm", "dropout", "dropout_",
            "alpha_dropout", "layer_norm", "group_norm", "batch_norm", "instance_norm",
            "embedding", "relu_", "selu_", "celu_", "rrelu_", "threshold_", "alpha_dropout_",
            "feature_dropout", "feature_dropout_"]


def dropout(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    """``torch.dropout(input, p, train)``: ``nn.functional.dropout`` with torch's names."""
    return _drop.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return _drop.dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return _drop.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return _inplace.apply_(input, _drop.alpha_dropout, p, train)


def feature_dropout(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    """``torch.feature_dropout``: whole channels (dim 1) zeroed, as ``dropout2d``."""
    return _drop._channel_dropout(input, p, train, False, input.ndim - 2)


def feature_dropout_(input: Tensor, p: float, train: builtins.bool) -> Tensor:
    return input.copy_(feature_dropout(input, p, train)) if train else input


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enable: builtins.bool = True) -> Tensor:
    """``torch.layer_norm``: ``nn.functional.layer_norm`` plus the ignored cudnn flag."""
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups: builtins.int, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enabled: builtins.bool = True) -> Tensor:
    """``torch.group_norm``: ``nn.functional.group_norm`` plus the ignored cudnn flag."""
    return _norm.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input, weight, bias, running_mean, running_var, training: builtins.bool,
               momentum: float, eps: float, cudnn_enabled: builtins.bool = True) -> Tensor:
    """``torch.batch_norm``: weight and bias come before the running statistics here (the
    reverse of ``nn.functional.batch_norm``)."""
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                            eps)


def instance_norm(input, weight, bias, running_mean, running_var,
                  use_input_stats: builtins.bool, momentum: float, eps: float,
                  cudnn_enabled: builtins.bool = True) -> Tensor:
    """``torch.instance_norm``, in PyTorch's argument order."""
    return _norm.instance_norm(input, running_mean, running_var, weight, bias,
                               use_input_stats, momentum, eps)


def embedding(weight, indices, padding_idx: builtins.int = -1,
              scale_grad_by_freq: builtins.bool = False,
              sparse: builtins.bool = False) -> Tensor:
    """``torch.embedding(weight, indices)``: the table comes first here."""
    return _drop.embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                           scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def relu_(input: Tensor) -> Tensor:
    return _inplace.apply_(input, _act.relu)


def selu_(input: Tensor) -> Tensor:
    return _inplace.apply_(input, _act.selu)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _inplace.apply_(input, _act.celu, alpha)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: builtins.bool = False, generator=None) -> Tensor:
    return _inplace.apply_(input, _act.rrelu, lower, upper, training)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _inplace.apply_(input, _act.threshold, threshold, value)


# (nn.functional has these in-place forms too; torch's top level does not)
def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _inplace.apply_(input, _act.elu, alpha)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return _inplace.apply_(input, _act.leaky_relu, negative_slope)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return _inplace.apply_(input, _act.hardtanh, min_val, max_val)


# (the in-place forms above go through ops.inplace.apply_, which keeps a copy of the old
# values when the op's graph saved them, so backward works as in PyTorch)


# ---------------------------------------------------------------------------------------------
# Top-level in-place forms: ``torch.NAME_(x, ...)`` is ``x.NAME_(...)``
# ---------------------------------------------------------------------------------------------

def abs_(input, *a, **k): return input.abs_(*a, **k)  # noqa: E704
def acos_(input, *a, **k): return input.acos_(*a, **k)  # noqa: E704
def acosh_(input, *a, **k): return input.acosh_(*a, **k)  # noqa: E704
def arccos_(input, *a, **k): return input.arccos_(*a, **k)  # noqa: E704
def arccosh_(input, *a, **k): return input.arccosh_(*a, **k)  # noqa: E704
def arcsin_(input, *a, **k): return input.arcsin_(*a, **k)  # noqa: E704
def arcsinh_(input, *a, **k): return input.arcsinh_(*a, **k)  # noqa: E704
def arctan_(input, *a, **k): return input.arctan_(*a, **k)  # noqa: E704
def arctanh_(input, *a, **k): return input.arctanh_(*a, **k)  # noqa: E704
def asin_(input, *a, **k): return input.asin_(*a, **k)  # noqa: E704
def asinh_(input, *a, **k): return input.asinh_(*a, **k)  # noqa: E704
def atan_(input, *a, **k): return input.atan_(*a, **k)  # noqa: E704
def atanh_(input, *a, **k): return input.atanh_(*a, **k)  # noqa: E704
def ceil_(input, *a, **k): return input.ceil_(*a, **k)  # noqa: E704
def clamp_(input, *a, **k): return input.clamp_(*a, **k)  # noqa: E704
def clamp_max_(input, *a, **k): return input.clamp_max_(*a, **k)  # noqa: E704
def clamp_min_(input, *a, **k): return input.clamp_min_(*a, **k)  # noqa: E704
def clip_(input, *a, **k): return input.clip_(*a, **k)  # noqa: E704
def cos_(input, *a, **k): return input.cos_(*a, **k)  # noqa: E704
def cosh_(input, *a, **k): return input.cosh_(*a, **k)  # noqa: E704
def deg2rad_(input, *a, **k): return input.deg2rad_(*a, **k)  # noqa: E704
def erf_(input, *a, **k): return input.erf_(*a, **k)  # noqa: E704
def erfc_(input, *a, **k): return input.erfc_(*a, **k)  # noqa: E704
def exp_(input, *a, **k): return input.exp_(*a, **k)  # noqa: E704
def exp2_(input, *a, **k): return input.exp2_(*a, **k)  # noqa: E704
def expm1_(input, *a, **k): return input.expm1_(*a, **k)  # noqa: E704
def fix_(input, *a, **k): return input.fix_(*a, **k)  # noqa: E704
def floor_(input, *a, **k): return input.floor_(*a, **k)  # noqa: E704
def frac_(input, *a, **k): return input.frac_(*a, **k)  # noqa: E704
def log_(input, *a, **k): return input.log_(*a, **k)  # noqa: E704
def log10_(input, *a, **k): return input.log10_(*a, **k)  # noqa: E704
def log1p_(input, *a, **k): return input.log1p_(*a, **k)  # noqa: E704
def log2_(input, *a, **k): return input.log2_(*a, **k)  # noqa: E704
def logit_(input, *a, **k): return input.logit_(*a, **k)  # noqa: E704
def nan_to_num_(input, *a, **k): return input.nan_to_num_(*a, **k)  # noqa: E704
def neg_(input, *a, **k): return input.neg_(*a, **k)  # noqa: E704
def negative_(input, *a, **k): return input.negative_(*a, **k)  # noqa: E704
def rad2deg_(input, *a, **k): return input.rad2deg_(*a, **k)  # noqa: E704
def reciprocal_(input, *a, **k): return input.reciprocal_(*a, **k)  # noqa: E704
def round_(input, *a, **k): return input.round_(*a, **k)  # noqa: E704
def rsqrt_(input, *a, **k): return input.rsqrt_(*a, **k)  # noqa: E704
def sigmoid_(input, *a, **k): return input.sigmoid_(*a, **k)  # noqa: E704
def sin_(input, *a, **k): return input.sin_(*a, **k)  # noqa: E704
def sinc_(input, *a, **k): return input.sinc_(*a, **k)  # noqa: E704
def sinh_(input, *a, **k): return input.sinh_(*a, **k)  # noqa: E704
def sqrt_(input, *a, **k): return input.sqrt_(*a, **k)  # noqa: E704
def square_(input, *a, **k): return input.square_(*a, **k)  # noqa: E704
def tan_(input, *a, **k): return input.tan_(*a, **k)  # noqa: E704
def tanh_(input, *a, **k): return input.tanh_(*a, **k)  # noqa: E704
def trunc_(input, *a, **k): return input.trunc_(*a, **k)  # noqa: E704
def xlogy_(input, *a, **k): return input.xlogy_(*a, **k)  # noqa: E704
def gcd_(input, *a, **k): return input.gcd_(*a, **k)  # noqa: E704
def lcm_(input, *a, **k): return input.lcm_(*a, **k)  # noqa: E704
def ldexp_(input, *a, **k): return input.ldexp_(*a, **k)  # noqa: E704
def i0_(input, *a, **k): return input.i0_(*a, **k)  # noqa: E704
def index_put_(input, *a, **k): return input.index_put_(*a, **k)  # noqa: E704
def resize_as_(input, *a, **k): return input.resize_as_(*a, **k)  # noqa: E704


__all__ += ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
            "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_",
            "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp_",
            "exp2_", "expm1_", "fix_", "floor_", "frac_", "log_", "log10_", "log1p_", "log2_",
            "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "round_",
            "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_",
            "tanh_", "trunc_", "xlogy_", "gcd_", "lcm_", "ldexp_", "i0_", "index_put_",
            "resize_as_"]
