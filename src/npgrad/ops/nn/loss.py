"""Loss functions of ``nn.functional``, each with ``reduction`` ('none', 'mean', 'sum').

``cross_entropy`` (class-index targets) and ``nll_loss`` are fused primitives: one pass over
the logits, a max-shifted log-sum-exp, and a backward ``softmax - one_hot`` written in npgrad
ops. The other losses are composites of elementwise ops.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ...backend import array_module, as_array, host_check
from .. import autocast
from ...dtypes import is_float_np
from ... import dtypes as _dt
from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE
from . import _rows as _rowops
from .._arguments import Tensor, as_tensor_arg, describe, int_arg
from .activation import check_softmax_kernel, float_kernel_input, log_softmax, relu, softmax
from ..elementwise.binary import check_broadcast, where
from ..elementwise.unary import exp, log, log1p
from ..elementwise.trig import logit
from ..elementwise.pointwise import minimum, xlogy
from ..linalg.norms import vector_norm

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
           "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "gaussian_nll_loss", "poisson_nll_loss", "soft_margin_loss", "hinge_embedding_loss",
           "cosine_similarity", "pairwise_distance"]


def _legacy(size_average, reduce, reduction: str) -> str:
    """Map the deprecated ``size_average``/``reduce`` arguments to ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _float_result(x: Tensor, op: str) -> None:
    """A loss whose elementwise result is float cannot be written to an integer ``x`` (PyTorch
    computes these losses in ``x``'s dtype)."""
    if not is_float_np(x._data.dtype):
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_dt.scalar_type_name(x._data.dtype)} ({op}: {describe(x)})")


def _same_ndim(op: str, **tensors) -> None:
    """PyTorch's margin losses take inputs of one number of dimensions."""
    sizes = ", ".join(f"{k}: torch.Size({list(v.shape)})" for k, v in tensors.items())
    if len({v.ndim for v in tensors.values()}) > 1:
        raise RuntimeError(f"{op} : All input tensors should have same dimension but got "
                           f"sizes: {sizes} ")


def _broadcasts_to_input(input: Tensor, target: Tensor, op: str) -> None:
    """The losses PyTorch computes in place of ``input`` need ``target`` to broadcast to it."""
    try:
        shape = np.broadcast_shapes(input.shape, target.shape)
    except ValueError:
        return  # (the op's own error says which sizes differ)
    if tuple(shape) != tuple(input.shape):
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast "
                           f"shape {list(shape)} ({op})")


def check_triplet_ranks(anchor, positive, negative) -> None:
    """The triplet losses take three inputs of one number of dimensions."""
    ranks = [x.ndim if isinstance(x, Tensor) else None for x in (anchor, positive, negative)]
    if None not in ranks and len(set(ranks)) > 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {ranks[0]}D, positive "
                           f"{ranks[1]}D, and negative {ranks[2]}D inputs")


def _check_shapes(op: str, input: Tensor, target: Tensor) -> None:
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"Using a target size ({tuple(target.shape)}) that is different to the "
                      f"input size ({tuple(input.shape)}). This will likely lead to incorrect "
                      "results due to broadcasting. Please ensure they have the same size.",
                      stacklevel=3)


# ---------------------------------------------------------------------------------------------
# Regression losses
# ---------------------------------------------------------------------------------------------

class MseLoss(Primitive):
    """``(input - target) ** 2``, reduced: one node, as PyTorch's (``MseLossBackward0``,
    whose inputs are the two operands), which programs print as a loss's ``grad_fn``."""

    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, t, reduction):
        dt = _dt.result_type(x, t)
        if not is_float_np(dt):  # PyTorch's kernel exists for floating types only
            raise NotImplementedError(f"\"mse_cpu\" not implemented for "
                                      f"'{_dt.scalar_type_name(dt)}'")
        ctx.save_for_backward(x, t)
        ctx.reduction = reduction
        x, t = _dt.promote_binary(x, t)  # (int64 with float32 is float32, as PyTorch's)
        d = np.subtract(x, t)
        loss = d * d
        if reduction == "none":
            return loss
        return as_array(loss.mean() if reduction == "mean" else loss.sum(), loss.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        d = x - t
        g = grad * 2 * d
        if ctx.reduction == "mean":
            g = g / max(d.numel(), 1)
        need_x, need_t = ctx.needs_input_grad[:2]
        return (g if need_x else None), (-g if need_t else None), None


@autocast.float32
def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
             weight=None) -> Tensor:
    """Mean squared error ``(input - target) ** 2``."""
    input, target, weight = _loss_args(input, target, weight, "mse_loss")
    _check_shapes("mse_loss", input, target)
    reduction = _legacy(size_average, reduce, reduction)
    if weight is None and isinstance(input, Tensor) and isinstance(target, Tensor):
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(f"{reduction} is not a valid value for reduction")
        check_broadcast("mse_loss", input._data, target._data)
        return MseLoss.apply(input, target, reduction)
    loss = (input - target) ** 2
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


