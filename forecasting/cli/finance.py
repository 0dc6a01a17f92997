"""`python -m forecasting finance ...`: a scenario's finance workbook, as a finance team would file it.

  python -m forecasting finance --scenario FILE.yaml --out finance.xlsx [--data PATH] [--budget FILE]
                                [--actual-spend FILE] [--set unit_cost_ifa=900 ...] [--price-year 2018-19]
                                [--years 5 | --horizon 57]

Sheets: spend by type and year, net position by year and by month, plan costs by month, investment summary,
assumptions with sources, notes (and budget variance with --budget). The figures are the Finance page's:
both call forecasting.planning.finance.finance_view and forecasting.reports.finance_workbook.finance_sheets.
A cost set with --set is in the --price-year's prices (default: the data's current financial year).
The months run to the fifth 31 March after the last data month (--years, default 5: the medium term, Mar 2023
for the embedded data), the horizon the Finance page uses; --horizon N gives a number of months instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from forecasting.errors import UserFacingError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "finance", help="net cost of a scenario by financial year, payback and NPV (XLSX workbook)"
    )
    parser.add_argument("--scenario", help="scenario YAML file (see scenarios/); needed unless the data "
                        "cannot run scenarios (e.g. an SSDA903 return: then the baseline's spend by type is "
                        "written)")
    parser.add_argument("--out", required=True, help="workbook to write (.xlsx)")
    parser.add_argument("--data", help="data set folder or CSV/XLSX file (default: the embedded data set)")
    parser.add_argument(
        "--budget", help="budget by line and financial year (CSV or XLSX): adds a variance sheet"
    )
    parser.add_argument(
        "--actual-spend",
        help="spend so far by month and placement type (CSV or XLSX): replaces costed spend in those months",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a cost or assumption, e.g. unit_cost_ifa=900 (repeatable)",
    )
    parser.add_argument(
        "--price-year",
        help="financial year the --set costs are priced in, e.g. 2018-19 "
        "(default: the data's current financial year)",
    )
    parser.add_argument("--years", type=int, default=None,
                        help="run to the N-th 31 March after the last data month (default 5, the medium "
                        "term: Mar 2023 for the embedded data; the Finance page's horizon)")
    parser.add_argument("--horizon", type=int, help="months forecast after the last data month instead of "
                        "--years (57 reaches Mar-23 for the Jun-18 data)")
    parser.set_defaults(handler=run_finance_command)


def _settings(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise UserFacingError(f"--set {pair!r}: expected NAME=VALUE, e.g. --set unit_cost_ifa=900")
        try:
            out[name.strip()] = float(raw.replace(",", "").replace("£", ""))
        except ValueError:
            raise UserFacingError(
                f"--set {pair!r}: {raw!r} is not a number; e.g. --set unit_cost_ifa=900"
            ) from None
    return out


def run_finance_command(args: argparse.Namespace) -> int:
    from forecasting.data import load_data_option
    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.budgets import read_actual_spend, read_budget
    from forecasting.planning.coverage import coverage
    from forecasting.planning.finance import MEDIUM_TERM_YEARS, baseline_spend, finance_horizon, finance_view
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.prices import current_financial_year, enter_costs
    from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario
    from forecasting.reports.finance_workbook import baseline_sheets, finance_sheets

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserFacingError(f"--out {out}: the finance workbook is an Excel file; give a name ending .xlsx")
    if not out.parent.exists():
        raise UserFacingError(
            f"--out {out}: the folder {out.parent} does not exist. Create it or choose another."
        )
    if args.horizon is not None and not 1 <= args.horizon <= 120:
        raise UserFacingError(f"--horizon {args.horizon}: expected 1 to 120 months, e.g. 57 for five years")
    if args.horizon is not None and args.years is not None:
        raise UserFacingError("--years and --horizon both say how far to run; give one of them")
    scenario = load_scenario(args.scenario) if args.scenario else None  # checked before the forecast
    budget = read_budget(args.budget) if args.budget else None
    actual_spend = read_actual_spend(args.actual_spend) if args.actual_spend else None
    settings = _settings(args.set)
    dataset = load_data_option(args.data)
    params = enter_costs(load_parameters(), settings, args.price_year or current_financial_year(dataset))
    plan_possible = coverage(dataset, "scenarios").usable
    if scenario is None and plan_possible:
        raise UserFacingError("--scenario FILE is needed: this data set can run the scenario levers, and the "
                              "workbook shows a plan's net position (e.g. --scenario "
                              "scenarios/combined-plan.yaml)")
    horizon = args.horizon or finance_horizon(dataset, args.years or MEDIUM_TERM_YEARS)
    print(f"forecasting the baseline from {dataset.source or 'the data'} for {horizon} months...",
          file=sys.stderr, flush=True)
    forecast = run_forecast(dataset, horizon=horizon)
    if not plan_possible:
        print("this data set cannot run the scenario levers (they start at contacts, M1): writing the "
              "baseline's placement spend by type and year only", file=sys.stderr)
        spend = baseline_spend(dataset, forecast, params, actual_spend=actual_spend,
                               care_mix=_care_mix(args.data, dataset, horizon))
        sheets = baseline_sheets(spend, params, current_financial_year(dataset))
        _write(out, sheets)
        return 0
    if scenario is None:  # refused above when the data can run the levers; this says so to the checker
        raise UserFacingError("--scenario FILE is needed for a plan's net position")
    baseline, calibration = build_baseline(dataset, forecast, params)
    result = apply_scenario(baseline, scenario, calibration, params)
    view = finance_view(result, params, actual_spend=actual_spend, budget=budget)
    sheets = finance_sheets(view, params)
    _write(out, sheets)
    for row in sheets["Investment summary"].itertuples(index=False):
        print(f"  {row[0]}: {row[1]}")
    return 0


def _care_mix(data: str | None, dataset, horizon: int):
    """The care model's placement mix when --data holds SSDA903 files (their episodes), else None."""
    from forecasting.data.ssda903_load import load_903_path
    from forecasting.planning.finance import care_model_mix
    from forecasting.planning.placement_mix import has_903_mix

    if not data or not has_903_mix(dataset):
        return None
    loaded = load_903_path(data)  # read again for the episodes (the data set holds only monthly counts)
    if not loaded.ok or loaded.clean is None or len(loaded.datasets) != 1:
        return None  # e.g. a converted long file: the engine's projection of each count is used
    print("projecting the placement mix with the care model...", file=sys.stderr, flush=True)
    return care_model_mix(loaded.clean, next(iter(loaded.datasets)), horizon)


def _write(out: Path, sheets) -> None:
    from forecasting.reports.exports import to_xlsx

    try:
        out.write_bytes(to_xlsx(sheets))
    except OSError as exc:
        raise UserFacingError(
            f"could not write {out}: {exc.strerror or exc}. Check the folder is writable."
        ) from None
    print(f"wrote {len(sheets)} sheets to {out}", file=sys.stderr)
