"""Writes the fuzzer's counts (cases, mismatches by class) when a session ran it."""
from .differential import STATS, summary, summary_path, write_summary


def pytest_sessionfinish(session, exitstatus):
    if STATS["cases"]:
        write_summary(summary_path(), complete=True)


def pytest_terminal_summary(terminalreporter):
    if STATS["cases"]:
        s = summary()
        terminalreporter.write_line(
            f"npgrad fuzz: {s['cases']} cases over {s['specs']} specs, "
            f"{s['mismatching cases']} mismatching in {s['mismatch classes (spec, kind)']} "
            f"classes, {s['deliberate']} deliberate differences and {s['ill-posed']} "
            f"ill-posed comparisons skipped "
            f"(summary: {summary_path()})")
