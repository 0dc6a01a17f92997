"""Front-door triage (issue 14): when the MASH backlog carried into a month is above `triage_threshold_months`
of its capacity, `triage_screen_out_pct` of the month's contacts are screened out on the day; work past the
ceiling (`backlog_ceiling_months`) is closed too. Hand-computed toys: a demand shock, a step change in FTE."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.workforce import team_load

MONTHS = pd.date_range("2018-07-01", periods=4, freq="MS")


def _params(**extra):
    base = {"backlog_ceiling_months": 1.0, "triage_threshold_months": 0.25, "triage_screen_out_pct": 10}
    return with_overrides(load_parameters(include_levers=False), {**base, **extra})


def _mash(contacts, fte, params, per_fte=100.0):
    demand = pd.DataFrame({"contacts": contacts}, index=MONTHS)
    frame = team_load(demand, pd.DataFrame({"mash": fte}, index=MONTHS), params, capacity={"mash": per_fte})
    return frame[frame["team"] == "mash"].reset_index(drop=True)


def test_a_demand_shock_switches_triage_on_and_the_ceiling_holds():
    # capacity 100 a month; threshold 25 (0.25 months); ceiling 100 (1 month); 10% screened while on
    mash = _mash([150.0, 150, 150, 50], 1.0, _params())
    # Jul: nothing carried in -> no triage; 150 to do, 100 done, 50 carried
    # Aug: 50 carried > 25 -> 15 screened; 135 + 50 = 185, 100 done, 85 carried
    # Sep: 85 > 25 -> 15 screened; 135 + 85 = 220, 100 done, 120 left: 100 carried, 20 past the ceiling
    # Oct: 100 > 25 -> 5 screened; 45 + 100 = 145, 100 done, 45 carried
    assert mash["screened_out"].tolist() == pytest.approx([0, 15, 15, 5])
    assert mash["workload"].tolist() == pytest.approx([150, 185, 220, 145])
    assert mash["backlog"].tolist() == pytest.approx([50, 85, 100, 45])
    assert mash["over_ceiling"].tolist() == pytest.approx([0, 0, 20, 0])
    assert mash["triaged"].tolist() == pytest.approx([0, 15, 35, 5])
    assert mash["utilisation"].tolist() == pytest.approx([1.5, 1.85, 2.2, 1.45])


def test_a_step_change_in_fte_clears_the_queue_and_switches_triage_off():
    # 150 contacts a month; 1 FTE (capacity 100) for two months, then 2 FTE (capacity 200)
    mash = _mash([150.0] * 4, [1.0, 1.0, 2.0, 2.0], _params())
    # Jul: 150, 100 done, 50 carried (no triage)
    # Aug: 50 > 25 -> 15 screened; 185, 100 done, 85 carried
    # Sep: threshold now 0.25 x 200 = 50; 85 > 50 -> 15 screened; 135 + 85 = 220, 200 done, 20 carried
    # Oct: 20 < 50 -> no triage; 150 + 20 = 170, all done
    assert mash["screened_out"].tolist() == pytest.approx([0, 15, 15, 0])
    assert mash["backlog"].tolist() == pytest.approx([50, 85, 20, 0])
    assert mash["triaged"].tolist() == pytest.approx([0, 15, 15, 0])


def test_triage_is_the_front_door_only_and_off_without_its_share():
    params = _params()
    demand = pd.DataFrame({"assessments": [150.0, 150, 150, 50]}, index=MONTHS)
    assessment = team_load(
        demand, pd.DataFrame({"assessment": 1.0}, index=MONTHS), params, capacity={"assessment": 100.0}
    )
    # the same shock at the assessment team: no screening, only the ceiling (50, 100, 100, 50 carried)
    assert assessment["screened_out"].tolist() == [0, 0, 0, 0]
    assert assessment["backlog"].tolist() == pytest.approx([50, 100, 100, 50])
    assert assessment["over_ceiling"].tolist() == pytest.approx([0, 0, 50, 0])
    off = _mash([150.0, 150, 150, 50], 1.0, _params(triage_screen_out_pct=0))
    assert np.all(off["screened_out"] == 0)
    assert off["backlog"].tolist() == pytest.approx([50, 100, 100, 50])


def test_contacts_triaged_out_are_a_scenario_measure():
    from types import SimpleNamespace

    from forecasting.planning.workforce_scenario import scenario_measures

    params = _params(establishment_fte_mash=1, vacancies_fte_mash=0, agency_fte_mash=0, asye_fte_mash=0)
    demand = pd.DataFrame({"contacts": [150.0, 150, 150, 50]}, index=MONTHS)
    levers = SimpleNamespace(recruits_fte=0.0, agency_fte_change=0.0, vacancy_fte_change=0.0,
                             turnover_pct_change=0.0)  # fmt: skip
    table = scenario_measures(demand, levers, params, capacity={"mash": 100.0})
    assert table["screened_out_mash"].tolist() == pytest.approx([0, 15, 15, 5])
    assert table["triaged_mash"].tolist() == pytest.approx([0, 15, 35, 5])


def test_queue_table_and_words_hand_computed():
    from forecasting.planning.workforce_queue import queue_lines, queue_table

    params = _params()
    by_team = _mash([150.0, 150, 150, 50], 1.0, params)
    table = queue_table(by_team, params)
    # arriving = workload - carried in + screened out: 150, 185 - 50 + 15, 220 - 85 + 15, 145 - 100 + 5
    assert table["arriving"].tolist() == pytest.approx([150, 150, 150, 50])
    assert table["ceiling"].tolist() == pytest.approx([100] * 4)
    assert table["triage_threshold"].tolist() == pytest.approx([25] * 4)
    assert table["backlog_months"].tolist() == pytest.approx([0.5, 0.85, 1.0, 0.45])
    (line,) = queue_lines(table, params)
    assert "above 0.25 months of capacity (triage_threshold_months), 10% of that month's contacts" in line
    assert "at most 1 month of its capacity" in line
    # peak 100 in Sep; 15 + 15 + 5 = 35 screened out Aug-Oct; 20 closed past the ceiling in Sep
    assert "the backlog peaks at 100 contacts (1.00 months of capacity, Sep 2018)" in line
    assert "35 contacts triaged out at the door (Aug 2018 to Oct 2018)" in line
    assert "20 closed past the ceiling (Sep 2018)" in line
    calm = queue_lines(queue_table(_mash([50.0] * 4, 1.0, params), params), params)
    assert calm[0].endswith("nothing is carried over or triaged out.")
