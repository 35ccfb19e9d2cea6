"""Products and linear algebra beyond the op table: errors (class as PyTorch, message naming
the op), result types, Tensor methods, beta=0, higher derivatives of einsum, and property
tests of matmul/einsum over random broadcast shapes (values and gradients are checked in
tests/ops/specs/linalg.py)."""
from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import npgrad


def _x(lib, *shape, dtype=None):
    n = int(np.prod(shape)) if shape else 1
    data = np.arange(1.0, n + 1.0).reshape(shape) / n
    return lib.tensor(data, dtype=dtype or lib.float32)


def _int(lib, *shape):
    return lib.ones(*shape, dtype=lib.int64)


def _d(lib, *shape):
    return _x(lib, *shape, dtype=lib.float64)


# ---------------------------------------------------------------------------------------------
# Errors: the same exception class as PyTorch, with a message naming the op
# ---------------------------------------------------------------------------------------------

ERRORS = [
    ("matmul", lambda lib: lib.matmul(_x(lib, 2, 3), _x(lib, 4, 5))),
    ("matmul", lambda lib: lib.matmul(_x(lib, 3), _x(lib, 4))),
    ("matmul", lambda lib: lib.matmul(_x(lib, 2, 3), _x(lib, 4))),
    ("matmul", lambda lib: lib.matmul(_x(lib, 3), _x(lib, 2, 4, 5))),
    ("matmul", lambda lib: lib.matmul(_x(lib, 2, 2, 3), _x(lib, 3, 3, 2))),
    ("matmul", lambda lib: lib.matmul(_x(lib), _x(lib, 3))),
    ("matmul", lambda lib: lib.matmul(_x(lib, 2, 3), _d(lib, 3, 2))),
    ("matmul", lambda lib: _x(lib, 2, 3) @ _int(lib, 3)),
    ("mm", lambda lib: lib.mm(_x(lib, 2, 3), _x(lib, 4, 5))),
    ("mm", lambda lib: lib.mm(_x(lib, 2, 3), _x(lib, 3))),
    ("mm", lambda lib: lib.mm(_x(lib, 2, 3), _d(lib, 3, 2))),
    ("bmm", lambda lib: lib.bmm(_x(lib, 2, 3, 4), _x(lib, 3, 4, 5))),
    ("bmm", lambda lib: lib.bmm(_x(lib, 2, 3, 4), _x(lib, 2, 5, 5))),
    ("bmm", lambda lib: lib.bmm(_x(lib, 3, 4), _x(lib, 4, 5))),
    ("mv", lambda lib: lib.mv(_x(lib, 2, 3), _x(lib, 4))),
    ("mv", lambda lib: lib.mv(_x(lib, 2, 3), _d(lib, 3))),
    ("dot", lambda lib: lib.dot(_x(lib, 3), _x(lib, 4))),
    ("dot", lambda lib: lib.dot(_x(lib, 3), _d(lib, 3))),
    ("dot", lambda lib: lib.dot(_x(lib, 2, 3), _x(lib, 3))),
    ("outer", lambda lib: lib.outer(_x(lib, 2, 3), _x(lib, 3))),
    ("cross", lambda lib: lib.cross(_x(lib, 2, 4), _x(lib, 2, 4), dim=1)),
    ("cross", lambda lib: lib.linalg.cross(_x(lib, 3), _x(lib, 2, 3))),
    ("addmm", lambda lib: lib.addmm(_x(lib, 3, 3), _x(lib, 2, 3), _x(lib, 3, 4))),
    ("addmm", lambda lib: lib.addmm(_d(lib, 2, 4), _x(lib, 2, 3), _x(lib, 3, 4))),
    ("addmv", lambda lib: lib.addmv(_x(lib, 3), _x(lib, 2, 3), _x(lib, 3))),
    ("bmm", lambda lib: lib.baddbmm(_x(lib, 2, 2), _x(lib, 3, 2, 3), _x(lib, 2, 3, 2))),
    ("einsum", lambda lib: lib.einsum("ij,jk", _x(lib, 2, 3))),
    ("einsum", lambda lib: lib.einsum("ij", _x(lib, 2, 3), _x(lib, 2, 3))),
    ("einsum", lambda lib: lib.einsum("ij", _x(lib, 2, 3, 4))),
    ("einsum", lambda lib: lib.einsum("ij->k", _x(lib, 2, 3))),
    ("einsum", lambda lib: lib.einsum("ij->ii", _x(lib, 2, 3))),
    ("einsum", lambda lib: lib.einsum("ii", _x(lib, 2, 3))),
    ("einsum", lambda lib: lib.einsum("ij,jk", _x(lib, 2, 3), _x(lib, 2, 2))),
    ("einsum", lambda lib: lib.einsum("ij,jk", _x(lib, 2, 3), _d(lib, 3, 2))),
    ("einsum", lambda lib: lib.einsum("i1", _x(lib, 2, 3))),
    ("tensordot", lambda lib: lib.tensordot(_x(lib, 2, 3), _x(lib, 2, 3), 1)),
    ("tensordot", lambda lib: lib.tensordot(_x(lib, 2, 3), _x(lib, 2, 3), ([0, 1], [0]))),
    ("tensordot", lambda lib: lib.tensordot(_x(lib, 2, 3), _x(lib, 2, 3), -1)),
    ("inner", lambda lib: lib.inner(_x(lib, 2, 3), _x(lib, 4))),
    ("inner", lambda lib: lib.inner(_x(lib, 3), _d(lib, 3))),
    ("tensordot", lambda lib: lib.tensordot(_x(lib, 3), _d(lib, 3), 1)),
    ("matmul", lambda lib: lib.matmul(lib.ones(2, 2, dtype=lib.bool),
                                      lib.ones(2, 2, dtype=lib.bool))),
    ("linalg.inv", lambda lib: lib.linalg.inv(lib.eye(2, dtype=lib.float16))),
    ("linalg.inv", lambda lib: lib.linalg.inv(_x(lib, 2, 3))),
    ("linalg.inv", lambda lib: lib.linalg.inv(_x(lib, 3))),
    ("linalg.inv", lambda lib: lib.linalg.inv(lib.ones(3, 3))),
    ("linalg.inv", lambda lib: lib.linalg.inv(_int(lib, 2, 2))),
    ("linalg.det", lambda lib: lib.linalg.det(_x(lib, 2, 3))),
    ("linalg.det", lambda lib: lib.linalg.det(_int(lib, 2, 2))),
    ("linalg.slogdet", lambda lib: lib.linalg.slogdet(_x(lib, 2, 3))),
    ("linalg.solve", lambda lib: lib.linalg.solve(lib.ones(2, 2), _x(lib, 2))),
    ("linalg.solve", lambda lib: lib.linalg.solve(lib.eye(3), _x(lib, 2))),
    ("linalg.solve", lambda lib: lib.linalg.solve(lib.eye(3), _x(lib, 4, 2))),
    ("linalg.solve", lambda lib: lib.linalg.solve(lib.eye(3), _d(lib, 3))),
    ("linalg.cholesky", lambda lib: lib.linalg.cholesky(-lib.eye(3))),
    ("linalg.cholesky", lambda lib: lib.linalg.cholesky(_x(lib, 2, 3))),
    ("linalg.qr", lambda lib: lib.linalg.qr(_x(lib, 3, 2), mode="full")),
    ("linalg.qr", lambda lib: lib.linalg.qr(_x(lib, 3))),
    ("linalg.eigh", lambda lib: lib.linalg.eigh(_x(lib, 2, 3))),
    ("linalg.eigh", lambda lib: lib.linalg.eigh(lib.eye(2), UPLO="X")),
    ("linalg.svd", lambda lib: lib.linalg.svd(_x(lib, 3))),
    ("linalg.svd", lambda lib: lib.linalg.svd(_int(lib, 2, 2))),
    ("linalg.pinv", lambda lib: lib.linalg.pinv(_x(lib, 3))),
    ("linalg.matrix_power", lambda lib: lib.linalg.matrix_power(_x(lib, 2, 3), 2)),
    ("linalg.inv", lambda lib: lib.linalg.matrix_power(lib.ones(2, 2), -1)),
    ("linalg.lstsq", lambda lib: lib.linalg.lstsq(_x(lib, 3, 2), _d(lib, 3, 1))),
    ("linalg.lstsq", lambda lib: lib.linalg.lstsq(_x(lib, 3, 2), _x(lib, 4, 1))),
    ("linalg.solve_triangular", lambda lib: lib.linalg.solve_triangular(lib.eye(2), _x(lib, 2),
                                                                        upper=True)),
    ("linalg.matrix_exp", lambda lib: lib.linalg.matrix_exp(_x(lib, 2, 3))),
    ("linalg.vander", lambda lib: lib.linalg.vander(_x(lib, 3), N=1)),
    ("linalg.tensorinv", lambda lib: lib.linalg.tensorinv(_x(lib, 2, 3, 4))),
    ("linalg.tensorsolve", lambda lib: lib.linalg.tensorsolve(_x(lib, 6, 4, 2, 3), _x(lib, 6, 4),
                                                              dims=(0, 2))),
    ("linalg.cond", lambda lib: lib.linalg.cond(_x(lib, 2, 3), "fro")),
    ("linalg.multi_dot", lambda lib: lib.linalg.multi_dot([_x(lib, 2, 3)])),
    ("cdist", lambda lib: lib.cdist(_x(lib, 2, 3), _x(lib, 4, 2))),
    ("cdist", lambda lib: lib.cdist(_x(lib, 3), _x(lib, 4, 3))),
    ("cdist", lambda lib: lib.cdist(_x(lib, 2, 3), _d(lib, 4, 3))),
    ("cdist", lambda lib: lib.cdist(_x(lib, 2, 3), _x(lib, 4, 3), p=-1)),
    # float16: PyTorch's CPU LAPACK kernels have no Half version (NotImplementedError, found
    # by the fuzzer); linalg.qr's even for an empty input
    ("linalg.det", lambda lib: lib.linalg.det(_x(lib, 2, 2, dtype=lib.float16))),
    ("linalg.qr", lambda lib: lib.linalg.qr(_x(lib, 3, 2, dtype=lib.float16))),
    ("linalg.qr", lambda lib: lib.linalg.qr(lib.ones(0, 3, dtype=lib.float16))),
    ("linalg.qr", lambda lib: lib.svd_lowrank(_x(lib, 3, 5, dtype=lib.float16), q=1)),
    ("linalg.svd", lambda lib: lib.linalg.svdvals(_x(lib, 4, 2, dtype=lib.float16))),
    ("svd", lambda lib: lib.svd(_x(lib, 3, 3, dtype=lib.float16), compute_uv=False)),
    ("linalg.cond", lambda lib: lib.linalg.cond(_x(lib, 3, 3, dtype=lib.float16), "nuc")),
    # ... but matrix_norm refuses it first, and checks the dtype before the dims
    ("linalg.matrix_norm", lambda lib: lib.linalg.matrix_norm(_x(lib, 3, 4, dtype=lib.float16),
                                                              "nuc")),
    ("linalg.matrix_norm", lambda lib: lib.linalg.matrix_norm(_x(lib, 3, 4, dtype=lib.float16),
                                                              2, dim=(0, 5))),
    ("linalg.matrix_norm", lambda lib: lib.linalg.matrix_norm(lib.ones(2, 4, dtype=lib.bool),
                                                              1, dim=(0, 2))),
    ("linalg.matrix_norm", lambda lib: lib.linalg.norm(_x(lib, 3, 4), "fro", -2)),
    ("lstsq", lambda lib: lib.linalg.lstsq(_d(lib, 3, 5), _d(lib, 3, 2), driver=-3)),
    ("lstsq", lambda lib: lib.linalg.lstsq(_x(lib, 2, 4, 3), _x(lib, 2, 1, 4, 2))),
    ("bilinear", lambda lib: lib.nn.functional.bilinear(_x(lib, 3, 2), _x(lib, 3, 4),
                                                        _x(lib, 5, 2, 4), _x(lib, 1, 5))),
    ("bilinear", lambda lib: lib.nn.functional.bilinear(_x(lib, 2, 3, 2), _x(lib),
                                                        _x(lib, 5, 2, 4), _x(lib, 5))),
    ("bilinear", lambda lib: lib.nn.functional.bilinear(_x(lib, 2, 3, 2), _x(lib, 2, 3, 4),
                                                        _x(lib), _x(lib, 5))),
    ("ormqr", lambda lib: lib.ormqr(lib.ones(4, 3, dtype=lib.bool), lib.ones((), dtype=lib.bool),
                                    lib.ones(4, 2, dtype=lib.bool))),
    ("ormqr", lambda lib: lib.ormqr(lib.ones(4, 3, dtype=lib.bool),
                                    lib.ones(2, 3, dtype=lib.bool),
                                    lib.ones(4, 2, dtype=lib.bool))),
    ("linalg.vander", lambda lib: lib.linalg.vander(lib.ones(3, dtype=lib.bool))),
    ("LOBPCG", lambda lib: lib.lobpcg(lib.ones(6, 6, dtype=lib.uint8), k=4)),
    ("common dtype", lambda lib: lib.nn.functional.cosine_similarity(_int(lib, 3, 2),
                                                                      _int(lib, 2), 1)),
]


