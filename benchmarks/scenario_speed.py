"""How long one scenario recompute takes with the baseline already fitted (target: under 50 ms).

    /work/main/.venv/bin/python benchmarks/scenario_speed.py [--repeats 50]

Prints median / 90th percentile / max milliseconds for `apply_scenario` on each shipped scenario, and the
split between the pipeline itself, the workforce model and the placement-cost model for the combined plan. The
forecast, the calibration and the baseline workforce/cost projections are computed once beforehand (as the app
does when the data set is loaded); the first call per scenario is a warm-up and not counted. """
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.data import load_dataset
from forecasting.engine.forecast import run_forecast
from forecasting.planning.goalseek import decompose, goal_seek
from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
TARGET_MS = 50.0


def timings(call, repeats: int) -> np.ndarray:
    call()  # warm-up
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    dataset = load_dataset()
    start = time.perf_counter()
    forecast = run_forecast(dataset)
    baseline, calibration = build_baseline(dataset, forecast)
    print(f"baseline ready in {time.perf_counter() - start:.2f} s (forecast from cache if present); "
          f"{len(baseline.months)} forecast months")
    print(f"{'scenario':<28}{'median ms':>10}{'p90 ms':>9}{'max ms':>9}  under {TARGET_MS:g} ms (median)?")
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        ms = timings(lambda scenario=scenario: apply_scenario(baseline, scenario, calibration), args.repeats)
        print(f"{path.stem:<28}{np.median(ms):>10.1f}{np.percentile(ms, 90):>9.1f}{ms.max():>9.1f}  "
              f"{'yes' if np.median(ms) < TARGET_MS else 'NO'}")
    plan = load_scenario(SCENARIOS / "combined-plan.yaml")

    def empty(*_):
        return pd.DataFrame(index=baseline.months)

    core = timings(
        lambda: apply_scenario(baseline, plan, calibration, workforce_model=empty, cost_model=empty),
        args.repeats,
    )
    print(f"combined plan without workforce and cost models (pipeline + forecast shift only): "
          f"median {np.median(core):.1f} ms")
    start = time.perf_counter()
    decompose(baseline, plan, calibration)
    print(f"decomposition of the combined plan (Shapley, {2 ** len(plan.active_groups())} runs): "
          f"{time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    answer = goal_seek(baseline, calibration, dataset, "LAC1:2019-20", "edge_of_care_extra_exits", 0.5)
    print(f"goal-seek LAC1:2019-20 with edge_of_care_extra_exits: {time.perf_counter() - start:.2f} s, "
          f"{len(answer.evaluations)} evaluations")
    start = time.perf_counter()
    answer = goal_seek(baseline, calibration, dataset, "EH1c:2018-19", "early_help_diversion_pct", 0.5)
    print(f"goal-seek EH1c:2018-19 with early_help_diversion_pct: {time.perf_counter() - start:.2f} s, "
          f"{len(answer.evaluations)} evaluations, answer {answer.value}")
    capacity = baseline.effects.capacity if baseline.effects is not None else None
    for line in capacity.describe() if capacity is not None else ():
        print(line)


if __name__ == "__main__":
    main()
