"""Runs a drawn ``Variant`` in npgrad and in PyTorch and compares everything observable.

Forward: the exception class when PyTorch raises (npgrad must raise an instance of the same
built-in class), else the number of outputs, each output's type, shape, dtype,
``requires_grad`` and values (NaN at the same places, infinities of the same sign, finite
values within the dtype's tolerance). Backward: the same upstream gradient in both libraries,
the exception class when PyTorch's backward raises, else every leaf's gradient (a missing
gradient counts as zeros). Second order, where the spec says the op is twice differentiable:
the gradients of ``sum(grad * v)`` for a random ``v``.

A difference raises ``Mismatch`` (an ``AssertionError``) with a kind (``values``, ``dtype``,
``raises``...) that the long mode counts. ``DELIBERATE`` lists the differences npgrad keeps on
purpose (README, "Deliberate differences from PyTorch"); they are counted, not raised.
"""
from __future__ import annotations

import builtins
import faulthandler
import json
import math
import os
import re
import signal
import threading
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
# imported here, not lazily by PyTorch inside a timed case: under load that import ran past
# the case timeout once, and the interrupted import left torch._dynamo half-initialised for
# the rest of the run (137 spurious "backward accepted" mismatches of sgn)
import torch._dynamo  # noqa: F401

import npgrad

from ..ops.harness import same_dtype
from .strategies import FLOATS, TensorArg, Variant

# (atol, rtol) of forward values per dtype, written once; gradients get GRAD_FACTOR times
# more (one more chain of rounding), float16 is compared in float64 after its own rounding
TOLERANCES = {"float16": (1e-2, 1e-2), "float32": (1e-4, 1e-4), "float64": (1e-7, 1e-6),
              "complex64": (1e-4, 1e-4), "complex128": (1e-7, 1e-6)}
GRAD_FACTOR = 10
CASE_TIMEOUT_S = 30.0
# a case stuck in C code (which SIGALRM cannot interrupt: NumPy's LAPACK once looped forever)
# ends the long run's process after this long, with every thread's traceback on stderr and
# the case itself in the file ``<summary>.case``, instead of stalling the run unseen
HANG_S = 10 * CASE_TIMEOUT_S


class Mismatch(AssertionError):
    """npgrad answered differently from PyTorch; ``kind`` classifies the difference."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class CaseTimeout(BaseException):
    """One case ran longer than ``CASE_TIMEOUT_S`` (a BaseException: ops must not catch it)."""


@dataclass(frozen=True)
class Deliberate:
    """A PyTorch behaviour npgrad does not copy, documented in the README."""

    specs: tuple                             # the specs' names, () for every spec
    kind: str                                # the mismatch kind it explains
    when: Callable[[Variant, str], bool]     # exactly which variants (and mismatch details)
    readme: str                              # the README entry ("Deliberate differences")


_LDEXPS = ("ldexp", "Tensor.ldexp_")
_BAG_MAXES = ("embedding_bag-max", "embedding_bag-max-padding", "nn.functional.embedding_bag-max")
# the specs with include_last_offset=True (their arguments: weight, indices, offsets, ...)
_BAG_LAST_OFFSETS = ("nn.functional.embedding_bag-weights", "embedding_bag-sum-padding-weights")
_BATCH_NORMS = ("nn.functional.batch_norm", "nn.functional.batch_norm-eval",
                "nn.functional.batch_norm-no-affine", "native_batch_norm",
                "native_batch_norm-eval")

_EINSUMS = ("einsum", "einsum-unary", "einsum-list", "einsum-sublist", "einsum-same-operand",
            "einsum-int", "einsum-int-dtype")

# the orthogonal polynomials whose PyTorch kernels leave their result uninitialised at x = nan
# (and these specs' -ends, -int variants)
_NAN_POLYNOMIALS = tuple(
    f"{name}{suffix}"
    for name in [f"{shift}chebyshev_polynomial_{kind}" for shift in ("", "shifted_")
                 for kind in "tuvw"] + ["laguerre_polynomial_l", "legendre_polynomial_p"]
    for suffix in ("", "-ends", "-int"))

# the gamma family (lgamma, digamma, polygamma and their derivatives) and the one value of
# its input that each pole test reads (mvlgamma(x, p) sums lgamma(x - j/2), j < p <= 3)
_GAMMA_FAMILY = ("lgamma", "lgamma-negative", "digamma", "digamma-negative", "polygamma",
                 "Tensor.polygamma_", "polygamma-special", "mvlgamma")


def _at_pole(variant: Variant, detail: str) -> bool:
    """Whether the element the mismatch ``detail`` points at ("... at [i, j]: ...") is a pole
    of the gamma family: x = 0, -1, -2, ... (for mvlgamma: some x - j/2 is one)."""
    m = re.search(r" at \[([-\d, ]*)\]", detail)
    x = variant.args[0] if isinstance(variant.args[0], TensorArg) else None
    if m is None or x is None:
        return False
    index = tuple(int(i) for i in m.group(1).split(",") if i.strip())
    try:
        value = float(x.values[index])
    except (IndexError, ValueError, TypeError):  # (an index of another argument's rank)
        return False
    steps = (0.0, 0.5, 1.0) if variant.spec.name == "mvlgamma" else (0.0,)
    return any(math.isfinite(value - j) and value - j <= 0 and value - j == math.floor(value - j)
               for j in steps)


_KINKED = ("nn.functional.prelu", "Tensor.prelu", "nn.functional.elu", "nn.functional.celu",
           "nn.functional.selu")
_BCE_LOGITS = tuple(f"nn.functional.binary_cross_entropy_with_logits{suffix}"
                    for suffix in ("", "-none", "-sum", "-pos", "-weights"))
_RENORMS = ("renorm", "Tensor.renorm_")
_BESSEL_I = ("i0", "Tensor.i0_", "i0e", "i0e-zero", "special-aliases")
_CONVS = tuple(f"nn.functional.conv{kind}{suffix}" for kind in
               ("1d", "2d", "3d", "_transpose1d", "_transpose2d", "_transpose3d")
               for suffix in ("", "-nobias"))
_LINEAR_INTERPOLATIONS = tuple(f"nn.functional.interpolate-{mode}" for mode in (
    "linear", "bilinear", "bilinear-align", "bilinear-down", "bicubic", "bicubic-align",
    "trilinear"))
_NORMS = _BATCH_NORMS + ("nn.functional.group_norm", "nn.functional.instance_norm",
                         "nn.functional.instance_norm-running", "nn.functional.layer_norm",
                         "nn.functional.layer_norm-2d", "nn.functional.layer_norm-noaffine")


def _norm_overflow(variant: Variant, detail: str) -> bool:
    """A normalisation's statistics or affine parameters (every argument after the input)
    hold nan or inf, or a float32 input's squares overflow (|x| > 1e19)."""
    x = variant.args[0]
    big = isinstance(x, TensorArg) and x.values.dtype == np.float32 and bool(
        (np.abs(x.values[np.isfinite(x.values)]) > 1e19).any())
    return big or any(isinstance(a, TensorArg) and a.values.dtype.kind == "f"
                      and not np.isfinite(a.values).all() for a in variant.args[1:])


