"""The Scenarios page's figures in words: values formatted by unit (whole children, %, £), the comparison of
saved scenarios at a named month with their chance of meeting each open target, and the levers a scenario
changes. Every figure is read from `apply_scenario` / `evaluate_targets` (the one projection; the page passes
them in from ui.derived's shared caches); this module only lays them out."""

from __future__ import annotations

import pandas as pd

from forecasting.planning import LEVERS, indicator_words
from forecasting.reports import count_text, decomposition_chart, money_text, per_worker_text, percent_text
from ui.lever_widgets import TEAM_LABELS, lever_label
from ui.scenario_targets import format_chance, open_targets

WHOLE = ("referrals", "children")
# money in the decomposition is a total over the months (its axis says so), not a month's spend
DECOMPOSITION_MONEY = {"placement_cost": "Placement spend", "staffing_cost": "Staffing cost",
                       "net_cost": "Net cost", "delivery_cost": "Delivery cost"}


def format_measure(value: float, unit: str) -> str:
    """A chart measure's value in its unit: children and referrals whole, caseloads to 0.1, % and £."""
    if unit == "£":
        return money_text(value)
    if unit == "%":
        return percent_text(value)
    if unit in WHOLE or value is None or pd.isna(value):
        return count_text(value)
    return per_worker_text(value)  # caseloads to 0.1; "no staff in post" when infinite, as the exports


def format_change(value: float, unit: str) -> str:
    """A change with its sign: '+12', '-3.4%', '-£1,234'."""
    text = format_measure(abs(value), unit)
    return f"{'-' if value < 0 else '+'}{text}"


def lever_rows(scenario) -> pd.DataFrame:
    """The levers a scenario moves away from neutral, in words, with unit and source (for the report)."""
    values = scenario.levers.model_dump()
    rows = []
    for name, spec in LEVERS.items():
        if values[name] == spec.neutral:
            continue
        shown = TEAM_LABELS.get(values[name], values[name]) if spec.unit == "team" else values[name]
        rows.append({"Lever": lever_label(name), "Value": shown, "Unit": spec.unit, "Neutral": spec.neutral,
                     "Source": spec.source})
    return pd.DataFrame(rows, columns=["Lever", "Value", "Unit", "Neutral", "Source"])


def _target_columns(targets: pd.DataFrame, dataset) -> dict[str, float]:
    names = dataset.indicators
    out = {}
    for row in open_targets(targets, dataset).itertuples():
        when = f"{pd.Timestamp(row.target_date):%b %Y}" if row.basis == "year_end_level" else row.period
        out[f"Chance of meeting: {indicator_words(row.indicator, names)}, {when}"] = row.probability_met
    return out


def comparison(baseline_targets: pd.DataFrame, results: dict[str, tuple[object, pd.DataFrame]], dataset,
               charts: list[tuple[str, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(numbers, words) for one or more scenarios. `results`: label -> (its `apply_scenario` result, its
    `evaluate_targets` table); `baseline_targets`: the targets on the baseline's projection. numbers: a row
    for the baseline and one per scenario, each chart measure at the last projected month (the header names
    it) and the chance of meeting each open target; words: the same formatted, one column per scenario and
    one row per figure."""
    first = next(iter(results.values()))[0].table
    month = first["month"].max()
    headers = {measure: f"{title}, {month:%b %Y}" for measure, title, _ in charts}

    def row(label: str, table: pd.DataFrame, column: str, targets: pd.DataFrame) -> dict:
        end = table[table["month"] == month].set_index("measure")[column]
        return {"Scenario": label, **{headers[m]: end.get(m) for m in headers},
                **_target_columns(targets, dataset)}

    rows = [row("Baseline (no change)", first, "baseline", baseline_targets)]
    rows += [row(label, result.table, "scenario", targets) for label, (result, targets) in results.items()]
    numbers = pd.DataFrame(rows)
    words = numbers.copy()
    units = {headers[measure]: unit for measure, _, unit in charts}
    for name in words.columns[1:]:
        formatter = (lambda v, u=units[name]: format_measure(v, u)) if name in units else format_chance
        words[name] = numbers[name].map(formatter)
    # one column per scenario, one row per figure: fits a 1024 px screen
    words = words.set_index("Scenario").T.rename_axis("Figure").reset_index()
    words.columns.name = None
    return numbers, words


def decomposition_figures(parts: pd.DataFrame, measure_words: dict[str, str],
                          group_words: dict[str, str]) -> list[tuple[str, object]]:
    """The decomposition as one chart per unit (children and caseloads apart from £), measures and lever
    groups in words, the axis saying what the change is (at a month, or a total over the months)."""
    figures = []
    names = {**measure_words, **DECOMPOSITION_MONEY}
    money = parts["measure"].str.contains("cost")
    for part, unit in ((parts[~money], "children or cases"), (parts[money], "£")):
        if part.empty:
            continue
        basis = str(part["basis"].iloc[0])
        title = f"Where the change comes from ({'£' if unit == '£' else 'children and caseloads'})"
        words = part.assign(measure=part["measure"].map(lambda m: names.get(m, m.replace("_", " "))),
                            lever_group=part["lever_group"].map(lambda g: group_words.get(g, g)))
        figure = decomposition_chart(words, title=title)
        figure.update_layout(xaxis_title=f"{basis[:1].upper()}{basis[1:]} ({unit})")
        if unit == "£":
            figure.update_xaxes(tickprefix="£")
        figures.append((title, figure))
    return figures


def results_table(end: pd.DataFrame, charts: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The chart measures at one month in words for the report: baseline, scenario, change and the change's
    95% range, each formatted in its unit (`end`: the scenario table at that month, indexed by measure)."""
    rows = []
    for measure, title, unit in charts:
        if measure not in end.index:
            continue
        row = end.loc[measure]
        rows.append({"Measure": title, "Baseline": format_measure(row["baseline"], unit),
                     "Scenario": format_measure(row["scenario"], unit),
                     "Change": format_change(row["delta"], unit),
                     "Change, 95% range": f"{format_change(row['delta_lo95'], unit)} to "
                                          f"{format_change(row['delta_hi95'], unit)}"})
    return pd.DataFrame(rows, columns=["Measure", "Baseline", "Scenario", "Change", "Change, 95% range"])


def scenario_title(name: str | None, scenario) -> str:
    """The name the user gave, else the levers it moves in words ('Extra exits from care 2, ...')."""
    if name and name.strip():
        return name.strip()
    moved = lever_rows(scenario)
    if moved.empty:
        return "Baseline (no lever changed)"
    words = ", ".join(f"{row.Lever.lower()} {row.Value:g}" if isinstance(row.Value, float)
                      else f"{row.Lever.lower()} {row.Value}" for row in moved.head(3).itertuples())
    return f"Scenario: {words}{' and more' if len(moved) > 3 else ''}"
