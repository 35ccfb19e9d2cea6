"""Every elementwise and reduction op, forward, against PyTorch CPU in the same run (issue 19):
float32 inputs of 1e3 and 1e6 elements, positive, negative and mixed-sign values (NumPy's
slow paths depend on the values: ``pow`` of negative floats, nan from ``log`` of negatives),
interleaved rounds, medians, npgrad/PyTorch ratios.

Any op more than 3x slower than PyTorch at 1e6 elements is listed at the end with the reason
from ``EXPLAINED`` (a known cost that the op cannot avoid on NumPy), or as UNEXPLAINED: a slow
path to fix. On a 2-core machine PyTorch splits an elementwise op of 1e6 elements over its
2 threads and NumPy runs it on one, so about 2x there is the floor, not a slow path.

    python bench/bench_elementwise.py [--rounds 3] [--only NAME ...] [--size 1e6] [--threads 1]

``--threads 1`` runs PyTorch on one thread too (NumPy's elementwise loops always run on one):
the per-element cost of each library without the 2-thread split. Then the times are the
process's CPU time, not wall time: steady on a machine that other processes keep busy.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import common
from common import npgrad, torch

SIZES = (1_000, 1_000_000)
SIGNS = ("positive", "negative", "mixed")


def _values(sign: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(n)
    if sign == "mixed":
        return rng.standard_normal(n).astype(np.float32)
    x = rng.uniform(0.1, 3.0, n).astype(np.float32)
    return x if sign == "positive" else -x


# name: fn(lib, x, y) on float32 tensors x and y (same values, y shifted), both 1-D
UNARY = ["abs", "neg", "sign", "sgn", "signbit", "square", "reciprocal", "exp", "exp2", "expm1",
         "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos",
         "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sinc", "deg2rad",
         "rad2deg", "sigmoid", "logit", "floor", "ceil", "round", "trunc", "frac", "isnan",
         "isinf", "isfinite", "isposinf", "isneginf", "nan_to_num", "erf", "erfc", "erfinv",
         "lgamma", "digamma", "i0", "logical_not", "clone"]
SPECIAL = ["ndtr", "log_ndtr", "ndtri", "entr", "i0e", "i1", "i1e", "expit"]
ACTIVATIONS = ["relu", "relu6", "elu", "selu", "celu", "gelu", "silu", "mish", "hardtanh",
               "hardswish", "hardsigmoid", "softplus", "softsign", "logsigmoid", "tanhshrink",
               "softshrink", "hardshrink", "leaky_relu"]
BINARY = ["add", "sub", "mul", "div", "floor_divide", "remainder", "eq", "ne", "lt", "le", "gt",
          "ge", "maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "fmod", "logaddexp",
          "logaddexp2", "xlogy", "copysign", "nextafter", "heaviside", "logical_and",
          "logical_or", "logical_xor"]
REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "max", "min",
              "logsumexp", "var", "std", "norm", "all", "any", "count_nonzero", "median",
              "nansum", "nanmean", "cumsum", "cumprod", "logcumsumexp", "cummax", "cummin",
              "softmax", "log_softmax"]

OPS: dict = {}
for _n in UNARY:
    OPS[_n] = (lambda n: lambda lib, x, y: getattr(lib, n)(x))(_n)
for _n in SPECIAL:
    OPS["special." + _n] = (lambda n: lambda lib, x, y: getattr(lib.special, n)(x))(_n)
for _n in ACTIVATIONS:
    OPS["F." + _n] = (lambda n: lambda lib, x, y: getattr(lib.nn.functional, n)(x))(_n)
for _n in BINARY:
    OPS[_n] = (lambda n: lambda lib, x, y: getattr(lib, n)(x, y))(_n)
OPS.update({
    "clamp": lambda lib, x, y: lib.clamp(x, -0.5, 0.5),
    "F.gelu-tanh": lambda lib, x, y: lib.nn.functional.gelu(x, approximate="tanh"),
    "pow x**2": lambda lib, x, y: x ** 2,
    "pow x**3": lambda lib, x, y: x ** 3,
    "pow x**3.0 (torch.pow)": lambda lib, x, y: lib.pow(x, 3.0),
    "pow x**-2": lambda lib, x, y: x ** -2,
    "pow x**0.5": lambda lib, x, y: x ** 0.5,
    "pow x**2.5": lambda lib, x, y: x ** 2.5,
    "pow x**4": lambda lib, x, y: x ** 4,
    "pow x**y": lambda lib, x, y: x ** y,
    "pow 2**x": lambda lib, x, y: 2.0 ** x,
    "float_power x**2": lambda lib, x, y: lib.float_power(x, 2),
    "where(x > 0, x, y)": lambda lib, x, y: lib.where(x > 0, x, y),
    "lerp": lambda lib, x, y: lib.lerp(x, y, 0.3),
    "addcmul": lambda lib, x, y: lib.addcmul(x, x, y, value=0.5),
    "addcdiv": lambda lib, x, y: lib.addcdiv(x, x, y, value=0.5),
    "x.half() * y.half()": lambda lib, x, y: x.half() * y.half(),
    "x.to(bfloat16) + y": lambda lib, x, y: x.to(lib.bfloat16) + y.to(lib.bfloat16),
})
# reductions: over everything, over the last dim, and over the first (strided) dim of a
# 2-D view (rows of 1,000; ops that take no dim only over everything)
_NO_DIM = {"median", "nansum", "nanmean", "norm", "count_nonzero"}
_SCANS = {"cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "softmax", "log_softmax"}
for _n in REDUCTIONS:
    f = (lambda n: lambda lib, x: getattr(lib, n)(x))(_n)
    if _n not in _SCANS:
        OPS[_n + " (all)"] = (lambda f: lambda lib, x, y: f(lib, x))(f)
    if _n not in _NO_DIM:
        for dim in (-1, 0):
            OPS[f"{_n} (dim={dim})"] = (lambda n, d: lambda lib, x, y: getattr(lib, n)(
                x.reshape(-1, 1000), dim=d))(_n, dim)

# Ops over 3x PyTorch at 1e6 elements (measured with --threads 1, CPU time), and why; "not
# fixed" marks a slow path that is known but not yet removed.
EXPLAINED = {
    "erfinv": "NumPy has no erfinv: Winitzki's closed form refined by two Halley steps, in "
              "float64 array arithmetic",
    "lgamma": "NumPy has no lgamma: a shift-up and Stirling's series in float64 array "
              "arithmetic",
    "digamma": "NumPy has no digamma: polygamma's series in NumPy array arithmetic",
    "F.gelu": "NumPy has no erf: Phi(x) and phi(x) from array arithmetic, and forward also "
              "computes the derivative that backward then needs (one multiply)",
    "logaddexp": "NumPy's logaddexp ufunc itself (~25 ns/element); not fixed",
    "logaddexp2": "NumPy's logaddexp2 ufunc itself (~25 ns/element); not fixed",
    "atanh": "NumPy's arctanh ufunc itself (~15 ns/element); not fixed",
    "sigmoid": "1 / (1 + exp(-x)): four NumPy passes where PyTorch has one kernel; not fixed",
    "x.half() * y.half()": "not fixed: NumPy's float16 loops convert element by element; "
                           "computing in float32 and rounding once (as PyTorch) would fix it",
    "softmax (dim=-1)": "not fixed: the fused kernel's row sums by BLAS (_rows.sum_last) took "
                        "~10 of its ~15 ms in one profile; not profiled further",
    "log_softmax (dim=-1)": "not fixed: the same fused row kernel as softmax (dim=-1)",
    "F.hardtanh": "not fixed: a composite of NumPy passes (two compares, clamp, where)",
    "F.hardsigmoid": "not fixed: a composite of NumPy passes (compares, clamp, divide, where)",
    "F.logsigmoid": "not fixed: a composite, -softplus(-x), of several NumPy passes",
    "nansum (all)": "not fixed: not yet profiled",
    "cumsum (dim=0)": "not fixed: NumPy's cumsum along the strided axis; not yet profiled",
}


CLOCK = [time.perf_counter]  # time.process_time with --threads 1


def _time(fn, repeat: int) -> float:
    clock = CLOCK[0]
    t0 = clock()
    for _ in range(repeat):
        fn()
    return (clock() - t0) / repeat


def time_op(name: str, rounds: int, sizes: tuple) -> dict:
    """{(size, sign): (npgrad us, torch us)} of one op: medians over ``rounds`` - 1 timed
    rounds (the first is a warm-up), the two libraries alternating; an error's text instead
    of a time where a library refuses the inputs."""
    fn = OPS[name]
    samples: dict = {}
    for r in range(rounds):
        for n in sizes:
            for sign in SIGNS:
                x0 = _values(sign, n)
                y0 = np.roll(x0, 1)
                for lib in ((npgrad, torch) if r % 2 == 0 else (torch, npgrad)):
                    x, y = lib.tensor(x0), lib.tensor(y0)
                    key = (n, sign, lib.__name__)
                    try:
                        fn(lib, x, y)
                    except Exception as e:  # an op one library lacks for these inputs
                        samples[key] = repr(e)[:40]
                        continue
                    if r == 0:
                        continue  # warm-up round
                    repeat = max(1, int(3e5 // n))
                    samples.setdefault(key, []).append(
                        _time(lambda: fn(lib, x, y), repeat) * 1e6)
    return {(n, sign): tuple(_median(samples.get((n, sign, lib), []))
                             for lib in ("npgrad", "torch"))
            for n in sizes for sign in SIGNS}


def _median(values):
    if isinstance(values, str):
        return values
    return statistics.median(values) if values else float("nan")


def run(names: list, rounds: int, sizes: tuple) -> None:
    """Time each op and print its rows as it goes, then the ops over 3x PyTorch."""
    print(f"elementwise and reduction ops, float32: npgrad {npgrad.__version__} vs torch "
          f"{torch.__version__}, {common.THREADS} thread(s); microseconds of "
          f"{'CPU' if CLOCK[0] is time.process_time else 'wall'} time (medians of "
          f"{rounds - 1} rounds) and ratios, per sign of the inputs")
    head = "".join(f" {s[:3] + ' npgrad/torch us':>26s} {'x':>5s}" for s in SIGNS)
    print(f"{'op':32s} {'n':>7s}{head}", flush=True)
    slow = {}
    for name in names:
        table = time_op(name, rounds, sizes)
        for n in sizes:
            cells = []
            for sign in SIGNS:
                ours, theirs = table[(n, sign)]
                if isinstance(ours, str) or isinstance(theirs, str):
                    error = ours if isinstance(ours, str) else theirs
                    cells.append(f" {'error: ' + error[:25]:>32s}")
                    continue
                ratio = ours / theirs
                if n == max(sizes) and ratio > 3:
                    slow[name] = max(slow.get(name, 0), ratio)
                cells.append(f" {ours:12.1f} /{theirs:12.1f} {ratio:5.1f}")
            print(f"{name:32s} {n:7.0e}{''.join(cells)}", flush=True)
    print(f"\nover 3x PyTorch at {max(sizes):.0e} elements ({len(slow)}):")
    for name, ratio in sorted(slow.items(), key=lambda kv: -kv[1]):
        print(f"  {name:32s} {ratio:5.1f}x  {EXPLAINED.get(name, 'UNEXPLAINED')}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="op names (substrings) to time")
    parser.add_argument("--size", type=float, action="append",
                        help="element counts (default 1e3 and 1e6)")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"PyTorch's threads (default {common.THREADS})")
    args = parser.parse_args()
    if args.threads:
        common.THREADS = args.threads
        torch.set_num_threads(args.threads)
        if args.threads == 1:
            CLOCK[0] = time.process_time
    chosen = [n for n in OPS if not args.only or any(s in n for s in args.only)]
    sizes = tuple(int(s) for s in args.size) if args.size else SIZES
    run(chosen, args.rounds, sizes)
