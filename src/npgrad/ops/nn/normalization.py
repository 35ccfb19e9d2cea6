"""Normalization functions of ``nn.functional``: ``layer_norm`` (a fused primitive), and
``group_norm``, ``batch_norm``, ``instance_norm``, ``rms_norm``, ``normalize`` (composites).

The top-level forms in torch's argument order (``torch.batch_norm``...) are at the end, as
``*_toplevel``.
"""
from __future__ import annotations

import builtins

import numpy as np

from ...autograd.function import Primitive
from ...autograd.grad_mode import STATE, no_grad
from . import _rows
from ... import dtypes as _dt
from .._arguments import Tensor, as_tensor_arg, describe, int_arg, tensor_or_none, type_name
from .activation import float_kernel_input
from ..linalg.norms import vector_norm
from .pad import pad

__all__ = ["layer_norm", "group_norm", "batch_norm", "instance_norm", "rms_norm", "normalize",
           "local_response_norm"]


def _stats(x: Tensor, dims: tuple, eps: float):
    """Mean and 1/std over ``dims`` (biased variance), in npgrad ops."""
    mu = x.mean(dims, keepdim=True)
    xc = x - mu
    rstd = ((xc * xc).mean(dims, keepdim=True) + eps).rsqrt()
    return xc, rstd


class LayerNorm(Primitive):
    """Fused layer norm: one NumPy pass forward; backward in NumPy for a first derivative and
    in npgrad ops (differentiable again) under create_graph."""

    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, ndims, eps):
        ctx.save_for_backward(x, weight)
        ctx.ndims, ctx.eps = ndims, eps
        rows, m = (int(np.prod(s)) for s in (x.shape[:x.ndim - ndims], x.shape[x.ndim - ndims:]))
        x2 = x.reshape(rows, m)  # rows of the normalized dims
        mu = _rows.mean_last(x2)
        out = x2 - mu
        rstd = _rows.dot_last(out, out)  # (one pass, no squared copy)
        rstd /= max(m, 1)
        rstd += eps
        np.sqrt(rstd, out=rstd)
        np.divide(1.0, rstd, out=rstd)
        ctx.stats = (mu, rstd)  # small (one per row): lets backward skip recomputing them
        out *= rstd
        out = out.reshape(x.shape)
        if weight is not None:
            out *= weight
        if bias is not None:
            out += bias
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        dims = tuple(range(x.ndim - ctx.ndims, x.ndim))
        lead = tuple(range(x.ndim - ctx.ndims))
        if not STATE.enabled:  # no create_graph: the same formulas in NumPy, one node
            return _layer_norm_grads(ctx, grad._data, x._data,
                                     None if weight is None else weight._data, dims, lead)
        xc, rstd = _stats(x, dims, ctx.eps)
        xhat = xc * rstd
        gw = (grad * xhat).sum(lead) if need_w else None
        gb = grad.sum(lead) if need_b else None
        gx = None
        if need_x:
            gxhat = grad * weight if weight is not None else grad
            # d xhat: rstd * (g - mean(g) - xhat * mean(g * xhat))
            gx = rstd * (gxhat - gxhat.mean(dims, keepdim=True)
                         - xhat * (gxhat * xhat).mean(dims, keepdim=True))
        return gx, gw, gb, None, None


def _layer_norm_grads(ctx, g: np.ndarray, x: np.ndarray, w, dims: tuple, lead: tuple):
    """LayerNorm.backward's formulas on arrays (first derivatives only), on rows of the
    normalized dims."""
    need_x, need_w, need_b = ctx.needs_input_grad[:3]
    mu, rstd = ctx.stats
    w_shape = x.shape[len(lead):]
    shape2 = (mu.shape[0], int(np.prod(w_shape)))
    xhat = x.reshape(shape2) - mu
    xhat *= rstd
    g2 = g.reshape(shape2)
    gw = None
    if need_w:
        gw = Tensor._make(np.einsum("ij,ij->j", g2, xhat).reshape(w_shape))
    gb = Tensor._make(_rows.sum_lead(g2, 1).reshape(w_shape)) if need_b else None
    gx = None
    if need_x:
        gxhat = g2 * w.reshape(-1) if w is not None else g2.copy()
        m2 = _rows.dot_last(gxhat, xhat)
        m2 /= max(shape2[1], 1)
        gxhat -= _rows.mean_last(gxhat)
        xhat *= m2
        gxhat -= xhat
        gxhat *= rstd
        gx = Tensor._make(gxhat.reshape(x.shape))
    return gx, gw, gb, None, None


