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


def pytest_terminal_summary(terminalreporter):
    """Cases, total and slowest time, and peak memory per reader (the figures `make fuzz` reports)."""
    from limits import STATS

    if not STATS:
        return
    terminalreporter.section("fuzz figures (per reader)")
    for reader, stats in STATS.items():
        terminalreporter.write_line(
            f"{reader:14} {int(stats['cases']):6,} cases  {stats['seconds']:7.1f} s  "
            f"slowest {stats['slowest']:5.2f} s  process peak {stats['peak_mb']:,.0f} MB"
        )
