"""``npgrad.quasirandom.SobolEngine`` against ``torch.quasirandom.SobolEngine``: unscrambled
points equal bit for bit; scrambled ones share the properties scrambling keeps."""
import numpy as np
import pytest
import torch
from torch.quasirandom import SobolEngine as TorchSobol

import npgrad
from npgrad.quasirandom import SobolEngine


def _same(ours, theirs):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("dimension", [1, 2, 5, 40, 1111, 21201])
def test_unscrambled_points_are_pytorchs(dimension):
    _same(SobolEngine(dimension).draw(129, dtype=npgrad.float64),
          TorchSobol(dimension).draw(129, dtype=torch.float64))


def test_draws_continue_and_state_matches():
    ours, theirs = SobolEngine(4), TorchSobol(4)
    for n in (1, 6, 9):
        _same(ours.draw(n), theirs.draw(n))
    ours.fast_forward(17)
    theirs.fast_forward(17)
    _same(ours.draw(3), theirs.draw(3))
    assert ours.num_generated == theirs.num_generated == 36
    ours.reset()
    theirs.reset()
    _same(ours.draw_base2(4), theirs.draw_base2(4))
    _same(SobolEngine(3).draw(2 ** 16), TorchSobol(3).draw(2 ** 16))  # float32, all bits
    expected = "SobolEngine(dimension=3, scramble=True, seed=7)"
    assert repr(SobolEngine(3, scramble=True, seed=7)) == expected
    assert repr(TorchSobol(3, scramble=True, seed=7)) == expected


def test_out_and_errors_match():
    out = npgrad.empty(1)
    result = SobolEngine(2).draw(4, out=out)
    assert result is out and tuple(out.shape) == (4, 2)
    for lib_engine in (SobolEngine, TorchSobol):
        with pytest.raises(ValueError, match=r"dimensionality for SobolEngine is \[1, 21201\]"):
            lib_engine(21202)
        engine = lib_engine(2)
        engine.draw(3)
        with pytest.raises(ValueError, match="require n to be a power of 2. 3 points have been "
                                             "previously generated, then: n=3\\+2\\*\\*2=7"):
            engine.draw_base2(2)


@pytest.mark.parametrize("engine", [SobolEngine, TorchSobol], ids=["npgrad", "torch"])
def test_scrambled_points_keep_the_net_property(engine):
    """2**m scrambled points still put exactly one point in each interval of width 2**-m
    in every dimension (a linear scramble and a digital shift keep Sobol' nets), and the
    same seed gives the same points."""
    a = engine(6, scramble=True, seed=3).draw_base2(8).numpy()
    counts = np.stack([np.bincount((a[:, d] * 256).astype(int), minlength=256)
                       for d in range(6)])
    assert (counts == 1).all()
    again = engine(6, scramble=True, seed=3).draw_base2(8).numpy()
    np.testing.assert_array_equal(a, again)
    other = engine(6, scramble=True, seed=4).draw_base2(8).numpy()
    assert not np.array_equal(a, other)
    assert a[0].min() > 0  # the shift moves the first point off the origin
    pairs = np.stack([np.bincount((a[:, 0] * 16).astype(int) * 16 + (a[:, 1] * 16).astype(int),
                                  minlength=256)])
    assert pairs.max() <= 4  # 2-d projections stay spread (no clumps of the 256 points)


def test_scrambled_moments_match_pytorchs_statistics():
    """Over many seeds the scrambled points' means and variances are a uniform's, in both."""
    for engine in (SobolEngine, TorchSobol):
        means = np.array([engine(3, scramble=True, seed=s).draw(64).numpy().mean(0)
                          for s in range(40)])
        assert abs(means.mean() - 0.5) < 0.01 and means.std() < 0.02
        x = engine(3, scramble=True, seed=1).draw_base2(10).numpy()
        np.testing.assert_allclose(x.var(0), 1 / 12, rtol=0.02)
