import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from forecasting.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["indicator", "period", "target", "projected", "lo95", "hi95", "probability_met", "rag"]
needs_forecast = pytest.mark.skipif(importlib.util.find_spec("forecasting.engine.forecast") is None,
                                    reason="forecasting.engine.forecast (run_forecast) not available yet")


@needs_forecast
def test_targets_command_writes_every_target(tmp_path, embedded_dataset):
    out = tmp_path / "targets.csv"
    assert main(["targets", "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns[:8]) == HEADER
    assert len(table) == len(embedded_dataset.targets)
    lac = table[(table["indicator"] == "LAC1") & (table["period"] == "2019-20")].iloc[0]
    assert lac["target"] == 390 and lac["lo95"] <= lac["projected"] <= lac["hi95"]
    assert 0.0 <= lac["probability_met"] <= 1.0
    assert set(table["rag"]) <= {"Green", "Amber", "Red", "Grey"}


@needs_forecast
@pytest.mark.skipif(not (ROOT / "scenarios" / "edge-of-care.yaml").exists()
                    or importlib.util.find_spec("forecasting.planning.scenarios") is None,
                    reason="scenario engine or shipped edge-of-care scenario not available")
def test_targets_command_with_scenario_lowers_projected_lac(tmp_path):
    base, scen = tmp_path / "base.csv", tmp_path / "scen.xlsx"
    assert main(["targets", "--out", str(base)]) == 0
    assert (
        main(["targets", "--scenario", str(ROOT / "scenarios" / "edge-of-care.yaml"), "--out", str(scen)])
        == 0
    )

    def pick(table):
        return table[(table["indicator"] == "LAC1") & (table["period"] == "2019-20")].iloc[0]

    before = pick(pd.read_csv(base, encoding="utf-8-sig"))
    words = {"Indicator code": "indicator", "Financial year": "period", "Projected value": "projected",
             "Chance of meeting the target (%)": "probability_met"}   # the XLSX's headers are in words
    after = pick(pd.read_excel(scen).rename(columns=words))
    assert after["projected"] < before["projected"]
    assert after["probability_met"] >= before["probability_met"]


def test_targets_command_bad_paths_give_clear_errors(tmp_path, capsys):
    assert main(["targets", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "t.csv")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["targets", "--out", str(tmp_path / "missing-folder" / "t.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
