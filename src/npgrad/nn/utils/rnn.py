"""``nn.utils.rnn``: variable-length sequences for the recurrent layers.

A ``PackedSequence`` holds a batch of sequences time step by time step: ``data`` stacks, for
each step t, the ``batch_sizes[t]`` sequences still running at t (the batch sorted by
decreasing length, so they are the first ``batch_sizes[t]``). ``sorted_indices`` is the
order the batch was sorted into (None when it came sorted) and ``unsorted_indices`` its
inverse. Packing and unpacking are composites of indexing, ``cat`` and ``pad``, so gradients
flow through them.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...ops.indexing.indexing import index_select
from ...ops.nn.pad import pad
from ...ops.shape.joins import cat, stack
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """A packed batch of variable-length sequences (see the module docstring). Build it with
    ``pack_padded_sequence`` or ``pack_sequence``, not by hand."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence(*pack_result) from a 4-tuple
            data, batch_sizes, sorted_indices, unsorted_indices = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data: Tensor) -> "PackedSequence":
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        """``data`` converted as ``Tensor.to`` converts (dtype or device); the rest kept."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._with_data(data)

    def cpu(self, *args, **kwargs) -> "PackedSequence":
        return self._with_data(self.data.cpu(*args, **kwargs))

    def cuda(self, *args, **kwargs) -> "PackedSequence":
        return self._with_data(self.data.cuda(*args, **kwargs))

    def pin_memory(self) -> "PackedSequence":
        return self._with_data(self.data.pin_memory())

    def double(self) -> "PackedSequence":
        return self._with_data(self.data.double())

    def float(self) -> "PackedSequence":
        return self._with_data(self.data.float())

    def half(self) -> "PackedSequence":
        return self._with_data(self.data.half())

    def long(self) -> "PackedSequence":
        return self._with_data(self.data.long())

    def int(self) -> "PackedSequence":
        return self._with_data(self.data.int())

    def short(self) -> "PackedSequence":
        return self._with_data(self.data.short())

    def char(self) -> "PackedSequence":
        return self._with_data(self.data.char())

    def byte(self) -> "PackedSequence":
        return self._with_data(self.data.byte())

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return self.data.is_pinned()


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation (``out[permutation[i]] = i``), or None for None."""
    if permutation is None:
        return None
    perm = permutation._data
    out = np.empty_like(perm)
    out[perm] = np.arange(perm.size, dtype=perm.dtype)
    return Tensor._make(out)


def _lengths(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return lengths._data.astype(np.int64).reshape(-1)
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def pack_padded_sequence(input, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) whose sequences have
    the given ``lengths``. With ``enforce_sorted`` the lengths must be decreasing; otherwise
    the batch is sorted here and ``sorted_indices`` records how."""
    lens = _lengths(lengths)
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = Tensor._make(order.astype(np.int64))
        input = index_select(input, 0 if batch_first else 1, sorted_indices)
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    if lens.size and lens[0] > input.shape[0]:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to "
                           f"{lens[0]} but got {input.shape[0]}")
    batch_sizes = (lens[None, :] > np.arange(lens[0] if lens.size else 0)[:, None]).sum(1)
    data = cat([input[t, :int(b)] for t, b in enumerate(batch_sizes)], 0)
    return PackedSequence(data, Tensor._make(batch_sizes.astype(np.int64)), sorted_indices,
                          None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None) -> tuple:
    """The inverse of ``pack_padded_sequence``: (padded batch, lengths), in the batch's
    original order; ``total_length`` pads the time dim further."""
    data, batch_sizes, _, unsorted = sequence
    sizes = batch_sizes._data.astype(np.int64)
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
    batch = int(sizes[0]) if steps else 0
    starts = np.concatenate([[0], np.cumsum(sizes)])
    rows = [data[int(starts[t]):int(starts[t + 1])] for t in range(steps)]
    tail = (0, 0) * (data.ndim - 1)
    out = stack([pad(r, tail + (0, batch - r.shape[0]), value=padding_value) for r in rows], 0)
    if total_length is not None and total_length > steps:
        out = pad(out, tail + (0, 0, 0, total_length - steps), value=padding_value)
    lengths = (sizes[None, :] > np.arange(batch)[:, None]).sum(1).astype(np.int64)
    if unsorted is not None:
        out = index_select(out, 1, unsorted)
        lengths = lengths[unsorted._data]
    if batch_first:
        out = out.transpose(0, 1)
    return out, Tensor._make(lengths)


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of different lengths (L_i, *) into (T, B, *) (or (B, T, *)), padded
    with ``padding_value`` on the ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    sequences = list(sequences)
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        tail = (0, 0) * (s.ndim - 1)
        extra = longest - s.shape[0]
        amounts = (extra, 0) if padding_side == "left" else (0, extra)
        padded.append(pad(s, tail + amounts, value=padding_value))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """The sequences of a padded batch, each cut to its length."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(_lengths(lengths))]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) (``pad_sequence`` then ``pack_padded_sequence``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of sequences a PackedSequence holds, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