@autocast.float32
def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
            weight=None) -> Tensor:
    """Mean absolute error ``|input - target|``."""
    input, target, weight = _loss_args(input, target, weight, "l1_loss")
    _check_shapes("l1_loss", input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, _legacy(size_average, reduce, reduction))


@autocast.float32
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Quadratic ``0.5 d**2 / beta`` for ``|d| < beta``, linear ``|d| - beta/2`` beyond."""
    input, target, _ = _loss_args(input, target, None, "smooth_l1_loss")
    _check_shapes("smooth_l1_loss", input, target)
    if not is_float_np(target._data.dtype):  # (an integer input with a float target promotes)
        float_kernel_input(input, "smooth_l1_loss", "smooth_l1_cpu")
    d = (input - target).abs()
    if beta == 0:
        loss = d
    else:
        # the quadratic branch sees only its own elements: 0.5 * d * d at an infinite d put
        # 0 * inf = nan into the gradient that where masks (PyTorch's gradient is +-1 there);
        # a nan d takes the quadratic branch, whose gradient is nan as PyTorch's
        far = d >= beta
        q = where(far, 0.0, d)
        loss = where(far, d - 0.5 * beta, 0.5 * q * q / beta)
    return _reduce(loss, _legacy(size_average, reduce, reduction))


@autocast.float32
def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0,
               weight=None) -> Tensor:
    """``0.5 d**2`` for ``|d| <= delta``, ``delta (|d| - delta/2)`` beyond."""
    input, target, weight = _loss_args(input, target, weight, "huber_loss")
    if not is_float_np(target._data.dtype) and target._data.dtype == input._data.dtype:
        float_kernel_input(input, "huber_loss", "huber_cpu")  # (no integer kernel)
    _float_result(input, "huber_loss")
    _check_shapes("huber_loss", input, target)
    d = (input - target).abs()
    far = d > delta
    q = where(far, 0.0, d)  # (as in smooth_l1_loss: no 0 * inf in the masked gradient)
    loss = where(far, delta * (d - 0.5 * delta), 0.5 * q * q)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Classification: cross entropy and negative log likelihood (fused)
# ---------------------------------------------------------------------------------------------

def _rows(x: np.ndarray) -> np.ndarray:
    """(N, C, d1, ...) or (C,) -> (M, C): the class dimension last, one row per sample."""
    if x.ndim <= 2:  # (the common (N, C): already rows, and moveaxis is not free)
        return x if x.ndim == 2 else x[None, :]
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _rows_t(x: Tensor) -> Tensor:
    if x.ndim == 1:
        return x.unsqueeze(0)
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def _unrows(g: Tensor, shape: tuple) -> Tensor:
    if len(shape) == 1:
        return g.reshape(shape)
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return g.reshape(moved).movedim(-1, 1)


def _targets(input: np.ndarray, target: np.ndarray, weight, ignore_index: int, op: str):
    """Per-row class index, validity mask and weight, and each row's weight (the shapes and
    dtypes are checked by ``_check_nll``), with PyTorch's bounds check. The mask is None when
    every target counts, and the weights are None when there are none (so all are 1): the
    common case then gathers and multiplies nothing."""
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    t = target.reshape(-1)
    if t.dtype != np.int64:
        t = t.astype(np.int64)
    # 0 <= t < n in one comparison: a negative int64 read as uint64 is >= 2**63
    in_range = t.view(np.uint64) < n_classes
    if not 0 <= ignore_index < n_classes and host_check(in_range.all()):
        valid = None
    else:
        valid = t != ignore_index
        bad = valid & ~in_range
        if host_check(bad.any()):
            raise IndexError(f"{op}: Target {t[bad][0]} is out of bounds for {n_classes} "
                             f"classes")
        t = np.where(valid, t, 0)
    if weight is None:
        return t, valid, None, None if valid is None else valid.astype(input.dtype)
    w = weight.reshape(-1).astype(input.dtype)
    return t, valid, w, w[t] if valid is None else w[t] * valid


class CrossEntropy(Primitive):
    """Fused log-softmax + NLL (+ label smoothing) over class dim 1.

    The gradient with respect to the logits is, per row, ``a * softmax - b``: ``a`` a number
    and ``b`` a row of numbers, from the reduction's coefficients, the weights and the mask
    (:meth:`_coefficients`; in the common case, no weights, no smoothing, every target
    counted, ``a`` is one coefficient and ``b`` that coefficient at the target)."""

    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, smoothing, log_probs):
        ctx.save_for_backward(x)
        ctx.shape, ctx.reduction, ctx.log_probs = x.shape, reduction, log_probs
        rows = _rows(x)
        t, valid, w, wt = _targets(x, target, weight, ignore_index,
                                   "nll_loss" if log_probs else "cross_entropy")
        if log_probs:
            logp = rows
        else:  # (the row max and BLAS row sums of softmax, activation.py)
            logp = rows - _rowops.max_along(rows, 1)
            logp -= np.log(_rowops.sum_last(np.exp(logp)))
            ctx.logp = logp  # backward's softmax is exp(logp)
        m, c = rows.shape
        nll = -logp[array_module(logp).arange(m), t]
        if wt is not None:
            nll *= wt
        smooth = 0.0
        if smoothing:
            smooth = -(logp if w is None else logp * w).sum(axis=1)
            if valid is not None:
                smooth *= valid
        if reduction == "mean":
            # As PyTorch: each term over the targets' total weight, so a total of 0 (every
            # target ignored) makes the loss nan (0 / 0), not inf, and no smoothing term
            # where there is no smoothing (its 0 / 0 would be nan too)
            denom = x.dtype.type(m) if wt is None else wt.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                out = (1 - smoothing) * (nll.sum() / denom)
                if smoothing:
                    out = out + smoothing / c * (np.sum(smooth) / denom)
                ctx.coef = ((1 - smoothing) / denom, smoothing / c / denom if smoothing
                            else 0.0)
        else:
            ctx.coef = (1 - smoothing, smoothing / c)
            per_row = (1 - smoothing) * nll + smoothing / c * smooth
            out = per_row.sum() if reduction == "sum" else per_row.reshape(
                (x.shape[0],) + x.shape[2:] if x.ndim > 1 else ())
        ctx.targets, ctx.valid, ctx.w, ctx.wt, ctx.smoothing = t, valid, w, wt, smoothing
        return as_array(out, x.dtype)

    @staticmethod
    def _coefficients(ctx, x: np.ndarray) -> tuple:
        """Each row's ``a`` (shape (M,)) and ``b`` (shape (M, C)) of the gradient ``a *
        softmax - b``. An ignored row's are exact zeros, as PyTorch's, never 0 * inf (total
        weight 0): nan. A kept row of weight 0 then is nan where PyTorch's is (0 / 0 at its
        target)."""
        t, valid, w, wt = ctx.targets, ctx.valid, ctx.w, ctx.wt
        m, c = t.shape[0], x.shape[1] if x.ndim > 1 else x.shape[0]
        if w is None:
            w = np.ones_like(x, shape=(c,))
        if wt is None:
            wt = np.ones_like(x, shape=(m,))
        nll_coef, sm_coef = (np.full_like(x, k, shape=(m,)) for k in ctx.coef)
        with np.errstate(invalid="ignore"):
            a = nll_coef * wt + sm_coef * w.sum()
            b = sm_coef[:, None] * w
            b[array_module(b).arange(m), t] += nll_coef * wt
            if valid is not None:
                a, b = np.where(valid, a, 0), np.where(valid[:, None], b, 0)
        return a.astype(x.dtype), b.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if not STATE.enabled and not ctx.log_probs:  # no create_graph: in NumPy, one node
            d = np.exp(ctx.logp)
            if ctx.valid is None and ctx.w is None and not ctx.smoothing:
                # (a and b of the common case, see the class: the same arithmetic)
                coef = d.dtype.type(ctx.coef[0])
                d *= coef
                d[array_module(d).arange(d.shape[0]), ctx.targets] -= coef
            else:
                a, b = CrossEntropy._coefficients(ctx, x._data)
                d *= a[:, None]
                d -= b
            d *= grad._data.reshape(-1, 1) if ctx.reduction == "none" else grad._data
            shape = ctx.shape
            if len(shape) == 1:
                d = d.reshape(shape)
            elif len(shape) > 2:
                d = np.moveaxis(d.reshape((shape[0],) + shape[2:] + (shape[1],)), -1, 1)
            return Tensor._make(d), None, None, None, None, None, None
        rows = _rows_t(x)
        g = grad.reshape(-1, 1) if ctx.reduction == "none" else grad
        a, b = (Tensor._make(k) for k in CrossEntropy._coefficients(ctx, x._data))
        if ctx.log_probs:
            d = -b  # the loss is linear in the log-probabilities
        else:
            d = softmax(rows, 1) * a[:, None] - b
        return _unrows(d * g, ctx.shape), None, None, None, None, None, None


def _sizes(shape) -> str:
    """A shape as PyTorch prints sizes in these messages: ``[2, 3]``."""
    return str(list(shape))


def _check_nll(op: str, input: Tensor, target: Tensor, weight) -> Tensor:
    """nll_loss's checks of its arguments, in PyTorch's order (its nd wrapper, then the 1-d/2-d
    or the spatial kernel); returns the target, a 1-element target of a 1-d input made 0-d as
    PyTorch reads it."""
    x, t = input._data, target._data
    def what() -> str:  # (only when raising: describing the arguments is not free)
        return f"({op}: input and target {describe(input, target)})"

    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim}) {what()}")
    if x.ndim != 1 and x.shape[0] != (t.shape[0] if t.ndim else 0):
        # (PyTorch reads a 0-d target's batch size as 0)
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
                         f"({t.shape[0] if t.ndim else 0}). {what()}")
    if x.ndim > 2 and x.ndim != 4 and t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"Expected target size {_sizes(x.shape[:1] + x.shape[2:])}, got "
                           f"{_sizes(t.shape)} {what()}")
    spatial = x.ndim > 2  # PyTorch views 3-d and 5-d+ inputs as 4-d for its spatial kernel
    if x.ndim == 4 and t.ndim != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {t.ndim} {what()}")
    if not spatial and t.ndim > 1:
        raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported {what()}")
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_dt.scalar_type_name(t.dtype)} {what()}")
    if x.ndim == 1 and t.ndim == 1:
        if t.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{t.shape[0]} {what()}")
        target = target.reshape(())
    if x.ndim == 4 and t.shape != x.shape[:1] + x.shape[2:]:
        raise RuntimeError(f"size mismatch (got input: {_sizes(x.shape)} , target: "
                           f"{_sizes(t.shape)} {what()}")
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    if weight is not None:
        w = weight._data
        if w.size != n_classes or (not spatial and w.ndim != 1):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{_sizes(w.shape)} ({op})")
    if not is_float_np(x.dtype):
        kernel = "nll_loss2d_forward_out_frame" if spatial else "nll_loss_out_frame"
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_dt.scalar_type_name(x.dtype)}' {what()}")
    if weight is not None and weight._data.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {_dt.scalar_type_name(x.dtype)} but found "
                           f"{_dt.scalar_type_name(weight._data.dtype)} ({op}: input and "
                           f"weight {describe(input, weight)})")
    return target


def _loss_args(input, target, weight, op: str):
    """``input``, ``target`` and ``weight`` as Tensors (PyTorch takes no lists or arrays)."""
    return as_tensor_arg(input, op), as_tensor_arg(target, op, "target"), \
        None if weight is None else as_tensor_arg(weight, op, "weight")


def _class_dim(input: Tensor, op: str) -> int:
    """The class dim (0 of a 1-d input, else 1), which a 0-d input lacks."""
    if input.ndim == 0:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [-1, 0], "
                         f"but got 1) (input of shape ())")
    return 0 if input.ndim == 1 else 1


@autocast.float32
def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy of logits ``input`` (N, C, d1, ...) against class indices (N, d1, ...)
    or class probabilities (same shape as ``input``).

    >>> F.cross_entropy(npgrad.tensor([[2., 0.]]), npgrad.tensor([0]))
    tensor(0.1269)
    """
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    op = "cross_entropy"
    input, target, weight = _loss_args(input, target, weight, op)
    ignore_index = int_arg(ignore_index, "cross_entropy_loss", "ignore_index", 5)
    # PyTorch's order: a target of the input's shape holds probabilities (whatever its dtype),
    # any other holds class indices; a label_smoothing <= 0 is none
    if tuple(target.shape) == tuple(input.shape):
        if not target.is_floating_point():
            raise RuntimeError(f"Expected floating point type for target with class "
                               f"probabilities, got {_dt.scalar_type_name(target._data.dtype)} "
                               f"({op}: input and target {describe(input, target)})")
        if ignore_index >= 0:
            raise RuntimeError(f"ignore_index is not supported for floating point target "
                               f"({op}: ignore_index={ignore_index})")
        c = input.shape[_class_dim(input, op)]
        if weight is not None and (weight.ndim != 1 or weight.numel() != c):
            raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                               f"{c} classes or no classes but got weight tensor of shape: "
                               f"{_sizes(weight.shape)}")
        return _soft_cross_entropy(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing:g} ({op})")
    check_softmax_kernel(input._data, "log_softmax", _class_dim(input, op), op)
    target = _check_nll(op, input, target, weight)
    w = None if weight is None else weight._data
    return CrossEntropy.apply(input, target._data, w, ignore_index, reduction,
                              float(max(label_smoothing, 0.0)), False)


