"""`python -m forecasting forecast|backtest`: files written, user errors without tracebacks."""
import numpy as np
import pandas as pd
import pytest

from forecasting.cli.main import main


@pytest.fixture()
def small_data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    rng = np.random.default_rng(0)
    months = pd.date_range("2017-06-01", periods=13, freq="MS").strftime("%Y-%m")
    contacts = (1300 + rng.normal(0, 80, 13)).round()
    referrals = (contacts * 0.2).round()
    rows = [("M1", m, v) for m, v in zip(months, contacts, strict=True)]
    rows += [("M2", m, v) for m, v in zip(months, referrals, strict=True)]
    rows += [("M3", m, round(100 * r / c, 1)) for m, r, c in zip(months, referrals, contacts, strict=True)]
    pd.DataFrame(rows, columns=["indicator", "month", "value"]).to_csv(
        folder / "observations.csv", index=False
    )
    pd.DataFrame({"indicator": ["M1", "M2", "M3"], "name": ["Contacts", "Referrals", "Conversion"],
                  "unit": ["count", "count", "percent"], "polarity": ["neutral"] * 3,
                  "kind": ["flow", "flow", "ratio"], "outcome": [""] * 3, "numerator": ["", "", "M2"],
                  "denominator": ["", "", "M1"]}).to_csv(folder / "indicators.csv", index=False)
    return folder


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECASTING_CACHE_DIR", str(tmp_path / "cache"))


def test_forecast_writes_contract_csv(small_data, tmp_path, capsys):
    out = tmp_path / "f.csv"
    assert main(["forecast", "--data", str(small_data), "--horizon", "5", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["indicator", "month", "model", "mean", "lo80", "hi80", "lo95", "hi95"]
    assert len(frame) == 15 and frame["month"].min() == "2018-07" and frame["month"].max() == "2018-11"
    assert frame[["mean", "lo80", "hi80", "lo95", "hi95"]].notna().all().all()
    assert "back-testing" in capsys.readouterr().err


def test_backtest_writes_table_summary_and_xlsx(small_data, tmp_path):
    out, summary = tmp_path / "b.xlsx", tmp_path / "s.md"
    assert main(["backtest", "--data", str(small_data), "--out", str(out), "--summary", str(summary)]) == 0
    table = pd.read_excel(out)   # an XLSX is for people: headers in words with units
    assert {"Indicator code", "Forecasting method", "Average error (indicator's units)",
            "Error against 'same as last month' (MASE; below 1 is better)", "Average error (% of the value)",
            "How often the 80% range held the actual (%)", "How often the 95% range held the actual (%)",
            "Back-test rounds", "Used for the forecast", "Why it was not run"} <= set(table.columns)
    assert table.groupby("Indicator code")["Used for the forecast"].sum().eq(1).all()
    text = summary.read_text()
    assert "| indicator | chosen model | MASE chosen | MASE naive | coverage 80% | coverage 95% |" in text
    assert "| M3 | Derived(100 x M2 / M1) |" in text


def test_user_problems_are_plain_errors(small_data, tmp_path, capsys):
    assert main(["forecast", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "x.csv")]) == 2
    assert (
        main(["forecast", "--data", str(small_data), "--horizon", "0", "--out", str(tmp_path / "x.csv")]) == 2
    )
    assert main(["forecast", "--data", str(small_data), "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert (
        main(["backtest", "--data", str(small_data), "--models", "Prophet", "--out", str(tmp_path / "x.csv")])
        == 2
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no such file" in err and "choose from" in err
