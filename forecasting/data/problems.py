"""Problems found in data and the report that holds them: each located (file, sheet, row, column) and
explained, with a hint on how to fix it; months in words for their messages. Split from
forecasting.data.validation (which re-exports every name here) to keep each module short.

Problems are collected, never raised: a `ValidationReport` holds all of them, blocking errors apart from
warnings. Rows and columns are the spreadsheet's own coordinates (row 1 is the first line of the file, columns
are letters as Excel shows them).
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

__all__ = ["ERROR", "MAX_LISTED_PER_KIND", "SEVERITIES", "WARNING", "Problem", "ValidationReport",
           "month_label", "months_text", "resolve_today"]

log = logging.getLogger(__name__)

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)
MAX_LISTED_PER_KIND = 25  # as_text() lists at most this many problems of one kind, then a count


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, where it is, and how to fix it."""

    severity: str
    message: str
    hint: str = ""
    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    code: str = ""

    @property
    def location(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None and self.column and "," not in self.column and "-" not in self.column:
            parts.append(f"cell {self.column}{self.row}")
        else:
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column {self.column}")
        return ", ".join(parts)

    def as_text(self) -> str:
        text = f"{self.severity.upper():7} {self.location}: {self.message}"
        return f"{text}\n        Fix: {self.hint}" if self.hint else text


@dataclass
class ValidationReport:
    """All problems found while reading one file or data set."""

    source: str = ""
    problems: list[Problem] = field(default_factory=list)

    def add(self, severity: str, message: str, hint: str = "", **location) -> Problem:
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")
        problem = Problem(severity=severity, message=message, hint=hint, **location)
        self.problems.append(problem)
        log.debug("%s", problem.as_text())
        return problem

    def error(self, message: str, hint: str = "", **location) -> Problem:
        return self.add(ERROR, message, hint, **location)

    def warning(self, message: str, hint: str = "", **location) -> Problem:
        return self.add(WARNING, message, hint, **location)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks using the data (warnings allowed)."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        columns = ["severity", "file", "sheet", "row", "column", "message", "hint", "code"]
        frame = pd.DataFrame([asdict(p) for p in self.problems], columns=columns)
        return frame.astype({"row": "Int64"})

    def as_text(self, max_per_kind: int | None = MAX_LISTED_PER_KIND) -> str:
        """Readable report: errors first, then warnings; more than `max_per_kind` of one kind are counted."""
        limit = max_per_kind if max_per_kind is not None else float("inf")
        lines = [f"Checked {self.source}" if self.source else "Validation report"]
        for label, problems in (("blocking error", self.errors), ("warning", self.warnings)):
            if not problems:
                continue
            lines.append(f"{len(problems)} {label}{'s' if len(problems) != 1 else ''}:")
            shown: dict[str, int] = {}
            for problem in problems:
                shown[problem.code] = shown.get(problem.code, 0) + 1
                if shown[problem.code] <= limit or not problem.code:
                    lines.append("  " + problem.as_text().replace("\n", "\n  "))
            for kind, count in shown.items():
                if kind and count > limit:
                    lines.append(
                        f"  ... and {count - limit} more like '{kind}' (all are in the report table)"
                    )
        if self.ok:
            lines.append(
                "No blocking errors: the data can be used." if self.warnings else "No problems found."
            )
        else:
            lines.append("Blocking errors found: fix them and load the file again.")
        return "\n".join(lines)


def resolve_today(today: date | datetime | str | None = None) -> pd.Timestamp:
    """Month start of `today` (resolved now when None)."""
    stamp = pd.Timestamp(today) if today is not None else pd.Timestamp.now()
    return stamp.to_period("M").to_timestamp()


def month_label(month: Any) -> str:
    """'Jun-18' for a month given as anything pd.Timestamp reads (Timestamp, date, '2018-06')."""
    return pd.Timestamp(month).strftime("%b-%y")


def months_text(months) -> str:
    """Months as short readable runs: 'Dec-17', 'Jul-18 to Dec-18 (6 months), Mar-19'."""
    ordered = sorted({pd.Timestamp(m).to_period("M") for m in months})
    runs: list[list] = []
    for period in ordered:
        if runs and period == runs[-1][-1] + 1:
            runs[-1].append(period)
        else:
            runs.append([period])
    parts = [month_label(r[0].to_timestamp()) if len(r) == 1 else
             f"{month_label(r[0].to_timestamp())} to {month_label(r[-1].to_timestamp())} ({len(r)} months)"
             for r in runs]
    return ", ".join(parts[:10]) + (f" and {len(parts) - 10} more" if len(parts) > 10 else "")
