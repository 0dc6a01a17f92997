"""Care pathway rules (issue 13 part 3) on hand-computed toys: routes into care, exits by route, re-entry
kernels inside the stock loop, new CIN cases after assessments that end in no further action, the parameters
that set them, and the stock's conservation with all of them on."""

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.care_pathway import (
    ExitRoutes,
    diverted_conversion,
    exit_routes,
    extra_exit_routes,
    pathway_fields,
    route_entries,
)
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.pipeline import (
    BaselineFlows,
    Calibration,
    PipelineChanges,
    Rate,
    calibrate_pipeline,
    lagged,
    run_pipeline,
    stock_flow,
)


# ------------------------------------------------------------------------------------- routes into care
def test_entries_come_by_the_direct_route_and_later_through_a_cp_plan():
    # 10 fewer (risk-weighted) referrals a month, LAC2/M2 = 0.1: 1 fewer entry a month in the end.
    # Half come in directly 1 month later (-0.5 from month 1), half through a CP plan 3 months later
    # (another -0.5 from month 3).
    entries = route_entries(np.full(6, -10.0), 0.1, 0.5, 1, 3)
    assert list(entries) == pytest.approx([0, -0.5, -0.5, -1, -1, -1])
    # no CP route: the single-route rule exactly (referrals shifted by the direct lag, times LAC2/M2)
    single = route_entries(np.full(6, -10.0), 0.1, 0.0, 2, 9)
    np.testing.assert_array_equal(single, lagged(np.full(6, -10.0), 2) * 0.1)
    # all through a CP plan: only the long lag
    assert list(route_entries(np.full(5, -10.0), 0.1, 1.0, 1, 3)) == pytest.approx([0, 0, 0, -1, -1])


# ------------------------------------------------------------------------------------- exits by route
def test_re_entry_kernel_adds_each_routes_share_spread_over_its_months():
    routes = ExitRoutes(
        {"home": 0.5, "sgo": 0.5, "adoption": 0.0}, {"home": (20.0, 2), "sgo": (6.0, 3), "adoption": (3.0, 1)}
    )
    # k = 1, 2: home 0.5 x 20% / 2 = 0.05 + SGO 0.5 x 6% / 3 = 0.01 ; k = 3: SGO only 0.01 ; adoption share 0
    assert list(routes.kernel()) == pytest.approx([0.06, 0.06, 0.01])
    # the kernel's total is the share of leavers who ever come back: 0.5 x 20% + 0.5 x 6% = 13%
    assert routes.kernel().sum() == pytest.approx(0.13)


def test_split_by_route_adds_up_and_other_is_what_is_left():
    routes = ExitRoutes({"home": 0.3, "sgo": 0.2, "adoption": 0.1}, {})
    split = routes.split(np.array([10.0, -5.0]))
    assert list(split["home"]) == pytest.approx([3, -1.5])
    assert list(split["sgo"]) == pytest.approx([2, -1])
    assert list(split["adoption"]) == pytest.approx([1, -0.5])
    assert list(split["other"]) == pytest.approx([4, -2])  # 40% leave at 18 or by another route
    assert sum(split.values()) == pytest.approx(np.array([10.0, -5.0]))