@pytest.mark.parametrize("op,fn", ERRORS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)])
def test_errors_match_torch(op, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            fn(torch)
    expected = theirs.type
    if expected.__name__ == "_LinAlgError":
        expected = npgrad.linalg.LinAlgError
    with pytest.raises(expected) as ours:
        fn(npgrad)
    assert op in str(ours.value)


def test_matmul_message_names_shapes():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) cannot be "
                                           r"multiplied \(3 != 4\)"):
        npgrad.matmul(npgrad.zeros(2, 3), npgrad.zeros(4, 5))
    with pytest.raises(RuntimeError, match="same dtype.*float32.*float64"):
        npgrad.zeros(2, 3) @ npgrad.zeros(3, 2, dtype=npgrad.float64)


def test_matmul_with_a_number_is_a_type_error():
    for lib in (npgrad, torch):
        with pytest.raises(TypeError):
            lib.ones(2) @ 2
        with pytest.raises(TypeError):
            lib.matmul(3.0, lib.ones(2))


def test_linalg_error_is_runtime_error():
    assert issubclass(npgrad.linalg.LinAlgError, RuntimeError)
    with pytest.raises(npgrad.linalg.LinAlgError, match="linalg.inv"):
        npgrad.linalg.inv(npgrad.ones(2, 2))
    with pytest.raises(npgrad.linalg.LinAlgError, match="linalg.cholesky"):
        npgrad.linalg.cholesky(-npgrad.eye(2))


