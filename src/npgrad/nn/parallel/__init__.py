"""``npgrad.nn.parallel``: data parallelism, as ``torch.nn.parallel``."""
from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
