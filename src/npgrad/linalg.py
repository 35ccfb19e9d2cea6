"""``npgrad.linalg``: PyTorch's ``torch.linalg`` namespace (implementations live in ops/)."""
from __future__ import annotations

from .ops.linalg.norms import cond, linalg_norm as norm, matrix_norm, vector_norm
from .ops.linalg.solvers import (LinAlgError, det, inv, matrix_exp, matrix_power,  # noqa: F401
                                 slogdet, solve, solve_triangular, tensorinv, tensorsolve, vander)
from .ops.linalg.cholesky import cholesky, cholesky_ex
from .ops.linalg.householder import householder_product
from .ops.linalg.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.linalg.lu import lu, lu_factor, lu_factor_ex
from .ops.linalg.lu_solve import inv_ex, lu_solve, solve_ex
from .ops.linalg.decompositions import (diagonal, eigh, eigvalsh, lstsq,
                                        matrix_rank, pinv, qr_linalg as qr, svd_linalg as svd,
                                        svdvals)
from .ops.linalg.products import cross_linalg as cross, matmul, multi_dot, vecdot

__all__: list = []
__all__ += ["vector_norm", "matrix_norm", "norm"]
__all__ += ["inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh", "eigvalsh", "svd",
            "svdvals", "pinv", "matrix_power", "cross", "matmul", "multi_dot", "vecdot",
            "solve_triangular", "matrix_rank", "diagonal", "matrix_exp", "lstsq", "cond",
            "tensorinv", "tensorsolve", "vander"]
__all__ += ["cholesky_ex", "inv_ex", "solve_ex", "lu", "lu_factor", "lu_factor_ex", "lu_solve"]
__all__ += ["householder_product"]
__all__ += ["ldl_factor", "ldl_factor_ex", "ldl_solve"]


# the ops' inner errors name the op the user called (``cosine_embedding_loss: where: ...``)
from .ops._arguments import name_op_errors as _name_op_errors  # noqa: E402
_name_op_errors(globals(), __all__, __name__)
