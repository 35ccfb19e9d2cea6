"""Specs: products (matmul family, add*, einsum, tensordot, inner, kron) and linear algebra
(``linalg.*``, cdist) (issue 3).

Matrix functions get well-conditioned inputs built inside the spec function from a random
input, so gradients flow back to it: ``_wc`` adds ``n * I`` (invertible), ``_spd`` gives
``x x^T + n I`` (symmetric positive definite, distinct eigenvalues in practice).
Decompositions whose factors are fixed only up to signs (eigh, svd) are compared through
sign-invariant products of their outputs.
"""
from ..harness import A, C, F, I, OpSpec


def _wc(lib, x):
    return x + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype)


def _spd(lib, x):
    return x @ x.mT + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype)


def _eigh(lib, x, uplo="L"):
    w, v = lib.linalg.eigh(_spd(lib, x), UPLO=uplo)
    return w, v * v[..., :1, :]


def _svd(lib, x, full):
    u, s, vh = lib.linalg.svd(x, full_matrices=full)
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    return s, u * vh.mT[..., :1, :], vh * u[..., :1, :].mT


MATMUL_SHAPES = [
    [(3,), (3,)], [(2, 3), (3,)], [(3,), (3, 2)], [(2, 3), (3, 4)],
    [(2, 1, 3, 4), (5, 4, 2)],                        # batch broadcasting
    [(4,), (2, 4, 3)], [(2, 3, 4), (4,)],              # vector with a batch
    [(2, 2, 3), (3, 2)], [(3,), (2, 1, 3, 2)],
    [(0, 3), (3, 2)], [(2, 0), (0, 3)], [(0,), (0,)], [(2, 0, 3), (3, 4)], [(2, 3, 0), (0, 4)],
]

