"""The Wishart distribution over positive-definite matrices."""
from __future__ import annotations

import math
import numbers

from ..tensor import Size
from ..ops.creation.factories import arange, randn, tensor
from ..ops.elementwise.special import mvlgamma
from ..ops.linalg.cholesky import cholesky
from ..ops.linalg.solvers import slogdet, solve, solve_triangular
from ..ops.shape.diag import diag_embed
from ..ops.shape.views import broadcast_shapes
from . import constraints
from .chi2 import Chi2
from .exp_family import ExponentialFamily
from .multivariate_normal import _precision_to_scale_tril
from .utils import lazy_property

__all__ = ["Wishart"]

_LOG_2 = math.log(2)
_ONE_OF = "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."


def _mvdigamma(x, p: int):
    """The derivative of the multivariate log-gamma function: sum_i digamma(x - i/2)."""
    return (x.unsqueeze(-1) - arange(p, dtype=x.dtype) / 2).digamma().sum(-1)


class Wishart(ExponentialFamily):
    """``Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None)``: the
    distribution of ``sum_k x_k x_k^T`` for ``df`` normal vectors of the given covariance.
    ``rsample`` uses the Bartlett decomposition (reparameterised through its chi-squared
    variates). NOTE: PyTorch redraws samples that come out singular (its
    ``max_try_correction``); npgrad does not (a singular draw needs df near p - 1)."""

    arg_constraints = {"covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky,
                       "df": constraints.greater_than(0)}
    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None) -> None:
        if (covariance_matrix is not None) + (scale_tril is not None) + (
                precision_matrix is not None) != 1:
            raise ValueError(_ONE_OF)
        given = {"scale_tril": scale_tril, "covariance_matrix": covariance_matrix,
                 "precision_matrix": precision_matrix}
        name, param = next((k, v) for k, v in given.items() if v is not None)
        if param.dim() < 2:
            raise ValueError(f"{name} must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, numbers.Number):
            batch_shape = param.shape[:-2]
            self.df = tensor(df, dtype=param.dtype)
        else:
            batch_shape = broadcast_shapes(param.shape[:-2], df.shape)
            self.df = df.expand(batch_shape)
        event_shape = param.shape[-2:]
        if bool(self.df.le(event_shape[-1] - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = "
                             f"{event_shape[-1] - 1}.")
        setattr(self, name, param.expand(batch_shape + (-1, -1)))
        self.arg_constraints = dict(self.arg_constraints,
                                    df=constraints.greater_than(event_shape[-1] - 1))
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)
        p = event_shape[-1]
        # Bartlett: the factor's squared diagonal entries are chi2(df - i), i = 0..p-1
        self._dist_chi2 = Chi2(df=self.df.unsqueeze(-1)
                               - arange(p, dtype=self.df.dtype).expand(batch_shape + (-1,)))

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = Size(batch_shape)
        cov_shape = batch_shape + self.event_shape
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(batch_shape)
        new.arg_constraints = self.arg_constraints
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        new._dist_chi2 = self._dist_chi2.expand(batch_shape + self.event_shape[-1:])
        ExponentialFamily.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self):
        L = self._unbroadcasted_scale_tril
        ident = L.new_ones(L.shape[-1]).diag_embed()
        l_inv = solve_triangular(L, ident, upper=False)
        return (l_inv.mT @ l_inv).expand(self._batch_shape + self._event_shape)

    def _df_matrix(self):
        return self.df.view(self._batch_shape + (1, 1))

    @property
    def mean(self):
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self):
        p = self._event_shape[-1]
        factor = self.df - p - 1
        factor = factor.masked_fill(factor <= 0, float("nan"))
        return factor.view(self._batch_shape + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix
        diag = V.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix() * (V.pow(2) + diag.unsqueeze(-1) * diag.unsqueeze(-2))

    def rsample(self, sample_shape=Size()):
        sample_shape = Size(sample_shape)
        shape = self._extended_shape(sample_shape)
        p = self._event_shape[-1]
        noise = diag_embed(self._dist_chi2.rsample(sample_shape).sqrt())
        noise = noise + randn(*shape, dtype=noise.dtype).tril(-1)
        chol = self._unbroadcasted_scale_tril @ noise
        assert chol.shape[-1] == p
        return chol @ chol.mT

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        shape = broadcast_shapes(L.shape[:-2], value.shape[:-2]) + self._event_shape
        # tr(V^-1 X) with V = L L^T formed from the whole of L: its gradient then reaches
        # L's (structurally zero) upper triangle as PyTorch's cholesky_solve gives it
        V = (L @ L.mT).expand(shape)
        trace = solve(V, value.expand(shape)).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * (p * _LOG_2 / 2 + self._half_log_det()) - mvlgamma(nu / 2, p)
                + (nu - p - 1) / 2 * slogdet(value)[1] - trace / 2)

    def entropy(self):
        nu, p = self.df, self._event_shape[-1]
        return ((p + 1) * (p * _LOG_2 / 2 + self._half_log_det()) + mvlgamma(nu / 2, p)
                - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self):
        nu, p = self.df, self._event_shape[-1]
        return -self.precision_matrix / 2, (nu - p - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return ((y + (p + 1) / 2) * (-slogdet(-2 * x)[1] + _LOG_2 * p)
                + mvlgamma(y + (p + 1) / 2, p))
