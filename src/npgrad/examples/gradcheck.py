"""Check gradients against finite differences with npgrad.autograd.gradcheck, and see what a
wrong backward looks like.

    python -m npgrad.examples gradcheck
"""
from __future__ import annotations


import npgrad as torch
from npgrad.autograd import gradcheck, gradgradcheck
from npgrad.examples import parser


def softplus_sin(x, w):
    """A user function built from npgrad ops: autograd derives its backward."""
    return torch.nn.functional.softplus(x @ w).sin().sum(dim=0)


class Cube(torch.autograd.Function):
    """x^3 with a hand-written backward: 3 x^2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class WrongCube(torch.autograd.Function):
    """The same forward with a typical mistake in backward: 2 x^2 instead of 3 x^2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x ** 2


def main(argv=None) -> dict:
    parser("gradcheck", __doc__).parse_args(argv)
    torch.manual_seed(0)
    # finite differences need float64: in float32 their rounding error swamps the check
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)

    results = {}
    results["user function"] = gradcheck(softplus_sin, (x, w))
    print(f"gradcheck(softplus_sin, (x, w))      -> {results['user function']}")
    results["second order"] = gradgradcheck(softplus_sin, (x, w))
    print(f"gradgradcheck(softplus_sin, (x, w))  -> {results['second order']}")
    # four numbers, so the 4x4 Jacobians below print whole
    c = torch.tensor([0.5, -1.0, 1.5, 2.0], dtype=torch.float64, requires_grad=True)
    results["Cube"] = gradcheck(Cube.apply, (c,))
    print(f"gradcheck(Cube.apply, (c,))          -> {results['Cube']}")

    results["WrongCube"] = gradcheck(WrongCube.apply, (c,), raise_exception=False)
    print(f"gradcheck(WrongCube.apply, (c,), raise_exception=False) -> {results['WrongCube']}")
    print(f"\nwith raise_exception=True (the default) it shows both Jacobians of c**3 at "
          f"c = {c.tolist()}:\nthe numerical one (finite differences: 3 c^2 on the diagonal) "
          f"and the analytical one (WrongCube's backward: 2 c^2)")
    try:
        gradcheck(WrongCube.apply, (c,))
    except RuntimeError as e:
        message = str(e)
        print(f"RuntimeError: {message}")
    results["message"] = message
    return results


if __name__ == "__main__":
    main()