SPECS = [
    # -- matmul family ----------------------------------------------------------------------
    OpSpec("matmul", lambda lib, x, y: lib.matmul(x, y), MATMUL_SHAPES,
           covers=("Tensor.matmul", "Tensor.__matmul__", "linalg.matmul")),
    OpSpec("Tensor.__rmatmul__", lambda lib, x: x.__rmatmul__(x.mT), [[(2, 3)]]),
    OpSpec("matmul-int", lambda lib, x, y: x @ y, [[I((2, 3)), I((3,))], [I((2, 2, 3)), I((3, 2))]],
           grad=False),
    OpSpec("mm", lambda lib, x, y: lib.mm(x, y),
           [[(2, 3), (3, 4)], [(1, 1), (1, 1)], [(0, 2), (2, 3)], [(2, 0), (0, 3)]],
           covers=("Tensor.mm",)),
    OpSpec("bmm", lambda lib, x, y: lib.bmm(x, y),
           [[(2, 3, 4), (2, 4, 2)], [(1, 2, 2), (1, 2, 1)], [(0, 2, 3), (0, 3, 1)]],
           covers=("Tensor.bmm",)),
    OpSpec("mv", lambda lib, x, y: lib.mv(x, y), [[(2, 3), (3,)], [(0, 3), (3,)], [(2, 0), (0,)]],
           covers=("Tensor.mv",)),
    OpSpec("dot", lambda lib, x, y: lib.dot(x, y), [[(3,), (3,)], [(1,), (1,)], [(0,), (0,)]],
           covers=("Tensor.dot",)),
    OpSpec("vdot", lambda lib, x, y: lib.vdot(x, y), [[(4,), (4,)], [(0,), (0,)]],
           covers=("Tensor.vdot",)),
    OpSpec("outer", lambda lib, x, y: lib.outer(x, y), [[(3,), (2,)], [(1,), (4,)], [(0,), (2,)]],
           covers=("ger", "Tensor.outer", "Tensor.ger")),
    OpSpec("cross", lambda lib, x, y, d: lib.cross(x, y, dim=d),
           [[(3,), (3,), C(0)], [(2, 3), (2, 3), C(1)], [(3, 2), (3, 2), C(0)],
            [(3, 1), (3, 4), C(0)], [(4, 3), (1, 3), C(-1)], [(0, 3), (0, 3), C(1)]],
           covers=("Tensor.cross",)),
    OpSpec("cross-default-dim", lambda lib, x, y: lib.cross(x, y, dim=None),
           [[(2, 3, 3), (2, 3, 3)]]),
    OpSpec("linalg.cross", lambda lib, x, y: lib.linalg.cross(x, y),
           [[(3,), (3,)], [(2, 3), (1, 3)], [(3, 3), (3, 3)]]),
    OpSpec("linalg.vecdot", lambda lib, x, y, d: lib.linalg.vecdot(x, y, dim=d),
           [[(3,), (3,), C(-1)], [(2, 3), (3,), C(-1)], [(2, 3), (2, 1), C(0)],
            [(0, 2), (2,), C(-1)]]),
    OpSpec("linalg.multi_dot", lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
           [[(2, 3), (3, 4), (4, 2)], [(3,), (3, 4), (4,)], [(3,), (3, 2), (2, 2)]]),

    # -- beta * input + alpha * product ---------------------------------------------------------
    OpSpec("addmm", lambda lib, i, x, y, b, a: lib.addmm(i, x, y, beta=b, alpha=a),
           [[(2, 4), (2, 3), (3, 4), C(1), C(1)], [(4,), (2, 3), (3, 4), C(0.5), C(2.0)],
            [(), (2, 3), (3, 4), C(1), C(-1)], [(2, 1), (2, 3), (3, 4), C(0), C(1)],
            [(0, 4), (0, 3), (3, 4), C(1), C(1)]],
           covers=("Tensor.addmm",)),
    OpSpec("addmm-beta0-nan", lambda lib, i, x, y: lib.addmm(i, x, y, beta=0),
           [[A([[float("nan"), 1.0], [float("inf"), 0.0]]), (2, 3), (3, 2)]]),
    OpSpec("addmv", lambda lib, i, x, y, b, a: lib.addmv(i, x, y, beta=b, alpha=a),
           [[(2,), (2, 3), (3,), C(1), C(1)], [(), (2, 3), (3,), C(2), C(0.5)],
            [(1,), (2, 3), (3,), C(0), C(1)]], covers=("Tensor.addmv",)),
    OpSpec("addr", lambda lib, i, x, y, b, a: lib.addr(i, x, y, beta=b, alpha=a),
           [[(2, 3), (2,), (3,), C(1), C(1)], [(3,), (2,), (3,), C(0.5), C(3)]],
           covers=("Tensor.addr",)),
    OpSpec("baddbmm", lambda lib, i, x, y, b, a: lib.baddbmm(i, x, y, beta=b, alpha=a),
           [[(2, 2, 4), (2, 2, 3), (2, 3, 4), C(1), C(1)],
            [(4,), (2, 2, 3), (2, 3, 4), C(0.5), C(2)],
            [(1, 2, 1), (2, 2, 3), (2, 3, 1), C(0), C(1)]], covers=("Tensor.baddbmm",)),
    OpSpec("addbmm", lambda lib, i, x, y, b, a: lib.addbmm(i, x, y, beta=b, alpha=a),
           [[(2, 4), (3, 2, 3), (3, 3, 4), C(1), C(1)], [(4,), (2, 2, 3), (2, 3, 4), C(2), C(-1)]],
           covers=("Tensor.addbmm",)),

    # -- einsum -------------------------------------------------------------------------------
    OpSpec("einsum", lambda lib, eq, x, y: lib.einsum(eq, x, y),
           [[C("ij,jk->ik"), (2, 3), (3, 4)], [C("ij,jk"), (2, 3), (3, 2)],
            [C("bij,bjk->bik"), (2, 2, 3), (2, 3, 2)], [C("...ij,...jk"), (2, 1, 2, 3), (3, 3, 2)],
            [C("i,j->ij"), (3,), (2,)], [C("i,i->"), (4,), (4,)], [C("i,i"), (4,), (4,)],
            [C("ij,ij->ij"), (2, 3), (1, 3)], [C("...,..."), (), (2,)],
            [C("a...b,b...->a..."), (2, 3, 4), (4, 1)], [C("Ba,aC->CB"), (2, 3), (3, 2)],
            [C("i j , j k -> i k"), (2, 0), (0, 3)], [C("ij,kl->ikjl"), (2, 1), (2, 2)]]),
    OpSpec("einsum-unary", lambda lib, eq, x: lib.einsum(eq, x),
           [[C("ii->i"), (3, 3)], [C("ii"), (3, 3)], [C("bii->b"), (2, 3, 3)],
            [C("...ii->...i"), (2, 3, 3)], [C("iji->j"), (2, 3, 2)], [C("ij->ji"), (2, 3)],
            [C("ij->"), (2, 3)], [C("ij->j"), (2, 3)], [C("i...->i"), (2, 3, 2)], [C("ba"), (2, 3)],
            [C(""), ()], [C("...->"), ()], [C("ii->i"), (0, 0)]]),
    OpSpec("einsum-list", lambda lib, x, y, z: lib.einsum("bi,bij,bj->b", [x, y, z]),
           [[(2, 3), (2, 3, 4), (2, 4)]]),
    OpSpec("einsum-sublist", lambda lib, x, y: lib.einsum(x, [0, 1], y, [Ellipsis, 1, 2], [0, 2]),
           [[(2, 3), (3, 4)], [(2, 3), (2, 3, 4)]]),
    OpSpec("einsum-same-operand", lambda lib, x: lib.einsum("ij,jk,kl->il", x, x, x),
           [[(3, 3)]]),
    OpSpec("einsum-int", lambda lib, x, y: lib.einsum("ij,j->i", x, y), [[I((2, 3)), I((3,))]],
           grad=False),
    OpSpec("tensordot", lambda lib, x, y, d: lib.tensordot(x, y, dims=d),
           [[(2, 3, 4), (3, 4, 2), C(2)], [(2, 3), (3, 2), C(1)], [(2, 3), (4,), C(0)],
            [(2, 3, 4), (4, 2, 3), C(([1, 2], [2, 0]))], [(2, 3), (3, 2), C([[0], [1]])],
            [(0, 2), (2, 3), C(1)], [(), (2,), C(0)]]),
    OpSpec("inner", lambda lib, x, y: lib.inner(x, y),
           [[(3,), (3,)], [(2, 3), (4, 3)], [(2, 2, 3), (3,)], [(), (2, 3)], [(0, 3), (2, 3)]],
           covers=("Tensor.inner",)),
    OpSpec("kron", lambda lib, x, y: lib.kron(x, y),
           [[(2, 3), (2, 2)], [(2,), (3,)], [(2, 2), (3,)], [(2, 1, 2), (2, 2)], [(), (2,)],
            [(0, 2), (2, 2)]], covers=("Tensor.kron",)),

    # -- inverses and determinants -------------------------------------------------------------
    OpSpec("linalg.inv", lambda lib, x: lib.linalg.inv(_wc(lib, x)),
           [[(3, 3)], [(2, 3, 3)], [(1, 1)], [(0, 0)], [(2, 0, 0)]],
           covers=("inverse", "Tensor.inverse")),
    OpSpec("linalg.inv-fixed", lambda lib, x: lib.linalg.inv(x),
           [[A([[2.0, 1.0], [1.0, 3.0]])], [A([[0.0, 1.0], [-1.0, 0.5]])]]),
    OpSpec("linalg.det", lambda lib, x: lib.linalg.det(x),
           [[(3, 3)], [(2, 3, 3)], [(1, 1)], [(0, 0)], [(2, 0, 0)]],
           covers=("det", "Tensor.det")),
    OpSpec("linalg.det-singular", lambda lib, x: lib.linalg.det(x),
           [[A([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])],
            [A([[0.0, 0.0], [0.0, 0.0]])]]),
    OpSpec("linalg.slogdet", lambda lib, x: tuple(lib.linalg.slogdet(x)),
           [[(3, 3)], [(2, 3, 3)], [(1, 1)], [(0, 0)]], covers=("slogdet", "Tensor.slogdet")),
    OpSpec("logdet", lambda lib, x: lib.logdet(_spd(lib, x)), [[(3, 3)], [(2, 2, 2)]],
           covers=("Tensor.logdet",)),
    OpSpec("logdet-negative", lambda lib, x: lib.logdet(x),
           [[A([[0.0, 1.0], [1.0, 0.0]])]], grad=False),
    OpSpec("linalg.solve", lambda lib, a, b: lib.linalg.solve(_wc(lib, a), b),
           [[(3, 3), (3,)], [(3, 3), (3, 2)], [(2, 3, 3), (2, 3)], [(2, 3, 3), (3, 1)],
            [(2, 1, 3, 3), (4, 3, 2)], [(3, 3), (3, 0)], [(0, 0), (0,)]]),
    OpSpec("linalg.solve-right", lambda lib, a, b: lib.linalg.solve(_wc(lib, a), b, left=False),
           [[(3, 3), (2, 3)], [(2, 3, 3), (1, 3)]]),
    OpSpec("linalg.matrix_power", lambda lib, x, n: lib.linalg.matrix_power(_wc(lib, x), n),
           [[(3, 3), C(2)], [(3, 3), C(0)], [(3, 3), C(1)], [(2, 3, 3), C(5)], [(2, 2), C(-1)],
            [(2, 2, 2), C(-3)], [(0, 0), C(3)]], covers=("matrix_power", "Tensor.matrix_power")),
    OpSpec("linalg.solve_triangular",
           lambda lib, a, b, u, l, t: lib.linalg.solve_triangular(_wc(lib, a), b, upper=u, left=l,
                                                                  unitriangular=t),
           [[(3, 3), (3, 2), C(True), C(True), C(False)],
            [(3, 3), (3, 2), C(False), C(True), C(False)],
            [(2, 3, 3), (1, 3), C(True), C(False), C(False)],
            [(3, 3), (3, 1), C(False), C(True), C(True)],
            [(0, 0), (0, 2), C(True), C(True), C(False)]]),
    OpSpec("cholesky_solve", lambda lib, b, x, u: lib.cholesky_solve(
               b, lib.linalg.cholesky(_spd(lib, x), upper=u), upper=u),
           [[(3, 2), (3, 3), C(False)], [(2, 3, 1), (3, 3), C(True)]],
           covers=("Tensor.cholesky_solve",)),
    OpSpec("cholesky_inverse", lambda lib, x, u: lib.cholesky_inverse(
               lib.linalg.cholesky(_spd(lib, x), upper=u), upper=u),
           [[(3, 3), C(False)], [(2, 2), C(True)]], covers=("Tensor.cholesky_inverse",)),
    OpSpec("linalg.matrix_exp", lambda lib, x: lib.linalg.matrix_exp(x),
           [[(3, 3)], [(2, 2, 2)], [(1, 1)], [(0, 0)], [F((3, 3), -4, 4)]],
           covers=("matrix_exp", "Tensor.matrix_exp")),
    OpSpec("linalg.matrix_rank", lambda lib, x, h: lib.linalg.matrix_rank(x, hermitian=h),
           [[A([[1.0, 2.0], [2.0, 4.0]]), C(False)], [(3, 3), C(False)], [(2, 4, 3), C(False)],
            [A([[1.0, 2.0], [2.0, 4.0]]), C(True)], [A([[0.0, 0.0], [0.0, 0.0]]), C(False)]],
           grad=False),
    OpSpec("linalg.diagonal", lambda lib, x, o: lib.linalg.diagonal(x, offset=o),
           [[(3, 3), C(0)], [(2, 3, 4), C(1)], [(2, 3, 4), C(-1)]]),
    OpSpec("linalg.tensorinv", lambda lib, x: lib.linalg.tensorinv(_wc(lib, x).reshape(2, 3, 6)),
           [[(6, 6)]]),
    OpSpec("linalg.tensorinv-ind1",
           lambda lib, x: lib.linalg.tensorinv(_wc(lib, x).reshape(4, 2, 2), ind=1), [[(4, 4)]]),
    OpSpec("linalg.tensorsolve", lambda lib, x, b: lib.linalg.tensorsolve(
               _wc(lib, x).reshape(2, 3, 6), b), [[(6, 6), (2, 3)]]),
    OpSpec("linalg.tensorsolve-dims", lambda lib, x, b: lib.linalg.tensorsolve(
               _wc(lib, x).reshape(2, 2, 4).permute(2, 0, 1), b, dims=(0,)), [[(4, 4), (2, 2)]]),
    OpSpec("linalg.vander", lambda lib, x, n: lib.linalg.vander(x, N=n),
           [[(3,), C(None)], [(2, 4), C(3)], [(3,), C(2)], [A([0.0, 1.0, -2.0]), C(None)]]),
    OpSpec("linalg.vander-grad-at-zero", lambda lib, x: lib.linalg.vander(x * 0), [[(3,)]],
           gradcheck=False),
    OpSpec("linalg.cond", lambda lib, x, p: lib.linalg.cond(_wc(lib, x), p),
           [[(3, 3), C(None)], [(2, 3, 3), C(2)], [(3, 3), C(-2)], [(3, 3), C("nuc")]]),
    # PyTorch's own backward fails for these norms (it modifies inv's output in place): the
    # gradient is checked against finite differences in tests/test_linalg.py
    OpSpec("linalg.cond-norms", lambda lib, x, p: lib.linalg.cond(_wc(lib, x), p),
           [[(3, 3), C("fro")], [(2, 3, 3), C(1)], [(3, 3), C(float("inf"))], [(3, 3), C(-1)]],
           grad=False),
    OpSpec("linalg.cond-rect", lambda lib, x: lib.linalg.cond(x), [[(4, 2)], [(2, 3)]]),
    OpSpec("linalg.matrix_power-int", lambda lib, x: lib.linalg.matrix_power(x, 3),
           [[I((3, 3))]], grad=False),

    # -- factorisations -------------------------------------------------------------------------
    OpSpec("linalg.cholesky", lambda lib, x, u: lib.linalg.cholesky(_spd(lib, x), upper=u),
           [[(3, 3), C(False)], [(2, 3, 3), C(False)], [(3, 3), C(True)], [(1, 1), C(False)],
            [(0, 0), C(False)]]),
    OpSpec("linalg.qr", lambda lib, x, m: tuple(lib.linalg.qr(x, mode=m)),
           [[(3, 3), C("reduced")], [(4, 3), C("reduced")], [(2, 4, 2), C("reduced")],
            [(3, 5), C("reduced")], [(3, 5), C("complete")], [(2, 2), C("complete")],
            [(0, 2), C("reduced")]]),
    OpSpec("linalg.qr-complete-tall", lambda lib, x: tuple(lib.linalg.qr(x, mode="complete")),
           [[(4, 2)]], grad=False),
    OpSpec("linalg.qr-r", lambda lib, x: lib.linalg.qr(x, mode="r")[1], [[(4, 3)], [(2, 3)]],
           grad=False),
    OpSpec("qr", lambda lib, x: tuple(lib.qr(x)), [[(4, 3)], [(3, 3)]], covers=("Tensor.qr",)),
    OpSpec("linalg.eigh", lambda lib, x: _eigh(lib, x), [[(3, 3)], [(2, 4, 4)], [(1, 1)], [(0, 0)]],
           atol=1e-3),
    OpSpec("linalg.eigh-upper", lambda lib, x: _eigh(lib, x, "U"), [[(3, 3)]], atol=1e-3),
    OpSpec("linalg.eigvalsh", lambda lib, x: lib.linalg.eigvalsh(_spd(lib, x)),
           [[(3, 3)], [(2, 4, 4)]]),
    OpSpec("linalg.svd", lambda lib, x, f: _svd(lib, x, f),
           [[(3, 3), C(False)], [(4, 3), C(False)], [(3, 5), C(False)], [(2, 4, 3), C(False)],
            [(4, 3), C(True)], [(2, 3), C(True)]], atol=1e-3),
    OpSpec("linalg.svdvals", lambda lib, x: lib.linalg.svdvals(x),
           [[(3, 3)], [(4, 2)], [(2, 2, 3)], [(0, 2)]]),
    OpSpec("svd", lambda lib, x, some: (lambda u, s, v: (s, u * v[..., :1, :]))(*lib.svd(x, some)),
           [[(4, 3), C(True)], [(3, 3), C(True)]], covers=("Tensor.svd",), atol=1e-3),
    OpSpec("svd-no-uv", lambda lib, x: tuple(lib.svd(x, compute_uv=False)),
           [[(4, 3)], [(2, 2, 3)]]),
    OpSpec("linalg.pinv", lambda lib, x: lib.linalg.pinv(x),
           [[(3, 3)], [(4, 3)], [(3, 5)], [(2, 4, 3)], [(0, 3)]], atol=1e-3),
    OpSpec("linalg.pinv-hermitian", lambda lib, x: lib.linalg.pinv(_spd(lib, x), hermitian=True),
           [[(3, 3)]]),
    OpSpec("linalg.pinv-rank-deficient", lambda lib, x: lib.linalg.pinv(x, rtol=1e-5),
           [[A([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])]], grad=False),
    OpSpec("linalg.lstsq", lambda lib, a, b, d: tuple(lib.linalg.lstsq(a, b, driver=d)),
           [[(5, 3), (5, 2), C(None)], [(5, 3), (5, 2), C("gelsd")], [(5, 3), (5, 2), C("gels")],
            [(5, 3), (5,), C("gelss")], [(3, 5), (3, 2), C(None)], [(2, 4, 3), (2, 4, 1), C(None)],
            [(2, 4, 3), (1, 4, 2), C("gelsd")]], atol=1e-3),
    OpSpec("pinverse", lambda lib, x: lib.pinverse(x), [[(4, 3)], [(2, 3)]],
           covers=("Tensor.pinverse",), atol=1e-3),

    # -- cdist ----------------------------------------------------------------------------------
    OpSpec("cdist", lambda lib, x, y, p: lib.cdist(x, y, p=p),
           [[(3, 2), (4, 2), C(2.0)], [(2, 1, 3, 2), (5, 4, 2), C(2.0)], [(3, 2), (4, 2), C(1.0)],
            [(3, 2), (4, 2), C(3.0)], [(3, 2), (4, 2), C(0.5)], [(3, 2), (4, 2), C(0.0)],
            [(3, 2), (4, 2), C(float("inf"))], [(0, 2), (3, 2), C(2.0)], [(2, 0), (3, 0), C(2.0)]]),
    OpSpec("cdist-zero-distance", lambda lib, x, p: lib.cdist(x, x, p=p),
           [[(3, 2), C(2.0)], [(3, 2), C(3.0)], [(3, 2), C(1.0)]], gradcheck=False),
]
