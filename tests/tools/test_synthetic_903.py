"""The synthetic 903 generator: clean returns for ~500 children that the reader and care model take."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from forecasting.cli.main import main
from forecasting.data.ssda903_load import load_903_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("synthetic_903", ROOT / "tools" / "synthetic_903.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.generate(tmp_path_factory.mktemp("syn") / "903", first_year=2020, last_year=2022, seed=5)


def test_the_returns_are_clean_and_hold_about_500_children(synthetic):
    loaded = load_903_path(synthetic)
    assert loaded.ok and not loaded.report.problems, loaded.report.as_text()
    lac1 = loaded.datasets["authority"].series("LAC1")
    assert lac1.index.min() == pd.Timestamp("2020-04-01") and lac1.index.max() == pd.Timestamp("2023-03-01")
    assert 400 <= lac1.mean() <= 650


def test_later_returns_repeat_episodes_still_open_at_the_year_end(synthetic):
    first = pd.read_csv(synthetic / "2020" / "episodes.csv", dtype=str, keep_default_na=False)
    second = pd.read_csv(synthetic / "2021" / "episodes.csv", dtype=str, keep_default_na=False)
    open_first = first[first["DEC"] == ""]
    repeated = open_first.merge(second, on=["CHILD", "DECOM"])
    assert len(open_first) > 300 and len(repeated) == len(open_first)


def test_the_care_command_projects_and_back_tests_it(synthetic, tmp_path, capsys):
    out, backtest = tmp_path / "care.csv", tmp_path / "care-backtest.xlsx"
    code = main(["care", "--data", str(synthetic), "--out", str(out), "--rewind", "6", "--sims", "100",
                 "--horizon", "12", "--backtest-out", str(backtest)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "Start stock at the end of Mar 2023" in printed and "engine:" in printed
    table = pd.read_csv(out, encoding="utf-8-sig")
    lac1 = table[table["indicator"] == "LAC1"]
    assert len(lac1) == 12 and (lac1["lo80"] <= lac1["mean"]).all() and (lac1["mean"] <= lac1["hi80"]).all()
    assert backtest.exists()
