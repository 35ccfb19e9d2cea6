"""``npgrad.library`` against ``torch.library``: a program that defines custom ops and calls
them (values, gradients through ``register_autograd``, errors), in both libraries."""
import numpy as np
import pytest
import torch

import npgrad

LIBS = (npgrad, torch)
_COUNT = iter(range(10 ** 6))


def _ns() -> str:
    """A fresh namespace per test and library (definitions are process-wide)."""
    return f"nplibtest{next(_COUNT)}"


def _define_sin(lib, ns):
    Tensor = lib.Tensor

    def mysin(x: Tensor, k: float = 1.0) -> Tensor:
        return lib.from_numpy(np.sin(x.detach().numpy()) * k)
    mysin.__annotations__ = {"x": Tensor, "k": float, "return": Tensor}
    op = lib.library.custom_op(f"{ns}::mysin", mutates_args=())(mysin)

    def setup_context(ctx, inputs, output):
        x, k = inputs
        ctx.save_for_backward(x)
        ctx.k = k

    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.cos() * ctx.k, None
    return op, setup_context, backward


@pytest.mark.parametrize("lib", LIBS)
def test_custom_op_with_autograd(lib):
    ns = _ns()
    op, setup_context, backward = _define_sin(lib, ns)
    assert repr(op) == f"<CustomOpDef({ns}::mysin)>"
    x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    y = op(x)
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="no autograd formula was registered. Please use "
                                           "register_autograd to add one"):
        y.sum().backward()
    op.register_autograd(backward, setup_context=setup_context)
    y = getattr(lib.ops, ns).mysin(x, k=2.0)
    assert type(y.grad_fn).__name__.startswith(f"GeneratedBackwardFor_{ns}_mysin_default")
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(x.detach().numpy()))
    np.testing.assert_allclose(getattr(lib.ops, ns).mysin.default(x).detach().numpy(),
                               np.sin(x.detach().numpy()))
    assert str(getattr(lib.ops, ns).mysin) == f"{ns}.mysin"
    assert repr(getattr(lib.ops, ns).mysin) == f"<OpOverloadPacket(op='{ns}.mysin')>"
    assert str(getattr(lib.ops, ns).mysin.default) == f"{ns}.mysin.default"
    assert getattr(lib.ops, ns).mysin.default.name() == f"{ns}::mysin"
    assert getattr(lib.ops, ns).mysin.overloads() == ["default"]
    with pytest.raises(AttributeError, match="has no attribute 'nothere'"):
        getattr(lib.ops, ns).nothere


@pytest.mark.parametrize("lib", LIBS)
def test_library_define_and_impl(lib):
    ns = _ns()
    library = lib.library.Library(ns, "DEF")
    assert library.define("scale(Tensor x, float a=1.0) -> Tensor") == "scale"
    library.impl("scale", lambda x, a=1.0: x * a, "CompositeImplicitAutograd")
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = getattr(lib.ops, ns).scale(x, a=3.0)
    assert y.grad_fn.name() == "MulBackward0"  # differentiated through its ops
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    lib.library.define(f"{ns}::twice", "(Tensor x) -> Tensor")
    lib.library.impl(f"{ns}::twice", "cpu", lambda x: x * 2)
    assert getattr(lib.ops, ns).twice(lib.tensor([1.5])).tolist() == [3.0]
    with pytest.raises(RuntimeError, match="with the same name and overload name multiple"):
        library.define("scale(Tensor x) -> Tensor")
    with pytest.raises(RuntimeError, match="Only a single TORCH_LIBRARY"):
        lib.library.Library(ns, "DEF")
    with pytest.raises(ValueError):
        lib.library.Library(ns, "XYZ")
    frag = lib.library.Library(ns, "FRAGMENT")
    frag.define("plus(Tensor x, Tensor y) -> Tensor")
    frag.impl("plus", lambda x, y: x + y, "CompositeImplicitAutograd")
    assert getattr(lib.ops, ns).plus(lib.tensor([1.0]), lib.tensor([2.0])).tolist() == [3.0]


