"""Goal-seek's answers in words: levers by their words (`levers.LEVER_LABELS`), chances by the one formatter
(`chances.probability_text`), indicators by their words and code (`coverage.indicator_words`); never a lever's
code. `forecasting.planning.goalseek` builds every sentence here, so the page and the command line read the
same answer.

Kinds of answer: met without moving the lever; the lever does not act on the target; the target is out of
the lever's allowed range (how far the lever can get, and at which value); the smallest value that meets it;
and for two levers, the cheapest combination or none.
"""
from __future__ import annotations

import pandas as pd

from forecasting.planning.chances import probability_text
from forecasting.planning.coverage import indicator_words
from forecasting.planning.levers import LEVERS, lever_words

__all__ = ["amount", "goal", "pair_table", "unreachable"]


def amount(lever: str, value: float) -> str:
    """'1.5 children per month': a lever's value with its unit."""
    return f"{float(value):g} {LEVERS[lever].unit}"


def indicator(row, dataset) -> str:
    return indicator_words(str(row["indicator"]), getattr(dataset, "indicators", None))


def goal(row, probability: float, dataset) -> str:
    """'a 50% chance of meeting the looked-after children (LAC1) target of 390 for 2019-20'."""
    return (f"a {probability_text(probability)} chance of meeting the {indicator(row, dataset)} target of "
            f"{float(row['target']):g} for {row['period']}")


def met_at_neutral(lever: str, row, probability: float, dataset, p0: float, neutral: float) -> str:
    return (f"{lever_words(lever)} needs no change: {goal(row, probability, dataset)} is there already "
            f"(a {probability_text(p0, 1)} chance with the lever at {amount(lever, neutral)}).")


def no_effect(lever: str, row, dataset, p0: float, low: float, high: float) -> str:
    name = indicator(row, dataset)
    return (f"{lever_words(lever)} does not change the chance of meeting the {name} target in this model (a "
            f"{probability_text(p0, 1)} chance anywhere from {low:g} to {amount(lever, high)}); choose a "
            f"lever that acts on {name}.")


def unreachable(lever: str, row, probability: float, dataset, best: float, p_best: float, low: float,
                high: float, flag: str | None) -> str:
    """The target is out of reach: how far the lever gets, at which value, and what the user can do."""
    return (f"{lever_words(lever)} alone cannot give {goal(row, probability, dataset)}: its allowed range is "
            f"{low:g} to {amount(lever, high)}, and the most it reaches is a {probability_text(p_best, 1)} "
            f"chance, at {amount(lever, best)}"
            + (" (beyond its evidence)" if flag else "")
            + f". Ask for a chance below {probability_text(p_best, 1)}, add a second lever, or set other "
              "levers first.")


def found(lever: str, row, probability: float, dataset, value: float, achieved: float, short: float,
          low: float, high: float, context: str, flag: str | None) -> str:
    return (f"{lever_words(lever)}: {amount(lever, value)} is the smallest value that gives "
            f"{goal(row, probability, dataset)}: a {probability_text(achieved, 1)} chance (at {short:.2f} it "
            "falls short), counting the uncertainty of the effects as well as the forecast's. Allowed range "
            f"{low:g} to {amount(lever, high)}. {context}"
            + (f" Beyond the evidence: {flag}" if flag else ""))


def _timing(name: str, value, months: pd.DatetimeIndex) -> str:
    if value is None:
        return f"{lever_words(name)}: {months[0]:%Y-%m} (first forecast month)"
    return f"{lever_words(name)}: {float(value):g}" if isinstance(value, int | float) else \
        f"{lever_words(name)}: {value}"


def context(months: pd.DatetimeIndex, values: dict, lever: str, effect_levers) -> str:
    """The timing levers of the sought lever's group and the other active levers, in words."""
    group = LEVERS[lever].group
    timing = [_timing(n, values[n], months) for n, spec in LEVERS.items()
              if spec.group == group and n not in effect_levers]
    others = [f"{lever_words(n)}: {amount(n, values[n])}" for n in effect_levers
              if n != lever and values[n] != LEVERS[n].neutral]
    return (f"Timing: {'; '.join(timing) or 'none'}. "
            f"Other levers: {'; '.join(others) or 'all neutral (baseline)'}.")


def pair_message(first: str, second: str, end: float, row, probability: float, dataset, best: dict | None,
                 basis: str, n_met: int, n_tried: int) -> str:
    what = goal(row, probability, dataset)
    if best is None:
        return (f"No combination of {lever_words(first)} (up to {amount(first, end)}) and "
                f"{lever_words(second)} within their ranges gives {what}.")
    cost = f"£{best['cost']:,.0f}" if basis.startswith("net cost") else f"{best['cost']:,.2f}"
    return (f"Cheapest combination giving {what}: {lever_words(first)} {amount(first, best[first])} "
            f"and {lever_words(second)} {amount(second, best[second])} (a "
            f"{probability_text(best['probability_met'], 1)} chance; {basis}: {cost}). {n_met} of {n_tried} "
            f"values of {lever_words(first)} tried have an answer."
            + (f" Beyond the evidence: {best['flags']}" if best["flags"] else ""))


def pair_table(options: pd.DataFrame, levers: tuple[str, str], cost_basis: str) -> pd.DataFrame:
    """The combinations tried, for people: levers by their words with units, the chance as a percentage, the
    cost in £ when it is the net cost, blanks where a combination has no answer."""
    first, second = levers
    money = cost_basis.startswith("net cost")
    return pd.DataFrame({
        f"{lever_words(first)} ({LEVERS[first].unit})": options[first],
        f"{lever_words(second)} ({LEVERS[second].unit})": options[second],
        "Chance of meeting the target (%)": [probability_text(p, 1) for p in options["probability_met"]],
        "Net cost change over the horizon (£)" if money else "Cost (share of the levers' ranges)":
            options["cost"].round(0 if money else 2),
        "Beyond the evidence": options["flags"].fillna(""),
    })