def _normalized(input: Tensor, normalized_shape, op: str) -> int:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise RuntimeError(f"{op}: given normalized_shape={list(shape)}, expected input with "
                           f"shape [*, {', '.join(map(str, shape))}], but got input of size "
                           f"{list(input.shape)}")
    return len(shape)


def _check_affine(op: str, kernel: str, input: Tensor, params: list, shape=None) -> None:
    """PyTorch's checks of a normalization's ``weight`` and ``bias`` (``params``: (name,
    position, value)): Tensors, of ``shape`` where given (else one element per channel), of
    the input's floating dtype."""
    for name, position, t in params:
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, "
                            f"not {type_name(t)}")
    a = input._data
    if not _dt.is_float_np(a.dtype):
        # parameters of the input's own (integer or bool) dtype reach the missing kernel
        if any(t is not None and t._data.dtype != a.dtype for _, _, t in params):
            raise RuntimeError(f"{op}: mixed dtype (CPU): all inputs must share same datatype "
                               f"(input {describe(input)})")
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_dt.scalar_type_name(a.dtype)}' ({op}: input "
                                  f"{describe(input)})")
    for name, _, t in params:
        if t is None:
            continue
        if shape is not None and tuple(t.shape) != tuple(shape):
            raise RuntimeError(f"{op}: Expected {name} to be of same shape as normalized_shape, "
                               f"but got {name} of shape {list(t.shape)} and normalized_shape "
                               f"= {list(shape)}")
        if shape is None and t.numel() != input.shape[1]:
            raise RuntimeError(f"{op}: Expected {name} to be a vector of size equal to the "
                               f"number of channels in input, but got {name} of shape "
                               f"{list(t.shape)} and input of shape {list(input.shape)}")
        # (a half-precision input may have float32 parameters: PyTorch's mixed dtype on CPU)
        half = a.dtype == np.float16 or _dt.is_bfloat16_np(a.dtype)
        if t._data.dtype != a.dtype and not (half and t._data.dtype == np.float32):
            raise RuntimeError(f"{op}: expected scalar type {_dt.scalar_type_name(a.dtype)} "
                               f"but found {_dt.scalar_type_name(t._data.dtype)} ({name} "
                               f"{describe(t)}, input {describe(input)})")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dims, then scale and shift."""
    input = as_tensor_arg(input, "layer_norm")
    n = _normalized(input, normalized_shape, "layer_norm")
    _check_affine("layer_norm", "LayerNormKernelImpl", input,
                  [("weight", 3, weight), ("bias", 4, bias)], input.shape[input.ndim - n:])
    return LayerNorm.apply(input, weight, bias, n, eps)


def rms_norm(input, normalized_shape, weight=None, eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x**2) + eps) * weight`` over the last dims (eps defaults to the dtype's
    machine epsilon, as PyTorch)."""
    input = as_tensor_arg(input, "rms_norm")
    n = _normalized(input, normalized_shape, "rms_norm")
    if not _dt.is_float_np(input._data.dtype):  # (PyTorch has no integer or bool kernel)
        raise NotImplementedError(f"\"rms_norm\" not implemented for "
                                  f"'{_dt.scalar_type_name(input._data.dtype)}' (rms_norm: "
                                  f"input {describe(input)})")
    weight = tensor_or_none(weight, "rms_norm", "weight", 3)
    if weight is not None and tuple(weight.shape) != tuple(input.shape[input.ndim - n:]):
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = "
                           f"{list(input.shape[input.ndim - n:])}")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.ndim - n, input.ndim))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out * weight if weight is not None else out


