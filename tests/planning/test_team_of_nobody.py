"""A team with nobody in post (forecasting.planning.workforce_scenario.scenario_measures,
workforce.team_load): caseload per worker is 0 when there is no work (nobody carries anything), infinite when
there is work and no one to carry it; never "not a number". By hand:
- Early Help: no family workers (establishment, vacancies and agency 0); every Universal Help Plan is held by
  a family worker, a plan stays open 2 months, 12 families per worker. Plans opened 0, 0.5, 12 a month (a
  forecast: half a family is still work) -> open families 0 + 0, 0 + 0.5, 0.5 + 12 = 0, 0.5, 12.5: caseload 0,
  infinite, infinite; FTE gap = open / 12 - 0 = 0, 0.5 / 12, 12.5 / 12, counted in the
  total (the social-work teams' own gaps: needed 1,000 / 100 = 10, 190 / 10 = 19,
  1,000 / 20 = 50, 250 / 10 = 25 against 10, 20, 50, 20 at work = 0 - 1 + 0 + 5 = 4 every month).
- Half a family worker (0.5 FTE) with 3 plans a month open 2 months carries 6 / 0.5 = 12 families: a part-time
  team is a team (caseload finite, gap 6 / 12 - 0.5 = 0).
- A social-work team: the MASH with 0 FTE and 0 contacts has a caseload of 0; with 1,000 or 0.5 contacts,
  infinite."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.workforce import team_load
from forecasting.planning.workforce_scenario import scenario_measures

MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")
NO_LEVERS = SimpleNamespace(vacancy_fte_change=0.0, agency_fte_change=0.0, turnover_pct_change=0.0,
                            recruits_fte=0.0)


def _params(**extra):
    """Social-work teams 10 / 20 / 50 / 20 FTE, all filled, no agency, no ASYE; norms as in the toys of
    tests/planning/test_workforce_v2_rules.py (gaps 0, -1, 0, 5 = 4 a month on _demand())."""
    plan = {f"{name}_{team}": 0 for name in ("vacancies_fte", "agency_fte", "asye_fte")
            for team in ("mash", "assessment", "cin_cp", "lac")}
    return with_overrides(load_parameters(include_levers=False), {
        "establishment_fte_mash": 10, "establishment_fte_assessment": 20, "establishment_fte_cin_cp": 50,
        "establishment_fte_lac": 20, **plan, "caseload_norm_cin_cp": 20, "caseload_norm_lac": 10,
        "contacts_per_fte_mash": 100, "assessments_per_fte_month": 10, **extra})


def _demand():
    return pd.DataFrame({"contacts": 1000.0, "referrals": 200.0, "assessments": 190.0, "cin_open": 600.0,
                         "cp_plans": 400.0, "lac": 250.0}, index=MONTHS)


def test_an_early_help_team_of_nobody_with_no_families_has_a_caseload_of_0():
    params = _params(early_help_plan_months=2, early_help_family_worker_share_pct=100,
                     caseload_norm_early_help=12, establishment_fte_early_help=0, vacancies_fte_early_help=0,
                     agency_fte_early_help=0)
    table = scenario_measures(_demand().assign(early_help_plans=[0.0, 0.5, 12.0]), NO_LEVERS, params)
    assert list(table["caseload_early_help"]) == [0.0, np.inf, np.inf]
    assert list(table["fte_gap_early_help"]) == pytest.approx([0.0, 0.5 / 12, 12.5 / 12])
    assert list(table["fte_gap_total"]) == pytest.approx([4.0, 4.0 + 0.5 / 12, 4.0 + 12.5 / 12])


def test_a_social_work_team_of_nobody_with_no_work_has_a_caseload_of_0():
    fte = pd.DataFrame({"mash": 0.0, "assessment": 19.0, "cin_cp": 50.0, "lac": 20.0}, index=MONTHS)
    demand = _demand().assign(contacts=[0.0, 1000.0, 0.5])
    mash = team_load(demand, fte, _params()).query("team == 'mash'")
    assert list(mash["caseload_per_worker"]) == [0.0, np.inf, np.inf]


def test_half_a_family_worker_carries_the_families_open():
    # 0.5 FTE in post; plans 3 a month open 2 months -> 6 families: 6 / 0.5 = 12 each month (not infinite)
    params = _params(early_help_plan_months=2, early_help_family_worker_share_pct=100,
                     caseload_norm_early_help=12, establishment_fte_early_help=0.5,
                     vacancies_fte_early_help=0, agency_fte_early_help=0, turnover_pct_early_help=0)
    table = scenario_measures(_demand().assign(early_help_plans=3.0), NO_LEVERS, params)
    assert list(table["caseload_early_help"]) == pytest.approx([12.0, 12.0, 12.0])
    assert list(table["fte_gap_early_help"]) == pytest.approx([0.0, 0.0, 0.0])  # 6 / 12 - 0.5
