"""Budget and actual spend uploads: read with located errors, variance = forecast - budget."""

import io

import pandas as pd
import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.budgets import budget_variance, read_actual_spend, read_budget


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_budget_reads_words_pounds_and_year_forms(tmp_path):
    path = _write(
        tmp_path,
        "budget.csv",
        'Line,Financial Year,Budget\nResidential,2018/19,"£12,500,000"\n'
        "IFA,2019-20,5000000\nall placements,2019,31000000\n",
    )
    table = read_budget(path)
    assert table.to_dict("records") == [
        {"line": "residential", "financial_year": "2018-19", "budget": 12500000.0},
        {"line": "ifa", "financial_year": "2019-20", "budget": 5000000.0},
        {"line": "all_placements", "financial_year": "2019-20", "budget": 31000000.0},
    ]


def test_budget_from_uploaded_xlsx_bytes():
    buffer = io.BytesIO()
    pd.DataFrame({"line": ["plan delivery"], "financial_year": ["2019-20"], "budget": [1500000]}).to_excel(
        buffer, index=False
    )
    table = read_budget(buffer.getvalue(), "budget.xlsx")
    assert table.iloc[0].to_dict() == {
        "line": "delivery_cost",
        "financial_year": "2019-20",
        "budget": 1500000.0,
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ("line,year,budget\nIFA,2019-20,1\n", "row 1: no column financial_year"),
        ("line,financial_year,budget\nIFA,2019-20,lots\n", "row 2, column budget: 'lots' is not an amount"),
        (
            "line,financial_year,budget\nIFA,2019-20,1\nTaxis,2019-20,1\n",
            "row 3, column line: 'Taxis' is not a budget",
        ),
        ("line,financial_year,budget\nIFA,2019-21,1\n", "row 2, column financial_year: '2019-21'"),
        ("line,financial_year,budget\nIFA,2019-20,1\nifa,2019-20,2\n", "ifa 2019-20 is given more than once"),
        ("line,financial_year,budget\n", "only a heading row"),
    ],
)
def test_budget_errors_say_where_and_what(tmp_path, text, message):
    with pytest.raises(UserFacingError, match=message) as caught:
        read_budget(_write(tmp_path, "b.csv", text))
    assert "b.csv" in str(caught.value)


def test_actual_spend_and_its_errors(tmp_path):
    table = read_actual_spend(
        _write(
            tmp_path,
            "a.csv",
            "month,placement_type,spend\nApr-18,In-house fostering,600000\n2018-05,supported / other,1000\n",
        )
    )
    assert table["month"].tolist() == [pd.Timestamp("2018-04-01"), pd.Timestamp("2018-05-01")]
    assert table["placement_type"].tolist() == ["in_house_fostering", "supported_other"]
    with pytest.raises(UserFacingError, match=r"a.csv, row 2, column month: 'soon' is not a month"):
        read_actual_spend(_write(tmp_path, "a.csv", "month,placement_type,spend\nsoon,ifa,1\n"))
    with pytest.raises(UserFacingError, match="not a CSV or XLSX"):
        read_actual_spend(_write(tmp_path, "a.csv", "%PDF-1.4 junk"))


def test_variance_is_forecast_minus_budget():
    spend = pd.DataFrame(
        {
            "financial_year": ["2019-20"] * 4,
            "placement_type": ["ifa", "residential"] * 2,
            "case": ["baseline"] * 2 + ["plan"] * 2,
            "spend": [100.0, 300.0, 90.0, 250.0],
        }
    )
    by_year = pd.DataFrame({"financial_year": ["2019-20"], "delivery_cost": [40.0], "allowances_cost": [5.0]})
    budget = pd.DataFrame(
        {
            "line": ["ifa", "all_placements", "delivery_cost"],
            "financial_year": ["2019-20"] * 3,
            "budget": [95.0, 380.0, 50.0],
        }
    )
    table = budget_variance(budget, spend, by_year).set_index("line")
    assert table.loc["ifa", ["baseline_variance", "plan_variance"]].tolist() == [5.0, -5.0]
    assert table.loc["all_placements", ["baseline_variance", "plan_variance"]].tolist() == [20.0, -40.0]
    assert table.loc["delivery_cost", ["baseline_variance", "plan_variance"]].tolist() == [-50.0, -10.0]


def test_an_unquoted_amount_with_commas_is_a_located_error(tmp_path):
    """`£9,000,000` unquoted in a CSV splits into three cells: refused with the row and the fix, never read
    as £9."""
    path = tmp_path / "budget.csv"
    path.write_text("line,financial_year,budget\nIFA,2019-20,5000000\nresidential,2020-21,£9,000,000\n",
                    encoding="utf-8")
    with pytest.raises(UserFacingError, match=r"row 3: 5 or more cells but 3 headings.*in quotes"):
        read_budget(path)
    path.write_text('line,financial_year,budget\nresidential,2020-21,"£9,000,000"\n', encoding="utf-8")
    assert read_budget(path)["budget"].tolist() == [9_000_000.0]
