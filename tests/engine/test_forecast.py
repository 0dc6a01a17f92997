"""run_forecast: the ForecastResult contract on synthetic data (short series, domain bounds, coherence)."""
import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.engine.forecast import ForecastSettings, run_forecast

LAST = pd.Timestamp("2018-06-01")


def _dataset(series: dict[str, list[float]], units: dict[str, str], rules=None, population=None) -> Dataset:
    rows = []
    for code, values in series.items():
        months = pd.date_range(end=LAST, periods=len(values), freq="MS")
        rows += [{"unique_id": code, "ds": m, "y": float(v)} for m, v in zip(months, values, strict=True)]
    rules = rules or {}
    catalogue = pd.DataFrame({"unit": [units[c] for c in series],
                              "kind": ["ratio" if units[c] == "percent" else "flow" for c in series],
                              "numerator": [rules.get(c, (None, None))[0] for c in series],
                              "denominator": [rules.get(c, (None, None))[1] for c in series]},
                             index=pd.Index(list(series), name="indicator"))
    context = {"population_0_17": population} if population else {}
    return Dataset(pd.DataFrame(rows), catalogue, context=context)


def _check_contract(result, horizon):
    f = result.forecasts
    assert list(f.columns[:8]) == ["indicator", "month", "model", "mean", "lo80", "hi80", "lo95", "hi95"]
    numbers = f[["mean", "lo80", "hi80", "lo95", "hi95"]].to_numpy()
    assert np.all(np.isfinite(numbers))
    assert np.all(f["lo95"] <= f["lo80"] + 1e-9) and np.all(f["lo80"] <= f["mean"] + 1e-9)
    assert np.all(f["mean"] <= f["hi80"] + 1e-9) and np.all(f["hi80"] <= f["hi95"] + 1e-9)
    assert f["month"].min() == LAST + pd.offsets.MonthBegin(1)
    assert (f.groupby("indicator").size() == horizon).all()


@pytest.mark.parametrize("n", [1, 2, 5, 13, 36])
def test_short_and_long_series_never_crash_or_give_nan(n):
    rng = np.random.default_rng(n)
    data = _dataset({"C": list(np.maximum(0, 50 + rng.normal(0, 8, n)).round())}, {"C": "count"})
    result = run_forecast(data, horizon=21, use_cache=False)
    _check_contract(result, 21)
    table = result.backtest
    excluded = table[table["excluded_reason"] != ""]
    assert (excluded["n_windows"] == 0).all()
    if n < 24:
        assert "two full years" in table.set_index("model").loc["SeasonalNaive", "excluded_reason"]
    assert table["chosen"].sum() == 1
    assert "C" in result.explanations and result.explanations["C"].startswith("C:")


def test_domain_bounds_counts_and_percents():
    falling = [40, 30, 22, 15, 10, 7, 5, 3, 2, 1, 1, 0, 0]
    near_full = [97, 99, 100, 98, 100, 100, 99, 100, 100, 98, 100, 100, 100]
    data = _dataset({"C": falling, "P": near_full}, {"C": "count", "P": "percent"})
    f = run_forecast(data, horizon=21, use_cache=False).all_forecasts
    counts, percents = f[f["indicator"] == "C"], f[f["indicator"] == "P"]
    assert (counts[["mean", "lo80", "hi80", "lo95", "hi95"]] >= 0).all().all()
    assert ((percents[["mean", "lo80", "hi80", "lo95", "hi95"]] >= 0)
            & (percents[["mean", "lo80", "hi80", "lo95", "hi95"]] <= 100)).all().all()