def test_route_mixes_from_the_parameters_and_the_calibration():
    params = load_parameters()
    plan = extra_exit_routes(
        with_overrides(params, {"extra_exits_to_sgo_pct": 30, "extra_exits_to_adoption_pct": 10})
    )
    # the lever's extra exits: 30% SGO, 10% adoption, the rest (60%) home, none at 18
    assert (plan.share("home"), plan.share("sgo"), plan.share("adoption")) == pytest.approx((0.6, 0.3, 0.1))
    assert plan.share("other") == pytest.approx(0.0)
    assert plan.returns["home"] == (20.0, 12) and plan.returns["sgo"] == (5.7, 60)
    assert plan.returns["adoption"] == (3.2, 144)
    calibration = Calibration(
        {
            "exit_share_adoption": Rate("exit_share_adoption", 0.25, 0, 12, "toy"),
            "exit_share_sgo": Rate("exit_share_sgo", 0.2, 0, 12, "toy"),
        }
    )
    other = exit_routes(calibration, params)
    # data: adoption 25%, SGO 20%; home the national 31%; the rest 24% at 18 or by another route
    assert (other.share("adoption"), other.share("sgo"), other.share("home")) == pytest.approx(
        (0.25, 0.2, 0.31)
    )
    assert other.share("other") == pytest.approx(0.24)
    # a data set whose adoptions and SGOs are 80% of exits: home is cut to the 20% left, nothing "other"
    big = Calibration(
        {
            "exit_share_adoption": Rate("exit_share_adoption", 0.5, 0, 12, "toy"),
            "exit_share_sgo": Rate("exit_share_sgo", 0.3, 0, 12, "toy"),
        }
    )
    cut = exit_routes(big, params)
    assert cut.share("home") == pytest.approx(0.2) and cut.share("other") == pytest.approx(0.0)
    # a calibration without route shares: the national shares (12.1% adoption, 13.0% SGO)
    national = exit_routes(Calibration({}), params)
    assert (national.share("adoption"), national.share("sgo")) == pytest.approx((0.121, 0.13))


def test_pathway_settings_are_the_named_parameters():
    params = with_overrides(
        load_parameters(),
        {
            "care_entries_via_cp_pct": 40,
            "cp_plan_to_care_lag_months": 6,
            "diverted_contact_conversion_pct": 25,
        },
    )
    fields = pathway_fields(Calibration({}), params)
    assert fields["care_via_cp_share"] == pytest.approx(0.4) and fields["cp_to_care_lag_months"] == 6
    assert diverted_conversion(params) == pytest.approx(0.25)
    shipped = load_parameters()
    for name in (
        "care_entries_via_cp_pct",
        "cp_plan_to_care_lag_months",
        "diverted_contact_conversion_pct",
        "assessment_nfa_pct",
        "reentry_sgo_pct",
        "reentry_adoption_pct",
        "exit_route_home_pct",
    ):
        assert shipped[name].source and shipped[name].year, name


# ------------------------------------------------------------------------------------- re-entry in the loop
def test_extra_exits_come_back_by_the_kernel_and_the_stock_is_conserved():
    stock = np.full(4, 100.0)
    flow = np.full(4, 10.0)
    detail = {}
    d_stock, d_in, d_out = stock_flow(
        stock,
        flow,
        flow,
        np.zeros(4),
        0.0,
        np.array([2.0, 2.0, 0.0, 0.0]),
        kernels=(np.zeros(1), np.array([0.5, 0.25])),
        detail=detail,
    )
    # back: t1 0.5 x 2 = 1 ; t2 0.5 x 2 + 0.25 x 2 = 1.5 ; t3 0.25 x 2 = 0.5
    assert list(detail["reentries"]) == pytest.approx([0, 1, 1.5, 0.5])
    assert list(d_in) == pytest.approx([0, 1, 1.5, 0.5])
    assert list(d_out) == pytest.approx([2, 2, 0, 0])
    assert list(d_stock) == pytest.approx([-2, -3, -1.5, -1])
    np.testing.assert_allclose(d_stock, np.cumsum(d_in - d_out))


def test_fewer_children_in_care_means_fewer_leave_and_fewer_come_back():
    # 10 fewer entries in month 0; half of the change in care leaves each month (exit rate 0.5); 40% of those
    # (fewer) leavers would have come back the month after.
    detail = {}
    d_stock, d_in, d_out = stock_flow(
        np.full(4, 100.0),
        np.full(4, 20.0),
        np.full(4, 20.0),
        np.array([-10.0, 0, 0, 0]),
        0.5,
        np.zeros(4),
        kernels=(np.array([0.4]), np.zeros(1)),
        detail=detail,
    )
    # t0: -10 in, stock -10 ; t1: 5 fewer leave, stock -5 ; t2: 2 fewer come back (0.4 x -5), 2.5 fewer
    # leave, stock -5 - 2 + 2.5 = -4.5 ; t3: 1 fewer back (0.4 x -2.5), 2.25 fewer leave, -3.25
    assert list(d_out) == pytest.approx([0, -5, -2.5, -2.25])
    assert list(detail["reentries"]) == pytest.approx([0, 0, -2, -1])
    assert list(d_stock) == pytest.approx([-10, -5, -4.5, -3.25])
    np.testing.assert_allclose(d_stock, np.cumsum(d_in - d_out))


