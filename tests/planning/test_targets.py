import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from forecasting.data import Dataset
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.projection import Projection
from forecasting.planning.targets import TARGET_COLUMNS, compare_benchmarks, evaluate_targets, period_months

Z = norm.ppf(0.975)
HISTORY = pd.date_range("2017-06-01", "2018-06-01", freq="MS")  # 13 observed months
FUTURE = pd.date_range("2018-07-01", "2020-03-01", freq="MS")  # 21 forecast months


def toy_dataset(targets, benchmarks=None) -> Dataset:
    obs = pd.concat(
        [
            pd.DataFrame({"unique_id": "LAC1", "ds": HISTORY, "y": 500.0}),
            pd.DataFrame({"unique_id": "EH1c", "ds": HISTORY, "y": 10.0}),
        ],
        ignore_index=True,
    )
    indicators = pd.DataFrame(
        {"unit": ["count", "count"], "polarity": ["lower_is_better", "neutral"], "kind": ["stock", "flow"]},
        index=pd.Index(["LAC1", "EH1c"], name="indicator"),
    )
    return Dataset(
        observations=obs,
        indicators=indicators,
        targets=pd.DataFrame(targets, columns=["indicator", "period", "target", "basis"]),
        benchmarks=pd.DataFrame(benchmarks or [], columns=["indicator", "comparator", "value"]),
    )


def toy_forecasts(lac_mean=480.0, lac_sd=10.0, eh_mean=20.0, eh_sd=2.0) -> pd.DataFrame:
    rows = []
    for code, mean, sd in (("LAC1", lac_mean, lac_sd), ("EH1c", eh_mean, eh_sd)):
        for month in FUTURE:
            rows.append(
                {
                    "indicator": code,
                    "month": month,
                    "mean": mean,
                    "lo80": mean - 1.2816 * sd,
                    "hi80": mean + 1.2816 * sd,
                    "lo95": mean - Z * sd,
                    "hi95": mean + Z * sd,
                }
            )
    return pd.DataFrame(rows)


def table_projection(data, frame=None) -> Projection:
    return Projection.from_table(data, toy_forecasts() if frame is None else frame)


@pytest.fixture(scope="module")
def params():
    return load_parameters(include_levers=False)


def test_year_end_level_probability_of_known_normal(params):
    data = toy_dataset(
        [("LAC1", "2019-20", 490, "year_end_level"), ("LAC1", "2018-19", 460, "year_end_level")]
    )
    table = evaluate_targets(table_projection(data), today=dt.date(2018, 7, 1), params=params)
    assert list(table.columns) == TARGET_COLUMNS
    table = table.set_index("period")
    row = table.loc["2019-20"]
    assert row["target_date"] == dt.date(2020, 3, 31)
    assert row["projected"] == pytest.approx(480)
    assert row["probability_met"] == pytest.approx(norm.cdf(1.0), abs=1e-4)  # P(N(480,10) <= 490)
    assert row["rag"] == "Green" and row["gap"] == pytest.approx(-10)
    row = table.loc["2018-19"]
    assert row["probability_met"] == pytest.approx(norm.cdf(-2.0), abs=1e-4)  # P(N(480,10) <= 460)
    assert row["rag"] == "Red" and "20 above target" in row["explanation"]


def test_rag_thresholds_are_parameters(params):
    data = toy_dataset([("LAC1", "2019-20", 480, "year_end_level")])  # P = 0.5 exactly
    assert evaluate_targets(table_projection(data), params=params)["rag"].iloc[0] == "Amber"
    strict = with_overrides(params, {"rag_amber_probability": 0.6})
    assert evaluate_targets(table_projection(data), params=strict)["rag"].iloc[0] == "Red"


def test_annual_total_mixes_observed_and_forecast_months_with_stated_correlation(params):
    # 2018-19: Apr-Jun 2018 observed (10 each), Jul 2018 - Mar 2019 forecast (9 months of N(20, 2)), simulated
    data = toy_dataset([("EH1c", "2018-19", 200, "annual_total")])
    for rho in (0.0, 1.0):
        chosen = with_overrides(params, {"annual_total_month_correlation": rho})
        row = evaluate_targets(table_projection(data), params=chosen).iloc[0]
        assert row["projected"] == pytest.approx(3 * 10 + 9 * 20, abs=0.5)
        sigma = 2 * np.sqrt(9) if rho == 0 else 2 * 9  # sd of a sum of 9 independent / identical N(., 2)
        assert row["hi95"] - row["projected"] == pytest.approx(Z * sigma, rel=0.06)
        # neutral polarity, latest actual 10 < target 200: met means reaching 200 or more
        assert row["probability_met"] == pytest.approx(1 - norm.cdf((200 - 210) / sigma), abs=0.02)


def test_observed_year_is_an_outturn_and_incomplete_year_is_pro_rata(params):
    data = toy_dataset([("LAC1", "2017-18", 515, "year_end_level"), ("EH1c", "2017-18", 100, "annual_total")])
    table = evaluate_targets(table_projection(data), today=dt.date(2018, 7, 1), params=params).set_index(
        "indicator"
    )
    lac = table.loc["LAC1"]
    assert lac["projected"] == 500 and lac["probability_met"] == 1.0 and lac["rag"] == "Green"
    assert "outturn" in lac["explanation"]
    eh = table.loc["EH1c"]  # data start Jun 2017: Apr and May 2017 missing
    assert eh["projected"] == pytest.approx(10 * 12)
    assert np.isnan(eh["probability_met"]) and eh["rag"] == "Grey" and "pro rata" in eh["explanation"]


