"""Plain-words sentences about the model chosen for an indicator and how it did against naive on past data."""
from __future__ import annotations

import numpy as np

from forecasting.engine.models import SPECS

PART_WORDS = {"AutoETS": "exponential smoothing", "AutoTheta": "theta", "Naive": "naive"}


def error_words(row) -> str:
    """A back-test error a reader can picture: % for counts and rates, else the error in the indicator's
    units."""
    if row is None or not np.isfinite(row["mae"]):
        return "not measurable"
    return (
        f"{row['mape']:.0f}%" if np.isfinite(row["mape"]) else f"{row['mae']:.3g} (in the indicator's units)"
    )


def explain_choice(code, table, fit, holiday_note, derived_note, levels) -> str:
    """One or two sentences: which model, what it does, its typical error vs naive's, its interval
    coverage."""
    rows = table[table["indicator"] == code]
    chosen_rows = rows[rows["chosen"]]
    if chosen_rows.empty:
        return f"{code}: no readable values in the data, so there is no forecast."
    chosen_row = chosen_rows.iloc[0]
    naive = rows[rows["model"] == "Naive"]
    naive_row = naive.iloc[0] if not naive.empty else None
    name = chosen_row["model"]
    base = name.split("+")[0]
    what = SPECS[base].description if base in SPECS else derived_note
    text = f"{code}: {name} ({what})."
    if fit is not None and fit.choice_note:
        return f"{text} Chosen because {fit.choice_note}; the interval is a rough allowance, not measured."
    if name == "Combination":
        text += (" It is used whenever it runs rather than the model that did best on this indicator's few "
                 "back-test months: on public series that choice was close to random and the average did "
                 "better.")
        weights = fit.runs["Combination"].weights if fit is not None and "Combination" in fit.runs else {}
        if weights and len(set(np.round(list(weights.values()), 6))) > 1:
            shares = ", ".join(f"{PART_WORDS.get(part, part)} {share:.0%}" for part, share in weights.items())
            text += (f" Its parts are weighted halfway between equal shares and how well each did on the "
                     f"back-test: {shares}.")
    if int(chosen_row["n_windows"]) == 0 or not np.isfinite(chosen_row["mae"]):
        return f"{text} Its accuracy could not be measured on past data."
    text += (f" On past data this model's typical error was {error_words(chosen_row)}, naive's "
             f"{error_words(naive_row)} (MASE {chosen_row['mase']:.2f} vs "
             f"{naive_row['mase'] if naive_row is not None else float('nan'):.2f}).")
    level = levels[0]
    if np.isfinite(chosen_row[f"coverage{level}"]):
        text += f" Its {level}% intervals held {chosen_row[f'coverage{level}']:.0%} of past values."
    if holiday_note:
        text += f" Also, {holiday_note}."
    return text
