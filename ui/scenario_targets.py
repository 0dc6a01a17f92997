"""'Will we hit the target?' on the Scenarios page: baseline and scenario against every target not yet
decided (the 2018-19 and 2019-20 year ends on the embedded data), with the chance of meeting each, RAG in
colour and words, and target lines on the charts.

Every figure comes from `forecasting.planning.evaluate_targets` on the baseline's and the scenario's one
`Projection` (the page passes both tables in); this module only words and formats them.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from forecasting.planning import indicator_words
from forecasting.reports import figure_text, markdown_text, probability_text
from ui.lazy import lazy_expander
from ui.rag import rag_badge, rag_cell_style, style_rag
from ui.tables import unit_number

TARGET_COLOUR = "#d62728"


def format_value(value: float, unit: str) -> str:
    """An indicator's value in its unit (forecasting.reports.figure_text: counts whole, % and rates)."""
    return figure_text(value, unit)


def format_chance(probability: float) -> str:
    """A chance of meeting a target as people read it (forecasting.reports.probability_text); blank ->
    'not assessed'."""
    if probability is None or not math.isfinite(float(probability)):
        return "not assessed"
    return probability_text(probability)


def _when(row) -> str:
    date = pd.Timestamp(row.target_date)
    if row.basis == "year_end_level":
        return f"{date.day} {date:%b %Y}"
    words = "total" if row.basis == "annual_total" else "monthly average"
    return f"{row.period} {words} (Apr {date.year - 1} to Mar {date.year})"


def _target_words(row, unit: str) -> str:
    target = format_value(row.target, unit)
    return {"lower_is_better": f"{target} or fewer" if unit == "count" else f"{target} or lower",
            "higher_is_better": f"{target} or more" if unit == "count" else f"{target} or higher"}.get(
        row.polarity, target)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def open_targets(targets: pd.DataFrame, dataset) -> pd.DataFrame:
    """The targets not yet decided: their date is after the indicator's last observed month."""
    if targets.empty:
        return targets
    last = dataset.observations.groupby("unique_id")["ds"].max()
    months = pd.to_datetime(targets["target_date"]).dt.to_period("M").dt.to_timestamp()
    latest = targets["indicator"].map(last)
    return targets[months > latest].reset_index(drop=True)


def answer_table(baseline: pd.DataFrame, scenario: pd.DataFrame, dataset) -> pd.DataFrame:
    """One row per open target: the measure and date in words, the target, baseline and scenario projected
    values, the scenario's 95% range, each chance of meeting it and each RAG (formatted text)."""
    names = dataset.indicators
    rows = []
    both = open_targets(baseline, dataset).merge(
        open_targets(scenario, dataset), on=["indicator", "period"], suffixes=("", "_s"))
    for row in both.itertuples():
        unit = names["unit"].get(row.indicator, "count")
        rows.append({
            "Measure": _capital(indicator_words(row.indicator, names)),
            "When": _when(row),
            "Target": _target_words(row, unit),
            "Baseline projected": format_value(row.projected, unit),
            "Baseline chance of meeting it": format_chance(row.probability_met),
            "RAG baseline": row.rag,
            "Scenario projected": format_value(row.projected_s, unit),
            "Scenario 95% range": f"{format_value(row.lo95_s, unit)} to {format_value(row.hi95_s, unit)}",
            "Scenario chance of meeting it": format_chance(row.probability_met_s),
            "RAG scenario": row.rag_s,
        })
    return pd.DataFrame(rows)


def show_answer(baseline: pd.DataFrame, scenario: pd.DataFrame, dataset) -> pd.DataFrame:
    """The headline answer, one line per open target with coloured badges, then the table; returns it."""
    st.subheader("Will we hit the targets?")
    table = answer_table(baseline, scenario, dataset)
    if baseline.empty:
        st.info("This data set has no targets yet, so there is no chance of meeting one to show. Add your "
                "council's targets on the Data page.")
        return table
    if table.empty:
        st.info("Every target of this data set is for a year already in the data (shown under 'Every target "
                "under this scenario'); add targets for the years ahead on the Data page.")
        return table
    for row in table.to_dict("records"):
        st.markdown(
            f"**{markdown_text(row['Measure'] + ', ' + row['When'])}** "
            + markdown_text(f"(target {row['Target']}): baseline {row['Baseline projected']}, chance "
                            f"{row['Baseline chance of meeting it']}")
            + f" {rag_badge(row['RAG baseline'])} →"
            + f" scenario **{markdown_text(row['Scenario projected'])}** "
            + markdown_text(f"(95% range {row['Scenario 95% range']}), chance ")
            + f"**{markdown_text(row['Scenario chance of meeting it'])}**"
            + f" {rag_badge(row['RAG scenario'])}"
        )
    with lazy_expander("The same as a table", "scenario_answer_open") as shown:
        if shown:
            st.dataframe(style_rag(table), hide_index=True, width="stretch", key="scenario_answer")
    st.caption("Chance of meeting it: the share of the projection's distribution that meets the target at "
               "that date (the scenario's includes the uncertainty of the levers' effects). RAG: Green "
               "likely to meet, Amber at risk, Red likely to miss, Grey not assessed.")
    return table


def add_target_lines(figure: go.Figure, targets: pd.DataFrame, indicator: str | None,
                     months: pd.Series) -> go.Figure:
    """Draw `indicator`'s year-end targets that fall in the chart's `months`: a dotted line over the part of
    the financial year the target is for and a marker at its year-end month, labelled in words. Other bases
    (annual totals) are not monthly values and are left to the answer above the charts."""
    if indicator is None or targets.empty or months.empty:
        return figure
    first, last = pd.Timestamp(months.min()), pd.Timestamp(months.max())
    rows = targets[(targets["indicator"] == indicator) & (targets["basis"] == "year_end_level")]
    for row in rows.itertuples():
        end = pd.Timestamp(row.target_date).to_period("M").to_timestamp()
        if not first <= end <= last:
            continue
        start = max(end - pd.DateOffset(months=11), first)
        label = f"Target {end:%b %Y}: {row.target:,.0f}"
        figure.add_trace(go.Scatter(
            x=[start, end], y=[row.target, row.target], mode="lines+markers+text", name=label,
            line={"color": TARGET_COLOUR, "dash": "dot", "width": 2},
            marker={"symbol": ["line-ns", "x"], "size": [1, 11], "color": TARGET_COLOUR},
            text=["", f"Target {row.target:,.0f}"], textposition="top left", hoverinfo="name",
        ))
    return figure



VALUE_COLUMNS = ("target", "projected", "lo95", "hi95")


def styled_targets(targets: pd.DataFrame, dataset):
    """Every target (evaluate_targets' columns, values kept as they are for export and tests) as a Styler:
    each row's values in its indicator's unit (children whole, % with a sign), chances as percentages,
    blanks blank, RAG cells coloured with their word."""
    units = dataset.indicators["unit"] if "unit" in dataset.indicators else pd.Series(dtype=str)
    styler = targets.style.format(na_rep="")
    for unit, rows in targets.groupby(targets["indicator"].map(units).fillna("count")).groups.items():
        styler = styler.format(unit_number(str(unit)), subset=pd.IndexSlice[list(rows), list(VALUE_COLUMNS)])
    styler = styler.format(lambda v: "" if v is None or pd.isna(v) else probability_text(v),
                           subset=["probability_met"])
    return styler.map(rag_cell_style, subset=["rag"])
