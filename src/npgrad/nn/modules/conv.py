"""Convolution layers: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d``, with PyTorch's
parameter shapes, initialisation and ``padding_mode``."""
from __future__ import annotations

import math

from ...ops.creation.factories import empty
from ...tensor import Tensor
from .. import functional as F, init
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module


def _tuple(v, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _ConvNd(Module):
    _n = 2
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None, output_padding=0) -> None:
        super().__init__()
        n = self._n
        if in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"padding_mode must be one of 'zeros', 'reflect', 'replicate' or "
                             f"'circular', but got padding_mode='{padding_mode}'")
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _tuple(kernel_size, n), _tuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, n)
        self.dilation, self.groups = _tuple(dilation, n), groups
        self.output_padding = _tuple(output_padding, n)
        self.transposed, self.padding_mode = self._transposed, padding_mode
        shape = ((in_channels, out_channels // groups) if self._transposed
                 else (out_channels, in_channels // groups)) + self.kernel_size
        self.weight = Parameter(empty(*shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self._n:
            s += f", padding={self.padding!r}" if isinstance(self.padding, str) else \
                f", padding={self.padding}"
        if self.dilation != (1,) * self._n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _fn = ""

    def forward(self, input: Tensor) -> Tensor:
        conv = getattr(F, self._fn)
        if self.padding_mode != "zeros" and not isinstance(self.padding, str):
            # PyTorch's pad order: last dimension first, each as (before, after)
            pads = tuple(p for d in reversed(self.padding) for p in (d, d))
            return conv(F.pad(input, pads, mode=self.padding_mode), self.weight, self.bias,
                        self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                    self.groups)


class Conv1d(_Conv):
    """1-d convolution over (N, C, L) inputs."""
    _n, _fn = 1, "conv1d"


class Conv2d(_Conv):
    """2-d convolution over (N, C, H, W) inputs.

    >>> npgrad.nn.Conv2d(1, 8, 3, padding=1)(npgrad.randn(2, 1, 28, 28)).shape
    npgrad.Size([2, 8, 28, 28])
    """
    _n, _fn = 2, "conv2d"


class Conv3d(_Conv):
    """3-d convolution over (N, C, D, H, W) inputs."""
    _n, _fn = 3, "conv3d"


class _ConvTranspose(_ConvNd):
    _transposed = True
    _fn = ""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        if output_size is None:
            return self.output_padding
        want = tuple(output_size)[-self._n:]
        spatial = tuple(input.shape[-self._n:])
        out = []
        for i in range(self._n):
            base = ((spatial[i] - 1) * self.stride[i] - 2 * self.padding[i]
                    + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            extra = want[i] - base
            if not 0 <= extra < max(self.stride[i], self.dilation[i]):
                top = base + max(self.stride[i], self.dilation[i]) - 1
                raise ValueError(f"requested an output size of {want}, but valid sizes range "
                                 f"from {base} to {top}")
            out.append(extra)
        return tuple(out)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        return getattr(F, self._fn)(input, self.weight, self.bias, self.stride, self.padding,
                                    self._output_padding(input, output_size), self.groups,
                                    self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-d convolution (the gradient of conv1d with respect to its input)."""
    _n, _fn = 1, "conv_transpose1d"


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-d convolution."""
    _n, _fn = 2, "conv_transpose2d"


class ConvTranspose3d(_ConvTranspose):
    """Transposed 3-d convolution."""
    _n, _fn = 3, "conv_transpose3d"


class _LazyConvNd(LazyModuleMixin):
    """A convolution whose ``in_channels`` is read from its first input (dim 1, or dim 0 of
    unbatched input)."""

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, bias=False, padding_mode=padding_mode)
        self._uninitialized(out_channels, bias, device)

    def _uninitialized(self, out_channels: int, bias: bool, device=None) -> None:
        self.weight = UninitializedParameter(device=device)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args) -> None:
        if self.has_uninitialized_params():
            batched = input.ndim == self._n + 2
            self.in_channels = input.shape[1 if batched else 0]
            if self.in_channels % self.groups:
                raise ValueError("in_channels must be divisible by groups")
            g = self.groups
            shape = ((self.in_channels, self.out_channels // g) if self._transposed
                     else (self.out_channels, self.in_channels // g)) + self.kernel_size
            with no_grad():
                self.weight.materialize(shape)
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()


class LazyConv1d(_LazyConvNd, Conv1d):
    """``Conv1d`` with ``in_channels`` from the first input."""
    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    """``Conv2d`` with ``in_channels`` from the first input."""
    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    """``Conv3d`` with ``in_channels`` from the first input."""
    cls_to_become = Conv3d


class _LazyConvTransposeNd(_LazyConvNd):
    """The transposed convolutions' argument order (``output_padding`` before ``groups``)."""

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        super(_LazyConvNd, self).__init__(0, 0, kernel_size, stride=stride, padding=padding,
                                          output_padding=output_padding, groups=groups,
                                          bias=False, dilation=dilation,
                                          padding_mode=padding_mode)
        self._uninitialized(out_channels, bias, device)


class LazyConvTranspose1d(_LazyConvTransposeNd, ConvTranspose1d):
    """``ConvTranspose1d`` with ``in_channels`` from the first input."""
    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeNd, ConvTranspose2d):
    """``ConvTranspose2d`` with ``in_channels`` from the first input."""
    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeNd, ConvTranspose3d):
    """``ConvTranspose3d`` with ``in_channels`` from the first input."""
    cls_to_become = ConvTranspose3d