def test_re_entry_draws_are_each_a_single_run():
    kernels = (np.array([[0.4], [0.1]]), np.array([[0.5, 0.25], [0.0, 0.0]]))  # two draws
    args = (np.full(5, 100.0), np.full(5, 20.0), np.full(5, 20.0), np.array([-10.0, 0, 0, 0, 0]))
    extra = np.array([2.0, 2.0, 2.0, 0.0, 0.0])
    both = stock_flow(*args, np.array([[0.5], [0.3]]), extra, kernels=kernels)
    for i, rate in enumerate((0.5, 0.3)):
        one = stock_flow(*args, rate, extra, kernels=(kernels[0][i], kernels[1][i]))
        for together, alone in zip(both, one, strict=True):
            np.testing.assert_allclose(together[i], alone)


# ------------------------------------------------------------------------------------- the whole pipeline
def _calibration(**means) -> Calibration:
    names = [
        "contact_to_referral",
        "referral_to_assessment",
        "referral_to_s47",
        "s47_to_icpc",
        "icpc_to_plan",
        "referral_to_lac_start",
        "cp_exit_rate",
        "lac_exit_rate",
        "cin_exit_rate",
        "assessment_to_cin",
    ]
    return Calibration({n: Rate(n, means.get(n, 0.0), 0.0, 6, "toy") for n in names})


def _baseline(n: int) -> BaselineFlows:
    months = pd.date_range("2018-07-01", periods=n, freq="MS")
    flows = {
        name: np.full(n, level)
        for name, level in (
            ("contacts", 1000.0),
            ("referrals", 200.0),
            ("assessments", 100.0),
            ("cin_starts", 70.0),
            ("s47_enquiries", 40.0),
            ("icpc", 20.0),
            ("new_cp_plans", 10.0),
            ("cp_plans", 300.0),
            ("cp_plans_ended", 10.0),
            ("lac_starts", 10.0),
            ("lac", 500.0),
            ("lac_ceased", 10.0),
            ("cin_open", 1000.0),
            ("cin_closed", 70.0),
        )
    }
    return BaselineFlows(months, flows, {}, pd.DataFrame())


ROUTES = ExitRoutes({"home": 0.3, "sgo": 0.2, "adoption": 0.1}, {"home": (20.0, 2), "sgo": (6.0, 3)})
PLAN = ExitRoutes({"home": 0.5, "sgo": 0.5, "adoption": 0.0}, {"home": (20.0, 2), "sgo": (6.0, 3)})


def _changes(n, **kwargs) -> PipelineChanges:
    zero = np.zeros(n)
    base = dict(
        contacts=zero,
        referrals=zero,
        lac_entry_factor=np.ones(n),
        lac_extra_exits=zero,
        early_help_in=zero,
        exit_routes=ROUTES,
        extra_exit_routes=PLAN,
    )
    return PipelineChanges(**(base | kwargs))


def test_neutral_changes_with_every_pathway_rule_on_give_exactly_zero():
    d = run_pipeline(
        _baseline(12),
        _changes(12, care_via_cp_share=0.5, cp_to_care_lag_months=9),
        _calibration(referral_to_lac_start=0.1, lac_exit_rate=0.05, assessment_to_cin=0.7),
    ).deltas
    for name, delta in d.items():
        assert (np.asarray(delta) == 0.0).all(), name


