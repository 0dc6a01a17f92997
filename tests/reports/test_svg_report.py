"""The HTML report's charts as static SVG (reports.svg): small, no script, text escaped, axes labelled in
words and numbers with separators; the charts the app draws all render."""

import pandas as pd
import plotly.graph_objects as go

from forecasting.reports import scenario_html_report
from forecasting.reports.charts import decomposition_chart, fan_chart, scenario_chart
from forecasting.reports.svg import figure_svg

MONTHS = pd.date_range("2018-07-01", periods=21, freq="MS")


def _scenario_figure():
    steps = range(21)
    measure = pd.DataFrame({"month": MONTHS, "baseline": [530.0] * 21, "scenario": [530.0 - i for i in steps],
                            "delta_lo95": [-1.5 * i for i in steps], "delta_hi95": [-0.5 * i for i in steps]})
    figure = scenario_chart(measure, title="Looked-after children <b>x</b>", unit_label="children")
    figure.add_hline(y=390, line={"dash": "dash"}, annotation_text="Target 2019-20: 390")
    return figure


def test_line_chart_with_band_target_and_dates():
    svg = figure_svg(_scenario_figure())
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg
    assert "Looked-after children &lt;b&gt;x&lt;/b&gt;" in svg      # escaped, never markup
    assert "<polygon" in svg and "<polyline" in svg                 # the band and the lines
    assert "Target 2019-20: 390" in svg and 'stroke-dasharray="6,4"' in svg
    assert "Jul 2018" in svg and "children" in svg                  # months and the axis in words
    assert "Baseline forecast" in svg and "Scenario" in svg         # legend


def test_stacked_horizontal_bars_put_negatives_left_of_zero():
    parts = pd.DataFrame({"lever_group": ["a", "b", "a"], "measure": ["LAC", "LAC", "CP"],
                          "contribution": [-40.0, 10.0, 5.0]})
    svg = figure_svg(decomposition_chart(parts))
    assert svg.count("<rect") >= 3 + 2              # three bars plus legend swatches
    assert ">LAC<" in svg and ">CP<" in svg


def test_fan_chart_renders_with_thousands_separators():
    history = pd.Series([1400.0, 1500.0, 1433.0], index=pd.date_range("2018-04-01", periods=3, freq="MS"))
    forecast = pd.DataFrame({"month": MONTHS[:3], "mean": [1430.0] * 3, "lo80": [1200.0] * 3,
                             "hi80": [1700.0] * 3, "lo95": [1000.0] * 3, "hi95": [2100.0] * 3})
    svg = figure_svg(fan_chart(history, forecast, title="Contacts"))
    assert "2,000" in svg or "1,500" in svg


def test_report_is_small_and_has_no_script():
    figure = _scenario_figure()
    report = scenario_html_report("My plan", [("Children in care", figure), ("Again", figure)],
                                  {"Results": pd.DataFrame({"Measure": ["LAC"], "Scenario": ["479"]})})
    assert "<script" not in report and report.count("<svg") == 2
    assert len(report.encode()) < 100_000           # the interactive version inlines ~4.5 MB of plotly.js
    interactive = scenario_html_report("My plan", [("Children in care", figure)], interactive=True)
    assert len(interactive.encode()) > 1_000_000


def test_empty_figure_still_draws():
    assert figure_svg(go.Figure()).endswith("</svg>")


def test_a_heading_that_repeats_the_chart_title_is_not_said_twice():
    figure = _scenario_figure()
    figure.update_layout(title="Children in care")
    report = scenario_html_report("My plan", [("Children in care", figure)])
    assert report.count(">Children in care<") == 1


def test_a_small_change_on_a_high_level_is_drawn_from_zero():
    # 853,172 -> 853,173 a month: the axis starts at 0 (ticks 0 ... 800,000+), never a zoomed cliff
    figure = go.Figure(go.Scatter(x=MONTHS[:3], y=[853172.1, 853172.4, 853172.9], mode="lines"))
    svg = figure_svg(figure)
    assert ">0<" in svg and ">800,000<" in svg


def test_long_category_names_are_not_cut():
    parts = pd.DataFrame({"lever_group": ["a", "a"], "measure": ["CIN/CP caseload per worker", "LAC"],
                          "contribution": [-2.0, -30.0]})
    svg = figure_svg(decomposition_chart(parts))
    assert ">CIN/CP caseload per worker<" in svg
    # both bars lie left of zero, inside the plot (right of the names)
    zero = float(svg.split('<line x1="')[-1].split('"')[0])
    bars = [s for s in svg.split("<rect ")[1:] if 'height="10"' not in s]       # not legend swatches
    for bar in bars:
        x, width = (float(bar.split(f'{name}="')[1].split('"')[0]) for name in ("x", "width"))
        assert x >= 26 * 7 and x + width <= zero + 0.5


def test_report_rag_cells_in_colour_and_words():
    table = pd.DataFrame({"Measure": ["LAC"], "RAG scenario": ["Red"], "Note": ["Red sky"]})
    report = scenario_html_report("My plan", [], {"Targets": table})
    assert '<td class="rag rag-red">Red: likely to miss</td>' in report
    assert "<td>Red sky</td>" in report                      # other text untouched
