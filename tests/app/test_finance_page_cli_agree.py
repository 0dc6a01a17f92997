"""One answer per question: the Finance page shows the same figures as `python -m forecasting finance`,
for the combined plan (both call forecasting.planning.finance.finance_view and reports.finance_workbook)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from forecasting.cli.main import main
from forecasting.reports.finance_workbook import money

ROOT = Path(__file__).resolve().parents[2]


def _frame_with(app: AppTest, column: str) -> pd.DataFrame:
    for frame in app.dataframe:
        if column in frame.value:
            return frame.value.reset_index(drop=True)
    raise AssertionError(f"no table with a {column!r} column on the page")


def test_finance_page_equals_the_cli_workbook(tmp_path):
    app = AppTest.from_file(str(ROOT / "views" / "finance.py"), default_timeout=180).run()
    assert not app.exception
    assert app.selectbox(key="finance-plan").value == "combined-plan"
    out = tmp_path / "finance.xlsx"
    assert (
        main(["finance", "--scenario", str(ROOT / "scenarios" / "combined-plan.yaml"), "--out", str(out)])
        == 0
    )
    cli = pd.read_excel(out, sheet_name=None)
    summary = _frame_with(app, "How it is worked out")
    assert summary["Figure"].tolist() == cli["Investment summary"]["Figure"].astype(str).tolist()
    for sheet, key in (
        ("Net position by year", "Net saving (£)"),
        ("Spend by type and year", "Plan spend (£)"),
    ):
        page, workbook = _frame_with(app, key), cli[sheet]
        assert list(page.columns) == list(workbook.columns)
        for column in page.columns:
            if str(column).endswith("(£)"):  # the page shows £1,234,567; the workbook keeps numbers
                assert page[column].tolist() == [money(v) for v in workbook[column]], column
            elif pd.api.types.is_numeric_dtype(page[column]):
                np.testing.assert_allclose(page[column].to_numpy(float), workbook[column].to_numpy(float))
            else:
                assert page[column].astype(str).tolist() == workbook[column].astype(str).tolist(), column
