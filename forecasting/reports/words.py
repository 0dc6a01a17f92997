"""Plain words for what the tool shows: column headers with units, figures as people read them, a glossary.

- `header_words(name)`: a column name as a header in words with its unit, e.g. `probability_met` ->
  "Chance of meeting the target (%)", `p_met_2019_20` -> "Chance of meeting the 2019-20 target (%)",
  `projected_2018_19` -> "Projection at 31 Mar 2019". Names it does not know are returned unchanged (a name
  already in words, or a column a file must keep so it can be read back, such as the staffing plan's).
- `in_words(frame)`: a copy with every known header in words (the XLSX writer and the app's tables use it);
  `values_in_words(frame)`: coded values (measures, levers, bases) in words, for files people read.
- Figures: `count_text` (1,433; whole), `money_text` (£1,234,567), `percent_text` (48.0%, for values already
  0-100), `probability_text` (44%, "<1%", ">99%" for chances given 0-1: the one rule,
  `forecasting.planning.chances`, which targets' and goal-seek's sentences use too), `figure_text` by unit;
  a missing figure is "not available", never "None" or "nan".
- `GLOSSARY`: every code and term the pages use, in plain words (the Method page lists it).

Indicator codes (M1, LAC1, ...) are named by `forecasting.planning.coverage.indicator_words` and the data
set's catalogue; this module does not duplicate them.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from forecasting.planning.chances import NOT_AVAILABLE, probability_text

__all__ = [
    "COLUMN_WORDS",
    "GLOSSARY",
    "NOT_AVAILABLE",
    "RAG_MEANING",
    "VALUE_WORDS",
    "count_text",
    "figure_text",
    "header_words",
    "in_words",
    "money_text",
    "percent_text",
    "probability_text",
    "values_in_words",
]


#: Column name -> header in words, with the unit in brackets where a number has one.
COLUMN_WORDS: dict[str, str] = {
    # identity and time
    "indicator": "Indicator code",
    "unique_id": "Indicator code",
    "name": "Name",
    "label": "What it is",
    "note": "Note",
    "measure": "Measure",
    "authority": "Council",
    "ds": "Month",
    "month": "Month",
    "y": "Value",
    "value": "Value",
    "period": "Financial year",
    "financial_year": "Financial year",
    # forecasts
    "model": "Forecasting method",
    "mean": "Central forecast",
    "lo80": "80% range, low",
    "hi80": "80% range, high",
    "lo95": "95% range, low",
    "hi95": "95% range, high",
    # targets
    "target": "Target",
    "basis": "How the target is measured",
    "target_date": "Target date",
    "projected": "Projected value",
    "probability_met": "Chance of meeting the target (%)",
    "rag": "RAG status",
    "gap": "Projected minus target",
    "polarity": "Which way is better",
    "explanation": "Explanation",
    "comparator": "Compared with",
    # headlines
    "latest_month": "Latest month",
    "latest": "Latest value",
    "vs_year_before": "Change on a year before",
    # back-test
    "mae": "Average error (indicator's units)",
    "mase": "Error against 'same as last month' (MASE; below 1 is better)",
    "mape": "Average error (% of the value)",
    "coverage80": "How often the 80% range held the actual (%)",
    "coverage95": "How often the 95% range held the actual (%)",
    "raw_coverage80": "How often the 80% range held the actual before widening (%)",
    "raw_coverage95": "How often the 95% range held the actual before widening (%)",
    "n_windows": "Back-test rounds",
    "chosen": "Used for the forecast",
    "excluded_reason": "Why it was not run",
    # validation reports
    "severity": "Severity",
    "file": "File",
    "sheet": "Sheet",
    "row": "Row",
    "column": "Column",
    "message": "Problem",
    "hint": "How to fix it",
    # parameters
    "parameter": "Assumption (code)",
    "unit": "Unit",
    "default": "Default",
    "low": "Plausible low",
    "high": "Plausible high",
    "source": "Source",
    "year": "Year of the source",
    "status": "Status",
    "description": "What it is",
    # money and children
    "cost": "Cost (£)",
    "spend": "Spend (£)",
    "saving": "Saving (£)",
    "net_cost": "Net cost (£)",
    "children": "Children",
    "child_months": "Child-months in care",
    "placement_type": "Placement type",
    "case": "Case",
    "months": "Months",
    "months_basis": "Months counted",
    # scenarios (the command line's scenario file and its sheets)
    "baseline": "Baseline (the measure's unit)",
    "scenario": "Scenario (the measure's unit)",
    "delta": "Change: scenario minus baseline",
    "delta_lo80": "Change, 80% range low",
    "delta_hi80": "Change, 80% range high",
    "delta_lo95": "Change, 95% range low",
    "delta_hi95": "Change, 95% range high",
    "lever": "Lever",
    "neutral": "Neutral value (no change)",
    "central": "Central value of the evidence",
    "grade": "Strength of the evidence",
    "lever_group": "Lever group",
    "contribution": "Contribution to the change",
    "contribution_lo95": "Contribution, 95% range low",
    "contribution_hi95": "Contribution, 95% range high",
    "total": "Total change",
    "change": "Change",
    "change_low": "Change with the rates at one end of their range",
    "change_high": "Change with the rates at the other end of their range",
    "team": "Team",
    "window_months": "Months looked at",
    "demonstrated_throughput": "Work done a month in the busiest months",
    "staffed_fte": "Social workers in post then (FTE)",
    "per_fte": "Work done a month per social worker (FTE)",
    "rule": "How it is worked out",
    # benchmarks and the back-test by months ahead
    "benchmark": "Benchmark value",
    "latest_actual": "Latest actual",
    "latest_gap": "Latest actual minus benchmark",
    "projected_month": "Month projected",
    "probability_better": "Chance of being better than the benchmark (%)",
    "band": "Months ahead",
    "months_from": "From months ahead",
    "months_to": "To months ahead",
    "n_points": "Forecasts checked",
    "n_indicators": "Indicators",
    "n_origins": "Past months forecast from",
    "naive_mase": "Error of 'same as last month' against itself (MASE)",
}

#: What each RAG status means for a reader (the app, the report and exports say it the same way).
RAG_MEANING: dict[str, str] = {
    "Green": "likely to meet",
    "Amber": "at risk",
    "Red": "likely to miss",
    "Grey": "not assessed",
}

#: Coded values in tables -> words (the code is kept when it is not listed).
VALUE_WORDS: dict[str, str] = {
    "year_end_level": "level at 31 March",
    "annual_total": "total over the year",
    "monthly_rate": "monthly average over the year",
    "lower_is_better": "lower is better",
    "higher_is_better": "higher is better",
    "neutral": "neither",
    "percent": "percentage (0-100)",
    "rate_per_10k": "rate per 10,000 children aged 0-17",
    "stock": "level at month end",
    "flow": "number in the month",
    "ratio": "percentage of another measure",
    "end": "change at the last month",
}
#: columns whose values are codes a person should read in words (`in_words(..., values=True)`)
_VALUE_COLUMNS = ("basis", "polarity", "unit")

_YEAR = r"(\d{4})_(\d{2})"
#: Patterns for names that carry a financial year, e.g. p_met_2019_20.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^projected_{_YEAR}$"), "Projection at 31 Mar {end}"),
    (re.compile(rf"^range95_{_YEAR}$"), "95% range at 31 Mar {end}"),
    (re.compile(rf"^target_{_YEAR}$"), "Target {year}"),
    (re.compile(rf"^p_met_{_YEAR}$"), "Chance of meeting the {year} target (%)"),
    (re.compile(rf"^rag_{_YEAR}$"), "RAG {year}"),
)


_MONEY = re.compile(r"cost|spend|saving|budget|npv|salary|price|_gbp")
_ACRONYMS = {"fte": "FTE", "lac": "LAC", "cin": "CIN", "cp": "CP", "asye": "ASYE", "ifa": "IFA", "npv": "NPV"}


def _spelled_out(text: str) -> str:
    """'placement_cost' -> 'Placement cost (£)', 'turnover_pct' -> 'Turnover (%)', 'agency_fte' -> 'Agency
    FTE': a snake_case name read aloud, with its unit when the name says it."""
    words = [_ACRONYMS.get(word, word) for word in text.split("_") if word]
    unit = ""
    if words and words[-1] in ("pct", "percent"):
        words, unit = words[:-1], " (%)"
    elif _MONEY.search(text.lower()):
        unit = " (£)"
    spoken = " ".join(words)
    return (spoken[:1].upper() + spoken[1:] + unit) if spoken else text


