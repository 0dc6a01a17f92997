"""ETSSearch: statsforecast's AutoETS search over nine of its fifteen forms (engine.ets_search)."""
from __future__ import annotations

import numpy as np
import pytest
from statsforecast.models import AutoETS

from forecasting.data.panel import synthetic_panel
from forecasting.engine.ets_search import ETSSearch

MULTIPLICATIVE_SEASONAL = {"MNA", "MNM", "MAA", "MAM"}   # error M with a season (damped or not)


def _panel_series() -> list[np.ndarray]:
    panel = synthetic_panel(1, 40, 60)
    return [np.log1p(rows["y"].to_numpy()) for _, rows in panel.groupby("unique_id", sort=True)]


def test_the_same_model_as_the_full_search_for_all_but_one_of_40_series():
    same = 0
    for y in _panel_series():
        full, ours = AutoETS(season_length=12).fit(y), ETSSearch(season_length=12).fit(y)
        assert isinstance(ours, AutoETS)
        # every form searched is fitted exactly as in the full search, so its best is never better
        assert ours.model_["aicc"] >= full.model_["aicc"]
        if ours.model_["components"] != full.model_["components"]:
            assert full.model_["components"][:3] in MULTIPLICATIVE_SEASONAL   # the only forms it may skip
            continue
        same += 1
        np.testing.assert_array_equal(ours.model_["par"], full.model_["par"])
        np.testing.assert_array_equal(ours.predict(12, level=[80, 95])["hi-95"],
                                      full.predict(12, level=[80, 95])["hi-95"])
        np.testing.assert_array_equal(ours.forward(y=y[:-3], h=5)["mean"],
                                      full.forward(y=y[:-3], h=5)["mean"])
    assert same >= 39   # measured: 39 of these 40 SYNTHETIC series (one MNM: no season in the A search)


def test_a_seasonal_series_gets_the_multiplicative_seasonal_forms_searched_too():
    months = np.arange(48)
    y = np.log1p(100 * (1 + 0.3 * np.sin(2 * np.pi * months / 12)) * (1 + 0.01 * months))
    full, ours = AutoETS(season_length=12).fit(y), ETSSearch(season_length=12).fit(y)
    assert full.model_["components"][2] != "N"
    assert ours.model_["components"] == full.model_["components"]
    np.testing.assert_array_equal(ours.predict(6)["mean"], full.predict(6)["mean"])


def test_a_series_with_a_zero_gets_the_additive_search_as_the_full_search_does():
    y = np.array([3.0, 0.0, 4, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10, 9, 11], dtype=float)
    full, ours = AutoETS(season_length=12).fit(y), ETSSearch(season_length=12).fit(y)
    assert full.model_["components"][0] == "A" and ours.model_["components"] == full.model_["components"]
    np.testing.assert_array_equal(ours.predict(4)["mean"], full.predict(4)["mean"])


def test_a_fixed_form_is_fitted_as_given_and_forecast_equals_fit_then_predict():
    y = _panel_series()[0]
    fixed = ETSSearch(season_length=12, model="AAN", damped=True).fit(y)
    assert fixed.model_["components"] == "AAND"
    search = ETSSearch(season_length=12)
    result = search.forecast(y=y, h=6, level=[95])
    np.testing.assert_array_equal(result["lo-95"], search.fit(y).predict(6, level=[95])["lo-95"])


@pytest.mark.parametrize("length", [13, 24])
def test_short_histories_match_the_full_search_too(length):
    for y in _panel_series()[:10]:
        full, ours = AutoETS(season_length=12).fit(y[-length:]), ETSSearch(season_length=12).fit(y[-length:])
        if full.model_["components"][:3] not in MULTIPLICATIVE_SEASONAL:
            assert ours.model_["components"] == full.model_["components"]
