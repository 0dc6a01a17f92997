"""Measured effect sizes of the shipped scenarios on the embedded data (issue 13, care pathway).

    .venv/bin/python benchmarks/care_pathway_effects.py [--years 5] [--scenarios edge-of-care ...]

For each scenario: the change in looked-after children (LAC1), children on CP plans and open CIN cases at
Mar 2020 and at the last month (Mar 2023 with --years 5), with the 95% interval of the change over the
effects' evidence bands (ScenarioResult.table delta_lo95 / delta_hi95), and the entries-to-care change summed
over the horizon; LAC1 itself (baseline and scenario medians with their 95% intervals, the scenario's read off
the exact mixture over the effect draws). With --pathway-draws both, each scenario runs twice on the same
forecast: with the care pathway parameters held at their values ("without pathway draws", every band in
forecasting.planning.pathway_evidence at zero width) and drawn over their evidence bands ("with"), for the
before/after of that change. Prints plain text; takes about a minute (one engine run).
"""
from __future__ import annotations

import argparse
import logging
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
MEASURES = ("lac", "cp_plans", "cin_open", "referrals")


@contextmanager
def pathway_bands(drawn: bool):
    """The care pathway parameters' evidence bands as shipped (drawn) or at zero width (held)."""
    from forecasting.planning.pathway_evidence import PATHWAY_EVIDENCE

    shipped = dict(PATHWAY_EVIDENCE)
    if not drawn:
        PATHWAY_EVIDENCE.update({n: replace(e, low=e.central, high=e.central) for n, e in shipped.items()})
    try:
        yield
    finally:
        PATHWAY_EVIDENCE.update(shipped)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scenarios", nargs="*",
                        default=["edge-of-care", "early-help-step-down", "combined-plan"])
    parser.add_argument("--pathway-draws", choices=["with", "without", "both"], default="with")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from forecasting.data import EMBEDDED_DATASET, load_dataset
    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.horizon import horizon_to_march
    from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario

    dataset = load_dataset(EMBEDDED_DATASET)
    horizon = horizon_to_march(dataset, args.years)
    baseline, calibration = build_baseline(dataset, run_forecast(dataset, horizon=horizon))
    modes = {"with": [True], "without": [False], "both": [False, True]}[args.pathway_draws]
    for name, drawn in ((name, drawn) for name in args.scenarios for drawn in modes):
        with pathway_bands(drawn):
            result = apply_scenario(baseline, load_scenario(ROOT / "scenarios" / f"{name}.yaml"), calibration)
        table = result.table
        print(f"== {name} ({'with' if drawn else 'without'} pathway draws)")
        for measure in MEASURES:
            rows = table[table["measure"] == measure].set_index("month")
            if rows.empty:
                continue
            for month in (pd.Timestamp("2020-03-01"), rows.index[-1]):
                r = rows.loc[month]
                print(f"  {measure:9s} {month:%b %Y}: {r['delta']:+8.1f} "
                      f"(95% {r['delta_lo95']:+.1f} to {r['delta_hi95']:+.1f}; 80% {r['delta_lo80']:+.1f} "
                      f"to {r['delta_hi80']:+.1f})")
        starts = table[table["measure"] == "lac_starts"]["delta"].sum()
        print(f"  entries to care over the horizon: {starts:+.1f}")
        forecasts = result.forecasts.query("indicator == 'LAC1'").set_index("month")
        base = baseline.projection.forecasts.query("indicator == 'LAC1'").set_index("month")
        for month in (pd.Timestamp("2020-03-01"), forecasts.index[-1]):
            s, b = forecasts.loc[month], base.loc[month]
            print(f"  LAC1 {month:%b %Y}: baseline {b['mean']:.0f} (95% {b['lo95']:.0f}-{b['hi95']:.0f}), "
                  f"scenario {s['mean']:.0f} (95% {s['lo95']:.0f}-{s['hi95']:.0f}, exact mixture)")


if __name__ == "__main__":
    main()
