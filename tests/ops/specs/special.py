"""Specs: the ``torch.special`` functions computed by NumPy kernels
(``npgrad/ops/elementwise/bessel.py``, ``polynomials.py``, ``special_gamma.py``, and
``special.erfcx``), with ``igamma``/``igammac`` and their Tensor methods.

PyTorch records no graph for the Bessel functions and the polynomials (their results never
require grad), so their specs compare values only. Its float64 kernels for J0, J1, Y0, Y1 are
off by up to ~4e-7 between 3 and 20, and Ai by up to 3e-6 between -4 and -2.1 (npgrad's
agree with mpmath to ~1e-15 there): those ranges are left to tests/test_special_functions.py,
in float32 (the fuzzer draws every dtype for a spec's inputs). ``igamma``,
``igammac`` and ``zeta`` are differentiable in their second argument only (backward through
the first raises NotImplementedError in both: tests/test_special_functions.py).
"""
import math

import numpy as np

from ..harness import A, C, F, I, OpSpec

NAN, INF = math.nan, math.inf
ONLY32 = ("float32",)

POLYNOMIALS = ("chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
               "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
               "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p")

# the degrees: every branch of PyTorch's kernels (negative, 0, 1, the recurrence, the
# trigonometric forms above degree 4, 6 or 8, truncated fractions, Hermite's nan above 512).
# Degrees are fixed arrays or numbers, never drawn tensors: the fuzzer would inject int32's
# maximum, a recurrence of 2^31 steps (over 30 s in PyTorch too); non-finite and huge degrees
# are tested in tests/test_special_functions.py.
DEGREES = np.array([-2.0, 0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 9.0, 12.0, 2.5, 600.0])
# the ends of the intervals and points past them, where the kernels decide case by case
ENDS = np.array([-1.0, 0.0, 1.0, 0.5, -1.5, 1.5, 2.0, -INF, INF])


def _polynomial(name: str) -> list:
    def call(lib, x, n):
        return getattr(lib.special, name)(x, n)

    return [
        OpSpec(name, call, [[F((4, 1), -1.2, 1.2), A(DEGREES)], [F((3,), -1, 1), C(3)],
                            [C(0.5), A(np.array([0, 1, 4, 10]))], [F((2, 3)), A(np.array(2))],
                            [F((0, 2)), C(4)]], grad=False),
        OpSpec(f"{name}-ends", call, [[A(ENDS.reshape(-1, 1)), A(DEGREES)],
                                      [A(np.array([0.3, 1.0, -1.0])), A(np.array([-1, 5, 11]))]],
               grad=False),
        OpSpec(f"{name}-int", call, [[I((3,), -2, 3), A(np.array([0, 3, 5]))],
                                     [I((2,), 0, 2), C(2.5)]], grad=False, dtypes=ONLY32),
    ]


BESSEL = ("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
          "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
          "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0",
          "airy_ai")
SPECIAL_X = np.array([NAN, INF, -INF, 0.0, -0.0, 1e-300, 1e-5, 0.5, 1.0, 2.0, 30.0, 50.0,
                      -0.5, -3.0, -30.0])


def _bessel(name: str) -> list:
    def call(lib, x):
        return getattr(lib.special, name)(x)

    # (PyTorch's float64 Ai is off by up to 3e-6 between -4 and -2.1: float32 covers it)
    low = 0.05 if "y" in name.split("_")[1] or "_k" in name else -2.0 if name == "airy_ai" \
        else -2.5
    return [
        OpSpec(name, call, [[F((5,), low, 2.5)], [F((2, 3), 20.0, 60.0)], [F((), 0.1, 2.0)],
                            [F((0, 3))], [A(SPECIAL_X)]], grad=False),
        OpSpec(f"{name}-int", call, [[I((4,), -3, 4)]], grad=False, dtypes=ONLY32),
    ]


