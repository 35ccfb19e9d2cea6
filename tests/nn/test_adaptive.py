"""AdaptiveLogSoftmaxWithLoss against PyTorch (same weights): output, loss, gradients,
log_prob, predict, repr, and its argument checks."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

from .harness import check_module, randn


def _make(lib):
    return lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)


def test_forward_loss_and_gradients_match_torch():
    def inputs(lib, rng, dt):
        return randn(lib, rng, dt, 6, 8), lib.tensor([0, 4, 9, 2, 7, 5])
    check_module(_make, inputs, "float64", modes=("train",))
    assert repr(_make(npgrad)) == repr(_make(torch))


def test_log_prob_predict_and_unbatched_input_match_torch():
    x = np.random.default_rng(0).standard_normal((5, 8))
    torch.manual_seed(0)
    theirs = _make(torch).double()
    ours = _make(npgrad).double()
    ours.load_state_dict({k: npgrad.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(ours.log_prob(npgrad.tensor(x)).detach().numpy(),
                               theirs.log_prob(torch.tensor(x)).detach().numpy(), rtol=1e-10)
    assert ours.predict(npgrad.tensor(x)).tolist() == theirs.predict(torch.tensor(x)).tolist()
    one_o = ours(npgrad.tensor(x[0]), npgrad.tensor(7))
    one_t = theirs(torch.tensor(x[0]), torch.tensor(7))
    assert one_o.output.shape == () and float(one_o.loss) == pytest.approx(float(one_t.loss))


def test_errors_match_torch():
    for lib in (npgrad, torch):
        with pytest.raises(ValueError, match="cutoffs should be a sequence of unique"):
            lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])
        with pytest.raises(RuntimeError, match="Target values should be in \\[0, 9\\]"):
            _make(lib)(lib.zeros(2, 8), lib.tensor([1, 12]))
