"""`forecast` shows the back-test by months ahead beside the forecast; `backtest --summary` tables it; both
from the one engine function (engine.horizon.horizon_accuracy)."""
import pandas as pd
import pytest

from forecasting.cli.forecast import horizon_markdown
from forecasting.cli.main import main
from forecasting.engine import describe_horizon_accuracy, horizon_accuracy


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECASTING_CACHE_DIR", str(tmp_path / "cache"))


def test_forecast_prints_and_writes_the_engine_table(embedded_dataset, tmp_path, capsys):
    out, accuracy = tmp_path / "f.csv", tmp_path / "by_horizon.csv"
    assert main(["forecast", "--out", str(out), "--accuracy-out", str(accuracy)]) == 0
    printed = capsys.readouterr().out
    table = horizon_accuracy(embedded_dataset)            # the same cached result the command used
    for line in describe_horizon_accuracy(table):
        assert f"  {line}" in printed
    assert "10-15 months: not measurable" in printed
    written = pd.read_csv(accuracy, keep_default_na=False)
    assert written["band"].tolist() == table["band"].tolist()
    assert written["n_points"].tolist() == table["n_points"].tolist()
    assert float(written["coverage80"].iloc[0]) == pytest.approx(table["coverage80"].iloc[0])


def test_no_accuracy_skips_it(tmp_path, capsys):
    assert main(["forecast", "--out", str(tmp_path / "f.csv"), "--horizon", "3", "--no-accuracy"]) == 0
    assert "months ahead" not in capsys.readouterr().out


def test_backtest_summary_has_the_bands(embedded_dataset, tmp_path):
    summary = tmp_path / "s.md"
    assert main(["backtest", "--out", str(tmp_path / "b.csv"), "--summary", str(summary)]) == 0
    text = summary.read_text(encoding="utf-8")
    table = horizon_accuracy(embedded_dataset)
    for line in horizon_markdown(table):
        assert line in text
    assert "| 1-3 | " in text and "| 16-21 | 0 | 0 |" in text