SPECS = [
    *[s for name in POLYNOMIALS for s in _polynomial(name)],
    *[s for name in BESSEL for s in _bessel(name)],
    OpSpec("modified_bessel_i0-large", lambda lib, x: (lib.special.modified_bessel_i0(x),
                                                       lib.special.modified_bessel_i1(x),
                                                       lib.special.scaled_modified_bessel_k0(x),
                                                       lib.special.scaled_modified_bessel_k1(x)),
           [[F((5,), 2.0, 100.0)], [A(np.array([600.0, 800.0, 1e5]))]], grad=False),
    OpSpec("airy_ai-range", lambda lib, x: lib.special.airy_ai(x),
           [[F((8,), -12.0, -5.0)], [F((8,), 1.0, 40.0)]], grad=False),
    # -- erfcx ----------------------------------------------------------------------------
    OpSpec("erfcx", lambda lib, x: lib.special.erfcx(x),
           [[F((5,), -3.0, 3.0)], [F((2, 3), 1.5, 30.0)], [F(())], [F((0, 2))]]),
    OpSpec("erfcx-special", lambda lib, x: lib.special.erfcx(x),
           [[A(np.array([NAN, INF, -INF, 0.0, -26.0, -27.0, 1e10, 1e300, 1.99, 2.0, -2.0]))],
            [I((3,), -3, 3)]], grad=False),
    # -- igamma, igammac ------------------------------------------------------------------
    *[OpSpec(name, lambda lib, a, x, name=name: (getattr(lib, name)(a, x),
                                                 getattr(a, name)(x)),
             [[F((4,), 0.2, 5.0, grad=False), F((4,), 0.1, 6.0)],
              [F((2, 3), 0.5, 3.0, grad=False), F((3,), 0.1, 4.0)],
              [F((), 1.0, 2.0, grad=False), F((2,), 0.5, 2.0)],
              [F((3,), 20.0, 200.0, grad=False), F((3,), 20.0, 200.0)],
              [F((0,), grad=False), F((0,))]],
             covers=(f"Tensor.{name}",))
      for name in ("igamma", "igammac")],
    OpSpec("igamma-gammainc", lambda lib, a, x: (lib.special.gammainc(a, x),
                                                 lib.special.gammaincc(a, x)),
           [[F((3,), 0.01, 0.9, grad=False), F((3,), 0.01, 1.4)],
            [F((3,), 1e3, 1e4, grad=False), F((3,), 1e3, 1e4)]],
           covers=("gammainc", "gammaincc")),
    OpSpec("igamma-special", lambda lib, a, x: (lib.igamma(a, x), lib.igammac(a, x)),
           [[A(np.array([[NAN], [-1.0], [0.0], [0.5], [3.0], [INF]])),
             A(np.array([NAN, -1.0, 0.0, 0.5, 3.0, INF]))]], grad=False),
    *[OpSpec(f"Tensor.{name}_", lambda lib, a, x, name=name: getattr(a.clone(), name + "_")(x),
             [[F((2, 3), 0.5, 3.0), F((3,), 0.1, 4.0, grad=False)]], grad=False)
      for name in ("igamma", "igammac")],
    # -- zeta ---------------------------------------------------------------------------------
    OpSpec("zeta", lambda lib, x, q: lib.special.zeta(x, q),
           [[F((4,), 1.1, 6.0, grad=False), F((4,), 0.2, 5.0)],
            [F((2, 3), 2.0, 4.0, grad=False), F((3,), 0.5, 20.0)],
            [C(2.0), F((3,), 0.5, 3.0)], [F((3,), 1.5, 3.0, grad=False), C(0.75)],
            [F((0,), grad=False), F((0,))]]),
    OpSpec("zeta-special", lambda lib, x, q: lib.special.zeta(x, q),
           [[A(np.array([[NAN], [0.5], [1.0], [2.0], [3.5], [1e30], [INF]])),
             A(np.array([NAN, -INF, -2.0, -1.5, 0.0, 0.5, 1.0, 1e30, INF]))],
            [A(np.array([2.0, 4.0, 6.0])), A(np.array([-2.5, -0.5, -7.25]))],
            [I((3,), 2, 5), I((3,), 1, 4)]], grad=False),
]