_ATTENTIONS = tuple(f"nn.functional.scaled_dot_product_attention{suffix}"
                    for suffix in ("", "-causal", "-mask"))
def _short_last_offset(variant: Variant, detail: str) -> bool:
    """Whether embedding_bag's last offset (include_last_offset) ends before the indices do:
    PyTorch's kernels disagree there (see README)."""
    indices, offsets = variant.args[1].values, variant.args[2].values
    return offsets.size > 0 and int(offsets[-1]) != indices.size


def _nan_pixel_coordinate(variant: Variant, detail: str) -> bool:
    """Whether a grid sampler's grid holds NaN, or inf under border or reflection padding
    (its pixel coordinate is then NaN: reflected, or scaled by 0 in a size-1 dim)."""
    name = variant.spec.name
    if "grid_sample" not in name or len(variant.args) < 2:
        return False
    grid = variant.args[1]
    if not isinstance(grid, TensorArg) or grid.values.dtype.kind != "f":
        return False
    codes = re.fullmatch(r"grid_sampler(?:-\d-(\d)|_3d-(\d)-\w+|(_2d))", name)
    padded = "border" in name or "reflection" in name or bool(
        codes and (codes.group(3) or (codes.group(1) or codes.group(2)) in "12"))
    return bool(np.isnan(grid.values).any() or padded and np.isinf(grid.values).any())


