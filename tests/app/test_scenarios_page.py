"""The Scenarios page answers 'will we hit the target?' (issue 16 part 2) from the one projection, keeps a
user's scenarios private (part 5) and refuses bad names and files in words without server paths (issue 18).

AppTest on the embedded data (LAC1 targets: 460 at 31 Mar 2019, 390 at 31 Mar 2020)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forecasting import load_dataset
from forecasting.planning import (
    LEVERS,
    evaluate_targets,
    load_parameters,
    pathway_evidence_table,
    project,
    read_saved,
)
from forecasting.planning.scenario_store import DATA_DIR_ENV
from ui.lever_widgets import LEVER_LABELS
from ui.scenario_targets import format_chance, format_value

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-only-not-a-secret",
        "client_id": "dummy", "client_secret": "dummy",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


EXPANDERS = ("scenario_answer_open", "scenario_targets_open", "scenario_headlines_open",
             "scenario_evidence_open")


def _page(signed_in_as: str | None = None, opened: bool = True) -> AppTest:
    """The page with its tables' expanders open (a closed one's content is not drawn), unless not `opened`."""
    app = AppTest.from_file(str(ROOT / "views" / "scenarios.py"), default_timeout=TIMEOUT)
    for key in EXPANDERS if opened else ():
        app.session_state[key] = True
    if signed_in_as:
        app.secrets["auth"] = dict(AUTH)
        app.user = {"is_logged_in": True, "email": signed_in_as}
    return app


def _load(app: AppTest, key: str) -> AppTest:
    app.selectbox[0].set_value(key).run()
    next(b for b in app.button if b.label == "Load it into the levers").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _answer(app: AppTest):
    return next(frame.value for frame in app.dataframe if "Scenario chance of meeting it" in frame.value)


def _save(app: AppTest, name: str, overwrite: bool = False) -> AppTest:
    app.text_input(key="scenario_name").input(name)
    if overwrite:
        next(box for box in app.checkbox if box.label.startswith("Replace")).check()
    next(b for b in app.button if b.label in ("Save scenario", "Keep in this session's list")).click().run()
    return app


@pytest.fixture(scope="module")
def edge_of_care_page():
    return _load(_page().run(), "edge-of-care")


def test_answer_at_both_target_dates_equals_the_one_projection(edge_of_care_page):
    """P(met), RAG and the 95% range at 31 Mar 2019 and 31 Mar 2020, baseline and scenario, each the figure
    evaluate_targets gives on planning.scenarios.project (no second calculation)."""
    dataset, params = load_dataset(), load_parameters()
    scenario = read_saved(ROOT / "scenarios" / "edge-of-care.yaml")
    expected_base = evaluate_targets(project(dataset, scenario=None, params=params), params=params)
    expected = evaluate_targets(project(dataset, scenario=scenario, params=params), params=params)
    answer = _answer(edge_of_care_page)
    lac = answer[answer["Measure"].str.contains("LAC1")].set_index("When")
    assert list(lac.index) == ["31 Mar 2019", "31 Mar 2020"]
    for period, when, target in (("2018-19", "31 Mar 2019", 460), ("2019-20", "31 Mar 2020", 390)):
        row = expected.set_index(["indicator", "period"]).loc[("LAC1", period)]
        base = expected_base.set_index(["indicator", "period"]).loc[("LAC1", period)]
        shown = lac.loc[when]
        assert shown["Target"] == f"{target} or fewer"
        assert shown["Scenario projected"] == format_value(row.projected, "count")
        assert shown["Scenario 95% range"] == f"{row.lo95:,.0f} to {row.hi95:,.0f}"
        assert shown["Scenario chance of meeting it"] == format_chance(row.probability_met)
        assert shown["Baseline chance of meeting it"] == format_chance(base.probability_met)
        assert shown["RAG scenario"].startswith(row.rag) and shown["RAG baseline"].startswith(base.rag)
        assert row.projected < base.projected - 5  # the scenario really moved LAC1
    lines = [m.value for m in edge_of_care_page.markdown if "LAC1" in m.value]
    assert len(lines) == 2 and "31 Mar 2019" in lines[0] and "31 Mar 2020" in lines[1]
    assert all("chance" in line and "-badge[" in line for line in lines)  # RAG in colour and words


def test_target_lines_on_the_looked_after_children_chart(edge_of_care_page):
    specs = [json.loads(chart.proto.spec) for chart in edge_of_care_page.get("plotly_chart")]
    lac = next(spec for spec in specs if spec["layout"]["title"]["text"] == "Looked-after children")
    names = [trace.get("name") for trace in lac["data"]]
    assert "Target Mar 2019: 460" in names and "Target Mar 2020: 390" in names
    target = next(trace for trace in lac["data"] if trace.get("name") == "Target Mar 2020: 390")
    assert target["y"] == [390, 390] and target["x"][-1].startswith("2020-03-01")


def test_comparison_names_the_month_and_formats_the_numbers(edge_of_care_page):
    words = next(frame.value for frame in edge_of_care_page.dataframe if "Figure" in frame.value)
    assert list(words.columns)[:2] == ["Figure", "Baseline (no change)"] and len(words.columns) == 5
    rows = words.set_index("Figure")
    assert all(text.replace(",", "").isdigit() for text in rows.loc["Looked-after children, Mar 2020"])
    assert all(text.startswith("£") for text in rows.loc["Placement spend a month, Mar 2020"])
    assert all(text.endswith("%") for text in rows.loc["Single assessments in 45 days, Mar 2020"])
    chance = [n for n in rows.index if n.startswith("Chance of meeting") and "(LAC1), Mar 2019" in n]
    assert chance and all(text.endswith("%") for text in rows.loc[chance[0]])


def test_levers_are_shown_in_words():
    assert set(LEVER_LABELS) == set(LEVERS)
    app = _page().run()
    labels = [w.label for w in [*app.slider, *app.selectbox]]
    assert labels and not [label for label in labels if "_" in label]
    assert "Extra exits from care (children per month)" in labels


def test_a_nul_in_the_name_is_a_message_in_words_not_an_error_box():
    app = _save(_page().run(), "plan\x00evil")
    assert not app.exception
    assert any("NUL character at character 5" in e.value for e in app.error)


def test_sign_in_off_keeps_the_save_in_the_session_and_offers_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    app = _page().run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    _save(app, "My plan")
    assert not app.exception
    assert "my-plan (this session)" in app.selectbox[0].options  # listed at once
    assert any("Kept as my-plan" in s.value for s in app.success)
    assert not any(tmp_path.iterdir())  # nothing written on the server
    compare = next(m for m in app.multiselect if m.label == "Scenarios")
    assert "my-plan (this session)" in compare.options
    assert app.session_state["my_scenarios"]["my-plan"].levers.edge_of_care_extra_exits == 2.0
    _save(app, "my plan")
    assert any("my-plan is already in this session's list" in e.value for e in app.error)


def test_signed_in_saves_go_to_the_users_private_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    app = _page("planner@example.gov.uk").run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    _save(app, "My plan")
    assert not app.exception
    saved = list(tmp_path.glob("scenarios/*/my-plan.yaml"))
    assert len(saved) == 1 and stat.S_IMODE(saved[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(saved[0].parent.stat().st_mode) == 0o700
    assert read_saved(saved[0]).levers.edge_of_care_extra_exits == 2.0
    assert "my-plan (saved)" in app.selectbox[0].options  # listed at once
    _save(app, "My plan")
    errors = [e.value for e in app.error]
    assert any("my-plan.yaml already exists" in e for e in errors)
    assert not any(str(tmp_path) in e for e in errors)
    other = _page("leader@example.gov.uk").run()
    assert "my-plan (saved)" not in other.selectbox[0].options  # another user never sees it


def test_a_bad_uploaded_scenario_names_the_file_only():
    app = _page().run()
    app.get("file_uploader")[0].upload("broken.yaml", b"schema_version: 1\nname: x\nlevers: {a: 1\n",
                                       "application/x-yaml").run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert errors and errors[0].startswith("broken.yaml: not valid YAML at line")


def test_an_uploaded_scenario_joins_the_list():
    app = _page().run()
    content = (ROOT / "scenarios" / "edge-of-care.yaml").read_bytes()
    app.get("file_uploader")[0].upload("kept-plan.yaml", content, "application/x-yaml").run()
    assert not app.exception
    assert "kept-plan (this session)" in app.selectbox[0].options
    _load(app, "mine:kept-plan")
    assert app.slider(key="lever__edge_of_care_extra_exits").value > 0


def _show_group(app: AppTest, group: str) -> AppTest:
    """Pick a group of levers (one group's widgets are drawn at a time)."""
    app.segmented_control(key="lever_group").set_value(group).run()
    assert not app.exception
    return app


def test_undo_and_reset_per_tab():
    app = _page().run()
    _show_group(app, "workforce").slider(key="lever__recruits_fte").set_value(5.0).run()
    _show_group(app, "edge_of_care").slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(3.0).run()
    app.button(key="undo__edge_of_care").click().run()
    assert not app.exception
    assert app.slider(key="lever__edge_of_care_extra_exits").value == 2.0
    app.slider(key="lever__edge_of_care_entry_reduction").set_value(10.0).run()
    app.button(key="reset__edge_of_care").click().run()
    assert app.slider(key="lever__edge_of_care_extra_exits").value == 0.0
    assert app.slider(key="lever__edge_of_care_entry_reduction").value == 0.0
    app.button(key="undo__edge_of_care").click().run()  # the reset is undone too
    assert app.slider(key="lever__edge_of_care_entry_reduction").value == 10.0
    assert app.slider(key="lever__edge_of_care_extra_exits").value == 2.0
    assert _show_group(app, "workforce").slider(key="lever__recruits_fte").value == 5.0  # untouched
    assert not [s for s in app.slider if s.key == "lever__edge_of_care_extra_exits"]  # one group drawn


def test_levers_of_a_group_not_shown_still_count():
    """Only one group's widgets are drawn; the others keep their values in the scenario, through group
    switches, and come back in their widgets."""
    app = _page().run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    lac = next(m for m in app.metric if m.label.startswith("Looked-after children"))
    for group in ("workforce", "early_help", "demand_shock"):
        _show_group(app, group)
        assert next(m for m in app.metric if m.label.startswith("Looked-after children")).value == lac.value
        assert app.query_params.get("edge_of_care_extra_exits") in ("2", ["2"])
    assert _show_group(app, "edge_of_care").slider(key="lever__edge_of_care_extra_exits").value == 2.0
    neutral = _page().run()
    assert next(m for m in neutral.metric if m.label.startswith("Looked-after children")).value != lac.value


def test_levers_are_kept_in_the_page_address():
    app = _page().run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.5).run()
    assert app.query_params.get("edge_of_care_extra_exits") in ("2.5", ["2.5"])
    assert "recruits_fte" not in app.query_params  # neutral levers stay out of the address
    refreshed = _page()
    refreshed.query_params["edge_of_care_extra_exits"] = "2.5"
    refreshed.query_params["edge_of_care_start"] = "2018-10"
    refreshed.run()
    assert not refreshed.exception
    assert refreshed.slider(key="lever__edge_of_care_extra_exits").value == 2.5
    assert refreshed.selectbox(key="lever__edge_of_care_start").value == "2018-10"
    hostile = _page()
    hostile.query_params["edge_of_care_extra_exits"] = "99"
    hostile.run()
    assert not hostile.exception
    assert any("levers in the page address were not used" in w.value for w in hostile.warning)
    assert hostile.slider(key="lever__edge_of_care_extra_exits").value == 0.0