@pytest.mark.parametrize("fn", [
    lambda: npgrad.linalg.eigh(npgrad.eye(3)), lambda: npgrad.linalg.eigvalsh(npgrad.eye(3)),
    lambda: npgrad.linalg.pinv(npgrad.eye(3), hermitian=True),
    lambda: npgrad.linalg.matrix_rank(npgrad.eye(3), hermitian=True)])
def test_eigh_failure_is_pytorchs_linalg_error(fn, monkeypatch):
    """LAPACK's failure to converge (a NaN entry, say) is PyTorch's LinAlgError, a
    RuntimeError, not NumPy's (a ValueError) (found by the fuzzer)."""
    def fail(*args, **kwargs):
        raise np.linalg.LinAlgError("Eigenvalues did not converge")
    monkeypatch.setattr(np.linalg, "eigh", fail)
    monkeypatch.setattr(np.linalg, "eigvalsh", fail)
    with pytest.raises(npgrad.linalg.LinAlgError, match="linalg.eigh: The algorithm failed"):
        fn()


def test_lstsq_of_a_batch_of_vectors():
    """``B`` with one dim less than ``A`` is a batch of vectors, as in PyTorch."""
    a, b = np.arange(24.0).reshape(2, 4, 3) ** 0.5, np.arange(8.0).reshape(2, 4)
    ours = npgrad.linalg.lstsq(npgrad.tensor(a), npgrad.tensor(b)).solution
    theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b)).solution
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("x", [1e-30, 1e30, 3e-39])
@pytest.mark.parametrize("ord", [2, 3, 0.5])
def test_vector_norm_of_one_element_is_its_magnitude(x, ord):
    """No squaring to underflow or overflow (float32), as PyTorch (found by the fuzzer); the
    gradient as PyTorch's (nan for ord 3, whose formula overflows there)."""
    for value in ([x], [[-x]], -x):
        got = []
        for lib in (npgrad, torch):
            t = lib.tensor(value, dtype=lib.float32, requires_grad=True)
            norm = lib.linalg.vector_norm(t, ord, dim=None if np.ndim(value) < 2 else 1)
            norm.sum().backward()
            got.append((norm.detach().numpy(), t.grad.numpy()))
        assert np.allclose(got[0][0], np.float32(x), rtol=1e-6, atol=0)
        np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.linalg.det(lib.ones(2, 0, 0, dtype=lib.float16)),
    lambda lib: lib.linalg.svdvals(lib.ones(3, 0, 2, dtype=lib.float16)),
    lambda lib: lib.linalg.eigh(lib.ones(2, 0, 0, dtype=lib.int16)),
    lambda lib: lib.linalg.eigvalsh(lib.ones(0, 4, 4, dtype=lib.int8)),
    lambda lib: lib.linalg.cond(lib.ones(3, 2, 0, requires_grad=True)),
    lambda lib: lib.linalg.cond(lib.ones(0, 2, requires_grad=True), 1),
    lambda lib: lib.linalg.vander(lib.tensor(1.5), N=3)])