def _soft_cross_entropy(input, target, weight, reduction, smoothing) -> Tensor:
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    logp = log_softmax(input, 1 if input.ndim > 1 else 0)
    if smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {smoothing:g} "
                           f"(cross_entropy)")
    if smoothing > 0.0:
        target = target * (1 - smoothing) + smoothing / c
    if weight is not None:
        shape = (1, c) + (1,) * (input.ndim - 2) if input.ndim > 1 else (c,)
        logp = logp * weight.reshape(shape)
    loss = -(logp * target).sum(1 if input.ndim > 1 else 0)
    if reduction == "mean":
        return loss.sum() / (input.numel() // c) if input.ndim > 1 else loss
    return loss.sum() if reduction == "sum" else loss


@autocast.float32
def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of log-probabilities ``input`` (N, C, ...) at the target
    classes, weighted and averaged over the weights of the non-ignored targets."""
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    input, target, weight = _loss_args(input, target, weight, "nll_loss")
    ignore_index = int_arg(ignore_index, "nll_loss_nd", "ignore_index", 5)
    target = _check_nll("nll_loss", input, target, weight)
    w = None if weight is None else weight._data
    return CrossEntropy.apply(input, target._data, w, ignore_index, reduction, 0.0, True)


# ---------------------------------------------------------------------------------------------
# Binary classification
# ---------------------------------------------------------------------------------------------

def _bce_values(x: Tensor, t: Tensor) -> Tensor:
    """``-(t log x + (1 - t) log(1 - x))``, each log clamped at -100 (PyTorch's kernel)."""
    return -(t * log(x).clamp(min=-100.0) + (1 - t) * log(1 - x).clamp(min=-100.0))


class _BinaryCrossEntropy(Primitive):
    """The unreduced binary cross entropy with PyTorch's gradients: d/dx is
    ``(x - t) / max(x (1 - x), 1e-12)`` (differentiating the clamped logs gave 1 / x, 1e28
    at x = 1e-28 where PyTorch's is 1e10), d/dt ``-logit(x)`` (not clamped)."""
    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, t):
        ctx.save_for_backward(x, t)
        return _bce_values(Tensor._make(x), Tensor._make(t))._data

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        need_x, need_t = ctx.needs_input_grad
        gx = grad * (x - t) / (x * (1 - x)).clamp(min=1e-12) if need_x else None
        gt = grad * -logit(x) if need_t else None
        return gx, gt


@autocast.float32
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """``-(t log x + (1 - t) log(1 - x))`` for probabilities ``x``; logs clamped at -100."""
    input, target, weight = _loss_args(input, target, weight, "binary_cross_entropy")
    if target._data.dtype != input._data.dtype:
        raise RuntimeError(f"Found dtype {_dt.scalar_type_name(target._data.dtype)} but expected "
                           f"{_dt.scalar_type_name(input._data.dtype)} (binary_cross_entropy: "
                           f"target {describe(target)}, input {describe(input)})")
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"Using a target size ({tuple(target.shape)}) that is different to the "
                         f"input size ({tuple(input.shape)}) is deprecated. Please ensure they "
                         "have the same size.")
    float_kernel_input(input, "binary_cross_entropy", "binary_cross_entropy")
    data = input._data
    if host_check(np.any((data < 0) | (data > 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = _BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, _legacy(size_average, reduce, reduction))


class BCEWithLogits(Primitive):
    """Sigmoid + binary cross entropy, reduced: one node, as PyTorch's
    (``BinaryCrossEntropyWithLogitsBackward0``), which programs print as a loss's grad_fn.

    With lw = 1 + (pos_weight - 1) t and softplus(-x) = log(1 + exp(-x)):
    loss = w ((1 - t) x + lw softplus(-x)); d/dx = w ((1 - t) - lw sigmoid(-x)),
    d/dt = w (-x + (pos_weight - 1) softplus(-x)). As in PyTorch, weight and pos_weight
    have no gradient (the function refuses them when they require grad).
    """

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, w, pw, reduction):
        ctx.save_for_backward(x, t, w, pw)
        ctx.reduction = reduction
        # log(1 + exp(-x)) computed without overflow: log1p(exp(-|x|)) + max(-x, 0)
        sp = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)
        loss = (1 - t) * x + (sp if pw is None else ((pw - 1) * t + 1) * sp)
        if w is not None:
            loss = loss * w
        loss = loss.astype(_dt.result_type(x, t), copy=False)
        if reduction == "none":
            return loss
        return as_array(loss.mean() if reduction == "mean" else loss.sum(), loss.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, t, w, pw = ctx.saved_tensors
        sp = log1p(exp(-x.abs())) + relu(-x)
        lw = 1 if pw is None else (pw - 1) * t + 1
        if ctx.reduction == "mean":
            n = 1
            for size in np.broadcast_shapes(*(a.shape for a in (x, t, w, pw) if a is not None)):
                n *= size
            grad = grad / max(n, 1)
        scale = grad if w is None else grad * w
        need = ctx.needs_input_grad
        dx = scale * ((1 - t) - lw * (-x).sigmoid()) if need[0] else None
        dt = scale * (-x if pw is None else (pw - 1) * sp - x) if need[1] else None
        return dx, dt, None, None, None


@autocast.float32
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight=None) -> Tensor:
    """Sigmoid + binary cross entropy in one stable formula, with ``pos_weight`` for the
    positive class."""
    op = "binary_cross_entropy_with_logits"
    input, target, weight = _loss_args(input, target, weight, op)
    pos_weight = None if pos_weight is None else as_tensor_arg(pos_weight, op, "pos_weight")
    if tuple(input.shape) != tuple(target.shape):  # (PyTorch checks sizes before dtypes)
        raise ValueError(f"Target size ({tuple(target.shape)}) must be the same as input size "
                         f"({tuple(input.shape)})")
    float_kernel_input(input, op, "log_sigmoid_cpu")
    _float_result(target, op)
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    for name, a in (("weight", weight), ("pos_weight", pos_weight)):
        if STATE.enabled and isinstance(a, Tensor) and a.requires_grad:
            raise RuntimeError(f"The function 'binary_cross_entropy_with_logits' is not "
                               f"differentiable with respect to argument '{name}'. This input "
                               f"cannot have requires_grad True.")
    if isinstance(target, Tensor) and target.dtype.name == "bool":  # (1 - target), as PyTorch
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if pos_weight is not None and pos_weight.dtype.name == "bool":  # (pos_weight - 1)
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    for w in (weight, pos_weight):
        if isinstance(w, Tensor):
            check_broadcast(op, input._data, w._data)
    return BCEWithLogits.apply(input, target, weight, pos_weight, reduction)