def test_derived_percent_and_rate_agree_with_their_parts():
    rng = np.random.default_rng(4)
    contacts = (1300 + rng.normal(0, 90, 13)).round()
    referrals = (contacts * 0.21 + rng.normal(0, 10, 13)).round()
    data = _dataset({"M1": contacts, "M2": referrals, "M3": 100 * referrals / contacts,
                     "M2-NI": referrals * 10_000 / 50_000},
                    {"M1": "count", "M2": "count", "M3": "percent", "M2-NI": "rate_per_10k"},
                    rules={"M3": ("M2", "M1"), "M2-NI": ("M2", "population_0_17")}, population=50_000)
    result = run_forecast(data, horizon=6, use_cache=False)
    f = result.forecasts.set_index(["indicator", "month"])
    months = f.loc["M3"].index
    ratio = 100 * f.loc["M2"].loc[months, "mean"] / f.loc["M1"].loc[months, "mean"]
    assert np.allclose(f.loc["M3", "mean"], ratio, rtol=1e-9)
    for column in ("mean", "lo80", "hi80", "lo95", "hi95"):
        assert np.allclose(f.loc["M2-NI", column], f.loc["M2", column] * 10_000 / 50_000)
    assert f.loc["M3", "model"].iloc[0] == "Derived(100 x M2 / M1)"
    month = months[3]
    for code in ("M3", "M2-NI"):
        assert result.probability_below(code, month, f.loc[(code, month), "hi80"]) == pytest.approx(0.9)
        assert result.quantile(code, month, 0.025) == pytest.approx(f.loc[(code, month), "lo95"])
    assert (
        result.probability_below("M3", month, 100) == 1.0 and result.probability_below("M3", month, -1) == 0.0
    )
    derived_rows = result.backtest[result.backtest["model"].str.startswith("Derived")]
    assert set(derived_rows["indicator"]) == {"M3", "M2-NI"} and derived_rows["chosen"].all()
    assert (result.backtest.groupby("indicator")["chosen"].sum() == 1).all()


def test_quantile_and_probability_are_consistent_with_intervals():
    rng = np.random.default_rng(2)
    data = _dataset({"C": list((200 + rng.normal(0, 15, 13)).round())}, {"C": "count"})
    result = run_forecast(data, horizon=3, use_cache=False)
    row = result.forecasts.iloc[2]
    month = row["month"]
    assert result.quantile("C", month, 0.1) == pytest.approx(row["lo80"])
    assert result.quantile("C", month, 0.975) == pytest.approx(row["hi95"])
    assert result.quantile("C", month, 0.5) == pytest.approx(row["mean"])
    assert result.probability_below("C", month, row["hi80"]) == pytest.approx(0.9)
    assert result.probability_below("C", month, -1) == 0.0
    with pytest.raises(KeyError, match="forecast months"):
        result.quantile("C", "2030-01-01", 0.5)


def test_indicator_without_values_is_reported_not_forecast():
    data = _dataset({"C": [5, 6, 7, 6, 5], "E": [np.nan] * 5}, {"C": "count", "E": "count"})
    result = run_forecast(data, horizon=2, use_cache=False)
    assert set(result.forecasts["indicator"]) == {"C"}
    assert "no readable values" in result.backtest.set_index("indicator").loc["E", "excluded_reason"]
    assert "no forecast" in result.explanations["E"]


def test_indicator_ending_early_is_forecast_over_the_common_months():
    data = _dataset(
        {"C": [5, 6, 7, 6, 5, 6], "D": [3, 4, 3, 4, np.nan, np.nan]}, {"C": "count", "D": "count"}
    )
    result = run_forecast(data, horizon=4, use_cache=False)
    months = result.forecasts.groupby("indicator")["month"].agg(["min", "max"])
    assert (months["min"] == LAST + pd.offsets.MonthBegin(1)).all()


def test_settings_validate_and_hash():
    assert ForecastSettings().cache_key() == ForecastSettings(n_jobs=2).cache_key()
    assert ForecastSettings().cache_key() != ForecastSettings(seasonality=False).cache_key()
    with pytest.raises(ValueError, match="choose from"):
        ForecastSettings(models=("Prophet",))
    with pytest.raises(ValueError, match="horizon"):
        ForecastSettings(horizon=0)


