"""``nn.grad``: the gradients of a convolution with respect to its input and its weight,
given the gradient of its output (``conv1d_input``, ``conv2d_weight``...).

Each runs the convolution on a stand-in tensor and asks the engine for the gradient, so the
result is itself differentiable (with respect to ``weight``, ``input`` and ``grad_output``)
exactly when the convolution's backward is.
"""
from __future__ import annotations

from ..autograd.engine import grad as _grad
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ..ops.creation.factories import zeros
from ..ops.nn.conv import conv1d, conv2d, conv3d

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input",
           "conv3d_weight"]


def _wants_graph(*tensors) -> bool:
    return is_grad_enabled() and any(t.requires_grad for t in tensors)


def _input_grad(conv, input_size, weight, grad_output, stride, padding, dilation, groups):
    graph = _wants_graph(weight, grad_output)
    x = zeros(*input_size, dtype=grad_output.dtype).requires_grad_()
    with enable_grad():
        out = conv(x, weight, None, stride, padding, dilation, groups)
        return _grad(out, x, grad_output, create_graph=graph)[0]


def _weight_grad(conv, input, weight_size, grad_output, stride, padding, dilation, groups):
    graph = _wants_graph(input, grad_output)
    w = zeros(*weight_size, dtype=grad_output.dtype).requires_grad_()
    with enable_grad():
        out = conv(input, w, None, stride, padding, dilation, groups)
        return _grad(out, w, grad_output, create_graph=graph)[0]


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``conv1d`` with respect to an input of ``input_size``."""
    return _input_grad(conv1d, input_size, weight, grad_output, stride, padding, dilation,
                       groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``conv1d`` with respect to a weight of ``weight_size``."""
    return _weight_grad(conv1d, input, weight_size, grad_output, stride, padding, dilation,
                        groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``conv2d`` with respect to an input of ``input_size``."""
    return _input_grad(conv2d, input_size, weight, grad_output, stride, padding, dilation,
                       groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``conv2d`` with respect to a weight of ``weight_size``."""
    return _weight_grad(conv2d, input, weight_size, grad_output, stride, padding, dilation,
                        groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``conv3d`` with respect to an input of ``input_size``."""
    return _input_grad(conv3d, input_size, weight, grad_output, stride, padding, dilation,
                       groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``conv3d`` with respect to a weight of ``weight_size``."""
    return _weight_grad(conv3d, input, weight_size, grad_output, stride, padding, dilation,
                        groups)
