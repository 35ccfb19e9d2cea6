"""Tensor methods: Python's operators (``x + y``, ``x @ y``, ``x[k]``...) and the named
arithmetic, comparison and logic methods (``npgrad/ops/elementwise/``).

Each calls the op that implements it; the package docstring says how they become methods of
:class:`npgrad.Tensor`.
"""
from __future__ import annotations

import numpy as np

from ..ops import inplace as _inplace
from ..ops._arguments import array_operand
from ..ops.elementwise import binary as _binary, unary as _unary
from ..ops.indexing import indexing as _indexing
from ..ops.linalg import products as _products
from ..tensor import Tensor, _NUMBERS

_SEQUENCES = (list, tuple)
_NOT_COMPARED = (str, list, tuple)  # == and != give Python's answer (identity), not a Tensor


# the reflected operators that refuse a NumPy array on the left: their symbol and op
_REFLECTED = {"__radd__": ("+", "add"), "__rsub__": ("-", "sub"), "__rmul__": ("*", "mul"),
              "__rfloordiv__": ("//", "floor_divide"), "__rmod__": ("%", "remainder"),
              "__rpow__": ("**", "pow"), "__rmatmul__": ("@", "matmul"),
              "__rand__": ("&", "bitwise_and"), "__ror__": ("|", "bitwise_or"),
              "__rxor__": ("^", "bitwise_xor"), "__rlshift__": ("<<", "bitwise_left_shift"),
              "__rrshift__": (">>", "bitwise_right_shift")}


def _left_operand(other, dunder: str):
    """The left operand of a reflected operator (``other - self``): as PyTorch's Tensor, a
    NumPy array there is a TypeError (only ``array / tensor`` and ``array == tensor`` work)."""
    if isinstance(other, np.ndarray):
        symbol, op = _REFLECTED[dunder]
        raise TypeError(f"unsupported operand type(s) for {symbol}: 'numpy.ndarray' and "
                        f"'Tensor' ({dunder} of {op})")
    return array_operand(other)


