"""nn.utils.rnn against PyTorch: padding, packing, unpacking (values, lengths, indices and
gradients), and RNN/LSTM/GRU over packed input."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import npgrad

LENGTHS = [(3, 5, 1, 4), (5, 3, 3, 1), (2,)]


def _seqs(lib, lengths, features=(2,), seed=0, grad=True):
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.standard_normal((n,) + features), requires_grad=grad)
            for n in lengths]


def _np(x):
    return x.detach().numpy() if x is not None else None


def _same_packed(p, q):
    for a, b in zip(p, q):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-12)
            assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch(lengths, batch_first, side):
    outs = [lib.nn.utils.rnn.pad_sequence(_seqs(lib, lengths, (2, 3)), batch_first, -1.5, side)
            for lib in (npgrad, torch)]
    np.testing.assert_array_equal(_np(outs[0]), _np(outs[1]))


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_and_pad_round_trip_matches_torch_with_gradients(lengths, batch_first):
    results, grads = [], []
    for lib in (npgrad, torch):
        R = lib.nn.utils.rnn
        seqs = _seqs(lib, lengths)
        padded = R.pad_sequence(seqs, batch_first)
        packed = R.pack_padded_sequence(padded, lib.tensor(list(lengths)), batch_first,
                                        enforce_sorted=False)
        out, lens = R.pad_packed_sequence(packed, batch_first, padding_value=7.0,
                                          total_length=6)
        (out * out).sum().backward()
        results.append((packed, out, lens))
        grads.append([_np(s.grad) for s in seqs])
    _same_packed(results[0][0], results[1][0])
    for a, b in zip(results[0][1:], results[1][1:]):
        np.testing.assert_array_equal(_np(a), _np(b))
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)


def test_sorted_packing_keeps_no_indices_and_pack_sequence_agrees():
    for lib in (npgrad, torch):
        p = lib.nn.utils.rnn.pack_sequence(_seqs(lib, (4, 2, 2, 1)))
        assert p.sorted_indices is None and p.unsorted_indices is None
        assert p.batch_sizes.tolist() == [4, 3, 1, 1]
    _same_packed(npgrad.nn.utils.rnn.pack_sequence(_seqs(npgrad, (3, 1, 4)), False),
                 torch.nn.utils.rnn.pack_sequence(_seqs(torch, (3, 1, 4)), False))


def test_unpack_and_unpad_give_the_sequences_back():
    for lib in (npgrad, torch):
        R = lib.nn.utils.rnn
        seqs = _seqs(lib, (3, 5, 1), grad=False)
        back = R.unpack_sequence(R.pack_sequence(seqs, enforce_sorted=False))
        back2 = R.unpad_sequence(R.pad_sequence(seqs, True), lib.tensor([3, 5, 1]), True)
        for s, b, c in zip(seqs, back, back2):
            np.testing.assert_array_equal(_np(s), _np(b))
            np.testing.assert_array_equal(_np(s), _np(c))


def test_packed_sequence_is_pytorchs_named_tuple():
    p = npgrad.nn.utils.rnn.pack_sequence(_seqs(npgrad, (3, 1), grad=False))
    data, batch_sizes, sorted_indices, unsorted_indices = p
    assert p._fields == torch.nn.utils.rnn.PackedSequence._fields
    assert p.to(npgrad.float32).data.dtype == npgrad.float32
    assert p.float().batch_sizes is batch_sizes and not p.is_cuda
    perm = npgrad.tensor([2, 0, 3, 1])
    assert npgrad.nn.utils.rnn.invert_permutation(perm).tolist() == \
        torch.nn.utils.rnn.invert_permutation(torch.tensor([2, 0, 3, 1])).tolist()


def test_errors_match_torch():
    for lib in (npgrad, torch):
        R = lib.nn.utils.rnn
        with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
            R.pack_sequence(_seqs(lib, (1, 3)))
        with pytest.raises(RuntimeError, match="greater than 0"):
            R.pack_padded_sequence(lib.zeros(3, 2), [2, 0])
        with pytest.raises(ValueError, match="Expected total_length to be at least"):
            R.pad_packed_sequence(R.pack_sequence(_seqs(lib, (3, 1))), total_length=2)


RNNS = [("RNN", {}), ("RNN", dict(nonlinearity="relu", num_layers=2)),
        ("LSTM", dict(num_layers=2, bidirectional=True)), ("LSTM", dict(batch_first=True)),
        ("GRU", dict(bidirectional=True)), ("GRU", dict(bias=False))]


@pytest.mark.parametrize("name,kwargs", RNNS)
@pytest.mark.parametrize("with_hx", [False, True])
def test_recurrent_layers_on_packed_input_match_torch(name, kwargs, with_hx):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(3, 4, **kwargs).double()
    ours = getattr(npgrad.nn, name)(3, 4, **kwargs).double()
    ours.load_state_dict({k: npgrad.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    dirs = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    results = []
    for lib, m in ((npgrad, ours), (torch, theirs)):
        seqs = _seqs(lib, (3, 5, 1, 4), (3,))
        packed = lib.nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        hx = None
        if with_hx:
            rng = np.random.default_rng(1)
            h0 = lib.tensor(rng.standard_normal((dirs, 4, 4)), requires_grad=True)
            hx = (h0, h0 * 0.5) if name == "LSTM" else h0
        out, h_n = m(packed, hx)
        assert type(out).__name__ == "PackedSequence"
        padded, lens = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        states = h_n if isinstance(h_n, tuple) else (h_n,)
        loss = (padded * padded).sum() + sum((s * s * 0.3).sum() for s in states)
        loss.backward()
        grads = [_np(s.grad) for s in seqs] + [_np(p.grad) for p in m.parameters()]
        if with_hx:
            grads.append(_np(h0.grad))
        results.append([_np(padded), _np(lens)] + [_np(s) for s in states] + grads)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
