"""User text is shown as text (issue 18 part 4): file names, indicator and authority names, notes.

Before the fix an uploaded file's name was rendered as Markdown on the Data page (live links), an indicator
name holding <a href> became a link in a chart title, and `backtest --summary` copied <script> into the
Markdown that `make readme` splices into the README.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from streamlit.testing.v1 import AppTest

from forecasting.cli.forecast import summary_markdown
from forecasting.reports.charts import fan_chart, lines
from forecasting.reports.escaping import chart_text, markdown_cell, markdown_text

ROOT = Path(__file__).resolve().parents[2]
LINK = "[click](javascript:alert(1)) <a href='https://evil.example'>x</a> www.evil.example a@evil.example"


def test_markdown_text_escapes_every_way_into_markup_and_leaves_plain_names_alone():
    escaped = markdown_text(LINK)
    assert escaped == (
        r"\[click\]\(javascript\:alert\(1\)\) \<a href='https\://evil.example'\>x\</a\> "
        r"www\.evil.example a\@evil.example"
    )
    assert markdown_text("my-scorecard.xlsx") == "my-scorecard.xlsx"
    assert markdown_text("M6-QL (val)") == r"M6-QL \(val\)"
    assert markdown_text("- a list?") == r"\- a list?" and markdown_text("12. x") == r"12\. x"
    assert markdown_text(":red[alarm] $x$ **b**") == r"\:red\[alarm\] \$x\$ \*\*b\*\*"
    assert "\n" not in markdown_text("two\nlines")


def test_markdown_cell_and_chart_text_use_entities_for_tags():
    assert markdown_cell("<script>alert(1)</script> | x") == r"&lt;script&gt;alert(1)&lt;/script&gt; \| x"
    assert chart_text("<a href='x'>M1</a> & co") == "&lt;a href='x'&gt;M1&lt;/a&gt; &amp; co"


def test_chart_titles_and_names_from_data_are_text():
    months = pd.date_range("2018-01-01", periods=3, freq="MS")
    forecast = pd.DataFrame(
        {"month": months, "mean": 1.0, "lo80": 0.5, "hi80": 1.5, "lo95": 0.2, "hi95": 2.0}
    )
    targets = pd.DataFrame({"period": ["<b>2018-19</b>"], "target": [1.0], "target_date": [months[-1]]})
    figure = fan_chart(
        pd.Series([1.0, 2.0], index=months[:2]),
        forecast,
        title="<a href='https://e.x'>M1</a>",
        targets=targets,
    )
    assert figure.layout.title.text == "&lt;a href='https://e.x'&gt;M1&lt;/a&gt;"
    shown = (
        [figure.layout.title.text]
        + [t.name for t in figure.data]
        + [x for t in figure.data for x in t.text or ()]
    )
    assert not any("<" in text for text in shown)
    assert "Target &lt;b&gt;2018-19&lt;/b&gt;" in [t.name for t in figure.data]
    frame = pd.DataFrame({"month": months, "fte": 1.0, "team": ["<i>x</i>"] * 3})
    assert (
        lines(frame, x="month", y="fte", colour="team", title="t", y_title="y").data[0].name
        == "&lt;i&gt;x&lt;/i&gt;"
    )


def test_backtest_summary_shows_names_as_text():
    backtest = pd.DataFrame(
        {
            "indicator": ["<script>alert(1)</script>", "M|1"],
            "model": ["Naive", "Naive"],
            "chosen": [True, True],
            "mase": [1.0, 1.0],
            "coverage80": [0.8, 0.8],
            "coverage95": [0.9, 0.9],
        }
    )
    result = SimpleNamespace(
        backtest=backtest,
        settings=SimpleNamespace(n_windows=2, cv_horizon=3),
        holiday="not used",
        selection_check=None,
    )
    text = summary_markdown(result)
    assert "<script>" not in text and "| &lt;script&gt;alert(1)&lt;/script&gt; | Naive |" in text
    assert r"| M\|1 | Naive |" in text


def test_data_page_shows_an_uploaded_file_name_as_text():
    name = "[click](javascript:alert(1)) www.evil.example.csv"
    content = b"indicator,month,value\n" + b"".join(
        f"M1,2018-{m:02d},{100 + m}\n".encode() for m in range(1, 13)
    )
    app = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=120).run()
    app.get("file_uploader")[0].upload(name, content, "text/csv").run()
    assert not app.exception
    escaped = r"\[click\]\(javascript\:alert\(1\)\) www\.evil.example.csv"
    assert any(f"Now using {escaped}:" in s.value for s in app.success)
    assert any(f"Active data set:** {escaped} —" in m.value for m in app.markdown)
    assert not any("](javascript" in m.value for m in [*app.success, *app.markdown])
