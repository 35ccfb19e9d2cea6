"""Muon (Jordan et al.): momentum SGD for 2-d weights whose update is orthogonalised by a
Newton-Schulz iteration, so every direction of the weight matrix moves at the same rate."""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from .optimizer import Optimizer, _lerp_


def _bf16(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to bfloat16 (to nearest even), held in float32 to compute on."""
    if type(x) is np.ndarray or isinstance(x, np.generic):
        return x.astype(dtypes.BF16_NP).astype(np.float32)
    # A device array (CuPy has no bfloat16): the same rounding on float32's bits, keeping
    # the top 16 (round half to even: add 0x7FFF plus the lowest kept bit); NaNs stay NaNs.
    x = x.astype(np.float32)
    bits = x.view(np.uint32)
    half = np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
    rounded = ((bits + half) & np.uint32(0xFFFF0000)).view(np.float32)
    return np.where(np.isnan(x), x, rounded)


def _orthogonalise(g: np.ndarray, coefficients: tuple, steps: int, eps: float
                   ) -> np.ndarray:
    """Newton-Schulz's quintic iteration ``X <- a X + (b A + c A^2) X`` with ``A = X X^T``,
    from ``X = G / |G|_F``: it pushes the singular values of ``G`` towards 1 (to roughly
    0.7-1.2 with the default coefficients, tuned for speed over exactness).

    As PyTorch's, it runs in bfloat16: each product is rounded to bfloat16 where PyTorch's
    bfloat16 matmuls round (their float32 accumulation is emulated in float32), so the result
    matches PyTorch's to bfloat16 rounding, not bit for bit."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if g.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    x = _bf16(g.astype(np.float32))
    tall = g.shape[0] > g.shape[1]
    if tall:                            # iterate on the wide side: the Gram matrix is smaller
        x = x.T
    norm = _bf16(np.sqrt(np.sum(x * x, dtype=np.float32)))
    floor = _bf16(np.float32(eps))
    x = _bf16(x / (max(norm, floor) if isinstance(norm, np.generic) else np.maximum(norm, floor)))
    for _ in range(steps):
        gram = _bf16(x @ x.T)
        poly = _bf16(b * gram + c * (gram @ gram))
        x = _bf16(a * x + poly @ x)
    return x.T if tall else x


def _adjusted_lr(lr: float, how: str | None, shape: tuple) -> float:
    """The lr scaled for the matrix's shape: ``sqrt(max(1, rows / cols))`` (Keller Jordan's
    original), or ``0.2 sqrt(max(rows, cols))`` to match AdamW's update RMS (Moonshot)."""
    rows, cols = shape[:2]
    if how is None or how == "original":
        return lr * math.sqrt(max(1, rows / cols))
    if how == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr


class Muon(Optimizer):
    """Muon for 2-d parameters (hidden layers' weights; optimise biases, embeddings and the
    rest with e.g. AdamW), with PyTorch's defaults and rules: ``buf = lerp(buf, g, 1 - mu)``,
    Nesterov's ``lerp(g, buf, mu)``, decoupled weight decay ``p *= 1 - lr * wd``, then
    ``p -= adjusted_lr * orthogonalise(update)`` (Newton-Schulz).

    >>> opt = npgrad.optim.Muon([p for p in model.parameters() if p.ndim == 2], lr=0.02)
    """

    def __init__(self, params, lr: float = 1e-3, weight_decay: float = 0.1,
                 momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple = (3.4445, -4.775, 2.0315), eps: float = 1e-7,
                 ns_steps: int = 5, adjust_lr_fn: str | None = None) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum,
                                      nesterov=nesterov, ns_coefficients=ns_coefficients,
                                      eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn))
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def _update_group(self, group: dict) -> None:
        lr, wd, mu = float(group["lr"]), group["weight_decay"], group["momentum"]
        for p, state, g in self._params_with_grad(group):
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = Tensor._make(np.zeros_like(g))
            buf = _lerp_(state["momentum_buffer"]._data, g, 1 - mu)
            update = _lerp_(g.copy(), buf, mu) if group["nesterov"] else buf
            ortho = _orthogonalise(update, group["ns_coefficients"], group["ns_steps"],
                                  group["eps"])
            x = p._data * (1 - lr * wd)
            self._write(p, x - _adjusted_lr(lr, group["adjust_lr_fn"], p.shape) * ortho)
