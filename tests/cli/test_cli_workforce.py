"""`python -m forecasting workforce` and `--staffing FILE` on scenario/targets: the answer in words and in
XLSX, the plan sheet round trip, and clear errors."""

import pandas as pd
import pytest

from forecasting.cli.main import main


def test_workforce_answer_and_plan_round_trip(tmp_path, capsys):
    plan = tmp_path / "plan.xlsx"
    assert main(["workforce", "--write-plan", str(plan)]) == 0
    out = tmp_path / "answer.xlsx"
    assert (
        main(
            [
                "workforce",
                "--staffing",
                str(plan),
                "--norm",
                "cin_cp=18",
                "--target",
                "CP8-QL=90",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "CIN / child protection:" in printed and "FTE needed at the peak" in printed
    assert "Staffing cost of the plan" in printed and "2019-20 £" in printed
    # which load moves each timeliness measure, and its errors against naive side by side
    assert "timeliness: CP8-QL moves with" in printed and "timeliness check: EH4-QL" in printed
    assert "vs naive" in printed
    sheets = pd.read_excel(out, sheet_name=None)
    assert {
        "answer",
        "fte needed by month",
        "staffing flows",
        "cost by month",
        "cost by financial year",
        "staffing plan",
        "assumptions",
        "timeliness load",
        "timeliness validation",
        "recruitment schedule",
    } <= set(sheets)
    validation = sheets["timeliness validation"]   # an XLSX is for people: headers in words
    assert set(validation["Load"]) >= {"team", "referrals", "cp_arrivals"}
    assert (validation.groupby("Measure")["Adopted"].sum() == 1).all()
    answer = sheets["answer"].set_index("Team")
    assert answer.loc["all", "Recruits needed"] >= answer.loc["cin_cp", "Recruits needed"] >= 0


def test_workforce_errors_are_plain(tmp_path, capsys):
    assert main(["workforce", "--out", str(tmp_path / "a.csv"), "--norm", "social=3"]) == 2
    assert "expected NAME=NUMBER" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("team,establishment_fte\nmash,-4\n")
    assert main(["workforce", "--staffing", str(bad), "--out", str(tmp_path / "a.csv")]) == 2
    err = capsys.readouterr().err
    assert "cell B2" in err and "Traceback" not in err
    assert main(["workforce"]) == 2


def test_scenario_uses_the_staffing_plan(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("team,establishment_fte,vacancies_fte,agency_fte\ncin_cp,90,0,0\n")
    scenario = tmp_path / "recruit.yaml"
    scenario.write_text(
        "schema_version: 1\nname: recruit\nlevers:\n  recruits_fte: 4\n  recruits_team: cin_cp\n"
    )
    shipped, mine = tmp_path / "shipped.csv", tmp_path / "mine.csv"
    assert main(["scenario", str(scenario), "--out", str(shipped)]) == 0
    assert main(["scenario", str(scenario), "--staffing", str(plan), "--out", str(mine)]) == 0
    a, b = pd.read_csv(shipped, encoding="utf-8-sig"), pd.read_csv(mine, encoding="utf-8-sig")
    filled = {name: t[t["measure"] == "filled_fte"]["baseline"].iloc[0] for name, t in (("a", a), ("b", b))}
    assert filled["b"] - filled["a"] == pytest.approx(90 - (80 - 5.79))
    # the 4 recruits fill the shipped plan's uncovered vacancies; in a fully staffed plan they add posts. With
    # no start month they are approved in the first month and start 4 months later
    # (recruitment_lead_time_months): no cost before, a cost from then on
    for table in (a, b):
        assert {"filled_fte", "vacancies_fte", "agency_fte", "staffing_cost"} <= set(table["measure"])
        cost = table[table["measure"] == "staffing_cost"]
        assert (cost["delta"].iloc[:4] == 0).all() and (cost["delta"].iloc[4:] > 0).all()


def test_targets_and_goalseek_take_the_staffing_plan(tmp_path, capsys):
    bad = tmp_path / "plan.csv"
    bad.write_text("team,establishment_fte\nsocial workers,12\n")
    assert main(["targets", "--staffing", str(bad), "--out", str(tmp_path / "t.csv")]) == 2
    assert "Team 'social workers' is not known" in capsys.readouterr().err
    assert (
        main(
            [
                "goalseek",
                "--target",
                "LAC1:2019-20",
                "--lever",
                "edge_of_care_extra_exits",
                "--staffing",
                str(bad),
            ]
        )
        == 2
    )
    good = tmp_path / "good.csv"
    good.write_text("team,establishment_fte,vacancies_fte,agency_fte\ncin_cp,90,0,0\n")
    assert main(["targets", "--staffing", str(good), "--out", str(tmp_path / "t.csv")]) == 0
