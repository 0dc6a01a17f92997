"""The embedded Jun-18 data set agrees with the scorecard's own printed checksums, and the check has teeth."""
from __future__ import annotations

import pandas as pd
import pytest

from forecasting.data import EMBEDDED_DATASET, UNITS
from forecasting.data.checksums import summary_mismatches

# Every printed figure the monthly values cannot reproduce, with the reason. Nothing else may fail.
KNOWN_EXCEPTIONS = {
    ("M2-NI", "avg_12m"): "Dec-17 lost in the OCR (left blank)",
    ("M2-NI", "max_12m"): "Dec-17 lost in the OCR (left blank)",
    ("M6-QL (val)", "avg_12m"): "Jun-17, Dec-17 and Feb-18 lost in the OCR (left blank)",
    ("M6-QL (val)", "max_12m"): "Jun-17, Dec-17 and Feb-18 lost in the OCR (left blank)",
    ("M6-QL (val)", "pct_change_year"): "Jun-17 lost in the OCR (left blank)",
    ("CP1-NI", "avg_12m"): "Jun-17, Dec-17, Feb-18, Apr-18 lost in the OCR (left blank)",
    ("CP1-NI", "max_12m"): "Jun-17, Dec-17, Feb-18, Apr-18 lost in the OCR (left blank)",
    ("CP1-NI", "pct_change_year"): "Jun-17 lost in the OCR (left blank)",
    ("CP2-NI", "avg_12m"): "Jan-18 printed as a fragment '1' (left blank)",
    ("CP2-NI", "max_12m"): "Jan-18 printed as a fragment '1' (left blank)",
    (
        "CP2-NI",
        "pct_change_month",
    ): "the scorecard computes % change on unrounded rates (7.1/9.9); printed rates are rounded",
    ("CP2b%", "avg_12m"): "Jan-Apr 18 had no transfer-ins, so no percentage; checked separately below",
    ("CP2b%", "max_12m"): "Jan-Apr 18 had no transfer-ins, so no percentage; checked separately below",
    ("CP6", "pct_change_year"): "Jun-17 printed as a fragment '6' (left blank)",
    ("CP7", "avg_12m"): "six months printed as fragments (left blank)",
    ("CP7", "max_12m"): "six months printed as fragments (left blank)",
    ("LAC2", "avg_12m"): "Aug-17 and Oct-17 printed as fragments '1' (left blank)",
    ("LAC2", "max_12m"): "Aug-17 and Oct-17 printed as fragments '1' (left blank)",
    (
        "LAC9 (%)",
        "pct_change_month",
    ): "the scorecard computes % change on unrounded percentages (131/534 vs 133/524)",
    (
        "LAC9 (%)",
        "pct_change_year",
    ): "the scorecard computes % change on unrounded percentages (131/534 vs 144/526)",
}

