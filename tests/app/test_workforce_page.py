"""Workforce page: the staffing plan uploaded on the page becomes the session's plan (every page reads it); a
bad plan is refused with located problems; a timeliness target changes the answer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _page() -> AppTest:
    return AppTest.from_file(str(ROOT / "views" / "workforce.py"), default_timeout=120).run()


def _summary(app: AppTest):
    return app.dataframe[0].value.set_index("team")


def test_uploaded_plan_is_used_and_a_bad_one_refused():
    app = _page()
    assert not app.exception
    assert _summary(app).loc["cin_cp", "filled_fte"] < 80
    plan = b"team,establishment_fte,vacancies_fte,agency_fte\ncin_cp,100,0,0\n"
    app.get("file_uploader")[0].upload("plan.csv", plan, "text/csv").run()
    assert not app.exception
    assert app.session_state["parameter_overrides"]["establishment_fte_cin_cp"] == 100
    assert _summary(app).loc["cin_cp", "filled_fte"] == 100
    bad = b"team,establishment_fte\ncin_cp,-3\n"
    app.get("file_uploader")[0].upload("bad.csv", bad, "text/csv").run()
    assert not app.exception
    assert any("was not used" in e.value for e in app.error)
    assert app.session_state["parameter_overrides"]["establishment_fte_cin_cp"] == 100  # nothing lost


def test_a_timeliness_target_changes_the_answer():
    app = _page()
    before = _summary(app).loc["cin_cp", "fte_needed"]
    app.number_input(key="target-CP8-QL").set_value(92.0).run()
    assert not app.exception
    assert _summary(app).loc["cin_cp", "fte_needed"] > before


def test_page_answer_equals_the_cli(tmp_path):
    """One figure, one function: the page's answer is the CLI's (`python -m forecasting workforce`)."""
    from forecasting.cli.workforce import workforce_tables
    from forecasting.planning.parameters import load_parameters

    app = _page()
    app.number_input(key="target-M8-QL").set_value(75.0).run()
    page = _summary(app)
    tables, _lines = workforce_tables(None, load_parameters(), {"cin_cp": 17.4, "lac": 15.0}, {"M8-QL": 75.0})
    columns = [
        "fte_needed",
        "filled_fte",
        "agency_fte",
        "recruits_needed",
        "approve_by",
        "start_by",
        "cost_employed_year",
        "cost_agency_year",
    ]
    assert "early_help" in page.index
    totals = app.dataframe[1].value.set_index("team")
    assert list(totals.index) == ["all_social_work", "all"]
    page = pd.concat([page, totals])
    cli = tables["answer"].set_index("team").loc[page.index]
    # exact equality; a target out of reach is NaN on both (NaN compared equal here)
    pd.testing.assert_frame_equal(page[columns], cli[columns], check_exact=True, check_dtype=False)


def test_edits_survive_going_to_another_page_and_back():
    """Issue 18 part 5: norms, targets and the staffing plan are kept for the session (no button to press)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("views/workforce.py").run()
    assert not app.exception
    before = _summary(app)
    app.number_input(key="norm-cin_cp").set_value(15.0).run()
    app.number_input(key="target-CP8-QL").set_value(90.0).run()
    plan = b"team,establishment_fte,vacancies_fte,agency_fte\nlac,40,2,1\n"
    app.get("file_uploader")[0].upload("plan.csv", plan, "text/csv").run()
    assert not app.exception
    edited = _summary(app)
    assert edited.loc["lac", "establishment_fte"] == 40 and not edited.equals(before)

    app.switch_page("views/method.py").run()
    assert not app.exception
    app.switch_page("views/workforce.py").run()
    assert not app.exception
    assert app.number_input(key="norm-cin_cp").value == 15.0
    assert app.number_input(key="target-CP8-QL").value == 90.0
    pd.testing.assert_frame_equal(_summary(app), edited)


def test_plan_edits_merge_into_the_table():
    """The data editor's edits (its `edited_rows`) give the plan applied at once (ui.plan_editor)."""
    from ui.plan_editor import merge_edits

    table = pd.DataFrame(
        {"team": ["mash", "lac"], "establishment_fte": [10.0, 20.0], "agency_fte": [0.0, 1.0]}
    )
    edited = merge_edits(table, {"edited_rows": {1: {"establishment_fte": 25.0}, "0": {"agency_fte": 2.0}}})
    assert edited["establishment_fte"].tolist() == [10.0, 25.0]
    assert edited["agency_fte"].tolist() == [2.0, 1.0]
    assert table["establishment_fte"].tolist() == [10.0, 20.0]  # the shown table is not changed
    assert merge_edits(table, None).equals(table)


