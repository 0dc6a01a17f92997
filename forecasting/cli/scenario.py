"""`python -m forecasting scenario|goalseek ...`: run a scenario file; find the lever value that meets a
target.

  python -m forecasting scenario scenarios/edge-of-care.yaml --data PATH --out results.csv [--format xlsx]
      writes measure,month,baseline,scenario,delta,delta_lo80,delta_hi80,delta_lo95,delta_hi95 (the change
      with its 80% and 95% intervals over the effects' evidence; XLSX adds the levers, the evidence,
      calibration, decomposition and notes; its headers and measures in words with units, e.g. "Children in
      care (count at month end)", "Net cost: ... (£ in the month)"; the CSV keeps these column names and
      measure codes unless --headers words) and prints a short plain-words summary: the steady state each
      stock is heading for ("at full effect, about N fewer children in care") and any lever beyond its
      evidence.
      --years 5 runs to the fifth 31 March after the last data month (Mar 2023 for the embedded data).
  python -m forecasting goalseek --target LAC1:2019-20 --lever edge_of_care_extra_exits --probability 0.5
      [--data PATH] [--scenario FILE.yaml] [--years 5]   prints the answer in plain words ("cannot be met"
      is an answer), with a warning when it is beyond the lever's evidence. --second-lever NAME: the cheapest
      combination of the two levers that meets the target (each combination tried is listed).

--data defaults to the embedded data set. Months are written as YYYY-MM.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.errors import UserFacingError

FORMATS = ("csv", "xlsx")
HEADERS_HELP = ("headers: 'words' (for people: words with units, measures and levers in words; the default "
                "in an .xlsx) or 'codes' (the documented column names and measure codes; the default in a "
                ".csv)")
#: columns whose names mean something else in these sheets than in the shared word table
CALIBRATION_WORDS = {"name": "Rate", "mean": "Average", "sd": "Standard deviation",
                     "n_months": "Months measured"}
BASIS_WORDS = {"end": "change at the last month", "total": "total over the months"}
SHEET_ABOUT = {
    "scenario": "Each measure by month: baseline, scenario, the change and its 80% and 95% ranges over the "
                "effects' evidence.",
    "levers": "Every lever: the value in this scenario, its neutral value, unit, plausible range and source.",
    "evidence": "The evidence behind each uncertain effect: central value, range, strength and source.",
    "calibration": "Rates measured on the council's own history (conversions and exits) and how.",
    "decomposition": "How much of the change each lever group gives (Shapley values; they add up).",
    "sensitivity": "The change with the measured rates at the ends of their 95% range.",
    "capacity": "Work each team has shown it can do per social worker, from its busiest months.",
    "notes": "What the figures rest on, and any lever beyond its evidence.",
}
STAFFING_HELP = ("staffing plan sheet (CSV/XLSX, one row per team; `python -m forecasting workforce "
                 "--write-plan FILE` gives the layout); default: the shipped plan")
SUMMARY_MEASURES = {
    "referrals": "referrals a month",
    "cp_plans": "children on CP plans",
    "lac": "looked-after children",
    "caseload_cin_cp": "CIN/CP cases per social worker",
    "CP8-QL": "% CP children seen in time (CP8-QL)",
    "M8-QL": "% MASH decisions in 24h (M8-QL)",
    "early_help_assessments": "Universal Help Assessments completed a month (EH1c)",
    "early_help_extra_open": "extra families open to Early Help (step-down caseload)",
    "placement_cost": "placement spend a month (£)",
    "staffing_cost": "staffing cost a month, managers and support included (£)",
    "agency_fte": "agency social workers (FTE)",
}


def register(subparsers) -> None:
    scenario = subparsers.add_parser("scenario", help="run a scenario file against the baseline forecast")
    scenario.add_argument("file", help="scenario YAML file (see scenarios/ for examples)")
    scenario.add_argument("--data", help="data set folder or CSV/XLSX file (default: the embedded data set)")
    scenario.add_argument("--out", required=True, help="file to write (.csv or .xlsx)")
    scenario.add_argument("--format", choices=FORMATS, help="output format (default: from --out, else csv)")
    scenario.add_argument("--headers", choices=("codes", "words"), help=HEADERS_HELP)
    scenario.add_argument("--years", type=int, help="run to the N-th 31 March after the last data month "
                          "(5 = the medium term, Mar 2023 for the embedded data; default: the engine's "
                          "horizon)")
    scenario.add_argument("--staffing", help=STAFFING_HELP)
    scenario.set_defaults(handler=run_scenario_command)

    goalseek = subparsers.add_parser(
        "goalseek", help="smallest lever value that meets a target with a probability"
    )
    goalseek.add_argument(
        "--target", required=True, help="INDICATOR:PERIOD from targets.csv, e.g. LAC1:2019-20"
    )
    goalseek.add_argument("--lever", required=True, help="lever to move, e.g. edge_of_care_extra_exits")
    goalseek.add_argument("--probability", type=float, default=0.5,
                          help="required probability of meeting the target, 0-1 (default 0.5)")
    goalseek.add_argument("--data", help="data set folder or CSV/XLSX file (default: the embedded data set)")
    goalseek.add_argument("--scenario", help="scenario YAML holding the other levers (default: the baseline)")
    goalseek.add_argument("--staffing", help=STAFFING_HELP)
    goalseek.add_argument("--years", type=int, help="run to the N-th 31 March after the last data month")
    goalseek.add_argument("--second-lever", help="two-lever mode: the cheapest combination of --lever and "
                          "this lever that meets the target (cost: the net cost change over the horizon)")
    goalseek.set_defaults(handler=run_goalseek_command)


def staffing_parameters(staffing: str | None):
    """The parameters with the staffing plan sheet `staffing` applied (None: the shipped plan)."""
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.staffing_plan import apply_staffing_file

    params = load_parameters()
    return apply_staffing_file(staffing, params) if staffing else params


def _engine(data: str | None, staffing: str | None = None, years: int | None = None):
    from forecasting.data import load_data_option
    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.horizon import horizon_to_march
    from forecasting.planning.scenarios import build_baseline

    params = staffing_parameters(staffing)      # check the plan before the (slower) forecast
    dataset = load_data_option(data)
    horizon = horizon_to_march(dataset, years) if years is not None else None
    print(f"forecasting the baseline from {dataset.source or 'the data'}"
          f"{f' for {horizon} months' if horizon else ''}...", file=sys.stderr, flush=True)
    baseline, calibration = build_baseline(dataset, run_forecast(dataset, horizon=horizon), params)
    return dataset, baseline, calibration


def _summary_lines(result) -> list[str]:
    table = result.table
    lines = [f"Scenario: {result.scenario.name}"]
    for measure, words in SUMMARY_MEASURES.items():
        rows = table[table["measure"] == measure]
        if rows.empty:
            continue
        last = rows.iloc[-1]
        band = ""
        if last["delta_lo95"] != last["delta_hi95"]:
            band = f", 95% interval {last['delta_lo95']:+,.1f} to {last['delta_hi95']:+,.1f}"
        lines.append(f"  {words} in {pd.Timestamp(last['month']):%b %Y}: {last['scenario']:,.1f} "
                     f"(baseline {last['baseline']:,.1f}, change {last['delta']:+,.1f}{band})")
    cost = table[table["measure"] == "placement_cost"]
    if not cost.empty:
        total = f"£{cost['delta'].sum():+,.0f}"
        draws = result.delta_draws.get("placement_cost")
        if draws is not None:
            low, high = np.quantile(draws.sum(axis=1), [0.025, 0.975])
            total += f" (95% interval £{low:+,.0f} to £{high:+,.0f})"
        lines.append(f"  placement spend over {pd.Timestamp(cost['month'].iloc[0]):%b %Y}-"
                     f"{pd.Timestamp(cost['month'].iloc[-1]):%b %Y}: change {total}")
    if result.delta_draws:
        lines.append("  (intervals: the effects simulated over their evidence bands and the calibrated "
                     "rates; the change shown is the levers as set)")
    return lines


def _levers_frame(scenario) -> pd.DataFrame:
    from forecasting.planning.levers import LEVERS

    values = scenario.levers.model_dump()
    return pd.DataFrame(
        [
            {
                "lever": name,
                "value": values[name],
                "neutral": spec.neutral,
                "unit": spec.unit,
                "low": spec.low,
                "high": spec.high,
                "description": spec.description,
                "source": spec.source,
            }
            for name, spec in LEVERS.items()
        ]
    )


def _sheets_in_words(sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sheets whose column names mean something else here than in the shared word table, renamed."""
    sheets = dict(sheets)
    sheets["calibration"] = sheets["calibration"].rename(columns=CALIBRATION_WORDS)
    for name in ("decomposition", "sensitivity"):
        frame = sheets[name]
        if "basis" in frame:
            sheets[name] = frame.assign(basis=frame["basis"].map(lambda v: BASIS_WORDS.get(v, v))).rename(
                columns={"basis": "Measured as"})
    return sheets


