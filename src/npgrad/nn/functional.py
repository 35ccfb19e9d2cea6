"""``npgrad.nn.functional``: functional forms of layers, as ``torch.nn.functional``."""
from __future__ import annotations

from ..ops.nn import (activation as _activation, conv as _conv, dropout as _dropout, loss as _loss,
                      lp_pool as _lp_pool, margin_loss as _margin_loss,
                      normalization as _normalization, pool as _pool, sampling as _sampling,
                      unpool as _unpool)
from ..ops.nn.activation import *  # noqa: F401,F403
from ..ops.nn.dropout import *  # noqa: F401,F403
from ..ops.nn.normalization import *  # noqa: F401,F403
from ..ops.nn.layers import bilinear, grouped_mm, linear, linear_cross_entropy
from ..ops.nn.loss import *  # noqa: F401,F403
from ..ops.elementwise.trig import sigmoid, tanh  # noqa: F401  (torch.nn.functional has them too)
from ..ops.nn.pad import pad
from ..ops.indexing.scatter import one_hot
from ..ops.linalg.norms import pdist
from ..ops.nn.sampling import channel_shuffle
from ..ops.creation.random import gumbel_softmax
from ..ops.nn.conv import *  # noqa: F401,F403
from ..ops.nn.pool import *  # noqa: F401,F403
from ..ops.nn.sampling import *  # noqa: F401,F403
from ..ops.nn.unpool import *  # noqa: F401,F403
from ..ops.nn.lp_pool import *  # noqa: F401,F403
from ..ops.nn.margin_loss import *  # noqa: F401,F403
from ..ops.nn.embedding_bag import embedding_bag
from ..ops.nn.ctc import ctc_loss
from ..ops.nn.attention import multi_head_attention_forward
from ..ops.nn.fractional_pool import *  # noqa: F401,F403
from ..ops.nn import fractional_pool as _fractional_pool

__all__: list = ["linear", "bilinear", "linear_cross_entropy", "grouped_mm", "pad", "one_hot"] + _activation.__all__ + _loss.__all__ + \
    _normalization.__all__ + _dropout.__all__
__all__ += _conv.__all__ + _pool.__all__ + _sampling.__all__
__all__ += ["pdist", "gumbel_softmax", "embedding_bag", "ctc_loss",
            "multi_head_attention_forward"] + _fractional_pool.__all__ + _unpool.__all__ + _lp_pool.__all__ + _margin_loss.__all__


# the ops' inner errors name the op the user called (``cosine_embedding_loss: where: ...``)
from ..ops._arguments import name_op_errors as _name_op_errors  # noqa: E402
_name_op_errors(globals(), __all__, __name__)
