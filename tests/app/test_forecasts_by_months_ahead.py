"""Forecasts page: accuracy by months ahead, the same engine function and words as the `forecast` command
(issue 12), computed once per data set."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from forecasting.cli.main import main
from forecasting.engine import describe_horizon_accuracy, horizon_accuracy, run_forecast
from forecasting.reports import markdown_text

ROOT = Path(__file__).resolve().parents[2]


def _page_lines(app: AppTest) -> list[str]:
    block = next(m.value for m in app.markdown if "1-3 months" in m.value)
    return [line.removeprefix("- ") for line in block.splitlines()]


def test_page_shows_every_band_in_the_commands_words(embedded_dataset, tmp_path, capsys):
    app = AppTest.from_file(str(ROOT / "views" / "forecasts.py"), default_timeout=180).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("How far ahead the forecasts held" in h.value for h in app.subheader)
    shown = _page_lines(app)
    engine = describe_horizon_accuracy(horizon_accuracy(embedded_dataset, run_forecast(embedded_dataset)))
    assert shown == [markdown_text(line) for line in engine]
    bands = ["1-3 months", "4-9 months", "10-15 months", "16-21 months"]
    assert [line.split(":")[0] for line in engine] == bands
    # 13 months of history: the far bands cannot be checked, and the page says so in words
    assert any(line.startswith("10-15 months: not measurable") for line in engine)
    assert "80% intervals held" in engine[0] and "naive" in engine[0]
    # the command prints the same lines
    assert main(["forecast", "--out", str(tmp_path / "f.csv")]) == 0
    printed = capsys.readouterr().out
    assert all(f"  {line}" in printed for line in engine)


def test_switching_indicator_does_not_recompute(monkeypatch):
    """The table is per data set, not per indicator: a second run of the page reads the shared object."""
    import ui.horizon_accuracy as wrapper

    app = AppTest.from_file(str(ROOT / "views" / "forecasts.py"), default_timeout=180).run()
    first = _page_lines(app)
    calls = []
    original = wrapper.horizon_accuracy
    monkeypatch.setattr(wrapper, "horizon_accuracy", lambda *a, **k: calls.append(1) or original(*a, **k))
    app.selectbox[0].set_value("M1").run()
    assert not app.exception
    assert _page_lines(app) == first and calls == []
