"""Goal-seek sensitivity rule on a hand-computed toy: which way each calibrated rate is pushed."""
import math

import pytest

from forecasting.planning.decomposition import _shifted
from forecasting.planning.pipeline import Calibration, Rate


def _calibration():
    # sd 0.2 over 4 months -> half-width of the 95% interval for the mean = 1.959964 x 0.2 / sqrt(4) =
    # 0.195996
    return Calibration({"referral_to_s47": Rate("referral_to_s47", 0.5, 0.2, 4, "toy"),
                        "cp_exit_rate": Rate("cp_exit_rate", 0.5, 0.2, 4, "toy"),
                        "lac_exit_rate": Rate("lac_exit_rate", 0.1, 0.2, 4, "toy"),
                        "no_months": Rate("no_months", 0.3, 0.0, 0, "toy")}, ["note"])


def test_sensitivity_pushes_conversions_and_exit_rates_in_opposite_directions():
    half = 1.959963984540054 * 0.2 / math.sqrt(4)
    up = _shifted(_calibration(), 1.0)
    # direction +1: conversions up (more children go on), exit rates down (fewer leave): both make stocks
    # larger
    assert up["referral_to_s47"] == pytest.approx(0.5 + half)          # 0.695996
    assert up["cp_exit_rate"] == pytest.approx(0.5 - half)             # 0.304004
    assert up["lac_exit_rate"] == pytest.approx(0.0)                   # 0.1 - 0.196 clipped at 0
    down = _shifted(_calibration(), -1.0)
    assert down["referral_to_s47"] == pytest.approx(0.5 - half)
    assert down["cp_exit_rate"] == pytest.approx(0.5 + half)
    assert down["lac_exit_rate"] == pytest.approx(0.1 + half)          # 0.295996
    # a rate with no months has no interval; sd and months are kept; notes are kept
    assert up["no_months"] == 0.3 and down["no_months"] == 0.3
    assert up.rates["referral_to_s47"].sd == 0.2 and up.rates["referral_to_s47"].n_months == 4
    assert up.notes == ["note"]


def test_shifted_rates_stay_within_zero_and_one():
    calibration = Calibration({"referral_to_s47": Rate("referral_to_s47", 0.95, 0.2, 4, "toy")})
    assert _shifted(calibration, 1.0)["referral_to_s47"] == 1.0        # 0.95 + 0.196 clipped at 1
