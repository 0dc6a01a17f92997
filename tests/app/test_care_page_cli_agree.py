"""The Children in care page and `python -m forecasting care` give the same figures for the same 903 files:
the start stock by placement type and the back-test's error of the care model (both call fit_care_model and
backtest_care with the same reference period and rewind; the page's defaults are the command's)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecasting.cli.main import main
from forecasting.data.ssda903_load import load_903_path
from forecasting.planning.care_backtest import CARE_MODEL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def council(tmp_path_factory) -> Path:
    """A SYNTHETIC council of about 60 children, two collection years (2020-21, 2021-22)."""
    spec = importlib.util.spec_from_file_location("synthetic_903", ROOT / "tools" / "synthetic_903.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator
    spec.loader.exec_module(generator)
    return generator.generate(tmp_path_factory.mktemp("agree") / "903", first_year=2020, last_year=2021,
                              seed=11, settings=generator.Assumptions(children=60))


def test_page_and_command_agree_on_start_stock_and_back_test(council, tmp_path, capsys):
    out, backtest_out = tmp_path / "projection.csv", tmp_path / "backtest.csv"
    assert main(["care", "--data", str(council), "--out", str(out), "--backtest-out", str(backtest_out),
                 "--sims", "100"]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(backtest_out, encoding="utf-8-sig")
    care = table[(table["indicator"] == "LAC1") & (table["model"] == CARE_MODEL)]
    cli_mae = (care["mean"] - care["actual"]).abs().mean()

    page = AppTest.from_file(str(ROOT / "views" / "children_in_care.py"), default_timeout=240)
    page.session_state["ssda903"] = load_903_path(council)
    page.run()
    assert not page.exception
    start = page.dataframe[0].value["children"]
    for code, children in start.items():  # the command prints "  PL-IFA    170"
        assert any(line.split() == [code, f"{children:.0f}"] for line in printed.splitlines()), code
    page.button[0].click().run()  # the back-test, at the page's defaults (reference 12, rewind 12)
    assert not page.exception
    scores = page.dataframe[-1].value.set_index(["indicator", "model"])
    assert scores.loc[("LAC1", CARE_MODEL), "mae"] == pytest.approx(cli_mae, abs=0.005)  # shown to 2 places
