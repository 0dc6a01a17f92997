"""Coherence of derived indicators (split from `forecast.py`): a percent whose numerator and denominator are
both forecast is 100 x numerator / denominator from their forecasts, with its own back-tested spread on the
logit scale; a rate per 10,000 is its count's forecast x 10,000 / population_0_17, every quantile included.
`add_derived` applies the rules to the chosen forecasts and adds the derived rows to the back-test table;
`derived_cv` / `derived_scores` score a derived indicator on its parts' back-test windows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.engine import intervals
from forecasting.engine.backtest import History, z_score
from forecasting.engine.models import from_model_scale, to_model_scale

__all__ = ["add_derived", "derived_cv", "derived_scores"]

_z = z_score


def add_derived(derived: dict[str, tuple], chosen: dict[str, tuple], backtest_rows: list[dict], fits,
                histories, factors, levels) -> dict[str, str]:
    """Replace each derived indicator's own forecast in `chosen` ({code: (model, scale, loc, sd,
    multiplier)}) by its parts' (`models.derivations` rules), add its back-test row (marking its own models'
    rows not chosen) and return {code: the note on how it was derived}. Skipped where a part has no
    forecast."""
    derived_notes = {}
    for code, rule in derived.items():
        parts = [rule[1]] if rule[0] == "rate" else [rule[1], rule[2], code]
        if any(part not in chosen for part in parts):
            continue
        if rule[0] == "rate":
            label = f"Derived({rule[1]} x 10,000 / population_0_17)"
            _, scale, loc, sd, _ = chosen[rule[1]]
            chosen[code] = (label, scale, loc, sd, rule[2])
            derived_notes[code] = (
                f"it is {rule[1]}'s forecast per 10,000 children aged 0-17, so the two always agree"
            )
        else:
            label = f"Derived(100 x {rule[1]} / {rule[2]})"
            numerator = chosen[rule[1]][4] * from_model_scale(chosen[rule[1]][2], chosen[rule[1]][1])
            denominator = chosen[rule[2]][4] * from_model_scale(chosen[rule[2]][2], chosen[rule[2]][1])
            own = from_model_scale(chosen[code][2], "logit")
            share = np.where(
                denominator > 0, 100 * numerator / np.where(denominator > 0, denominator, 1), own
            )
            chosen[code] = (
                label,
                "logit",
                to_model_scale(np.clip(share, 0, 100), "logit"),
                chosen[code][3],
                1.0,
            )
            derived_notes[code] = (
                f"it is 100 x {rule[1]} / {rule[2]} from their forecasts, so it agrees with them; "
                "the spread is its own back-tested one"
            )
        scores_row = {"mae": np.nan, "mase": np.nan, "mape": np.nan, "n_windows": 0}
        frame = derived_cv(rule, fits, histories, factors, code, levels)
        if frame is not None:
            scores_row = derived_scores(frame, histories[code], levels)
        for row in backtest_rows:
            if row["indicator"] == code:
                row["chosen"] = False
        backtest_rows.append({"indicator": code, "model": label, **scores_row, "chosen": True,
                              "excluded_reason": ""})
    return derived_notes


def derived_cv(rule, fits, histories, factors, code, levels) -> pd.DataFrame | None:
    """Back-test rows (cutoff, ds, forecast, loL/hiL) of a derived indicator, built from its parts'
    back-tests."""
    def chosen_cv(part):
        run = fits[part].runs[fits[part].chosen]
        return None if run.cv is None else run.cv, fits[part].chosen.split("+")[0]

    if rule[0] == "rate":
        cv, model = chosen_cv(rule[1])
        if cv is None:
            return None
        scale, k = histories[rule[1]].scale, factors.get(model, (1.0, {}))[1].get(rule[1], 1.0)
        frame = cv[["cutoff", "ds"]].copy()
        frame["forecast"] = rule[2] * from_model_scale(cv["mu"].to_numpy(), scale)
        for level in levels:
            width = _z(level) * k * intervals.cv_spread(cv)
            frame[f"lo{level}"] = rule[2] * from_model_scale(cv["mu"].to_numpy() - width, scale)
            frame[f"hi{level}"] = rule[2] * from_model_scale(cv["mu"].to_numpy() + width, scale)
        return frame
    parts = []
    for part in (rule[1], rule[2], code):
        cv, model = chosen_cv(part)
        if cv is None:
            return None
        block = cv[["cutoff", "ds"]].copy()
        block[part] = from_model_scale(cv["mu"].to_numpy(), histories[part].scale)
        if part == code:
            block["sd"] = intervals.cv_spread(cv) * factors.get(model, (1.0, {}))[1].get(code, 1.0)
        parts.append(block)
    frame = (
        parts[0]
        .merge(parts[1], on=["cutoff", "ds"])
        .merge(parts[2][["cutoff", "ds", "sd"]], on=["cutoff", "ds"])
    )
    denominator = frame[rule[2]].to_numpy()
    share = np.where(
        denominator > 0, 100 * frame[rule[1]].to_numpy() / np.where(denominator > 0, denominator, 1), np.nan
    )
    loc = to_model_scale(np.clip(share, 0, 100), "logit")
    frame["forecast"] = from_model_scale(loc, "logit")
    for level in levels:
        frame[f"lo{level}"] = from_model_scale(loc - _z(level) * frame["sd"].to_numpy(), "logit")
        frame[f"hi{level}"] = from_model_scale(loc + _z(level) * frame["sd"].to_numpy(), "logit")
    return frame.dropna(subset=["forecast"])


def derived_scores(frame, history: History, levels) -> dict:
    actual = pd.Series(history.y, index=history.months)
    frame = frame.assign(y=frame["ds"].map(actual)).dropna(subset=["y"])
    result = {"mae": np.nan, "mase": np.nan, "mape": np.nan, "n_windows": int(frame["cutoff"].nunique())}
    result |= {f"coverage{level}": np.nan for level in levels}
    if frame.empty:
        return result
    errors = (frame["y"] - frame["forecast"]).abs()
    diffs = np.abs(np.diff(history.y))
    scale = np.nanmean(diffs) if np.isfinite(diffs).any() else np.nan
    result.update(
        mae=float(errors.mean()),
        mase=float(errors.mean() / scale) if scale and scale > 0 else np.nan,
        mape=float((errors / frame["y"]).mean() * 100) if (frame["y"] > 0).all() else np.nan,
    )
    for level in levels:
        inside = (frame["y"] >= frame[f"lo{level}"] - 1e-9) & (frame["y"] <= frame[f"hi{level}"] + 1e-9)
        result[f"coverage{level}"] = float(inside.mean())
    return result