# Values no printed figure can pin down, with the reason.
UNPINNED = {
    ("LAC12 (val)", "2017-06"): "Jun-18 is 0, so the year-on-year change is -100% whatever Jun-17 was"
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(EMBEDDED_DATASET / name)


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return _read("observations.csv")


@pytest.fixture(scope="module")
def printed() -> pd.DataFrame:
    return _read("printed_summary.csv")


def _failing(observations, printed) -> set[tuple[str, str]]:
    mismatches = summary_mismatches(observations, printed)
    return set(zip(mismatches["indicator"], mismatches["figure"], strict=True))


def test_printed_checksums_agree_except_listed(observations, printed):
    failing = _failing(observations, printed)
    assert failing - set(KNOWN_EXCEPTIONS) == set(), "new checksum failures"
    assert set(KNOWN_EXCEPTIONS) - failing == set(), "listed exceptions that now pass: remove them"


def test_checksums_cover_most_indicators(printed):
    checked = printed.dropna(subset=["avg_12m"])["indicator"]
    assert len(checked) >= 50


def test_transfer_in_percentage_average_is_over_defined_months(observations, printed):
    values = observations[observations.indicator == "CP2b%"].sort_values("month")["value"].iloc[-12:]
    assert values.dropna().mean() == pytest.approx(
        printed.set_index("indicator").loc["CP2b%", "avg_12m"], abs=0.05
    )


def _checked_cells(observations, printed) -> list[int]:
    """Rows whose value feeds at least one printed checksum that currently passes."""
    checked = printed.set_index("indicator")
    rows = []
    for index, row in observations.iterrows():
        if pd.isna(row.value) or row.indicator not in checked.index:
            continue
        figures = checked.loc[row.indicator]
        in_last_12 = row.month >= "2017-07"
        feeds_avg = (
            in_last_12 and pd.notna(figures.avg_12m) and (row.indicator, "avg_12m") not in KNOWN_EXCEPTIONS
        )
        feeds_change = any(
            row.month in months
            and pd.notna(figures[figure])
            and (row.indicator, figure) not in KNOWN_EXCEPTIONS
            for figure, months in (
                ("pct_change_year", ("2017-06", "2018-06")),
                ("pct_change_month", ("2018-05", "2018-06")),
            )
        )
        if (feeds_avg or feeds_change) and (row.indicator, row.month) not in UNPINNED:
            rows.append(index)
    return rows


def test_altering_any_checked_value_breaks_a_checksum(observations, printed):
    """Mutation test: every value covered by a checksum is pinned by it."""
    baseline = _failing(observations, printed)
    cells = _checked_cells(observations, printed)
    assert len(cells) > 600
    survivors = []
    for index in cells:
        mutated = observations.copy()
        original = mutated.at[index, "value"]
        # a change beyond what rounding can hide: a 12-month mean printed to whole numbers absorbs < 12 units
        mutated.at[index, "value"] = original + max(abs(original) * 0.1, 13.0)
        if _failing(mutated, printed) == baseline:
            survivors.append((observations.at[index, "indicator"], observations.at[index, "month"]))
    assert survivors == [], survivors


def test_every_indicator_has_13_months_and_a_catalogue_row(observations):
    catalogue = _read("indicators.csv").set_index("indicator")
    assert set(observations.indicator) == set(catalogue.index)
    assert observations.groupby("indicator").month.nunique().eq(13).all()
    assert catalogue.unit.isin(UNITS).all()


def test_values_within_their_domain(observations):
    catalogue = _read("indicators.csv").set_index("indicator")
    units = observations.indicator.map(catalogue.unit)
    assert (observations.value.dropna() >= 0).all()
    assert (observations.value[units == "percent"].dropna() <= 100).all()


@pytest.mark.parametrize(
    "percent,numerator,denominator",
    [
        ("M3", "M2", "M1"),
        ("CP4", "CP4 (val)", "CP2"),
        ("CP3-QL", "CP3-QL (val)", "CP2"),
        ("LAC6 (%)", "LAC6 (val)", "LAC4"),
        ("LAC12 (%)", "LAC12 (val)", "LAC4"),
        ("LAC9 (%)", "LAC9 (val)", "LAC1"),
    ],
)
def test_printed_percentages_match_their_counts(observations, percent, numerator, denominator):
    wide = observations.pivot(index="month", columns="indicator", values="value")
    derived = 100 * wide[numerator] / wide[denominator]
    both = derived.notna() & wide[percent].notna()
    assert both.sum() >= 12
    assert (derived[both] - wide[percent][both]).abs().max() <= 0.051


def test_single_assessment_timeliness_bands_sum_to_100(observations):
    wide = observations.pivot(index="month", columns="indicator", values="value")
    bands = wide[["EH3a%", "EH3b%", "EH3c%", "EH3d%", "EH3e%"]].sum(axis=1)
    assert bands.between(99.8, 100.2).all()


def test_rates_match_counts_with_the_derived_population(observations):
    population = _read("context.csv").set_index("key").loc["population_0_17", "value"]
    wide = observations.pivot(index="month", columns="indicator", values="value")
    for count, rate in [("M2", "M2-NI"), ("CP1", "CP1-NI"), ("CP6B", "CP6B-NI"), ("LAC1", "LAC1-NI")]:
        derived = (10_000 * wide[count] / population)
        both = wide[rate].notna()
        assert (derived[both] - wide[rate][both]).abs().max() <= 0.6, rate


def test_targets_and_benchmarks_refer_to_known_indicators(observations):
    known = set(observations.indicator)
    targets, benchmarks = _read("targets.csv"), _read("benchmarks.csv")
    assert set(targets.indicator) <= known and set(benchmarks.indicator) <= known
    lac = targets[targets.indicator == "LAC1"].set_index("period").target
    assert lac["2018-19"] == 460 and lac["2019-20"] == 390
