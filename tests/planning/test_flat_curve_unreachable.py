"""A timeliness curve that allows no utilisation answers "unreachable", in words
(forecasting.planning.workforce.fte_needed and workforce_sizing). By hand: the MASH gets 1,000 contacts a
month and a worker clears 100 (contacts_per_fte_mash), so its norm needs 1,000 / 100 = 10 FTE. Its M8-QL
curve is flat (slope 0, intercept 0): 50% on time whatever the load.
- A target of 80% is above anything the curve gives, so the highest utilisation that still meets it is
  u_max = 0 (TimelinessCurve.utilisation_for): no staffing reaches it, the FTE for the target is infinite (not
  a huge finite number such as 1,000 / (100 x 1e-9)), and so is the FTE needed.
- A target of 40% is met at any load (u_max = inf): the target needs 1,000 / (100 x inf) = 0 FTE, so the need
  is the norm's 10 FTE.
- The planner's answer says the target cannot be reached by staffing alone and gives the workload's own need
  (10.0 FTE in Jul 2018): words, never "inf" or "nan"."""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning import workforce_sizing
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.workforce import TimelinessCurve, fte_needed

MONTHS = pd.DatetimeIndex(["2018-07-01", "2018-08-01"])
FLAT = {"M8-QL": TimelinessCurve("M8-QL", intercept=0.0, slope=0.0, fitted=True)}


@pytest.fixture(scope="module")
def params():
    return with_overrides(load_parameters(include_levers=False), {"contacts_per_fte_mash": 100.0})


def _need(params, target):
    demand = pd.DataFrame({"contacts": [1000.0, 1000.0]}, index=MONTHS)
    return fte_needed(demand, params, timeliness_target={"M8-QL": target}, curves=FLAT)


def test_the_flat_curve_allows_no_utilisation_for_a_target_above_it():
    assert FLAT["M8-QL"].on_time(0.0) == pytest.approx(50.0)
    assert FLAT["M8-QL"].utilisation_for(80.0) == 0.0
    assert FLAT["M8-QL"].utilisation_for(40.0) == np.inf


def test_a_target_the_curve_cannot_reach_needs_infinite_fte(params):
    table = _need(params, 80.0)
    assert list(table["team"]) == ["mash", "mash"]
    assert list(table["fte_for_norm"]) == pytest.approx([10.0, 10.0])
    assert list(table["fte_for_timeliness"]) == [np.inf, np.inf]
    assert list(table["fte_needed"]) == [np.inf, np.inf]


def test_a_target_the_curve_always_meets_needs_only_the_norm(params):
    table = _need(params, 40.0)
    assert list(table["fte_for_timeliness"]) == [0.0, 0.0]
    assert list(table["fte_needed"]) == pytest.approx([10.0, 10.0])


def test_the_planners_answer_says_unreachable_in_words(params, monkeypatch):
    monkeypatch.setattr(workforce_sizing, "staffing_fte_needed",
                        lambda baseline, params, norms, targets, deltas: _need(params, 80.0))
    sizing = workforce_sizing.size_workforce(SimpleNamespace(months=MONTHS, flows={}), params)
    mash = next(line for line in sizing.answer() if line.startswith("MASH"))
    assert mash.startswith("MASH / front door: the timeliness target cannot be reached by staffing alone")
    assert "its workload alone needs 10.0 FTE at the peak (Jul 2018)" in mash
    assert not re.search(r"\b(inf|nan)\b", " ".join(sizing.answer() + sizing.notes), re.IGNORECASE)
    assert any(note.startswith("MASH / front door: the timeliness target is out of reach of staffing alone")
               for note in sizing.notes)
