"""Finance page: a budget uploaded on the page gives the variance the `finance --budget` command gives; the
page runs to the medium-term horizon; edits, choices and uploads survive going to another page and back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecasting.cli.main import main
from forecasting.reports.finance_workbook import money

ROOT = Path(__file__).resolve().parents[2]
# one child each in kinship, in-house, IFA, residential and placed with parents (who leaves in October 2017)
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "1,01/04/2017,S,C2,N1,U1,PR1,,\n2,01/04/2017,S,C2,N1,U4,PR1,,\n3,01/04/2017,S,C2,N1,U4,PR4,,\n"
    "4,01/04/2017,S,C2,N1,K2,PR4,,\n5,01/04/2017,S,C2,N1,P1,PR0,15/10/2017,E11\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,01/01/2010\n2,1,01/01/2010\n3,1,01/01/2004\n4,2,01/01/2005\n5,2,01/01/2012\n"
BUDGET = 'line,financial_year,budget\nIFA,2019-20,5000000\nresidential,2020-21,"£9,000,000"\n'.encode()


def _frame_with(app: AppTest, column: str) -> pd.DataFrame:
    for frame in app.dataframe:
        if column in frame.value:
            return frame.value.reset_index(drop=True)
    raise AssertionError(f"no table with a {column!r} column on the page")


def test_uploaded_budget_shows_the_variance_the_cli_gives(tmp_path):
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180).run()
    assert not app.exception
    years = _frame_with(app, "Net saving (£)")["Financial year"].tolist()
    assert years == ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]  # five full years by default
    uploaders = app.get("file_uploader")
    uploaders[1].upload("budget.csv", BUDGET, "text/csv").run()
    assert not app.exception and not app.error
    page = _frame_with(app, "Budget (£)")
    (tmp_path / "budget.csv").write_bytes(BUDGET)
    out = tmp_path / "f.xlsx"
    argv = ["finance", "--scenario", str(ROOT / "scenarios" / "combined-plan.yaml"), "--out", str(out),
            "--budget", str(tmp_path / "budget.csv")]
    assert main(argv) == 0
    cli = pd.read_excel(out, sheet_name="Budget variance")
    assert page["Line"].tolist() == ["Independent fostering agency (IFA)", "Residential children's homes"]
    assert page["Budget (£)"].tolist() == ["£5,000,000", "£9,000,000"]
    for column in page.columns:
        if str(column).endswith("(£)"):
            assert page[column].tolist() == [money(v) for v in cli[column]], column
    # variance = forecast - budget, on the figures shown
    plan = cli["Plan forecast spend (£)"] - cli["Budget (£)"]
    assert cli["Plan variance, over (+) or under (-) budget (£)"].tolist() == pytest.approx(plan.tolist())

    bad = b"line,financial_year,budget\nIFA,2019-20,lots\n"
    app.get("file_uploader")[1].upload("bad.csv", bad, "text/csv").run()
    assert not app.exception
    assert any("bad.csv" in e.value and "row 2" in e.value for e in app.error)
    assert _frame_with(app, "Budget (£)")["Budget (£)"].tolist() == ["£5,000,000", "£9,000,000"]  # kept


def test_edits_survive_going_to_another_page_and_back():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("views/finance.py").run()
    assert not app.exception
    before = _frame_with(app, "Net saving (£)")
    assert not app.number_input  # the costs are drawn only when asked for
    app.toggle(key="finance-edit-costs").set_value(True).run()
    app.number_input(key="cost-unit_cost_ifa").set_value(900.0).run()  # no button pressed
    app.radio(key="finance-years").set_value(3).run()
    app.selectbox(key="finance-plan").set_value("edge-of-care").run()
    app.get("file_uploader")[1].upload("budget.csv", BUDGET, "text/csv").run()
    assert not app.exception
    assert app.session_state["parameter_overrides"] == {"unit_cost_ifa": 900.0}
    edited = _frame_with(app, "Net saving (£)")
    assert edited["Financial year"].tolist() == ["2018-19", "2019-20", "2020-21"]

    app.switch_page("views/method.py").run()
    assert not app.exception
    app.switch_page("views/finance.py").run()
    assert not app.exception
    assert app.number_input(key="cost-unit_cost_ifa").value == 900.0
    assert app.radio(key="finance-years").value == 3
    assert app.selectbox(key="finance-plan").value == "edge-of-care"
    back = _frame_with(app, "Net saving (£)")
    pd.testing.assert_frame_equal(back, edited)
    assert not back.equals(before)
    assert _frame_with(app, "Budget (£)")["Budget (£)"].tolist() == ["£5,000,000", "£9,000,000"]

    app.number_input(key="cost-unit_cost_ifa").set_value(820.0).run()  # the shipped default: no override
    assert app.session_state["parameter_overrides"] == {}


def test_903_data_page_equals_the_cli(tmp_path):
    """Data from an SSDA903 return (no contacts, so no plan): the page and `finance --data FOLDER` show the
    same baseline spend by type, costed at the return's own placement mix (kinship at its own cost), projected
    by the care model on both."""
    from forecasting.data.ssda903_load import load_903

    (tmp_path / "episodes.csv").write_text(EPISODES, encoding="utf-8")
    (tmp_path / "header.csv").write_text(HEADER, encoding="utf-8")
    out = tmp_path / "f.xlsx"
    assert main(["finance", "--data", str(tmp_path), "--out", str(out), "--years", "2"]) == 0
    cli = pd.read_excel(out, sheet_name="Spend by type and year")
    assert "care model's projection" in pd.read_excel(out, sheet_name="Notes")["Note"].iloc[2]
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180)
    loaded = load_903([("episodes.csv", EPISODES.encode()), ("header.csv", HEADER.encode())])
    app.session_state["ssda903"] = loaded  # what the Data page keeps: the episodes, for the care model
    app.session_state["active_dataset"] = loaded.datasets["authority"]
    app.session_state["finance-kept-years"] = 2
    app.run()
    assert not app.exception
    assert any("care model's projection" in c.value for c in app.caption)
    page = _frame_with(app, "Spend (£)")
    assert page["Spend (£)"].tolist() == [money(v) for v in cli["Spend (£)"]]
    assert page["Placement type"].tolist() == cli["Placement type"].tolist()
    assert "Kinship / connected-person fostering" in set(page["Placement type"])
    assert cli["Financial year"].unique().tolist() == ["2018-19", "2019-20"]


def test_back_to_defaults_resets_only_the_finance_inputs():
    """The reset button puts back this page's costs and rates only: a staffing plan set on the Workforce page
    (kept in the same session overrides) stays."""
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180)
    app.session_state["parameter_overrides"] = {"establishment_fte_cin_cp": 100.0, "unit_cost_ifa": 900.0}
    app.run()
    assert not app.exception and app.number_input(key="cost-unit_cost_ifa").value == 900.0
    [reset] = [b for b in app.button if b.label.startswith("Back to the shipped defaults")]
    reset.click().run()
    assert not app.exception
    assert app.session_state["parameter_overrides"] == {"establishment_fte_cin_cp": 100.0}
    assert app.number_input(key="cost-unit_cost_ifa").value == 820.0
