"""Specs: the operators of issue 2 (arithmetic, comparison, bitwise, logical, where,
in-place) and the creation functions, against PyTorch.

Operator specs are named after the Tensor dunder (``"Tensor.__rsub__"``); in-place ones work
on a clone (``lambda lib, x, y: x.clone().add_(y)``), so the gradient flows back through
the clone to the leaf.
"""
import numpy as np

from ..harness import A, B, C, F, I, OpSpec

BIN = [[(3,), (3,)], [(2, 3), (3,)], [(2, 1, 4), (3, 1)], [(), (2, 2)], [(0, 3), (3,)]]
# a divisor bounded away from 0 (either sign), for / // % and their gradients
POS = F((3,), 0.5, 2.0)
DIV = [[(2, 3), POS], [F((3,), -3, 3), F((2, 3), 0.5, 2)], [(), F((2, 2), 0.5, 2)],
       [(0, 3), POS]]
# mixed signs for floor semantics: divisor negative, dividend negative
NEG_DIV = [[F((2, 3), -5, 5), F((3,), -2.0, -0.5)], [F((4,), -5, 5), F((4,), 0.5, 2.0)]]
# in-place: the tensor written to already has the broadcast shape
BIN_IP = [[(3,), (3,)], [(2, 3), (3,)], [(2, 3, 4), (3, 1)], [(2, 2), ()]]
ONLY32 = ("float32",)  # integer/bool-only specs do not depend on the float dtype


def _iop(op):
    """``x op= y`` on a clone of ``x``, returned (an in-place operator as a spec)."""
    def f(lib, x, y):
        z = x.clone()
        z = op(z, y)
        return z
    return f


def _iadd(z, y):
    z += y
    return z


def _isub(z, y):
    z -= y
    return z


def _imul(z, y):
    z *= y
    return z


def _idiv(z, y):
    z /= y
    return z


def _ifloordiv(z, y):
    z //= y
    return z


def _imod(z, y):
    z %= y
    return z


def _ipow(z, y):
    z **= y
    return z


def _iand(z, y):
    z &= y
    return z


def _ior(z, y):
    z |= y
    return z


def _ixor(z, y):
    z ^= y
    return z


def _ilshift(z, y):
    z <<= y
    return z


def _irshift(z, y):
    z >>= y
    return z


def _setitem_slice(lib, x, v):
    z = x.clone()
    z[0] = v
    return z


def _setitem_mask(lib, x, v):
    z = x.clone()
    z[z > 0] = v
    return z


def _setitem_scalar(lib, x):
    z = x.clone()
    z[:, 1] = 2.5
    return z