@autocast.float32
def soft_margin_loss(input, target, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-y x))``."""
    input, target, _ = _loss_args(input, target, None, "soft_margin_loss")
    _broadcasts_to_input(input, target, "soft_margin_loss")
    _float_result(input, "soft_margin_loss")
    z = -target * input
    loss = log1p(exp(-z.abs())) + relu(z)
    return _reduce(loss, _legacy(size_average, reduce, reduction))


@autocast.float32
def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL divergence of ``target`` from the log-probabilities ``input``:
    ``target * (log target - input)`` (``exp(t) * (t - input)`` with ``log_target``).
    ``reduction='batchmean'`` divides the sum by the batch size, as the maths intends."""
    input, target, _ = _loss_args(input, target, None, "kl_div")
    if not (is_float_np(input._data.dtype) and is_float_np(target._data.dtype)):
        raise RuntimeError(f"kl_div: Integral inputs not supported. ({describe(input, target)})")
    reduction = _legacy(size_average, reduce, reduction)
    if log_target:
        loss = exp(target) * (target - input)
    else:
        # PyTorch's xlogy(t, t) - t * input: 0 log 0 = 0, and a negative target is nan
        loss = xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Similarities and embedding losses
# ---------------------------------------------------------------------------------------------

def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps))`` along ``dim`` of the broadcast
    inputs (in their common dtype, which must be floating). As PyTorch, each input is divided
    by its own norm before the product (no overflow of |x1| |x2|), and the clamp at ``eps``
    sets the norm's value only: the gradient flows as through the unclamped norm."""
    op = "cosine_similarity"
    x1, x2, dim = as_tensor_arg(x1, op, "x1"), as_tensor_arg(x2, op, "x2"), int_arg(dim, op, "dim")
    common = _dt.result_type(x1._data, x2._data)
    if not is_float_np(common):
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_dt.scalar_type_name(common)}")
    check_broadcast(op, x1._data, x2._data)
    shape = np.broadcast_shapes(x1.shape, x2.shape)
    common = _dt.from_numpy_dtype(common)
    x1, x2 = x1.to(common).expand(shape), x2.to(common).expand(shape)

    def unit(x: Tensor) -> Tensor:
        n = vector_norm(x, 2, dim, keepdim=True)
        value = n.detach()
        # eps where the norm is below it, with the norm's gradient (an inf norm stays inf)
        return x / where(value < eps, n - value + eps, n)
    return (unit(x1) * unit(x2)).sum(dim)


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dimension."""
    x1, x2 = as_tensor_arg(x1, "pairwise_distance", "x1"), as_tensor_arg(x2, "pairwise_distance",
                                                                         "x2")
    return vector_norm(x1 - x2 + eps, p, dim=-1, keepdim=keepdim)


@autocast.float32
def cosine_embedding_loss(input1, input2, target, margin: float = 0.0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` for target 1, ``max(0, cos(x1, x2) - margin)`` for target -1."""
    op = "cosine_embedding_loss"
    input1, input2 = as_tensor_arg(input1, op, "input1"), as_tensor_arg(input2, op, "input2")
    target = as_tensor_arg(target, op, "target")
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.ndim != target.ndim + 1 or input2.ndim != target.ndim + 1:
        raise RuntimeError(f"{target.ndim}D target tensor expects {target.ndim + 1}D input "
                           f"tensors, but found inputs with sizes {list(input1.shape)} and "
                           f"{list(input2.shape)}.")
    eps = 1e-12
    dim = input1.ndim - 1
    prod = (input1 * input2).sum(dim)
    m1 = (input1 * input1).sum(dim) + eps
    m2 = (input2 * input2).sum(dim) + eps
    cos = prod / (m1 * m2).sqrt()
    loss = where(target == 1, 1 - cos, where(target == -1, (cos - margin).clamp(min=0.0), 0.0))
    return _reduce(loss, _legacy(size_average, reduce, reduction))


