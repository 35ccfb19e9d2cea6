"""Specs: linear algebra (``npgrad/ops/linalg/``): products, solvers, decompositions, norms.

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import math

import numpy as np

from ..harness import A, C, F, I, OpSpec, with_bf16

BINARY = [[(3,), (3,)], [(2, 3), (3,)], [(2, 1, 4), (3, 1)], [(), (2, 2)], [(0, 3), (3,)]]


def _wc(lib, x):
    return x + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype, device=x.device)


def _spd(lib, x):
    return x @ x.mT + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype, device=x.device)


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


INF = math.inf


def fixed(x, c):
    """``c``'s values, ``x``'s gradient (see the module docstring)."""
    return x - x.detach() + c


def _with_inf(shape: tuple, seed: int) -> np.ndarray:
    """Random values with about a fifth of them +-inf."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal(shape)
    m[rng.random(shape) < 0.2] = np.inf
    m[rng.random(shape) < 0.1] = -np.inf
    return m


SPECS = [
    OpSpec("dist", lambda lib, x, y: (lib.dist(x, y), x.dist(y, 3), x.dist(y, 1)),
           BINARY[:4], covers=("Tensor.dist",)),
    OpSpec("dist-inf", lambda lib, x, y: lib.dist(x, y, math.inf), [[(2, 3), (3,)]],
           gradgrad=False),
    OpSpec("dist-0", lambda lib, x, y: lib.dist(x, y, 0), [[(2, 3), (3,)]], grad=False),
    OpSpec("renorm", lambda lib, x: (lib.renorm(x, 2, 0, 1.0), x.renorm(1, 1, 2.5)),
           [[(3, 4)], [(2, 3, 4)]], covers=("Tensor.renorm",)),
    OpSpec("pdist", lambda lib, x: (lib.pdist(x), lib.pdist(x, 1), lib.pdist(x, 3)),
           [[(4, 3)], [(2, 5)], [(1, 3)]], covers=("nn.functional.pdist",)),
    # -- legacy matrix helpers --------------------------------------------------------------------
    OpSpec("chain_matmul", lambda lib, a, b, c: (lib.chain_matmul(a, b, c),
                                                 lib.chain_matmul(a)),
           [[(2, 3), (3, 4), (4, 2)]]),
    OpSpec("frobenius_norm", lambda lib, x: (lib.frobenius_norm(x, (0, 1)), lib.frobenius_norm(
        x, (0,), True)), [[(2, 3)], [(2, 3, 4)]]),
    OpSpec("nuclear_norm", lambda lib, x: (lib.nuclear_norm(x), lib.nuclear_norm(x, True)),
           [[(3, 3)], [(2, 4)]]),
    # (PyTorch's vander backward fails its own in-place check: tests/test_extra.py gradchecks)
    OpSpec("vander", lambda lib, x: (lib.vander(x), lib.vander(x, 4, True), lib.vander(x, 1)),
           [[(3,)], [(0,)], [F((4,), 0, 0)]], grad=False),
    OpSpec("vander-int", lambda lib, x: (lib.vander(x, 3), lib.vander(x, 1), lib.vander(x, 0),
                                         lib.vander(x.to(lib.int8), 1)),
           [[I((3,), -3, 3)]], grad=False),
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
    # with infinite entries the order of the products decides where nan lands: PyTorch's
    # cheapest order (A(BC) here, a dynamic programme for 4 and 5 matrices), not left to right
    OpSpec("linalg.multi_dot-order", lambda lib, *ms: (
        lib.linalg.multi_dot(ms[:3]), lib.chain_matmul(*ms[:3]), lib.linalg.multi_dot(ms[1:]),
        lib.linalg.multi_dot([ms[0][0], *ms[1:3], ms[3][:, 0]]), lib.linalg.multi_dot(ms)),
           [[A(_with_inf((2, 3), 5)), A(_with_inf((3, 4), 6)), A(_with_inf((4, 2), 7)),
             A(_with_inf((2, 5), 8)), A(_with_inf((5, 1), 9))]], grad=False),
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
    # int16/bool results: int64 where PyTorch sums a label out (one operand, or a label of
    # size > 1 in one operand only), the operands' dtype where bmm contracts it
    OpSpec("einsum-int-dtype", lambda lib, x, y: (
        lib.einsum("ij,j->i", x.short(), y.short()), lib.einsum("ij,j->i", x[:, :1].short(),
                                                                 y.short()),
        lib.einsum("ij,...jk->ik", x.short(), y.short()[None, :, None]),
        lib.einsum("ij,ij->i", x.short(), x[:, :1].short()), lib.einsum("ii->i", x[:, :2].short()),
        lib.einsum("iji->j", x.bool()[:, :, None].expand(2, 3, 2)), lib.einsum("ij->ij", x[:, :1])),
        [[I((2, 3)), I((3,))]], grad=False, dtypes=("float32",)),
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
    # -- norms ---------------------------------------------------------------------------------
    OpSpec("norm", lambda lib, x, p, d, k: x.norm(p, d, k),
           [[(3, 4), C("fro"), C(None), C(False)], [(3, 4), C(1), C(1), C(False)],
            [(2, 3, 4), C(3), C((0, 2)), C(True)], [(3, 4), C(INF), C(None), C(False)],
            [(3, 4), C("fro"), C((0, 1)), C(False)], [(), C(2), C(None), C(False)],
            [(0, 3), C(2), C(None), C(False)]], covers=("Tensor.norm",)),
    OpSpec("norm-nuc", lambda lib, x: lib.norm(x, "nuc"), [[(3, 4)]]),
    OpSpec("linalg.vector_norm", lambda lib, x, o, d, k: lib.linalg.vector_norm(x, o, d, k),
           [[(3, 4), C(2), C(None), C(False)], [(3, 4), C(1), C(1), C(False)],
            [(3, 4), C(3.5), C(-1), C(True)], [(3, 4), C(0.5), C((0, 1)), C(False)],
            [(2, 3, 4), C(INF), C((0, 2)), C(False)], [(3, 4), C(-INF), C(0), C(False)],
            [(3, 4), C(0), C(None), C(False)], [(3, 4), C(-1.5), C(1), C(False)],
            [(3, 4), C(1.5), C(()), C(False)], [(), C(2), C(None), C(False)],
            [(0, 3), C(2), C(1), C(False)]]),
    OpSpec("linalg.vector_norm-zero", lambda lib, x, c, o: lib.linalg.vector_norm(fixed(x, c), o),
           [[(3,), A([0.0, 0.0, 0.0]), C(o)] for o in (2, 1, 3, 0.5, 1.5, INF, -1)]
           + [[(3,), A([0.0, 1.0, -2.0]), C(o)] for o in (0.5, 1.5, 3, -1, INF)],
           gradcheck=False),
    OpSpec("linalg.vector_norm-ties", lambda lib, x, c: lib.linalg.vector_norm(fixed(x, c), INF),
           [[(3,), A([2.0, -2.0, 1.0])]], gradcheck=False),
    OpSpec("linalg.vector_norm-dtype",
           lambda lib, x: lib.linalg.vector_norm(x, dtype=lib.float64), [[(3, 4)]]),
    OpSpec("linalg.matrix_norm", lambda lib, x, o, k: lib.linalg.matrix_norm(x, o, keepdim=k),
           [[(3, 4), C("fro"), C(False)], [(3, 4), C(1), C(False)], [(2, 3, 4), C(-1), C(True)],
            [(3, 4), C(INF), C(False)], [(2, 3, 4), C(-INF), C(False)]]),
    OpSpec("linalg.matrix_norm-dim", lambda lib, x: lib.linalg.matrix_norm(x, 1, dim=(2, 0)),
           [[(3, 2, 4)]]),
    OpSpec("linalg.matrix_norm-svd", lambda lib, x, o, k: lib.linalg.matrix_norm(x, o, keepdim=k),
           [[(3, 4), C("nuc"), C(False)], [(2, 3, 3), C(2), C(True)], [(4, 3), C(-2), C(False)],
            [(2, 3, 4), C("nuc"), C(True)]]),
    OpSpec("linalg.norm", lambda lib, x, o, d: lib.linalg.norm(x, o, d),
           [[(3, 4), C(None), C(None)], [(3, 4), C(1), C(None)], [(4,), C(3), C(None)],
            [(2, 3, 4), C(None), C(1)], [(2, 3, 4), C(INF), C((0, 2))],
            [(3, 4), C("fro"), C(None)]]),
]

