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
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .backend import device
from .dtypes import (bool, double, dtype, float, float16, float32, float64, get_default_dtype,  # noqa: A004
                     half, int, int8, int16, int32, int64, long, set_default_dtype, short,
                     uint8)
from .dtypes import promote_types as _np_promote_types
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,
                     seed, set_rng_state)
from .ops.elementwise.binary import *  # noqa: F401,F403
from .ops.creation.factories import *  # noqa: F401,F403
from .ops.indexing.indexing import *  # noqa: F401,F403
from .ops.indexing.masked import *  # noqa: F401,F403
from .ops.indexing.scatter import *  # noqa: F401,F403
from .ops.indexing.sorting import *  # noqa: F401,F403
from .ops.linalg.products import *  # noqa: F401,F403
from .ops.linalg.solvers import *  # noqa: F401,F403
from .ops.linalg.decompositions import *  # noqa: F401,F403
from .ops.elementwise.pointwise import *  # noqa: F401,F403
from .ops.reduction.reduce import *  # noqa: F401,F403
from .ops.reduction.stats import *  # noqa: F401,F403
from .ops.linalg.norms import *  # noqa: F401,F403
from .ops.shape.views import *  # noqa: F401,F403
from .ops.shape.joins import *  # noqa: F401,F403
from .ops.shape.tiling import *  # noqa: F401,F403
from .ops.shape.diag import *  # noqa: F401,F403
from .ops.elementwise.unary import *  # noqa: F401,F403
from .ops.elementwise.trig import *  # noqa: F401,F403
from .ops.elementwise.rounding import *  # noqa: F401,F403
from .ops.elementwise.special import *  # noqa: F401,F403
from .ops.elementwise.integer import *  # noqa: F401,F403
from .ops.extra_stats import *  # noqa: F401,F403
from .ops.creation.windows import *  # noqa: F401,F403
from .ops.extra_index import *  # noqa: F401,F403
from .ops.creation.random import *  # noqa: F401,F403

from . import linalg, nn, optim, utils  # noqa: E402,F401
from . import special, testing  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from ._settings import *  # noqa: E402,F401,F403
from ._toplevel import *  # noqa: E402,F401,F403

__version__ = "0.1.0"


def is_tensor(obj) -> "builtins.bool":
    """True if ``obj`` is an npgrad Tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":
    """The number of elements of ``input``."""
    return input.numel()


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The dtype PyTorch's promotion gives two tensors of these dtypes."""
    a, b = dtypes.to_dtype(type1), dtypes.to_dtype(type2)
    return dtypes.from_numpy_dtype(_np_promote_types(a.np, b.np))


def result_type(tensor1, tensor2) -> dtype:
    """The dtype of an arithmetic op on these operands (tensors or Python numbers)."""
    ops = [t._data if isinstance(t, Tensor) else t for t in (tensor1, tensor2)]
    return dtypes.from_numpy_dtype(dtypes.result_type(*ops))


def can_cast(from_: dtype, to: dtype) -> "builtins.bool":
    """Whether PyTorch's in-place casting rule allows ``from_`` into ``to``."""
    from .ops.inplace import _can_cast
    return _can_cast(dtypes.to_dtype(from_).np, dtypes.to_dtype(to).np)


def is_floating_point(input: Tensor) -> "builtins.bool":
    return input.is_floating_point()


import builtins  # noqa: E402  (after the dtype names, which shadow int/float/bool here)
