"""Workforce page: the staffing plan uploaded on the page becomes the session's plan (every page reads it); a
bad plan is refused with located problems; a timeliness target changes the answer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
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
    cli = tables["answer"].set_index("team").loc[page.index]
    columns = [
        "fte_needed",
        "filled_fte",
        "agency_fte",
        "recruits_needed",
        "start_by",
        "cost_employed_year",
        "cost_agency_year",
    ]
    # exact equality; a target out of reach is NaN on both (NaN compared equal here)
    pd.testing.assert_frame_equal(page[columns], cli[columns], check_exact=True, check_dtype=False)
