"""The Scenarios page's words and formats, by hand: figures in their unit, chances, the answer table from two
hand-made target tables, target lines only inside the chart, the decomposition split by unit, the report's
title and tables (pure functions, no Streamlit run)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import pytest

from forecasting.planning import Scenario
from ui.scenario_compare import (
    decomposition_figures,
    format_change,
    format_measure,
    lever_rows,
    results_table,
    scenario_title,
)
from ui.scenario_targets import add_target_lines, answer_table, format_chance, open_targets, styled_targets


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (529.4, "children", "529"),
        (1432.6, "referrals", "1,433"),
        (19.06, "cases", "19.1"),
        (48.04, "%", "48.0%"),
        (21767603.4, "£", "£21,767,603"),
        (-1234.4, "£", "-£1,234"),
    ],
)
def test_format_measure(value, unit, text):
    assert format_measure(value, unit) == text


def test_format_change_and_chance():
    assert format_change(-51.2, "children") == "-51"
    assert format_change(2.04, "%") == "+2.0%"
    assert format_change(-2608444.0, "£") == "-£2,608,444"
    assert (
        format_chance(0.0044) == "<1%" and format_chance(0.7225) == "72%" and format_chance(0.999) == ">99%"
    )
    assert format_chance(float("nan")) == "not assessed" and format_chance(0.0) == "0%"


def _dataset():
    indicators = pd.DataFrame(
        {
            "name": ["Number of Looked after Children at end of period", "Care leavers %"],
            "unit": ["count", "percent"],
        },
        index=pd.Index(["LAC1", "N1LA7"], name="indicator"),
    )
    observations = pd.DataFrame(
        {"unique_id": ["LAC1", "N1LA7"], "ds": pd.to_datetime(["2018-06-01"] * 2), "y": [522.0, 90.0]}
    )
    return SimpleNamespace(indicators=indicators, observations=observations)


def _targets(projected: float, probability: float, rag: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ["LAC1", "LAC1", "N1LA7"],
            "period": ["2017-18", "2019-20", "2018-19"],
            "target": [515.0, 390.0, 93.0],
            "basis": ["year_end_level"] * 3,
            "target_date": pd.to_datetime(["2018-03-31", "2020-03-31", "2019-03-31"]),
            "projected": [522.0, projected, 93.75],
            "lo95": [522.0, projected - 60, 90.92],
            "hi95": [522.0, projected + 70, 95.74],
            "probability_met": [0.0, probability, 0.7225],
            "rag": ["Red", rag, "Amber"],
            "polarity": ["lower_is_better", "lower_is_better", "higher_is_better"],
        }
    )


def test_only_targets_after_the_last_month_are_open():
    assert list(open_targets(_targets(530, 0.0, "Red"), _dataset())["period"]) == ["2019-20", "2018-19"]


def test_answer_table_by_hand():
    table = answer_table(_targets(530.0, 0.000003, "Red"), _targets(469.4, 0.62, "Amber"), _dataset())
    assert list(table["When"]) == ["31 Mar 2020", "31 Mar 2019"]
    lac = table.iloc[0]
    assert lac["Measure"].endswith("(LAC1)") and lac["Target"] == "390 or fewer"
    assert (lac["Baseline projected"], lac["Baseline chance of meeting it"], lac["RAG baseline"]) == (
        "530",
        "<1%",
        "Red",
    )
    assert (
        lac["Scenario projected"],
        lac["Scenario 95% range"],
        lac["Scenario chance of meeting it"],
        lac["RAG scenario"],
    ) == ("469", "409 to 539", "62%", "Amber")
    leavers = table.iloc[1]
    assert leavers["Target"] == "93.0% or higher" and leavers["Scenario 95% range"] == "90.9% to 95.7%"


def test_target_lines_only_inside_the_chart():
    months = pd.Series(pd.date_range("2018-07-01", "2020-03-01", freq="MS"))
    figure = add_target_lines(go.Figure(), _targets(530, 0.0, "Red"), "LAC1", months)
    assert [trace.name for trace in figure.data] == ["Target Mar 2020: 390"]  # 2017-18 is before the chart
    line = figure.data[0]
    assert list(line.y) == [390.0, 390.0]
    assert [pd.Timestamp(x) for x in line.x] == [pd.Timestamp("2019-04-01"), pd.Timestamp("2020-03-01")]
    assert not add_target_lines(go.Figure(), _targets(530, 0.0, "Red"), None, months).data


def test_decomposition_split_by_unit_in_words():
    parts = pd.DataFrame(
        {
            "measure": ["lac", "lac", "placement_cost"],
            "lever_group": ["early_help", "edge_of_care", "edge_of_care"],
            "contribution": [-3.6, -34.8, -2312118.0],
            "basis": ["change at Mar 2020", "change at Mar 2020", "change in total over Jul 2018-Mar 2020"],
        }
    )
    figures = decomposition_figures(
        parts,
        {"lac": "Looked-after children"},
        {"early_help": "Early Help step-down", "edge_of_care": "Edge of care"},
    )
    assert [title for title, _ in figures] == [
        "Where the change comes from (children and caseloads)",
        "Where the change comes from (£)",
    ]
    children, money = (figure for _, figure in figures)
    assert {trace.name for trace in children.data} == {"Early Help step-down", "Edge of care"}
    assert list(children.data[0].y) == ["Looked-after children"]
    assert list(money.data[0].y) == ["Placement spend"]
    assert money.layout.xaxis.title.text == "Change in total over Jul 2018-Mar 2020 (£)"


def test_report_title_and_tables_in_words():
    plan = Scenario(
        schema_version=1,
        name="Scenario",
        levers={"edge_of_care_extra_exits": 2.0, "edge_of_care_entry_reduction": 10.0},
    )
    assert scenario_title("  My plan ", plan) == "My plan"
    assert scenario_title("", plan) == "Scenario: entries to care avoided 10, extra exits from care 2"
    assert scenario_title(None, Scenario(schema_version=1, name="x")) == "Baseline (no lever changed)"
    rows = lever_rows(plan)
    assert list(rows["Lever"]) == [
        "Entries to care avoided",
        "Extra exits from care",
    ]  # neutral ones left out
    end = pd.DataFrame(
        {
            "baseline": [530.0],
            "scenario": [479.2],
            "delta": [-50.8],
            "delta_lo95": [-80.1],
            "delta_hi95": [-30.4],
        },
        index=["lac"],
    )
    table = results_table(
        end, [("lac", "Looked-after children", "children"), ("referrals", "Referrals", "x")]
    )
    assert table.to_dict("records") == [
        {
            "Measure": "Looked-after children",
            "Baseline": "530",
            "Scenario": "479",
            "Change": "-51",
            "Change, 95% range": "-80 to -30",
        }
    ]


def test_every_target_table_keeps_values_and_shows_them_in_units():
    targets = _targets(469.4, 0.0044, "Red")
    styler = styled_targets(targets, _dataset())
    pd.testing.assert_frame_equal(styler.data, targets)  # values kept for export and the app-equals-CLI test
    html = styler.to_html()
    assert ">469<" in html and ">93.8%<" in html and "><1%<" in html  # whole children, %, chance
    assert "background-color: #f8d0d0" in html and ">Amber<" in html  # RAG coloured, word kept
