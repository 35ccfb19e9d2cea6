"""Reruns the example case of every mismatch class in a long run's summary, on the code as
it is now: which classes still mismatch (and how), which pass, which are now counted as
deliberate or ill-posed. The check after fixing what a long run found, without a new run.

    python -m tests.fuzz.replay /tmp/npgrad_fuzz/summary.json [--show]
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter

from ..ops.specs import ALL_SPECS
from .differential import FOUND, STATS, check_variant
from .strategies import make_variant

_EXAMPLE = re.compile(r"make_variant\(spec, (\d+), (\d+), (\d+)\)")


def replay(summary: dict, show: bool = False) -> Counter:
    """Outcome counts ('passes', 'still mismatches', ...) of the classes' examples."""
    specs = {s.name: s for s in ALL_SPECS}
    outcomes: Counter = Counter()
    for name, entry in summary["classes"].items():
        spec_name, kind = name.split(" | ")
        found = _EXAMPLE.search(entry["example"])
        if spec_name not in specs or found is None:
            outcomes["spec or example gone"] += 1
            continue
        variant = make_variant(specs[spec_name], *map(int, found.groups()))
        before = dict(STATS)
        FOUND.clear()
        check_variant(variant, raise_mismatch=False)
        if FOUND:
            (key, now), = FOUND.items()
            outcome = "still mismatches" if key == name else "mismatches differently"
            if show:
                print(f"{outcome}: {name}: {now['example'][-300:]}")
        elif STATS["deliberate"] > before.get("deliberate", 0):
            outcome = "deliberate now"
        elif STATS["ill-posed"] > before.get("ill-posed", 0):
            outcome = "ill-posed now"
        else:
            outcome = "passes"
        outcomes[outcome] += 1
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summary")
    parser.add_argument("--show", action="store_true", help="print what still mismatches")
    args = parser.parse_args()
    with open(args.summary) as f:
        summary = json.load(f)
    outcomes = replay(summary, args.show)
    print(f"{len(summary['classes'])} classes' examples: "
          + ", ".join(f"{n} {what}" for what, n in outcomes.most_common()))


if __name__ == "__main__":
    main()