def _edit_script():
    """Calls the data editor's on_change with the edits held in session state (AppTest cannot type into a
    data editor); the edits come from session_state['edits']."""
    import streamlit as st

    from forecasting.planning import load_parameters, plan_table
    from ui import plan_editor

    params = load_parameters()
    st.session_state[plan_editor.EDITOR_KEY] = st.session_state["edits"]
    plan_editor._on_edit(plan_table(params)[["team", "team_name", *plan_editor.EDITABLE]], params)


def test_a_plan_edit_applies_as_typed_and_a_bad_one_is_kept_with_its_problems():
    app = AppTest.from_function(_edit_script, default_timeout=60)
    app.session_state["edits"] = {"edited_rows": {3: {"establishment_fte": 40.0}}}  # row 3: LAC
    app.run()
    assert not app.exception
    assert app.session_state["parameter_overrides"]["establishment_fte_lac"] == 40.0
    assert "workforce-kept-plan-draft" not in app.session_state
    app.session_state["edits"] = {"edited_rows": {3: {"vacancies_fte": 99.0}}}  # more than the 34 posts
    app.run()
    assert not app.exception
    edited, problems = app.session_state["workforce-kept-plan-draft"]
    assert edited.loc[3, "vacancies_fte"] == 99.0  # kept, not lost
    assert "do not fit an establishment" in " ".join(problems["message"].astype(str))
    assert app.session_state["parameter_overrides"]["establishment_fte_lac"] == 40.0  # the last good plan


def test_the_planners_question_has_the_same_answer_in_words_on_the_page_and_from_the_cli():
    """'How many FTE to get single assessments in 45 days back to 85% and keep caseloads under 18?': the page
    and `workforce --norm cin_cp=18 --norm lac=18 --target EH4-QL=85` say the same, line for line: FTE needed
    by team and in total, the gap, recruits by when, cost employed vs agency, EH4-QL's scorecard forecast and
    the most staffing can give, and the front-door queue's ceiling and triage."""
    from forecasting.cli.workforce import workforce_tables
    from forecasting.planning.parameters import load_parameters

    app = _page()
    app.number_input(key="norm-cin_cp").set_value(18.0).run()
    app.number_input(key="norm-lac").set_value(18.0).run()
    app.number_input(key="target-EH4-QL").set_value(85.0).run()
    assert not app.exception
    page = "\n".join(m.value for m in app.markdown)
    tables, lines = workforce_tables(None, load_parameters(), {"cin_cp": 18.0, "lac": 18.0}, {"EH4-QL": 85.0})
    skip = ("  All ", "  Staffing cost", "  note")
    answer = [line.strip() for line in lines[1:] if not line.startswith(skip)]
    answer = [line for line in answer if ": " in line and not line.startswith("timeliness check")]
    shown = [line.split("queue: ", 1)[1] if line.startswith("queue: ") else line for line in answer]
    shown = [line for line in shown if not line.startswith(("timeliness: ", "timeliness baseline: "))]
    assert any(line.startswith("% of single assessments within 45 working days (EH4-QL)") for line in shown)
    assert any(line.startswith("MASH / front door queue") for line in shown)
    for line in shown:
        assert f"- {line}" in page, line
    # the figures in the words are the CLI sheet's (the scorecard's forecast, the most staffing can give)
    eh4 = next(line for line in shown if "(EH4-QL)" in line)
    target = tables["timeliness targets"].set_index("measure").loc["EH4-QL"]
    assert f"is {target['forecast_last_pct']:.1f}% in {target['last_month']} with the plan as it is" in eh4
    assert f"at most {target['best_pct']:.1f}%" in eh4 or f"from {target['reachable_from']}" in eh4


