"""Validation of scorecard data: every problem located (file, sheet, row, column) and explained.

Problems are collected, never raised: a `ValidationReport` (forecasting.data.problems, re-exported here) holds
all of them, blocking errors apart from warnings, each with a hint on how to fix it. Rows and columns are the
spreadsheet's own coordinates (row 1 is the first line of the file, columns are letters as Excel shows them).

`validate_observations` takes the located long frame a reader produced (`unique_id, ds, y` plus where each
value came from) and applies the domain rules: unknown indicators (allowed, unit inferred), duplicate months,
gaps, negative counts, percentages outside 0-100, percentages given as fractions, months in the future.
The value rules are pandera checks; the final tidy frame is checked against the long-frame contract.
"""
from __future__ import annotations

import logging
import re
from typing import cast

import pandas as pd
import pandera.pandas as pa

from forecasting.data.problems import (
    ERROR,
    MAX_LISTED_PER_KIND,
    SEVERITIES,
    WARNING,
    Problem,
    ValidationReport,
    month_label,
    months_text,
    resolve_today,
)

__all__ = [
    # the report model (forecasting.data.problems), re-exported here where callers have always found it
    "ERROR", "MAX_LISTED_PER_KIND", "SEVERITIES", "WARNING", "Problem", "ValidationReport", "month_label",
    "months_text", "resolve_today",
    # the domain rules
    "LOCATED_COLUMNS", "LONG_FRAME_CONTRACT", "PERCENT_WORDS", "RATE_WORDS", "VALUE_RULES",
    "VALUE_RULE_TESTS", "VALUE_RULE_TEXT", "check_long_frame", "infer_unit", "match_codes",
    "validate_observations",
]

log = logging.getLogger(__name__)

LOCATED_COLUMNS = ("unique_id", "ds", "y", "row", "column", "raw", "percent_sign", "id_column")
PERCENT_WORDS = re.compile(r"%|percent|proportion|\bpct\b|\brate\b(?!.*per)", re.IGNORECASE)
RATE_WORDS = re.compile(r"per\s*10[,.]?000|per\s*10k", re.IGNORECASE)


def infer_unit(code: str, name: str, values: pd.Series, percent_sign: bool) -> tuple[str, str]:
    """Guess an unknown indicator's unit; returns (unit, reason in plain words)."""
    values = values.dropna()
    within = bool(len(values)) and bool(((values >= 0) & (values <= 100)).all())
    return _unit_rule(code, name, percent_sign, within)


def _unit_rule(code: str, name: str, percent_sign: bool, within: bool) -> tuple[str, str]:
    """`infer_unit` given whether any value has a % sign and whether there are values, all within 0-100."""
    words = f"{code} {name}"
    if RATE_WORDS.search(words):
        return "rate_per_10k", "its name mentions a rate per 10,000"
    if percent_sign:
        return "percent", "its values carry a % sign"
    if within and PERCENT_WORDS.search(words):
        return "percent", "its name or code suggests a percentage and all values are within 0-100"
    return "count", "its values have no % sign and its name does not suggest a percentage"


# Value rules: each names the cells that break it, over the located frame (one row per cell) with a `unit`
# column. `_apply_value_rules` evaluates them directly (one vectorised pass; a national panel validates 152
# authorities); VALUE_RULES is the same rules as a pandera schema, for use elsewhere.
VALUE_RULE_TESTS = {
    "negative_count": lambda d: (d["unit"] == "count") & (d["y"] < 0),
    "negative_rate": lambda d: (d["unit"] == "rate_per_10k") & (d["y"] < 0),
    "percent_out_of_range": lambda d: (d["unit"] == "percent") & ((d["y"] < 0) | (d["y"] > 100)),
}
VALUE_RULES = pa.DataFrameSchema(
    checks=[pa.Check(lambda d, broken=broken: ~broken(d), name=name, error=name)
            for name, broken in VALUE_RULE_TESTS.items()]
)

# The long-frame contract every downstream module relies on.
LONG_FRAME_CONTRACT = pa.DataFrameSchema(
    {
        "unique_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "ds": pa.Column(
            "datetime64[ns]",
            pa.Check(lambda s: (s == s.dt.to_period("M").dt.to_timestamp()).all(), error="month start"),
        ),
        "y": pa.Column(float, nullable=True),
    },
    unique=["unique_id", "ds"],
    strict=True,
)

VALUE_RULE_TEXT = {
    "negative_count": ("{code} is a count but the value is {value:g}",
                       "Counts cannot be negative: check the sign, or leave the cell blank if unknown."),
    "negative_rate": ("{code} is a rate per 10,000 but the value is {value:g}",
                      "Rates cannot be negative: check the sign, or leave the cell blank if unknown."),
    "percent_out_of_range": ("{code} is a percentage but the value is {value:g}, outside 0-100",
                             "Enter percentages as 0-100 (22.6 or 22.6%), not counts or fractions above 1."),
}


