"""LU, LDL, Householder and the ``_ex`` forms against PyTorch beyond the op specs: the
factorisations and pivots of many random matrices (exactly), and error parity (class and
message) for the argument checks and ``check_errors``."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import npgrad

from .errors.parity import pytorch_text

SINGULAR = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]
NOT_PD = [[4.0, 2.0, 1.0], [2.0, 1.0, 3.0], [1.0, 3.0, 5.0]]


def _matrices(seed: int, count: int, symmetric: bool = False):
    rng = np.random.default_rng(seed)
    for i in range(count):
        m, n = (int(k) for k in rng.integers(1, 9, size=2))
        if symmetric:
            n = m
        a = rng.standard_normal((int(rng.integers(1, 3)), m, n))
        if i % 4 == 0:
            a = np.round(a)  # ties between pivot candidates, exact zeros, singular matrices
        if symmetric:
            a = a + np.swapaxes(a, -1, -2)
        yield a.astype(np.float32 if i % 3 == 0 else np.float64)


def test_lu_factor_is_lapacks():
    for a in _matrices(0, 150):
        ours = npgrad.linalg.lu_factor_ex(npgrad.tensor(a))
        theirs = torch.linalg.lu_factor_ex(torch.tensor(a))
        np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
        tol = 1e-4 if a.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(ours.LU.numpy(), theirs.LU.numpy(), atol=tol, rtol=tol)


def test_ldl_factor_is_lapacks():
    for a in _matrices(1, 150, symmetric=True):
        ours = npgrad.linalg.ldl_factor_ex(npgrad.tensor(a))
        theirs = torch.linalg.ldl_factor_ex(torch.tensor(a))
        np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
        tol = 1e-3 if a.dtype == np.float32 else 1e-9
        scale = max(1.0, float(np.abs(theirs.LD.numpy()).max()))
        np.testing.assert_allclose(ours.LD.numpy(), theirs.LD.numpy(), atol=tol * scale)


def test_geqrf_reflectors_rebuild_q():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((2, 5, 3))
    h, tau = npgrad.geqrf(npgrad.tensor(a))
    q = npgrad.linalg.householder_product(h, tau)
    np.testing.assert_allclose((q @ h.triu()[..., :3, :]).numpy(), a, atol=1e-12)
    full = npgrad.ormqr(h, tau, npgrad.eye(5, dtype=npgrad.float64).expand(2, 5, 5))
    np.testing.assert_allclose(full[..., :, :3].numpy(), q.numpy(), atol=1e-12)


def _eye2(lib, dtype):
    return lib.stack([lib.eye(3), lib.tensor(dtype)])


ERRORS = [
    lambda lib: lib.linalg.lu_factor(lib.tensor(SINGULAR)),
    lambda lib: lib.linalg.lu_factor(_eye2(lib, SINGULAR)),
    lambda lib: lib.linalg.lu_factor_ex(lib.tensor(SINGULAR), check_errors=True),
    lambda lib: lib.linalg.lu_factor(lib.ones(3)),
    lambda lib: lib.linalg.lu_factor(lib.ones(3, 3, dtype=lib.int64)),
    lambda lib: lib.linalg.lu(lib.eye(3), pivot=False),
    lambda lib: lib.linalg.lu_solve(lib.eye(3), lib.ones(3, dtype=lib.int32), lib.ones(3)),
    lambda lib: lib.linalg.lu_solve(lib.eye(3), lib.ones(3, dtype=lib.int32), lib.ones(4, 2)),
    lambda lib: lib.linalg.lu_solve(lib.eye(3), lib.ones(3, dtype=lib.int64), lib.ones(3, 2)),
    lambda lib: lib.linalg.lu_solve(lib.eye(3), lib.ones(2, dtype=lib.int32), lib.ones(3, 2)),
    lambda lib: lib.linalg.lu_solve(lib.ones(3, 4), lib.ones(3, dtype=lib.int32),
                                    lib.ones(3, 2)),
    lambda lib: lib.lu_unpack(lib.eye(3), lib.ones(3, dtype=lib.int64)),
    lambda lib: lib.lu_unpack(lib.eye(3), 5 * lib.ones(3, dtype=lib.int32)),
    lambda lib: lib.linalg.solve_ex(_eye2(lib, SINGULAR), lib.ones(3), check_errors=True),
    lambda lib: lib.linalg.inv_ex(lib.tensor(SINGULAR), check_errors=True),
    lambda lib: lib.linalg.cholesky_ex(_eye2(lib, NOT_PD), check_errors=True),
    lambda lib: lib.linalg.cholesky(lib.tensor(NOT_PD)),
    lambda lib: lib.linalg.ldl_factor(lib.zeros(3, 3)),
    lambda lib: lib.linalg.ldl_factor(lib.ones(2, 3)),
    lambda lib: lib.linalg.ldl_solve(lib.eye(3), lib.ones(3, dtype=lib.int32), lib.ones(4, 2)),
    lambda lib: lib.linalg.ldl_solve(lib.eye(3), lib.ones(3), lib.ones(3, 2)),
    lambda lib: lib.linalg.householder_product(lib.ones(3, 4), lib.ones(3)),
    lambda lib: lib.linalg.householder_product(lib.ones(4, 3), lib.ones(4)),
    lambda lib: lib.linalg.householder_product(lib.ones(4, 3), lib.ones(3).double()),
    lambda lib: lib.ormqr(lib.ones(4, 3), lib.ones(2), lib.ones(4, 2)),
    lambda lib: lib.ormqr(lib.ones(4, 3), lib.ones(3), lib.ones(2, 4)),
    lambda lib: lib.geqrf(lib.ones(3, 3, dtype=lib.int64)),
    lambda lib: lib.histogramdd(lib.ones(5), bins=3),
    lambda lib: lib.histogramdd(lib.ones(5, 2), bins=[2, 3, 4]),
    lambda lib: lib.histogramdd(lib.ones(5, 2), bins=2, range=[0.0, 1.0]),
    lambda lib: lib.histogramdd(lib.ones(5, 2), bins=2, range=[1.0, 0.0, 0.0, 1.0]),
    lambda lib: lib.histogramdd(lib.tensor([[float("nan"), 1.0]]), bins=2),
    lambda lib: lib.histogramdd(lib.ones(5, 2), bins=2, weight=lib.ones(3)),
    lambda lib: lib.pca_lowrank(lib.ones(5, 4), q=5),
    lambda lib: lib.lobpcg(lib.eye(6), k=3),
]


@pytest.mark.parametrize("fn", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            fn(torch)
    expected = theirs.type
    if expected.__name__ == "_LinAlgError":
        expected = npgrad.linalg.LinAlgError
    with pytest.raises(expected) as ours:
        fn(npgrad)
    # (the internal-assert prefix of PyTorch's ldl_factor message is left out on purpose)
    assert str(theirs.value).endswith(pytorch_text(str(ours.value), str(theirs.value))), \
        (str(ours.value), str(theirs.value))


def test_backward_errors_match_torch():
    for lib in (npgrad, torch):
        x = lib.eye(3, requires_grad=True)
        with pytest.raises(NotImplementedError, match="derivative for 'geqrf'"):
            lib.geqrf(x * 2)[0].sum().backward()
        with pytest.raises(RuntimeError, match="linalg_ldl_factor_ex is not implemented"):
            lib.linalg.ldl_factor(x * 2)[0].sum().backward()
