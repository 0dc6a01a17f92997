"""Lever timing rules on hand-computed toys: the ramp and the demand-shock window."""
import numpy as np
import pandas as pd
import pytest

from forecasting.planning.levers import LEVERS, lever_table, ramp, window

MONTHS = pd.date_range("2018-07-01", periods=6, freq="MS")     # Jul .. Dec 2018


def test_window_is_one_for_n_months_from_the_start():
    # start Aug, 3 months -> Aug, Sep, Oct
    assert list(window(MONTHS, pd.Timestamp("2018-08-01"), 3)) == [0, 1, 1, 1, 0, 0]
    assert list(window(MONTHS, pd.Timestamp("2018-07-01"), 1)) == [1, 0, 0, 0, 0, 0]
    assert list(window(MONTHS, pd.Timestamp("2018-07-01"), 0)) == [0] * 6        # length 0 = no shock
    # a start before the horizon counts months from the start: May + 3 -> May, Jun, Jul
    assert list(window(MONTHS, pd.Timestamp("2018-05-01"), 3)) == [1, 0, 0, 0, 0, 0]
    # across a year end: Dec 2018 + 2 -> Dec, Jan
    months = pd.date_range("2018-11-01", periods=4, freq="MS")
    assert list(window(months, pd.Timestamp("2018-12-01"), 2)) == [0, 1, 1, 0]
    # a start a year earlier: Jul 2017 + 13 months -> Jul 2017 .. Jul 2018 (the 13th month is Jul 2018)
    assert list(window(MONTHS[:2], pd.Timestamp("2017-07-01"), 13)) == [1, 0]


def test_ramp_rises_by_one_over_ramp_months_from_the_start():
    # start Aug, 4 months: Jul 0, Aug 1/4, Sep 2/4, Oct 3/4, Nov 1, Dec 1
    assert list(ramp(MONTHS, pd.Timestamp("2018-08-01"), 4)) == pytest.approx([0, 0.25, 0.5, 0.75, 1, 1])
    # ramp 0: full from the start month
    assert list(ramp(MONTHS, pd.Timestamp("2018-09-01"), 0)) == [0, 0, 1, 1, 1, 1]
    assert list(ramp(MONTHS, pd.Timestamp("2018-09-01"), 1)) == [0, 0, 1, 1, 1, 1]
    # across a year end: start Dec 2018, 4 months -> Nov 0, Dec 0.25, Jan 0.5, Feb 0.75, Mar 1
    months = pd.date_range("2018-11-01", periods=5, freq="MS")
    assert list(ramp(months, pd.Timestamp("2018-12-01"), 4)) == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    # a start a year earlier: Jul 2017 + 24 months -> Jul 2018 is the 13th month
    assert ramp(MONTHS[:1], pd.Timestamp("2017-07-01"), 24)[0] == pytest.approx(13 / 24)


def test_every_effect_lever_is_neutral_at_its_neutral_value_and_inside_its_range():
    table = lever_table()
    assert list(table.columns) == ["name", "group", "unit", "neutral", "low", "high", "description", "source"]
    assert len(table) == len(LEVERS)
    for spec in LEVERS.values():
        if spec.low is not None:
            assert spec.low <= spec.neutral <= spec.high, spec.name
            assert spec.low <= spec.default <= spec.high, spec.name
    zero_is_neutral = ("early_help_diversion_pct", "edge_of_care_entry_reduction", "edge_of_care_extra_exits",
                       "recruits_fte", "agency_fte_change", "vacancy_fte_change", "turnover_pct_change",
                       "extra_in_house_carers", "demand_shock_pct", "demand_shock_months")
    assert all(LEVERS[name].neutral == 0.0 for name in zero_is_neutral)
    assert np.all(
        [
            LEVERS[n].group in ("early_help", "edge_of_care", "workforce", "placement_mix", "demand_shock")
            for n in LEVERS
        ]
    )


def test_evidence_bands_as_multiples_of_the_central_value():
    from forecasting.planning.levers import EVIDENCE, Evidence, evidence_table

    # low 5, central 10, high 19 -> 0.5 and 1.9 times the central value
    evidence = Evidence("x", 10.0, 5.0, 19.0, "claim", "toy")
    assert evidence.relative_band() == pytest.approx((0.5, 1.9))
    Evidence("x", 5.0, 5.0, 5.0, "claim", "toy")                     # a zero-width band is allowed
    with pytest.raises(ValueError, match="low <= central <= high"):
        Evidence("x", 4.0, 5.0, 19.0, "claim", "toy")
    with pytest.raises(ValueError, match="low <= central <= high"):
        Evidence("x", 20.0, 5.0, 19.0, "claim", "toy")
    table = evidence_table()
    assert list(table.columns) == ["lever", "unit", "central", "low", "high", "grade", "source"]
    assert len(table) == len(EVIDENCE)
    row = table.set_index("lever").loc["edge_of_care_entry_reduction"]
    assert (row["central"], row["low"], row["high"]) == (EVIDENCE["edge_of_care_entry_reduction"].central,
                                                         EVIDENCE["edge_of_care_entry_reduction"].low,
                                                         EVIDENCE["edge_of_care_entry_reduction"].high)
    assert row["unit"] == LEVERS["edge_of_care_entry_reduction"].unit


def test_edge_of_care_service_scales_with_the_effect_asked_of_it():
    from types import SimpleNamespace

    from forecasting.planning.levers import edge_of_care_scale
    from forecasting.planning.parameters import load_parameters

    def levers(entries, exits):
        return SimpleNamespace(edge_of_care_entry_reduction=entries, edge_of_care_extra_exits=exits)

    # central evidence values (10% of entries, 1 extra exit): the service as costed, scale 1; both off: 0
    assert edge_of_care_scale(levers(10.0, 1.0), 90.0) == pytest.approx(1.0)
    assert edge_of_care_scale(levers(0.0, 0.0), 90.0) == 0.0
    # 90% of the service avoids entries: 19% of entries and no extra exits = 0.9 x 1.9 = 1.71;
    # 10% and 3 exits = 0.9 + 0.1 x 3 = 1.2
    assert edge_of_care_scale(levers(19.0, 0.0), 90.0) == pytest.approx(1.71)
    assert edge_of_care_scale(levers(10.0, 3.0), 90.0) == pytest.approx(1.2)
    # grows with each lever
    assert edge_of_care_scale(levers(20.0, 1.0), 90.0) > edge_of_care_scale(levers(10.0, 1.0), 90.0)
    assert edge_of_care_scale(levers(10.0, 2.0), 90.0) > edge_of_care_scale(levers(10.0, 1.0), 90.0)
    assert load_parameters()["edge_of_care_cost_share_entries_pct"].value == 90.0
