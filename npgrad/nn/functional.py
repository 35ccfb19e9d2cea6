"""``npgrad.nn.functional``: functional forms of layers, as ``torch.nn.functional``."""
from __future__ import annotations

from ..ops import activation as _activation
from ..ops.activation import *  # noqa: F401,F403
from ..ops.layers import bilinear, linear
from ..ops.trig import sigmoid, tanh  # noqa: F401  (torch.nn.functional has them too)
from ..ops.pad import pad
from ..ops.scatter import one_hot

__all__: list = ["linear", "bilinear", "pad", "one_hot"] + _activation.__all__
