"""Hypothesis profiles for the reader fuzz suite (issue 18 part 6).

`make test` runs the "ci" profile (150 cases per reader test, under a minute on two cores); `make fuzz` runs
the "fuzz" profile (5,000 cases per reader test). FUZZ_CI_EXAMPLES / FUZZ_EXAMPLES change the counts.
No example database is written: every run is fresh.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

COMMON = {
    "deadline": None,  # each case has its own time limit (limits.py), which also covers C code
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=int(os.environ.get("FUZZ_CI_EXAMPLES", "150")), **COMMON)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")), **COMMON)
settings.load_profile(os.environ.get("FUZZ_PROFILE", "ci"))
FIGURES_TITLE = "fuzz figures (per reader)"
FIGURES_KEY = "fuzz_figures"  # tests/conftest.py reads it from each worker


def _figure_lines() -> list[str]:
    from limits import STATS

    return [f"{reader:14} {int(stats['cases']):6,} cases  {stats['seconds']:7.1f} s  "
            f"slowest {stats['slowest']:5.2f} s  process peak {stats['peak_mb']:,.0f} MB"
            for reader, stats in STATS.items()]


def pytest_terminal_summary(terminalreporter):
    """Cases, total and slowest time, and peak memory per reader (the figures `make fuzz` reports)."""
    lines = _figure_lines()
    if lines:
        terminalreporter.section(FIGURES_TITLE)
        for line in lines:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session):
    """In a pytest-xdist worker (make test), hand the figures to the main process, which prints them
    (tests/conftest.py): a worker has no terminal of its own."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None and (lines := _figure_lines()):
        output[FIGURES_KEY] = lines
