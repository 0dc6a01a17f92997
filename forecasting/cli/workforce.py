"""`python -m forecasting workforce ...`: the workforce planner's answer from the command line.

  python -m forecasting workforce [--data PATH] [--staffing plan.xlsx] [--scenario FILE.yaml]
                                  [--norm cin_cp=18 --norm lac=15] [--target EH4-QL=85 --target CP8-QL=90]
                                  [--set triage_screen_out_pct=20] --out answer.xlsx
  python -m forecasting workforce --write-plan plan.xlsx    the current staffing plan, to edit and pass back

Prints, per team, the FTE needed at the peak, filled posts and agency cover, the recruits needed and the month
to start them given the ramp-up, and the cost of closing the gap employed vs agency; for each timeliness
target the scorecard's forecast and the most staffing can give; the front-door queue's ceiling and triage
(rules changed with --set) and what they do month by month; the timeliness validation. The XLSX holds the
answer, FTE needed by month, the monthly staffing flows, cost by month and financial year, the plan and every
assumption with its source (CSV: the answer only). Rules in forecasting.planning.workforce_sizing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from forecasting.errors import UserFacingError

TEAMS = ("mash", "assessment", "cin_cp", "lac")
MEASURES = ("M8-QL", "EH4-QL", "CP8-QL")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "workforce", help="FTE needed by team, the gap, recruits by when and the cost"
    )
    parser.add_argument("--data", help="data set folder or CSV/XLSX file (default: the embedded data set)")
    parser.add_argument("--staffing", help="staffing plan sheet (CSV/XLSX; --write-plan gives the layout)")
    parser.add_argument("--scenario", help="size for this scenario's demand (YAML; default: the baseline)")
    parser.add_argument("--out", help="file to write (.xlsx: every table; .csv: the answer)")
    parser.add_argument(
        "--norm",
        action="append",
        default=[],
        metavar="TEAM=NUMBER",
        help=f"caseload norm per FTE for a team ({', '.join(TEAMS)}); repeat for more teams",
    )
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="MEASURE=PERCENT",
        help=f"timeliness target in percent ({', '.join(MEASURES)}); repeat for more measures",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="change a queue rule (backlog_ceiling_months, triage_threshold_months, triage_screen_out_pct), "
        "e.g. --set triage_screen_out_pct=20; repeat for more",
    )
    parser.add_argument(
        "--write-plan", help="write the staffing plan in force (shipped or --staffing) and stop"
    )
    parser.set_defaults(handler=run_workforce_command)


def _pairs(
    items: list[str], allowed: tuple[str, ...], option: str, low: float, high: float
) -> dict[str, float]:
    out = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in allowed:
            raise UserFacingError(
                f"{option} {item!r}: expected NAME=NUMBER with NAME one of {', '.join(allowed)}, "
                f"e.g. {option} {allowed[-1]}=18"
            )
        try:
            number = float(raw)
        except ValueError:
            raise UserFacingError(f"{option} {item!r}: {raw!r} is not a number") from None
        if not low < number <= high:
            raise UserFacingError(f"{option} {item!r}: expected a number above {low:g} and at most {high:g}")
        out[key] = number
    return out


def _queue_rules(items: list[str], params):
    """`params` with the queue rules given as --set NAME=NUMBER (range-checked, a located error in words)."""
    from forecasting.planning.parameters import with_overrides
    from forecasting.planning.workforce_queue import QUEUE_RULES

    rules = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or name not in QUEUE_RULES:
            raise UserFacingError(
                f"--set {item!r}: expected NAME=NUMBER with NAME one of {', '.join(QUEUE_RULES)}, "
                "e.g. --set triage_screen_out_pct=20"
            )
        try:
            rules[name] = float(raw)
        except ValueError:
            raise UserFacingError(f"--set {item!r}: {raw!r} is not a number") from None
    return with_overrides(params, rules) if rules else params


def _check_out(path: str | None) -> Path | None:
    if path is None:
        return None
    out = Path(path)
    if not out.parent.exists():
        raise UserFacingError(f"{out}: the folder {out.parent} does not exist. Create it or choose another.")
    return out


def _write(out: Path, payload: bytes) -> None:
    try:
        out.write_bytes(payload)
    except OSError as exc:
        raise UserFacingError(
            f"could not write {out}: {exc.strerror or exc}. Check the folder is writable."
        ) from None


def run_workforce_command(args: argparse.Namespace) -> int:
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.staffing_plan import apply_staffing_file, plan_table
    from forecasting.reports.exports import to_csv, to_xlsx

    out, plan_out = _check_out(args.out), _check_out(args.write_plan)
    if out is None and plan_out is None:
        raise UserFacingError(
            "give --out FILE for the answer, or --write-plan FILE for the staffing plan sheet"
        )
    norms = _pairs(args.norm, TEAMS, "--norm", 0.0, 1000.0)
    targets = _pairs(args.target, MEASURES, "--target", 0.0, 100.0)
    params = load_parameters()
    if args.staffing:
        params = apply_staffing_file(args.staffing, params)
    params = _queue_rules(args.set, params)
    if plan_out is not None:
        plan = plan_table(params)
        is_xlsx = plan_out.suffix.lower() == ".xlsx"  # a sheet edited and given back: column names, no words
        _write(plan_out, to_xlsx({"staffing plan": plan}, words=False) if is_xlsx else to_csv(plan))
        print(f"wrote the staffing plan ({len(plan)} teams) to {plan_out}", file=sys.stderr)
        if out is None:
            return 0
    assert out is not None
    scenario = None
    if args.scenario:
        from forecasting.planning.scenarios import load_scenario

        scenario = load_scenario(args.scenario)  # check the file before the (slower) forecast
    tables, lines = workforce_tables(args.data, params, norms, targets, scenario)
    payload = to_xlsx(tables) if out.suffix.lower() == ".xlsx" else to_csv(tables["answer"])
    _write(out, payload)
    print("\n".join(lines))
    print(f"wrote {out}", file=sys.stderr)
    return 0


def workforce_tables(
    data: str | None, params, norms: dict[str, float], targets: dict[str, float], scenario=None
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """({sheet: table}, plain-words lines) for the planner's answer on the data set `data` (for the demand of
    `scenario`, a scenarios.Scenario, when given): `planning.workforce_view`, the Workforce page's own."""
    from forecasting.data import load_data_option
    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.scenarios import apply_scenario, build_baseline
    from forecasting.planning.workforce_view import workforce_view

    dataset = load_data_option(data)
    print(f"forecasting the baseline from {dataset.source or 'the data'}...", file=sys.stderr, flush=True)
    result = run_forecast(dataset)
    baseline, calibration = build_baseline(dataset, result, params)
    scenario_result = None
    if scenario is not None:
        scenario_result = apply_scenario(baseline, scenario, calibration, params)
    view = workforce_view(baseline, params, norms, targets, scenario_result, forecast_result=result)
    lines = view.lines(norms, targets)
    return view.tables(lines), lines
