"""Many authorities: loading a long file with an authority column or a folder of files; synthetic panels."""
from __future__ import annotations

import pandas as pd

from forecasting.data.panel import load_panel, panel_from_long_file, split_ids, synthetic_panel


def _long(embedded_dataset, authority: str, scale: float = 1.0) -> pd.DataFrame:
    frame = embedded_dataset.observations.rename(
        columns={"unique_id": "indicator", "ds": "month", "y": "value"}
    )
    frame = frame[frame["indicator"].isin(["M1", "M2", "LAC1"])].copy()
    frame["month"] = frame["month"].dt.strftime("%Y-%m")
    frame["value"] = (frame["value"] * scale).round()
    return frame.assign(authority=authority)[["authority", "indicator", "month", "value"]]


def test_long_file_with_authority_column(embedded_dataset):
    frame = pd.concat([_long(embedded_dataset, "Southampton"), _long(embedded_dataset, "Portsmouth", 0.9)])
    panel = panel_from_long_file("councils.csv", frame.to_csv(index=False).encode(), today="2026-11-22")
    assert panel.authorities == ["Portsmouth", "Southampton"] and not panel.reports
    long = panel.long_frame()
    assert set(long["unique_id"]) >= {"Southampton|LAC1", "Portsmouth|M1"}
    compare = panel.compare("LAC1")
    assert set(compare["authority"]) == {"Portsmouth", "Southampton"}
    assert compare[compare.authority == "Southampton"]["y"].iloc[-1] == 534


def test_bad_rows_keep_their_original_row_numbers(embedded_dataset):
    frame = pd.concat([_long(embedded_dataset, "A"), _long(embedded_dataset, "B")]).reset_index(drop=True)
    bad_index = frame.index[(frame.authority == "B")][5]
    frame.loc[bad_index, "value"] = -3
    panel = panel_from_long_file("councils.csv", frame.to_csv(index=False).encode(), today="2026-11-22")
    assert panel.authorities == ["A"]
    [problem] = [p for p in panel.reports["B"].errors if "-3" in p.message]
    assert problem.row == bad_index + 2  # header is row 1
    assert problem.file == "councils.csv"


def test_missing_authority_column_is_a_message():
    panel = panel_from_long_file("x.csv", b"indicator,month,value\nM1,2018-01,5\n")
    assert not panel.datasets and "authority" in panel.reports["(file)"].errors[0].message


def test_folder_of_files(tmp_path, embedded_dataset):
    for name in ("Southampton", "Portsmouth"):
        _long(embedded_dataset, name).drop(columns="authority").to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "broken.csv").write_text("indicator,month,value\nM1,2018-01,-5\n")
    panel = load_panel(tmp_path, today="2026-11-22")
    assert panel.authorities == ["Portsmouth", "Southampton"] and list(panel.reports) == ["broken"]


def test_synthetic_panel_shape_and_holiday_dip():
    panel = synthetic_panel(4, 5, 60, seed=1)
    assert panel["unique_id"].nunique() == 20 and len(panel) == 20 * 60
    assert (panel["y"] >= 0).all() and panel["unique_id"].str.startswith("SYN").all()
    ids = split_ids(panel["unique_id"])
    assert set(ids["indicator"]) == {f"IND{i:02d}" for i in range(5)}
    logged = panel.assign(month=panel["ds"].dt.month, logy=(panel["y"] + 1).apply(__import__("math").log))
    holiday = logged[logged.month.isin([8, 12])].groupby("unique_id")["logy"].mean()
    term = logged[logged.month.isin([7, 9, 11, 1])].groupby("unique_id")["logy"].mean()
    assert (holiday - term).mean() < -0.03  # the dip is in the synthetic data


def test_panel_cli_forecasts_and_targets_per_authority(tmp_path, embedded_dataset):
    import subprocess
    import sys

    frame = pd.concat([_long(embedded_dataset, "Southampton"), _long(embedded_dataset, "Portsmouth", 0.9)])
    source = tmp_path / "councils.csv"
    frame.to_csv(source, index=False)
    out, targets = tmp_path / "f.csv", tmp_path / "t.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "forecasting",
            "panel",
            "--data",
            str(source),
            "--jobs",
            "1",
            "--horizon",
            "21",
            "--out",
            str(out),
            "--targets-out",
            str(targets),
            "--reference-side-tables",      # both are copies of the reference council: its targets, chosen
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    forecasts = pd.read_csv(out)
    assert set(forecasts["authority"]) == {"Portsmouth", "Southampton"}
    assert forecasts.groupby(["authority", "indicator"]).size().eq(21).all()
    table = pd.read_csv(targets)
    lac = table[(table.indicator == "LAC1") & (table.period == "2019-20")]
    assert set(lac["authority"]) == {"Portsmouth", "Southampton"} and lac["target"].eq(390).all()
