"""One answer per question: the app's target and headline figures equal the CLI's, baseline and scenario.

The Overview page (baseline) and the Scenarios page (a shipped scenario loaded into the levers) are rendered
with AppTest; the same figures are written by `python -m forecasting targets [--scenario] --headlines`; every
target row and every headline cell must agree exactly (both read `forecasting.planning.scenarios.project`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecasting.cli.main import main
from forecasting.reports import header_words

ROOT = Path(__file__).resolve().parents[2]
TARGET_COLUMNS = ["indicator", "period", "target", "projected", "lo95", "hi95", "probability_met", "rag"]


def _cli(tmp_path: Path, scenario: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    out, headlines = tmp_path / "targets.csv", tmp_path / "headlines.csv"
    argv = ["targets", "--out", str(out), "--headlines", str(headlines)]
    if scenario:
        argv += ["--scenario", str(ROOT / "scenarios" / f"{scenario}.yaml")]
    assert main(argv) == 0
    return pd.read_csv(out), pd.read_csv(headlines)


def _frame_with(app: AppTest, column: str) -> pd.DataFrame:
    """The page's table holding `column` (by its code or its header in words), values as the page holds them
    (tables show formatted text, e.g. 'Red: likely to miss', but keep the values underneath)."""
    for frame in app.dataframe:
        if column in frame.value or header_words(column, spell_out=True) in frame.value:
            return frame.value.reset_index(drop=True)
    raise AssertionError(f"no table with a {column!r} column on the page")


def _in_codes(app_table: pd.DataFrame, cli_table: pd.DataFrame) -> pd.DataFrame:
    """The app's table with its headers in words turned back into the CLI's column names."""
    codes = {header_words(column, spell_out=True): column for column in cli_table.columns}
    return app_table.rename(columns={**codes, "Indicator": "indicator"})


def _assert_same_targets(app_table: pd.DataFrame, cli_table: pd.DataFrame) -> None:
    app_table = _in_codes(app_table, cli_table)[TARGET_COLUMNS].reset_index(drop=True)
    cli_table = cli_table[TARGET_COLUMNS].reset_index(drop=True)
    assert len(app_table) == len(cli_table) > 0
    assert list(app_table["indicator"]) == list(cli_table["indicator"].astype(str))
    assert list(app_table["rag"]) == list(cli_table["rag"])
    for column in ("target", "projected", "lo95", "hi95", "probability_met"):
        np.testing.assert_allclose(app_table[column].to_numpy(float), cli_table[column].to_numpy(float),
                                   rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=column)


def _assert_same_headlines(app_table: pd.DataFrame, cli_table: pd.DataFrame) -> None:
    app_table = _in_codes(app_table, cli_table)
    assert list(app_table["indicator"]) == list(cli_table["indicator"])
    assert set(app_table.columns) == set(cli_table.columns)
    for column in app_table.columns:
        left, right = app_table[column], cli_table[column]
        if pd.api.types.is_numeric_dtype(left) and pd.api.types.is_numeric_dtype(right):
            np.testing.assert_allclose(left.to_numpy(float), right.to_numpy(float), rtol=1e-9, equal_nan=True,
                                       err_msg=column)
        else:
            # the CSV writer's formula guard prefixes ' to text starting with + - = @ (e.g. "+6% on a year
            # before")
            cli_text = [text.removeprefix("'") for text in right.fillna("").astype(str)]
            assert list(left.fillna("").astype(str)) == cli_text, column


def test_overview_equals_cli_on_the_baseline(tmp_path):
    app = AppTest.from_file(str(ROOT / "views" / "overview.py"), default_timeout=180)
    app.session_state["overview_table_open"] = True  # the headline table is drawn when its expander is open
    app.run()
    assert not app.exception
    cli_targets, cli_headlines = _cli(tmp_path, None)
    _assert_same_targets(_frame_with(app, "probability_met"), cli_targets)
    _assert_same_headlines(_frame_with(app, "vs_year_before"), cli_headlines)


@pytest.mark.parametrize("scenario", ["edge-of-care"])
def test_scenarios_page_equals_cli_under_a_scenario(tmp_path, scenario):
    app = AppTest.from_file(str(ROOT / "views" / "scenarios.py"), default_timeout=180)
    for key in ("scenario_targets_open", "scenario_headlines_open"):  # their tables drawn when open
        app.session_state[key] = True
    app.run()
    app.selectbox[0].set_value(scenario).run()
    app.button[0].click().run()
    assert not app.exception
    cli_targets, cli_headlines = _cli(tmp_path, scenario)
    _assert_same_targets(_frame_with(app, "probability_met"), cli_targets)
    _assert_same_headlines(_frame_with(app, "vs_year_before"), cli_headlines)
    # the scenario really moved the figures (else this would compare two baselines)
    (tmp_path / "baseline").mkdir()
    baseline_targets, _ = _cli(tmp_path / "baseline", None)
    moved = cli_targets["projected"].to_numpy(float) - baseline_targets["projected"].to_numpy(float)
    assert np.nanmax(np.abs(moved)) > 1.0
