"""SSDA903 files -> validated, cleaned episodes -> one `Dataset` per authority. Never raises on bad input.

`load_903(files)` is what the app's Data page calls with uploaded files; `load_903_path(path)` reads a folder
(year sub-folders allowed) or a workbook; `check_903_path` is the hook `upload.check_path` uses so that
`--data FOLDER` (or one 903 workbook) works for every command: one authority gives its Dataset, several are
refused with a fix (`panel --data` reads them all, `data convert --la` picks one). Child-level rows stay in
the returned object, in memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from forecasting.data.contract import Dataset
from forecasting.data.ssda903 import files_under, read_903
from forecasting.data.ssda903_config import Codes903, load_codes
from forecasting.data.ssda903_episodes import Episodes903, clean_episodes
from forecasting.data.ssda903_monthly import SOURCE_NOTE, catalogue, monthly_observations
from forecasting.data.validation import ValidationReport, resolve_today

log = logging.getLogger(__name__)


@dataclass
class Load903:
    """The outcome of reading 903 files: per-authority data sets, the clean episodes, all problems found."""

    report: ValidationReport
    datasets: dict[str, Dataset] = field(default_factory=dict)
    clean: Episodes903 | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok and bool(self.datasets)


def load_903(
    files: list[tuple[str, bytes]],
    *,
    source: str = "SSDA903 files",
    short_breaks: str = "exclude",
    stale_open: str = "keep",
    today: date | str | None = None,
    codes: Codes903 | None = None,
) -> Load903:
    """Read, validate, clean and convert 903 tables given as (file name, bytes). Never raises."""
    codes = codes or load_codes()
    report = ValidationReport(source=source)
    try:
        raw = read_903(files, report, codes)
        if raw is None or not report.ok:
            return Load903(report)
        clean = clean_episodes(raw, report, short_breaks=short_breaks, stale_open=stale_open, codes=codes)
        _trim_to_today(clean, today, report)
        uasc = not raw.uasc.empty
        unknown_age = bool(clean.episodes["DOB"].isna().any())
        datasets = {}
        for authority in clean.authorities:
            observations = monthly_observations(clean, authority, codes, uasc=uasc)
            codes_present = set(observations["unique_id"])
            indicators = catalogue(codes, uasc=uasc, unknown_age=unknown_age)
            datasets[authority] = Dataset(
                observations=observations.sort_values(["unique_id", "ds"], kind="stable").reset_index(
                    drop=True
                ),
                indicators=indicators[indicators.index.isin(codes_present)],
                source=f"{source} ({SOURCE_NOTE}, {authority})" if len(clean.authorities) > 1 else source,
                warnings=[p.as_text() for p in report.warnings],
            )
        return Load903(report, datasets, clean)
    except Exception as exc:  # noqa: BLE001  never a traceback for a user: an unforeseen failure is one more error
        log.warning("unexpected failure reading 903 files", exc_info=True)
        report.error(
            f"The 903 files could not be read ({type(exc).__name__}: {exc})",
            "Check that each file opens in Excel with the DfE column names.",
            code="unexpected",
            file=source,
        )
        return Load903(report)


def _trim_to_today(clean: Episodes903, today, report: ValidationReport) -> None:
    """An in-year extract covers months up to the last month end before `today`, not the year's 31 March."""
    if today is None:
        return
    last_complete = resolve_today(today) - pd.Timedelta(days=1)
    for authority, (first, last) in list(clean.windows.items()):
        if last > last_complete:
            clean.windows[authority] = (first, last_complete)
            report.warning(
                f"{authority}: the latest return runs to {last:%d/%m/%Y}, after today; months up to "
                f"{last_complete:%b %Y} are used",
                code="in_year",
                file=report.source,
            )


def load_903_isolated(files: list[tuple[str, bytes]], **options) -> Load903:
    """`load_903` in a worker process under the upload limits (`isolation.run_isolated`), for the app: a limit
    hit is a located error, never a stalled server."""
    from forecasting.data.isolation import ReadingLimit, run_isolated

    try:
        loaded: Load903 = run_isolated(load_903, files, **options)
        return loaded
    except ReadingLimit as limit:
        log.warning("903 upload stopped: %s", limit)
        report = ValidationReport(source=str(options.get("source", "SSDA903 files")))
        report.error(
            f"The 903 files were not read: {limit}",
            "Upload fewer collection years at a time, as CSV, with only the episodes, header and UASC files.",
            code="reading_limit",
            file=report.source,
        )
        return Load903(report)


def load_903_path(path: str | Path, **options) -> Load903:
    """`load_903` on a folder (and its year sub-folders) or one workbook."""
    path = Path(path)
    return load_903(files_under(path), source=str(path), **options)


def check_903_path(
    path: str | Path, *, today: date | str | None = None
) -> tuple[Dataset | None, ValidationReport]:
    """The single-authority view `--data` needs: (Dataset, report), or (None, report) with the reason."""
    loaded = load_903_path(path, today=today)
    if loaded.ok and len(loaded.datasets) > 1:
        names = ", ".join(loaded.datasets)
        loaded.report.error(
            f"The 903 files hold {len(loaded.datasets)} authorities ({names}); this command reads one",
            f"For all of them: `python -m forecasting panel --data {path} --out forecasts.csv`; for one: "
            f"`python -m forecasting data convert {path} --la NAME --out NAME.csv` and use the file it "
            "writes as --data.",
            code="several_authorities",
            file=str(path),
        )
        return None, loaded.report
    if not loaded.ok:
        return None, loaded.report
    return next(iter(loaded.datasets.values())), loaded.report


__all__ = ["Load903", "check_903_path", "load_903", "load_903_isolated", "load_903_path"]
