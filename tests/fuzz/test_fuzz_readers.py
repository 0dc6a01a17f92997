"""Fuzz every reader with generated hostile files (issue 18 part 6): no crash, no hang, no memory blow-up.

Readers: one council's scorecard (CSV, XLSX, raw bytes), the many-authority long file, the side tables
(targets, benchmarks, context), scenario YAML and the SSDA903 files. Each case runs under the per-case time
and memory limits of `limits.py`. A reader passes a case when it answers with its own result type, and
every problem it reports is located in the file and is not an "unexpected failure" (the catch-all that turns
an unforeseen exception into a message). Scenario YAML may only raise UserFacingError.
"""

from __future__ import annotations

import csv
import io

import hostile_files as hf
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from limits import limited

from forecasting.data.panel import panel_from_long_file
from forecasting.data.side_tables import replace_side_table
from forecasting.data.ssda903_load import load_903
from forecasting.data.upload import load_upload
from forecasting.errors import UserFacingError
from forecasting.planning.levers import LEVERS
from forecasting.planning.scenario_yaml import load_yaml_text
from forecasting.planning.scenarios import Scenario, scenario_from_dict

pytestmark = pytest.mark.fuzz  # registered in pyproject.toml
TODAY = "2026-11-01"

SPECIAL_CELLS = [
    "",
    "-",
    "n/a",
    "<5",
    "x",
    "#DIV/0!",
    "1e309",
    "-1e309",
    "1E400",
    "nan",
    "inf",
    "-inf",
    "1,433",
    "22.6%",
    "1 433",
    "0.5",
    "-5",
    "140",
    "1" * 3000 + "a",
    "9" * 60,
    "=1+2",
    "@SUM(A1)",
    '"',
    '""',
    "\x00",
    "\ufeff",
    "2018-02-30",
    "Jun-18",
    "13/2018",
    "2018-06",
    "2018-06-01",
    "Feb 2019",
    "Sometime",
    "M1",
    "LAC1",
    "CP6B",
    "<a href='x'>",
    "[x](y)",
    "|",
    ";",
    "\t",
    "\n",
    "\r",
    "€",
    "Å",
    "   ",
    "0",
    "1e-400",
    "00012",
    "+7",
]
MONTHS = ["2017-06", "Jun-17", "2017-07", "Jul 2017", "08/2017", "2017-09-01", "Oct-17", "2099-01", "Jan-99"]
CELL = st.one_of(
    st.sampled_from(SPECIAL_CELLS),
    st.sampled_from(MONTHS),
    st.text(max_size=20),
    st.integers(-(10**7), 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ROWS = st.lists(st.lists(CELL, max_size=8), max_size=20)
HEADERS = st.sampled_from(
    [
        ["indicator", "month", "value"],
        ["indicator", "name", *MONTHS[:5]],
        ["Ref", "Indicator", "Jun-17", "Jul-17", "% change", "Aug-17"],
        ["authority", "indicator", "month", "value"],
        ["indicator", "month"],
        [],
    ]
)


def _csv_bytes(
    header: list[str], rows: list[list[str]], delimiter: str, quoted: bool, encoding: str
) -> bytes:
    if quoted:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        for row in [header, *rows]:
            writer.writerow(row)
        text = buffer.getvalue()
    else:
        text = "\n".join(delimiter.join(row) for row in [header, *rows])
    return text.encode(encoding, errors="replace")


CSV_FILES = st.builds(
    _csv_bytes,
    HEADERS,
    ROWS,
    st.sampled_from([",", ";", "\t", "|"]),
    st.booleans(),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)


def _xlsx_cell(reference: str, value: str, as_number: bool) -> str:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = "".join(ch for ch in escaped if ch in "\t\n\r" or ord(ch) >= 32)  # XML 1.0 characters only
    if as_number:
        return f'<c r="{reference}"><v>{escaped}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escaped}</t></is></c>'


@st.composite
def workbooks(draw) -> bytes:
    header = draw(HEADERS)
    rows = [header, *draw(ROWS)]
    references = draw(st.sampled_from(["normal", "missing", "odd"]))
    xml = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            reference = {
                "normal": f"{hf.column_letter(c)}{r}",
                "missing": "",
                "odd": draw(st.sampled_from(["A0", "ZZZZ1", "1A", "XFD1", f"B{r}", "", "AAA7"])),
            }[references]
            cells.append(_xlsx_cell(reference, value, draw(st.booleans()) and value.strip() != ""))
        xml.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    content = hf.workbook(xml)
    if draw(st.booleans()):  # damage some bytes
        data = bytearray(content)
        for position, byte in draw(
            st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=6)
        ):
            data[position] = byte
        content = bytes(data)
    return content


def _problems_ok(report, name: str) -> None:
    unexpected = [p.as_text() for p in report.problems if p.code == "unexpected"]
    assert not unexpected, unexpected
    assert all(
        p.file in ("", name) or p.file.endswith(name) or name.endswith(p.file) for p in report.problems
    )


def _scorecard(name: str, content: bytes) -> None:
    with limited("scorecard"):
        dataset, report = load_upload(name, content, today=TODAY)
    _problems_ok(report, name)
    assert (dataset is None) != report.ok or dataset is None


@given(CSV_FILES)
def test_scorecard_csv(content):
    _scorecard("scorecard.csv", content)


@given(workbooks())
def test_scorecard_xlsx(content):
    _scorecard("scorecard.xlsx", content)


@given(st.binary(max_size=4000))
def test_scorecard_raw_bytes(content):
    _scorecard("scorecard.csv", content)


AUTHORITIES = st.sampled_from(["A", "B", "Bath | NE Somerset", "Back\\slash", "", " ", "|", "=cmd()", "Å"])


@st.composite
def panel_files(draw) -> bytes:
    header = draw(
        st.sampled_from(
            [
                ["authority", "indicator", "month", "value"],
                ["indicator", "month", "value", "authority"],
                ["LA", "code", "date", "value"],
                ["authority"],
                draw(st.lists(CELL, max_size=5)),
            ]
        )
    )
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        rows.append(
            [
                draw(AUTHORITIES)
                if h.lower() in ("authority", "la")
                else draw(
                    st.sampled_from(["M1", "LAC1", "XYZ"])
                    if h in ("indicator", "code")
                    else st.sampled_from(MONTHS)
                    if h in ("month", "date")
                    else CELL
                )
                for h in header
            ]
            + draw(st.lists(CELL, max_size=2))
        )
    if draw(st.booleans()):
        return hf.workbook(
            [
                f'<row r="{r}">'
                + "".join(
                    _xlsx_cell(f"{hf.column_letter(c)}{r}", v, False) for c, v in enumerate(row, start=1)
                )
                + "</row>"
                for r, row in enumerate([header, *rows], start=1)
            ]
        )
    return _csv_bytes(header, rows, ",", draw(st.booleans()), draw(st.sampled_from(["utf-8", "cp1252"])))


@given(panel_files())
def test_panel_long_file(content):
    name = "councils.xlsx" if content.startswith(b"PK") else "councils.csv"
    with limited("panel"):
        loaded = panel_from_long_file(name, content, today=TODAY)
    for report in [*loaded.reports.values(), loaded.notes]:
        _problems_ok(report, name)
    assert set(loaded.datasets).isdisjoint(loaded.reports)


SIDE_HEADERS = st.sampled_from(
    [
        ["indicator", "period", "target", "basis"],
        ["indicator", "comparator", "value"],
        ["key", "value"],
        ["key", "value", "unit", "source"],
        ["x"],
        [],
    ]
)


@pytest.fixture(scope="module")
def active(embedded_dataset):
    return embedded_dataset


@given(
    content=st.one_of(
        st.builds(
            _csv_bytes, SIDE_HEADERS, ROWS, st.just(","), st.booleans(), st.sampled_from(["utf-8", "cp1252"])
        ),
        st.binary(max_size=2000),
    )
)
def test_side_tables(active, content):
    with limited("side tables"):
        updated, report = replace_side_table(active, "targets.csv", content)
    _problems_ok(report, "targets.csv")
    assert (updated is None) == (not report.ok)


SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["2018-09", "2018-02-30", "2018-13", "0001-01", "9999-12"]),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
SNIPPETS = [
    "&a [1, 2]",
    "*a",
    "!!python/object:os.system ls",
    "!!binary aGk=",
    "[" * 40 + "]" * 40,
    "9" * 4400,
    "2018-02-30",
    "1e309",
    ".inf",
    ".nan",
    "{a: 1",
    "'unclosed",
    "- - - - -",
    "? [a, b]: 1",
    "<<: {a: 1}",
    "\x00",
    "\ufeff",
    "%YAML 1.1\n---",
]


