"""The fuzzer's rules for ill-posed comparisons (``differential.ill_posed``): narrow, and
still comparing what two correct implementations agree on."""
from __future__ import annotations

import numpy as np
import torch

from ..ops.specs import ALL_SPECS
from .differential import condition, conditioned_atol, ill_posed
from .strategies import TensorArg, Variant

SPECS = {s.name: s for s in ALL_SPECS}


def _variant(name: str, *arrays: np.ndarray) -> Variant:
    args = [TensorArg(np.asarray(a, dtype=np.float64), True) for a in arrays]
    return Variant(SPECS[name], 0, args, "float64")


def test_lapack_values_of_a_singular_or_non_finite_matrix_are_not_compared():
    for matrix in (np.ones((3, 3)), [[1.0, np.inf, 0], [0, 1, 0], [0, 0, 1]],
                   [[1e30, 1, 0], [0, 1, 0], [0, 0, 1]]):
        v = _variant("linalg.inv", matrix)
        assert ill_posed(v, "values", "output 0: 1 of 9 differ")
        assert ill_posed(v, "grad values", "input 0: NaN at [0, 0]")
        assert ill_posed(v, "forward raises", "LinAlgError: linalg.inv: The input matrix is "
                                              "singular")
        # ... but an exception class, a shape or a dtype still count
        assert not ill_posed(v, "forward exception class", "TypeError (x) where torch raises "
                                                           "RuntimeError (y)")
        assert not ill_posed(v, "shape", "output 0: (3, 3) != torch (3,)")


def test_lapack_values_of_a_well_conditioned_matrix_are_compared():
    v = _variant("linalg.inv", np.eye(3) * 2 + 0.1)
    assert condition(v) < 10
    assert not ill_posed(v, "values", "output 0: 1 of 9 differ")
    assert not ill_posed(v, "forward raises", "LinAlgError: linalg.inv: singular")


def test_tolerance_grows_with_the_condition_number():
    theirs = np.ones((3, 3))
    well, ill = _variant("linalg.inv", np.eye(3)), _variant("linalg.inv", np.diag([1, 1, 1e9]))
    assert conditioned_atol(well, 1e-7, "float64", theirs, 1) < 1e-7 + 1e-13
    assert conditioned_atol(ill, 1e-7, "float64", theirs, 1) > 1e-6
    assert conditioned_atol(ill, 1e-7, "float64", theirs, 2) > 1e2
    # not for ops that LAPACK does not compute
    assert conditioned_atol(_variant("linalg.cross", np.diag([1, 1, 1e9]), np.eye(3)), 1e-7,
                            "float64", theirs, 1) == 1e-7


def test_non_finite_products_skip_only_nan_and_inf_places():
    x = np.array([[np.inf, 1.0, 2.0], [1.0, 2.0, 3.0]])
    v = _variant("einsum-list", x, np.ones((2, 3, 4)), np.ones((2, 4)))
    assert ill_posed(v, "values", "output 0: NaN at [0]: nan vs torch inf")
    assert not ill_posed(v, "values", "output 0: 1 of 2 differ, e.g. 1.0 vs torch 2.0")
    finite = _variant("einsum-list", np.ones((2, 3)), np.ones((2, 3, 4)), np.ones((2, 4)))
    assert not ill_posed(finite, "values", "output 0: NaN at [0]: nan vs torch inf")


def test_vectors_of_a_repeated_eigenvalue_are_not_compared():
    """x x^T + 3 I of a row x has the eigenvalue 3 twice: its eigenvectors are any basis of
    a plane; the eigenvalues themselves are still compared."""
    v = _variant("linalg.eigh-upper", [[-1.9, -1.4, 1.7]])
    v.__dict__["_torch_outputs"] = (torch.tensor([3.0, 3.0, 28.4]), torch.eye(3))
    assert ill_posed(v, "values", "output 1: 6 of 9 differ")
    assert ill_posed(v, "grad values", "input 0: 3 of 3 differ")
    assert not ill_posed(v, "values", "output 0: 1 of 3 differ")
    v.__dict__["_torch_outputs"] = (torch.tensor([1.0, 3.0, 28.4]), torch.eye(3))
    assert not ill_posed(v, "values", "output 1: 6 of 9 differ")