def test_empty_and_0d_inputs_as_pytorch(fn):
    """With nothing to compute, PyTorch answers for dtypes its LAPACK kernels lack (in that
    dtype), the condition number of empty matrices is 0, a 0-d x is one element of vander
    (found by the fuzzer)."""
    ours, theirs = fn(npgrad), fn(torch)
    for o, t in zip(*(x if isinstance(x, tuple) else (x,) for x in (ours, theirs))):
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        assert tuple(o.shape) == tuple(t.shape) and o.requires_grad == t.requires_grad
        np.testing.assert_allclose(o.detach().numpy().astype(float),
                                   t.detach().numpy().astype(float))


@pytest.mark.parametrize("shape,ord,dim", [
    ((0, 4), math.inf, (-2, -1)), ((0, 4), 1, (-2, -1)), ((3, 0), 1, (-2, -1)),
    ((3, 0), 2, (-2, -1)), ((3, 0), -math.inf, (-2, -1)), ((3, 0), "nuc", (-2, -1)),
    ((0, 2, 4), 1, (2, 0))])
def test_matrix_norm_of_empty_matrices(shape, ord, dim):
    """As PyTorch: 0 where the largest of no sums is taken (without gradient), the usual
    reductions elsewhere (amax of nothing raised, found by the fuzzer)."""
    ours, theirs = (lib.linalg.matrix_norm(lib.ones(shape, requires_grad=True), ord, dim)
                    for lib in (npgrad, torch))
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.requires_grad == theirs.requires_grad
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


