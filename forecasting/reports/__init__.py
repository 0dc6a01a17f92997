"""Reports: Excel-ready tables (one writer, formula-injection safe), plotly figures and the HTML scenario
report. Reads planning and engine results; never computes a figure of its own."""

from forecasting.reports.charts import (
    decomposition_chart,
    fan_chart,
    grouped_bars,
    lines,
    plain_text,
    scenario_chart,
    small_multiples,
)
from forecasting.reports.escaping import markdown_text
from forecasting.reports.exports import scenario_html_report, to_csv, to_xlsx
from forecasting.reports.finance_workbook import baseline_sheets, finance_sheets, finance_workbook, money
from forecasting.reports.infinite import NO_STAFF_IN_POST, finite_or_words, per_worker_text
from forecasting.reports.template import write_template
from forecasting.reports.words import (
    GLOSSARY,
    NOT_AVAILABLE,
    RAG_MEANING,
    VALUE_WORDS,
    count_text,
    figure_text,
    header_words,
    in_words,
    money_text,
    percent_text,
    probability_text,
)

__all__ = [
    "GLOSSARY",
    "NOT_AVAILABLE",
    "NO_STAFF_IN_POST",
    "RAG_MEANING",
    "VALUE_WORDS",
    "count_text",
    "decomposition_chart",
    "fan_chart",
    "figure_text",
    "finite_or_words",
    "baseline_sheets",
    "finance_sheets",
    "finance_workbook",
    "grouped_bars",
    "header_words",
    "in_words",
    "lines",
    "markdown_text",
    "money",
    "money_text",
    "per_worker_text",
    "percent_text",
    "plain_text",
    "probability_text",
    "scenario_chart",
    "scenario_html_report",
    "small_multiples",
    "to_csv",
    "to_xlsx",
    "write_template",
]