def test_cached_result_is_reused(tmp_path):
    data = _dataset({"C": [5, 6, 7, 6, 5, 6, 7]}, {"C": "count"})
    first = run_forecast(data, horizon=3, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.zip"))) == 1  # Parquet + JSON in a zip (forecasting.engine.cache)
    second = run_forecast(data, horizon=3, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first.forecasts, second.forecasts)


def _front_door_dataset(dip: float, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    months = pd.date_range(end=LAST, periods=13, freq="MS")
    holiday = np.isin(months.month, (8, 12))
    series = {code: np.round(level * np.exp(rng.normal(0, 0.03, 13) + np.where(holiday, dip, 0.0)))
              for code, level in (("M1", 1400), ("M2", 300), ("CP1", 150), ("CP2", 60), ("EH3", 200))}
    return _dataset(series, {code: "count" for code in series})


def test_holiday_dip_is_used_when_clear_and_not_on_noise():
    result = run_forecast(_front_door_dataset(np.log(0.8), seed=1), horizon=7, use_cache=False)
    assert "December" in result.holiday and "no December" not in result.holiday
    chosen = result.forecasts.groupby("indicator")["model"].first()
    assert chosen.str.endswith("+holiday").sum() >= 3
    m1 = result.forecasts[result.forecasts["indicator"] == "M1"].set_index("month")["mean"]
    assert m1[pd.Timestamp("2018-12-01")] < 0.9 * m1[pd.Timestamp("2018-11-01")]
    noise = run_forecast(_front_door_dataset(0.0, seed=2), horizon=7, use_cache=False)
    assert not noise.forecasts["model"].str.endswith("+holiday").any()
    assert "+holiday" not in " ".join(noise.explanations.values())


def test_embedded_data_every_indicator_with_values_gets_finite_forecast(embedded_dataset, tmp_path):
    result = run_forecast(embedded_dataset, cache_dir=tmp_path)
    _check_contract(result, 21)
    observed = embedded_dataset.observations.dropna(subset=["y"])["unique_id"].unique()
    assert set(result.forecasts["indicator"]) == set(observed)
    units = embedded_dataset.indicators["unit"]
    f = result.forecasts.assign(unit=result.forecasts["indicator"].map(units))
    assert (f.loc[f["unit"] != "percent", "lo95"] >= 0).all()
    assert (f.loc[f["unit"] == "percent", "hi95"] <= 100).all()
    assert result.forecasts["month"].max() == pd.Timestamp("2020-03-01")
    assert (result.backtest.groupby("indicator")["chosen"].sum() <= 1).all()


def test_parallel_run_gives_the_same_forecasts():
    data = _dataset({"A": [5, 6, 7, 6, 5, 6, 7, 8, 7], "B": [50, 52, 49, 55, 53, 51, 56, 54, 57]},
                    {"A": "count", "B": "count"})
    serial = run_forecast(data, horizon=3, use_cache=False)
    parallel = run_forecast(data, settings=ForecastSettings(horizon=3, n_jobs=2), use_cache=False)
    pd.testing.assert_frame_equal(serial.forecasts, parallel.forecasts)


def test_annual_total_distribution_from_the_result():
    rng = np.random.default_rng(8)
    data = _dataset({"C": list((30 + rng.normal(0, 4, 13)).round())}, {"C": "count"})
    result = run_forecast(data, horizon=9, use_cache=False)
    months = pd.date_range("2018-07-01", "2019-03-01", freq="MS")
    monthly = [result.quantile("C", month, 0.9) for month in months]
    assert result.total_quantile("C", months, 0.9) == pytest.approx(sum(monthly))
    total = result.total_quantile("C", months, 0.5)
    assert result.probability_total_below("C", months, total) == pytest.approx(0.5, abs=1e-6)
    with pytest.raises(KeyError, match="2019-04"):
        result.total_quantile("C", list(months) + [pd.Timestamp("2019-04-01")], 0.5)
