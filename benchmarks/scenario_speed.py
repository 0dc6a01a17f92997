"""How long one scenario recompute takes with the baseline already fitted (targets, issue 13: the slider path
under 100 ms with the cached draw set, a full Monte Carlo scenario under 1 s).

    /work/main/.venv/bin/python benchmarks/scenario_speed.py [--repeats 50]

First the slider path: the work one slider change triggers on the Scenarios page (views/scenarios.py), for
edge of care and the combined plan: `apply_scenario`, P(met) for every target under the scenario
(`evaluate_targets`), the results at the last month, the steady state, each chart's measure and the headline
table with its exact-mixture 95% ranges (`headline_table`, the table the page shows); the baseline's targets
are worked out once per baseline (the page keeps them) and the decomposition only when asked for (a toggle).
"cached draw set" reuses the seeded draw streams (forecasting.planning.effect_draws) as every slider change
after the first does; "cold" draws them again first. Then median / 90th percentile / max milliseconds for
`apply_scenario` alone on each shipped scenario (the point scenario plus its effect draws,
`scenario_effect_draws` draws from the cached draw set), and the CPU split of the combined plan's slider
path, with apart the page's eight charts (forecasting.reports.scenario_chart), drawing that the slider path
above leaves out. The forecast, the calibration and the
baseline workforce/cost projections are computed once beforehand (as the app does when the data set is
loaded); the first call of each timing is a warm-up and not counted. The full Monte
Carlo scenario adds drawing a new draw set and reading P(met) for every target off the simulated projection.
The five-year horizon (57 months for the embedded data) is timed the same way. Wall and CPU milliseconds are
both printed: on a shared machine the wall time includes waiting for a core."""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from forecasting.data import load_dataset
from forecasting.engine.forecast import run_forecast
from forecasting.planning import effect_draws
from forecasting.planning.goalseek import decompose, goal_seek
from forecasting.planning.headlines import headline_table
from forecasting.planning.horizon import horizon_to_march, steady_state
from forecasting.planning.parameters import value
from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario
from forecasting.planning.targets import evaluate_targets
from forecasting.reports import scenario_chart

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
CHART_MEASURES = ("referrals", "cp_plans", "lac", "caseload_cin_cp", "EH4-QL", "M8-QL", "placement_cost",
                  "staffing_cost")  # the Scenarios page's charts (views/scenarios.py CHARTS)
TARGET_MS = 100.0
FULL_TARGET_S = 1.0


CPU_MS: list[float] = []   # CPU time of the last `timings` call's repeats (ms), printed beside wall time


def timings(call, repeats: int) -> np.ndarray:
    """Wall-clock milliseconds per call; the CPU milliseconds go to CPU_MS (on a shared machine the wall time
    includes waiting for a core, the CPU time does not)."""
    call()  # warm-up
    out = []
    CPU_MS.clear()
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        out.append((time.perf_counter() - start) * 1000)
        CPU_MS.append((time.process_time() - cpu) * 1000)
    return np.array(out)


def slider_path(baseline, calibration, scenario, params, *, cold: bool = False):
    """What one slider change computes on the Scenarios page (module docstring)."""
    if cold:
        effect_draws._stream.cache_clear()
    result = apply_scenario(baseline, scenario, calibration, params)
    targets = evaluate_targets(result.projection, params=params)
    table = result.table
    table[table["month"] == table["month"].max()].set_index("measure")
    steady_state(result, calibration)
    for measure in CHART_MEASURES:
        result.measure(measure)
    headline_table(result.projection, targets)
    return result


def print_slider_paths(baseline, calibration, repeats: int, horizon: str = "default horizon") -> None:
    print(f"slider path (Scenarios page, one slider change, {horizon}, {len(baseline.months)} months; "
          f"{repeats} repeats after a warm-up)")
    print(f"{'scenario':<16}{'draw set':<12}{'median ms':>10}{'p90 ms':>9}{'CPU ms':>8}  "
          f"under {TARGET_MS:g} ms (CPU)?")
    for name in ("edge-of-care", "combined-plan"):
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        for cold in (True, False):
            ms = timings(lambda scenario=scenario, cold=cold: slider_path(
                baseline, calibration, scenario, baseline.params, cold=cold), repeats)
            cpu = float(np.median(CPU_MS))
            print(f"{name:<16}{'cold' if cold else 'cached':<12}{np.median(ms):>10.1f}"
                  f"{np.percentile(ms, 90):>9.1f}{cpu:>8.1f}  {'yes' if cpu < TARGET_MS else 'NO'}")


