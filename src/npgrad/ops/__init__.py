"""npgrad's ops, by family: one sub-package per family, one module per group of related ops.

    elementwise/  unary, binary (operators), pointwise, trig, rounding, special, integer, complex
    reduction/    reduce (sum, max...), stats (var, median, quantile...), scans, histograms
    shape/        views (reshape, permute...), joins (cat, split...), tiling, diag
    indexing/     indexing (x[k], index_*), scatter (gather/scatter), masked, sorting
    creation/     factories (tensor, zeros, arange...), random, windows, grids
    linalg/       products (matmul, einsum...), solvers, decompositions, norms
    nn/           what nn.functional offers: activation, loss, normalization, dropout, conv,
                  pool, sampling, pad, layers
    inplace.py    the in-place machinery (version counters, graph rules) and torch.exp_(x)...
    predicates.py questions asked of a tensor (is_tensor, numel, is_signed...)
    promotion.py  promote_types, result_type, can_cast
    _arguments.py operands, dims and sizes normalised, the text of error messages

Each primitive is a small ``Primitive`` class with ``forward`` (on arrays) and ``backward``
(in npgrad ops, so it can be differentiated again) side by side; composites are plain
functions of other ops and need no backward. The ops sit above ``tensor.py`` and
``autograd/``; the Tensor's methods that call them (``x.exp()``) sit above them, in
``npgrad/_tensor_methods/``.
"""

from .custom import NAMESPACES as _CUSTOM_NAMESPACES


def __getattr__(name: str):
    """``npgrad.ops.<namespace>``: the custom ops defined with ``npgrad.library`` under that
    namespace, as ``torch.ops.<namespace>``."""
    try:
        return _CUSTOM_NAMESPACES[name]
    except KeyError:
        raise AttributeError(f"module 'npgrad.ops' has no attribute '{name}'") from None