class ArithmeticMethods:
    """The operator and named arithmetic, comparison and logic methods of :class:`npgrad.Tensor`."""

    # With a Tensor or a Python number on the other side (nearly every call), the arithmetic
    # operators go straight to the op's Primitive: the function (``binary.add``) would pass
    # these through unchanged, and this is the hottest path of any model. A list or tuple
    # gives NotImplemented, as in PyTorch, so Python's own rules apply (``x + [1]`` is a
    # TypeError, ``[1, 2] * tensor(2)`` repeats the list). Anything else (arrays, other
    # objects) goes through the function, which converts or rejects it.
    def __add__(self, other):
        """``self + other``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Add._apply2(self, other)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.add(self, array_operand(other))

    # ``2 + x`` and ``2 * x`` record x as the node's first input, as PyTorch (its reflected
    # add and mul are ``x.add(2)``, ``x.mul(2)``): grad_fn.next_functions lists x first
    def __radd__(self, other):
        """``other + self``."""
        if other.__class__ in _NUMBERS:
            return _binary.Add._apply2(self, other)
        if other.__class__ is Tensor or isinstance(other, Tensor):
            return _binary.Add._apply2(other, self)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.add(_left_operand(other, "__radd__"), self)

    def __sub__(self, other):
        """``self - other``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Sub._apply2(self, other)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.sub(self, array_operand(other))

    def __rsub__(self, other):
        """``other - self``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Sub._apply2(other, self)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.sub(_left_operand(other, "__rsub__"), self)

    def __mul__(self, other):
        """``self * other``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Mul._apply2(self, other)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.mul(self, array_operand(other))

    def __rmul__(self, other):
        """``other * self``."""
        if other.__class__ in _NUMBERS:
            return _binary.Mul._apply2(self, other)
        if other.__class__ is Tensor or isinstance(other, Tensor):
            return _binary.Mul._apply2(other, self)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.mul(_left_operand(other, "__rmul__"), self)

    def __truediv__(self, other):
        """``self / other``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Div._apply2(self, other)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.div(self, array_operand(other))

    def __rtruediv__(self, other):
        """``other / self``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Div._apply2(other, self)
        if isinstance(other, _SEQUENCES):
            return NotImplemented
        return _binary.div(array_operand(other), self)

    def __floordiv__(self, other):
        """``self // other``."""
        return _binary.floor_divide(self, array_operand(other))

    def __rfloordiv__(self, other):
        """``other // self``."""
        return _binary.floor_divide(_left_operand(other, "__rfloordiv__"), self)

    def __mod__(self, other):
        """``self % other``."""
        return _binary.remainder(self, array_operand(other))

    def __rmod__(self, other):
        """``other % self``."""
        return _binary.remainder(_left_operand(other, "__rmod__"), self)

    def __pow__(self, other):
        """``self ** other``."""
        if other.__class__ is Tensor or other.__class__ in _NUMBERS or isinstance(other, Tensor):
            return _binary.Pow._apply2(self, other)
        return _binary.pow(self, array_operand(other))

    def __rpow__(self, other):
        """``other ** self``."""
        return _binary.pow(_left_operand(other, "__rpow__"), self)

    def __matmul__(self, other):
        """``self @ other``."""
        return _products.matmul(self, array_operand(other))

    def __rmatmul__(self, other):
        """``other @ self``."""
        return _products.matmul(_left_operand(other, "__rmatmul__"), self)

    def __neg__(self):
        """``-self``."""
        return _unary.Neg._apply1(self)

    def __pos__(self):
        """``+self`` (:func:`npgrad.positive`: ``self`` itself; a bool tensor is refused)."""
        return _unary.positive(self)

    def __abs__(self):
        """``abs(self)``."""
        return _unary.abs(self)

    def __invert__(self):
        """``~self``."""
        try:
            return _binary.bitwise_not(self)
        except NotImplementedError:  # (PyTorch's operator raises TypeError for floats)
            raise TypeError("~ (operator.invert) is only implemented on integer and "
                            f"Boolean-type tensors (got {self.dtype})") from None

    def __and__(self, other):
        """``self & other``."""
        return _binary.bitwise_and(self, array_operand(other))

    def __rand__(self, other):
        """``other & self``."""
        return _binary.bitwise_and(_left_operand(other, "__rand__"), self)

    def __or__(self, other):
        """``self | other``."""
        return _binary.bitwise_or(self, array_operand(other))

    def __ror__(self, other):
        """``other | self``."""
        return _binary.bitwise_or(_left_operand(other, "__ror__"), self)

    def __xor__(self, other):
        """``self ^ other``."""
        return _binary.bitwise_xor(self, array_operand(other))

    def __rxor__(self, other):
        """``other ^ self``."""
        return _binary.bitwise_xor(_left_operand(other, "__rxor__"), self)

    def __lshift__(self, other):
        """``self << other``."""
        return _binary.bitwise_left_shift(self, array_operand(other))

    def __rlshift__(self, other):
        """``other << self``."""
        return _binary.bitwise_left_shift(_left_operand(other, "__rlshift__"), self)

    def __rshift__(self, other):
        """``self >> other``."""
        return _binary.bitwise_right_shift(self, array_operand(other))

    def __rrshift__(self, other):
        """``other >> self``."""
        return _binary.bitwise_right_shift(_left_operand(other, "__rrshift__"), self)

    def __eq__(self, other):
        """``self == other``."""
        # t == None is False (`x in list` works); t == [1, 2] is False too, as in PyTorch
        if other is None or isinstance(other, _NOT_COMPARED):
            return NotImplemented
        return _binary.eq(self, array_operand(other))

    def __ne__(self, other):
        """``self != other``."""
        if other is None or isinstance(other, _NOT_COMPARED):
            return NotImplemented
        return _binary.ne(self, array_operand(other))

    def __lt__(self, other):
        """``self < other``."""
        return _binary.lt(self, other)

    def __le__(self, other):
        """``self <= other``."""
        return _binary.le(self, other)

    def __gt__(self, other):
        """``self > other``."""
        return _binary.gt(self, other)

    def __ge__(self, other):
        """``self >= other``."""
        return _binary.ge(self, other)

    def __getitem__(self, key):
        """``self[key]``."""
        return _indexing.getitem(self, key)

    def __setitem__(self, key, value) -> None:
        """``self[key] = value``."""
        _indexing.setitem(self, key, value)

    # in-place operators: x += y modifies x's data, as in PyTorch
    def __iadd__(self, other):
        """``self += other``."""
        return _inplace.apply_(self, _binary.add, array_operand(other))

    def __isub__(self, other):
        """``self -= other``."""
        return _inplace.apply_(self, _binary.sub, array_operand(other))

    def __imul__(self, other):
        """``self *= other``."""
        return _inplace.apply_(self, _binary.mul, array_operand(other))

    def __itruediv__(self, other):
        """``self /= other``."""
        return _inplace.apply_(self, _binary.div, array_operand(other))

    def __ifloordiv__(self, other):
        """``self //= other``."""
        return _inplace.apply_(self, _binary.floor_divide, array_operand(other))

    def __imod__(self, other):
        """``self %= other``."""
        return _inplace.apply_(self, _binary.remainder, array_operand(other))

    def __ipow__(self, other):
        """``self **= other``."""
        return _inplace.apply_(self, _binary.pow, array_operand(other))

    def __iand__(self, other):
        """``self &= other``."""
        return _inplace.apply_(self, _binary.bitwise_and, array_operand(other))

    def __ior__(self, other):
        """``self |= other``."""
        return _inplace.apply_(self, _binary.bitwise_or, array_operand(other))

    def __ixor__(self, other):
        """``self ^= other``."""
        return _inplace.apply_(self, _binary.bitwise_xor, array_operand(other))

    def __ilshift__(self, other):
        """``self <<= other``."""
        return _inplace.apply_(self, _binary.bitwise_left_shift, array_operand(other))

    def __irshift__(self, other):
        """``self >>= other``."""
        return _inplace.apply_(self, _binary.bitwise_right_shift, array_operand(other))

    def add(self, other, *, alpha=1):
        """See :func:`npgrad.add`."""
        return _binary.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        """See :func:`npgrad.sub`."""
        return _binary.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        """See :func:`npgrad.mul`."""
        return _binary.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        """See :func:`npgrad.div`."""
        return _binary.div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other):
        """See :func:`npgrad.floor_divide`."""
        return _binary.floor_divide(self, other)

    def remainder(self, other):
        """See :func:`npgrad.remainder`."""
        return _binary.remainder(self, other)

    def pow(self, exponent):
        """See :func:`npgrad.pow`."""
        return _binary.pow(self, exponent)

    def eq(self, other):
        """See :func:`npgrad.eq`."""
        return _binary.eq(self, other)

    def ne(self, other):
        """See :func:`npgrad.ne`."""
        return _binary.ne(self, other)

    def lt(self, other):
        """See :func:`npgrad.lt`."""
        return _binary.lt(self, other)

    def le(self, other):
        """See :func:`npgrad.le`."""
        return _binary.le(self, other)

    def gt(self, other):
        """See :func:`npgrad.gt`."""
        return _binary.gt(self, other)

    def ge(self, other):
        """See :func:`npgrad.ge`."""
        return _binary.ge(self, other)

    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def bitwise_and(self, other):
        """See :func:`npgrad.bitwise_and`."""
        return _binary.bitwise_and(self, other)

    def bitwise_or(self, other):
        """See :func:`npgrad.bitwise_or`."""
        return _binary.bitwise_or(self, other)

    def bitwise_xor(self, other):
        """See :func:`npgrad.bitwise_xor`."""
        return _binary.bitwise_xor(self, other)

    def bitwise_not(self):
        """See :func:`npgrad.bitwise_not`."""
        return _binary.bitwise_not(self)

    def bitwise_left_shift(self, other):
        """See :func:`npgrad.bitwise_left_shift`."""
        return _binary.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        """See :func:`npgrad.bitwise_right_shift`."""
        return _binary.bitwise_right_shift(self, other)

    def logical_and(self, other):
        """See :func:`npgrad.logical_and`."""
        return _binary.logical_and(self, other)

    def logical_or(self, other):
        """See :func:`npgrad.logical_or`."""
        return _binary.logical_or(self, other)

    def logical_xor(self, other):
        """See :func:`npgrad.logical_xor`."""
        return _binary.logical_xor(self, other)

    def logical_not(self):
        """See :func:`npgrad.logical_not`."""
        return _binary.logical_not(self)

    def where(self, condition, other):
        """See :func:`npgrad.where`."""
        return _binary.where(condition, self, other)