def test_an_uploaded_plan_gives_the_same_answer_on_the_page_and_with_staffing(tmp_path):
    """Vacancies doubled (about 22 instead of the shipped 11): the plan uploaded on the page and the same
    file passed as `workforce --staffing FILE` give the same figures (the history is calibrated with it on
    both)."""
    from forecasting.cli.workforce import workforce_tables
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.staffing_plan import apply_staffing_file

    plan = (b"team,establishment_fte,vacancies_fte,agency_fte\nmash,14,2.02,0.51\nassessment,24,3.48,0.87\n"
            b"cin_cp,80,11.58,2.9\nlac,34,4.92,1.23\n")  # fmt: skip
    app = _page()
    app.get("file_uploader")[0].upload("plan.csv", plan, "text/csv").run()
    app.number_input(key="target-EH4-QL").set_value(85.0).run()
    assert not app.exception
    path = tmp_path / "plan.csv"
    path.write_bytes(plan)
    params = apply_staffing_file(path, load_parameters())
    tables, _lines = workforce_tables(None, params, {"cin_cp": 17.4, "lac": 15.0}, {"EH4-QL": 85.0})
    page = pd.concat([_summary(app), app.dataframe[1].value.set_index("team")])
    cli = tables["answer"].set_index("team").loc[page.index]
    columns = ["fte_needed", "filled_fte", "recruits_needed", "start_by", "cost_employed_year"]
    columns += ["cost_agency_year"]
    pd.testing.assert_frame_equal(page[columns], cli[columns], check_exact=True, check_dtype=False)
    assert page.loc["cin_cp", "filled_fte"] == pytest.approx(80 - 11.58)


def test_queue_rules_changed_on_the_page_equal_the_clis_set(tmp_path):
    """Triage at 20% of contacts from half a month of backlog, typed on the page, gives the same queue words
    and month-by-month queue as `workforce --set triage_screen_out_pct=20 --set triage_threshold_months=0.5`
    (on the embedded data the front door keeps up with the plan as it is, so nothing is triaged out: the
    triage toys are in tests/planning/test_front_door_triage.py)."""
    from forecasting.cli.workforce import _queue_rules, workforce_tables
    from forecasting.planning.parameters import load_parameters

    app = _page()
    app.session_state["workforce_rules_open"] = True  # the rules are drawn when their expander is open
    app.run()
    app.number_input(key="rule-triage_screen_out_pct").set_value(20.0).run()
    app.number_input(key="rule-triage_threshold_months").set_value(0.5).run()
    assert not app.exception
    overrides = app.session_state["parameter_overrides"]
    assert overrides["triage_screen_out_pct"] == 20.0 and overrides["triage_threshold_months"] == 0.5
    page = "\n".join(m.value for m in app.markdown)
    rules = ["triage_screen_out_pct=20", "triage_threshold_months=0.5"]
    params = _queue_rules(rules, load_parameters())
    tables, lines = workforce_tables(None, params, {"cin_cp": 17.4, "lac": 15.0}, {})
    front = next(line.split("queue: ", 1)[1] for line in lines if line.startswith("  queue: MASH"))
    assert "above 0.5 months of capacity (triage_threshold_months), 20% of that month's contacts" in front
    assert f"- {front}" in page
    threshold = tables["queue and triage by month"].query("team == 'mash'")["triage_threshold"]
    capacity = tables["queue and triage by month"].query("team == 'mash'")["capacity"]
    assert threshold.to_numpy() == pytest.approx(0.5 * capacity.to_numpy())


def _chart_titles(app: AppTest) -> list[str]:
    import json

    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]


def test_only_the_answers_chart_is_drawn_unasked_and_the_others_when_asked_for():
    """Issue 16 part 6: the browser draws each chart, so the charts below the answer wait for their toggle;
    a chart asked for stays asked for after a visit to another page."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.switch_page("views/workforce.py").run()
    assert not app.exception
    assert _chart_titles(app) == ["FTE needed by month"]
    app.toggle(key="chart-timeliness").set_value(True).run()
    app.toggle(key="chart-caseload").set_value(True).run()
    assert not app.exception
    drawn = _chart_titles(app)
    assert "Timeliness: forecast" in drawn and "Children per worker (CIN/CP and LAC teams)" in drawn
    assert "Work per worker a month (MASH contacts, assessments)" in drawn and len(drawn) == 4
    app.switch_page("views/method.py").run()
    app.switch_page("views/workforce.py").run()
    assert not app.exception
    assert _chart_titles(app) == drawn


def test_the_answer_tables_show_words_and_rounded_figures():
    """Issue 16 part 2: headers in words, FTE to one decimal and money in whole pounds; the values behind them
    stay the package's (the CLI comparison above reads them)."""
    import json

    app = _page()
    for frame in app.dataframe[:2]:
        config = json.loads(frame.proto.columns)
        labels = {name: column.get("label") for name, column in config.items() if not column.get("hidden")}
        assert labels["fte_needed"] == "FTE needed" and labels["team_name"] == "Team name"
        assert not [label for label in labels.values() if label is None or "_" in label]
        assert config["fte_needed"]["type_config"]["format"] == "%,.1f"
        assert config["cost_employed_year"]["type_config"]["format"] == "£%,.0f"
        assert config["team"]["hidden"]