@st.composite
def scenario_texts(draw) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=400))
    levers = draw(st.dictionaries(st.sampled_from([*LEVERS, "unknown_lever"]), VALUE, max_size=5))
    data = {
        "schema_version": draw(st.sampled_from([1, 2, "1", None])),
        "name": draw(SCALAR | VALUE),
        "levers": levers,
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    lines = text.splitlines()
    for _ in range(draw(st.integers(0, 3))):  # splice hostile snippets into random places
        position = draw(st.integers(0, len(lines)))
        lines.insert(
            position,
            draw(st.sampled_from(["name: ", "levers: ", "  recruits_fte: ", "x: ", ""]))
            + draw(st.sampled_from(SNIPPETS)),
        )
    return "\n".join(lines) + "\n"


@given(scenario_texts())
def test_scenario_yaml(text):
    with limited("scenario YAML"):
        try:
            scenario = scenario_from_dict(load_yaml_text(text, "plan.yaml"), "plan.yaml")
        except UserFacingError as exc:
            assert str(exc).startswith("plan.yaml: ") and len(str(exc)) < 5000
            return
    assert isinstance(scenario, Scenario)


EPISODE_HEADER = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
    "LA",
    "YEAR",
]
CODES = st.sampled_from(["P", "L", "S", "B", "C1", "V2", "U1", "K2", "E12", "X1", "PR1", "N1", "XX", ""])
DATES = st.sampled_from(
    [
        "01/04/2018",
        "2018-04-01",
        "31/02/2019",
        "15/08/2019",
        "",
        "yesterday",
        "01/04/1899",
        "31/03/2020",
        "1/1/2100",
    ]
)


