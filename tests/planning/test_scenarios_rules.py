"""Front-door changes on hand-computed toys: the Early Help step-down (risk weighting, re-referral lag), the
demand-shock window and edge-of-care timing (forecasting.planning.scenarios.front_door_changes)."""
import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.pipeline import BaselineFlows, Calibration, Rate
from forecasting.planning.scenarios import Levers, front_door_changes

MONTHS = pd.date_range("2018-07-01", periods=6, freq="MS")     # Jul .. Dec 2018
NEUTRAL_STEP_DOWN = dict(early_help_leakage_pct=0.0, early_help_plan_pct=0.0, early_help_assessment_pct=0.0)


def _baseline() -> BaselineFlows:
    return BaselineFlows(MONTHS, {"contacts": np.full(6, 1000.0), "referrals": np.full(6, 200.0)}, {},
                         pd.DataFrame())


def _calibration() -> Calibration:
    return Calibration({"contact_to_referral": Rate("contact_to_referral", 0.2, 0.0, 6, "toy")})


def _changes(params=None, **levers):
    # stepped-down contacts at an average contact's conversion unless a test says otherwise
    params = params or with_overrides(load_parameters(), {"diverted_contact_conversion_pct": 100.0})
    return front_door_changes(Levers(**levers), _baseline(), _calibration(), params)


def test_stepped_down_contacts_convert_at_the_lower_need_rate():
    # 100 contacts stepped down a month, at half the average conversion (0.2 x 50%) = 10 would-be referrals;
    # 50% come back 2 months later: returning 0, 0, 5, 5, 5, 5 -> referrals -10, -10, -5, -5, -5, -5;
    # downstream at 50% risk: -5, -5, -2.5, ... ; contacts and Early Help plans do not depend on it
    params = with_overrides(load_parameters(), {"diverted_contact_conversion_pct": 50.0})
    changes = _changes(params, early_help_diversion_pct=10.0, early_help_ramp_months=0.0,
                       early_help_leakage_pct=50.0, early_help_leakage_lag_months=2.0,
                       early_help_downstream_pct=50.0, early_help_plan_pct=40.0)
    assert list(changes.contacts) == pytest.approx([-100] * 6)
    assert list(changes.referrals) == pytest.approx([-10, -10, -5, -5, -5, -5])
    assert list(changes.referrals_downstream) == pytest.approx([-5, -5, -2.5, -2.5, -2.5, -2.5])
    assert list(changes.early_help_in) == pytest.approx([40] * 6)
    # the shipped value is 50% of the average conversion
    assert load_parameters()["diverted_contact_conversion_pct"].value == 50.0


def test_step_down_diverts_referrals_and_weights_their_downstream_risk():
    # 10% of 1,000 contacts stepped down from July (no ramp) = 100 a month, would-be referrals 100 x 0.2 = 20.
    # 50% come back 2 months later: returning 0, 0, 10, 10, 10, 10.
    # referrals = -20 + returning = -20, -20, -10, -10, -10, -10
    # downstream (S47/CP/care) = (returning - 20) x 50% risk = -10, -10, -5, -5, -5, -5
    changes = _changes(early_help_diversion_pct=10.0, early_help_ramp_months=0.0, early_help_leakage_pct=50.0,
                       early_help_leakage_lag_months=2.0, early_help_downstream_pct=50.0,
                       early_help_plan_pct=40.0, early_help_assessment_pct=10.0)
    assert list(changes.contacts) == pytest.approx([-100] * 6)
    assert list(changes.referrals) == pytest.approx([-20, -20, -10, -10, -10, -10])
    assert list(changes.referrals_downstream) == pytest.approx([-10, -10, -5, -5, -5, -5])
    # plans opened: 40% of the 100 ; assessments completed: 10% of them
    assert list(changes.early_help_in) == pytest.approx([40] * 6)
    assert list(changes.early_help_assessments) == pytest.approx([10] * 6)


def test_re_referral_lag_moves_the_returning_families():
    # lag 1: returning 0, 10, 10, ... ; lag 4: 0, 0, 0, 0, 10, 10
    base = dict(early_help_diversion_pct=10.0, early_help_ramp_months=0.0, early_help_leakage_pct=50.0,
                early_help_downstream_pct=100.0)
    assert list(_changes(early_help_leakage_lag_months=1.0, **base).referrals) == pytest.approx(
        [-20, -10, -10, -10, -10, -10])
    assert list(_changes(early_help_leakage_lag_months=4.0, **base).referrals) == pytest.approx(
        [-20, -20, -20, -20, -10, -10])
    # full risk: downstream equals referrals
    changes = _changes(early_help_leakage_lag_months=4.0, **base)
    assert list(changes.referrals_downstream) == pytest.approx(list(changes.referrals))