def test_monthly_rate_is_the_average_of_the_period(params):
    data = toy_dataset([("EH1c", "2019-20", 19, "monthly_rate")])
    row = evaluate_targets(table_projection(data), params=params).iloc[0]
    # 12 forecast months of N(20, 2): the average is centred on 20 (simulated: Monte Carlo error ~0.02)
    assert row["projected"] == pytest.approx(20, abs=0.1)


def test_target_beyond_the_forecast_is_grey_with_a_reason(params):
    data = toy_dataset([("LAC1", "2021-22", 400, "year_end_level")])
    row = evaluate_targets(table_projection(data), params=params).iloc[0]
    assert row["rag"] == "Grey" and "no observed or forecast value" in row["explanation"]


def test_period_months():
    months = period_months("2018-19")
    assert months[0] == pd.Timestamp("2018-04-01") and months[-1] == pd.Timestamp("2019-03-01")


def test_benchmarks_probability_respects_polarity():
    data = toy_dataset([], benchmarks=[("LAC1", "england", 490), ("EH1c", "england", 20)])
    table = compare_benchmarks(table_projection(data)).set_index("indicator")
    assert table.loc["LAC1", "projected_month"] == pd.Timestamp("2020-03-01")
    assert table.loc["LAC1", "probability_better"] == pytest.approx(norm.cdf(1.0), abs=1e-4)
    assert table.loc["LAC1", "latest_gap"] == 10
    assert table.loc["EH1c", "probability_better"] == pytest.approx(0.5)


def test_annual_total_lower_bound_never_below_observed_part(params):
    data = toy_dataset([("EH1c", "2018-19", 200, "annual_total")])
    wide = toy_forecasts()
    wide.loc[wide["indicator"] == "EH1c", ["lo95", "hi95"]] = [0.0, 100.0]  # skewed, small-count style
    row = evaluate_targets(table_projection(data, wide), params=params).iloc[0]
    assert row["lo95"] >= 30.0  # Apr-Jun 2018 observed: 3 x 10; the months to come are never negative
    assert row["hi95"] > row["projected"] > row["lo95"]


def _distribution(scale="identity", loc=20.0, sd=2.0, indicator="EH1c"):
    return pd.DataFrame(
        {
            "indicator": indicator,
            "month": FUTURE,
            "model": "toy",
            "scale": scale,
            "loc": loc,
            "sd": sd,
            "multiplier": 1.0,
        }
    )


class EngineLike:  # stands in for forecasting.engine.forecast.ForecastResult
    def __init__(self, distribution):
        self.distribution = distribution

        class Settings:
            levels = (80, 95)

        self.settings = Settings()


def test_year_end_probability_is_the_exact_distribution(params):
    data = toy_dataset([("LAC1", "2019-20", 470, "year_end_level")])
    projection = Projection.from_forecast(
        data, EngineLike(_distribution("log1p", np.log1p(480), 0.05, "LAC1"))
    )
    row = evaluate_targets(projection, params=params).iloc[0]
    # P(expm1(N(log1p 480, 0.05)) <= 470) = Phi((log1p(470) - log1p(480)) / 0.05)
    assert row["probability_met"] == pytest.approx(
        norm.cdf((np.log1p(470) - np.log1p(480)) / 0.05), abs=1e-12
    )
    assert row["projected"] == pytest.approx(480)
    assert row["lo95"] == pytest.approx(np.expm1(np.log1p(480) - Z * 0.05))


def test_annual_total_simulated_from_the_engines_distribution(params):
    data = toy_dataset([("EH1c", "2018-19", 200, "annual_total")])
    chosen = with_overrides(params, {"annual_total_month_correlation": 1.0})
    row = evaluate_targets(Projection.from_forecast(data, EngineLike(_distribution())), params=chosen).iloc[0]
    # rho = 1: total = 30 observed + 9 x N(20, 2) fully dependent = N(210, 18)
    assert row["projected"] == pytest.approx(210, abs=1.0)
    assert row["probability_met"] == pytest.approx(1 - norm.cdf((200 - 210) / 18), abs=0.03)
    assert row["hi95"] - row["lo95"] == pytest.approx(2 * Z * 18, rel=0.05)
    assert "simulated" in row["explanation"]
    skewed = Projection.from_forecast(data, EngineLike(_distribution("log1p", np.log1p(20), 1.5)))
    skewed = evaluate_targets(skewed, params=params).iloc[0]
    assert skewed["lo95"] >= 30 and skewed["hi95"] > skewed["projected"] > skewed["lo95"]


def test_annual_total_of_a_scenario_moves_by_its_deltas(params):
    data = toy_dataset([("EH1c", "2018-19", 200, "annual_total")])
    baseline = Projection.from_forecast(data, EngineLike(_distribution()))
    base = evaluate_targets(baseline, params=params).iloc[0]
    more = evaluate_targets(
        baseline.with_deltas({"EH1c": np.ones(len(FUTURE))}, "plus one"), params=params
    ).iloc[0]
    assert more["projected"] - base["projected"] == pytest.approx(9.0, abs=1e-6)  # same draws, +1 a month


def test_evaluate_targets_refuses_a_plain_table(params):
    with pytest.raises(TypeError, match="Projection"):
        evaluate_targets(toy_forecasts(), params=params)
