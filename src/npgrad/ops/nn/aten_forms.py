"""ATen's forms of ``nn.functional`` ops, as the top level has them: ``torch.ctc_loss``,
``torch.embedding_bag``, ``torch.grid_sampler(_2d/_3d)`` and ``torch.affine_grid_generator``.

They take integer codes where ``nn.functional`` takes strings (reductions, modes) and return
what the kernel returns (``embedding_bag``'s four tensors). Each computes through the
functional op, so values and gradients are that op's.
"""
from __future__ import annotations

import numpy as np

from ...backend import array_module
from ... import dtypes as _dt
from .._arguments import Tensor, as_tensor_arg, int_arg, named_errors
from .ctc import ctc_loss as _ctc_loss
from .embedding_bag import _bags, check_bag_weight, check_padding_idx, max_rows
from .embedding_bag import embedding_bag as _embedding_bag
from .loss import REDUCTION_CODES
from .sampling import _grid_sample, affine_grid

__all__ = ["ctc_loss", "embedding_bag", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d",
           "affine_grid_generator"]

_BAG_MODES = ("sum", "mean", "max")
_INTERPOLATION = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


@named_errors("ctc_loss")
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0,
             reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    """``nn.functional.ctc_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum).

    NOTE: ATen's schema says ``reduction=1``, but PyTorch's Python binding cannot read that
    default (``Mean``) and passes 0: called without it, ``torch.ctc_loss`` gives the
    per-sample losses. npgrad's default is that observed 0."""
    op = "ctc_loss"
    log_probs = as_tensor_arg(log_probs, op, "log_probs")
    if not _dt.is_float_np(log_probs._data.dtype):
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for '
                                  f"'{_dt.scalar_type_name(log_probs._data.dtype)}'")
    if log_probs.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional "
                           f"tensor for argument #1 'log_probs' ({op})")
    targets = as_tensor_arg(targets, op, "targets")
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.ndim}-dimensional "
                           f"tensor for argument #2 'targets' ({op})")
    blank, reduction = int_arg(blank, op, "blank", 5), int_arg(reduction, op, "reduction", 6)
    return _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                     REDUCTION_CODES.get(reduction, "none"), zero_infinity)


def _code(value, names: tuple, op: str, what: str, position: int) -> str:
    value = int_arg(value, op, what.replace(" ", "_"), position)
    if not 0 <= value < len(names):
        # NOTE: PyTorch's kernels read an unknown code as one of the known ones; npgrad refuses
        raise RuntimeError(f"{op}(): unknown {what} code {int(value)} (expected 0 to "
                           f"{len(names) - 1}: {', '.join(names)})")
    return names[int(value)]


@named_errors("embedding_bag")
def embedding_bag(weight, indices, offsets, scale_grad_by_freq: bool = False, mode: int = 0,
                  sparse: bool = False, per_sample_weights=None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> tuple:
    """``(output, offset2bag, bag_size, max_indices)`` of the bags of 1-D ``indices`` that
    ``offsets`` starts; ``mode`` 0 sum, 1 mean, 2 max. As PyTorch's CPU kernel: in sum mode
    ``bag_size``/``max_indices`` are zeros (and ``offset2bag`` is empty for float32/16
    weights without ``padding_idx``); ``bag_size`` counts
    the indices other than ``padding_idx`` (a negative one means none); in mean mode
    ``max_indices`` repeats ``bag_size``; in max mode it holds the row of ``weight`` each
    output element came from (0 for an empty bag)."""
    op = "embedding_bag"
    weight = as_tensor_arg(weight, op, "weight")
    # PyTorch's order: padding_idx is wrapped by weight's size(0) (and its autograd wrapper
    # reads size(0) of a weight that requires grad), then the rank, the dtype
    if (padding_idx is not None or weight.requires_grad) and weight.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if weight.ndim != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                           f"{weight.ndim}")
    check_padding_idx(padding_idx, weight)
    check_bag_weight(weight, op)
    name = _code(mode, _BAG_MODES, op, "mode", 5)
    indices, offsets = as_tensor_arg(indices, op, "indices"), as_tensor_arg(offsets, op, "offsets")
    if offsets.ndim != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension "
                           f"{offsets.ndim}")
    if indices.ndim != 1:
        indices = indices.reshape(-1)  # (ATen reads the indices as one flat sequence)
    last = offsets._data[-1] if offsets._data.size else 0
    if offsets.ndim == 1 and int(last) > indices.shape[0]:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length "
                           f"{indices.shape[0]} but got offsets[-1] of {int(last)}")
    if per_sample_weights is not None:
        for what, ok in (("dim() == 1", per_sample_weights.ndim == 1),
                         ("numel() == indices.numel()",
                          per_sample_weights.numel() == indices.numel())):
            if not ok:
                raise RuntimeError(f"Expected per_sample_weights.value().{what} to be true, "
                                   f"but got false. ({op})")
    padding = None if padding_idx is None or padding_idx < 0 else int(padding_idx)
    output = _embedding_bag(indices, weight, offsets, mode=name,
                            scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
                            per_sample_weights=per_sample_weights,
                            include_last_offset=include_last_offset, padding_idx=padding)
    flat, bag, n_bags = _bags(op, indices, offsets, include_last_offset)
    xp = array_module(flat)
    if name == "sum":
        zero = xp.zeros(n_bags, np.int64)
        # PyTorch's fast sum path (float32/16 weights with unit column stride, no
        # padding_idx argument) leaves offset2bag empty; its general path fills it
        fast = (padding_idx is None and weight._data.dtype.itemsize <= 4
                and weight.stride(1) == 1)
        offset2bag = xp.zeros(0, np.int64) if fast else bag.astype(np.int64)
        return output, Tensor._make(offset2bag), Tensor._make(zero), Tensor._make(zero.copy())
    keep = flat != padding if padding is not None else xp.ones(flat.shape, bool)
    bag_size = xp.bincount(bag[keep], minlength=n_bags).astype(np.int64)
    if name == "mean":
        max_indices = Tensor._make(bag_size.copy())
    else:
        max_indices = max_rows(weight, output, flat[keep], bag[keep], n_bags)
    return output, Tensor._make(bag.astype(np.int64)), Tensor._make(bag_size), max_indices