def _scale_shift(out: Tensor, weight, bias, shape: tuple) -> Tensor:
    """``out * weight + bias``, the per-channel parameters (either may be None) reshaped to
    ``shape`` to broadcast along dim 1."""
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _normalize_by_running(input: Tensor, running_mean, running_var, eps: float,
                          shape: tuple) -> Tensor:
    """Eval mode of batch and instance norm: the running statistics instead of the input's."""
    return (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()


def _update_running(running_mean, running_var, mean: Tensor, var: Tensor, momentum) -> None:
    """Move the running statistics towards ``mean`` and the unbiased ``var``, in place."""
    with no_grad():
        m = momentum if momentum is not None else 0.1
        running_mean.mul_(1 - m).add_(mean * m)
        running_var.mul_(1 - m).add_(var * m)


def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """Normalise each group of ``C / num_groups`` channels (dim 1) per sample."""
    input = as_tensor_arg(input, "group_norm")
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: Expected at least 2 dimensions for input tensor but "
                           f"received {input.ndim}")
    num_groups = int_arg(num_groups, "group_norm", "num_groups", 2)
    _check_affine("group_norm", "GroupNormKernelImpl", input,
                  [("weight", 3, weight), ("bias", 4, bias)])
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"group_norm: expected number of channels in input to be divisible "
                           f"by num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    x = input.reshape(n, num_groups, -1)
    xc, rstd = _stats(x, (2,), eps)
    out = (xc * rstd).reshape(input.shape)
    shape = (1, c) + (1,) * (input.ndim - 2)
    return _scale_shift(out, weight, bias, shape)


def _check_batch_norm(input, running_mean, running_var, weight, bias, training) -> Tensor:
    """PyTorch's checks of batch_norm's arguments, in its order, all made before the running
    statistics are updated (so that a failed call changes nothing)."""
    if training and (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: running_mean and running_var must either both be None or "
                         "neither be None")
    input = as_tensor_arg(input, "batch_norm")
    # (the positions of torch.batch_norm's arguments, as PyTorch's messages give them)
    params = [("weight", 2, weight), ("bias", 3, bias), ("running_mean", 4, running_mean),
              ("running_var", 5, running_var)]
    for name, position, t in params:
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"batch_norm(): argument '{name}' (position {position}) must be "
                            f"Tensor, not {type_name(t)}")
    a = input._data
    if not _dt.is_float_np(a.dtype):
        raise NotImplementedError(f"\"batch_norm\" not implemented for "
                                  f"'{_dt.scalar_type_name(a.dtype)}' (batch_norm: input "
                                  f"{describe(input)})")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("batch_norm: running_mean must be defined in evaluation mode")
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    for name, _, t in params:
        if t is not None and t.numel() != c:
            raise RuntimeError(f"batch_norm: {name} should contain {c} elements not "
                               f"{t.numel()} ({name} of shape {tuple(t.shape)}, input of shape "
                               f"{tuple(input.shape)})")
    for name, _, t in params:
        # (a half-precision input may have float32 parameters: PyTorch's mixed dtype on CPU)
        half = a.dtype == np.float16 or _dt.is_bfloat16_np(a.dtype)
        if t is not None and t._data.dtype != a.dtype and not (
                half and t._data.dtype == np.float32):
            raise RuntimeError(f"batch_norm: expected scalar type "
                               f"{_dt.scalar_type_name(a.dtype)} but found "
                               f"{_dt.scalar_type_name(t._data.dtype)} ({name} {describe(t)}, "
                               f"input {describe(input)})")
    return input