def header_words(name: object, spell_out: bool = False) -> str:
    """A column name as a header in words with its unit (module docstring); unknown names unchanged, or with
    `spell_out` read aloud ('placement_cost' -> 'Placement cost (£)'; for tables no program reads back)."""
    text = str(name)
    if text in COLUMN_WORDS:
        return COLUMN_WORDS[text]
    for pattern, words in _PATTERNS:
        found = pattern.match(text)
        if found:
            start, short = found.group(1), found.group(2)
            end = int(start[:2] + short) if int(short) > int(start[2:]) else int(start) + 1
            return words.format(end=end, year=f"{start}-{short}")
    if spell_out and re.fullmatch(r"[a-z][a-z0-9_]*", text):  # 'load' -> 'Load', 'agency_fte' -> 'Agency FTE'
        return _spelled_out(text)
    return text


def values_in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with coded values in words, headers unchanged: measures (`measure_words`), levers and
    lever groups (`planning.levers.lever_words`), bases, polarities and units (`VALUE_WORDS`)."""
    from forecasting.planning.levers import LEVERS, lever_words
    from forecasting.reports.measure_words import measure_words

    frame = frame.copy()
    for column in frame.columns:
        if column == "measure":
            frame[column] = frame[column].map(lambda v: v if pd.isna(v) else measure_words(v))
        elif column in ("lever", "lever_group"):
            frame[column] = frame[column].map(
                lambda v: lever_words(v) if isinstance(v, str) and (v in LEVERS or "_" in v) else v)
        elif column in _VALUE_COLUMNS:
            frame[column] = frame[column].map(lambda v: VALUE_WORDS.get(v, v) if isinstance(v, str) else v)
    return frame


def in_words(frame: pd.DataFrame, values: bool = False, spell_out: bool = False) -> pd.DataFrame:
    """A copy of `frame` with every known column header in words; `values` True also puts coded values in
    words (`values_in_words`), `spell_out` reads unknown snake_case headers aloud."""
    frame = values_in_words(frame) if values else frame.copy()
    renamed = frame.rename(columns={c: header_words(c, spell_out=spell_out) for c in frame.columns})
    if renamed.columns.duplicated().any():  # two codes with one meaning (ds and month): keep the codes
        return frame
    return renamed


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | int) and math.isnan(value))
    except TypeError:
        return False


def count_text(value: object) -> str:
    """A count as a whole number with thousands separators: 1432.6 -> '1,433'."""
    return NOT_AVAILABLE if _missing(value) else f"{float(value):,.0f}"  # type: ignore[arg-type]


def money_text(value: object) -> str:
    """£1,234,567 (or -£1,234,567), whole pounds."""
    if _missing(value):
        return NOT_AVAILABLE
    amount = float(value)  # type: ignore[arg-type]
    return f"-£{-amount:,.0f}" if round(amount) < 0 else f"£{amount:,.0f}"


def percent_text(value: object, decimals: int = 1) -> str:
    """A percentage already on 0-100: 48 -> '48.0%'."""
    return NOT_AVAILABLE if _missing(value) else f"{float(value):,.{decimals}f}%"  # type: ignore[arg-type]


def figure_text(value: object, unit: str = "count") -> str:
    """A value of an indicator in its unit: counts whole, percentages with %, rates per 10,000 to one
    decimal, money in £."""
    if unit == "percent":
        return percent_text(value)
    if unit == "rate_per_10k":
        return NOT_AVAILABLE if _missing(value) else f"{float(value):,.1f} per 10,000"  # type: ignore[arg-type]
    if unit in ("gbp", "money", "£"):
        return money_text(value)
    return count_text(value)


#: (term, plain words): every code and term a page shows.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("RAG", "Red, Amber, Green: how likely a target is to be met. Green: a chance of 80% or more; Amber: 50% "
            "to 80%; Red: below 50%; Grey: the chance cannot be worked out (for example months with neither "
            "data nor forecast). Thresholds are named assumptions on this page."),
    ("P(met), chance of meeting the target", "The share of the forecast's simulated futures in which the "
     "target is met, from the forecast's own uncertainty (how wrong it was on past data)."),
    ("Projection", "The central forecast: half of the simulated futures are above it, half below."),
    ("80% / 95% range (interval)", "The range the value is expected to fall in 8 times / 19 times out of 20, "
     "widened until it held past values that often when tested on this council's own history."),
    ("Back-test", "Pretend it is an earlier month, forecast the next 1-3 months, compare with what "
     "happened; repeat for several starting months."),
    ("MASE", "Mean absolute scaled error: a method's average error divided by the error of 'next "
     "month = this month'. Below 1: better than that simple guess; above 1: worse."),
    ("MAE", "Mean absolute error: the average size of a forecast's miss, in the indicator's own units."),
    ("MAPE", "Mean absolute percentage error: the average miss as a % of the actual value."),
    ("Coverage", "How often a range held the actual value in the back-test (80% range: about 80% "
                 "is right)."),
    ("Naive", "Forecast method: next month equals this month."),
    ("Seasonal naive", "Forecast method: next month equals the same month last year."),
    ("Historic average", "Forecast method: the average of all past months."),
    ("Random walk with drift", "Forecast method: this month plus the average monthly change so far."),
    ("AutoETS", "Forecast method: exponential smoothing (recent months weigh more) with trend and season "
                "chosen automatically."),
    ("AutoTheta", "Forecast method: the Theta method (a damped trend line plus smoothing), chosen "
                  "automatically."),
    ("AutoARIMA", "Forecast method: a statistical model of each month's dependence on earlier months; used "
                  "only with four years of history or more."),
    ("Combination", "Forecast method: the average of several methods, usually more accurate than any one."),
    ("Scenario", "A set of changes (levers) applied on top of the forecast; all levers neutral equals the "
                 "forecast."),
    ("Lever", "One change a plan can make (for example extra exits from care through edge-of-care work), "
              "with its unit, plausible range and evidence source."),
    ("Goal-seek", "Finds the smallest change of one lever that gives the chance of meeting a target you ask "
                  "for."),
    ("FTE", "Full-time equivalent: two half-time social workers are 1 FTE."),
    ("Caseload", "Open cases (children in need and on child protection plans) per social worker FTE."),
    ("ASYE", "Assessed and supported year in employment: a newly qualified social worker's first year, "
             "with a protected (smaller) caseload."),
    ("Agency", "Social workers employed through an agency rather than by the council."),
    ("CIN", "Child in need (Children Act 1989 s17)."),
    ("CP, CPP", "Child protection; a child protection plan."),
    ("LAC, CLA", "Looked-after child / child looked after: a child in the council's care."),
    ("S47", "Section 47 enquiry: an investigation when a child may be suffering significant harm."),
    ("ICPC", "Initial child protection conference: decides whether a child needs a protection plan."),
    ("MASH", "Multi-agency safeguarding hub: the front door that decides what happens to a contact."),
    ("IFA", "Independent fostering agency: foster carers found through an agency, not the council's own."),
    ("UASC", "Unaccompanied asylum-seeking child."),
    ("SGO", "Special guardianship order: a court order placing a child with a guardian, often a relative."),
    ("SSDA903", "The statutory return of every child looked after, sent to the Department for Education."),
    ("Rate per 10,000", "A count divided by the council's 0-17 population, times 10,000, so councils of "
                        "different size compare."),
    ("Financial year 2019-20", "1 April 2019 to 31 March 2020; the year-end month is March 2020 (Mar-20)."),
    ("(val), (%)", "In an indicator code: the count (val) and the percentage (%) of the same measure."),
    ("-QL, -NI", "In an indicator code: a quality measure (QL) or a national-indicator rate per "
                 "10,000 (NI)."),
)
