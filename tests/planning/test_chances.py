"""One chance formatter (`planning.chances.probability_text`) for targets' explanations, goal-seek, the pages
and reports: whole percentages, "<1%" / ">99%" for a chance that would be shown as 0% / 100% but is not,
exact 0 and 1 as 0% and 100%, missing as "not available"."""
import datetime as dt

import pandas as pd
import pytest

from forecasting import reports
from forecasting.data import Dataset
from forecasting.planning.chances import probability_text
from forecasting.planning.parameters import load_parameters
from forecasting.planning.projection import Projection
from forecasting.planning.targets import evaluate_targets

Z95 = 1.959963984540054
FUTURE = pd.date_range("2018-07-01", "2020-03-01", freq="MS")  # 21 forecast months
HISTORY = pd.date_range("2017-04-01", "2018-06-01", freq="MS")  # 15 observed months


def _dataset(history, polarity, targets):
    """Indicator X observed over HISTORY (as in test_targets_toys)."""
    obs = pd.DataFrame({"unique_id": "X", "ds": HISTORY, "y": [float(v) for v in history]})
    catalogue = pd.DataFrame({"unit": ["count"], "polarity": [polarity]},
                             index=pd.Index(["X"], name="indicator"))
    return Dataset(obs, catalogue,
                   targets=pd.DataFrame(list(targets), columns=["indicator", "period", "target", "basis"]))


def _forecast(mean, sd):
    return pd.DataFrame({"indicator": "X", "month": FUTURE, "mean": float(mean),
                         "lo95": mean - Z95 * sd, "hi95": mean + Z95 * sd})


@pytest.mark.parametrize(("chance", "words"), [
    (0.0, "0%"), (-0.0, "0%"), (1e-12, "<1%"), (0.00499, "<1%"),
    (0.005, "<1%"),            # 0.005 would print as "0%" (binary rounding): not nil, so "<1%"
    (0.0051, "1%"), (0.158655, "16%"), (0.44, "44%"), (0.5, "50%"), (0.994, "99%"),
    (0.995, ">99%"),           # would print as "100%": not certain, so ">99%"
    (0.9999999999999993, ">99%"), (1.0, "100%"),
    (None, "not available"), (float("nan"), "not available"), (pd.NA, "not available"),
])
def test_whole_percentages_and_their_boundaries(chance, words):
    assert probability_text(chance) == words


@pytest.mark.parametrize(("chance", "words"), [
    (0.0004, "<0.1%"), (0.0005, "0.1%"), (0.502, "50.2%"), (0.9994, "99.9%"), (0.9995, ">99.9%"),
    (1.0, "100.0%"),
])
def test_one_decimal_for_goal_seek_answers(chance, words):
    assert probability_text(chance, decimals=1) == words


def test_pages_and_reports_use_the_same_function():
    assert reports.probability_text is probability_text


def _explanation(target: float) -> tuple[float, str]:
    # X observed at 50, forecast N(50, 5) every month to Mar 2020; lower is better, a year-end target
    data = _dataset([50.0] * 15, "lower_is_better", targets=[("X", "2019-20", target, "year_end_level")])
    row = evaluate_targets(Projection.from_table(data, _forecast(50, 5)), today=dt.date(2018, 7, 1),
                           params=load_parameters(include_levers=False)).iloc[0]
    return float(row["probability_met"]), str(row["explanation"])


def test_the_explanation_says_less_than_one_percent_not_zero():
    probability, text = _explanation(20.0)          # 6 sd below the median: tiny, not nil
    assert 0 < probability < 0.005
    assert text.endswith("Probability the target is met: <1%.")


def test_the_explanation_says_more_than_99_percent_not_100():
    probability, text = _explanation(80.0)          # 6 sd above the median: almost certain, not certain
    assert 0.995 < probability < 1
    assert text.endswith("Probability the target is met: >99%.")


def test_the_explanation_of_a_middle_chance_is_the_pages_figure():
    probability, text = _explanation(50.0)          # the median itself: 50%
    assert probability == pytest.approx(0.5)
    assert text.endswith(f"Probability the target is met: {probability_text(probability)}.")
    assert text.endswith("Probability the target is met: 50%.")
