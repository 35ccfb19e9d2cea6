"""``out=``: the keyword through which PyTorch's functions write their result into a tensor
the caller already holds (``torch.add(x, y, out=z)``, ``torch.max(x, 1, out=(v, i))``).

The ops compute a fresh result; ``with_out`` gives a function the ``out`` keyword by writing
that result into ``out`` afterwards, as PyTorch does:

* ``out`` is resized to the result's shape (with PyTorch's warning when it had elements);
* the result must be castable to ``out``'s dtype (``can_cast`` rules: no float into int);
* a result that autograd would record (an input requires grad, grad mode is on) is refused
  with PyTorch's RuntimeError, ``out`` left untouched;
* functions that return several tensors take a tuple of as many, and return a tuple (the
  same named tuple type) of those tensors;
* a creation function (``torch.rand(2, 2, out=c)``) makes its values in ``out``'s dtype
  unless it is given ``dtype``, and resizes ``out`` without a warning.

The facade applies ``with_out`` to the functions listed in ``OUT_FUNCTIONS``; the ops keep
their plain signatures, so code inside the library pays nothing for the keyword.
"""
from __future__ import annotations

import functools
import warnings

from .. import dtypes as _dt
from ..autograd.grad_mode import STATE, no_grad
from ._arguments import Tensor, type_name

__all__: list = []

# The torch.* functions that take ``out=`` in PyTorch 2.13 and have none of their own here.
OUT_FUNCTIONS = frozenset("""
    abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr alias_copy all amax
    amin aminmax angle any arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax
    argmin asin asinh atan atan2 atanh baddbmm bernoulli bitwise_and bitwise_left_shift
    bitwise_not bitwise_or bitwise_right_shift bitwise_xor bmm bucketize cat ceil chain_matmul
    cholesky cholesky_inverse cholesky_solve clamp clamp_max clamp_min clip column_stack concat
    concatenate conj_physical copysign cos cosh cross cummax cummin cumprod cumsum deg2rad
    detach_copy diag diagonal_copy diff digamma div divide dot dstack empty empty_permuted eq
    erf erfc erfinv exp exp2 expand_copy expm1 eye fix float_power floor floor_divide fmax fmin
    fmod frac frexp frobenius_norm full gather gcd ge geqrf ger greater greater_equal gt
    hardshrink heaviside histc histogram histogramdd hstack hypot i0 index_add index_copy
    index_reduce index_select inner inverse isin isneginf isposinf kron kthvalue lcm ldexp le
    lerp less less_equal lgamma linspace log log10 log1p log2 log_softmax logaddexp logaddexp2
    logcumsumexp logical_and logical_not logical_or logical_xor logit logspace logsumexp lt
    lu_solve lu_unpack masked_select matmul matrix_power max maximum mean median min minimum mm
    mode msort mul multinomial multiply mv mvlgamma nan_to_num nanmean nanmedian nanquantile
    nansum narrow_copy ne neg negative nextafter nonzero normal not_equal nuclear_norm ones
    orgqr ormqr outer permute_copy polygamma pow prod qr quantile rad2deg rand randint randn
    randperm range reciprocal remainder renorm round row_stack rsqrt scatter scatter_add
    scatter_reduce searchsorted select_copy select_scatter sgn sigmoid sign signbit sin sinc
    sinh slice_copy slice_scatter slogdet softmax sort sqrt square squeeze_copy stack std
    std_mean sub subtract sum svd t_copy take take_along_dim tan tanh tensordot threshold topk
    transpose_copy triangular_solve tril triu true_divide trunc unsqueeze_copy var var_mean
    vdot view_copy vstack where xlogy zeros
""".split())

# Creation functions: their values are made in out's dtype and on its device by default.
_FACTORIES = frozenset("arange empty empty_permuted eye full linspace logspace ones rand "
                       "randint randn randperm range zeros".split())


def write_out(name: str, value: Tensor, out, inputs=(), differentiable: bool = False,
              stacklevel: int = 3) -> Tensor:
    """``value`` written into ``out`` (returned), or ``value`` itself when ``out`` is None
    (``name``: the function, as errors name it). With ``differentiable``, an input among
    ``inputs`` that requires grad (grad mode on) is refused, as autograd cannot record it;
    ``stacklevel``: the resize warning's, counted from here to the user's call."""
    if out is None:
        return value
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type_name(out)}")
    if differentiable and STATE.enabled and any(
            isinstance(t, Tensor) and t.requires_grad for t in (*inputs, out)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    if not _dt.can_cast_inplace(value._data.dtype, out._data.dtype):
        raise RuntimeError(f"result type {_dt.scalar_type_name(value._data.dtype)} can't be cast "
                           f"to the desired output type {_dt.scalar_type_name(out._data.dtype)}")
    with no_grad():
        if tuple(out.shape) != tuple(value.shape):
            if out.numel():
                warnings.warn(f"An output with one or more elements was resized since it had "
                              f"shape {list(out.shape)}, which does not match the required "
                              f"output shape {list(value.shape)}.", UserWarning, stacklevel=stacklevel)
            out.resize_(*value.shape)
        out.copy_(value)
    return out


def _write_all(name: str, value, out):
    """``value`` (a Tensor, or a tuple of them) written into ``out`` (a Tensor, or a tuple of
    as many)."""
    if isinstance(value, Tensor):
        return write_out(name, value, out, (value,), differentiable=True, stacklevel=5)
    values = tuple(value)
    if not isinstance(out, (tuple, list)) or len(out) != len(values):
        raise TypeError(f"{name}(): argument 'out' must be tuple of {len(values)} Tensors, "
                        f"not {type_name(out)}")
    # refuse before writing anything, so that no out tensor is left half-written
    for v, o in zip(values, out):
        if not isinstance(o, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors, "
                            f"but found element of type {type_name(o)}")
        if STATE.enabled and (v.requires_grad or o.requires_grad):
            write_out(name, v, o, (v,), differentiable=True)  # raises PyTorch's error
    written = [write_out(name, v, o, stacklevel=5) for v, o in zip(values, out)]
    return type(value)(*written) if hasattr(value, "_fields") else tuple(written)


def with_out(fn, name: str):
    """``fn`` with PyTorch's ``out=`` keyword (the module docstring says what it does)."""
    factory = name in _FACTORIES

    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if factory:
            target = out[0] if isinstance(out, (tuple, list)) else out
            if isinstance(target, Tensor):
                kwargs.setdefault("dtype", target.dtype)
                kwargs.setdefault("device", target.device)
            value = fn(*args, **kwargs)
            if isinstance(target, Tensor) and target.shape != value.shape:
                target.resize_(*value.shape)  # as PyTorch's factories: silently
            return _write_all(name, value, out)
        return _write_all(name, fn(*args, **kwargs), out)

    # pickled by reference as npgrad.<name>, which is this wrapper (the op it wraps keeps its
    # own module and name, and may be another namespace's: npgrad.softmax wraps F.softmax).
    # (inspect.signature gives the wrapped op's, without out=: reading 264 signatures at
    # import took ~3% of `import npgrad`; PyTorch's builtins have none to inspect)
    call.__module__, call.__qualname__ = "npgrad", name
    return call
