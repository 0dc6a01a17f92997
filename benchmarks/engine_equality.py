"""Do the engine's outputs stay exactly the same? A fixed set of runs saved, then compared (for speed-ups that
must not move any number), and a profile of the same runs.

    .venv/bin/python benchmarks/engine_equality.py save before.pkl        # outputs of the code as it is
    .venv/bin/python benchmarks/engine_equality.py save after.pkl         # ... after a change
    .venv/bin/python benchmarks/engine_equality.py compare before.pkl after.pkl
    .venv/bin/python benchmarks/engine_equality.py profile --case m3-13   # cProfile of one case
    .venv/bin/python benchmarks/engine_equality.py panel-accuracy         # a change that moves numbers

Cases (each `run_forecast` with default settings, cache off, as the CLI runs it):
  m3-13, m3-24, m3-36  the first `--series` (default 80) series of the accuracy benchmark's fixed M3 sample
                       (benchmarks/accuracy.py), histories cut to 13 / 24 / 36 months, h = 15, one data set of
                       count indicators (kind stock: no holiday check), as benchmarks/accuracy.py runs them
  embedded             the embedded data set (front-door series: the holiday check runs)
  panel                two SYNTHETIC authorities of forecasting.data.panel.synthetic_panel (40 count flows x
                       60 months each), each forecast alone as `panel` does (holiday check on every series)
Compared: forecasts, all_forecasts, backtest, distribution, selection_check and explanations, exactly
(pandas' assert_frame_equal with check_exact=True).

panel-accuracy: for a change that does move the holiday path's numbers (which the M3 benchmark never runs:
its series have no calendar), `--authorities` SYNTHETIC authorities of 40 x 81 months, forecast from the first
60 months as `panel` does, scored on the 21 months after: mean MASE (scale: mean absolute one-step change of
the 60 months), 80% / 95% coverage, and how many series kept the holiday dip. Run it on the code before and
after (e.g. a `git worktree` of the earlier commit on PYTHONPATH) and compare.
"""
from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CASES = ("m3-13", "m3-24", "m3-36", "embedded", "panel")
TABLES = ("forecasts", "all_forecasts", "backtest", "distribution", "selection_check")


def _m3_dataset(length: int, n_series: int):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import accuracy  # benchmarks/accuracy.py: the same sample and cut

    from forecasting.data.contract import Dataset

    sample = accuracy.sample_series(accuracy.m3_monthly(), 300, 12).iloc[:n_series]
    history = accuracy.cut(sample, length)
    codes = list(dict.fromkeys(history["unique_id"]))
    catalogue = pd.DataFrame({"name": codes, "unit": "count", "polarity": "neutral", "kind": "stock",
                              "outcome": "", "numerator": None, "denominator": None},
                             index=pd.Index(codes, name="indicator"))
    return Dataset(observations=history.reset_index(drop=True), indicators=catalogue, source="M3")


def datasets(case: str, n_series: int) -> dict:
    """{name: (Dataset, horizon)} of one case."""
    if case.startswith("m3-"):
        return {case: (_m3_dataset(int(case[3:]), n_series), 15)}
    if case == "embedded":
        from forecasting import load_dataset

        return {case: (load_dataset(), 21)}
    if case == "panel":
        from forecasting.data.panel import synthetic_panel
        from forecasting.engine.distributed import datasets_from_frame

        return {f"panel {name}": (data, 21)
                for name, data in datasets_from_frame(synthetic_panel(2, 40, 60)).items()}
    raise SystemExit(f"unknown case {case!r}; choose from {', '.join(CASES)}")


def run(cases, n_series: int) -> dict:
    from forecasting.engine.forecast import ForecastSettings, run_forecast

    out = {}
    for case in cases:
        for name, (dataset, horizon) in datasets(case, n_series).items():
            started = time.process_time()
            result = run_forecast(dataset, settings=ForecastSettings(horizon=horizon), use_cache=False)
            seconds = time.process_time() - started
            series = len(dataset.indicator_codes)
            print(f"{name}: {series} series, CPU {seconds:.2f} s "
                  f"({1000 * seconds / series:.1f} ms per series)", flush=True)
            out[name] = {table: getattr(result, table) for table in TABLES}
            out[name]["explanations"] = dict(result.explanations)
    return out


