"""One writer for every table: no DataFrame.to_csv / .to_excel / ExcelWriter in forecasting/ outside
reports/exports.py (which guards formula-looking cells), and the blank template's text cells are guarded
too."""
import csv
import io
import re
from pathlib import Path

import openpyxl

from forecasting.reports.exports import FORMULA_TRIGGERS
from forecasting.reports.template import write_template

PACKAGE = Path(__file__).resolve().parents[2] / "forecasting"
DIRECT_WRITE = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter\(")
# Each exception names its file and exact line, and why it is not a table written for a person. (None left:
# the panel reader validates each authority's rows in place since issue 18, without re-serialising them.)
NOT_EXPORTS: dict[tuple[str, str], str] = {}


def _direct_writes(package: Path = PACKAGE) -> set[tuple[str, str]]:
    found = set()
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        if relative == "reports/exports.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if DIRECT_WRITE.search(line):
                found.add((relative, line.strip()))
    return found


def test_no_table_is_written_around_the_guarded_writer():
    assert _direct_writes() == set(NOT_EXPORTS), "write tables with reports.exports.write_table / to_csv"


def test_the_scan_sees_a_direct_write(tmp_path):
    """The scan itself works: direct writes elsewhere are found, the guarded writer's own are not."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "exports.py").write_text("safe.to_csv(index=False)\n", encoding="utf-8")
    (tmp_path / "cli.py").write_text("frame.to_csv(out, index=False)\nbook = pd.ExcelWriter(out)\n",
                                     encoding="utf-8")
    assert _direct_writes(tmp_path) == {("cli.py", "frame.to_csv(out, index=False)"),
                                        ("cli.py", "book = pd.ExcelWriter(out)")}


def _catalogue_with_formula_name(embedded_dataset):
    indicators = embedded_dataset.indicators.copy()
    indicators.loc["M1", "name"] = '=HYPERLINK("http://evil.example","Contacts")'
    return indicators


def test_template_text_cells_are_guarded(embedded_dataset):
    catalogue = _catalogue_with_formula_name(embedded_dataset)
    months = ["2018-05-01", "2018-06-01"]
    csv_buffer, xlsx_buffer = io.BytesIO(), io.BytesIO()
    write_template(csv_buffer, catalogue=catalogue, months=months, file_format="csv")
    write_template(xlsx_buffer, catalogue=catalogue, months=months, file_format="xlsx")
    rows = list(csv.reader(io.StringIO(csv_buffer.getvalue().decode("utf-8-sig"))))
    csv_names = [row[1] for row in rows[1:]]
    assert "'" + catalogue.loc["M1", "name"] in csv_names
    assert not [name for name in csv_names if name.startswith(FORMULA_TRIGGERS)]
    sheet = openpyxl.load_workbook(xlsx_buffer)["Data"]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "'" + catalogue.loc["M1", "name"] in names
    assert not [name for name in names if isinstance(name, str) and name.startswith(FORMULA_TRIGGERS)]