def _mode_names(op: str, interpolation_mode: int, padding_mode: int) -> tuple:
    return (_code(interpolation_mode, _INTERPOLATION, op, "interpolation mode", 3),
            _code(padding_mode, _PADDING, op, "padding mode", 4))


def grid_sampler(input, grid, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """``nn.functional.grid_sample`` with ATen's codes: interpolation 0 bilinear, 1 nearest,
    2 bicubic; padding 0 zeros, 1 border, 2 reflection. 4-D or 5-D input."""
    return _sampled("grid_sampler", input, grid, interpolation_mode, padding_mode,
                    align_corners)


def _sampled(op: str, input, grid, interpolation_mode, padding_mode, align_corners) -> Tensor:
    """The checks of PyTorch's grid_sampler kernels, then grid_sample."""
    input, grid = as_tensor_arg(input, op), as_tensor_arg(grid, op, "grid")
    mode, padding = _mode_names(op, interpolation_mode, padding_mode)
    return _grid_sample(input, grid, mode, padding, bool(align_corners))


def _grid_sampler_nd(k: int, input, grid, interpolation_mode: int, padding_mode: int,
                     align_corners: bool) -> Tensor:
    op = f"grid_sampler_{k}d"
    with named_errors(op):
        input, grid = as_tensor_arg(input, op), as_tensor_arg(grid, op, "grid")
        if input.ndim and grid.ndim and (input.ndim != k + 2 or grid.ndim != k + 2):
            raise RuntimeError(f"grid_sampler(): expected {k + 2}D input and grid with same "
                               f"number of dimensions, but got input with sizes "
                               f"{list(input.shape)} and grid with sizes {list(grid.shape)}")
        return _sampled(op, input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_2d(input, grid, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """``grid_sampler`` of 4-D input (N, C, H, W) at a grid (N, Ho, Wo, 2)."""
    return _grid_sampler_nd(2, input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """``grid_sampler`` of 5-D input (N, C, D, H, W) at a grid (N, Do, Ho, Wo, 3)."""
    return _grid_sampler_nd(3, input, grid, interpolation_mode, padding_mode, align_corners)


@named_errors("affine_grid_generator")
def affine_grid_generator(theta, size, align_corners: bool) -> Tensor:
    """``nn.functional.affine_grid`` as ATen has it: ``align_corners`` required."""
    theta = as_tensor_arg(theta, "affine_grid_generator", "theta")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"affine_grid_generator(): argument 'size' (position 2) must be tuple "
                        f"of ints, not {type(size).__name__}")
    if len(size) not in (4, 5):
        raise RuntimeError("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")
    if theta._data.dtype == np.bool_:  # its base grid is a linspace in theta's dtype
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    return affine_grid(theta, size, bool(align_corners))