DELIBERATE: list[Deliberate] = [
    Deliberate((), "gradgrad accepted",
               lambda v, detail: "derivative for" in detail and "not implemented" in detail,
               "Second derivatives where PyTorch's backward kernel has none"),
    Deliberate((), "forward accepted",
               lambda v, detail: "not implemented for 'Half'" in detail,
               "float16 where PyTorch's CPU build has no Half kernel"),
    Deliberate((), "backward accepted",
               lambda v, detail: "not implemented for 'Half'" in detail,
               "float16 where PyTorch's CPU build has no Half kernel"),
    Deliberate(_BATCH_NORMS, "forward raises",
               lambda v, detail: any(isinstance(a, TensorArg) and a.layout == "expanded"
                                     for a in v.args[1:3]) and "read-only" in detail,
               "In-place writes into expanded tensors"),
    Deliberate(("lu_unpack",), "backward accepted",
               lambda v, detail: "must have at least 2 dimensions" in detail
               or "exceeds dimension size (0)" in detail,
               "PyTorch's own backward through lu_unpack's empty L and U (unpack_data=False)"),
    Deliberate(("native_group_norm",), "forward accepted",
               lambda v, detail: "is_contiguous" in detail,
               "native_group_norm of strided tensors"),
    Deliberate(("native_group_norm",), "values",
               lambda v, detail: any(isinstance(a, TensorArg) and a.layout != "contiguous"
                                     for a in v.args[1:3]),
               "native_group_norm of strided tensors"),
    Deliberate(("native_batch_norm",), "forward raises",
               lambda v, detail: "should contain" in detail,
               "native_batch_norm with a one-element weight or bias"),
    Deliberate(("slice_inverse", "Tensor.slice_inverse"), "values",
               lambda v, detail: any(isinstance(a, TensorArg) and a.layout != "contiguous"
                                     for a in v.args),
               "slice_inverse of strided tensors"),
    Deliberate(_NAN_POLYNOMIALS, "values",
               lambda v, detail: isinstance(v.args[0], TensorArg)
               and np.isnan(v.args[0].values).any(),
               "Orthogonal polynomials at nan"),
    Deliberate(("nn.functional.local_response_norm",), "forward accepted",
               lambda v, detail: "view size is not compatible" in detail,
               "local_response_norm of a non-contiguous 5-D input"),
    Deliberate(("nn.functional.grouped_mm", "nn.functional.grouped_mm-offs"), "forward accepted",
               lambda v, detail: "strides" in detail,
               "grouped_mm of any strides"),
    Deliberate((), "forward raises",
               lambda v, detail: "contained non-finite values" in detail and _has_inf(v),
               "The SVD of a matrix with an infinite entry"),
    *(Deliberate(_LDEXPS, kind, lambda v, detail: _int_exponent(v, lambda e: (e < 0) | (e >= 63)),
                 "ldexp's gradient for a negative or large exponent")
      for kind in ("grad values", "gradgrad values")),
    Deliberate(_LDEXPS, "values",
               lambda v, detail: _int_exponent(v, lambda e: np.abs(e) > 2 ** 31 - 1),
               "ldexp with an exponent beyond 32 bits"),
    *(Deliberate(_GAMMA_FAMILY, kind, _at_pole, "The gamma family at its negative poles")
      for kind in ("values", "grad values", "gradgrad values")),
    Deliberate(("linalg.vander", "linalg.vander-grad-at-zero"), "forward accepted",
               lambda v, detail: "but got Half" in detail,
               "float16 where PyTorch's CPU build has no Half kernel"),
    Deliberate(("linalg.matrix_exp",), "forward raises",
               lambda v, detail: "Low precision dtypes not supported" in detail,
               "linalg.matrix_exp in float16"),
    Deliberate(("linalg.cond", "linalg.cond-norms", "linalg.cond-rect"), "backward accepted",
               lambda v, detail: "modified by an inplace operation" in detail,
               "The gradient of linalg.cond in the norms 1, inf and 'fro'"),
    *(Deliberate((), kind,
                 lambda v, detail: "not implemented for bool tensors" in detail,
                 "Products of bool tensors")
      for kind in ("forward raises", "forward exception class")),
    Deliberate(_EINSUMS, "forward accepted",
               lambda v, detail: re.search(r"expected scalar type \w+ but found", detail)
               is not None,
               "einsum of integer tensors that sums over an ellipsis"),
    Deliberate(("linalg.vector_norm", "linalg.vector_norm-zero", "linalg.vector_norm-ties",
                "linalg.vector_norm-dtype", "linalg.matrix_norm", "linalg.matrix_norm-dim",
                "linalg.norm", "norm"), "gradgrad values",
               lambda v, detail: "vs torch nan" in detail and any(
                   isinstance(a, TensorArg) and a.values.dtype.kind == "f"
                   and (a.values == 0).any() for a in v.args),
               "Second derivatives of norms at zero"),
    Deliberate(("linalg.vecdot",), "forward raises",
               lambda v, detail: "Dimension out of range" in detail and all(
                   a.values.ndim == 1 for a in v.args if isinstance(a, TensorArg)),
               "linalg.vecdot of two vectors with any dim"),
    Deliberate(("cdist", "cdist-zero-distance"), "grad values",
               lambda v, detail: "vs torch nan" in detail and _has_inf(v),
               "cdist's gradient at an infinite coordinate"),
    Deliberate(("cdist",), "values",
               lambda v, detail: v.args[2].value == math.inf and any(
                   isinstance(a, TensorArg) and a.values.dtype.kind == "f"
                   and np.isnan(a.values).any() for a in v.args[:2]),
               "cdist with p=inf of a NaN"),
    Deliberate(_KINKED, "gradgrad values", lambda v, detail: _has_value(v.args[0], 0.0),
               "Second derivatives of prelu and the ELU family at x = 0"),
    Deliberate(("nn.functional.soft_margin_loss", "nn.functional.soft_margin_loss-none",
                "nn.functional.soft_margin_loss-sum"), "grad values",
               lambda v, detail: "vs torch nan" in detail and isinstance(v.args[0], TensorArg)
               and bool((np.abs(v.args[0].values) > 80).any()),
               "soft_margin_loss's gradient where exp(-y x) overflows"),
    *(Deliberate(_BCE_LOGITS, kind, lambda v, detail: _has_nan_or_inf(v),
                 "binary_cross_entropy_with_logits at infinite logits, targets or weights")
      for kind in ("grad values", "gradgrad values")),
    Deliberate(("binomial",), "forward raises",
               lambda v, detail: "expected 0 <= prob <= 1 and count >= 0" in detail,
               "binomial with a probability outside [0, 1] or a negative count"),
    Deliberate(("nn.functional.triplet_margin_loss",), "values",
               lambda v, detail: any(isinstance(a, TensorArg) and a.values.dtype.kind == "i"
                                     and bool((np.abs(a.values.astype(np.float64))
                                               > 2 ** 30).any()) for a in v.args),
               "triplet_margin_loss of integers whose differences overflow"),
    Deliberate(_RENORMS, "gradgrad values",
               lambda v, detail: ": 0.0 vs torch nan" in detail,
               "renorm's second derivative in slices that are not scaled"),
    *(Deliberate(_BESSEL_I, kind,
                 lambda v, detail: re.search(r": nan vs torch -?\d", detail) is not None
                 and _has_nan_or_inf(v), "The derivative of i1 and i1e at nan")
      for kind in ("grad values", "gradgrad values")),
    *(Deliberate(("log_ndtr", "log_ndtr-grad"), kind,
                 lambda v, detail: isinstance(v.args[0], TensorArg)
                 and bool((v.args[0].values < -10).any()),
                 "log_ndtr's derivatives in the lower tail")
      for kind in ("grad values", "gradgrad values")),
    *(Deliberate(("as_strided_scatter",), kind,
                 lambda v, detail: isinstance(v.args[0], TensorArg)
                 and v.args[0].layout != "contiguous",
                 "as_strided_scatter of a non-contiguous input")
      for kind in ("values", "forward accepted", "forward raises")),
    *(Deliberate(_CONVS, kind, lambda v, detail: _has_nan_or_inf(v),
                 "Convolutions of nan and inf")
      for kind in ("values", "grad values", "gradgrad values")),
    *(Deliberate(_LINEAR_INTERPOLATIONS, kind, lambda v, detail: _has_nan_or_inf(v),
                 "Linear and cubic interpolation of nan and inf")
      for kind in ("values", "grad values")),
    *(Deliberate(_NORMS, kind, _norm_overflow, "Normalisation with infinite parameters or "
                 "overflowing float32 statistics")
      for kind in ("values", "grad values", "gradgrad values")),
    Deliberate(_BATCH_NORMS, "grad values",
               lambda v, detail: any(isinstance(a, TensorArg) and a.layout == "expanded"
                                     for a in v.args[1:]),
               "batch_norm's backward with expanded statistics or parameters"),
    *(Deliberate(_ATTENTIONS, kind, lambda v, detail: _has_nan_or_inf(v),
                 "scaled_dot_product_attention with nan or inf under the mask")
      for kind in ("values", "grad values", "gradgrad values")),
    *(Deliberate(_BAG_MAXES, kind, lambda v, detail: np.isnan(v.args[0].values).any(),
                 "NaN in embedding_bag's max mode") for kind in ("values", "grad values")),
    *(Deliberate(_BAG_LAST_OFFSETS, kind, _short_last_offset,
                 "embedding_bag with include_last_offset and a last offset short of the end")
      for kind in ("values", "grad values", "gradgrad values")),
    Deliberate((), "forward raises",
               lambda v, detail: "ctc_loss" in v.spec.name
               and "every target must be a class in" in detail,
               "ctc_loss with a target outside the classes"),
    Deliberate((), "forward exception class",
               lambda v, detail: "ctc_loss" in v.spec.name
               and "not implemented for 'Half'" in detail,
               "float16 where PyTorch's CPU build has no Half kernel"),
    *(Deliberate((), kind, lambda v, detail: "ctc_loss" in v.spec.name
                 and np.isinf(v.args[0].values).any(),
                 "ctc_loss's gradient at infinite log-probabilities")
      for kind in ("grad values", "gradgrad values")),
    *(Deliberate((), kind, _nan_pixel_coordinate, "grid_sample at a NaN coordinate")
      for kind in ("values", "grad values", "gradgrad values")),
]


