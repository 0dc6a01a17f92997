"""The data contract: a data set directory (or one uploaded file) -> one tidy `Dataset`.

A data set directory holds:
  observations.csv      indicator,month,value        (month YYYY-MM; percent in 0-100; empty = unreadable)
  indicators.csv        indicator,name,unit,polarity,kind,outcome,numerator,denominator
  targets.csv           indicator,period,target,basis
  benchmarks.csv        indicator,comparator,value
  printed_summary.csv   the scorecard's own 12-month average / max / % change columns (checksums)
  context.csv           key,value,unit,source   named figures, e.g. population_0_17 (optional)
Side files are checked by `forecasting.data.dataset_checks`; one uploaded file is read by
`forecasting.data.upload`.

Everything downstream uses statsforecast's long frame: `unique_id` (indicator code), `ds` (month-start
Timestamp), `y` (float). Units: `count`, `percent`, `rate_per_10k`. Polarity: `higher_is_better`,
`lower_is_better`, `neutral`. Kind: `flow` (per month), `stock` (level at month end), `ratio`.
For a percent, `numerator`/`denominator` name the count indicators it is derived from (value =
100 * numerator / denominator); for a rate, `numerator` is the count and `denominator` is
`population_0_17` (rate = 10,000 * count / children aged 0-17).
Target `basis`: `year_end_level` (level at 31 March), `annual_total` (sum of monthly flows Apr-Mar),
`monthly_rate` (a percent/rate the target applies to each month).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecasting.data.validation import ValidationReport
from forecasting.errors import UserFacingError

log = logging.getLogger(__name__)
__all__ = [
    "DEFAULT_MAX_UPLOAD_BYTES",
    "EMBEDDED_DATASET",
    "DataValidationError",
    "Dataset",
    "load_dataset_dir",
    "resolve_catalogue",
]

EMBEDDED_DATASET = Path(__file__).resolve().parents[2] / "data" / "southampton-2018-06"

UNITS = ("count", "percent", "rate_per_10k")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
KINDS = ("flow", "stock", "ratio")
TARGET_BASES = ("year_end_level", "annual_total", "monthly_rate")
COMPARATORS = ("statistical_neighbours", "england", "south_east")
POPULATION_DENOMINATOR = "population_0_17"

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a scorecard export is tens of kilobytes
INDICATOR_COLUMNS = ("indicator", "name", "unit", "polarity", "kind", "outcome", "numerator", "denominator")


@dataclass
class Dataset:
    """One council's scorecard data, tidy.

    observations: long frame `unique_id, ds, y` (one row per indicator-month, NaN where unreadable).
    indicators:   catalogue indexed by indicator code (columns as in INDICATOR_COLUMNS minus `indicator`).
    targets:      `indicator, period, target, basis`.
    benchmarks:   `indicator, comparator, value`.
    source:       where it came from (directory or file name), for display and provenance.
    warnings:     non-blocking validation messages collected while loading.
    context:      named figures the indicators need, from `context.csv` (e.g. `population_0_17`).
    """

    observations: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["indicator", "period", "target", "basis"])
    )
    benchmarks: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["indicator", "comparator", "value"])
    )
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    context: dict[str, float] = field(default_factory=dict)

    def series(self, indicator: str) -> pd.Series:
        """Monthly values of one indicator, indexed by month start."""
        rows = self.observations[self.observations["unique_id"] == indicator]
        return rows.set_index("ds")["y"].sort_index()

    @property
    def indicator_codes(self) -> list[str]:
        return list(self.observations["unique_id"].drop_duplicates())

    @property
    def last_month(self) -> pd.Timestamp:
        return self.observations.dropna(subset=["y"])["ds"].max()


def _read_optional_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, dtype={"indicator": str})


def _read_context(directory: Path) -> dict[str, float]:
    """`context.csv` (key,value,unit,source) as {key: value}; empty when absent."""
    path = directory / "context.csv"
    if not path.exists():
        return {}
    frame = pd.read_csv(path, dtype={"key": str})
    return {
        str(k).strip(): float(v)
        for k, v in zip(frame["key"], pd.to_numeric(frame["value"], errors="coerce"), strict=True)
        if pd.notna(v)
    }


def load_dataset_dir(directory: str | Path) -> Dataset:
    """Read a data set directory written in the contract above (no validation beyond parsing)."""
    directory = Path(directory)
    observations = pd.read_csv(directory / "observations.csv", dtype={"indicator": str, "month": str})
    long = pd.DataFrame(
        {
            "unique_id": observations["indicator"].str.strip(),
            "ds": pd.to_datetime(observations["month"].str.strip(), format="%Y-%m"),
            "y": pd.to_numeric(observations["value"], errors="coerce").astype(float),
        }
    ).sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    indicators = pd.read_csv(directory / "indicators.csv", dtype=str).set_index("indicator")
    return Dataset(
        observations=long,
        indicators=indicators,
        targets=_read_optional_csv(directory / "targets.csv", ["indicator", "period", "target", "basis"]),
        benchmarks=_read_optional_csv(directory / "benchmarks.csv", ["indicator", "comparator", "value"]),
        source=str(directory),
        context=_read_context(directory),
    )


class DataValidationError(UserFacingError):
    """Blocking problems in a data file; `report` holds all of them."""

    exit_code = 1

    def __init__(self, report: ValidationReport):
        super().__init__(report.as_text())
        self.report = report


def resolve_catalogue(catalogue: Dataset | pd.DataFrame | None) -> tuple[pd.DataFrame, Dataset | None]:
    """(indicator catalogue indexed by code with a `unit` column, Dataset it came from if any).

    None means the embedded data set's catalogue.
    """
    if catalogue is None and (EMBEDDED_DATASET / "indicators.csv").exists():
        catalogue = load_dataset_dir(EMBEDDED_DATASET)
    if isinstance(catalogue, Dataset):
        return catalogue.indicators, catalogue
    if isinstance(catalogue, pd.DataFrame):
        frame = catalogue.set_index("indicator") if "indicator" in catalogue.columns else catalogue
        return frame, None
    return pd.DataFrame(columns=["unit"], index=pd.Index([], name="indicator")), None