def _capacity_table(baseline) -> pd.DataFrame:
    """The flow teams' throughput per FTE calibrated on the history (empty when not calibrated)."""
    capacity = baseline.effects.capacity if baseline.effects is not None else None
    return capacity.table if capacity is not None else pd.DataFrame({"note": ["not calibrated"]})


def run_scenario_command(args: argparse.Namespace) -> int:
    from forecasting.planning.goalseek import conversion_sensitivity, decompose
    from forecasting.planning.horizon import steady_state
    from forecasting.planning.levers import evidence_table
    from forecasting.planning.scenarios import apply_scenario, load_scenario
    from forecasting.reports.exports import to_csv, to_xlsx

    out = Path(args.out)
    if not out.parent.exists():
        raise UserFacingError(
            f"--out {out}: the folder {out.parent} does not exist. Create it or choose another."
        )
    scenario = load_scenario(args.file)         # check the file before the (slower) forecast
    _dataset, baseline, calibration = _engine(args.data, getattr(args, "staffing", None), args.years)
    result = apply_scenario(baseline, scenario, calibration)
    table = result.table.assign(month=pd.to_datetime(result.table["month"]))  # YYYY-MM in a CSV, Jul-18 cells
    fmt = args.format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    words = (getattr(args, "headers", None) or ("words" if fmt == "xlsx" else "codes")) == "words"
    decomposition = decompose(baseline, scenario, calibration)
    sensitivity = conversion_sensitivity(baseline, scenario, calibration)
    if fmt == "xlsx":
        notes = pd.DataFrame(
            {"note": [*result.flags, decomposition.attrs.get("method", ""), *result.notes,
                      *calibration.notes]}
        )
        sheets = {"scenario": table, "levers": _levers_frame(scenario), "evidence": evidence_table(),
                  "calibration": calibration.table(), "decomposition": decomposition,
                  "sensitivity": sensitivity, "capacity": _capacity_table(baseline), "notes": notes}
        payload = to_xlsx(_sheets_in_words(sheets) if words else sheets, about=SHEET_ABOUT, words=words)
    else:
        payload = to_csv(table, words=words)
    try:
        out.write_bytes(payload)
    except OSError as exc:
        raise UserFacingError(
            f"could not write {out}: {exc.strerror or exc}. Check the folder is writable."
        ) from None
    print("\n".join(_summary_lines(result)))
    for state in steady_state(result, calibration):
        print(f"  {state.sentence()}")
    for warning in result.flags:
        print(f"  beyond the evidence: {warning}")
    capacity = baseline.effects.capacity if baseline.effects is not None else None
    for line in capacity.describe() if capacity is not None else ():
        print(f"  {line}")
    if len(decomposition) and decomposition["lever_group"].nunique() > 1:
        print("Where the change comes from (Shapley values over lever groups; they add up to the change):")
        for measure, group in decomposition.groupby("measure", sort=False):
            contributions = zip(group["lever_group"], group["contribution"], strict=True)
            parts = ", ".join(f"{lever_group} {value:+,.1f}" for lever_group, value in contributions if value)
            parts += " (95% ranges in the XLSX decomposition sheet)" if parts else ""
            total = group["total"].iloc[0]
            print(f"  {measure} ({group['basis'].iloc[0]}, total {total:+,.1f}): {parts or 'none'}")
    moving = sensitivity[(sensitivity["change_low"] != 0) | (sensitivity["change_high"] != 0)]
    if len(moving):
        print("Rates alone (calibrated conversion and exit rates at the ends of their 95% intervals, "
              "the effects as set):")
        for row in moving.itertuples():
            print(f"  {row.measure} ({row.basis}): {row.change:+,.1f}, between {row.change_low:+,.1f} and "
                  f"{row.change_high:+,.1f}")
    for note in result.notes:
        print(f"  note: {note}")
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)
    return 0


