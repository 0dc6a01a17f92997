"""The planner's answer on a toy whose need is given by hand (forecasting.planning.workforce_sizing; the need
per team and month replaced by a table, the staffing plan set by named parameters):

plan for every team: establishment 20 FTE, 4 vacant (16 filled), 2 agency, no turnover, no ASYE, full caseload
at once; two months, Jul and Aug 2018. Need by hand:
- MASH 18 then 21 FTE: peak 21 in Aug 2018; recruits = 21 - 16 filled = 5; posts to add = 21 - 20 = 1;
- CIN/CP 12 FTE both months: 4 FTE to spare, no recruits, no posts to add (max(12 - 20, 0) = 0);
- Assessment: a timeliness target out of reach of staffing alone (infinite need): no recruits or posts given,
  one note saying so, left out of the total.
Teams keep the order of the service (front door first), as the need table gives them; no Early Help row
without Universal Help Plans or a step-down."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning import workforce_sizing
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.staffing import STAFFED_TEAMS

MONTHS = pd.DatetimeIndex(["2018-07-01", "2018-08-01"])
NEED = {"mash": [18.0, 21.0], "assessment": [np.inf, np.inf], "cin_cp": [12.0, 12.0]}


@pytest.fixture
def sizing(monkeypatch):
    def staffing_fte_needed(baseline, params, norms, targets, deltas):
        return pd.DataFrame([{"month": m, "team": team, "fte_needed": need[i]}
                             for team, need in NEED.items() for i, m in enumerate(MONTHS)])

    monkeypatch.setattr(workforce_sizing, "staffing_fte_needed", staffing_fte_needed)
    plan = {}
    for team in STAFFED_TEAMS:
        plan |= {f"establishment_fte_{team}": 20.0, f"vacancies_fte_{team}": 4.0, f"agency_fte_{team}": 2.0,
                 f"turnover_pct_{team}": 0.0, f"months_to_full_caseload_{team}": 0.0, f"asye_fte_{team}": 0.0}
    params = with_overrides(load_parameters(), plan)
    baseline = SimpleNamespace(months=MONTHS, flows={})
    return workforce_sizing.size_workforce(baseline, params)


def test_recruits_close_the_gap_to_filled_posts_and_posts_are_added_only_beyond_the_establishment(sizing):
    summary = sizing.summary.set_index("team")
    assert summary.loc["mash", "fte_needed"] == 21.0
    assert summary.loc["mash", "peak_month"] == "Aug 2018"
    assert summary.loc["mash", "filled_fte"] == 16.0
    assert summary.loc["mash", "recruits_needed"] == 5.0
    assert summary.loc["mash", "posts_to_add"] == 1.0
    assert summary.loc["cin_cp", "gap_to_filled"] == -4.0
    assert summary.loc["cin_cp", "recruits_needed"] == 0.0
    assert summary.loc["cin_cp", "posts_to_add"] == 0.0


def test_an_unreachable_need_gives_no_recruits_one_note_and_stays_out_of_the_total(sizing):
    summary = sizing.summary.set_index("team")
    assert np.isnan(summary.loc["assessment", "recruits_needed"])
    assert np.isnan(summary.loc["assessment", "posts_to_add"])
    out_of_reach = [note for note in sizing.notes if "out of reach of staffing alone" in note]
    assert len(out_of_reach) == 1 and out_of_reach[0].startswith("Assessment: ")
    # the total: peak of MASH + CIN/CP = 21 + 12 = 33 in Aug 2018; recruits 5 + 0; posts 1 + 0
    assert summary.loc["all", "fte_needed"] == 33.0
    assert summary.loc["all", "recruits_needed"] == 5.0
    assert summary.loc["all", "posts_to_add"] == 1.0
    assert summary.loc["all", "team_name"] == "All teams sized (not Assessment)"


def test_teams_keep_the_order_of_the_service_and_there_is_no_early_help_row_without_its_demand(sizing):
    assert list(sizing.summary["team"]) == ["mash", "assessment", "cin_cp", "all"]
    assert list(sizing.by_month["team"]) == ["mash", "mash", "assessment", "assessment", "cin_cp", "cin_cp"]