def print_split(baseline, calibration, plan, repeats: int) -> None:
    """Median CPU milliseconds of each part of the combined plan's slider path (cached draw set)."""
    parts: dict[str, list[float]] = {}
    for _ in range(repeats):
        clock = time.process_time()
        result = apply_scenario(baseline, plan, calibration, baseline.params)
        marks = [("apply_scenario (pipeline, effect draws, workforce and cost models)", time.process_time())]
        targets = evaluate_targets(result.projection, params=baseline.params)
        marks.append(("P(met) for every target", time.process_time()))
        headline_table(result.projection, targets)
        marks.append(("headline table (exact-mixture 95% ranges)", time.process_time()))
        for measure in CHART_MEASURES:
            frame = result.measure(measure)
            if not frame.empty:
                scenario_chart(frame, title=measure, unit_label="")
        marks.append(("[drawing, not in the slider path above] the page's charts (reports.scenario_chart)",
                      time.process_time()))
        for name, at in marks:
            parts.setdefault(name, []).append((at - clock) * 1000)
            clock = at
    print("  of which (combined plan, CPU ms): " + "; ".join(
        f"{name} {np.median(values):.1f}" for name, values in parts.items()))


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
    print(f"machine load (1-minute average): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print_slider_paths(baseline, calibration, args.repeats)
    print("apply_scenario alone (the scenario and its effect draws, cached draw set)")
    print(f"{'scenario':<28}{'median ms':>10}{'p90 ms':>9}{'max ms':>9}{'CPU ms':>8}  under {TARGET_MS:g} ms "
          "(median)?")
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        ms = timings(lambda scenario=scenario: apply_scenario(baseline, scenario, calibration), args.repeats)
        print(f"{path.stem:<28}{np.median(ms):>10.1f}{np.percentile(ms, 90):>9.1f}{ms.max():>9.1f}"
              f"{np.median(CPU_MS):>8.1f}  "
              f"{'yes' if np.median(ms) < TARGET_MS else 'NO'}")
    plan = load_scenario(SCENARIOS / "combined-plan.yaml")

    print_split(baseline, calibration, plan, args.repeats)
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
    print(f"effect draws per scenario: {int(value(baseline.params, 'scenario_effect_draws'))}")

    def full_monte_carlo(baseline, calibration):
        effect_draws._stream.cache_clear()        # a new draw set, as on the first scenario of a session
        result = apply_scenario(baseline, plan, calibration)
        evaluate_targets(result.projection, params=baseline.params)

    full = timings(lambda: full_monte_carlo(baseline, calibration), max(args.repeats // 5, 3)) / 1000
    verdict = "yes" if np.median(full) < FULL_TARGET_S else "NO"
    print(f"full Monte Carlo combined plan (new draw set + P(met) for every target): median "
          f"{np.median(full):.2f} s (CPU {np.median(CPU_MS) / 1000:.2f} s)  under {FULL_TARGET_S:g} s? "
          f"{verdict}")
    horizon = horizon_to_march(dataset, 5)
    start = time.perf_counter()
    long_baseline, long_calibration = build_baseline(dataset, run_forecast(dataset, horizon=horizon))
    print(f"five-year baseline ({horizon} months) ready in {time.perf_counter() - start:.2f} s")
    print_slider_paths(long_baseline, long_calibration, max(args.repeats // 2, 3), "five years")
    ms = timings(lambda: apply_scenario(long_baseline, plan, long_calibration), args.repeats)
    print(f"combined plan, five years: median {np.median(ms):.1f} ms, p90 {np.percentile(ms, 90):.1f} ms, "
          f"CPU {np.median(CPU_MS):.1f} ms  under {TARGET_MS:g} ms? "
          f"{'yes' if np.median(ms) < TARGET_MS else 'NO'}")
    repeats = max(args.repeats // 5, 3)
    full = timings(lambda: full_monte_carlo(long_baseline, long_calibration), repeats) / 1000
    print(f"full Monte Carlo combined plan, five years: median {np.median(full):.2f} s "
          f"(CPU {np.median(CPU_MS) / 1000:.2f} s)")
    capacity = baseline.effects.capacity if baseline.effects is not None else None
    for line in capacity.describe() if capacity is not None else ():
        print(line)


if __name__ == "__main__":
    main()
