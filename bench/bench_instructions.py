"""Instructions per op of the tiny-op chains of ``bench_core.py``, counted by Valgrind's
callgrind: the steadiest measure of the per-op Python path on a loaded machine (wall and CPU
times there swing by 2x between runs; instruction counts repeat to ~0.1%).

Each (library, workload) runs in a fresh ``valgrind --tool=callgrind --instr-atstart=no``
process that imports the library uninstrumented (imports would take minutes under callgrind),
runs the workload twice as a warm-up, then switches instrumentation on for ``--iters``
iterations only, through callgrind's client requests (START/STOP_INSTRUMENTATION, issued from
Python by a few bytes of x86-64 machine code called through ctypes; a no-op without Valgrind).
One thread each (OPENBLAS/OMP_NUM_THREADS=1, torch.set_num_threads(1)).

Workloads: ``mixed`` (bench_core's mixed unary chain, forward + backward), ``mixedfwd`` (its
forward only; the graph is freed unused), ``chain`` (the mul/add/neg/exp chain, fwd + bwd);
and whole training steps of ``bench_train.py`` (``mlp``, ``cnn``, ``gpt``, ``gpt-tanh``,
``gpt-mingpt``: forward, cross-entropy, backward, optimizer step), counted per step.
With ``--tree`` (repeatable), npgrad is imported from each source tree given, for an A/B.
Needs Valgrind (``apt-get install valgrind``); Linux x86-64 only.

    python bench/bench_instructions.py [--iters 10] [--workload mixed chain mixedfwd]
    python bench/bench_instructions.py --tree /path/to/main --tree . --workload mixed
    python bench/bench_instructions.py --workload mlp cnn --iters 3
"""
from __future__ import annotations

import argparse
import ctypes
import mmap
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# A callgrind client request: rax points at [request, 5 arguments], valgrind's special
# instruction preamble (four rotations of rdi, which leave it unchanged) and xchg rbx, rbx
_REQUEST_CODE = bytes.fromhex(
    "4889f8"                                      # mov rax, rdi
    "31d2"                                        # xor edx, edx (the result without Valgrind)
    "48c1c703" "48c1c70d" "48c1c73d" "48c1c733"   # rol rdi, 3 / 13 / 61 / 51
    "4887db"                                      # xchg rbx, rbx
    "4889d0"                                      # mov rax, rdx
    "c3")                                         # ret
_CALLGRIND_BASE = (ord("C") << 24) | (ord("T") << 16)
START_INSTRUMENTATION, STOP_INSTRUMENTATION = 4, 5
CHAINS = ("mixed", "mixedfwd", "chain")  # 50 tiny ops each: counted per op
STEPS = ("mlp", "cnn", "gpt", "gpt-tanh", "gpt-mingpt")  # bench_train's steps: per step


class _ClientRequests:
    """Callgrind's client requests, callable from Python (x86-64)."""

    def __init__(self) -> None:
        self._page = mmap.mmap(-1, mmap.PAGESIZE,
                               prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        self._page.write(_REQUEST_CODE)
        address = ctypes.addressof(ctypes.c_char.from_buffer(self._page))
        self._call = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p)(address)

    def __call__(self, request: int) -> int:
        args = (ctypes.c_uint64 * 6)(_CALLGRIND_BASE + request, 0, 0, 0, 0, 0)
        return self._call(ctypes.addressof(args))


def child(lib_name: str, workload: str, iters: int) -> None:
    """The measured process: run ``workload`` with instrumentation on for ``iters`` steps."""
    sys.path.insert(0, HERE)
    import numpy as np
    import bench_core
    import torch
    lib = torch if lib_name == "torch" else bench_core.npgrad
    torch.set_num_threads(1)
    if workload in STEPS:
        import bench_train
        step = bench_train._setup(lib, workload)  # noqa: SLF001 (the bench's own step)
    else:
        chain = bench_core.chain if workload == "chain" else bench_core.mixed_chain
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
        y = lib.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
        g = lib.ones(4)

        def step():
            out = chain(x, y)
            if workload != "mixedfwd":
                out.backward(g)

    step()
    step()  # (warm-up: lazy imports, caches)
    request = _ClientRequests()
    request(START_INSTRUMENTATION)
    for _ in range(iters):
        step()
    request(STOP_INSTRUMENTATION)


def count(lib_name: str, workload: str, iters: int, src: str | None) -> int:
    """Instructions callgrind collected for ``iters`` steps of ``workload``."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    if src is not None:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                           "--callgrind-out-file=/dev/null", sys.executable,
                           os.path.abspath(__file__), "--child", lib_name, workload,
                           str(iters)], env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--workload", nargs="*", default=["mixed", "chain"],
                        choices=CHAINS + STEPS)
    parser.add_argument("--tree", action="append", default=[],
                        help="a checkout whose src/ npgrad is measured (repeatable, A/B)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        lib_name, workload, iters = args.child
        child(lib_name, workload, int(iters))
        return
    trees = [(f"npgrad ({t})", os.path.join(os.path.abspath(t), "src")) for t in args.tree] \
        or [("npgrad", None)]
    print(f"callgrind instructions per op (chains: 50 ops each) or per training step, "
          f"{args.iters} iterations, one thread")
    print(f"{'workload':10s} {'library':50s} {'per op':>9s} {'vs torch':>9s}")
    for workload in args.workload:
        ops = (50 if workload in CHAINS else 1) * args.iters
        theirs = None if args.no_torch else count("torch", workload, args.iters, None) / ops
        for label, src in trees:
            ours = count("npgrad", workload, args.iters, src) / ops
            ratio = f"{ours / theirs:8.2f}x" if theirs else ""
            print(f"{workload:10s} {label:50s} {ours:9.0f} {ratio:>9s}")
        if theirs:
            print(f"{workload:10s} {'torch':50s} {theirs:9.0f}")


if __name__ == "__main__":
    main()