def margin_ranking_loss(input1, input2, target, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """``max(0, -y (x1 - x2) + margin)``."""
    input1, input2, target = _margin_ranking_args(input1, input2, target)
    _same_ndim("margin_ranking_loss", input1=input1, input2=input2, target=target)
    return _margin_ranking(input1, input2, target, margin, _legacy(size_average, reduce, reduction))


def _margin_ranking_args(input1, input2, target) -> tuple:
    op = "margin_ranking_loss"
    return as_tensor_arg(input1, op, "input1"), as_tensor_arg(input2, op, "input2"), \
        as_tensor_arg(target, op, "target")


@autocast.float32
def _margin_ranking(input1, input2, target, margin: float, reduction: str) -> Tensor:
    loss = (-target * (input1 - input2) + margin).clamp(min=0.0)
    return _reduce(loss, reduction)


@autocast.float32
def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """``x`` for target 1, ``max(0, margin - x)`` for target -1."""
    if isinstance(input, Tensor) and not _dt.is_float_np(input._data.dtype):
        margin = int(margin)  # (as PyTorch's kernel, which computes in the input's int dtype)
    # as PyTorch's formula: a target neither 1 nor -1 gets both terms
    loss = where(target != -1, input, 0) + where(target != 1, (margin - input).clamp(min=0), 0)
    return _reduce(loss, _legacy(size_average, reduce, reduction))


@autocast.float32
def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the p-norm distance."""
    op = "triplet_margin_loss"
    anchor, positive, negative = (as_tensor_arg(x, op, name) for x, name in (
        (anchor, "anchor"), (positive, "positive"), (negative, "negative")))
    check_triplet_ranks(anchor, positive, negative)
    d_ap = pairwise_distance(anchor, positive, p, eps)
    d_an = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_an = minimum(d_an, pairwise_distance(positive, negative, p, eps))
    loss = (d_ap - d_an + margin).clamp(min=0.0)
    return _reduce(loss, _legacy(size_average, reduce, reduction))


# ---------------------------------------------------------------------------------------------
# Likelihood losses
# ---------------------------------------------------------------------------------------------

class _ClampNoGrad(Primitive):
    """Clamp from below with an identity gradient (PyTorch clamps ``var`` under no_grad)."""

    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a, lo):
        return np.maximum(a, lo).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """``0.5 (log var + (input - target)**2 / var)`` (+ ``0.5 log 2 pi`` with ``full``)."""
    input = as_tensor_arg(input, "gaussian_nll_loss")  # (target may be a number, as in PyTorch)
    if isinstance(var, (int, float)):
        var = Tensor._make(np.full_like(input._data, float(var)))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if np.any(var._data < 0):
        raise ValueError("var has negative entry/entries")
    var = _ClampNoGrad.apply(var, eps)
    loss = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


@autocast.float32
def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Poisson negative log likelihood: ``exp(x) - t x`` (log input) or ``x - t log(x+eps)``,
    plus Stirling's term for ``t > 1`` with ``full``."""
    if log_input:
        loss = exp(input) - target * input
    else:
        loss = input - target * log(input + eps)
    if full:
        t = target
        stirling = t * log(t) - t + 0.5 * log(2 * math.pi * t)
        loss = loss + where(t > 1, stirling, 0.0)
    return _reduce(loss, _legacy(size_average, reduce, reduction))



# ---------------------------------------------------------------------------------------------
# Top-level forms (torch.kl_div...): reduction as an int (0 none, 1 mean, 2 sum), defaulting
# to 'none' as PyTorch's top-level functions do, and their own argument orders
# ---------------------------------------------------------------------------------------------

# ATen's Reduction enum; as its kernels, npgrad reads any other int as none (torch.kl_div(x, y,
# 7) is unreduced)
REDUCTION_CODES = {1: "mean", 2: "sum"}


def _reduction_name(reduction) -> str:
    if isinstance(reduction, bool) or not isinstance(reduction, int):
        raise TypeError(f"argument 'reduction' must be int, not {type(reduction).__name__}")
    return REDUCTION_CODES.get(reduction, "none")


def kl_div_toplevel(input, target, reduction: int = 0, *, log_target: bool = False) -> Tensor:
    """``torch.kl_div``."""
    return kl_div(input, target, reduction=_reduction_name(reduction), log_target=log_target)


def cosine_embedding_loss_toplevel(input1, input2, target, margin: float = 0.0,
                                   reduction: int = 0) -> Tensor:
    """``torch.cosine_embedding_loss``."""
    return cosine_embedding_loss(input1, input2, target, margin,
                                 reduction=_reduction_name(reduction))


def hinge_embedding_loss_toplevel(input, target, margin: float = 1.0,
                                  reduction: int = 0) -> Tensor:
    """``torch.hinge_embedding_loss``."""
    return hinge_embedding_loss(input, target, margin, reduction=_reduction_name(reduction))


def margin_ranking_loss_toplevel(input1, input2, target, margin: float = 0.0,
                                 reduction: int = 0) -> Tensor:
    """``torch.margin_ranking_loss`` (which, unlike ``nn.functional``'s, takes inputs of
    different numbers of dimensions)."""
    return _margin_ranking(*_margin_ranking_args(input1, input2, target), margin,
                           _reduction_name(reduction))


def poisson_nll_loss_toplevel(input, target, log_input: bool, full: bool, eps: float,
                              reduction: int) -> Tensor:
    """``torch.poisson_nll_loss`` (every argument required, as in PyTorch)."""
    return poisson_nll_loss(input, target, log_input, full, eps=eps,
                            reduction=_reduction_name(reduction))


def triplet_margin_loss_toplevel(anchor, positive, negative, margin: float = 1.0,
                                 p: float = 2, eps: float = 1e-6, swap: bool = False,
                                 reduction: int = 0) -> Tensor:
    """``torch.triplet_margin_loss``."""
    return triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                               reduction=_reduction_name(reduction))
