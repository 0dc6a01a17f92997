"""Server CPU of one lever move and one cost edit in the planning and report code the pages call (issue 16).

    .venv/bin/python benchmarks/lever_cpu.py [--repeats 5]

To compare with older code, run it on an extracted copy first on the path (nothing is written to the repo):
    git archive <commit> | tar -x -C /tmp/old && PYTHONPATH=/tmp/old .venv/bin/python benchmarks/lever_cpu.py

- **Lever move** (Scenarios page, views/scenarios.py): `apply_scenario` of a new lever value on the shared
  baseline, `evaluate_targets` under it, `steady_state`, `headline_table` and the eight `scenario_chart`s;
  on the engine's default horizon and on the five-year one. Each repeat moves the edge-of-care lever to a new
  value of the combined plan, as a slider does (a value seen before is served from the app's cache).
- **Cost edit** (Finance page, views/finance.py): a new residential unit cost makes new parameters, so the
  five-year baseline is built again (`build_baseline`), the page's plan applied on it and `finance_view` and
  `finance_sheets` worked out; also the default-horizon baseline the other pages then rebuild.
- **Workforce slider** (a caseload norm or timeliness target): `workforce_view` on the shared baseline.
The forecasts are made once beforehand (the app shares them); CPU milliseconds of this process are printed
(min and median over the repeats): on a shared machine the wall time includes waiting for a core.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import forecasting
from forecasting.data import load_dataset
from forecasting.engine.forecast import run_forecast
from forecasting.planning import (
    evaluate_targets,
    finance_view,
    headline_table,
    horizon_to_march,
    steady_state,
)
from forecasting.planning.parameters import load_parameters
from forecasting.planning.prices import current_financial_year, enter_costs
from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario, scenario_from_dict
from forecasting.planning.workforce_view import workforce_view
from forecasting.reports import finance_sheets, scenario_chart

PLAN = Path(__file__).resolve().parent.parent / "scenarios" / "combined-plan.yaml"
CHARTS = ("referrals", "cp_plans", "lac", "caseload_cin_cp", "EH4-QL", "M8-QL", "placement_cost",
          "staffing_cost")


def _cpu_ms(call, repeats: int) -> list[float]:
    call(0)  # warm-up (imports, the cached draw streams): not counted
    out = []
    for i in range(1, repeats + 1):
        start = time.process_time()
        call(i)
        out.append((time.process_time() - start) * 1000)
    return out


def _line(label: str, values: list[float]) -> None:
    print(f"  {label:58s} min {min(values):6.0f}  median {statistics.median(values):6.0f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"code: {Path(forecasting.__file__).parent.parent}")
    dataset, params = load_dataset(), load_parameters()
    plan = load_scenario(PLAN)
    five = horizon_to_march(dataset, 5)
    forecasts = {"default horizon": run_forecast(dataset), f"five years ({five} months)":
                 run_forecast(dataset, horizon=five)}
    baselines = {name: build_baseline(dataset, result, params) for name, result in forecasts.items()}
    year = current_financial_year(dataset)

    def moved(i: int):
        levers = {k: v for k, v in plan.levers.model_dump().items() if v is not None}
        levers["edge_of_care_extra_exits"] = 1.0 + 0.05 * i
        return scenario_from_dict({"schema_version": 1, "name": "Scenario", "levers": levers}, "levers")

    print("Lever move (Scenarios page):")
    for name, (baseline, calibration) in baselines.items():
        def lever(i: int, baseline=baseline, calibration=calibration) -> None:
            result = apply_scenario(baseline, moved(i), calibration, params)
            targets = evaluate_targets(result.projection, params=params)
            steady_state(result, calibration)
            headline_table(result.projection, targets)
            for measure in CHARTS:
                frame = result.measure(measure)
                if not frame.empty:
                    scenario_chart(frame, title=measure, unit_label="")
        _line(name, _cpu_ms(lever, args.repeats))

    print("Cost edit (Finance page, then the other pages' baseline):")
    five_name, default_name = list(forecasts)[1], list(forecasts)[0]

    def edited(i: int):
        return enter_costs(params, {"unit_cost_residential": 5000.0 + i}, year)

    def finance(i: int) -> None:
        changed = edited(i)
        baseline, calibration = build_baseline(dataset, forecasts[five_name], changed)
        view = finance_view(apply_scenario(baseline, plan, calibration, changed), changed)
        finance_sheets(view, changed)

    _line("five-year baseline, plan, finance view and sheets", _cpu_ms(finance, args.repeats))
    _line("five-year baseline alone",
          _cpu_ms(lambda i: build_baseline(dataset, forecasts[five_name], edited(i)), args.repeats))
    _line("default-horizon baseline alone",
          _cpu_ms(lambda i: build_baseline(dataset, forecasts[default_name], edited(i)), args.repeats))

    print("Workforce slider (a caseload norm):")
    baseline = baselines[default_name][0]
    _line("workforce_view", _cpu_ms(lambda i: workforce_view(baseline, params, {"cin_cp": 15.0 + i}, {}),
                                    args.repeats))


if __name__ == "__main__":
    main()