SPECS = [
    # -- arithmetic -------------------------------------------------------------------------
    OpSpec("Tensor.__sub__", lambda lib, x, y: x - y, BIN, covers=("sub", "subtract")),
    OpSpec("Tensor.__rsub__", lambda lib, x: 2.5 - x, [[(3,)], [()], [(2, 0)]]),
    OpSpec("Tensor.__rsub__-int", lambda lib, x: 3 - x, [[(2, 3)]]),
    OpSpec("sub-alpha", lambda lib, x, y: lib.sub(x, y, alpha=2), BIN[:3]),
    OpSpec("add-alpha", lambda lib, x, y: lib.add(x, y, alpha=-1.5), BIN[:3]),
    OpSpec("Tensor.__add__-scalar", lambda lib, x: x + 3, [[(2, 3)], [()]]),
    OpSpec("Tensor.__rmul__", lambda lib, x: 2.5 * x, [[(3,)], [()], [(0,)]]),
    OpSpec("Tensor.__mul__-scalar", lambda lib, x: x * -2, [[(2, 3)]]),
    OpSpec("Tensor.__truediv__-scalar", lambda lib, x: x / 4, [[(2, 3)], [()]]),
    OpSpec("Tensor.__rtruediv__", lambda lib, x: 2.0 / x, [[POS], [F((2, 2), -2, -0.5)]]),
    OpSpec("true_divide", lambda lib, x, y: lib.true_divide(x, y), DIV, covers=("divide",)),
    OpSpec("div-int-operands", lambda lib, x, y: x / y, [[I((2, 3), -5, 5), I((3,), 1, 4)]],
           grad=False, dtypes=ONLY32),
    OpSpec("div-rounding", lambda lib, x, y, m: lib.div(x, y, rounding_mode=m),
           [[*NEG_DIV[0], C("floor")], [*NEG_DIV[0], C("trunc")], [*NEG_DIV[1], C("trunc")]],
           gradcheck=False),
    # PyTorch has no derivative for floor_divide (npgrad's is zero): values only
    OpSpec("floor_divide", lambda lib, x, y: lib.floor_divide(x, y), DIV + NEG_DIV,
           covers=("Tensor.__floordiv__",), grad=False),
    OpSpec("Tensor.__rfloordiv__", lambda lib, x: 7.0 // x, [[POS], [F((3,), -2, -0.5)]],
           grad=False),
    OpSpec("floor_divide-int", lambda lib, x, y: x // y,
           [[I((2, 3), -9, 9), I((3,), 1, 4)], [I((4,), -9, 9), A(np.array([-3, -2, 2, 3]))]],
           grad=False, dtypes=ONLY32),
    OpSpec("remainder", lambda lib, x, y: lib.remainder(x, y), DIV + NEG_DIV),
    OpSpec("Tensor.__mod__-scalar", lambda lib, x: x % -1.5, [[F((2, 3), -4, 4)]]),
    # PyTorch has no derivative for number % tensor, so only values are compared
    OpSpec("Tensor.__rmod__", lambda lib, x: 5.0 % x, [[POS], [F((3,), -2, -0.5)]],
           grad=False),
    OpSpec("remainder-int", lambda lib, x, y: x % y,
           [[I((2, 3), -9, 9), I((3,), 1, 4)], [I((4,), -9, 9), A(np.array([-3, -2, 2, 3]))]],
           grad=False, dtypes=ONLY32),
    OpSpec("pow", lambda lib, x, y: lib.pow(x, y),
           [[F((2, 3), 0.5, 2.0), F((3,), -1.0, 2.0)], [F((3,), 0.5, 2), F((), -2, 2)],
            [F((), 0.5, 2), F((2, 2), -1, 1)], [F((0, 2), 0.5, 2), F((2,), -1, 1)]]),
    OpSpec("Tensor.__pow__-scalar", lambda lib, x, e: x ** e,
           [[F((2, 3), -2, 2), C(2)], [F((3,), 0.5, 2), C(0.5)], [F((3,), -2, 2), C(3)],
            [F((3,), 0.5, 2), C(-1.5)], [F((2,), -2, 2), C(0)], [(), C(2.0)]]),
    OpSpec("Tensor.__rpow__", lambda lib, x: 2.0 ** x, [[(2, 3)], [()], [(0,)]]),
    OpSpec("Tensor.__rpow__-base-e", lambda lib, x: 0.5 ** x, [[(3,)]]),
    OpSpec("pow-int", lambda lib, x, y: x ** y, [[I((2, 3), -3, 3), I((3,), -2, 4)]],
           grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__neg__", lambda lib, x: -x, [[(2, 3)], [()], [(0,)]]),
    OpSpec("Tensor.__neg__-int", lambda lib, x: -x, [[I((2, 3), -3, 3)]], grad=False,
           dtypes=ONLY32),
    OpSpec("Tensor.__abs__", lambda lib, x: abs(x),
           [[(2, 3)], [()], [A(np.array([-1.0, 0.0, 2.0]))]]),
    OpSpec("Tensor.__pos__", lambda lib, x: +x, [[(2, 3)]]),
    # -- comparison (bool results, no gradient) ------------------------------------------
    *[OpSpec(name, fn, BIN + [[A(np.array([1.0, 2.0, 3.0])), A(np.array([1.0, 0.0, 3.0]))],
                              [I((2, 3), 0, 3), I((3,), 0, 3)], [I((3,), 0, 3), C(1)],
                              [(2, 3), C(0.5)], [B((3,)), B((3,))]],
             grad=False, covers=covers)
      for name, fn, covers in [
          ("eq", lambda lib, x, y: lib.eq(x, y), ("Tensor.__eq__",)),
          ("ne", lambda lib, x, y: lib.ne(x, y), ("Tensor.__ne__", "not_equal")),
          ("lt", lambda lib, x, y: lib.lt(x, y), ("Tensor.__lt__", "less")),
          ("le", lambda lib, x, y: lib.le(x, y), ("Tensor.__le__", "less_equal")),
          ("gt", lambda lib, x, y: lib.gt(x, y), ("Tensor.__gt__", "greater")),
          ("ge", lambda lib, x, y: lib.ge(x, y), ("Tensor.__ge__", "greater_equal")),
      ]],
    OpSpec("Tensor.__eq__-operator", lambda lib, x, y: (x == y, x != y, x < y, x <= y, x > y,
                                                        x >= y), BIN, grad=False),
    OpSpec("Tensor.__lt__-reflected", lambda lib, x: (1.0 < x, 0.5 >= x, 2 == x),
           [[(2, 3)]], grad=False),
    # -- bitwise (integer and bool tensors) ---------------------------------------------------
    *[OpSpec(name, fn, [[I((2, 3), -8, 8), I((3,), -8, 8)], [I((3,), 0, 9), C(5)],
                        [B((2, 3)), B((3,))], [I((0, 2)), I((2,))], [I(()), I((2,))]],
             grad=False, dtypes=ONLY32, covers=covers)
      for name, fn, covers in [
          ("bitwise_and", lambda lib, x, y: lib.bitwise_and(x, y), ("Tensor.__and__",)),
          ("bitwise_or", lambda lib, x, y: lib.bitwise_or(x, y), ("Tensor.__or__",)),
          ("bitwise_xor", lambda lib, x, y: lib.bitwise_xor(x, y), ("Tensor.__xor__",)),
      ]],
    OpSpec("Tensor.__and__-operators", lambda lib, x, y: (x & y, x | y, x ^ y),
           [[I((2, 3), -8, 8), I((3,), -8, 8)], [B((3,)), B((3,))]], grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__rand__", lambda lib, x: (6 & x, 6 | x, 6 ^ x, True & (x > 2)),
           [[I((2, 3), 0, 8)]], grad=False, dtypes=ONLY32,
           covers=("Tensor.__ror__", "Tensor.__rxor__")),
    OpSpec("bitwise_not", lambda lib, x: lib.bitwise_not(x), [[I((2, 3), -8, 8)], [B((4,))],
                                                               [I(())]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__invert__",)),
    OpSpec("Tensor.__invert__-operator", lambda lib, x: ~x, [[I((3,), -4, 4)], [B((2, 2))]],
           grad=False, dtypes=ONLY32),
    *[OpSpec(name, fn, [[I((2, 3), -8, 8), I((3,), 0, 5)], [I((3,), -9, 9), C(2)],
                        [I((4,), -9, 9), A(np.array([0, 1, 63, 70]))], [B((3,)), I((3,), 0, 3)]],
             grad=False, dtypes=ONLY32, covers=covers)
      for name, fn, covers in [
          ("bitwise_left_shift", lambda lib, x, y: lib.bitwise_left_shift(x, y),
           ("Tensor.__lshift__",)),
          ("bitwise_right_shift", lambda lib, x, y: lib.bitwise_right_shift(x, y),
           ("Tensor.__rshift__",)),
      ]],
    OpSpec("Tensor.__rlshift__", lambda lib, x: (3 << x, 64 >> x), [[I((2, 3), 0, 5)]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__rrshift__",)),
    # -- logical --------------------------------------------------------------------------
    *[OpSpec(name, fn, [[(2, 3), A(np.array([0.0, 1.0, -2.0]))], [B((2, 3)), B((3,))],
                        [I((3,), 0, 2), (3,)], [(), B((2,))]], grad=False)
      for name, fn in [
          ("logical_and", lambda lib, x, y: lib.logical_and(x, y)),
          ("logical_or", lambda lib, x, y: lib.logical_or(x, y)),
          ("logical_xor", lambda lib, x, y: lib.logical_xor(x, y)),
      ]],
    OpSpec("logical_not", lambda lib, x: lib.logical_not(x),
           [[A(np.array([0.0, 1.0, -2.0]))], [B((2, 3))], [I((3,), 0, 2)], [()]], grad=False),
    # -- where ----------------------------------------------------------------------------
    OpSpec("where", lambda lib, c, x, y: lib.where(c, x, y),
           [[B((2, 3)), (2, 3), (2, 3)], [B((2, 3)), (3,), (2, 1)], [B((3,)), (), (3,)],
            [B((0, 3)), (3,), (0, 3)], [B(()), (), ()]], covers=("Tensor.where",)),
    OpSpec("where-scalar", lambda lib, c, x: (lib.where(c, x, 0.0), lib.where(c, 1.5, x)),
           [[B((2, 3)), (2, 3)], [B((3,)), ()]]),
    OpSpec("where-method", lambda lib, x: x.where(x > 0, -x), [[(2, 3)]]),
    OpSpec("where-mixed-dtypes", lambda lib, c, x, y: lib.where(c, x, y),
           [[B((3,)), I((3,)), (3,)], [B((2, 2)), I((2, 2)), I((2,))]]),
    # -- in-place -------------------------------------------------------------------------
    OpSpec("Tensor.__iadd__", _iop(_iadd), BIN_IP + [[(2, 3), C(1.5)]]),
    OpSpec("Tensor.__isub__", _iop(_isub), BIN_IP + [[(2, 3), C(2)]]),
    OpSpec("Tensor.__imul__", _iop(_imul), BIN_IP + [[(2, 3), C(-0.5)]]),
    OpSpec("Tensor.__itruediv__", _iop(_idiv), [DIV[0], [F((2, 3), -3, 3), POS], [(2, 3), C(4.0)]]),
    OpSpec("Tensor.__ifloordiv__", _iop(_ifloordiv), NEG_DIV, grad=False),
    OpSpec("Tensor.__imod__", _iop(_imod), NEG_DIV),
    OpSpec("Tensor.__ipow__", _iop(_ipow), [[F((2, 3), 0.5, 2), C(2)],
                                            [F((2, 3), 0.5, 2), F((3,), -1, 1)]]),
    OpSpec("Tensor.__iand__", _iop(_iand), [[I((2, 3), 0, 8), I((3,), 0, 8)], [B((3,)), B((3,))]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__ior__", "Tensor.__ixor__")),
    OpSpec("Tensor.__ior__-ops", lambda lib, x, y: (_iop(_ior)(lib, x, y), _iop(_ixor)(lib, x, y)),
           [[I((2, 3), 0, 8), I((3,), 0, 8)]], grad=False, dtypes=ONLY32),
    OpSpec("Tensor.__ilshift__", _iop(_ilshift), [[I((2, 3), 0, 8), I((3,), 0, 4)]],
           grad=False, dtypes=ONLY32, covers=("Tensor.__irshift__",)),
    OpSpec("Tensor.__irshift__-op", _iop(_irshift), [[I((2, 3), -8, 8), C(1)]], grad=False,
           dtypes=ONLY32),
    OpSpec("Tensor.add_", lambda lib, x, y: x.clone().add_(y), BIN_IP),
    OpSpec("Tensor.add_-alpha", lambda lib, x, y: x.clone().add_(y, alpha=2), BIN_IP[:2]),
    OpSpec("Tensor.sub_", lambda lib, x, y: x.clone().sub_(y), BIN_IP),
    OpSpec("Tensor.mul_", lambda lib, x, y: x.clone().mul_(y), BIN_IP + [[(3,), C(3)]]),
    OpSpec("Tensor.div_", lambda lib, x, y: x.clone().div_(y), [DIV[0], [F((2, 3), -3, 3), POS]]),
    OpSpec("Tensor.zero_", lambda lib, x: x.clone().zero_() + x, [[(2, 3)], [()]]),
    OpSpec("Tensor.fill_", lambda lib, x: x.clone().fill_(1.5) * x, [[(2, 3)], [()]]),
    # (+ x: PyTorch gives the overwritten clone's input a zero gradient, npgrad None)
    OpSpec("Tensor.fill_-tensor", lambda lib, x, v: x.clone().fill_(v) + x, [[(2, 3), ()]]),
    OpSpec("Tensor.copy_", lambda lib, x, y: x.clone().copy_(y) * x,
           [[(2, 3), (2, 3)], [(2, 3), (3,)], [(2, 3), ()]]),
    OpSpec("Tensor.copy_-int", lambda lib, x, y: x.clone().copy_(y), [[(2, 3), I((3,))]]),
    OpSpec("Tensor.clamp_", lambda lib, x: x.clone().clamp_(-0.5, 0.5),
           [[F((2, 3), -2, 2)], [F((), -2, 2)]], covers=("Tensor.clip_",)),
    OpSpec("Tensor.__setitem__", _setitem_slice,
           [[(2, 3), (3,)], [(2, 3), ()], [(3, 2), (2,)]]),
    OpSpec("Tensor.__setitem__-mask", _setitem_mask, [[(2, 3), ()]]),
    OpSpec("Tensor.__setitem__-scalar", _setitem_scalar, [[(2, 3)]]),
    # -- creation (no gradients; random ones compare shape, dtype and requires_grad) ---------
    OpSpec("tensor", lambda lib: (lib.tensor([[1, 2], [3, 4]]), lib.tensor([1.5, 2]),
                                  lib.tensor(True), lib.tensor([1.0], requires_grad=True)),
           [[]], grad=False, dtypes=ONLY32),
    OpSpec("as_tensor", lambda lib, x: (lib.as_tensor(x), lib.as_tensor([1, 2]),
                                        lib.asarray(x, dtype=lib.float64)),
           [[A(np.array([1.0, 2.0]))]], grad=False, covers=("asarray",)),
    OpSpec("from_numpy", lambda lib: lib.from_numpy(np.arange(6.0).reshape(2, 3)), [[]],
           grad=False, dtypes=ONLY32),
    OpSpec("scalar_tensor", lambda lib: (lib.scalar_tensor(3), lib.scalar_tensor(1.5)), [[]],
           grad=False, dtypes=ONLY32),
    OpSpec("zeros", lambda lib: (lib.zeros(2, 3), lib.zeros((4,), dtype=lib.int64),
                                 lib.zeros(0), lib.zeros(())), [[]], grad=False, dtypes=ONLY32),
    OpSpec("ones", lambda lib: (lib.ones(2, 3), lib.ones([2], dtype=lib.bool),
                                lib.ones(1, requires_grad=True)), [[]], grad=False,
           dtypes=ONLY32),
    OpSpec("full", lambda lib: (lib.full((2, 3), 1.5), lib.full((2,), 7), lib.full((), True)),
           [[]], grad=False, dtypes=ONLY32),
    OpSpec("empty", lambda lib: (lib.empty(2, 3), lib.empty((0,), dtype=lib.int64)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("eye", lambda lib: (lib.eye(3), lib.eye(2, 4, dtype=lib.int64)), [[]], grad=False,
           dtypes=ONLY32),
    OpSpec("arange", lambda lib: (lib.arange(5), lib.arange(0, 1, 0.1), lib.arange(3, -1, -1.5),
                                  lib.arange(2, dtype=lib.float64)), [[]], grad=False,
           dtypes=ONLY32),
    OpSpec("linspace", lambda lib: (lib.linspace(0, 1, 7), lib.linspace(-2, 5, 4, dtype=lib.int64),
                                    lib.linspace(1, 0, 1)), [[]], grad=False, dtypes=ONLY32),
    OpSpec("logspace", lambda lib: (lib.logspace(0, 2, 3), lib.logspace(-1, 1, 5, base=2)),
           [[]], grad=False, dtypes=ONLY32),
    OpSpec("zeros_like", lambda lib, x: (lib.zeros_like(x), lib.zeros_like(x, dtype=lib.int64)),
           [[(2, 3)], [()]], grad=False),
    OpSpec("ones_like", lambda lib, x: lib.ones_like(x), [[(2, 3)], [I((3,))]], grad=False),
    OpSpec("full_like", lambda lib, x: (lib.full_like(x, 2.5), lib.full_like(x, 1, dtype=lib.bool)),
           [[(2, 3)], [I((3,))]], grad=False),
    OpSpec("empty_like", lambda lib, x: lib.empty_like(x), [[(2, 3)], [I((3,))]], grad=False,
           nondet_values=True),
    OpSpec("rand", lambda lib: (lib.rand(2, 3), lib.rand((4,), dtype=lib.float64),
                                lib.rand(2, requires_grad=True)), [[]], grad=False,
           dtypes=ONLY32, nondet_values=True),
    OpSpec("randn", lambda lib: (lib.randn(2, 3), lib.randn(3, dtype=lib.float64)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("randint", lambda lib: (lib.randint(10, (3,)), lib.randint(2, 5, (2, 2)),
                                   lib.randint(0, 3, (2,), dtype=lib.float32)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("randperm", lambda lib: (lib.randperm(6), lib.randperm(3, dtype=lib.int32)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("rand_like", lambda lib, x: (lib.rand_like(x), lib.randn_like(x)), [[(2, 3)]],
           grad=False, nondet_values=True, covers=("randn_like",)),
    OpSpec("randint_like", lambda lib, x: (lib.randint_like(x, 5), lib.randint_like(x, 2, 4)),
           [[(2, 3)], [I((3,))]], grad=False, nondet_values=True),
    OpSpec("multinomial", lambda lib, w: (lib.multinomial(w, 2), lib.multinomial(w, 5, True)),
           [[F((3,), 0.1, 1, grad=False)], [F((2, 4), 0.1, 1, grad=False)]], grad=False,
           nondet_values=True),
    OpSpec("normal", lambda lib, m: (lib.normal(m, 1.0), lib.normal(0.0, 2.0, size=(3,))),
           [[F((2, 3), grad=False)]], grad=False, nondet_values=True),
    OpSpec("bernoulli", lambda lib, p: lib.bernoulli(p), [[F((2, 3), 0, 1, grad=False)]],
           grad=False, nondet_values=True),
]
