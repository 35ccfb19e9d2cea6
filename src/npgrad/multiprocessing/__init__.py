"""``npgrad.multiprocessing``: Python's ``multiprocessing`` with PyTorch's additions.

Every name of ``multiprocessing`` (``Process``, ``Queue``, ``Pool``, ``get_context``...), and
tensors that travel between processes through shared memory instead of being copied
(``reductions``), ``spawn``/``start_processes`` and the sharing-strategy settings.
"""
import multiprocessing
import sys
from multiprocessing import *  # noqa: F401,F403

from . import reductions
from .reductions import init_reductions
from .spawn import (ProcessContext, ProcessExitedException, ProcessRaisedException,
                    SpawnContext, spawn, start_processes)

__all__ = ["ENV_VAR_PARALLEL_START", "ProcessContext", "ProcessExitedException",
           "ProcessRaisedException", "SpawnContext", "get_all_sharing_strategies",
           "get_sharing_strategy", "init_reductions", "reductions", "set_sharing_strategy",
           "spawn", "start_processes"] + list(multiprocessing.__all__)

# PyTorch's switch for starting spawn's processes in parallel; npgrad starts them one by one
ENV_VAR_PARALLEL_START = "TORCH_MP_PARALLEL_START"

# PyTorch passes shared tensors as file descriptors or as named files in /dev/shm; npgrad's
# are always named POSIX shared-memory blocks (its 'file_system' way), whichever is set.
_STRATEGIES = {"file_descriptor", "file_system"} if sys.platform != "darwin" else {
    "file_system"}
_strategy = ["file_descriptor" if sys.platform != "darwin" else "file_system"]


def set_sharing_strategy(new_strategy: str) -> None:
    """Choose how tensors are shared ('file_descriptor' or 'file_system')."""
    assert new_strategy in _STRATEGIES
    _strategy[0] = new_strategy


def get_sharing_strategy() -> str:
    """The current sharing strategy."""
    return _strategy[0]


def get_all_sharing_strategies() -> set:
    """The sharing strategies of this platform."""
    return set(_STRATEGIES)


init_reductions()
