"""`--headers words|codes` on the command line's files: a CSV keeps the documented column names unless words
are asked for; an XLSX is in words unless codes are asked for (reports/exports.py docstring)."""
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from forecasting.cli.main import main

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
CODES = ["indicator", "month", "model", "mean", "lo80", "hi80", "lo95", "hi95"]
WORDS = ["Indicator code", "Month", "Forecasting method", "Central forecast", "80% range, low",
         "80% range, high", "95% range, low", "95% range, high"]


@pytest.fixture()
def small_data(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECASTING_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    folder.mkdir()
    months = pd.date_range("2017-06-01", periods=13, freq="MS").strftime("%Y-%m")
    contacts = (1300 + np.random.default_rng(0).normal(0, 80, 13)).round()
    pd.DataFrame({"indicator": "M1", "month": months, "value": contacts}).to_csv(
        folder / "observations.csv", index=False)
    pd.DataFrame({"indicator": ["M1"], "name": ["Contacts"], "unit": ["count"], "polarity": ["neutral"],
                  "kind": ["flow"], "outcome": [""], "numerator": [""], "denominator": [""]}).to_csv(
        folder / "indicators.csv", index=False)
    return folder


def _forecast(data, out: Path, *extra: str) -> None:
    assert main(["forecast", "--data", str(data), "--horizon", "2", "--no-accuracy", "--out", str(out),
                 *extra]) == 0


def test_forecast_files_by_format_and_headers(small_data, tmp_path):
    _forecast(small_data, tmp_path / "codes.csv")
    _forecast(small_data, tmp_path / "words.csv", "--headers", "words")
    _forecast(small_data, tmp_path / "words.xlsx")
    _forecast(small_data, tmp_path / "codes.xlsx", "--headers", "codes")
    codes = pd.read_csv(tmp_path / "codes.csv", encoding="utf-8-sig")
    words = pd.read_csv(tmp_path / "words.csv", encoding="utf-8-sig")
    assert list(codes.columns) == CODES and list(words.columns) == WORDS
    assert list(codes["month"]) == list(words["Month"]) == ["2018-07", "2018-08"]
    assert (words["Central forecast"] - codes["mean"]).abs().max() <= 0.005    # rounded to 2 decimals
    sheet = openpyxl.load_workbook(tmp_path / "words.xlsx")["forecasts"]
    assert [c.value for c in sheet[1]] == WORDS
    assert sheet["B2"].value == datetime(2018, 7, 1) and sheet["B2"].number_format == "mmm-yy"
    assert sheet["D2"].value == pytest.approx(codes["mean"].iloc[0])           # full precision, formatted
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "codes.xlsx")["forecasts"][1]] == CODES


def test_a_bad_headers_choice_is_a_usage_error(small_data, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["forecast", "--data", str(small_data), "--out", str(tmp_path / "x.csv"), "--headers", "both"])
    assert stopped.value.code == 2 and "invalid choice: 'both'" in capsys.readouterr().err


def test_scenario_csv_in_words(tmp_path):
    out = tmp_path / "edge.csv"
    assert main(["scenario", str(SCENARIO_DIR / "edge-of-care.yaml"), "--out", str(out), "--headers",
                 "words"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns[:5]) == ["Measure", "Month", "Baseline (the measure's unit)",
                                       "Scenario (the measure's unit)", "Change: scenario minus baseline"]
    assert "Children in care (count at month end)" in set(table["Measure"])
    assert not any("_" in str(value) for value in table["Measure"])              # no measure code left
