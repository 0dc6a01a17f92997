"""Many councils at once: a panel of data sets, one per authority, with `unique_id` =
"<authority>|<indicator>".

Input forms (both validated by the single-council loader, so every message still names file, row, column):
- a folder with one CSV/XLSX per authority (the file name, without extension, is the authority);
- one long file (CSV/XLSX) with columns authority, indicator, month, value. Each authority's rows are
  validated as their own file; other authorities' rows are blanked rather than removed, so the row numbers
  in messages are those of the original file.
`synthetic_panel` makes a clearly labelled SYNTHETIC panel for benchmarks and tests.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.data.contract import Dataset
from forecasting.data.upload import check_path, load_upload
from forecasting.data.validation import ValidationReport

SEPARATOR = "|"
SUFFIXES = (".csv", ".xlsx", ".xlsm")


@dataclass
class Panel:
    """Data sets by authority, and the reports of any that could not be used."""

    datasets: dict[str, Dataset]
    reports: dict[str, ValidationReport] = field(default_factory=dict)

    @property
    def authorities(self) -> list[str]:
        return sorted(self.datasets)

    def long_frame(self) -> pd.DataFrame:
        """unique_id ("<authority>|<indicator>"), ds, y for every authority."""
        frames = [d.observations.assign(unique_id=authority + SEPARATOR + d.observations["unique_id"])
                  for authority, d in sorted(self.datasets.items())]
        return (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unique_id", "ds", "y"])
        )

    def units(self) -> dict[str, str]:
        return {f"{authority}{SEPARATOR}{code}": unit for authority, d in self.datasets.items()
                for code, unit in d.indicators.get("unit", pd.Series(dtype=str)).items()}

    def compare(self, indicator: str) -> pd.DataFrame:
        """One indicator across authorities: authority, ds, y."""
        frame = self.long_frame()
        ids = split_ids(frame["unique_id"])
        return frame.assign(**ids)[ids["indicator"] == indicator][["authority", "ds", "y"]].reset_index(
            drop=True
        )


def split_ids(unique_ids: pd.Series) -> pd.DataFrame:
    """unique_id -> authority, indicator columns."""
    parts = unique_ids.astype(str).str.split(SEPARATOR, n=1, expand=True)
    return pd.DataFrame({"authority": parts[0], "indicator": parts[1]}, index=unique_ids.index)


def load_panel(path: str | Path, *, today=None) -> Panel:
    """A folder of per-authority files, or one long file with an `authority` column."""
    path = Path(path)
    if path.is_dir():
        datasets: dict[str, Dataset] = {}
        reports: dict[str, ValidationReport] = {}
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES):
            dataset, report = check_path(file, today=today)
            (
                datasets.__setitem__(file.stem, dataset)
                if dataset is not None
                else reports.__setitem__(file.stem, report)
            )
        return Panel(datasets, reports)
    return panel_from_long_file(path.name, path.read_bytes(), today=today)


def panel_from_long_file(name: str, content: bytes, *, today=None) -> Panel:
    """Split a long file with an `authority` column and validate each authority's rows."""
    reader = pd.read_excel if name.lower().endswith((".xlsx", ".xlsm")) else pd.read_csv
    frame = reader(io.BytesIO(content), dtype=str)
    columns = {c.strip().lower(): c for c in frame.columns}
    if "authority" not in columns:
        return Panel(
            {},
            {
                "(file)": _single_error(
                    name,
                    "No 'authority' column: a multi-authority file needs columns "
                    "authority, indicator, month, value",
                )
            },
        )
    authority_column = columns["authority"]
    datasets, reports = {}, {}
    for authority in sorted(frame[authority_column].dropna().astype(str).str.strip().unique()):
        mine = frame[authority_column].astype(str).str.strip() == authority
        rows = frame.drop(columns=authority_column).where(mine, "")  # blank, keep row numbers
        dataset, report = load_upload(name, rows.to_csv(index=False).encode(), today=today)
        if dataset is not None:
            datasets[authority] = dataset
        else:
            reports[authority] = report
    return Panel(datasets, reports)


def _single_error(name: str, message: str) -> ValidationReport:
    report = ValidationReport(source=name)
    report.error(message, "Add the column, or upload one file per authority.", file=name)
    return report


def synthetic_panel(n_authorities: int = 152, n_indicators: int = 40, n_months: int = 60,
                    seed: int = 2018) -> pd.DataFrame:
    """SYNTHETIC monthly counts (not real data): level x trend x school-holiday dip (Aug, Dec) x noise.

    unique_id = "SYN<authority>|IND<indicator>", ds from Apr 2014. Levels are log-uniform 5-2,000 a month,
    trends -3% to +3% a year, holiday dips 0-20%, noise 5-20% (lognormal).
    """
    rng = np.random.default_rng(seed)
    months = pd.date_range("2014-04-01", periods=n_months, freq="MS")
    n = n_authorities * n_indicators
    level = np.exp(rng.uniform(np.log(5), np.log(2000), n))[:, None]
    trend = (1 + rng.uniform(-0.03, 0.03, n)[:, None]) ** (np.arange(n_months)[None, :] / 12)
    holiday = 1 - rng.uniform(0, 0.2, n)[:, None] * np.isin(months.month, (8, 12))[None, :]
    noise = np.exp(rng.normal(0, rng.uniform(0.05, 0.2, n)[:, None], (n, n_months)))
    values = np.round(level * trend * holiday * noise)
    ids = [f"SYN{a:03d}{SEPARATOR}IND{i:02d}" for a in range(n_authorities) for i in range(n_indicators)]
    return pd.DataFrame(
        {"unique_id": np.repeat(ids, n_months), "ds": np.tile(months, n), "y": values.ravel()}
    )