with_bf16(SPECS, "matmul", "mm", "bmm", "addmm", "baddbmm")  # (computed in float32 BLAS)
SPECS += [
    OpSpec("norm_except_dim", lambda lib, v, p, d: lib.norm_except_dim(v, p, d),
           [[(3, 4, 2), C(2), C(0)], [(3, 4, 2), C(2), C(1)], [(3, 4, 2), C(2), C(2)],
            [(3, 4), C(2), C(-1)], [(4, 3), C(3), C(1)]]),
]

# -- LU, LDL, Householder, the _ex forms (ops/linalg/lu.py, lu_solve.py, ldl.py, householder.py,
# cholesky.py); their factorisations are compared exactly: pivots, info, partial factors --------
SINGULAR = A([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
NOT_PD = A([[4.0, 2.0, 1.0], [2.0, 1.0, 3.0], [1.0, 3.0, 5.0]])


def _lu_solve(lib, a, b, left=True, adjoint=False):
    return lib.linalg.lu_solve(*lib.linalg.lu_factor(_wc(lib, a)), b, left=left, adjoint=adjoint)


def _sym(lib, x):
    return x + x.mT


SPECS += [
    OpSpec("linalg.lu_factor", lambda lib, x: tuple(lib.linalg.lu_factor(x)),
           [[(3, 3)], [(2, 4, 4)], [(3, 5)], [(5, 3)], [(1, 1)], [(0, 0)], [(2, 0, 3)]]),
    OpSpec("linalg.lu_factor_ex", lambda lib, x: tuple(lib.linalg.lu_factor_ex(x)),
           [[(3, 3)], [(2, 3, 2)], [SINGULAR], [A([[0.0, 0.0], [0.0, 0.0]])]]),
    OpSpec("linalg.lu", lambda lib, x: tuple(lib.linalg.lu(x)),
           [[(3, 3)], [(2, 4, 4)], [(3, 5)], [(5, 3)], [(2, 2, 1)], [SINGULAR], [(3, 0)]]),
    OpSpec("lu", lambda lib, x, i: tuple(lib.lu(x, get_infos=i)),
           [[(3, 3), C(False)], [(2, 3, 4), C(True)], [SINGULAR, C(True)]],
           covers=("Tensor.lu",)),
    OpSpec("lu_unpack", lambda lib, x, d, p: tuple(lib.lu_unpack(
               x, lib.linalg.lu_factor(x.detach()).pivots, d, p)),
           [[(3, 3), C(True), C(True)], [(3, 5), C(True), C(False)],
            [(2, 5, 3), C(True), C(True)]]),
    # (PyTorch's backward through the empty L and U fails: values only)
    OpSpec("lu_unpack-no-data", lambda lib, x: tuple(lib.lu_unpack(
               x, lib.linalg.lu_factor(x.detach()).pivots, False)), [[(3, 3)]], grad=False),
    OpSpec("linalg.lu_solve", _lu_solve,
           [[(3, 3), (3, 2)], [(2, 3, 3), (3, 1)], [(2, 1, 3, 3), (4, 3, 2)], [(3, 3), (3, 0)],
            [(0, 0), (0, 2)]]),
    OpSpec("linalg.lu_solve-left-adjoint",
           lambda lib, a, b, l, t: _lu_solve(lib, a, b, left=l, adjoint=t),
           [[(3, 3), (3, 2), C(True), C(True)], [(3, 3), (2, 3), C(False), C(False)],
            [(2, 3, 3), (2, 3), C(False), C(True)]]),
    # gradients into LU itself (a factorisation's pivots taken as given)
    OpSpec("linalg.lu_solve-LU", lambda lib, a, b: lib.linalg.lu_solve(
               _wc(lib, a), lib.linalg.lu_factor(_wc(lib, a.detach())).pivots, b),
           [[(3, 3), (3, 2)], [(2, 3, 3), (2, 3, 1)]]),
    OpSpec("linalg.lu_solve-singular", lambda lib, a, b: lib.linalg.lu_solve(
               *lib.linalg.lu_factor_ex(a)[:2], b), [[SINGULAR, (3, 1)]], grad=False),
    OpSpec("lu_solve", lambda lib, b, a: lib.lu_solve(b, *lib.linalg.lu_factor(_wc(lib, a))),
           [[(3, 2), (3, 3)]], covers=("Tensor.lu_solve",)),
    OpSpec("linalg.solve_ex", lambda lib, a, b, l: tuple(lib.linalg.solve_ex(_wc(lib, a), b,
                                                                             left=l)),
           [[(3, 3), (3,), C(True)], [(2, 3, 3), (3, 2), C(True)], [(2, 3, 3), (2, 2, 3), C(False)],
            [(2, 3, 3), (2, 3), C(True)]]),
    OpSpec("linalg.solve_ex-singular", lambda lib, a, b: tuple(lib.linalg.solve_ex(a, b)),
           [[SINGULAR, (3,)]], grad=False),
    OpSpec("linalg.inv_ex", lambda lib, x: tuple(lib.linalg.inv_ex(_wc(lib, x))),
           [[(3, 3)], [(2, 3, 3)], [(0, 0)]]),
    OpSpec("linalg.inv_ex-singular", lambda lib, x: tuple(lib.linalg.inv_ex(x)), [[SINGULAR]],
           grad=False),
    OpSpec("linalg.cholesky_ex", lambda lib, x, u: tuple(lib.linalg.cholesky_ex(_spd(lib, x),
                                                                                upper=u)),
           [[(3, 3), C(False)], [(2, 3, 3), C(True)], [(0, 0), C(False)]]),
    OpSpec("linalg.cholesky_ex-not-pd", lambda lib, x, u: tuple(lib.linalg.cholesky_ex(x,
                                                                                      upper=u)),
           [[NOT_PD, C(False)], [NOT_PD, C(True)], [A([[-1.0, 0.0], [0.0, -1.0]]), C(False)]],
           grad=False),
    OpSpec("linalg.householder_product", lambda lib, x, t: lib.linalg.householder_product(x, t),
           [[(4, 3), (3,)], [(3, 3), (2,)], [(2, 4, 2), (2, 2)], [(3, 2), (0,)], [(0, 0), (0,)]],
           covers=("orgqr", "Tensor.orgqr")),
    OpSpec("geqrf", lambda lib, x: tuple(lib.geqrf(x)), [[(4, 3)], [(2, 3, 5)], [(3, 3)], [(0, 2)]],
           grad=False, covers=("Tensor.geqrf",)),
    OpSpec("geqrf-roundtrip", lambda lib, x: lib.linalg.householder_product(*lib.geqrf(x)),
           [[(4, 3)], [(2, 3, 3)]], grad=False),
    OpSpec("ormqr", lambda lib, x, t, c, l, tr: lib.ormqr(x, t, c, l, tr),
           [[(4, 3), (3,), (4, 2), C(True), C(False)], [(4, 3), (3,), (4, 2), C(True), C(True)],
            [(4, 3), (3,), (2, 4), C(False), C(False)], [(4, 3), (3,), (2, 4), C(False), C(True)],
            [(2, 3, 2), (2, 2), (2, 3, 3), C(True), C(False)]],
           covers=("Tensor.ormqr",)),
    OpSpec("linalg.ldl_factor", lambda lib, x: tuple(lib.linalg.ldl_factor(_sym(lib, x))),
           [[(3, 3)], [(2, 5, 5)], [(1, 1)], [(0, 0)],
            [A([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])]], grad=False),
    OpSpec("linalg.ldl_factor_ex", lambda lib, x, h: tuple(lib.linalg.ldl_factor_ex(x,
                                                                                   hermitian=h)),
           [[A([[0.0, 0.0], [0.0, 1.0]]), C(False)], [A([[2.0, 1.0], [1.0, -3.0]]), C(True)]],
           grad=False),
    OpSpec("linalg.ldl_solve", lambda lib, x, b: lib.linalg.ldl_solve(
               *lib.linalg.ldl_factor(_sym(lib, x)), b),
           [[(3, 3), (3, 2)], [(2, 4, 4), (4, 1)], [(4, 4), (2, 4, 3)]], grad=False),
    OpSpec("triangular_solve", lambda lib, b, a, u, t, un: tuple(lib.triangular_solve(
               b, _wc(lib, a), u, t, un)),
           [[(3, 2), (3, 3), C(True), C(False), C(False)],
            [(2, 3, 1), (3, 3), C(False), C(True), C(False)],
            [(3, 2), (3, 3), C(True), C(True), C(True)]], covers=("Tensor.triangular_solve",)),
]

# -- randomized and iterative (ops/linalg/lowrank.py): compared on what their random start does
# not decide: the singular values and reconstruction of a matrix of rank q, eigenvalues and
# the projector onto the eigenvectors (their signs are arbitrary) -------------------------------


def _lowrank(lib, x, y, **kw):
    U, S, V = lib.svd_lowrank(x @ y, q=x.shape[-1], **kw)
    return S, (U * S.unsqueeze(-2)) @ V.mT


def _pca(lib, x, y, center):
    U, S, V = lib.pca_lowrank(x @ y, q=x.shape[-1], center=center)
    return S, (U * S.unsqueeze(-2)) @ V.mT


def _lobpcg(lib, x, k, largest):
    # (a tolerance float32 can reach: PyTorch iterates in float32 and would run to niter)
    tol = 1e-13 if x.dtype == lib.float64 else 1e-5
    E, X = lib.lobpcg(_spd(lib, x), k=k, largest=largest, tol=tol)
    return E, X @ X.mT


SPECS += [
    OpSpec("svd_lowrank", _lowrank, [[(5, 2), (2, 4)], [(3, 2), (2, 6)], [(2, 4, 3), (2, 3, 4)]]),
    # (M is a multiple of A, so A - M keeps rank q; M's detach hides it from finite differences)
    OpSpec("svd_lowrank-M", lambda lib, x, y: _lowrank(lib, x, y, M=0.5 * (x @ y).detach()),
           [[(5, 2), (2, 4)], [(2, 3), (3, 5)]], gradcheck=False, gradgrad=False),
    OpSpec("pca_lowrank", _pca, [[(6, 2), (2, 4), C(True)], [(5, 3), (3, 4), C(False)]]),
    OpSpec("lobpcg", _lobpcg, [[(6, 6), C(2), C(True)], [(6, 6), C(1), C(False)],
                               [(2, 6, 6), C(1), C(True)]], atol=1e-3),
]
