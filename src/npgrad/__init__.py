"""npgrad: PyTorch's API on a small, readable autograd engine written in NumPy.

>>> import npgrad as torch
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""
import warnings as _warnings

# NumPy's floating-point warnings (overflow in exp, log of 0...) are PyTorch's silent inf/nan.
# Filtering them by module costs nothing per op, unlike np.errstate (~3 us per call), and
# leaves the user's own NumPy code alone.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"npgrad(\.|$)")

from .tensor import Size, Tensor  # noqa: E402,I001  (Tensor first: everything else builds on it)
from . import autograd, dtypes
from .autograd import (enable_grad, inference_mode, is_anomaly_check_nan_enabled,
                       is_anomaly_enabled, is_grad_enabled, no_grad, set_grad_enabled)
from .backend import device
from .dtypes import (bfloat16, bool, double, dtype, float, float16,  # noqa: A004
                     float32, float64, get_default_dtype, half, int, int8, int16, int32,
                     int64, long,
                     set_default_dtype, short, uint8, uint16, uint32, uint64)
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,
                     seed, set_rng_state)
from .ops.elementwise.unary import *  # noqa: F401,F403
from .ops.elementwise.binary import *  # noqa: F401,F403
from .ops.elementwise.pointwise import *  # noqa: F401,F403
from .ops.elementwise.trig import *  # noqa: F401,F403
from .ops.elementwise.rounding import *  # noqa: F401,F403
from .ops.elementwise.special import *  # noqa: F401,F403
from .ops.elementwise.special_gamma import igamma, igammac  # noqa: F401
from .ops.elementwise.integer import *  # noqa: F401,F403
from .ops.elementwise.complex import *  # noqa: F401,F403
from .ops.reduction.reduce import *  # noqa: F401,F403
from .ops.reduction.stats import *  # noqa: F401,F403
from .ops.reduction.scans import *  # noqa: F401,F403
from .ops.reduction.histograms import *  # noqa: F401,F403
from .ops.reduction.hashing import *  # noqa: F401,F403
from .ops.reduction.segment import *  # noqa: F401,F403
from .ops.shape.views import *  # noqa: F401,F403
from .ops.shape.joins import *  # noqa: F401,F403
from .ops.shape.tiling import *  # noqa: F401,F403
from .ops.shape.diag import *  # noqa: F401,F403
from .ops.shape.copies import *  # noqa: F401,F403
from .ops.indexing.indexing import *  # noqa: F401,F403
from .ops.indexing.masked import *  # noqa: F401,F403
from .ops.indexing.scatter import *  # noqa: F401,F403
from .ops.indexing.sorting import *  # noqa: F401,F403
from .ops.creation.factories import *  # noqa: F401,F403
from .ops.creation.random import *  # noqa: F401,F403
from .ops.creation.windows import *  # noqa: F401,F403
from .ops.creation.grids import *  # noqa: F401,F403
from .ops.creation.interop import *  # noqa: F401,F403
from .ops.linalg.products import *  # noqa: F401,F403
from .ops.linalg.solvers import *  # noqa: F401,F403
from .ops.linalg.decompositions import *  # noqa: F401,F403
from .ops.linalg.norms import *  # noqa: F401,F403
from .ops.linalg.lu import *  # noqa: F401,F403
from .ops.linalg.householder import *  # noqa: F401,F403
from .ops.linalg.lowrank import *  # noqa: F401,F403
from .ops.linalg.cholesky import cholesky_toplevel as cholesky  # noqa: F401
from .ops.linalg.lu import lu_toplevel as lu  # noqa: F401
from .ops.linalg.lu_solve import lu_solve_toplevel as lu_solve  # noqa: F401
from .ops.linalg.decompositions import matrix_rank_toplevel as matrix_rank  # noqa: F401
from .ops.linalg.solvers import vander_toplevel as vander  # noqa: F401
from .ops.predicates import *  # noqa: F401,F403
from .ops.promotion import *  # noqa: F401,F403
from .ops.inplace import (abs_, acos_, acosh_, addmv_, arccos_, arccosh_, arcsin_,  # noqa: F401
                          arcsinh_, arctan_, arctanh_, asin_, asinh_, atan_, atanh_, ceil_,
                          clamp_, clamp_max_, clamp_min_, clip_, cos_, cosh_, deg2rad_, erf_,
                          erfc_, exp2_, exp_, expm1_, fill, fill_, fix_, floor_, frac_, gcd_,
                          i0_, index_put_, lcm_, ldexp_, log10_, log1p_, log2_, log_, logit_,
                          nan_to_num_, neg_, negative_, rad2deg_, reciprocal_, resize_as_,
                          round_, rsqrt_, sigmoid_, sin_, sinc_, sinh_, sqrt_, square_, tan_,
                          tanh_, trunc_, xlogy_, zero_)
# nn.functional ops that torch also has at the top level (the same objects), and the top-level
# forms whose argument names or order differ from nn.functional's
from .ops.nn.activation import (celu, celu_, hardshrink, prelu, relu,  # noqa: F401
                                relu_, rrelu, rrelu_, selu, selu_, threshold, threshold_)
from .ops.nn.activation import (log_softmax_toplevel as log_softmax,  # noqa: F401
                                softmax_toplevel as softmax)
from .ops.nn.conv import (conv1d, conv2d, conv3d, conv_transpose1d,  # noqa: F401
                          conv_transpose2d, conv_transpose3d)
from .ops.nn.pool import (adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d,  # noqa: F401
                          max_pool1d, max_pool2d, max_pool3d)
from .ops.nn.sampling import channel_shuffle, pixel_shuffle, pixel_unshuffle  # noqa: F401
from .ops.nn.pad import constant_pad_nd  # noqa: F401
from .ops.nn.layers import bilinear  # noqa: F401
from .ops.nn.loss import (binary_cross_entropy_with_logits, cosine_similarity,  # noqa: F401
                          pairwise_distance)
from .ops.nn.normalization import rms_norm  # noqa: F401
from .ops.nn.normalization import (batch_norm_toplevel as batch_norm,  # noqa: F401
                                   group_norm_toplevel as group_norm,
                                   instance_norm_toplevel as instance_norm,
                                   layer_norm_toplevel as layer_norm)
from .ops.nn.dropout import (alpha_dropout_, dropout_, feature_dropout,  # noqa: F401
                             feature_dropout_, feature_alpha_dropout_)
from .ops.nn.dropout import (alpha_dropout_toplevel as alpha_dropout,  # noqa: F401
                             dropout_toplevel as dropout, embedding_toplevel as embedding,
                             feature_alpha_dropout_toplevel as feature_alpha_dropout)
from .ops.nn.pool import max_pool1d_with_indices  # noqa: F401
from .ops.nn.sampling import native_channel_shuffle  # noqa: F401
from .ops.nn.conv import conv_tbc, convolution  # noqa: F401
from .ops.nn.native import (native_batch_norm, native_dropout,  # noqa: F401
                            native_group_norm, native_layer_norm)
from .ops.nn.loss import (cosine_embedding_loss_toplevel as cosine_embedding_loss,  # noqa: F401
                          hinge_embedding_loss_toplevel as hinge_embedding_loss,
                          kl_div_toplevel as kl_div,
                          margin_ranking_loss_toplevel as margin_ranking_loss,
                          poisson_nll_loss_toplevel as poisson_nll_loss,
                          triplet_margin_loss_toplevel as triplet_margin_loss)
from .ops.nn.rnn import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell  # noqa: F401
from .ops.nn.rnn import gru, lstm, rnn_relu, rnn_tanh  # noqa: F401
from .ops.nn.aten_forms import (affine_grid_generator, ctc_loss, embedding_bag,  # noqa: F401
                                grid_sampler, grid_sampler_2d, grid_sampler_3d)
from .ops.nn.dropout import embedding_renorm_  # noqa: F401

from . import linalg, nn, optim, utils  # noqa: E402,F401
from . import special, testing  # noqa: E402,F401
from . import amp, backends, cuda  # noqa: E402,F401
from . import distributed  # noqa: E402,F401
from . import hub, jit, onnx  # noqa: E402,F401
from . import func, profiler  # noqa: E402,F401
from .func import vmap  # noqa: E402,F401
from ._tensortype import (BFloat16Tensor, BoolTensor,  # noqa: E402,F401
                          ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                          LongTensor, ShortTensor)
from .amp.autocast_mode import (autocast, clear_autocast_cache,  # noqa: E402,F401
                                get_autocast_cpu_dtype, get_autocast_dtype,
                                get_autocast_gpu_dtype, is_autocast_cache_enabled,
                                is_autocast_cpu_enabled, is_autocast_enabled,
                                set_autocast_cache_enabled, set_autocast_cpu_dtype,
                                set_autocast_cpu_enabled, set_autocast_dtype,
                                set_autocast_enabled)
from . import cpu  # noqa: E402,F401
from . import accelerator, functional, signal, torch_version, types  # noqa: E402,F401
from . import masked, multiprocessing  # noqa: E402,F401
from . import library, monitor, quasirandom  # noqa: E402,F401
from .accelerator import AcceleratorError, FatalError, get_device_module  # noqa: E402,F401
from .amp import GradScaler  # noqa: E402,F401
from .amp.autocast_mode import (autocast_decrement_nesting,  # noqa: E402,F401
                                autocast_increment_nesting, set_autocast_gpu_dtype)
from .cuda import OutOfMemoryError  # noqa: E402,F401
from .streams import Event, Stream  # noqa: E402,F401
from .utils.data._worker import thread_safe_generator  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from ._settings import *  # noqa: E402,F401,F403
from ._formatting import set_printoptions  # noqa: F401
from .dtypes import (channels_last, channels_last_3d, contiguous_format, finfo,  # noqa: F401
                     iinfo, layout, memory_format, preserve_format, strided)
legacy_contiguous_format = contiguous_format  # (the same object in PyTorch)
from .autograd.anomaly_mode import set_anomaly_enabled  # noqa: F401
from .autograd.grad_mode import is_inference_mode_enabled  # noqa: F401
from math import e, inf, nan, pi  # noqa: F401

newaxis = None

# the ops' inner errors name the op the user called (``addcmul: mul: ...``)
from .ops._arguments import name_op_errors as _name_op_errors  # noqa: E402
_name_op_errors(globals(), list(globals()), __name__)

# PyTorch's out= keyword, given to the torch.* functions that take it (npgrad/ops/_out.py)
from .ops._out import OUT_FUNCTIONS as _OUT_FUNCTIONS, with_out as _with_out  # noqa: E402
for _name in sorted(_OUT_FUNCTIONS):
    globals()[_name] = _with_out(globals()[_name], _name)
del _name

# the op methods (x.exp(), x + y...) are given to Tensor here, once every op exists
from . import _tensor_methods  # noqa: E402,F401

# Subpackages loaded on first use (``npgrad.distributions`` or ``import npgrad.distributions``
# give the module as usual): distributions is ~7% of ``import npgrad``, and few programs use it
_ON_FIRST_USE = frozenset({"distributions"})


def __getattr__(name: str):
    if name in _ON_FIRST_USE:
        import importlib  # noqa: PLC0415 (only when a lazily loaded subpackage is first used)
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | _ON_FIRST_USE)


from . import version  # noqa: E402
from .version import __version__  # noqa: E402,F401