def _apply_value_rules(located: pd.DataFrame, report: ValidationReport, where: dict) -> None:
    for rule, broken in VALUE_RULE_TESTS.items():
        for _, cell in located[broken(located).to_numpy()].iterrows():
            message, hint = VALUE_RULE_TEXT[rule]
            report.error(message.format(code=cell["unique_id"], value=cell["y"]), hint, code=rule,
                         row=_row(cell), column=cell["column"], **where)


def _row(cell: pd.Series) -> int | None:
    return None if pd.isna(cell["row"]) else int(cell["row"])


def match_codes(codes: pd.Series, known: list[str]) -> dict[str, str]:
    """Map codes that match a known code except for case or spacing onto the known spelling."""
    canonical = {re.sub(r"\s+", "", k).lower(): k for k in known}
    mapping = {}
    for code in codes.drop_duplicates():
        if code in known:
            continue
        hit = canonical.get(re.sub(r"\s+", "", code).lower())
        if hit:
            mapping[code] = hit
    return mapping


def validate_observations(
    located: pd.DataFrame,
    catalogue: pd.DataFrame,
    report: ValidationReport,
    *,
    today: pd.Timestamp,
    where: dict,
    names: dict[str, str] | None = None,
    report_gaps: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the domain rules to a located long frame; return (tidy observations, indicator catalogue).

    `located` has LOCATED_COLUMNS; `catalogue` is indexed by indicator code with a `unit` column;
    `where` is the file/sheet location added to every problem; `names` gives names for unknown codes.
    """
    names = names or {}
    located = located.copy()
    known = [str(k) for k in catalogue.index]
    renamed = match_codes(located["unique_id"], known)
    for original, hit in renamed.items():
        first = located[located["unique_id"] == original].iloc[0]
        report.warning(f"Indicator '{original}' read as the known indicator '{hit}'",
                       "Spell codes exactly as on the scorecard.", code="code_respelled",
                       row=_row(first), column=first["id_column"], **where)
    located["unique_id"] = located["unique_id"].replace(renamed)

    # Months in the future: an error when a value is given there, otherwise ignored with a warning.
    future = located["ds"] > today
    if future.any():
        valued = located[future & located["y"].notna()]
        for _, cell in valued.iterrows():
            report.error(
                f"{cell['unique_id']} has a value for {month_label(cell['ds'])}, which is after this month "
                f"({month_label(today)})",
                "Check the year in the month heading or date; future months must be left out or blank.",
                code="future_month",
                row=_row(cell),
                column=cell["column"],
                **where,
            )
        blank_months = sorted(set(located.loc[future & located["y"].isna(), "ds"]) - set(valued["ds"]))
        if blank_months:
            report.warning("Future months with no values were ignored: " + months_text(blank_months),
                           code="future_blank", **where)
        located = located[~future]

    # Duplicate (indicator, month).
    duplicated = located.duplicated(["unique_id", "ds"], keep=False)
    for (code, month), group in located[duplicated].groupby(["unique_id", "ds"], sort=False):
        places = ", ".join(
            f"{c}{r}" if pd.notna(r) else str(c) for r, c in zip(group["row"], group["column"], strict=True)
        )
        last = group.iloc[-1]
        report.error(f"{code} {month_label(month)} is given more than once ({places})",
                     "Keep one value per indicator and month: delete or correct the repeats.",
                     code="duplicate_month", row=_row(last), column=last["column"], **where)

    # Units: catalogue first, inferred (and said so) for unknown indicators.
    units = catalogue["unit"].to_dict() if "unit" in catalogue else {}
    inferred_rows = {}
    unknown = located[~located["unique_id"].isin(list(units))]
    if len(unknown):
        y = unknown["y"]
        stats = pd.DataFrame({"unique_id": unknown["unique_id"], "percent": unknown["percent_sign"],
                              "valued": y.notna(), "outside": y.notna() & ((y < 0) | (y > 100))}).groupby(
            "unique_id", sort=False).any()
        firsts = unknown.drop_duplicates("unique_id").set_index("unique_id")
        for code_key, row in stats.iterrows():
            code = cast(str, code_key)  # indicator codes are text
            unit, reason = _unit_rule(code, names.get(code, ""), bool(row["percent"]),
                                      bool(row["valued"]) and not row["outside"])
            units[code] = unit
            inferred_rows[code] = {"name": names.get(code, code), "unit": unit, "polarity": "neutral",
                                   "kind": "ratio" if unit != "count" else "flow"}
            first_row = cast(pd.Series, firsts.loc[code])
            report.warning(
                f"Unknown indicator '{code}': not in the indicator catalogue; treated as {unit} because "
                f"{reason}",
                "If that is wrong, add the indicator to indicators.csv with its unit and "
                "polarity, or choose its unit when asked.",
                code="unknown_indicator",
                row=_row(first_row),
                column=first_row["id_column"],
                **where,
            )
    located["unit"] = located["unique_id"].map(units)

    _apply_value_rules(located, report, where)
    _warn_about_percent_forms(located, report, where)

    tidy = (located.drop_duplicates(["unique_id", "ds"], keep="first")[["unique_id", "ds", "y"]]
            .astype({"unique_id": str, "y": float}))
    tidy = _fill_gaps(tidy, report, where, report_gaps)
    check_long_frame(tidy, report, where)
    indicators = _catalogue_for(tidy, catalogue, inferred_rows)
    return tidy, indicators


def _warn_about_percent_forms(located: pd.DataFrame, report: ValidationReport, where: dict) -> None:
    """Percentages given as fractions (all values within 0-1, no % sign) and counts with a % sign; per-code
    figures in one grouped pass, then a sentence for each code flagged."""
    order = located["unique_id"].unique()  # warnings in the order the codes first appear
    located = located[(located["unit"] == "percent") | located["percent_sign"]]  # the only candidates
    if located.empty:
        return
    y = located["y"]
    stats = pd.DataFrame({"unique_id": located["unique_id"], "valued": y.notna(),
                          "large": y.notna() & (y.abs() > 1), "nonzero": y.notna() & (y != 0),
                          "percent": located["percent_sign"]}).groupby("unique_id", sort=False).any()
    unit = located.drop_duplicates("unique_id").set_index("unique_id")["unit"].reindex(stats.index)
    fractions = (unit == "percent") & stats["valued"] & ~stats["large"] & stats["nonzero"] & ~stats["percent"]
    signed_counts = (unit == "count") & stats["percent"]
    flagged = set(stats.index[fractions | signed_counts])
    for code in (c for c in order if c in flagged):
        group = located[located["unique_id"] == code]
        if fractions[code]:
            first, value = group.iloc[0], group["y"].dropna().iloc[0]
            report.warning(
                f"{code} is a percentage but every value is between 0 and 1 (e.g. {value:g}): these look "
                "like fractions",
                f"Multiply by 100 (enter {value * 100:g} for {value:g}) or format the cells as percentages "
                "in Excel.",
                code="percent_as_fraction",
                row=_row(first),
                column=first["column"],
                **where,
            )
        else:
            cell = group[group["percent_sign"]].iloc[0]
            report.warning(f"{code} is a count but some values carry a % sign (e.g. {cell['raw']})",
                           "Check the indicator code on this row; counts are whole numbers without %.",
                           code="percent_sign_on_count", row=_row(cell), column=cell["column"], **where)


def _fill_gaps(tidy: pd.DataFrame, report: ValidationReport, where: dict, report_gaps: bool) -> pd.DataFrame:
    """Add missing months inside each indicator's span as NaN rows (so every series is regular). `tidy` has
    one row per indicator and month; only indicators with fewer rows than months in their span are filled."""
    if tidy.empty:
        return tidy
    stats = tidy.groupby("unique_id", sort=False)["ds"].agg(["min", "max", "size"])
    span_months = ((stats["max"].dt.year - stats["min"].dt.year) * 12 + stats["max"].dt.month
                   - stats["min"].dt.month + 1)
    parts = [tidy]
    gappy = stats[stats["size"] < span_months]
    for code, start, end in zip(gappy.index, gappy["min"], gappy["max"], strict=True):
        span = pd.date_range(start, end, freq="MS")
        missing = span.difference(pd.DatetimeIndex(tidy.loc[tidy["unique_id"] == code, "ds"]))
        if report_gaps:
            report.warning(f"{code} has no row for {months_text(missing)} (inside its span); treated as "
                           "missing",
                           "Add the months with their values, or leave them blank if unknown.",
                           code="gap", **where)
        parts.append(pd.DataFrame({"unique_id": code, "ds": missing, "y": float("nan")}))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else tidy
    return out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def check_long_frame(tidy: pd.DataFrame, report: ValidationReport, where: dict) -> None:
    """The long-frame contract (LONG_FRAME_CONTRACT); a failure is a reader bug, reported, never raised."""
    try:
        LONG_FRAME_CONTRACT.validate(tidy, lazy=True)
    except pa.errors.SchemaErrors as exc:  # a reader bug, not a user mistake; still never a traceback
        log.warning("long frame failed its contract: %s", exc.failure_cases.head())
        report.error("The data could not be turned into one value per indicator and month",
                     "Please report this file to the maintainers.", code="contract", **where)


def _catalogue_for(tidy: pd.DataFrame, catalogue: pd.DataFrame, inferred_rows: dict) -> pd.DataFrame:
    codes = list(tidy["unique_id"].drop_duplicates())
    known = catalogue.reindex([c for c in codes if c in catalogue.index])
    extra = pd.DataFrame.from_dict(inferred_rows, orient="index")
    frame = pd.concat([known, extra]) if len(extra) else known
    frame.index.name = "indicator"
    return frame.reindex(codes)
