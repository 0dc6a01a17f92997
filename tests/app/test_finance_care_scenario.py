"""A placement-transition scenario on the Children in care page flows to costs: the page shows the spend by
financial year that finance.care_scenario_costs gives for the same projections (one function)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from forecasting.data.ssda903_load import load_903
from forecasting.planning import care_scenario_costs, fit_care_model, load_parameters, scenario_projection
from forecasting.reports import money

ROOT = Path(__file__).resolve().parents[2]


def _files():
    rows = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"]
    for child in range(40):  # entries through 2017-18; a third in residential (K2), the rest IFA (U4 PR4)
        start_month = 4 + child % 9
        end = f"15/{(start_month + 4) % 12 + 1:02d}/2018,E4A" if child % 2 else ","
        place = "U4" if child % 3 else "K2"
        rows.append(f"{child},0{1 + child % 9}/{start_month:02d}/2017,S,C2,N1,{place},PR4,{end}")
    header = "CHILD,SEX,DOB\n" + "".join(f"{c},1,01/01/{2003 + c % 12}\n" for c in range(40))
    return [("episodes.csv", ("\n".join(rows) + "\n").encode()), ("header.csv", header.encode())]


def test_step_downs_show_their_saving_on_the_page():
    loaded = load_903(_files())
    assert loaded.ok
    app = AppTest.from_file(str(ROOT / "views" / "children_in_care.py"), default_timeout=180)
    app.session_state["ssda903"] = loaded
    app.run()
    app.number_input[0].set_value(0.05).run()  # 5% more of residential children step down each month
    assert not app.exception
    page = next(f.value for f in app.dataframe if "Saving (£)" in f.value.columns)
    base = fit_care_model(loaded.clean, "authority", reference_months=12, horizon=24, n_sims=500)
    moved = scenario_projection(loaded.clean, "authority", base,
                                [("step_down", "residential", "in_house_fostering", 0.05)], n_sims=500)
    expected = care_scenario_costs(base, moved, load_parameters())
    assert page["Saving (£)"].tolist() == [money(v) for v in expected["saving"]]
    assert (expected["saving"] > 0).all()