# ---------------------------------------------------------------------------------------------
# Ill-posed comparisons: what no two correct implementations agree on (README, "Fuzzing")
# ---------------------------------------------------------------------------------------------

# The specs (names starting so) whose results come from a LAPACK factorisation or solve,
# directly or through the spec's wrapper (linalg.eigh of x @ x.mT + n I). A backward-stable
# algorithm's forward error is about eps * cond(A) * ||result||, and a gradient's (which
# solves with A again, or divides by gaps between singular values) about
# eps * cond(A)**2 * ||gradient||: two correct LAPACKs
# (PyTorch's MKL or OpenBLAS build, NumPy's) agree only that far. So these specs' values are
# compared with that much more tolerance, and not at all where the matrix is numerically
# singular (cond(A) * eps >= 1: factors that are not unique, such as the singular vectors of
# an expanded, rank-1 matrix) or has a non-finite entry (LAPACK defines nothing there:
# PyTorch's results for NaN or inf differ between its MKL and OpenBLAS builds).
LAPACK_SPECS = re.compile(
    r"(Tensor\.)?(linalg\.(inv|det|slogdet|solve|matrix_exp|matrix_rank|tensorinv|tensorsolve"
    r"|cond|cholesky|qr|eig|svd|pinv|lstsq|lu|householder_product|ldl|matrix_norm-svd)"
    r"|logdet|cholesky|qr|svd|pinverse|geqrf|ormqr|lu|triangular_solve|pca_lowrank|lobpcg)")
# The forward error bound's constant (the bound is a few units of eps * cond per operation)
COND_FACTOR = 10.0

# Products of three or more factors (x1 W x2, an einsum of three operands, A @ A @ A...), and
# einsums (which may sum a label of one operand before multiplying, where the other operand
# broadcasts it): with an inf or NaN among the factors, which results are NaN and which inf
# depends on the order of association ((A B) C has inf * 0 where A (B C) has inf + inf;
# (x1 + x2) * -inf is -inf where x1 * -inf + x2 * -inf may be nan), an implementation
# choice; their finite results are still compared whenever the NaN and inf places agree.
ASSOCIATION_SPECS = _EINSUMS + ("nn.functional.bilinear", "linalg.multi_dot",
                                "linalg.multi_dot-order", "chain_matmul",
                                "linalg.matrix_power")


def _non_finite(variant: Variant) -> bool:
    """Whether a float argument has an inf or NaN, or a value whose square overflows its
    dtype (which the wrappers' x @ x.mT turn into inf before LAPACK sees it)."""
    for a in variant.args:
        if isinstance(a, TensorArg) and a.values.dtype.kind == "f" and a.values.size:
            big = math.sqrt(float(np.finfo(a.values.dtype).max))
            with np.errstate(invalid="ignore"):
                if not (np.abs(a.values) < big).all():
                    return True
    return False


def _spread(values: np.ndarray) -> float:
    """The largest magnitude, relative to the order-1 values the fuzzer draws: a drawn huge
    value (1e30) among them. A matrix made from it (the argument as a column, the wrappers'
    x @ x.mT + n I) has a condition number of about this much or more."""
    return float(np.abs(values).max(initial=1.0))


def condition(variant: Variant) -> float:
    """The largest 2-norm condition number of the variant's matrix arguments (each matrix of a
    float argument with 2 or more dims, computed in float64 from the drawn values), or the
    largest ``_spread`` of a float argument if more; 1.0 when there are none, nan when one
    has a non-finite entry. Cached on the variant."""
    if "_condition" not in variant.__dict__:
        kappa = 1.0
        if _non_finite(variant):
            kappa = math.nan
        else:
            for a in variant.args:
                v = a.values if isinstance(a, TensorArg) else None
                if v is None or v.dtype.kind != "f" or v.ndim < 2 or 0 in v.shape[-2:]:
                    continue
                try:
                    s = np.linalg.svd(v.astype(np.float64), compute_uv=False)
                except np.linalg.LinAlgError:  # (entries 1e300 apart: as singular as can be)
                    kappa = math.inf
                    continue
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    ratio = s[..., 0] / s[..., -1]
                kappa = max(kappa, float(np.where(np.isnan(ratio), math.inf, ratio).max(
                    initial=1.0)))
            kappa = max([kappa, *(_spread(a.values) for a in variant.args
                                  if isinstance(a, TensorArg) and a.values.dtype.kind == "f")])
        variant.__dict__["_condition"] = kappa
    return variant.__dict__["_condition"]


def conditioned_atol(variant: Variant, atol: float, dtype: str, theirs: np.ndarray,
                     power: int) -> float:
    """``atol`` widened by the forward error bound ``COND_FACTOR * eps * cond**power *
    max|theirs|`` for a LAPACK-backed spec (``power`` 1 for values, 2 for gradients)."""
    if not LAPACK_SPECS.match(variant.spec.name) or theirs.dtype.kind not in "fc":
        return atol
    kappa = condition(variant)
    finite = np.abs(theirs[np.isfinite(theirs)])
    scale = float(finite.max()) if finite.size else 0.0
    if scale * math.sqrt(_eps(dtype)) > 1.0:
        # a result far beyond the order-1 inputs betrays a matrix that the spec's wrapper
        # made nearly singular (x @ x.mT + n I of a non-square x): its condition is at
        # least the result's size
        kappa = max(kappa, scale)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(atol + COND_FACTOR * _eps(dtype) * np.float64(kappa) ** power * scale)


# Decompositions (names starting so) whose spec returns the eigen- or singular values first,
# then vectors (or products of them): the vectors of a repeated value are any basis of its
# space (svd-no-uv returns zeros first)
DECOMPOSITIONS = ("linalg.eigh", "linalg.eigvalsh", "linalg.svd", "svd", "lobpcg",
                  "pca_lowrank")


