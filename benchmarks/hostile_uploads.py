"""Hostile and huge uploads (issue 18): time and peak memory of each reader on each case, in a fresh child.

    .venv/bin/python benchmarks/hostile_uploads.py            # every case
    .venv/bin/python benchmarks/hostile_uploads.py panel-365k # one case

Each case is made on the fly (tests/hostile_files.py), then read in a forked child under a 300 s / 3 GB limit
(tests/bounded.py), which prints seconds, the child's peak resident memory and the first message. The
"national panel" case is SYNTHETIC: 152 authorities x 40 indicators x 60 months in long form (364,800 rows),
the size the many-authority reader's row cap is set for.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import hostile_files as hf  # noqa: E402  (tests/ is put on the path just above)
from bounded import LimitExceeded, run_bounded  # noqa: E402

TODAY = "2026-11-01"


def _scorecard(name: str, content: bytes):
    from forecasting.data.upload import load_upload

    dataset, report = load_upload(name, content, today=TODAY)
    return dataset is not None, (report.errors or report.warnings or [None])[0]


def _panel(name: str, content: bytes):
    from forecasting.data.panel import panel_from_long_file

    loaded = panel_from_long_file(name, content, today=TODAY)
    first = next((r.errors[0] for r in loaded.reports.values() if r.errors), None)
    return f"{len(loaded.datasets)} authorities", first


CASES = {
    "digits-4x25k": lambda: ("digits.csv", hf.digit_run_csv(4, 25_000), _scorecard),
    "cells-3M": lambda: ("flood.xlsx", hf.workbook(hf.cell_flood(6_000, 500), ratio_below=90), _scorecard),
    "strings-20M": lambda: (
        "strings.xlsx",
        hf.workbook(hf.scorecard_rows(), shared_chunks=hf.shared_string_flood(20_000_000), ratio_below=90),
        _scorecard,
    ),
    "no-sheet": lambda: ("nosheet.xlsx", hf.workbook([], with_sheet=False), _scorecard),
    "panel-29k": lambda: (
        "councils.csv",
        hf.panel_csv([f"LA{i:03d}" for i in range(40)], 13, 57).encode(),
        _panel,
    ),
    "panel-365k": lambda: (
        "national.csv",
        hf.panel_csv([f"SYN{i:03d}" for i in range(152)], 40, 60).encode(),
        _panel,
    ),
}


def main(names: list[str]) -> None:
    for name in names or list(CASES):
        started = time.perf_counter()
        file_name, content, reader = CASES[name]()
        made = time.perf_counter() - started
        try:
            (outcome, problem), seconds, peak = run_bounded(
                reader, file_name, content, seconds=300, memory_mb=3000
            )
            shown = problem.as_text().splitlines()[0][:110] if problem is not None else "no problem"
            print(
                f"{name:13} {len(content) / 1e6:7.2f} MB (made in {made:4.1f} s)  {seconds:6.1f} s  "
                f"peak {peak:6.0f} MB  {outcome}  {shown}"
            )
        except LimitExceeded as limit:
            print(f"{name:13} {len(content) / 1e6:7.2f} MB  LIMIT: {limit}")


if __name__ == "__main__":
    main(sys.argv[1:])
