"""Every page renders on every data set the Data page accepts, and says in words which indicators it lacks.

The data sets: each file of the upload corpus (tests/malformed) that `check_path` accepts with no blocking
error, and a minimal scorecard with only contacts, referrals, CP plans and looked-after children (M1, M2,
CP6B, LAC1), loaded through `load_upload` and put into the session the way the Data page does
(`ui.state.use_dataset`). Forecasts are cached on disk in a temporary folder (by data fingerprint) and in
memory by Streamlit. """
from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forecasting.data import check_path, load_upload
from forecasting.planning.coverage import CAPABILITIES, coverage, indicator_words
from ui.state import DATASET_KEY

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "malformed"
PAGES = sorted(p.stem for p in (ROOT / "views").glob("*.py"))
TIMEOUT = 120


def _accepted(path: Path) -> bool:
    dataset, report = check_path(path)
    return dataset is not None and report.ok


GOOD_FILES = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix != ".py" and _accepted(p))
DATASETS = ["minimal", *GOOD_FILES]


@pytest.fixture(scope="module", autouse=True)
def forecast_cache(tmp_path_factory):
    before = os.environ.get("FORECASTING_CACHE_DIR")
    os.environ["FORECASTING_CACHE_DIR"] = str(tmp_path_factory.mktemp("forecast-cache"))
    yield
    if before is None:
        os.environ.pop("FORECASTING_CACHE_DIR", None)
    else:
        os.environ["FORECASTING_CACHE_DIR"] = before


def _minimal(embedded) -> object:
    rows = embedded.observations[embedded.observations["unique_id"].isin(["M1", "M2", "CP6B", "LAC1"])]
    long = rows.rename(columns={"unique_id": "indicator", "ds": "month", "y": "value"})
    long = long.assign(month=long["month"].dt.strftime("%Y-%m"))
    dataset, report = load_upload("minimal.csv", long.to_csv(index=False).encode())
    assert report.ok and dataset is not None, report.to_frame()
    return dataset


_LOADED: dict[str, object] = {}


@pytest.fixture
def dataset_named(embedded_dataset):
    def load(name: str):
        if name not in _LOADED:
            _LOADED[name] = _minimal(embedded_dataset) if name == "minimal" else check_path(CORPUS / name)[0]
        return _LOADED[name]
    return load


def run_page(page: str, dataset) -> AppTest:
    app = AppTest.from_file(str(ROOT / "views" / f"{page}.py"), default_timeout=TIMEOUT)
    app.session_state[DATASET_KEY] = dataset           # what the Data page's state.use_dataset does
    return app.run()


def _info(app: AppTest) -> str:
    return "\n".join(i.value for i in app.info)


def test_the_corpus_has_the_good_files_the_loader_accepts():
    assert "24-good-wide-excel-dates.xlsx" in GOOD_FILES
    assert "19-negative-count.xlsx" not in GOOD_FILES and "03-empty.csv" not in GOOD_FILES
    assert len(GOOD_FILES) >= 5


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", DATASETS)
def test_page_renders_and_names_what_the_data_lacks(name, page, dataset_named):
    dataset = dataset_named(name)
    app = run_page(page, dataset)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title and app.title[0].value
    if page in CAPABILITIES:
        found = coverage(dataset, page)
        shown = _info(app)
        for code in found.missing_codes:
            assert indicator_words(code) in shown, (code, shown)
        if not found.missing:
            assert "lacks" not in shown and "cannot be drawn" not in shown


def test_minimal_data_set_workforce_shows_the_teams_it_can(dataset_named):
    app = run_page("workforce", dataset_named("minimal"))
    assert not app.exception
    shown = _info(app)
    assert "single assessments completed (EH3)" in shown and "open children-in-need cases (EH2)" in shown
    needed = app.dataframe[0].value
    assert set(needed["team"]) == {"mash", "lac"}              # CIN/CP needs EH2, assessment needs EH3
    assert (needed["fte_needed"] > 0).all()


def test_minimal_data_set_scenarios_say_cp_plans_do_not_respond(dataset_named):
    app = run_page("scenarios", dataset_named("minimal"))
    assert not app.exception
    shown = _info(app)
    assert "conferences resulting in a child protection plan (CP4 (val))" in shown
    assert "contacts (M1)" not in shown                         # present, so not reported
    assert any(m.label.startswith("Looked-after children") for m in app.metric)


def test_repository_good_example_draws_finance_with_the_scenario(dataset_named):
    app = run_page("finance", dataset_named("24-good-wide-excel-dates.xlsx"))
    assert not app.exception
    assert "in-house foster carers (LAC16)" in _info(app)
    assert any("Savings from" in s.value for s in app.subheader)


@pytest.mark.parametrize(
    "page, needed",
    [
        ("scenarios", "contacts (M1)"),
        ("finance", "looked-after children (LAC1)"),
        ("workforce", "contacts (M1)"),
    ],
)
def test_percent_only_data_set_says_the_page_cannot_be_drawn(page, needed, dataset_named):
    app = run_page(page, dataset_named("35-percent-as-fraction.csv"))       # holds only M3
    assert not app.exception
    assert "cannot be drawn" in _info(app) and needed in _info(app)
    assert not app.get("plotly_chart")