@st.composite
def files_903(draw) -> list[tuple[str, bytes]]:
    rows = []
    for _ in range(draw(st.integers(0, 15))):
        row = {c: draw(CELL) for c in EPISODE_HEADER}
        row.update(
            CHILD=draw(st.sampled_from(["1", "2", "3", ""])),
            DECOM=draw(DATES),
            DEC=draw(DATES),
            LS=draw(CODES),
            PLACE=draw(CODES),
            REC=draw(CODES),
            RNE=draw(CODES),
            LA=draw(AUTHORITIES),
        )
        rows.append([row[c] for c in EPISODE_HEADER])
    episodes = _csv_bytes(EPISODE_HEADER, rows, ",", True, "utf-8")
    header_rows = [
        [
            draw(st.sampled_from(["1", "2", "9"])),
            draw(st.sampled_from(["1", "2", "x"])),
            draw(DATES),
            draw(DATES),
        ]
        for _ in range(draw(st.integers(0, 5)))
    ]
    header = _csv_bytes(["CHILD", "SEX", "DOB", "ETHNIC"], header_rows, ",", True, "utf-8")
    files = [("episodes.csv", episodes), ("header.csv", header)]
    if draw(st.booleans()):
        files.append(("junk.csv", draw(st.binary(max_size=500))))
    return files


@given(files_903())
def test_ssda903(files):
    with limited("SSDA903"):
        loaded = load_903(files, today=TODAY)
    unexpected = [p.as_text() for p in loaded.report.problems if p.code == "unexpected"]
    assert not unexpected, unexpected
