"""autograd.forward_ad: tangents of elementwise, matmul, reduction, nn and in-place ops,
structure and errors, against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

from ._util import close

RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 4))
T = RNG.standard_normal((3, 4))
W = RNG.standard_normal((4, 5))
TW = RNG.standard_normal((4, 5))

CASES = {
    "elementwise": lambda lib, F, x, w: (x.sin() * x.exp() + x / (1 + x * x)).tanh(),
    "pow_and_where": lambda lib, F, x, w: lib.where(x > 0, x ** 3, -x.abs().sqrt()),
    "matmul": lambda lib, F, x, w: x @ w,
    "reductions": lambda lib, F, x, w: (x.sum(0), x.mean(1), x.max(1).values,
                                        x.logsumexp(1), x.norm()),
    "broadcast": lambda lib, F, x, w: x * w[:3, :1] + w.sum(),
    "nn": lambda lib, F, x, w: (F.softmax(x @ w, -1), F.gelu(x), F.layer_norm(x, (4,)),
                                F.mse_loss(x @ w, (x @ w).detach() * 0)),
    "shapes": lambda lib, F, x, w: (x.t().reshape(2, 6), lib.cat([x, x * 2], 1)[:, 3:],
                                    x.unsqueeze(0).expand(2, 3, 4).permute(2, 0, 1)),
    "linear": lambda lib, F, x, w: F.linear(x, w.t(), w[0]),
}


def _flat(out):
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("case", sorted(CASES))
def test_tangents_match_pytorch(case):
    res = {}
    for lib in (npgrad, torch):
        fw = lib.autograd.forward_ad
        F = lib.nn.functional
        with fw.dual_level():
            x = fw.make_dual(lib.tensor(X), lib.tensor(T))
            w = fw.make_dual(lib.tensor(W), lib.tensor(TW))
            outs = _flat(CASES[case](lib, F, x, w))
            res[lib.__name__] = [fw.unpack_dual(o) for o in outs]
    for (pa, ta), (pt, tt) in zip(res["npgrad"], res["torch"]):
        close(pa, pt)
        close(ta, tt, rtol=1e-6, atol=1e-10)


def test_dual_structure_and_levels():
    for lib in (npgrad, torch):
        fw = lib.autograd.forward_ad
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        t = lib.tensor([0.5, -1.0])
        with pytest.raises(RuntimeError, match="no level exists"):
            fw.make_dual(x, t)
        with fw.dual_level() as level:
            assert level == 0
            with pytest.raises(RuntimeError, match="Nested forward mode AD is not supported"):
                fw.enter_dual_level()
            d = fw.make_dual(x, t)
            assert d.requires_grad and d.grad_fn is not None
            u = fw.unpack_dual(d)
            assert isinstance(u, fw.UnpackedDualTensor) and u.tangent is t
            assert fw.unpack_dual(u.primal).tangent is None
            assert fw.unpack_dual(x).tangent is None
            assert fw.unpack_dual(d.argmax()).tangent is None
            assert fw.unpack_dual(d > 0).tangent is None
            with pytest.raises(RuntimeError, match="different size"):
                fw.make_dual(x, lib.ones(3))
            with pytest.raises(ValueError, match="Expected primal to be floating point"):
                fw.make_dual(lib.ones(2, dtype=lib.long), t)
            y = d * d
        assert fw.unpack_dual(y).tangent is None  # dropped with the level
        assert fw.enter_dual_level() == 0
        fw.exit_dual_level()


def test_tangent_is_differentiable_when_the_primal_requires_grad():
    res = {}
    for lib in (npgrad, torch):
        fw = lib.autograd.forward_ad
        x = lib.tensor(X, requires_grad=True)
        with fw.dual_level():
            y = (fw.make_dual(x, lib.tensor(T)).sin() ** 2).sum()
            tangent = fw.unpack_dual(y).tangent
        g, = lib.autograd.grad(tangent, x)  # d/dx of the directional derivative
        y2 = (x.sin() ** 2).sum()
        y2.backward()
        res[lib.__name__] = (tangent, g, x.grad)
    for a, t in zip(res["npgrad"], res["torch"]):
        close(a, t)


def test_no_grad_keeps_tangents_but_records_no_graph():
    for lib in (npgrad, torch):
        fw = lib.autograd.forward_ad
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with fw.dual_level():
            d = fw.make_dual(x, lib.tensor([1.0, 1.0]))
            with lib.no_grad():
                z = d * 3
            assert not z.requires_grad
            assert fw.unpack_dual(z).tangent.tolist() == [3.0, 3.0]


def test_in_place_ops_carry_tangents():
    res = {}
    for lib in (npgrad, torch):
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            d = fw.make_dual(lib.tensor([1.0, 2.0, 3.0]), lib.tensor([1.0, 2.0, 3.0]))
            e = lib.zeros(3)
            e[1:] = d[:2] * 2
            d = d.clone()
            d.mul_(3).add_(e.exp())  # (not d.mul_(d): PyTorch's tangent then reads itself)
            res[lib.__name__] = (fw.unpack_dual(e).tangent, fw.unpack_dual(d).tangent)
    for a, t in zip(res["npgrad"], res["torch"]):
        close(a, t)


def test_custom_function_tangent_from_its_backward():
    class Cube(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x * x * g

    fw = npgrad.autograd.forward_ad
    with fw.dual_level():
        d = fw.make_dual(npgrad.tensor([1.0, 2.0]), npgrad.tensor([1.0, 0.5]))
        assert fw.unpack_dual(Cube.apply(d)).tangent.tolist() == [3.0, 6.0]
