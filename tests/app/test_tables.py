"""App tables (ui/tables.py): headers in words, figures formatted per column and per indicator unit, RAG in
colour with words, blanks blank (never None/nan)."""

import pandas as pd

from ui.tables import table_styler


def _cells(styler) -> list[list[str]]:
    """The display text of every cell, as the browser shows it."""
    styler._compute()
    body = styler._translate(False, False)["body"]
    return [[cell["display_value"] for cell in row if cell["type"] == "td"] for row in body]


def test_targets_table_in_words_and_units():
    frame = pd.DataFrame({
        "indicator": ["LAC1", "EH4-QL", "X"],
        "period": ["2019-20", "2019-20", None],
        "target": [390.0, 60.0, None],
        "projected": [530.02, 47.02, 12.34],
        "probability_met": [3e-6, 0.4449, None],
        "rag": ["Red", "Amber", None],
        "month": pd.to_datetime(["2020-03-01"] * 3),
        "placement_cost": [21767603.4, None, 1.0],
    })
    catalogue = pd.DataFrame({"name": ["n1", "n2", "n3"], "unit": ["count", "percent", "rate_per_10k"]},
                             index=["LAC1", "EH4-QL", "X"])
    styler = table_styler(frame, catalogue=catalogue)
    assert list(styler.data.columns) == ["Indicator", "Financial year", "Target", "Projected value",
                                         "Chance of meeting the target (%)", "RAG status", "Month",
                                         "Placement cost (£)"]
    rows = _cells(styler)
    assert rows[0] == ["looked-after children (LAC1)", "2019-20", "390", "530", "<1%", "Red: likely to miss",
                       "Mar-20", "£21,767,603"]
    assert rows[1][2:6] == ["60.0%", "47.0%", "44%", "Amber: at risk"]
    assert rows[2] == ["n3 (X)", "", "", "12.3", "", "no target", "Mar-20", "£1"]
    html = styler.to_html()
    assert "#f8d0d0" in html and "#ffe8b3" in html     # red and amber cells coloured


def test_without_units_values_are_whole_from_100_and_one_decimal_below():
    styler = table_styler(pd.DataFrame({"latest": [1433.0, 56.4, 7.0], "mase": [1.05209, None, 0.5]}))
    assert _cells(styler) == [["1,433", "1.05"], ["56.4", ""], ["7", "0.50"]]