@pytest.mark.parametrize("lib", LIBS)
def test_register_kernel_fake_and_redefinition(lib):
    ns = _ns()
    Tensor = lib.Tensor

    def f(x: Tensor) -> Tensor:
        return x.clone()
    f.__annotations__ = {"x": Tensor, "return": Tensor}
    op = lib.library.custom_op(f"{ns}::f", f, mutates_args=())
    op.register_kernel("cpu", lambda x: x + 10)
    assert op(lib.tensor([1.0])).tolist() == [11.0]
    fake = op.register_fake(lambda x: lib.empty_like(x))
    assert callable(fake)

    def g(x: Tensor) -> Tensor:
        return x * 2
    g.__annotations__ = {"x": Tensor, "return": Tensor}
    lib.library.custom_op(f"{ns}::f", g, mutates_args=())  # a new definition replaces it
    assert op(lib.tensor([1.0])).tolist() == [2.0]
    assert getattr(lib.ops, ns).f(lib.tensor([1.0])).tolist() == [2.0]


@pytest.mark.parametrize("lib", LIBS)
def test_mutating_op_bumps_the_version(lib):
    ns = _ns()
    Tensor = lib.Tensor

    def add_one_(x: Tensor) -> None:
        x.add_(1)
    add_one_.__annotations__ = {"x": Tensor, "return": None}
    op = lib.library.custom_op(f"{ns}::add_one_", add_one_, mutates_args=("x",))
    x = lib.zeros(2)
    v = x._version
    assert op(x) is None
    assert x.tolist() == [1.0, 1.0] and x._version > v


def test_infer_schema_matches_torch():
    from typing import Optional

    def schemas(lib):
        T = lib.Tensor

        def f1(x, y, n, a=2.0, b=False, s="x", xs=None):
            pass
        f1.__annotations__ = {"x": T, "y": Optional[T], "n": int, "a": float, "b": bool,
                              "s": str, "xs": list[int], "return": T}

        def f2(xs, d):
            pass
        f2.__annotations__ = {"xs": list[T], "d": lib.dtype, "return": tuple[T, T]}

        def f3(x, out, *, k=3):
            pass
        f3.__annotations__ = {"x": T, "out": T, "k": int, "return": None}
        return [lib.library.infer_schema(f1, mutates_args=()),
                lib.library.infer_schema(f2, mutates_args=()),
                lib.library.infer_schema(f3, mutates_args=("out",)),
                lib.library.infer_schema(f1, mutates_args="unknown")]
    assert schemas(npgrad) == schemas(torch)
    for lib in LIBS:
        def bad(x):
            pass
        with pytest.raises(ValueError, match="must have a type annotation"):
            lib.library.infer_schema(bad, mutates_args=())


@pytest.mark.parametrize("lib", LIBS)
def test_opcheck_reports_as_pytorch(lib):
    ns = _ns()
    Tensor = lib.Tensor

    def f(x: Tensor) -> Tensor:
        return x.sin()
    f.__annotations__ = {"x": Tensor, "return": Tensor}
    op = lib.library.custom_op(f"{ns}::f", f, mutates_args=())
    x = lib.tensor([0.5, 1.0, -2.0], requires_grad=True)
    results = lib.library.opcheck(op, (x,), raise_exception=False)
    assert list(results) == ["test_schema", "test_autograd_registration", "test_faketensor",
                             "test_aot_dispatch_dynamic"]
    assert results["test_schema"] == results["test_autograd_registration"] == "SUCCESS"
    assert "There was no fake impl registered for" in str(results["test_faketensor"])
    assert "no autograd formula was registered" in str(results["test_aot_dispatch_dynamic"])
    with pytest.raises(Exception, match="opcheck\\(op, ...\\): test_faketensor failed with"):
        lib.library.opcheck(op, (x,))
    op.register_fake(lambda x: lib.empty_like(x))
    op.register_autograd(lambda ctx, g: g * ctx.x.cos(),
                         setup_context=lambda ctx, inputs, output: setattr(ctx, "x", inputs[0]))
    assert set(lib.library.opcheck(op, (x,)).values()) == {"SUCCESS"}
    assert lib.library.opcheck(op, (x,), test_utils=("test_schema", "test_faketensor")) == {
        "test_schema": "SUCCESS", "test_faketensor": "SUCCESS"}

    def g(x: Tensor) -> Tensor:
        x.add_(1)
        return x.clone()
    g.__annotations__ = {"x": Tensor, "return": Tensor}
    bad = lib.library.custom_op(f"{ns}::g", g, mutates_args=())
    bad.register_fake(lambda x: lib.empty_like(x))
    results = lib.library.opcheck(bad, (lib.zeros(3),), raise_exception=False)
    assert str(results["test_schema"]) == "Argument x is not defined as mutable but was mutated"