def _repeated_values(variant: Variant) -> bool:
    """Whether PyTorch's first output (the eigen- or singular values) has two values closer
    than sqrt(eps) of the largest: their vectors, and every gradient (which divides by the
    gaps), are not unique."""
    outs = variant.__dict__.get("_torch_outputs") or ()
    first = next((o for o in outs if isinstance(o, torch.Tensor) and o.is_floating_point()
                  and o.ndim >= 1 and o.shape[-1] >= 2), None)
    if first is None:
        return False
    w = np.sort(_to_np(first).astype(np.float64), axis=-1)
    scale = np.abs(w).max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        gaps = np.diff(w, axis=-1) / np.where(scale > 0, scale, 1.0)
    return bool((gaps < math.sqrt(_eps(_dtype_name(first)))).any())


def ill_posed(variant: Variant, kind: str, detail: str) -> bool:
    """Whether the mismatch compares what no two correct implementations agree on (see
    ``LAPACK_SPECS`` and ``ASSOCIATION_SPECS``): counted, not raised."""
    name = variant.spec.name
    value_kind = kind in ("values", "grad values", "gradgrad values")
    if name.startswith(DECOMPOSITIONS) and name != "svd-no-uv" and value_kind \
            and not detail.startswith("output 0:") \
            and _repeated_values(variant):
        return True
    if LAPACK_SPECS.match(name) and value_kind and variant.__dict__.get("_lapack_failed"):
        # a *_ex op whose LAPACK call failed (info != 0: the matrix the spec's wrapper made
        # is singular or not positive-definite): its factor is what LAPACK left half-done
        return True
    if LAPACK_SPECS.match(name):
        kappa = condition(variant)
        if math.isnan(kappa) or kappa * _eps(variant.float_dtype) >= 1.0:
            # whether LAPACK reports a failure (singular, not positive-definite, no
            # convergence) on such a matrix is as implementation-defined as its values
            return value_kind or (kind.endswith(("raises", "accepted", "exception class")) and (
                "LinAlgError" in detail or "error code" in detail
                or "INTERNAL ASSERT" in detail))  # (PyTorch's gelsy on a NaN: an assert)
    if name in ASSOCIATION_SPECS and value_kind and _non_finite(variant):
        return re.search(r"(NaN|inf) at \[", detail) is not None
    return False


def _eps(dtype: str) -> float:
    """The machine epsilon of a float dtype (float64's for the others)."""
    return float(np.finfo(dtype if dtype in FLOATS else "float64").eps)


def _has_nan_or_inf(variant: Variant) -> bool:
    """Whether a float argument holds nan or inf."""
    return any(isinstance(a, TensorArg) and a.values.dtype.kind == "f"
               and not np.isfinite(a.values).all() for a in variant.args)


def _has_value(arg, value: float) -> bool:
    return isinstance(arg, TensorArg) and bool((arg.values == value).any())


def _int_exponent(variant: Variant, test) -> bool:
    """Whether ldexp's integer exponent has an element for which ``test`` holds."""
    e = variant.args[1]
    return (isinstance(e, TensorArg) and e.values.dtype.kind in "iu"
            and bool(np.any(test(e.values.astype(np.float64)))))


def _has_inf(variant: Variant) -> bool:
    return any(isinstance(a, TensorArg) and a.values.dtype.kind == "f"
               and np.isinf(a.values).any() for a in variant.args)


# ---------------------------------------------------------------------------------------------
# Counting (the long mode's report)
# ---------------------------------------------------------------------------------------------

STATS: Counter = Counter()
FOUND: dict = {}   # (spec, kind) -> {"count": n, "example": str}


def record(variant: Variant, kind: str, detail: str) -> None:
    key = f"{variant.spec.name} | {kind}"
    entry = FOUND.setdefault(key, {"count": 0, "example": f"{variant!r}: {detail}"})
    entry["count"] += 1
    STATS[f"mismatch {kind}"] += 1


def summary(complete: bool = False) -> dict:
    """The counts so far; ``complete`` when the session ended normally (a run that PyTorch
    crashed, or the hang watchdog ended, leaves the last spec's summary without it)."""
    kinds = Counter()
    for key, entry in FOUND.items():
        kinds[key.split(" | ")[1]] += 1
    return {"complete": complete, "cases": STATS["cases"], "specs": STATS["specs"],
            "deliberate": STATS["deliberate"], "ill-posed": STATS["ill-posed"],
            "torch crashes skipped": STATS["torch crash avoided"] + STATS["known crash"],
            "mismatching cases": sum(v for k, v in STATS.items() if k.startswith("mismatch ")),
            "mismatch classes (spec, kind)": len(FOUND), "classes by kind": dict(kinds),
            "classes": dict(sorted(FOUND.items()))}


def write_summary(path: str, complete: bool = False) -> None:
    with open(path, "w") as f:
        json.dump(summary(complete), f, indent=1, default=str)


def _known_crashes() -> frozenset:
    """The cases listed in the file ``NPGRAD_FUZZ_SKIP`` (one ``repr(variant)`` a line): cases
    that killed PyTorch's process in an earlier part of a long run (``long_run.py`` lists
    them), skipped so that the rerun of their spec gets past them."""
    path = os.environ.get("NPGRAD_FUZZ_SKIP")
    if not path or not os.path.exists(path):
        return frozenset()
    with open(path) as f:
        return frozenset(line.rstrip("\n") for line in f if line.strip())


KNOWN_CRASHES = _known_crashes()


# ---------------------------------------------------------------------------------------------
# Building the inputs in one library
# ---------------------------------------------------------------------------------------------

def materialize(lib, arg: TensorArg):
    """(leaf, view): the leaf holds the values in the drawn layout, the view is what the op
    sees (the same values)."""
    v = arg.values
    if arg.layout == "transposed":
        base = np.ascontiguousarray(v.transpose())
        view = lambda b: b.permute(*reversed(range(v.ndim)))  # noqa: E731
    elif arg.layout == "sliced":
        base = np.repeat(v, 2, axis=0)
        view = lambda b: b[::2]  # noqa: E731
    elif arg.layout == "expanded":
        base = np.ascontiguousarray(v.take([0], axis=arg.axis))
        view = lambda b: b.expand(*v.shape)  # noqa: E731
    else:
        base = v
        view = lambda b: b  # noqa: E731
    leaf = lib.tensor(np.array(base))
    if arg.grad:
        leaf.requires_grad_(True)
    return leaf, view(leaf)


