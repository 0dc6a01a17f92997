"""Hand-worked cases for the words and guards around effect evidence: the plausibility sentence of a lever
beyond its evidence band, the long-run (steady state) sentence, and the children-in-care levers' limits."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.care_levers import redirect_entries, step_down
from forecasting.planning.horizon import SteadyState
from forecasting.planning.parameters import _lever_parameters
from forecasting.planning.plausibility import flag, lever_flags, typical_exits

LAC4_TWELVE = pd.Series([10.0] * 6 + [20.0] * 6, index=pd.date_range("2017-07-01", periods=12, freq="MS"))


def _dataset_with_exits(series: pd.Series):
    return SimpleNamespace(indicator_codes=("LAC4",), series=lambda code: series)


# -------------------------------------------------------------------------------------------- plausibility
def test_no_flag_for_a_blank_a_neutral_or_an_in_band_value():
    assert flag("edge_of_care_extra_exits", None) is None
    assert flag("edge_of_care_extra_exits", 0.0) is None  # neutral
    assert flag("edge_of_care_extra_exits", 3.0) is None  # the top of the band is inside it
    assert flag("edge_of_care_entry_reduction", 5.0) is None  # so is the bottom
    assert flag("not_a_lever_with_evidence", 99.0) is None


def test_beyond_the_optimistic_end_says_optimistic_with_the_share_of_typical_exits():
    # typical exits: mean of the last 12 months of LAC4 = (6 x 10 + 6 x 20) / 12 = 15
    text = flag("edge_of_care_extra_exits", 4.5, _dataset_with_exits(LAC4_TWELVE))
    assert text.startswith(
        "Extra exits from care = 4.5 (children per month) is above its evidence band of 0-3"
    )
    assert (
        "4.5 extra exits a month is 30% on top of the 15 children who leave care in a typical month" in text
    )
    assert text.endswith("Allowed, but treat the result as optimistic.")


def test_beyond_the_cautious_end_says_cautious():
    text = flag("edge_of_care_entry_reduction", 2.0)
    assert "is below its evidence band of 5-19" in text
    assert text.endswith("Allowed; the result is cautious on this lever.")


def test_optimistic_without_a_stated_limit_says_nothing_supports_more():
    # early_help_leakage_pct: lower is optimistic and the evidence gives no wording of its own
    text = flag("early_help_leakage_pct", 10.0)
    assert "; no published evaluation or statistic supports less than 15" in text
    assert text.endswith("treat the result as optimistic.")


def test_typical_exits_uses_only_the_last_twelve_months():
    longer = pd.concat([pd.Series([1000.0], index=[pd.Timestamp("2017-06-01")]), LAC4_TWELVE])
    assert typical_exits(_dataset_with_exits(longer)) == pytest.approx(15.0)
    assert typical_exits(None) is None
    assert typical_exits(SimpleNamespace(indicator_codes=("M1",))) is None


def test_lever_flags_lists_only_levers_beyond_their_band():
    flags = lever_flags({"edge_of_care_extra_exits": 4.0, "edge_of_care_entry_reduction": 10.0})
    assert len(flags) == 1 and flags[0].startswith("Extra exits from care = 4")


# ------------------------------------------------------------------------------------- scenario levers
def test_only_numeric_levers_become_parameters():
    params = _lever_parameters()
    assert "edge_of_care_extra_exits" in params
    assert params["edge_of_care_extra_exits"].value == 0.0
    # start months and the team choice are not numbers: they are not parameters
    assert not any(name.endswith("_start") for name in params)
    assert all(isinstance(p.value, float) for p in params.values())


# ------------------------------------------------------------------------------------------ steady state
def test_steady_state_sentence_by_hand():
    state = SteadyState("lac", -150.0, -200.0, -100.0, -60.0, "2020-03-01", 0.025)
    assert state.share_reached == pytest.approx(0.4)
    assert state.sentence() == (
        "At full effect, about 150 fewer looked-after children (95% interval 100 to 200) in the long run "
        "(the last month's changes in entries and exits carried on, 2.5% of the stock leaving a month); "
        "by Mar 2020 the projection shows -60, 40% of it."
    )


def test_a_small_rise_is_more_and_an_interval_across_zero_keeps_its_signs():
    state = SteadyState("cp_plans", 0.5, -3.0, 4.0, 0.0, "2020-03-01", 0.1)
    text = state.sentence()
    assert "about 0 more children on CP plans (95% interval -3 to +4)" in text
    certain = SteadyState("cin_open", 10.0, 10.0, 10.0, 0.0, "2020-03-01", 0.1)
    assert "(95% interval" not in certain.sentence()
    assert np.isnan(SteadyState("lac", 0.0, 0.0, 0.0, 0.0, "2020-03-01", 0.1).share_reached)


# ------------------------------------------------------------------------------ children-in-care levers
@dataclasses.dataclass
class Rates:  # the two fields the levers change (CareRates has more)
    move: np.ndarray
    entries: np.ndarray


def test_step_down_moves_the_share_from_staying_put_and_allows_zero():
    # one age band, two placement types; entries per month by type
    base = Rates(move=np.array([[[0.9, 0.1], [0.05, 0.95]]]), entries=np.array([[8.0, 2.0]]))
    same = step_down(base, ("residential", "fostering"), "residential", "fostering", 0.0)
    np.testing.assert_allclose(same.move, base.move)
    moved = step_down(base, ("residential", "fostering"), "residential", "fostering", 0.2)
    np.testing.assert_allclose(moved.move[0], [[0.7, 0.3], [0.05, 0.95]])
    capped = step_down(base, ("residential", "fostering"), "fostering", "residential", 1.0)
    np.testing.assert_allclose(capped.move[0], [[0.9, 0.1], [1.0, 0.0]])  # never more than stayed put
    with pytest.raises(ValueError, match="between 0 and 1"):
        step_down(base, ("residential", "fostering"), "residential", "fostering", -0.01)
    redirected = redirect_entries(base, ("residential", "fostering"), "residential", "fostering", 0.25)
    np.testing.assert_allclose(redirected.entries, [[6.0, 4.0]])
    assert (
        redirect_entries(base, ("residential", "fostering"), "residential", "fostering", 0.0).entries[0, 0]
        == 8
    )
    with pytest.raises(ValueError):
        redirect_entries(base, ("residential", "fostering"), "residential", "fostering", 1.5)
