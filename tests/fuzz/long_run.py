"""The fuzzer's long mode over every spec, in parallel shards, surviving PyTorch's crashes.

PyTorch 2.13 kills its process on some inputs (a segmentation fault in a kernel, which no
exception handler survives: the grid samplers' backward with a non-finite grid, ctc_loss with
some expanded targets, ...), and a long run in one pytest process would end there. This driver
runs each shard as pytest processes in turn: when one ends without finishing (no ``complete``
in its summary), the case it was running (``<summary>.case``) goes into the crash list, and a
new process reruns the shard from that case's spec on, skipping the listed cases (the same
seed draws the same cases). The summaries of all parts are merged into one report, which
lists the crashes.

    python -m tests.fuzz.long_run --examples 200 --seed 1 [--shards 2] [--out DIR] [-k EXPR]

(About 130 cases a second per shard on an idle core: 200 examples of 1,112 specs take some
15 minutes on 2 cores.)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from ..ops.specs import ALL_SPECS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Shard:
    """One shard's specs, run by successive pytest processes until all are done."""

    def __init__(self, index: int, shards: int, specs: list, args) -> None:
        self.index, self.shards, self.args = index, shards, args
        self.todo = specs  # spec names still to run, in order
        self.parts: list = []  # the summary files of the processes run so far
        self.crashes: list = []
        self.process = None

    def start(self) -> None:
        """A pytest process over the specs still to do."""
        out = os.path.join(self.args.out, f"shard{self.index}-part{len(self.parts)}.json")
        self.parts.append(out)
        env = dict(os.environ, NPGRAD_FUZZ_EXAMPLES=str(self.args.examples),
                   NPGRAD_FUZZ_SEED=str(self.args.seed), NPGRAD_FUZZ_RECORD="1",
                   NPGRAD_FUZZ_SHARD=f"{self.index}/{self.shards}", NPGRAD_FUZZ_SUMMARY=out,
                   NPGRAD_FUZZ_SKIP=os.path.join(self.args.out, "crashes.txt"))
        ids = [f"tests/fuzz/test_differential.py::test_differential[{name}]"
               for name in self.todo]
        with open(out + ".ids", "w") as f:  # (as a file: thousands of ids overflow argv)
            f.write("\n".join(ids))
        log = open(out + ".log", "w")  # noqa: SIM115 (the process' output, closed with it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", "-p",
             "no:cacheprovider", f"@{out}.ids"], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT)

    def poll(self) -> bool:
        """True when the shard is done; a process that ended early is followed by the next."""
        if self.process.poll() is None:
            return False
        last = self.parts[-1]
        part = _load(last)
        if part.get("complete"):
            return True
        with open(last + ".case") as f:
            case = f.read().strip()
        self.crashes.append(case)
        with open(os.path.join(self.args.out, "crashes.txt"), "a") as f:
            f.write(case + "\n")
        spec = case.split(" case ")[0].removeprefix("<Variant ")
        self.todo = self.todo[self.todo.index(spec):]
        print(f"shard {self.index}: PyTorch's process ended (exit {self.process.returncode}) "
              f"in {case}; rerunning from {spec}", flush=True)
        self.start()
        return False


def _load(path: str) -> dict:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):  # (killed before its first spec ended)
        return {}


def merge(parts: list, crashes: list) -> dict:
    """One report from the summaries of every part of every shard."""
    total = {"cases": 0, "specs": 0, "deliberate": 0, "ill-posed": 0,
             "torch crashes skipped": 0, "mismatching cases": 0}
    classes: dict = {}
    for path in parts:
        part = _load(path)
        for key in total:
            total[key] += part.get(key, 0)
        for name, entry in part.get("classes", {}).items():
            into = classes.setdefault(name, {"count": 0, "example": entry["example"]})
            into["count"] += entry["count"]
    kinds: dict = {}
    for name in classes:
        kind = name.split(" | ")[1]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {**total, "mismatch classes (spec, kind)": len(classes), "classes by kind": kinds,
            "torch crashes": crashes, "classes": dict(sorted(classes.items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per spec")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--out", default="/tmp/npgrad_fuzz")
    parser.add_argument("-k", dest="only", help="only specs whose name contains this")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    open(os.path.join(args.out, "crashes.txt"), "w").close()
    shards = []
    for i in range(args.shards):
        names = [s.name for s in ALL_SPECS[i::args.shards]
                 if args.only is None or args.only in s.name]
        shards.append(Shard(i, args.shards, names, args))
    started = time.monotonic()
    for shard in shards:
        shard.start()
    running = list(shards)
    while running:
        time.sleep(2)
        running = [s for s in running if not s.poll()]
    report = merge([p for s in shards for p in s.parts], [c for s in shards for c in s.crashes])
    report["seconds"] = round(time.monotonic() - started)
    path = os.path.join(args.out, "summary.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    print(f"npgrad fuzz (long run, seed {args.seed}, {args.examples} examples a spec): "
          f"{report['cases']} cases over {report['specs']} specs in {report['seconds']} s, "
          f"{report['mismatching cases']} mismatching in "
          f"{report['mismatch classes (spec, kind)']} classes, {report['deliberate']} "
          f"deliberate differences and {report['ill-posed']} ill-posed comparisons skipped, "
          f"{len(report['torch crashes'])} cases ended the process and were skipped on rerun "
          f"(summary: {path})")


if __name__ == "__main__":
    main()
