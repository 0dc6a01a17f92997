"""The report model lives in forecasting.data.problems and is re-exported by forecasting.data.validation,
where callers have always imported it: every name is the same object from either place (one class, so a
report built by one module is the report another checks with isinstance)."""

from forecasting.data import problems, validation


def test_every_report_name_is_the_same_object_from_validation():
    assert problems.__all__
    for name in problems.__all__:
        assert getattr(validation, name) is getattr(problems, name), name
        assert name in validation.__all__


def test_a_report_built_from_either_place_reads_the_same():
    report = validation.ValidationReport("upload.csv")
    report.error("M1 is a count but the value is -3", "Counts cannot be negative.", file="upload.csv", row=4,
                 column="C", code="negative_count")
    assert isinstance(report, problems.ValidationReport) and isinstance(report.problems[0], problems.Problem)
    assert report.as_text() == (
        "Checked upload.csv\n1 blocking error:\n"
        "  ERROR   upload.csv, cell C4: M1 is a count but the value is -3\n"
        "          Fix: Counts cannot be negative.\nBlocking errors found: fix them and load the file again."
    )
