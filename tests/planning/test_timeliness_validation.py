"""Timeliness model validation on rolling origins: a toy history whose answer is known (a step in demand the
load model sees and naive does not), and the embedded data on the engine's own back-test windows."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.engine.backtest import rolling_origins
from forecasting.planning.timeliness_validation import describe_validation, rolling_validation

MONTHS = pd.date_range("2017-01-01", periods=15, freq="MS")


def _toy(contacts: list[float]) -> Dataset:
    """M1 contacts and M8-QL exactly 100 x logistic(4 - 4 x contacts / 1,200); busiest 3-month run 1,200."""
    m8 = 100 / (1 + np.exp(-(4 - 4 * np.asarray(contacts) / 1200)))
    rows = [{"unique_id": "M1", "ds": m, "y": c} for m, c in zip(MONTHS, contacts, strict=True)]
    rows += [{"unique_id": "M8-QL", "ds": m, "y": v} for m, v in zip(MONTHS, m8, strict=True)]
    indicators = pd.DataFrame(
        {"unit": ["count", "percent"]}, index=pd.Index(["M1", "M8-QL"], name="indicator")
    )
    return Dataset(observations=pd.DataFrame(rows), indicators=indicators)


def test_a_step_in_demand_the_model_sees_and_naive_does_not():
    contacts = [1000, 1050, 1200, 1200, 1200, 1000, 980, 1020, 1000, 1010, 1150, 1150, 1150, 1150, 1150]
    result = SimpleNamespace(
        backtest=pd.DataFrame(columns=["indicator", "model", "mae", "chosen"]),
        settings=SimpleNamespace(cv_horizon=3, n_windows=3),
    )
    table = rolling_validation(_toy(contacts), result)
    row = table.set_index("measure").loc["M8-QL"]
    # the curve is recovered exactly (no month above the calibrated 1,200 a month, so no queue): no error
    assert row["mae_model"] == pytest.approx(0.0, abs=1e-6)
    # naive carries the last month before each origin forward
    cutoffs, steps = rolling_origins(15, 3, 3)
    m8 = 100 / (1 + np.exp(-(4 - 4 * np.asarray(contacts, dtype=float) / 1200)))
    naive = np.mean([abs(m8[c - 1] - m8[c + k]) for c in cutoffs for k in range(steps)])
    assert row["mae_naive"] == pytest.approx(naive) and naive > 1
    assert row["beats_naive"] and not row["beats_engine"]  # no engine figure given
    assert set(table["measure"]) == {"M8-QL"}  # no assessment or CP data: not scored


@pytest.fixture(scope="module")
def embedded(embedded_dataset):
    from forecasting.engine.forecast import run_forecast

    result = run_forecast(embedded_dataset)
    return result, rolling_validation(embedded_dataset, result)


def test_embedded_windows_are_the_engines(embedded):
    result, table = embedded
    naive = result.backtest[result.backtest["model"] == "Naive"].set_index("indicator")["mae"]
    for row in table.itertuples():
        assert row.mae_naive == pytest.approx(naive[row.measure])  # same months as the engine's back-test
        assert row.windows == 3 and row.months_scored == 9
    assert set(table["load"][table["measure"] == "EH4-QL"]) == {"team", "referrals", "assessment_queue"}
    assert set(table["load"][table["measure"] == "CP8-QL"]) == {"team", "cp_arrivals"}
    # one load adopted per measure; a work-arriving one only where it beats naive and the engine with a load
    # effect (a fitted slope above 0 at every origin), else the team's own
    assert (table.groupby("measure")["adopted"].sum() == 1).all()
    assert table["load_effect"].tolist() == (table["smallest_slope"] > 0).tolist()
    for measure, rows in table.groupby("measure"):
        arriving = rows[
            (rows["load"] != "team") & rows["beats_naive"] & rows["beats_engine"] & rows["load_effect"]
        ]
        adopted = rows.loc[rows["adopted"], "load"].iloc[0]
        expected = arriving.loc[arriving["mae_model"].idxmin(), "load"] if len(arriving) else "team"
        assert adopted == expected, measure
    lines = describe_validation(table)
    assert len(lines) == len(table) and all("naive" in line for line in lines)
