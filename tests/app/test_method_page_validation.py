"""Method page: the timeliness load-model validation (model vs naive vs the engine's forecast, per measure
and load, rolling origins) is the same function and the same figures as `python -m forecasting workforce`,
with the words saying which measures read which load and why the engine's forecast stays the baseline."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_method_page_shows_the_clis_validation_figures_and_words():
    from forecasting.cli.workforce import workforce_tables
    from forecasting.planning.parameters import load_parameters

    app = AppTest.from_file(str(ROOT / "views" / "method.py"), default_timeout=180).run()
    assert not app.exception
    page = "\n".join(m.value for m in app.markdown)
    _tables, lines = workforce_tables(None, load_parameters(), {}, {})
    checks = [line.split(": ", 1)[1] for line in lines if line.startswith("  timeliness check: ")]
    summary = [line.split(": ", 1)[1] for line in lines if line.startswith("  timeliness baseline: ")]
    assert len(checks) >= 5 and len(summary) == 4  # why the engine is the baseline; M8-QL, EH4-QL, CP8-QL
    for line in checks + summary:
        assert f"- {line}" in page, line
    # the words say which measure reads which load, with its errors against naive and the engine
    eh4 = next(line for line in summary if line.startswith("EH4-QL"))
    assert "work waiting" in eh4 and "beats naive and the engine" in eh4
    cp8 = next(line for line in summary if line.startswith("CP8-QL"))
    assert "treat it as indicative" in cp8
    assert "baseline of every timeliness measure" in summary[0] and "the model's change only" in summary[0]