def _run(lib, variant: Variant):
    """(leaves, outputs, error) of the op in ``lib``."""
    leaves, args = [], []
    for a in variant.args:
        if isinstance(a, TensorArg):
            leaf, x = materialize(lib, a)
            leaves.append(leaf)
            args.append(x)
        else:
            leaves.append(None)
            args.append(a.value)
    try:
        out = variant.spec.fn(lib, *args)
    except Exception as e:  # noqa: BLE001 (any exception is an answer to compare)
        return leaves, None, e
    return leaves, tuple(out) if isinstance(out, (tuple, list)) else (out,), None


def builtin_class(exc: BaseException) -> type:
    """The built-in exception class PyTorch's exception is (``LinAlgError`` -> RuntimeError)."""
    for cls in type(exc).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls
    return Exception


def _same_error(stage: str, ours, theirs) -> None:
    """Both raised or neither; when PyTorch raised, npgrad raised the same built-in class."""
    if theirs is None and ours is None:
        return
    if theirs is None:
        raise Mismatch(f"{stage} raises", f"{type(ours).__name__}: {str(ours)[:200]}")
    if ours is None:
        raise Mismatch(f"{stage} accepted",
                       f"torch raises {type(theirs).__name__}: {str(theirs)[:200]}")
    cls = builtin_class(theirs)
    if not isinstance(ours, cls):
        raise Mismatch(f"{stage} exception class",
                       f"{type(ours).__name__} ({str(ours)[:120]}) where torch raises "
                       f"{cls.__name__} ({str(theirs)[:120]})")


# ---------------------------------------------------------------------------------------------
# Comparing values
# ---------------------------------------------------------------------------------------------

def tolerance(spec, dtype: str, factor: float = 1.0) -> tuple:
    """The dtype's tolerance, widened by the spec's own for the low-precision dtypes."""
    atol, rtol = TOLERANCES.get(dtype, (0.0, 0.0))
    if dtype not in ("float64", "complex128"):
        atol = max(atol, spec.atol or 0.0)
        rtol = max(rtol, spec.rtol or 0.0)
    return atol * factor, rtol * factor


def compare_arrays(ours: np.ndarray, theirs: np.ndarray, atol: float, rtol: float) -> str | None:
    """Why the arrays differ, or None: NaN places, infinities (signed), finite closeness."""
    if ours.shape != theirs.shape:
        return f"shape {ours.shape} != torch {theirs.shape}"
    if theirs.dtype.kind not in "fc":
        if not np.array_equal(ours, theirs):
            bad = np.argwhere(ours != theirs)[:3].tolist()
            return f"at {bad}: {ours[tuple(np.array(bad).T)]} != torch " \
                   f"{theirs[tuple(np.array(bad).T)]}"
        return None
    a, b = ours.astype(np.complex128 if theirs.dtype.kind == "c" else np.float64), \
        theirs.astype(np.complex128 if theirs.dtype.kind == "c" else np.float64)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if not np.array_equal(nan_a, nan_b):
        k = np.argwhere(nan_a != nan_b)[0]
        return f"NaN at {k.tolist()}: {a[tuple(k)]} vs torch {b[tuple(k)]}"
    inf = np.isinf(a) | np.isinf(b)
    if not np.array_equal(a[inf], b[inf]):
        k = np.argwhere(inf & (a != b))[0]
        return f"inf at {k.tolist()}: {a[tuple(k)]} vs torch {b[tuple(k)]}"
    fin = ~(nan_a | inf)
    err = np.abs(a[fin] - b[fin])
    bad = err > atol + rtol * np.abs(b[fin])
    if np.any(bad):
        i = int(np.argmax(bad))
        return (f"{int(bad.sum())} of {bad.size} differ, e.g. {a[fin][i]!r} vs torch "
                f"{b[fin][i]!r} (atol {atol:g}, rtol {rtol:g})")
    return None


def _same_plain(ours, theirs) -> bool:
    """Non-tensor outputs (numbers, sizes, bools) equal, NaN equal to NaN."""
    if isinstance(theirs, float) and isinstance(ours, (int, float)):
        if math.isnan(theirs):
            return math.isnan(ours)
        return math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-7) or ours == theirs
    if isinstance(theirs, (tuple, list)) and isinstance(ours, (tuple, list)):
        return len(ours) == len(theirs) and all(map(_same_plain, ours, theirs))
    try:
        return bool(ours == theirs)
    except Exception:  # noqa: BLE001
        return False


def _to_np(t) -> np.ndarray:
    """A tensor's values (torch's zero gradients may be ZeroTensors, which .numpy() refuses)."""
    if isinstance(t, torch.Tensor):
        if t._is_zerotensor():
            return np.zeros(tuple(t.shape), str(t.dtype).split(".")[-1])
        return t.detach().resolve_conj().resolve_neg().numpy()
    return np.asarray(t.detach()._data)


def _dtype_name(t) -> str:
    return str(t.dtype).split(".")[-1]


def has_ties(variant: Variant) -> bool:
    """Whether the op may see tied values: repeated values in an argument, or a changed
    shape (a spec's fixed arrays broadcast against it repeat)."""
    if any(" shape " in note for note in variant.notes):
        return True
    for a in variant.args:
        if isinstance(a, TensorArg):
            v = a.values.reshape(-1)
            if v.dtype.kind == "f":
                v = v[~np.isnan(v)]
            if np.unique(v).size != v.size:
                return True
    return False


