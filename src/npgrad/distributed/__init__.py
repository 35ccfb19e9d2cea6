"""``npgrad.distributed``: several processes training one model, as ``torch.distributed``.

Processes are started by MPI (``python -m npgrad.distributed.run --nproc_per_node=N
train.py``, or ``mpiexec``) and talk through it (mpi4py; ``pip install mpi4py mpich``). The
package imports without mpi4py; :func:`is_available` says whether it is installed.
"""
from .collectives import (all_gather, all_gather_into_tensor, all_reduce,  # noqa: F401
                          all_to_all, all_to_all_single, barrier, broadcast, gather, reduce,
                          reduce_scatter, reduce_scatter_tensor, scatter)
from .object_collectives import (all_gather_object, broadcast_object_list,  # noqa: F401
                                 gather_object, scatter_object_list)
from .point_to_point import irecv, isend, recv, send  # noqa: F401
from .process_group import (Backend, GroupMember, ProcessGroup,  # noqa: F401
                            destroy_process_group, get_backend, get_global_rank,
                            get_group_rank, get_process_group_ranks, get_rank,
                            get_world_size, group, init_process_group, is_available,
                            is_gloo_available, is_initialized, is_mpi_available,
                            is_nccl_available, is_torchelastic_launched, new_group)
from .transport import ReduceOp, Work  # noqa: F401
