"""Plain words: headers with units, figures as people read them, a glossary of every term (reports.words)."""

import io

import openpyxl
import pandas as pd
import pytest

from forecasting.reports import (
    GLOSSARY,
    count_text,
    figure_text,
    header_words,
    in_words,
    money_text,
    percent_text,
    probability_text,
    to_csv,
    to_xlsx,
)


@pytest.mark.parametrize("name,words", [
    ("probability_met", "Chance of meeting the target (%)"),
    ("p_met_2019_20", "Chance of meeting the 2019-20 target (%)"),
    ("projected_2018_19", "Projection at 31 Mar 2019"),
    ("range95_2019_20", "95% range at 31 Mar 2020"),
    ("rag_2018_19", "RAG 2018-19"),
    ("target_1999_00", "Target 1999-00"),
    ("cost", "Cost (£)"),
    ("establishment_fte", "establishment_fte"),   # unknown: kept, a plan file must read back
    ("Already in words", "Already in words"),
])
def test_header_words(name, words):
    assert header_words(name) == words


def test_century_turn_gives_the_right_march():
    assert header_words("projected_1999_00") == "Projection at 31 Mar 2000"


def test_in_words_keeps_codes_when_two_names_mean_the_same():
    both = pd.DataFrame({"ds": [1], "month": [2]})
    assert list(in_words(both).columns) == ["ds", "month"]
    assert list(in_words(pd.DataFrame({"rag": ["Red"]})).columns) == ["RAG status"]


def test_figures_are_formatted_and_never_none():
    assert count_text(1432.6) == "1,433"
    assert money_text(21767603.40751906) == "£21,767,603"
    assert money_text(-1500.4) == "-£1,500"
    assert percent_text(48) == "48.0%"
    assert probability_text(0.0000000000001) == "<1%"
    assert probability_text(0.9999) == ">99%"
    assert probability_text(0.0) == "0%" and probability_text(1.0) == "100%"
    assert probability_text(0.4449) == "44%"
    for missing in (None, float("nan"), pd.NA):
        assert count_text(missing) == "not available"
        assert probability_text(missing) == "not available"
    assert figure_text(12.34, "rate_per_10k") == "12.3 per 10,000"
    assert figure_text(93.75, "percent") == "93.8%"
    assert figure_text(528.8, "count") == "529"


def test_glossary_names_every_term_the_pages_use():
    terms = " ".join(term for term, _ in GLOSSARY)
    for term in ("RAG", "P(met)", "MASE", "range (interval)", "Back-test", "FTE", "Combination", "AutoETS"):
        assert term in terms
    assert all(meaning.endswith(".") and len(meaning) > 20 for _, meaning in GLOSSARY)


def test_app_downloads_have_worded_headers_with_units():
    frame = pd.DataFrame({"indicator": ["LAC1"], "probability_met": [0.25], "cost": [1234.5]})
    text = to_csv(frame, words=True).decode("utf-8-sig").splitlines()[0]
    assert text == "Indicator code,Chance of meeting the target (%),Cost (£)"
    assert to_csv(frame).decode("utf-8-sig").splitlines()[0] == "indicator,probability_met,cost"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx({"t": frame}, words=True)))["t"]
    assert [c.value for c in sheet[1]] == ["Indicator code", "Chance of meeting the target (%)", "Cost (£)"]
    # the format still follows what the column holds (chosen from the original name)
    assert sheet.cell(2, 2).number_format == "0%" and sheet.cell(2, 3).number_format == '"£"#,##0'


def test_spelled_out_names_for_tables_no_program_reads():
    assert header_words("placement_cost", spell_out=True) == "Placement cost (£)"
    assert header_words("turnover_pct", spell_out=True) == "Turnover (%)"
    assert header_words("agency_fte", spell_out=True) == "Agency FTE"
    assert header_words("agency_fte") == "agency_fte"
    assert header_words("Model", spell_out=True) == "Model"
    assert header_words("adopted", spell_out=True) == "Adopted"       # one word: capitalised
    assert header_words("lac", spell_out=True) == "LAC"
    assert header_words("2019", spell_out=True) == "2019"          # not a name: unchanged
