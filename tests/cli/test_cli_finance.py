"""`python -m forecasting finance`: the workbook a finance team would file, and clear errors."""

from pathlib import Path

import pandas as pd
import pytest

from forecasting.cli.main import main

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SHEETS = [
    "Spend by type and year",
    "Net position by year",
    "Net position by month",
    "Plan costs by month",
    "Investment summary",
    "Assumptions",
    "Notes",
]


def test_finance_workbook_has_every_view(tmp_path, capsys):
    out = tmp_path / "finance.xlsx"
    assert main(["finance", "--scenario", str(SCENARIO_DIR / "combined-plan.yaml"), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(SHEETS) <= set(sheets)
    years = sheets["Net position by year"]
    # by default the medium term: five full financial years to the fifth 31 March after Jun 2018
    assert years["Financial year"].tolist() == ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]
    assert (years["Months"] == 12).all()
    assert years["Months (actual or forecast)"].iloc[1:].eq(
        [f"Apr {y}-Mar {y + 1} forecast" for y in range(2019, 2023)]).all()
    assert (
        years["Months (actual or forecast)"].iloc[0] == "Apr 2018-Jun 2018 actual, Jul 2018-Mar 2019 forecast"
    )
    summary = sheets["Investment summary"].set_index("Item")["Figure"]
    assert summary["Payback month"] and summary["Net present value (2018-19 prices, 3.5% a year)"].startswith(
        ("£", "-£")
    )
    assumptions = sheets["Assumptions"]
    assert assumptions["Source"].notna().all() and "discount_rate_pct" in set(assumptions["Parameter"])
    printed = capsys.readouterr().out
    assert "Payback month:" in printed and "Net present value" in printed


def test_finance_typed_cost_and_budget(tmp_path):
    budget = tmp_path / "budget.csv"
    budget.write_text("line,financial_year,budget\nIFA,2019-20,5000000\n", encoding="utf-8")
    out = tmp_path / "f.xlsx"
    argv = [
        "finance",
        "--scenario",
        str(SCENARIO_DIR / "edge-of-care.yaml"),
        "--out",
        str(out),
        "--budget",
        str(budget),
        "--set",
        "unit_cost_ifa=900",
    ]
    assert main(argv) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    variance = sheets["Budget variance"].iloc[0]
    assert variance["Line"] == "Independent fostering agency (IFA)" and variance["Budget (£)"] == 5000000
    ifa = sheets["Assumptions"].set_index("Parameter").loc["unit_cost_ifa"]
    assert ifa["Value"] == 900 and ifa["Price year"] == "2018-19"  # typed in the data's current year


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--out", "finance.csv"], "ending .xlsx"),
        (["--out", "f.xlsx", "--set", "unit_cost_ifa"], "expected NAME=VALUE"),
        (["--out", "f.xlsx", "--set", "unit_cost_ifa=lots"], "not a number"),
        (["--out", "f.xlsx", "--set", "unit_cost_taxi=1"], "unknown parameter"),
        (["--out", "f.xlsx", "--budget", "missing.csv"], "cannot read the file"),
        (["--out", "f.xlsx", "--years", "3", "--horizon", "20"], "give one of them"),
        (["--out", "f.xlsx", "--years", "11"], "between 1 and 10"),
    ],
)
def test_finance_errors_are_messages(tmp_path, capsys, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    assert main(["finance", "--scenario", str(SCENARIO_DIR / "edge-of-care.yaml"), *extra]) == 2
    assert message in capsys.readouterr().err


def test_finance_years_and_horizon_say_the_same(tmp_path):
    """--years 5 is --horizon 57 for the Jun-18 data (horizon.horizon_to_march); --years 2 ends Mar 2020."""
    plan = str(SCENARIO_DIR / "combined-plan.yaml")
    read = lambda name: pd.read_excel(tmp_path / name, sheet_name="Net position by year")  # noqa: E731
    assert main(["finance", "--scenario", plan, "--out", str(tmp_path / "h.xlsx"), "--horizon", "57"]) == 0
    assert main(["finance", "--scenario", plan, "--out", str(tmp_path / "y.xlsx"), "--years", "5"]) == 0
    pd.testing.assert_frame_equal(read("h.xlsx"), read("y.xlsx"))
    assert main(["finance", "--scenario", plan, "--out", str(tmp_path / "two.xlsx"), "--years", "2"]) == 0
    assert read("two.xlsx")["Financial year"].tolist() == ["2018-19", "2019-20"]
    assert main(["finance", "--scenario", plan, "--out", str(tmp_path / "z.xlsx"), "--horizon", "0"]) == 2