def compare(before: dict, after: dict) -> list[str]:
    """Differences in words (empty: identical)."""
    problems = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            problems.append(f"{name}: only in one of the two runs")
            continue
        for table in TABLES:
            try:
                pd.testing.assert_frame_equal(before[name][table], after[name][table], check_exact=True)
            except AssertionError as exc:
                problems.append(f"{name}.{table}: {str(exc)[:400]}")
        if before[name]["explanations"] != after[name]["explanations"]:
            problems.append(f"{name}.explanations differ")
    return problems


def panel_accuracy(authorities: int) -> dict:
    """Scores of the chosen forecasts on the 21 months after a 60-month SYNTHETIC history (see docstring)."""
    import numpy as np

    from forecasting.data.panel import synthetic_panel
    from forecasting.engine.distributed import datasets_from_frame
    from forecasting.engine.forecast import ForecastSettings, run_forecast

    full = synthetic_panel(authorities, 40, 81)
    months = sorted(full["ds"].unique())
    history, future = full[full["ds"].isin(months[:60])], full[full["ds"].isin(months[60:])]
    rows, started = [], time.process_time()
    for name, dataset in datasets_from_frame(history).items():
        result = run_forecast(dataset, settings=ForecastSettings(horizon=21), use_cache=False)
        forecasts = result.forecasts.assign(unique_id=name + "|" + result.forecasts["indicator"])
        rows.append(forecasts)
    seconds = time.process_time() - started
    forecasts = pd.concat(rows).merge(future.rename(columns={"ds": "month"}), on=["unique_id", "month"])
    scale = history.sort_values("ds").groupby("unique_id")["y"].apply(lambda y: np.abs(np.diff(y)).mean())
    forecasts["abs_error"] = (forecasts["y"] - forecasts["mean"]).abs()
    mase = forecasts.groupby("unique_id")["abs_error"].mean() / scale
    inside80 = (forecasts["y"] >= forecasts["lo80"]) & (forecasts["y"] <= forecasts["hi80"])
    inside95 = (forecasts["y"] >= forecasts["lo95"]) & (forecasts["y"] <= forecasts["hi95"])
    holiday = forecasts.groupby("unique_id")["model"].first().str.endswith("+holiday").sum()
    out = {"series": int(len(mase)), "mean_mase": float(mase.mean()), "median_mase": float(mase.median()),
           "coverage80": float(100 * inside80.mean()), "coverage95": float(100 * inside95.mean()),
           "holiday_kept": int(holiday), "cpu_ms_per_series": 1000 * seconds / len(mase)}
    print(" ".join(f"{key} {value:.4f}" if isinstance(value, float) else f"{key} {value}"
                   for key, value in out.items()))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    save = commands.add_parser("save")
    save.add_argument("out")
    save.add_argument("--cases", default=",".join(CASES))
    save.add_argument("--series", type=int, default=80)
    comp = commands.add_parser("compare")
    comp.add_argument("before")
    comp.add_argument("after")
    prof = commands.add_parser("profile")
    prof.add_argument("--case", default="m3-13")
    prof.add_argument("--series", type=int, default=80)
    prof.add_argument("--top", type=int, default=40)
    prof.add_argument("--sort", default="cumulative")
    accuracy = commands.add_parser("panel-accuracy")
    accuracy.add_argument("--authorities", type=int, default=4)
    args = parser.parse_args(argv)
    if args.command == "panel-accuracy":
        panel_accuracy(args.authorities)
        return 0
    if args.command == "save":
        with open(args.out, "wb") as handle:
            pickle.dump(run(args.cases.split(","), args.series), handle)
        return 0
    if args.command == "compare":
        with open(args.before, "rb") as handle:
            before = pickle.load(handle)
        with open(args.after, "rb") as handle:
            after = pickle.load(handle)
        problems = compare(before, after)
        print("\n".join(problems) if problems else f"identical: {', '.join(sorted(before))}")
        return 1 if problems else 0
    run([args.case], min(args.series, 10))   # warm-up: imports and first-call costs not profiled
    profiler = cProfile.Profile()
    profiler.enable()
    run([args.case], args.series)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
