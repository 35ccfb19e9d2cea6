"""Import time of npgrad (issue 19's target: at most 0.3 s), beside NumPy's and PyTorch's.

Each import runs in a fresh process; the figure is that process's CPU time (user + system:
steadier than wall time on a loaded machine), median over ``--rounds`` processes, the
libraries interleaved. Python's startup alone (``python -c pass``) is shown too, so the
difference is the import itself. Compiled bytecode is cached as a normal install would
have it: this environment may set PYTHONDONTWRITEBYTECODE (which alone makes imports 2-3 s),
so that is unset and the cache goes to a folder of its own (PYTHONPYCACHEPREFIX), written by
one import first.

With ``--tree`` (repeatable), npgrad is imported from each source tree given (its ``src``
folder goes first on PYTHONPATH), interleaved, to compare two versions A/B.

    python bench/bench_import.py [--rounds 11] [--tree /path/to/checkout ...]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile


def cpu_seconds(code: str, env: dict) -> float:
    """CPU time of a fresh ``python -c code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--tree", action="append", default=[],
                        help="a checkout whose src/ npgrad is imported (repeatable, A/B)")
    args = parser.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    trees = args.tree or [here]
    cache = tempfile.mkdtemp(prefix="npgrad-pyc-")
    cases = {"python -c pass": ("pass", os.environ.get("PYTHONPATH", "")),
             "import numpy": ("import numpy", os.environ.get("PYTHONPATH", "")),
             "import torch": ("import torch", os.environ.get("PYTHONPATH", ""))}
    for tree in trees:
        label = "import npgrad" + (f" ({tree})" if len(trees) > 1 else "")
        cases[label] = ("import npgrad", os.path.join(os.path.abspath(tree), "src"))
    envs = {}
    for label, (code, path) in cases.items():
        env = dict(os.environ, PYTHONPYCACHEPREFIX=os.path.join(cache, str(len(envs))),
                   PYTHONPATH=path)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # (it would stop the cache being written)
        envs[label] = env
        cpu_seconds(code, env)  # warm-up: writes the bytecode cache
    times: dict = {label: [] for label in cases}
    for _ in range(args.rounds):
        for label, (code, _) in cases.items():
            times[label].append(cpu_seconds(code, envs[label]))
    base = statistics.median(times["python -c pass"])
    print(f"CPU seconds of a fresh process, median of {args.rounds} (interleaved); "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"{'case':60s} {'total':>7s} {'import':>7s}")
    for label, values in times.items():
        med = statistics.median(values)
        print(f"{label:60s} {med:7.3f} {med - base:7.3f}")


if __name__ == "__main__":
    main()
