"""Target and benchmark rules on hand-worked toys, each named by the rule it checks: the direction of a
neutral indicator (from the latest actual, which is the last observed month), the upper tail when higher is
better, the words above / below / exactly on target, "still ahead" only before the target date, the
benchmark's projected median and range, and each authority's targets read from its own forecasts."""

import datetime as dt

import pandas as pd
import pytest
from scipy.stats import norm

from forecasting.data import Dataset
from forecasting.data.panel import Panel
from forecasting.planning.parameters import load_parameters
from forecasting.planning.projection import Projection
from forecasting.planning.targets import compare_benchmarks, evaluate_targets, panel_targets

Z95 = 1.959963984540054
FUTURE = pd.date_range("2018-07-01", "2020-03-01", freq="MS")  # 21 forecast months
HISTORY = pd.date_range("2017-04-01", "2018-06-01", freq="MS")  # 15 observed months, Apr 2017 - Jun 2018


def _dataset(history, polarity="neutral", targets=(), benchmarks=()):
    """Indicator X observed over HISTORY (the values given, the last one in Jun 2018)."""
    obs = pd.DataFrame({"unique_id": "X", "ds": HISTORY, "y": [float(v) for v in history]})
    catalogue = pd.DataFrame({"unit": ["count"], "polarity": [polarity]},
                             index=pd.Index(["X"], name="indicator"))
    return Dataset(
        obs,
        catalogue,
        targets=pd.DataFrame(list(targets), columns=["indicator", "period", "target", "basis"]),
        benchmarks=pd.DataFrame(list(benchmarks), columns=["indicator", "comparator", "value"]),
    )


def _forecast(mean, sd, code="X"):
    return pd.DataFrame({"indicator": code, "month": FUTURE, "mean": float(mean),
                         "lo95": mean - Z95 * sd, "hi95": mean + Z95 * sd})


def _one(dataset, forecast, today=dt.date(2018, 7, 1)):
    projection = Projection.from_table(dataset, forecast)
    return evaluate_targets(projection, today=today, params=load_parameters(include_levers=False)).iloc[0]


def test_a_neutral_indicator_above_its_target_has_to_come_down_from_its_latest_month():
    # latest actual (Jun 2018) 15, the month before 5; target 10 < 15, so 'met' means falling to 10 or less.
    # March 2020 forecast N(12, 2): P(X <= 10) = Phi(-1) = 0.158655
    history = [8.0] * 13 + [5.0, 15.0]
    row = _one(_dataset(history, targets=[("X", "2019-20", 10, "year_end_level")]), _forecast(12, 2))
    assert row["probability_met"] == pytest.approx(norm.cdf(-1.0))
    assert "(lower is better; the indicator has no polarity" in row["explanation"]


def test_a_neutral_indicator_at_its_target_reaches_it_from_below():
    # latest actual 10 = target 10: not above it, so 'met' means 10 or more:
    # P(X >= 10) = 1 - Phi(-1) = 0.841345
    row = _one(_dataset([10.0] * 15, targets=[("X", "2019-20", 10, "year_end_level")]), _forecast(12, 2))
    assert row["probability_met"] == pytest.approx(1 - norm.cdf(-1.0))
    assert "(higher is better; the indicator has no polarity" in row["explanation"]


def test_higher_is_better_takes_the_upper_tail_at_the_year_end():
    # P(X >= 45) for N(50, 5) = 1 - Phi(-1) = 0.841345 -> Green (>= 0.8 by default)
    data = _dataset([50.0] * 15, "higher_is_better", targets=[("X", "2019-20", 45, "year_end_level")])
    row = _one(data, _forecast(50, 5))
    assert row["probability_met"] == pytest.approx(0.841345, abs=1e-6)
    assert row["rag"] == "Green"
    assert row["gap"] == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("target", "words"),
    [(479.5, "0.5 above target"), (480.0, "0 exactly on target"), (480.5, "0.5 below target")],
)
def test_the_explanation_says_above_below_or_exactly_on_target(target, words):
    data = _dataset([480.0] * 15, "lower_is_better", targets=[("X", "2019-20", target, "year_end_level")])
    row = _one(data, _forecast(480, 10))
    assert row["projected"] == 480.0
    expected = f"X is projected at 480 at 31 Mar 2020 against a target of {target:g}: {words} (lower is"
    expected += " better)."
    assert expected in row["explanation"]


def test_an_outturn_says_the_target_date_is_ahead_only_before_that_date():
    # 2017-18 year end = March 2018, observed (480): an outturn. Read on the target date itself, not ahead.
    data = _dataset([480.0] * 15, "lower_is_better", targets=[("X", "2017-18", 500, "year_end_level")])
    on_the_day = _one(data, _forecast(480, 10), today=dt.date(2018, 3, 31))
    assert "outturn" in on_the_day["explanation"]
    assert "still ahead" not in on_the_day["explanation"]
    the_day_before = _one(data, _forecast(480, 10), today=dt.date(2018, 3, 30))
    assert "The target date is still ahead." in the_day_before["explanation"]


def test_a_benchmark_reads_the_projected_median_its_95_range_and_the_last_actual():
    # March 2020 forecast N(480, 10): median 480, range 480 -+ 1.96 x 10; latest actual (Jun 2018) 470,
    # so the latest gap to the benchmark 460 is 470 - 460 = +10 (the month before, 400, is not the latest)
    history = [400.0] * 14 + [470.0]
    data = _dataset(history, "lower_is_better", benchmarks=[("X", "england", 460)])
    row = compare_benchmarks(Projection.from_table(data, _forecast(480, 10))).iloc[0]
    assert row["projected_month"] == pd.Timestamp("2020-03-01")
    assert row["projected"] == pytest.approx(480.0)
    assert (row["lo95"], row["hi95"]) == (pytest.approx(480 - Z95 * 10), pytest.approx(480 + Z95 * 10))
    assert row["latest_actual"] == 470.0 and row["latest_gap"] == 10.0
    # lower is better: P(X <= 460) = Phi(-2)
    assert row["probability_better"] == pytest.approx(norm.cdf(-2.0))


def test_each_authority_is_judged_on_its_own_forecasts():
    # A forecasts 480 in March 2020 and B 300; each has the target 490 (lower is better); C has no targets
    target = [("X", "2019-20", 490, "year_end_level")]
    panel = Panel(
        datasets={
            "A": _dataset([480.0] * 15, "lower_is_better", targets=target),
            "B": _dataset([300.0] * 15, "lower_is_better", targets=target),
            "C": _dataset([1.0] * 15, "lower_is_better"),
        }
    )
    forecasts = pd.concat(
        [_forecast(480, 10).assign(unique_id="A|X"), _forecast(300, 10).assign(unique_id="B|X"),
         _forecast(1, 1).assign(unique_id="C|X")],
        ignore_index=True,
    ).drop(columns="indicator")
    table = panel_targets(panel, forecasts).set_index("authority")
    assert list(table.index) == ["A", "B"]
    assert table.columns[0] == "indicator"
    assert table.loc["A", "projected"] == pytest.approx(480.0)
    assert table.loc["B", "projected"] == pytest.approx(300.0)
    assert table.loc["A", "probability_met"] == pytest.approx(norm.cdf(1.0))  # P(N(480, 10) <= 490)
    # no authority with targets: an empty table with the columns named
    none = panel_targets(Panel(datasets={"C": panel.datasets["C"]}), forecasts)
    assert none.empty
    assert list(none.columns) == ["authority", "indicator", "period", "target", "projected",
                                  "probability_met", "rag"]
