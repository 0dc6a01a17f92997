"""`python -m forecasting scenario|goalseek`: outputs, plain-words answers, and clear errors (no
tracebacks)."""
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forecasting.cli.main import main

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def test_scenario_writes_the_long_table(tmp_path, capsys):
    out = tmp_path / "edge.csv"
    assert main(["scenario", str(SCENARIO_DIR / "edge-of-care.yaml"), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["measure", "month", "baseline", "scenario", "delta", "delta_lo80",
                                   "delta_hi80", "delta_lo95", "delta_hi95"]
    measures = set(table["measure"])
    assert {"referrals", "cp_plans", "lac", "placement_cost"} <= measures
    assert {"caseload_mash", "caseload_assessment", "caseload_cin_cp", "caseload_lac"} <= measures
    assert {"M8-QL", "EH4-QL", "CP8-QL"} <= measures
    assert table["month"].iloc[0] == "2018-07" and table["month"].iloc[-1] == "2020-03"
    lac = table[table["measure"] == "lac"]
    assert (lac["scenario"] - lac["baseline"] - lac["delta"]).abs().max() < 1e-6   # CSV keeps 12 digits
    assert lac["delta"].iloc[-1] < 0
    # the change's intervals over the effects' evidence: ordered, around the point, and not zero-width
    assert (lac["delta_lo95"] <= lac["delta_lo80"]).all() and (lac["delta_hi80"] <= lac["delta_hi95"]).all()
    assert lac["delta_lo95"].iloc[-1] < lac["delta"].iloc[-1] < lac["delta_hi95"].iloc[-1]
    printed = capsys.readouterr().out
    assert "looked-after children in Mar 2020" in printed and "95% interval" in printed
    assert "mash capacity calibrated from the history" in printed        # the calibrated throughput is shown


def test_scenario_xlsx_has_levers_and_calibration(tmp_path):
    out = tmp_path / "plan.xlsx"
    assert main(["scenario", str(SCENARIO_DIR / "combined-plan.yaml"), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)   # for people: headers, measures and levers in words
    assert {"scenario", "levers", "evidence", "calibration", "decomposition", "notes", "About"} <= set(sheets)
    assert list(sheets["scenario"].columns) == [
        "Measure", "Month", "Baseline (the measure's unit)", "Scenario (the measure's unit)",
        "Change: scenario minus baseline", "Change, 80% range low", "Change, 80% range high",
        "Change, 95% range low", "Change, 95% range high"]
    assert {"Children in care (count at month end)", "Placement spend (£ in the month)"} <= set(
        sheets["scenario"]["Measure"])
    assert {"Contribution, 95% range low", "Contribution, 95% range high"} <= set(
        sheets["decomposition"].columns)
    evidence = sheets["evidence"].set_index("Lever")
    assert evidence.loc["Entries to care avoided", "Central value of the evidence"] == 10
    levers = sheets["levers"].set_index("Lever")
    assert levers.loc["Social workers recruited", "Value"] == 8
    assert levers["Source"].notna().all()
    assert list(sheets["calibration"].columns[:4]) == ["Rate", "Average", "Standard deviation",
                                                       "Months measured"]
    capacity = sheets["capacity"].set_index("Team")
    assert capacity.loc["mash", "Work done a month per social worker (FTE)"] == pytest.approx(
        capacity.loc["mash", "Work done a month in the busiest months"]
        / capacity.loc["mash", "Social workers in post then (FTE)"])
    assert sheets["About"]["What it holds"].notna().all()
    month = openpyxl.load_workbook(out)["scenario"]["B2"]             # months are dates shown as Jul-18
    assert month.value == datetime(2018, 7, 1) and month.number_format == "mmm-yy"
    assert not any("_" in str(name) for frame in sheets.values() for name in frame.columns)


@pytest.mark.parametrize("text, message", [
    ("schema_version: 1\nname: x\nlevers:\n  recruits: 3\n", "levers.recruits' is not known"),
    ("", "the file is empty"),
    ("schema_version: 1\nname: x\nlevers:\n  edge_of_care_entry_reduction: 80\n", "between 0 and 39"),
])
def test_bad_scenario_file_is_a_clear_error(tmp_path, capsys, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = tmp_path / "out.csv"
    assert main(["scenario", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err and "Traceback" not in err
    assert not out.exists()


def test_goalseek_prints_the_answer(capsys):
    # 0.4: with re-entry after extra exits (issue 13) this lever alone no longer reaches 50%
    assert main(["goalseek", "--target", "LAC1:2019-20", "--lever", "edge_of_care_extra_exits",
                 "--probability", "0.4"]) == 0
    printed = capsys.readouterr().out
    assert "Extra exits from care: " in printed and "smallest value" in printed
    assert "edge_of_care_extra_exits" not in printed                          # the lever in words, not code
    # the answer (about 10 a month) is far beyond the evidence band (0-3): said in words with the answer
    assert "Beyond the evidence" in printed and "children who leave care in a typical month" in printed


def test_goalseek_cannot_be_met_is_an_answer(capsys):
    assert main(["goalseek", "--target", "LAC1:2019-20", "--lever", "edge_of_care_entry_reduction"]) == 0
    printed = capsys.readouterr().out
    assert "Entries to care avoided alone cannot give a 50% chance" in printed
    assert "its allowed range is 0 to 39 percent of entries to care, and the most it reaches is a " in printed


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--target", "LAC1:2019-20", "--lever", "nonsense"], "cannot be goal-sought"),
        (["--target", "LAC99:2019-20", "--lever", "edge_of_care_extra_exits"], "no such target"),
        (
            ["--target", "LAC1:2019-20", "--lever", "edge_of_care_extra_exits", "--probability", "50"],
            "between 0 and 1",
        ),
    ],
)
def test_goalseek_bad_arguments(capsys, argv, message):
    assert main(["goalseek", *argv]) == 2
    assert message in capsys.readouterr().err


def test_scenario_runs_five_years_and_states_the_steady_state(tmp_path, capsys):
    out = tmp_path / "five.csv"
    assert main(["scenario", str(SCENARIO_DIR / "edge-of-care.yaml"), "--out", str(out), "--years", "5"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["month"].iloc[0] == "2018-07" and table["month"].iloc[-1] == "2023-03"      # 57 months
    lac = table[table["measure"] == "lac"]
    assert lac["delta_lo95"].iloc[-1] < lac["delta"].iloc[-1] < lac["delta_hi95"].iloc[-1] < 0
    printed = capsys.readouterr().out
    assert "looked-after children in Mar 2023" in printed
    assert "At full effect, about" in printed and "fewer looked-after children" in printed

