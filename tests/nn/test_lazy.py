"""The lazy modules against PyTorch: reprs and state_dict keys before the first input, the
shapes they infer from it, the class they become, and (with PyTorch's weights copied in)
outputs and gradients."""
from __future__ import annotations

import pytest
import torch

import npgrad

from .harness import check_module, randn

LAZY = {
    "LazyLinear": (lambda lib: lib.nn.LazyLinear(4), (2, 5, 3)),
    "LazyLinear-nobias": (lambda lib: lib.nn.LazyLinear(4, bias=False), (2, 3)),
    "LazyConv1d": (lambda lib: lib.nn.LazyConv1d(4, 3, padding=1), (2, 3, 6)),
    "LazyConv2d-groups": (lambda lib: lib.nn.LazyConv2d(4, 3, groups=2, bias=False),
                          (2, 2, 5, 5)),
    "LazyConv3d": (lambda lib: lib.nn.LazyConv3d(2, 2), (1, 3, 3, 3, 3)),
    "LazyConvTranspose1d": (lambda lib: lib.nn.LazyConvTranspose1d(2, 3, stride=2), (2, 3, 4)),
    "LazyConvTranspose2d": (lambda lib: lib.nn.LazyConvTranspose2d(4, 3, 2, 1, 1),
                            (1, 2, 4, 4)),
    "LazyConvTranspose3d": (lambda lib: lib.nn.LazyConvTranspose3d(2, 2), (1, 2, 2, 2, 2)),
    "LazyBatchNorm1d": (lambda lib: lib.nn.LazyBatchNorm1d(), (4, 3)),
    "LazyBatchNorm2d": (lambda lib: lib.nn.LazyBatchNorm2d(momentum=0.3), (2, 3, 4, 4)),
    "LazyBatchNorm3d-noaffine": (lambda lib: lib.nn.LazyBatchNorm3d(affine=False),
                                 (2, 2, 3, 3, 3)),
    "LazyInstanceNorm1d": (lambda lib: lib.nn.LazyInstanceNorm1d(), (2, 3, 5)),
    "LazyInstanceNorm2d-affine-stats": (lambda lib: lib.nn.LazyInstanceNorm2d(
        affine=True, track_running_stats=True), (2, 3, 4, 4)),
    "LazyInstanceNorm3d": (lambda lib: lib.nn.LazyInstanceNorm3d(affine=True),
                           (2, 2, 3, 3, 3)),
}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_lazy_module_before_and_after_its_first_input_as_torch(name):
    make, shape = LAZY[name]
    seen = []
    for lib in (npgrad, torch):
        m = make(lib)
        before = (repr(m), list(m.state_dict()),
                  [type(p).__name__ for p in m.parameters()])
        m(lib.zeros(*shape))
        after = (repr(m), type(m).__name__, {k: tuple(v.shape) for k, v in
                                             m.state_dict().items()},
                 [type(p).__name__ for p in m.parameters()])
        seen.append((before, after))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("name", sorted(LAZY))
def test_materialised_lazy_module_matches_torch(name):
    make, shape = LAZY[name]

    def built(lib):
        m = make(lib)
        m(lib.zeros(*shape))
        return m
    check_module(built, lambda lib, rng, dt: (randn(lib, rng, dt, *shape),), "float64")


def test_uninitialized_tensors_as_torch():
    for lib in (npgrad, torch):
        p = lib.nn.UninitializedParameter()
        assert repr(p) == "<UninitializedParameter>" and p.requires_grad
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
            p.shape
        p.materialize((2, 3))
        assert type(p) is lib.nn.Parameter and tuple(p.shape) == (2, 3)
        assert p.dtype == lib.float32
        b = lib.nn.UninitializedBuffer()
        assert repr(b) == "<UninitializedBuffer>"
        b.materialize(4, dtype=lib.float64)
        assert type(b) is lib.Tensor and b.dtype == lib.float64
        assert isinstance(lib.nn.LazyLinear(3), lib.nn.modules.lazy.LazyModuleMixin)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.BatchNorm2d(3, affine=False), lambda lib: lib.nn.GroupNorm(2, 4, affine=False),
    lambda lib: lib.nn.LayerNorm(3, elementwise_affine=False),
    lambda lib: lib.nn.BatchNorm1d(3, bias=False)])
def test_norm_reprs_without_affine_say_bias_false_as_torch(make):
    assert repr(make(npgrad)) == repr(make(torch))