def test_levers_survive_a_visit_to_another_page():
    """Streamlit drops a widget's value when a run does not draw it (another page); the page restores the
    levers from the session's copy."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    app.switch_page("views/scenarios.py").run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    app.switch_page("views/method.py").run()
    assert not app.slider
    app.switch_page("views/scenarios.py").run()
    assert not app.exception
    assert app.slider(key="lever__edge_of_care_extra_exits").value == 2.0


def test_report_names_the_plan_and_data_set_never_a_server_path(monkeypatch):
    import streamlit

    import forecasting.reports as reports

    calls = []
    real = reports.scenario_html_report
    monkeypatch.setattr(reports, "scenario_html_report",
                        lambda *args, **kwargs: calls.append((args, kwargs)) or real(*args, **kwargs))
    app = _page().run()
    assert not calls                             # not built on a slider change, only when asked for
    real_button = streamlit.download_button

    def click_at_once(label, data=None, *args, **kwargs):  # the report is built on the click: click it
        report = label.startswith("Download the scenario report") and callable(data)
        return real_button(label, data() if report else data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", click_at_once)
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    assert not app.exception
    (title, figures, tables), kwargs = calls[-1]
    assert title == "Scenario: extra exits from care 2"
    assert len(figures) == 8  # every chart in the report, whichever the page shows
    assert kwargs["data_source"] == "southampton-2018-06"
    assert list(tables) == ["Will we hit the targets?", "Results at Mar 2020", "Levers changed"]
    assert list(tables["Levers changed"]["Lever"]) == ["Extra exits from care"]
    assert str(ROOT) not in real(title, [], tables, data_source=kwargs["data_source"])


def test_a_save_is_at_once_a_plan_on_the_finance_page():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    app.switch_page("views/scenarios.py").run()
    app.slider(key="lever__edge_of_care_extra_exits").set_value(2.0).run()
    _save(app, "Exits plan")
    app.switch_page("views/finance.py").run()
    assert not app.exception
    plans = app.selectbox(key="finance-plan")
    assert "exits-plan (this session)" in plans.options
    plans.set_value("mine:exits-plan").run()
    assert not app.exception
    assert any("Exits plan" in h.value for h in app.subheader)


def test_an_upload_never_replaces_a_scenario_silently(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    app = _page("planner@example.gov.uk").run()
    content = (ROOT / "scenarios" / "edge-of-care.yaml").read_bytes()
    app.get("file_uploader")[0].upload("kept-plan.yaml", content, "application/x-yaml").run()
    assert "kept-plan (saved)" in app.selectbox[0].options
    saved = next(tmp_path.glob("scenarios/*/kept-plan.yaml"))
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    other = (ROOT / "scenarios" / "demand-shock.yaml").read_bytes()
    app.get("file_uploader")[0].upload("kept-plan.yaml", other, "application/x-yaml").run()
    assert not app.exception
    assert any("already have a scenario called kept-plan" in e.value for e in app.error)
    assert read_saved(saved).levers == read_saved(ROOT / "scenarios" / "edge-of-care.yaml").levers


def test_headline_table_has_headers_in_words_and_the_decomposition_waits_to_be_asked(edge_of_care_page):
    headlines = next(frame.value for frame in edge_of_care_page.dataframe
                     if "Projection at 31 Mar 2020" in frame.value)
    assert {"Measure", "Latest month", "95% range at 31 Mar 2019", "Chance of meeting the 2019-20 target (%)",
            "RAG 2019-20"} <= set(headlines.columns)
    assert not [name for name in headlines.columns if "_" in name]          # no code such as p_met_2019_20
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"]
              for chart in edge_of_care_page.get("plotly_chart")]
    assert not [title for title in titles if title.startswith("Where the change comes from")]
    edge_of_care_page.toggle(key="scenario_decompose").set_value(True).run()
    assert not edge_of_care_page.exception
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"]
              for chart in edge_of_care_page.get("plotly_chart")]
    assert "Where the change comes from (children and caseloads)" in titles


def test_the_care_pathways_evidence_is_shown_in_words(edge_of_care_page):
    pathway = next(frame.value for frame in edge_of_care_page.dataframe if "Assumption" in frame.value)
    assert len(pathway) == len(pathway_evidence_table())
    assert not pathway["Assumption"].str.contains("_").any()   # labels, not codes
    assert "Months from a new child protection plan" in " ".join(pathway["Assumption"])


def test_the_charts_drawn_are_those_picked_and_the_pick_is_kept():
    """Issue 16 part 6: the browser draws each chart, so the page draws the charts picked (Looked-after
    children first); the pick survives a visit to another page."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    app.switch_page("views/scenarios.py").run()
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]
    assert titles == ["Looked-after children"]
    picked = ["Looked-after children", "Placement spend a month"]
    app.pills(key="scenario_charts_shown").set_value(picked).run()
    app.switch_page("views/method.py").run()
    app.switch_page("views/scenarios.py").run()
    assert not app.exception
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]
    assert titles == picked


