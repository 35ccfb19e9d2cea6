"""The fuzzer's list of deliberate differences (``differential.DELIBERATE``): every predicate
answers for every variant it can be asked about (one that raised inside a long run would end
it: an entry for all specs once read a second argument of one-argument ops)."""
from __future__ import annotations

import pytest

from ..ops.specs import ALL_SPECS
from .differential import DELIBERATE
from .strategies import make_variant

SPECS = {s.name: s for s in ALL_SPECS}


@pytest.mark.parametrize("entry", DELIBERATE, ids=lambda d: f"{d.kind}: {d.readme[:40]}")
def test_predicate_answers_for_every_variant_of_its_specs(entry):
    names = entry.specs or tuple(SPECS)
    for name in names:
        spec = SPECS.get(name)
        if spec is None:
            continue
        for case in range(len(spec.cases)):
            for vary in (0, 255):  # (the case as written, and everything varied)
                entry.when(make_variant(spec, case, vary, 1), "output 0: NaN at [0]: nan vs "
                                                              "torch 0.0")
