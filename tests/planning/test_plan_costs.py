"""Costs of the plan itself on hand-computed toys: delivery by lever, allowances after exits, net cost."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.levers import LEVERS
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.plan_costs import (
    STAFFING_NOTE,
    allowance_months,
    components,
    paid_children,
    plan_cost_measures,
)

MONTHS = pd.date_range("2018-07-01", periods=12, freq="MS")  # Jul 2018 .. Jun 2019


def _levers(**changes):
    return SimpleNamespace(**{name: spec.neutral for name, spec in LEVERS.items()} | changes)


@pytest.fixture(scope="module")
def params():
    return with_overrides(
        load_parameters(include_levers=False),
        {
            "edge_of_care_service_cost_per_year": 120000,
            "early_help_cost_per_family_month": 100,
            "in_house_carer_recruitment_cost": 5000,
            "in_house_carer_support_cost_per_year": 1200,
            "sgo_allowance_per_week": 100,
            "sgo_allowance_take_up_pct": 50,
            "extra_exits_to_sgo_pct": 50,
            "adoption_allowance_per_week": 100,
            "adoption_allowance_take_up_pct": 100,
            "extra_exits_to_adoption_pct": 0,
            "general_inflation_pct": 0.0,
            "weeks_per_year": 52.0,
        },
    )


def test_neutral_levers_cost_nothing(params):
    table = components(MONTHS, _levers(), np.zeros(len(MONTHS)), params)
    assert (table.to_numpy() == 0).all()
    measures = {"placement_cost": (np.full(12, 1000.0), np.zeros(12))}
    out = plan_cost_measures(MONTHS, _levers(), {"early_help_open": np.zeros(12)}, params, measures, [])
    assert (out["net_cost"][0] == 1000.0).all() and (out["net_cost"][1] == 0).all()


def test_edge_of_care_service_runs_from_its_start_month(params):
    levers = _levers(
        edge_of_care_entry_reduction=10.0, edge_of_care_extra_exits=1.0, edge_of_care_start="2018-09"
    )
    service = components(MONTHS, levers, None, params)["edge_of_care_service"]
    # 120,000 a year = 10,000 a month from Sep 2018 (the ramp does not reduce it: staff are paid from day one)
    # at the central evidence values (10% of entries, 1 extra exit)
    assert service.tolist() == [0.0, 0.0] + [10000.0] * 10
    # the service grows with the effect asked of it: 90% of it avoids entries, so 20% of entries and 1 exit
    # is 0.9 x 2 + 0.1 = 1.9 times the size; 10% and no extra exits 0.9 times
    bigger = components(MONTHS, _levers(edge_of_care_entry_reduction=20.0, edge_of_care_extra_exits=1.0,
                                        edge_of_care_start="2018-09"), None, params)["edge_of_care_service"]
    assert bigger.iloc[-1] == pytest.approx(19000.0)
    alone = components(MONTHS, _levers(edge_of_care_entry_reduction=10.0, edge_of_care_start="2018-09"), None,
                       params)["edge_of_care_service"]
    assert alone.iloc[-1] == pytest.approx(9000.0)
    # with general inflation 2%, 2019-20 months (Apr-Jun 2019) cost 10,200
    inflated = with_overrides(params, {"general_inflation_pct": 2.0})
    assert components(MONTHS, levers, None, inflated)["edge_of_care_service"].iloc[-1] == pytest.approx(
        10200.0
    )


def test_early_help_cost_per_family_open(params):
    families = np.arange(12, dtype=float) * 10  # 0, 10, ..., 110 extra families open
    table = components(MONTHS, _levers(early_help_diversion_pct=10.0), families, params)
    assert table["early_help_step_down"].tolist() == pytest.approx((families * 100).tolist())


def test_in_house_carers_recruitment_and_support(params):
    # 6 carers approved evenly over 3 months from Aug 2018: 2, 4, 6 -> 2 approved a month
    levers = _levers(
        extra_in_house_carers=6.0, in_house_carers_start="2018-08", in_house_carers_ramp_months=3.0
    )
    table = components(MONTHS, levers, None, params)
    assert table["in_house_carer_recruitment"].tolist()[:5] == pytest.approx([0, 10000, 10000, 10000, 0])
    # support 1,200 a year = 100 a month per carer approved so far
    assert table["in_house_carer_support"].tolist()[:5] == pytest.approx([0, 200, 400, 600, 600])


def test_allowances_follow_extra_exits_from_the_next_month(params):
    # 2 extra exits a month from Jul 2018 at once; half to SGO, half of those get £100 a week (52/12 a month)
    levers = _levers(edge_of_care_extra_exits=2.0, edge_of_care_start="2018-07", edge_of_care_ramp_months=0.0)
    sgo = components(MONTHS, levers, None, params)["sgo_allowances"].tolist()
    month = 100 * 52 / 12
    # children with an allowance: Jul 0 (leave in Jul, paid from Aug), Aug 2 x 0.5 x 0.5 = 0.5, Sep 1.0 ...
    assert sgo[:4] == pytest.approx([0.0, 0.5 * month, 1.0 * month, 1.5 * month])
    adopted = with_overrides(params, {"extra_exits_to_adoption_pct": 50})
    assert components(MONTHS, levers, None, adopted)["adoption_allowances"].iloc[1] == pytest.approx(
        1.0 * month
    )


def test_allowances_stop_when_the_child_turns_18(params):
    # leaving at 17.5 on average: paid for 6 months (Aug-Jan for July's leavers), so from January the
    # children paid stay at 6 months of leavers x 0.5 = 3: 0, 0.5, 1.0, ..., 3.0, 3.0, 3.0
    levers = _levers(edge_of_care_extra_exits=2.0, edge_of_care_start="2018-07", edge_of_care_ramp_months=0.0)
    older = with_overrides(params, {"sgo_exit_age_years": 17.5})
    sgo = components(MONTHS, levers, None, older)["sgo_allowances"].to_numpy()
    month = 100 * 52 / 12
    assert (sgo[:9] / month).tolist() == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0, 3.0])
    assert allowance_months(older, "sgo") == 6 and allowance_months(params, "sgo") == 13 * 12  # shipped 5
    # one leaver in month 0, paid for 2 months: months 1 and 2 only
    assert paid_children(np.array([1.0, 0, 0, 0]), 2).tolist() == [0.0, 1.0, 1.0, 0.0]
    assert paid_children(np.array([1.0, 1.0, 0]), 0).tolist() == [0.0, 0.0, 0.0]


def test_net_cost_adds_placements_staffing_delivery_and_allowances(params):
    levers = _levers(
        edge_of_care_entry_reduction=10.0,
        edge_of_care_start="2018-07",
        edge_of_care_extra_exits=2.0,
        edge_of_care_ramp_months=0.0,
    )
    measures = {
        "placement_cost": (np.full(12, 50000.0), np.full(12, -8000.0)),
        "staffing_cost": (np.full(12, 20000.0), np.full(12, 1000.0)),
    }
    out = plan_cost_measures(MONTHS, levers, {"early_help_open": np.zeros(12)}, params, measures, notes := [])
    delivery, allowances = out["delivery_cost"][1], out["allowances_cost"][1]
    # the service for 10% of entries and 2 extra exits: 0.9 x 1 + 0.1 x 2 = 1.1 x 10,000 a month
    assert delivery == pytest.approx([11000.0] * 12) and allowances[1] == pytest.approx(0.5 * 100 * 52 / 12)
    assert (out["net_cost"][0] == 70000.0).all()
    # Aug 2018: -8,000 placements + 1,000 staff + 11,000 delivery + 216.67 allowances
    assert out["net_cost"][1][1] == pytest.approx(-8000 + 1000 + 11000 + 0.5 * 100 * 52 / 12)
    assert notes == []
    plan_cost_measures(MONTHS, levers, {}, params, {"placement_cost": measures["placement_cost"]}, notes)
    assert notes == [STAFFING_NOTE]


def test_allowances_stop_at_each_childs_own_18th_birthday_with_903_ages(params):
    from forecasting.planning.plan_costs import allowance_survival, paid_by_survival

    # two leavers' ages from a 903 return: 17.5 (6 months to 18) and 16 (24 months to 18)
    survival = allowance_survival(params, "sgo", 30, ages=[17.5, 16.0])
    assert survival[0] == 0.0 and (survival[1:7] == 1.0).all() and (survival[7:25] == 0.5).all()
    assert (survival[25:] == 0.0).all()
    # one leaver in month 0: paid in months 1..6 in full, 7..24 at half, then nothing
    paid = paid_by_survival(np.r_[1.0, np.zeros(29)], survival)
    assert paid.tolist() == survival.tolist()
    # without ages, the named average age: 13 x 12 months at the shipped 5 years
    default = allowance_survival(params, "sgo", 200)
    assert default[1:157].all() and not default[157:].any() and default[0] == 0.0
    # through components: 2 exits a month from Jul 2018, half to SGO, half of those paid £100 a week
    levers = _levers(edge_of_care_extra_exits=2.0, edge_of_care_start="2018-07", edge_of_care_ramp_months=0.0)
    ages = {"sgo": np.array([17.5, 16.0])}
    sgo = components(MONTHS, levers, None, params, exit_ages=ages)["sgo_allowances"]
    month = 100 * 52 / 12
    # month 7 (Feb 2019): July's leavers are 7 months on (half still paid), the six later months' in full
    assert sgo.iloc[7] / month == pytest.approx(0.5 * (6 * 1.0 + 0.5))
    # no 903 leavers by that route: the average-age rule
    same = components(MONTHS, levers, None, params, exit_ages={"sgo": np.array([])})
    plain = components(MONTHS, levers, None, params)
    assert same["sgo_allowances"].tolist() == plain["sgo_allowances"].tolist()


def test_exit_ages_read_from_a_903_return():
    from forecasting.data.ssda903_load import load_903
    from forecasting.planning.plan_costs import exit_ages_903

    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
        "1,01/04/2017,S,C2,N1,U4,PR1,,\n"
        "5,01/04/2017,S,C2,N1,P1,PR0,15/10/2017,E11\n"   # adopted at 5.79 (DOB 01/01/2012)
        "6,01/04/2017,S,C2,N1,U4,PR1,01/01/2018,E44\n"   # special guardianship at 10.00 (DOB 01/01/2008)
    )
    header = "CHILD,SEX,DOB\n1,1,01/01/2010\n5,2,01/01/2012\n6,1,01/01/2008\n"
    loaded = load_903([("episodes.csv", episodes.encode()), ("header.csv", header.encode())])
    ages = exit_ages_903(loaded.clean)
    assert ages["adoption"] == pytest.approx([2114 / 365.25])
    assert ages["sgo"] == pytest.approx([3653 / 365.25])
