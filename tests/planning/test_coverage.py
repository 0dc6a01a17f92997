"""Coverage: which indicators each page needs that a data set lacks, named in plain words."""

import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.coverage import CAPABILITIES, INDICATOR_WORDS, coverage, indicator_words
from forecasting.planning.pipeline import FLOW_INDICATORS
from forecasting.planning.workforce import HISTORY_INDICATORS, TIMELINESS_TEAM


def _dataset(*codes: str, blank: tuple[str, ...] = ()) -> Dataset:
    months = pd.date_range("2018-01-01", periods=3, freq="MS")
    obs = pd.DataFrame(
        [
            {"unique_id": c, "ds": m, "y": float("nan") if c in blank else 1.0}
            for c in codes + blank
            for m in months
        ]
    )
    return Dataset(
        observations=obs,
        indicators=pd.DataFrame(
            {"unit": ["count"] * len(codes + blank)}, index=pd.Index(list(codes + blank), name="indicator")
        ),
    )


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_embedded_data_lacks_nothing_any_page_uses(embedded_dataset, capability):
    found = coverage(embedded_dataset, capability)
    assert found.usable and found.missing == () and found.message() == ""


def test_minimal_data_set_workforce_names_the_missing_teams_in_words():
    found = coverage(_dataset("M1", "M2", "CP6B", "LAC1"), "workforce")
    assert found.usable
    assert found.missing_codes == ["EH3", "EH2", "M8-QL", "EH4-QL", "CP8-QL"]
    assert [team for team in ("mash", "assessment", "cin_cp", "lac") if found.has(team)] == ["mash", "lac"]
    text = found.message()
    assert "- without single assessments completed (EH3): the assessment team's workload" in text
    assert "- without open children-in-need cases (EH2): the CIN/CP team's caseload" in text
    assert "CP6B" not in text  # present: not reported as missing


def test_a_page_that_cannot_be_drawn_names_only_what_it_needs():
    found = coverage(_dataset("M3"), "scenarios")
    assert not found.usable
    assert found.missing_codes == ["M1"]  # not the optional extras as well
    assert found.message().startswith("This page cannot be drawn from this data set")
    assert "contacts (M1)" in found.message()
    workforce = coverage(_dataset("M3", "LAC1"), "workforce")
    assert not workforce.usable and workforce.missing_codes == ["M1"]


def test_an_indicator_with_no_values_counts_as_missing():
    found = coverage(_dataset("M1", blank=("LAC1",)), "finance")
    assert not found.usable and found.missing_codes == ["LAC1"]


def test_finance_without_contacts_still_draws_placements():
    found = coverage(_dataset("LAC1", "LAC9 (val)", "LAC16"), "finance")
    assert found.usable and found.missing_codes == ["M1"] and not found.has("scenario")
    assert "comparison with a scenario" in found.message()


def test_parts_cover_what_the_models_read_and_every_code_has_words():
    codes = {c for parts in CAPABILITIES.values() for part in parts for c in part.codes}
    assert set(HISTORY_INDICATORS.values()) - {"M2"} <= codes  # referrals are not a team's work
    assert set(TIMELINESS_TEAM) <= codes
    assert {
        FLOW_INDICATORS[m]
        for m in (
            "contacts",
            "referrals",
            "assessments",
            "s47_enquiries",
            "icpc",
            "new_cp_plans",
            "cp_plans",
            "lac_starts",
            "lac",
            "cin_open",
        )
    } <= codes
    assert codes <= set(INDICATOR_WORDS)
    assert indicator_words("EH3") == "single assessments completed (EH3)"
    assert indicator_words("XYZ9") == "XYZ9"


def test_unknown_capability_is_refused():
    with pytest.raises(ValueError, match="unknown capability"):
        coverage(_dataset("M1"), "payroll")