def test_demand_shock_only_in_its_window_and_at_full_risk():
    # +10% contacts in Aug and Sep (start 2018-08, 2 months): shock 0, 100, 100, 0, 0, 0 contacts;
    # referrals = shock x 0.2 = 0, 20, 20, 0, 0, 0, all of them at full downstream risk
    changes = _changes(demand_shock_pct=10.0, demand_shock_start="2018-08", demand_shock_months=2.0,
                       **NEUTRAL_STEP_DOWN)
    assert list(changes.contacts) == pytest.approx([0, 100, 100, 0, 0, 0])
    assert list(changes.referrals) == pytest.approx([0, 20, 20, 0, 0, 0])
    assert list(changes.referrals_downstream) == pytest.approx([0, 20, 20, 0, 0, 0])
    # no start: from the first forecast month
    changes = _changes(demand_shock_pct=-10.0, demand_shock_months=1.0, **NEUTRAL_STEP_DOWN)
    assert list(changes.contacts) == pytest.approx([-100, 0, 0, 0, 0, 0])


def test_shock_and_step_down_together():
    # diverted = (1000 + shock) x 10% = 100, 110, 110, 100, 100, 100 -> would-be referrals 20, 22, 22, 20, 20,
    # 20
    # returning (50%, lag 2) = 0, 0, 10, 11, 11, 10 ; shock referrals 0, 20, 20, 0, 0, 0
    # referrals  = 0-20+0, 20-22+0, 20-22+10, 0-20+11, 0-20+11, 0-20+10 = -20, -2, 8, -9, -9, -10
    # downstream = shock + (returning - would-be) x 0.5 = -10, 9, 14, -4.5, -4.5, -5
    changes = _changes(demand_shock_pct=10.0, demand_shock_start="2018-08", demand_shock_months=2.0,
                       early_help_diversion_pct=10.0, early_help_ramp_months=0.0, early_help_leakage_pct=50.0,
                       early_help_leakage_lag_months=2.0, early_help_downstream_pct=50.0)
    assert list(changes.contacts) == pytest.approx([-100, -10, -10, -100, -100, -100])
    assert list(changes.referrals) == pytest.approx([-20, -2, 8, -9, -9, -10])
    assert list(changes.referrals_downstream) == pytest.approx([-10, 9, 14, -4.5, -4.5, -5])


def test_step_down_ramp_and_edge_of_care_timing_and_lags_from_parameters():
    params = with_overrides(load_parameters(), {"referral_to_cp_plan_lag_months": 2,
                                                "referral_to_care_lag_months": 5})
    changes = _changes(params, early_help_diversion_pct=10.0, early_help_start="2018-08",
                       early_help_ramp_months=2.0, early_help_episode_months=3.0,
                       edge_of_care_entry_reduction=20.0, edge_of_care_extra_exits=2.0,
                       edge_of_care_start="2018-08", edge_of_care_ramp_months=2.0, **NEUTRAL_STEP_DOWN)
    # ramp from Aug over 2 months: 0, 0.5, 1, 1, 1, 1 -> diverted 0, 50, 100, ...
    assert list(changes.contacts) == pytest.approx([0, -50, -100, -100, -100, -100])
    # entries to care x (1 - 20% x ramp) ; extra exits 2 x ramp
    assert list(changes.lac_entry_factor) == pytest.approx([1, 0.9, 0.8, 0.8, 0.8, 0.8])
    assert list(changes.lac_extra_exits) == pytest.approx([0, 1, 2, 2, 2, 2])
    assert changes.early_help_episode_months == 3
    assert (changes.cp_lag_months, changes.care_lag_months) == (2, 5)
    # the care pathway from the parameters: half of the entries through a CP plan, 9 months after it; the
    # extra exits at the plan's route mix (50% SGO, the rest home), re-entry worked out in the pipeline
    assert (changes.care_via_cp_share, changes.cp_to_care_lag_months) == (0.5, 9)
    assert changes.extra_exit_routes.share("sgo") == pytest.approx(0.5)
    assert changes.extra_exit_routes.share("home") == pytest.approx(0.5)
    assert changes.lac_reentries is None


def test_neutral_levers_change_nothing():
    changes = _changes()
    for name in ("contacts", "referrals", "referrals_downstream", "lac_extra_exits", "early_help_in",
                 "early_help_assessments"):
        assert not np.any(getattr(changes, name)), name
    assert np.all(changes.lac_entry_factor == 1.0)