def compare_outputs(variant: Variant, ours: tuple, theirs: tuple, ties: bool = False) -> None:
    """Each output; with ``ties`` (a tie-breaking op on tied values) not the index outputs."""
    spec = variant.spec
    if len(ours) != len(theirs):
        raise Mismatch("outputs", f"{len(ours)} outputs, torch {len(theirs)}")
    for k, (o, t) in enumerate(zip(ours, theirs)):
        if not isinstance(t, torch.Tensor):
            if isinstance(o, npgrad.Tensor) or not _same_plain(o, t):
                raise Mismatch("plain values", f"output {k}: {o!r} != torch {t!r}")
            continue
        if not isinstance(o, npgrad.Tensor):
            raise Mismatch("output type", f"output {k} is {type(o).__name__}")
        if tuple(o.shape) != tuple(t.shape):
            raise Mismatch("shape", f"output {k}: {tuple(o.shape)} != torch {tuple(t.shape)}")
        if not same_dtype(o, t):
            raise Mismatch("dtype", f"output {k}: {o.dtype} != torch {t.dtype}")
        if o.requires_grad != t.requires_grad:
            raise Mismatch("requires_grad",
                           f"output {k}: {o.requires_grad} != torch {t.requires_grad}")
        if spec.nondet_values or (ties and not (t.is_floating_point() or t.is_complex())):
            continue
        atol, rtol = tolerance(spec, _dtype_name(t))
        theirs = _to_np(t)
        atol = conditioned_atol(variant, atol, _dtype_name(t), theirs, 1)
        why = compare_arrays(_to_np(o), theirs, atol, rtol)
        if why:
            raise Mismatch("values", f"output {k}: {why}")


# ---------------------------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------------------------

def _grad_pairs(ours: tuple, theirs: tuple) -> list:
    return [(o, t) for o, t in zip(ours, theirs)
            if isinstance(t, torch.Tensor) and t.requires_grad and isinstance(o, npgrad.Tensor)
            and (t.is_floating_point() or t.is_complex())]


def _upstream(pairs: list, rng: np.random.Generator) -> list:
    return [rng.standard_normal(tuple(t.shape)).astype(_dtype_name(t)) for _, t in pairs]


def compare_grads(variant: Variant, ours: list, theirs: list, leaves_t: list, what: str) -> None:
    """Gradients per argument (None counts as zeros of the leaf's shape)."""
    for i, (ga, gb, leaf) in enumerate(zip(ours, theirs, leaves_t)):
        if leaf is None or not leaf.requires_grad:
            continue
        if gb is not None and ga is not None and not same_dtype(ga, gb):
            raise Mismatch(f"{what} dtype", f"input {i}: {ga.dtype} != torch {gb.dtype}")
        a = np.zeros(tuple(leaf.shape)) if ga is None else _to_np(ga)
        b = np.zeros(tuple(leaf.shape)) if gb is None else _to_np(gb)
        atol, rtol = tolerance(variant.spec, _dtype_name(leaf), GRAD_FACTOR)
        atol = conditioned_atol(variant, atol, _dtype_name(leaf), b, 2)
        why = compare_arrays(a, b, atol, rtol)
        if why:
            raise Mismatch(f"{what} values", f"input {i}: {why}")


def _check_backward(variant: Variant, run_o, run_t, rng: np.random.Generator) -> None:
    (leaves_o, outs_o, _), (leaves_t, outs_t, _) = run_o, run_t
    pairs = _grad_pairs(outs_o, outs_t)
    if not pairs or not any(leaf is not None and leaf.requires_grad for leaf in leaves_t):
        return
    gs = _upstream(pairs, rng)
    errors = []
    for lib, idx in ((npgrad, 0), (torch, 1)):
        try:
            lib.autograd.backward([p[idx] for p in pairs], [lib.tensor(g) for g in gs])
            errors.append(None)
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    _same_error("backward", *errors)
    if errors[1] is not None:
        return
    compare_grads(variant, [None if x is None else x.grad for x in leaves_o],
                  [None if x is None else x.grad for x in leaves_t], leaves_t, "grad")


def _second_order(lib, variant: Variant, rng_seed: int):
    """The gradients of ``sum(grad * v)``: (leaves, grads) or raises."""
    leaves, outs, err = _run(lib, variant)
    if err is not None:
        raise err
    rng = np.random.default_rng(rng_seed)
    pairs = [o for o in outs if isinstance(o, lib.Tensor) and o.requires_grad
             and o.is_floating_point()]
    diff = [x for x in leaves if x is not None and x.requires_grad]
    if not pairs or not diff:
        return leaves, [None] * len(leaves)
    gs = [lib.tensor(rng.standard_normal(tuple(o.shape)).astype(_dtype_name(o))) for o in pairs]
    first = lib.autograd.grad(pairs, diff, gs, create_graph=True, allow_unused=True)
    terms = []
    for x, g in zip(diff, first):
        # (one v per input, drawn whether or not its gradient is differentiable, so both
        # libraries use the same v's)
        v = rng.standard_normal(tuple(x.shape)).astype(_dtype_name(x))
        if g is not None and g.requires_grad:
            terms.append((g * lib.tensor(v)).sum())
    second = [None] * len(diff)
    if terms:
        second = lib.autograd.grad(sum(terms), diff, allow_unused=True)
    it = iter(second)
    return leaves, [next(it) if x is not None and x.requires_grad else None for x in leaves]


def _check_gradgrad(variant: Variant) -> None:
    results = []
    for lib in (npgrad, torch):
        try:
            results.append((_second_order(lib, variant, variant.seed + 7), None))
        except Exception as e:  # noqa: BLE001
            results.append((None, e))
    _same_error("gradgrad", results[0][1], results[1][1])
    if results[1][1] is not None:
        return
    (_, ours), (leaves_t, theirs) = results[0][0], results[1][0]
    compare_grads(variant, ours, theirs, leaves_t, "gradgrad")


# ---------------------------------------------------------------------------------------------
# One case
# ---------------------------------------------------------------------------------------------

def _deliberate(variant: Variant, kind: str, detail: str) -> Deliberate | None:
    for d in DELIBERATE:
        if (not d.specs or variant.spec.name in d.specs) and kind == d.kind \
                and d.when(variant, detail):
            return d
    return None


def _crashes_torch_backward(variant: Variant) -> bool:
    """Cases whose backward kills PyTorch 2.13's process (a segmentation fault, which no
    exception handler survives): pdist of an input with no rows; the grid samplers with a
    non-finite grid coordinate (their backward indexes out of bounds: reflection padding
    crashes with any inf or nan, border with a nan; the long fuzz run ended there). Forward
    is still compared; npgrad's backward of these is checked by the op spec's cases."""
    name = variant.spec.name
    if "grid_sample" in name:
        grid = variant.args[1]
        return isinstance(grid, TensorArg) and grid.values.dtype.kind == "f" and not bool(
            np.isfinite(grid.values).all())
    return name == "pdist" and any(
        isinstance(a, TensorArg) and a.values.size == 0 for a in variant.args)