def test_a_closed_expanders_tables_are_not_drawn():
    """Issue 16 part 6: what a closed expander holds is neither worked out nor sent to the browser; opening
    it draws it."""
    closed = _page(opened=False).run()
    assert not closed.exception
    # the answer, targets, headlines and evidence tables wait to be opened: only the comparison is drawn
    assert [list(frame.value.columns)[0] for frame in closed.dataframe] == ["Figure"]
    assert len([m for m in closed.markdown if "LAC1" in m.value]) == 2       # the answer is there in words
    closed.session_state["scenario_targets_open"] = True
    closed.run()
    assert [list(frame.value.columns)[0] for frame in closed.dataframe] == ["indicator", "Figure"]


def test_a_lever_in_the_address_counts_though_its_group_is_not_shown():
    """The address names a Social workers lever while Edge of care is the group shown: the scenario has it
    (the address keeps it) and its slider has it when its group is picked."""
    app = _page()
    app.query_params["recruits_fte"] = "5"
    app.run()
    assert not app.exception
    assert not [s for s in app.slider if s.key == "lever__recruits_fte"]       # its group is not drawn
    for _ in range(2):                                                          # kept over reruns
        assert app.query_params.get("recruits_fte") in ("5", ["5"])
        assert app.session_state["levers_kept"]["recruits_fte"] == 5.0
        app.run()
    assert _show_group(app, "workforce").slider(key="lever__recruits_fte").value == 5.0