def test_new_cin_cases_are_the_assessments_that_do_not_end_in_no_further_action():
    # 20 fewer referrals -> 10 fewer assessments (x 0.5) -> 7 fewer new CIN cases (x 0.7); CIN stock with no
    # exits falls by 7 a month
    cal = _calibration(referral_to_assessment=0.5, assessment_to_cin=0.7)
    d = run_pipeline(_baseline(3), _changes(3, referrals=np.full(3, -20.0)), cal).deltas
    assert list(d["assessments"]) == pytest.approx([-10] * 3)
    assert list(d["cin_starts"]) == pytest.approx([-7] * 3)
    assert list(d["cin_open"]) == pytest.approx([-7, -14, -21])


def test_exits_by_route_add_up_and_re_entries_are_entries_to_care():
    n = 8
    cal = _calibration(lac_exit_rate=0.1)
    d = run_pipeline(
        _baseline(n), _changes(n, lac_entry_factor=np.full(n, 0.5), lac_extra_exits=np.full(n, 2.0)), cal
    ).deltas
    routes = ("home", "sgo", "adoption", "other")
    np.testing.assert_allclose(sum(d[f"lac_ceased_{r}"] for r in routes), d["lac_ceased"])
    # month 0: 5 fewer entries (10 x 0.5), 2 extra exits all planned: 1 home, 1 SGO, none other
    assert d["lac_ceased_home"][0] == pytest.approx(1.0) and d["lac_ceased_sgo"][0] == pytest.approx(1.0)
    assert d["lac_ceased_other"][0] == pytest.approx(0.0)
    assert d["lac"][0] == pytest.approx(-7.0)
    # month 1: ordinary exits change 0.1 x -7 = -0.7 (home 30%, SGO 20%, adoption 10%, other 40%) + 2 planned
    assert d["lac_ceased_home"][1] == pytest.approx(1 - 0.21)
    assert d["lac_ceased_other"][1] == pytest.approx(-0.28)
    # re-entry at month 1 from month 0's exits: planned 2 x (0.5 x 20%/2 + 0.5 x 6%/3) = 0.12 ; ordinary 0
    assert d["lac_reentries"][1] == pytest.approx(0.12)
    assert d["lac_starts"][1] == pytest.approx(-5 + 0.12)
    np.testing.assert_allclose(d["lac"], np.cumsum(d["lac_starts"] - d["lac_ceased"]))


def test_calibrated_route_shares_fall_back_to_the_national_figures():
    months = pd.date_range("2018-01-01", periods=3, freq="MS")
    series = {
        "M1": [1000, 800, 500],
        "M2": [200, 200, 100],
        "LAC1": [200, 200, 200],
        "LAC2": [10, 20, 10],
        "LAC4": [10, 20, 10],
    }
    obs = pd.DataFrame(
        [
            {"unique_id": c, "ds": m, "y": float(v)}
            for c, vs in series.items()
            for m, v in zip(months, vs, strict=True)
        ]
    )
    catalogue = pd.DataFrame(
        {"unit": ["count"] * len(series)}, index=pd.Index(list(series), name="indicator")
    )
    cal = calibrate_pipeline(Dataset(observations=obs, indicators=catalogue))
    assert (
        cal["exit_share_adoption"] == pytest.approx(0.121) and cal.rates["exit_share_adoption"].n_months == 0
    )
    assert cal.rates["exit_share_sgo"].rule.startswith("PARAMETER")
    with_routes = {**series, "LAC6 (val)": [1, 4, 0], "LAC12 (val)": [2, 2, 2]}
    obs = pd.DataFrame(
        [
            {"unique_id": c, "ds": m, "y": float(v)}
            for c, vs in with_routes.items()
            for m, v in zip(months, vs, strict=True)
        ]
    )
    catalogue = pd.DataFrame(
        {"unit": ["count"] * len(with_routes)}, index=pd.Index(list(with_routes), name="indicator")
    )
    cal = calibrate_pipeline(Dataset(observations=obs, indicators=catalogue))
    # sum over sum: adoptions 5 of 40 exits, SGOs 6 of 40
    assert cal["exit_share_adoption"] == pytest.approx(5 / 40) and cal["exit_share_sgo"] == pytest.approx(
        6 / 40
    )
    assert cal.rates["exit_share_sgo"].n_months == 3