def _corrupts_torch(variant: Variant) -> bool:
    """Cases that corrupt PyTorch 2.13's heap (the process aborts a few cases later, in
    hypothesis' own code): ``bincount`` of an empty input with non-empty weights, which
    PyTorch does not check; cases that kill it at once: ``lstm`` with inputs or states of
    another shape, ``segment_reduce`` of empty data; and cases PyTorch never returns from: ``binomial`` with a NaN
    count (its sampler loops forever). Not run at all; npgrad raises PyTorch's error for a
    length mismatch there, and binomial's NaN count gives NaN."""
    if variant.spec.name == "binomial":
        count = variant.args[0]
        return isinstance(count, TensorArg) and bool(np.isnan(count.values).any())
    if variant.spec.name.startswith("segment_reduce") and any(
            isinstance(a, TensorArg) and a.values.size == 0 for a in variant.args[:1]):
        return True  # (segment_reduce of empty data with offsets segfaults PyTorch 2.13)
    if variant.spec.name.startswith("lstm") and any("shape" in n for n in variant.notes):
        # PyTorch's CPU LSTM segfaults on inputs or states of another shape (an empty state
        # of integers, a state with an extra leading dim: five crashes in one long run);
        # npgrad's errors for these are checked by the error-parity suite
        return True
    if "ctc_loss" in variant.spec.name and isinstance(variant.args[1], TensorArg) \
            and variant.args[1].values.ndim == 1 and variant.args[1].layout != "contiguous":
        # PyTorch's ctc_loss reads strided concatenated targets at unscaled offsets (README,
        # "Deliberate differences"): wrong labels, a segfault for expanded ones, and its
        # backward writes through those labels (a later crash in one long run)
        return True
    if variant.spec.name in ("native_batch_norm", "native_batch_norm-eval"):
        # PyTorch 2.13's native_batch_norm does not check the running statistics' size: with
        # fewer than the input's channels it writes past them ("malloc_consolidate(): invalid
        # chunk size" aborted two long runs); npgrad raises batch_norm's RuntimeError
        x = variant.args[0]
        channels = x.values.shape[1] if isinstance(x, TensorArg) and x.values.ndim > 1 else None
        return channels is not None and any(
            isinstance(a, TensorArg) and a.values.size != channels for a in variant.args[1:3])
    return variant.spec.name == "bincount" and any(
        isinstance(a, TensorArg) and a.values.size == 0 for a in variant.args[:1]) and any(
        isinstance(a, TensorArg) and a.values.size != 0 for a in variant.args[1:])


def _alarm(_signum, _frame):
    raise CaseTimeout(f"a case ran over {CASE_TIMEOUT_S} s")


def _compare(variant: Variant) -> None:
    try:
        _compare_all(variant)
    except (Mismatch, CaseTimeout):
        raise
    except Exception as e:  # noqa: BLE001 (npgrad broke while being compared: a finding too)
        raise Mismatch("crash", f"{type(e).__name__}: {str(e)[:200]}") from None


def _compare_all(variant: Variant) -> None:
    if _corrupts_torch(variant):
        STATS["torch crash avoided"] += 1
        return
    run_o, run_t = _run(npgrad, variant), _run(torch, variant)
    _same_error("forward", run_o[2], run_t[2])
    if run_t[2] is not None:
        return
    variant.__dict__["_torch_outputs"] = run_t[1]
    variant.__dict__["_lapack_failed"] = "_ex" in variant.spec.name and any(
        isinstance(t, torch.Tensor) and t.dtype == torch.int32 and bool(t.any())
        for t in run_t[1])
    ties = variant.spec.tie_breaking and has_ties(variant)
    compare_outputs(variant, run_o[1], run_t[1], ties)
    if _crashes_torch_backward(variant):
        STATS["torch crash avoided"] += 1
        return
    if variant.spec.grad and not variant.spec.nondet_values and not ties:
        _check_backward(variant, run_o, run_t, np.random.default_rng(variant.seed + 3))
        if variant.gradgrad and variant.float_dtype in ("float32", "float64"):
            _check_gradgrad(variant)


def check_variant(variant: Variant, raise_mismatch: bool = True) -> None:
    """Compares one variant; a mismatch raises (or, with ``raise_mismatch=False``, is
    recorded for the long mode's summary). Deliberate differences are counted and pass."""
    STATS["cases"] += 1
    if KNOWN_CRASHES and repr(variant) in KNOWN_CRASHES:
        STATS["known crash"] += 1
        return
    timed = threading.current_thread() is threading.main_thread()
    if timed:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT_S)
    if not raise_mismatch:
        with open(summary_path() + ".case", "w") as f:
            f.write(f"{variant!r}\n")
        # into a file: pytest captures stderr, and an exiting process loses what it holds
        faulthandler.dump_traceback_later(HANG_S, exit=True, file=_hang_file())
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            torch.manual_seed(variant.seed % 2 ** 31)
            npgrad.manual_seed(variant.seed % 2 ** 31)
            _compare(variant)
    except Mismatch as m:
        if _deliberate(variant, m.kind, m.detail):
            STATS["deliberate"] += 1
            return
        if ill_posed(variant, m.kind, m.detail):
            STATS["ill-posed"] += 1
            return
        if not raise_mismatch:
            record(variant, m.kind, m.detail)
            return
        raise AssertionError(f"{variant.describe()}\n{m}") from None
    except CaseTimeout as t:
        if not raise_mismatch:
            record(variant, "timeout", str(t))
            return
        raise AssertionError(f"{variant.describe()}\n{t}") from None
    finally:
        if not raise_mismatch:
            faulthandler.cancel_dump_traceback_later()
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


_HANG_FILES: dict = {}


def _hang_file():
    """``<summary>.hang``, opened once: where the watchdog writes a stuck case's tracebacks."""
    path = summary_path() + ".hang"
    if path not in _HANG_FILES:
        _HANG_FILES[path] = open(path, "w")  # noqa: SIM115 (open for the process' life)
    return _HANG_FILES[path]


def summary_path() -> str:
    return os.environ.get("NPGRAD_FUZZ_SUMMARY", "/tmp/npgrad_fuzz_summary.json")
