"""Error parity with PyTorch for every op of the op specs, on the bad inputs users make.

Every op call the specs make (``calls.py``), as a function, a method and an in-place method
where PyTorch has them, is run with one argument changed at a time (``mutations.py``: wrong
shape, wrong dtype, dim or index out of range, wrong argument type, None, unknown option) in
npgrad and in PyTorch 2.13, and the outcomes compared (``parity.py``): the same exception class
(or a subclass, never NumPy's), a message naming the op (and shapes and dtypes where
PyTorch's does), no input changed; or, where PyTorch returns, the same output shapes and dtypes.

Mismatches not fixed yet are listed in ``known_mismatches.txt``, one per line; the list may
only shrink: a new mismatch fails, and so does a listed one that is gone (run
``PYTHONPATH=src python -m tests.errors.test_error_parity --write`` to rewrite the list, and
say why in the commit).
"""
from __future__ import annotations

import collections
import pathlib
import sys

import pytest
import torch

import npgrad

from .calls import record
from .mutations import mutate
from .parity import check, forms, input_shapes, run

KNOWN_FILE = pathlib.Path(__file__).with_name("known_mismatches.txt")

CALLS, SPEC_CALLS = record()


# Ops whose PyTorch kernel kills the interpreter on some bad inputs (an abort, not an
# exception), so they cannot be replayed in-process against it
ABORTS_PYTORCH = {
    "native_batch_norm": "input channels other than the running statistics' abort PyTorch 2.13",
}


def _groups() -> list:
    """(id, call, form) for every call and form; ids are unique (``name#k[form]``)."""
    out, seen = [], collections.Counter()
    for call in CALLS + SPEC_CALLS:
        if call.name in ABORTS_PYTORCH:
            continue
        k = seen[call.name]
        seen[call.name] += 1
        for form in forms(call):
            out.append((f"{call.name}#{k}[{form}]", call, form))
    return out


GROUPS = _groups()


def mismatches(call, form: str) -> dict:
    """key -> failure text for one call in one form (key: 'where family:label kind')."""
    found = {}
    for mut, bad in mutate(call, self_form=form in ("method", "inplace")):
        theirs = run(torch, bad, form)
        ours = run(npgrad, bad, form)
        for kind, text in check(bad, form, ours, theirs, input_shapes(bad)):
            found[f"{mut.where} {mut.family}:{mut.label} {kind}"] = text
    return found


def _known() -> dict:
    known = collections.defaultdict(set)
    if KNOWN_FILE.exists():
        for line in KNOWN_FILE.read_text().splitlines():
            if line and not line.startswith("#"):
                group, key = line.split(" | ", 1)
                known[group].add(key)
    return known


KNOWN = _known()


@pytest.mark.parametrize("group, call, form", GROUPS, ids=[g[0] for g in GROUPS])
def test_bad_inputs_answered_as_pytorch_answers_them(group, call, form):
    found = mismatches(call, form)
    new = sorted(k for k in found if k not in KNOWN[group])
    gone = sorted(KNOWN[group] - set(found))
    lines = [f"{k}: {found[k]}" for k in new]
    lines += [f"{k}: fixed (remove it from known_mismatches.txt)" for k in gone]
    assert not lines, f"{group}:\n  " + "\n  ".join(lines)


def test_the_suite_covers_every_spec_family():
    # the recorded calls reach ops of every family, and the changes reach every kind of check
    names = {c.name for c in CALLS}
    assert {"add", "sum", "cat", "gather", "zeros", "linalg.norm",
            "nn.functional.conv2d"} <= names, sorted(names)
    assert len(GROUPS) > 900


def _write() -> None:
    lines = ["# Error-parity mismatches with PyTorch not fixed yet (tests/errors): one per line,",
             "# 'op#k[form] | where family:label kind'. This list may only shrink."]
    counts = collections.Counter()
    for group, call, form in GROUPS:
        for key in sorted(mismatches(call, form)):
            lines.append(f"{group} | {key}")
            counts[key.rsplit(" ", 1)[-1]] += 1
    KNOWN_FILE.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 2} known mismatches: {dict(counts)}")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()
