"""Check gradients against finite differences with npgrad.autograd.gradcheck, and see what a
wrong backward looks like.

    python -m npgrad.examples gradcheck
"""
from __future__ import annotations

import argparse

import npgrad as torch
from npgrad.autograd import gradcheck, gradgradcheck


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
    p = argparse.ArgumentParser(prog="gradcheck", description=__doc__.split("\n\n")[0])
    p.parse_args(argv)
    torch.manual_seed(0)
    # finite differences need float64: in float32 their rounding error swamps the check
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)

    results = {}
    results["user function"] = gradcheck(softplus_sin, (x, w))
    print(f"gradcheck(softplus_sin, (x, w))      -> {results['user function']}")
    results["second order"] = gradgradcheck(softplus_sin, (x, w))
    print(f"gradgradcheck(softplus_sin, (x, w))  -> {results['second order']}")
    results["Cube"] = gradcheck(Cube.apply, (x,))
    print(f"gradcheck(Cube.apply, (x,))          -> {results['Cube']}")

    results["WrongCube"] = gradcheck(WrongCube.apply, (x,), raise_exception=False)
    print(f"gradcheck(WrongCube.apply, (x,), raise_exception=False) -> {results['WrongCube']}")
    print("\nwith raise_exception=True (the default) it says where the Jacobians differ:")
    try:
        gradcheck(WrongCube.apply, (x,))
    except RuntimeError as e:
        message = str(e)
        print("RuntimeError: " + "\n".join(message.splitlines()[:12]))
    results["message"] = message
    return results


if __name__ == "__main__":
    main()
