"""``autograd.Variable`` as PyTorch 2.13 has it: a legacy constructor of detached tensors."""
import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import Variable


def test_variable_shares_data_and_detaches():
    x = npgrad.ones(2, requires_grad=True) * 2
    v = Variable(x, requires_grad=True)
    t = torch.autograd.Variable(torch.ones(2, requires_grad=True) * 2, requires_grad=True)
    assert v is not x and v.grad_fn is None and t.grad_fn is None
    assert v.requires_grad and t.requires_grad and v.is_leaf
    v.data[0] = 5.0  # the same memory, as PyTorch's
    assert x[0].item() == 5.0
    assert not Variable(npgrad.ones(2)).requires_grad


def test_every_tensor_is_a_variable():
    assert isinstance(npgrad.ones(1), Variable)
    assert isinstance(torch.ones(1), torch.autograd.Variable)
    assert not isinstance(np.ones(1), Variable)


def test_variable_of_a_non_tensor():
    with pytest.raises(TypeError) as ours:
        Variable([1.0])
    with pytest.raises(TypeError) as theirs:
        torch.autograd.Variable([1.0])
    assert str(ours.value) == str(theirs.value)


def test_volatile_warns():
    with pytest.warns(UserWarning, match="volatile was removed"):
        Variable(npgrad.ones(1), volatile=True)


def test_old_style_training_step():
    w = Variable(npgrad.tensor([1.0, -1.0]), requires_grad=True)
    (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, -2.0]