def batch_norm(input, running_mean, running_var, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial dims.

    In training the batch statistics are used and the running ones updated in place
    (``running = (1 - momentum) * running + momentum * batch``, with the unbiased variance);
    in eval the running statistics are used.
    """
    input = _check_batch_norm(input, running_mean, running_var, weight, bias, training)
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, c) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // c
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {list(input.shape)}")
        xc, rstd = _stats(input, dims, eps)
        out = xc * rstd
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, input.detach().mean(dims),
                            input.detach().var(dims, correction=1), momentum)
    else:
        out = _normalize_by_running(input, running_mean, running_var, eps, shape)
    return _scale_shift(out, weight, bias, shape)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its spatial dims.

    With ``use_input_stats`` the sample's own statistics are used, and running statistics
    (if given) move towards their mean over the batch; without, the running ones are used.
    """
    input = as_tensor_arg(input, "instance_norm")
    weight = tensor_or_none(weight, "instance_norm", "weight", 2)
    bias = tensor_or_none(bias, "instance_norm", "bias", 3)
    dt = input._data.dtype
    if weight is not None and weight._data.dtype != dt:
        raise RuntimeError(f"mixed dtype (CPU): expect parameter to have scalar type of "
                           f"{_dt.scalar_type_name(dt)} (instance_norm: weight "
                           f"{describe(weight)})")
    if bias is not None and bias._data.dtype != dt:
        raise RuntimeError(f"expected scalar type {_dt.scalar_type_name(dt)} but found "
                           f"{_dt.scalar_type_name(bias._data.dtype)} (instance_norm: bias "
                           f"{describe(bias)})")
    dims = tuple(range(2, input.ndim))
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    if use_input_stats:
        xc, rstd = _stats(input, dims, eps)
        out = xc * rstd
        if running_mean is not None and running_var is not None:
            # (the per-sample statistics averaged over the batch)
            _update_running(running_mean, running_var, input.detach().mean(dims).mean(0),
                            input.detach().var(dims, correction=1).mean(0), momentum)
    else:
        out = _normalize_by_running(input, running_mean, running_var, eps, shape)
    return _scale_shift(out, weight, bias, shape)


def local_response_norm(input, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """``x / (k + alpha / size * sum of x^2 over a window of size channels)^beta``; the
    window runs from ``size // 2`` channels before to ``(size - 1) // 2`` after, zero-padded."""
    input = as_tensor_arg(input, "local_response_norm")
    if input.ndim >= 3:  # (PyTorch sums the window with an average pool, floating only)
        kernel = "avg_pool2d" if input.ndim == 3 else "avg_pool3d_out_frame"
        input = float_kernel_input(input, "local_response_norm", kernel)
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = input * input
    before, after = size // 2, (size - 1) // 2
    padded = sq.reshape(input.shape[0], c, -1)  # (N, C, all spatial positions)
    padded = pad(padded, (0, 0, before, after))
    window = sum(padded.narrow(1, j, c) for j in range(size))
    div = (window.reshape(input.shape) * (alpha / size) + k).pow(beta)
    return input / div


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``."""
    return input / vector_norm(input, p, dim=dim, keepdim=True).clamp(min=eps)


# ---------------------------------------------------------------------------------------------
# Top-level forms: torch.layer_norm, torch.batch.. in torch's argument order
# ---------------------------------------------------------------------------------------------

def layer_norm_toplevel(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enable: builtins.bool = True) -> Tensor:
    """``torch.layer_norm``: ``nn.functional.layer_norm`` plus the ignored cudnn flag."""
    return layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm_toplevel(input, num_groups: builtins.int, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enabled: builtins.bool = True) -> Tensor:
    """``torch.group_norm``: ``nn.functional.group_norm`` plus the ignored cudnn flag."""
    return group_norm(input, num_groups, weight, bias, eps)


def batch_norm_toplevel(input, weight, bias, running_mean, running_var, training: builtins.bool,
               momentum: float, eps: float, cudnn_enabled: builtins.bool = True) -> Tensor:
    """``torch.batch_norm``: weight and bias come before the running statistics here (the
    reverse of ``nn.functional.batch_norm``)."""
    return batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                            eps)


def instance_norm_toplevel(input, weight, bias, running_mean, running_var,
                  use_input_stats: builtins.bool, momentum: float, eps: float,
                  cudnn_enabled: builtins.bool = True) -> Tensor:
    """``torch.instance_norm``, in PyTorch's argument order."""
    return instance_norm(input, running_mean, running_var, weight, bias,
                               use_input_stats, momentum, eps)
