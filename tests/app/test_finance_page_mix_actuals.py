"""Finance page: each lever's marginal mix is editable and gives the figures `finance --set` gives; actual
spend uploaded for data with no plan (an SSDA903 return) gives the table `finance --actual-spend` gives,
saying which months are actual spend."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from forecasting.cli.main import main
from forecasting.reports.finance_workbook import money

ROOT = Path(__file__).resolve().parents[2]
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "1,01/04/2017,S,C2,N1,U1,PR1,,\n2,01/04/2017,S,C2,N1,U4,PR1,,\n3,01/04/2017,S,C2,N1,U4,PR4,,\n"
    "4,01/04/2017,S,C2,N1,K2,PR4,,\n5,01/04/2017,S,C2,N1,P1,PR0,15/10/2017,E11\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,01/01/2010\n2,1,01/01/2010\n3,1,01/01/2004\n4,2,01/01/2005\n5,2,01/01/2012\n"
ACTUAL = 'month,placement_type,spend\n2018-04,residential,"£20,000"\n2018-05,IFA,3000\n'.encode()
SHARE = "edge_of_care_exits_marginal_share_residential"


def _frame_with(app: AppTest, column: str) -> pd.DataFrame:
    for frame in app.dataframe:
        if column in frame.value:
            return frame.value.reset_index(drop=True)
    raise AssertionError(f"no table with a {column!r} column on the page")


def test_a_levers_marginal_mix_set_on_the_page_equals_the_cli(tmp_path):
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180).run()
    assert not app.exception
    before = _frame_with(app, "Net saving (£)")
    app.toggle(key="finance-edit-costs").set_value(True).run()  # the costs are drawn when asked for
    app.number_input(key=f"cost-{SHARE}").set_value(15.0).run()  # 15% typed: the row adds to 100%
    assert not app.exception
    assert app.session_state["parameter_overrides"] == {SHARE: 0.15}
    page = _frame_with(app, "Net saving (£)")
    assert page["Net saving (£)"].tolist() != before["Net saving (£)"].tolist()
    out = tmp_path / "f.xlsx"
    argv = ["finance", "--scenario", str(ROOT / "scenarios" / "combined-plan.yaml"), "--out", str(out),
            "--set", f"{SHARE}=0.15"]
    assert main(argv) == 0
    cli = pd.read_excel(out, sheet_name=None)
    years = cli["Net position by year"]
    assert page["Net saving (£)"].tolist() == [money(v) for v in years["Net saving (£)"]]
    column = "Placement spend avoided at the lever's marginal mix (£)"
    by_lever = _frame_with(app, column)
    assert by_lever["Lever"].tolist() == cli["Avoided spend by lever"]["Lever"].tolist()
    assert by_lever[column].tolist() == [money(v) for v in cli["Avoided spend by lever"][column]]
    # a share that would take its row over 100% is refused in words; the one in use stays
    app.number_input(key=f"cost-{SHARE}").set_value(80.0).run()
    assert not app.exception
    assert any("more than 100%" in e.value for e in app.error)
    assert app.session_state["parameter_overrides"] == {SHARE: 0.15}
    assert app.number_input(key=f"cost-{SHARE}").value == 15.0


def test_actual_spend_with_no_plan_on_the_page_equals_the_cli(tmp_path):
    from forecasting.data.ssda903_load import load_903

    (tmp_path / "episodes.csv").write_text(EPISODES, encoding="utf-8")
    (tmp_path / "header.csv").write_text(HEADER, encoding="utf-8")
    (tmp_path / "actual.csv").write_bytes(ACTUAL)
    out = tmp_path / "f.xlsx"
    argv = ["finance", "--data", str(tmp_path), "--out", str(out), "--years", "2",
            "--actual-spend", str(tmp_path / "actual.csv")]
    assert main(argv) == 0
    cli = pd.read_excel(out, sheet_name="Spend by type and year")
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180)
    loaded = load_903([("episodes.csv", EPISODES.encode()), ("header.csv", HEADER.encode())])
    app.session_state["ssda903"] = loaded
    app.session_state["active_dataset"] = loaded.datasets["authority"]
    app.session_state["finance-kept-years"] = 2
    app.run()
    assert not app.exception
    without = _frame_with(app, "Spend (£)")
    app.get("file_uploader")[0].upload("actual.csv", ACTUAL, "text/csv").run()
    assert not app.exception and not app.error
    page = _frame_with(app, "Spend (£)")
    assert page["Spend (£)"].tolist() == [money(v) for v in cli["Spend (£)"]]
    words = "Apr 2018-May 2018 actual spend, Jun 2018-Mar 2019 forecast"
    assert set(page.loc[page["Financial year"] == "2018-19", "Months (actual or forecast)"]) == {words}
    assert page["Spend (£)"].tolist() != without["Spend (£)"].tolist()
    # a bad file is a located message, not an error box; the table stays as it was
    app.get("file_uploader")[0].upload("bad.csv", b"month,placement_type,spend\n2018-04,castle,1\n",
                                       "text/csv").run()
    assert not app.exception
    assert any("bad.csv" in e.value and "row 2" in e.value and "placement_type" in e.value for e in app.error)


def test_every_shipped_scenario_shows_five_full_years_payback_and_npv_with_intervals():
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180).run()
    assert not app.exception
    for name in sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml")):
        app.selectbox(key="finance-plan").set_value(name).run()
        assert not app.exception, name
        years = _frame_with(app, "Net saving (£)")
        assert years["Financial year"].tolist() == ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]
        assert set(years["Months"]) == {12}, name
        figures = _frame_with(app, "How it is worked out")["Item"].tolist()
        assert "Payback month" in figures and any(f.startswith("Net present value (") for f in figures)
        if name != "baseline":  # every plan with a lever on has simulated effects, so ranges
            assert "Net present value, 80% range" in figures, name
            assert "Net saving 2022-23, 80% range" in figures, name