def test_matrix_rank_of_empty_matrices_hermitian():
    assert npgrad.linalg.matrix_rank(npgrad.ones(2, 4, 0), hermitian=True).tolist() == [0, 0]


def test_vander_gradient_of_a_subnormal():
    """x's own column is x itself, so its gradient is exact (a cumulative product divided by
    x again underflowed to 0 for a subnormal x)."""
    grads = []
    for lib in (npgrad, torch):
        x = lib.tensor([0.9, 1.4e-45, 1e-30], dtype=lib.float32, requires_grad=True)
        lib.linalg.vander(x, N=2).backward(lib.tensor([[0.5, -0.4]] * 3))
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(*grads)


def test_matrix_exp_of_a_non_finite_matrix_is_nan():
    """As PyTorch; the other matrices of the batch are unaffected (an inf raised
    OverflowError, found by the fuzzer)."""
    finite = [[0.5, 1.0], [0.0, -1.0]]
    for bad in (np.inf, np.nan, -np.inf):
        a = np.array([[[bad, 1.0], [0.0, 1.0]], finite])
        ours = npgrad.linalg.matrix_exp(npgrad.tensor(a)).numpy()
        theirs = torch.linalg.matrix_exp(torch.tensor(a)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_cosine_similarity_of_a_vector_whose_norm_overflows():
    """|x| = inf (float32) gives x / inf = 0 terms, as PyTorch, not nan from the clamp."""
    x1 = np.array([[-1e30, 0.8], [0.4, 0.6]], dtype=np.float32)
    x2 = np.array([[-0.6], [-1.6]], dtype=np.float32)
    ours, theirs = (lib.nn.functional.cosine_similarity(lib.tensor(x1), lib.tensor(x2), dim=1)
                    for lib in (npgrad, torch))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_svd_norms_differentiate_twice():
    """The nuclear and spectral norms' backward goes through svdvals', so cond(A, 'nuc')
    has its second derivative (it had none: the first was U V^T held constant)."""
    a = np.array([[-1.0, 1.9, -0.9], [1.8, -1.5, -1.5], [0.6, -0.3, 0.1]])
    v = np.linspace(-1.0, 1.0, 9).reshape(3, 3)
    hessian_v = []
    for lib in (npgrad, torch):
        x = lib.tensor(a, requires_grad=True)
        (g,) = lib.autograd.grad(lib.linalg.cond(x, "nuc"), x, create_graph=True)
        (h,) = lib.autograd.grad((g * lib.tensor(v)).sum(), x)
        hessian_v.append(h.detach().numpy())
    np.testing.assert_allclose(*hessian_v, rtol=1e-7, atol=1e-9)


def test_errors_leave_inputs_unchanged():
    a = npgrad.ones(2, 2, requires_grad=True)
    b = npgrad.ones(2, 2)
    with pytest.raises(RuntimeError):
        npgrad.addmm(b, a, npgrad.ones(3, 3))
    with pytest.raises(RuntimeError):
        npgrad.linalg.inv(a)
    assert np.array_equal(a.detach().numpy(), np.ones((2, 2))) and a.grad is None
    assert b._version == 0 and np.array_equal(b.numpy(), np.ones((2, 2)))


def test_qr_backward_errors_match_torch():
    for lib in (npgrad, torch):
        x = lib.ones(4, 3, dtype=lib.float64) + lib.eye(4, 3, dtype=lib.float64)
        x.requires_grad_(True)
        _, r = lib.linalg.qr(x, mode="r")
        with pytest.raises(RuntimeError, match="mode='r'"):
            r.sum().backward()
        q, r = lib.linalg.qr(x, mode="complete")
        with pytest.raises(RuntimeError, match="complete"):
            q.sum().backward()


# ---------------------------------------------------------------------------------------------
# Result types, aliases and Tensor methods
# ---------------------------------------------------------------------------------------------

def _spd(lib):
    x = lib.tensor([[2.0, 0.5, 0.1], [0.5, 3.0, 0.2], [0.1, 0.2, 4.0]], dtype=lib.float64)
    return x


def test_named_results():
    a = _spd(npgrad)
    s = npgrad.linalg.slogdet(a)
    assert s.sign.item() == 1.0
    assert abs(s.logabsdet.item() - np.log(np.linalg.det(a.numpy()))) < 1e-12
    w, v = npgrad.linalg.eigh(a)
    e = npgrad.linalg.eigh(a)
    assert e.eigenvalues is not None and e.eigenvectors.shape == (3, 3)
    assert np.allclose((v @ npgrad.diag_embed(w) @ v.mT).numpy(), a.numpy())
    u, sv, vh = npgrad.linalg.svd(a)
    r = npgrad.linalg.svd(a)
    assert r.U.shape == r.Vh.shape == (3, 3) and r.S.shape == (3,)
    assert np.allclose((u * sv.unsqueeze(-2) @ vh).numpy(), a.numpy())
    q, rr = npgrad.linalg.qr(a)
    assert npgrad.linalg.qr(a).Q.shape == (3, 3)
    assert np.allclose((q @ rr).numpy(), a.numpy())
    t = npgrad.svd(a)
    assert np.allclose((t.U * t.S.unsqueeze(-2) @ t.V.mT).numpy(), a.numpy())
    assert "linalg_slogdet" in repr(s)


def test_top_level_aliases():
    # one op each (npgrad's top-level forms may wear the out= keyword's wrapper)
    same = lambda a, b: inspect.unwrap(a) is inspect.unwrap(b)  # noqa: E731
    assert same(npgrad.det, npgrad.linalg.det)
    assert same(npgrad.inverse, npgrad.linalg.inv)
    assert same(npgrad.slogdet, npgrad.linalg.slogdet)
    assert same(npgrad.matrix_power, npgrad.linalg.matrix_power)
    assert same(npgrad.linalg.matmul, npgrad.matmul)


METHODS = [
    lambda lib, x: x.det(),
    lambda lib, x: x.logdet(),
    lambda lib, x: tuple(x.slogdet()),
    lambda lib, x: x.inverse(),
    lambda lib, x: x.pinverse(),
    lambda lib, x: x.matrix_power(3),
    lambda lib, x: x.matrix_power(-2),
    lambda lib, x: x.svd()[1],
    lambda lib, x: x.qr()[1].abs(),
    lambda lib, x: x.inner(x),
    lambda lib, x: x.kron(x[:2, :2]),
    lambda lib, x: x[0].vdot(x[1]),
    lambda lib, x: x.addmm(x, x, beta=0.5, alpha=2),
    lambda lib, x: x[0].addmv(x, x[1], alpha=3),
    lambda lib, x: x.addr(x[0], x[1]),
    lambda lib, x: x.unsqueeze(0).baddbmm(x.unsqueeze(0), x.unsqueeze(0)),
    lambda lib, x: x.addbmm(x.unsqueeze(0), x.unsqueeze(0), beta=2),
]


@pytest.mark.parametrize("fn", METHODS)
def test_tensor_methods_match_torch(fn):
    ours, theirs = _spd(npgrad).requires_grad_(), _spd(torch).requires_grad_()
    o, t = fn(npgrad, ours), fn(torch, theirs)
    o, t = (o if isinstance(o, tuple) else (o,)), (t if isinstance(t, tuple) else (t,))
    for a, b in zip(o, t):
        assert np.allclose(a.detach().numpy(), b.detach().numpy())
    sum(a.sum() for a in o).backward()
    sum(b.sum() for b in t).backward()
    assert np.allclose(ours.grad.numpy(), theirs.grad.numpy())


def test_addmm_beta_zero_ignores_nan_and_gives_zero_grad():
    for lib in (npgrad, torch):
        inp = lib.full((2, 2), float("nan"), requires_grad=True)
        m = lib.ones(2, 3)
        out = lib.addmm(inp, m, m.mT, beta=0)
        assert not out.isnan().any()
        out.sum().backward()
        assert np.array_equal(inp.grad.numpy(), np.zeros((2, 2)))


def test_matrix_power_zero_is_identity_with_zero_grad():
    x = npgrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    p = npgrad.linalg.matrix_power(x, 0)
    assert p.requires_grad and np.array_equal(p.detach().numpy(), np.eye(2))
    p.sum().backward()
    assert np.array_equal(x.grad.numpy(), np.zeros((2, 2)))


def test_einsum_third_derivative_matches_torch():
    def third(lib):
        x = lib.tensor([[0.5, -1.0], [2.0, 0.3]], dtype=lib.float64, requires_grad=True)
        y = lib.einsum("ij,jk,ki->", x, x, x)
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad(lib.einsum("ii", g * g), x, create_graph=True)
        (k,) = lib.autograd.grad(h.sum(), x)
        return k.numpy()
    assert np.allclose(third(npgrad), third(torch))


def test_einsum_diagonal_grad_lands_on_diagonal():
    x = npgrad.ones(3, 3, requires_grad=True)
    npgrad.einsum("ii->i", x).sum().backward()
    assert np.array_equal(x.grad.numpy(), np.eye(3))


def test_det_of_singular_matrix_has_zero_gradient_as_torch():
    for lib in (npgrad, torch):
        x = lib.tensor([[[1.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [3.0, 4.0]]], requires_grad=True)
        lib.linalg.det(x).sum().backward()
        assert np.allclose(x.grad.numpy(), [[[0, 0], [0, 0]], [[4, -3], [-2, 1]]])


@pytest.mark.parametrize("p", ["fro", 1, float("inf"), -1])
def test_cond_gradients_in_other_norms(p):
    # PyTorch's backward raises here, so finite differences are the oracle
    x = npgrad.tensor(np.random.default_rng(0).uniform(-1, 1, (3, 3)) + 3 * np.eye(3),
                      requires_grad=True)
    assert npgrad.autograd.gradcheck(lambda a: npgrad.linalg.cond(a, p), (x,))


def test_cdist_zero_distance_gradient_is_zero():
    for lib in (npgrad, torch):
        x = lib.tensor([[1.0, 2.0], [1.0, 2.0]], requires_grad=True)
        lib.cdist(x, x).sum().backward()
        assert np.array_equal(x.grad.numpy(), np.zeros((2, 2)))


# ---------------------------------------------------------------------------------------------
# Property tests: matmul and einsum over random broadcast shapes, against PyTorch
# ---------------------------------------------------------------------------------------------

_dim = st.integers(1, 3)


@st.composite
def _matmul_shapes(draw):
    m, k, n = draw(_dim), draw(_dim), draw(_dim)
    batch = draw(st.lists(_dim, max_size=2))
    ba = [d if draw(st.booleans()) else 1 for d in batch]
    bb = [d if draw(st.booleans()) else 1 for d in batch][draw(st.integers(0, len(batch))):]
    a = tuple(ba) + (m, k) if draw(st.booleans()) or not batch else (k,)
    b = tuple(bb) + (k, n) if draw(st.booleans()) else (k,)
    return a, b


@settings(max_examples=30, deadline=None)
@given(_matmul_shapes(), st.integers(0, 2 ** 16))
def test_matmul_property(shapes, seed):
    rng = np.random.default_rng(seed)
    a, b = (rng.standard_normal(s) for s in shapes)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    na, nb = npgrad.tensor(a, requires_grad=True), npgrad.tensor(b, requires_grad=True)
    t, o = ta @ tb, na @ nb
    assert tuple(o.shape) == tuple(t.shape)
    assert np.allclose(o.detach().numpy(), t.detach().numpy())
    g = rng.standard_normal(tuple(t.shape))
    (t * torch.tensor(g)).sum().backward()
    (o * npgrad.tensor(g)).sum().backward()
    assert np.allclose(na.grad.numpy(), ta.grad.numpy())
    assert np.allclose(nb.grad.numpy(), tb.grad.numpy())


@st.composite
def _einsum_case(draw):
    letters = "abcd"
    sizes = {c: draw(_dim) for c in letters}
    n_ops = draw(st.integers(1, 3))
    subs = [draw(st.lists(st.sampled_from(letters), min_size=0, max_size=3))
            for _ in range(n_ops)]
    ins = ["".join(s) for s in subs]
    used = sorted(set("".join(ins)))
    out = draw(st.lists(st.sampled_from(used), unique=True)) if used else []
    explicit = draw(st.booleans())
    eq = ",".join(ins) + ("->" + "".join(out) if explicit else "")
    return eq, [tuple(sizes[c] for c in s) for s in ins]


@settings(max_examples=30, deadline=None)
@given(_einsum_case(), st.integers(0, 2 ** 16))
def test_einsum_property(case, seed):
    eq, shapes = case
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ns = [npgrad.tensor(a, requires_grad=True) for a in arrays]
    t, o = torch.einsum(eq, *ts), npgrad.einsum(eq, *ns)
    assert tuple(o.shape) == tuple(t.shape)
    assert np.allclose(o.detach().numpy(), t.detach().numpy())
    g = rng.standard_normal(tuple(t.shape))
    (t * torch.tensor(g)).sum().backward()
    (o * npgrad.tensor(g)).sum().backward()
    for a, b in zip(ns, ts):
        assert np.allclose(a.grad.numpy(), b.grad.numpy())


@pytest.mark.parametrize("make", [
    lambda L: L.baddbmm(L.ones(2, 2, 4), L.tensor(1.), L.ones(2, 3, 4)),
    lambda L: L.baddbmm(L.ones(2, 2, 4), L.ones(2, 2, 3), L.tensor(1.)),
    lambda L: L.addbmm(L.ones(2, 4), L.tensor(1.), L.ones(3, 3, 4)),
    lambda L: L.mv(L.tensor(1.), L.ones(3)),
    lambda L: L.addmv(L.ones(2), L.tensor(1.), L.ones(3)),
    lambda L: L.addmv(L.ones(2, 2), L.ones(2, 3), L.ones(3))])
def test_products_with_a_0d_operand_raise_pytorchs_class(make):
    """baddbmm, addbmm and mv size their result from an operand's dims before checking ranks
    (IndexError for a 0-d one), addmv checks the three ranks itself (RuntimeError): the
    fuzzer found npgrad's bmm/mv RuntimeError there."""
    classes = []
    for lib in (torch, npgrad):
        with pytest.raises((IndexError, RuntimeError)) as info:
            make(lib)
        classes.append(info.type)
    assert classes[0] is classes[1]
