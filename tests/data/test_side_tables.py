"""A council's own targets, benchmarks and population replace the borrowed ones, with located errors."""
import pytest

from forecasting.data.side_tables import replace_side_table


def test_targets_replace_the_borrowed_ones(embedded_dataset):
    content = b"indicator,period,target,basis\nLAC1,2019-20,420,year_end_level\n"
    updated, report = replace_side_table(embedded_dataset, "ours.csv", content)
    assert report.ok and updated.targets.to_dict("records") == [
        {"indicator": "LAC1", "period": "2019-20", "target": 420.0, "basis": "year_end_level"}]
    assert len(embedded_dataset.targets) > 1  # the original is untouched


def test_bad_cell_is_located_and_nothing_changes(embedded_dataset):
    content = (
        b"indicator,period,target,basis\nLAC1,2019-20,420,year_end_level\nM1,2018-19,lots,annual_total\n"
    )
    updated, report = replace_side_table(embedded_dataset, "ours.csv", content)
    assert updated is None
    [problem] = report.errors
    assert (problem.file, problem.row, problem.column) == ("ours.csv", 3, "C") and "'lots'" in problem.message


def test_population_and_benchmarks(embedded_dataset):
    updated, _ = replace_side_table(
        embedded_dataset, "pop.csv", b"key,value,unit,source\npopulation_0_17,51000,,ONS\n"
    )
    assert updated.context["population_0_17"] == pytest.approx(51000)
    updated, report = replace_side_table(
        embedded_dataset, "b.csv", b"indicator,comparator,value\nLAC1,england,65\nZZ9,england,3\n"
    )
    assert set(updated.benchmarks["indicator"]) == {"LAC1", "ZZ9"}
    assert [w.code for w in report.warnings] == ["unknown_indicator"]


@pytest.mark.parametrize("content,fragment", [
    (b"a,b\n1,2\n", "is not a targets, benchmarks or context table"),
    (b"indicator,period,target,basis\nLAC1,2019/20,420,year_end_level\n", "a financial year such as 2018-19"),
    (b"indicator,comparator,value\nLAC1,wales,3\n", "one of statistical_neighbours, england, south_east"),
    (b"\xff\xfe\x00bad", "could not be read"),
])
def test_malformed_side_files(embedded_dataset, content, fragment):
    updated, report = replace_side_table(embedded_dataset, "x.csv", content)
    assert updated is None and any(fragment in p.message for p in report.errors), report.as_text()