def run_goalseek_command(args: argparse.Namespace) -> int:
    from forecasting.planning.chances import probability_text
    from forecasting.planning.goalseek import goal_seek, goal_seek_pair, parse_target
    from forecasting.planning.levers import LEVERS, lever_words
    from forecasting.planning.scenarios import load_scenario

    scenario = load_scenario(args.scenario) if args.scenario else None
    if not 0.0 < args.probability < 1.0:
        raise UserFacingError(
            f"--probability {args.probability}: expected a number between 0 and 1, e.g. 0.5"
        )
    dataset, baseline, calibration = _engine(args.data, getattr(args, "staffing", None), args.years)
    parse_target(args.target, dataset)
    if args.second_lever:
        pair = goal_seek_pair(baseline, calibration, dataset, args.target, args.lever, args.second_lever,
                              args.probability, scenario=scenario)
        print(pair.message)
        print(f"Combinations tried (cost basis: {pair.cost_basis}):")
        first_words, second_words = (f"{lever_words(n)} ({LEVERS[n].unit})" for n in pair.levers)
        money = pair.cost_basis.startswith("net cost")
        for record in pair.options.to_dict("records"):
            found = record[args.second_lever]
            second = "cannot be met" if pd.isna(found) else f"{float(found):g}"
            cost = "" if pd.isna(record["cost"]) else (f", net cost change £{float(record['cost']):,.0f}"
                                                       if money else f", cost {record['cost']:.2f}")
            print(f"  {first_words}: {float(record[args.lever]):g}; {second_words}: {second} "
                  f"(a {probability_text(record['probability_met'], 1)} chance{cost})")
        return 0
    answer = goal_seek(
        baseline, calibration, dataset, args.target, args.lever, args.probability, scenario=scenario
    )
    print(answer.message)
    return 0
