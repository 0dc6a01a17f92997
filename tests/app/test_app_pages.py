"""AppTest smoke tests: every page renders on the embedded data without an exception; key interactions
work."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "forecasts", "scenarios", "workforce", "finance", "data", "method", "authorities"]
TIMEOUT = 120


def run_page(name: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "views" / f"{name}.py"), default_timeout=TIMEOUT)
    return app.run()


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_without_exception(name):
    app = run_page(name)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title and app.title[0].value


def test_entry_point_builds_navigation():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not app.exception
    assert app.title[0].value == "Overview"


def _metric_values(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_scenario_slider_changes_the_figures():
    app = run_page("scenarios")
    before = _metric_values(app)
    app.slider(key="lever__edge_of_care_entry_reduction").set_value(30.0).run()
    assert not app.exception
    after = _metric_values(app)
    lac = next(label for label in after if label.startswith("Looked-after children"))
    assert int(after[lac].replace(",", "")) < int(before[lac].replace(",", ""))


def test_forecasts_page_switches_indicator():
    app = run_page("forecasts")
    app.selectbox[0].set_value("M1").run()
    assert not app.exception
    assert any("M1" in info.value for info in app.info)


def test_data_page_good_upload_switches_the_data(embedded_dataset):
    app = run_page("data")
    content = (ROOT / "tests" / "malformed" / "24-good-wide-excel-dates.xlsx").read_bytes()
    app.get("file_uploader")[0].upload("my-scorecard.xlsx", content,
                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not app.exception
    assert any("Now using my-scorecard.xlsx" in s.value for s in app.success)
    assert any("Active data set:** my-scorecard.xlsx" in m.value for m in app.markdown)


def test_data_page_bad_upload_shows_located_errors():
    app = run_page("data")
    content = (ROOT / "tests" / "malformed" / "19-negative-count.xlsx").read_bytes()
    app.get("file_uploader")[0].upload("bad.xlsx", content,
                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not app.exception
    assert app.error and "cannot be used yet" in app.error[0].value
    table = app.dataframe[0].value
    assert {"Sheet", "Row", "Column"} <= set(table.columns)      # headers in words
    assert (table["Row"] == 2).any() and (table["Column"] == "O").any()
    assert any("Active data set:** the embedded" in m.value for m in app.markdown)


def test_data_page_switches_back_to_embedded():
    app = run_page("data")
    content = (ROOT / "tests" / "malformed" / "24-good-wide-excel-dates.xlsx").read_bytes()
    app.get("file_uploader")[0].upload("mine.xlsx", content,
                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    app.button[0].click().run()
    assert not app.exception
    assert any("Active data set:** the embedded" in m.value for m in app.markdown)


def test_authorities_page_compares_and_switches(embedded_dataset):
    import pandas as pd

    long = embedded_dataset.observations.rename(
        columns={"unique_id": "indicator", "ds": "month", "y": "value"}
    )
    long = long[long.indicator.isin(["M1", "LAC1"])].assign(month=lambda f: f.month.dt.strftime("%Y-%m"))
    frame = pd.concat([long.assign(authority="Southampton"), long.assign(authority="Portsmouth")])
    app = run_page("authorities")
    app.get("file_uploader")[0].upload("councils.csv", frame.to_csv(index=False).encode(), "text/csv").run()
    assert not app.exception
    app.selectbox[1].set_value("Portsmouth").run()
    app.button[0].click().run()
    assert not app.exception and "Portsmouth is now the active data set" in app.success[0].value
    assert app.session_state["active_dataset"].indicator_codes == ["LAC1", "M1"]


def test_data_page_takes_the_councils_own_targets():
    app = run_page("data")
    app.get("file_uploader")[1].upload(
        "targets.csv", b"indicator,period,target,basis\nLAC1,2019-20,420,year_end_level\n", "text/csv"
    ).run()
    assert not app.exception
    assert any("targets.csv is now used" in s.value for s in app.success)
    assert app.session_state["active_dataset"].targets["target"].tolist() == [420.0]


def test_scenario_goal_seek_works_on_top_of_the_plan_and_its_answer_applies_to_the_levers():
    """Issue 13: a lever beyond its evidence is flagged in words; goal-seek starts from the levers on the page
    (not the baseline) and its answer can be applied to the slider."""
    app = run_page("scenarios")
    app.slider(key="lever__edge_of_care_entry_reduction").set_value(30.0).run()
    assert not app.exception
    assert any("Beyond the evidence" in warning.value and "Entries to care avoided" in warning.value
               for warning in app.warning)
    next(button for button in app.button if button.label == "Find the smallest lever value").click().run()
    assert not app.exception
    answers = [s.value for s in app.success]
    assert answers and "Entries to care avoided: 30 percent of entries to care" in answers[0]  # plan kept
    apply = next(button for button in app.button if button.label.startswith("Apply extra exits from care"))
    value = float(apply.label.split("= ")[1].split(" ")[0])
    apply.click().run()
    assert not app.exception
    assert app.slider(key="lever__edge_of_care_extra_exits").value == value
    assert app.slider(key="lever__edge_of_care_entry_reduction").value == 30.0


def test_scenarios_page_runs_to_five_years_with_the_steady_state():
    app = run_page("scenarios")
    app.radio(key="scenario_horizon").set_value("Five years, to Mar 2023").run()
    app.slider(key="lever__edge_of_care_entry_reduction").set_value(10.0).run()
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert any(label.endswith("Mar-23") for label in labels), labels
    assert any("At full effect, about" in info.value and "fewer looked-after children" in info.value
               for info in app.info)


def test_scenario_two_lever_goal_seek_applies_both_levers():
    app = run_page("scenarios")
    app.slider(key="lever__edge_of_care_entry_reduction").set_value(5.0).run()  # so applying shows a change
    next(box for box in app.selectbox if box.label == "Lever").set_value("edge_of_care_entry_reduction")
    second = next(box for box in app.selectbox if box.label.startswith("Second lever"))
    second.set_value("edge_of_care_extra_exits")
    next(s for s in app.slider if s.label == "Chance of meeting it").set_value(30)
    next(button for button in app.button if button.label == "Find the smallest lever value").click().run()
    assert not app.exception
    assert app.success and "Cheapest combination" in app.success[0].value
    shown = next(frame.value for frame in app.dataframe if "Chance of meeting the target (%)" in frame.value)
    assert list(shown.columns[:2]) == ["Entries to care avoided (percent of entries to care)",
                                       "Extra exits from care (children per month)"]      # words, not codes
    apply = next(button for button in app.button
                 if button.label.startswith("Apply entries to care avoided"))
    answer = app.session_state["goalseek_answer"]
    best = {name: float(answer.best[name]) for name in answer.levers}
    assert best["edge_of_care_extra_exits"] > 0  # the cheapest mix may or may not use fewer entries
    apply.click().run()
    assert not app.exception
    for name, value in best.items():  # both levers take the answer's values
        assert app.slider(key=f"lever__{name}").value == value


def test_a_new_councils_upload_is_not_graded_against_the_reference_targets():
    """Upload another council's scorecard: no borrowed targets, so no RAG, and a banner says how to add
    them."""
    app = run_page("data")
    content = (ROOT / "tests" / "malformed" / "24-good-wide-excel-dates.xlsx").read_bytes()
    app.get("file_uploader")[0].upload("other-council.xlsx", content,
                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not app.exception
    dataset = app.session_state["active_dataset"]
    assert dataset.targets.empty and dataset.context == {}
    overview = AppTest.from_file(str(ROOT / "views" / "overview.py"), default_timeout=TIMEOUT)
    overview.session_state["active_dataset"] = dataset
    overview.run()
    assert not overview.exception
    assert any("No targets for this data set yet" in w.value for w in overview.warning)
