"""SSDA903 files -> validated, cleaned episodes -> one `Dataset` per authority. Never raises on bad input.

`load_903(files)` is what the app's Data page calls with uploaded files; `load_903_path(path)` reads a folder
(year sub-folders allowed) or a workbook; `check_903_path` is the hook `upload.check_path` uses so that
`--data FOLDER` (or one 903 workbook) works for every command: one authority gives its Dataset, several are
refused with a fix (`panel --data` reads them all, `data convert --la` picks one). Each authority is checked
on its own rows: one with a blocking error is left out, listed with its located errors, and the others are
used (a problem with the files as a whole, or every authority refused, stops everything). Child-level rows
stay in the returned object, in memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from forecasting.data.contract import Dataset
from forecasting.data.ssda903 import Raw903, files_under, read_903
from forecasting.data.ssda903_config import Codes903, load_codes
from forecasting.data.ssda903_episodes import Episodes903, clean_episodes
from forecasting.data.ssda903_monthly import SOURCE_NOTE, catalogue, monthly_observations
from forecasting.data.validation import MAX_LISTED_PER_KIND, ValidationReport, resolve_today

log = logging.getLogger(__name__)


@dataclass
class Load903:
    """The outcome of reading 903 files: per-authority data sets, the clean episodes, all problems found.

    `report` holds every problem (the files' and each authority's); `notes` the files' own (a file that
    cannot be read, no episodes table); `refused` each authority left out because of a blocking error in
    its own rows, `checked` every other authority's (warnings only; its data is in `datasets` unless the
    files as a whole have a blocking problem). One authority's error leaves out that authority only; a
    problem with the files as a whole, or every authority refused, leaves out everything."""

    report: ValidationReport
    datasets: dict[str, Dataset] = field(default_factory=dict)
    clean: Episodes903 | None = None
    refused: dict[str, ValidationReport] = field(default_factory=dict)
    checked: dict[str, ValidationReport] = field(default_factory=dict)
    notes: ValidationReport = field(default_factory=ValidationReport)

    @property
    def ok(self) -> bool:
        """At least one authority can be used (the others, if any, are in `refused`)."""
        return bool(self.datasets) and self.notes.ok

    @property
    def authorities(self) -> list[str]:
        """Every authority the files name, used or refused."""
        return sorted({*self.datasets, *self.refused})

    def refused_text(self) -> str:
        """Each authority left out (empty text when none): its name, then its blocking errors, located."""
        lines = []
        for authority, report in sorted(self.refused.items()):
            lines.append(f"{authority}: not used ({len(report.errors)} blocking error(s) in its own rows)")
            lines += ["  " + p.as_text().replace("\n", "\n  ") for p in report.errors[:MAX_LISTED_PER_KIND]]
            if len(report.errors) > MAX_LISTED_PER_KIND:
                lines.append(f"  ... and {len(report.errors) - MAX_LISTED_PER_KIND} more")
        return "\n".join(lines)

    def problems_frame(self) -> pd.DataFrame:
        """Every problem as a table (`ValidationReport.to_frame` columns) with an `authority` column first:
        "" for the files as a whole, else the authority whose rows it is about (used ones, then refused)."""
        parts = [("", self.notes), *sorted(self.checked.items()), *sorted(self.refused.items())]
        frame = pd.concat([report.to_frame().assign(authority=name) for name, report in parts],
                          ignore_index=True)
        return frame[["authority", *[c for c in frame.columns if c != "authority"]]]


def load_903(
    files: list[tuple[str, bytes]],
    *,
    source: str = "SSDA903 files",
    short_breaks: str = "exclude",
    stale_open: str = "keep",
    today: date | str | None = None,
    codes: Codes903 | None = None,
) -> Load903:
    """Read, validate, clean and convert 903 tables given as (file name, bytes). Never raises.

    Each authority (the LA column) is checked, cleaned and converted on its own: one whose rows have a
    blocking error is left out (`Load903.refused`, with its located errors) and the others are used."""
    codes = codes or load_codes()
    notes = ValidationReport(source=source)
    own: dict[str, ValidationReport] = {}
    try:
        raw = read_903(files, notes, codes, authorities=own)
        refused = {authority: report for authority, report in own.items() if not report.ok}
        usable = [a for a in (raw.authorities if raw is not None else []) if a not in refused]
        if raw is None or not notes.ok or not usable:
            return Load903(_everything(notes, own), refused=refused, notes=notes,
                           checked={a: r for a, r in own.items() if a not in refused})
        datasets, checked, cleans = {}, {}, []
        for authority in usable:
            report = own.setdefault(authority, ValidationReport(source=source))
            clean = clean_episodes(_one_authority(raw, authority), report, short_breaks=short_breaks,
                                   stale_open=stale_open, codes=codes)
            _trim_to_today(clean, today, report)
            cleans.append(clean)
            checked[authority] = report
        clean = Episodes903(
            pd.concat([c.episodes for c in cleans], ignore_index=True),
            {a: w for c in cleans for a, w in c.windows.items()},
        )
        uasc = not raw.uasc.empty
        unknown_age = bool(clean.episodes["DOB"].isna().any())
        indicators = catalogue(codes, uasc=uasc, unknown_age=unknown_age)
        several = len({*usable, *refused}) > 1
        for authority in sorted(set(own) - set(usable) - set(refused)):
            notes.warning(f"{authority} has header or UASC rows but no episodes, so it is not used",
                          "Add its episodes table, or nothing to do if it is not meant to be here.",
                          code="no_episodes_for_authority", file=source)
        for authority in usable:
            observations = monthly_observations(clean, authority, codes, uasc=uasc)
            codes_present = set(observations["unique_id"])
            datasets[authority] = Dataset(
                observations=observations.sort_values(["unique_id", "ds"], kind="stable").reset_index(
                    drop=True
                ),
                indicators=indicators[indicators.index.isin(codes_present)],
                source=f"{source} ({SOURCE_NOTE}, {authority})" if several else source,
                warnings=[p.as_text() for p in notes.warnings + checked[authority].warnings],
            )
        if refused:
            log.info("903 files %s: %d authorities used, %d left out (%s)", source, len(datasets),
                     len(refused), ", ".join(sorted(refused)))
        return Load903(_everything(notes, own), datasets, clean, refused, checked, notes)
    except Exception as exc:  # noqa: BLE001  never a traceback for a user: an unforeseen failure is one more error
        log.warning("unexpected failure reading 903 files", exc_info=True)
        notes.error(
            f"The 903 files could not be read ({type(exc).__name__}: {exc})",
            "Check that each file opens in Excel with the DfE column names.",
            code="unexpected",
            file=source,
        )
        return Load903(_everything(notes, own), notes=notes)


def _everything(notes: ValidationReport, own: dict[str, ValidationReport]) -> ValidationReport:
    """One report of the files' problems, then each authority's (in name order)."""
    problems = notes.problems + [p for _, r in sorted(own.items()) for p in r.problems]
    return ValidationReport(source=notes.source, problems=problems)


def _one_authority(raw: Raw903, authority: str) -> Raw903:
    """The raw tables' rows of one authority."""
    def mine(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["la"] == authority]

    return Raw903(mine(raw.episodes), mine(raw.header), mine(raw.uasc), files=raw.files)


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
        return Load903(report, notes=report)


def load_903_path(path: str | Path, **options) -> Load903:
    """`load_903` on a folder (and its year sub-folders) or one workbook."""
    path = Path(path)
    return load_903(files_under(path), source=str(path), **options)


def check_903_path(
    path: str | Path, *, today: date | str | None = None
) -> tuple[Dataset | None, ValidationReport]:
    """The single-authority view `--data` needs: (Dataset, report), or (None, report) with the reason."""
    loaded = load_903_path(path, today=today)
    if loaded.ok and len(loaded.authorities) > 1:
        names = ", ".join(loaded.authorities)
        loaded.report.error(
            f"The 903 files hold {len(loaded.authorities)} authorities ({names}); this command reads one",
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
