"""``npgrad.nn``: neural-network building blocks, as ``torch.nn``."""
from . import attention, functional, grad, init, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parameter import (Buffer, Parameter, UninitializedBuffer,  # noqa: F401
                        UninitializedParameter)
from . import parallel  # noqa: F401,E402
from .parallel import DataParallel  # noqa: F401,E402
