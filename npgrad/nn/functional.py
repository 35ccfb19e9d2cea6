"""``npgrad.nn.functional``: functional forms of layers, as ``torch.nn.functional``."""
from __future__ import annotations

from ..ops import activation as _activation
from ..ops.activation import *  # noqa: F401,F403
from ..ops import dropout as _dropout
from ..ops import loss as _loss
from ..ops import normalization as _normalization
from ..ops.dropout import *  # noqa: F401,F403
from ..ops.normalization import *  # noqa: F401,F403
from ..ops.layers import bilinear, linear
from ..ops.loss import *  # noqa: F401,F403
from ..ops.trig import sigmoid, tanh  # noqa: F401  (torch.nn.functional has them too)
from ..ops.pad import pad
from ..ops.scatter import one_hot
from ..ops.extra_stats import pdist
from ..ops.extra_creation import channel_shuffle
from ..ops.random_fill import gumbel_softmax
from .._toplevel import (celu_, elu_, hardtanh_, leaky_relu_, relu_, rrelu_, selu_,
                         threshold_)
from ..ops import conv as _conv, pool as _pool, sampling as _sampling
from ..ops.conv import *  # noqa: F401,F403
from ..ops.pool import *  # noqa: F401,F403
from ..ops.sampling import *  # noqa: F401,F403

__all__: list = ["linear", "bilinear", "pad", "one_hot"] + _activation.__all__ + _loss.__all__ + \
    _normalization.__all__ + _dropout.__all__
__all__ += _conv.__all__ + _pool.__all__ + _sampling.__all__
__all__ += ["pdist", "channel_shuffle", "gumbel_softmax", "relu_", "elu_", "celu_", "selu_",
            "rrelu_", "leaky_relu_", "hardtanh_", "threshold_"]
