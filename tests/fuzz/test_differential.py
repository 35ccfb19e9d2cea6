"""The differential fuzzer: every op spec (``tests/ops/specs``) run on drawn variants of its
cases (``strategies.py``) in npgrad and PyTorch, compared by ``differential.py``.

CI runs a few derandomized examples per spec (reproducible). The long mode draws more:
``NPGRAD_FUZZ_EXAMPLES=2000 python -m pytest tests/fuzz`` (examples per spec), and with
``NPGRAD_FUZZ_RECORD=1`` it does not stop at a mismatch but counts them by class into the
summary file (``NPGRAD_FUZZ_SUMMARY``, default /tmp/npgrad_fuzz_summary.json).
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from ..ops.specs import ALL_SPECS
from .differential import STATS, check_variant, summary_path, write_summary
from .strategies import variants

EXAMPLES = int(os.environ.get("NPGRAD_FUZZ_EXAMPLES", "2"))
RECORD = os.environ.get("NPGRAD_FUZZ_RECORD", "") not in ("", "0")
# the long mode draws fresh examples when given a seed (NPGRAD_FUZZ_SEED); CI is derandomized
SEED = os.environ.get("NPGRAD_FUZZ_SEED")
# a long run split over processes: NPGRAD_FUZZ_SHARD=i/n fuzzes every n-th spec from the i-th
_SHARD, _SHARDS = map(int, os.environ.get("NPGRAD_FUZZ_SHARD", "0/1").split("/"))
SPECS = ALL_SPECS[_SHARD::_SHARDS]

_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                     derandomize=SEED is None, suppress_health_check=list(HealthCheck),
                     phases=(Phase.explicit, Phase.generate) if RECORD else
                     (Phase.explicit, Phase.generate, Phase.shrink), print_blob=False)


def _fuzz(spec):
    @_SETTINGS
    @given(variants(spec))
    def run(variant):
        check_variant(variant, raise_mismatch=not RECORD)
    if SEED is not None:
        run._hypothesis_internal_use_seed = int(SEED)  # noqa: SLF001 (hypothesis' seed hook)
    return run


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_differential(spec):
    STATS["specs"] += 1
    _fuzz(spec)()
    if RECORD:  # after each spec: a run that PyTorch kills keeps the counts of whole specs
        write_summary(summary_path())
