"""Side by side with data-to-insight's cs-demand-model (D2I, PyPI 0.5.1) on the synthetic 903 sample it ships.

    python benchmarks/anchor_d2i.py [--anchor-python .venv-anchor/bin/python] [--reference-months 12]

cs-demand-model pins pandas<2 and numpy<2, so it cannot share this project's environment: it lives in its own
(`make anchor` creates .venv-anchor with `pip install '.[anchor]'`'s one package, see pyproject.toml) and
runs there (benchmarks/anchor_d2i_runner.py), handing back JSON. This script then reads the same sample
files with this product's reader and prints:
1. the start stock by D2I's placement categories at D2I's prediction start (its data end date), which must
   agree exactly: same files, and the reader run with D2I's choices (short breaks kept, stale open episodes
   kept open; its copy/overlap rules are the same);
2. the product's own view of that stock (seven placement types, short breaks left out as DfE does);
3. both models' projections 12 and 24 months on, D2I's (daily steps) beside ours (monthly steps, mean and 80%
   interval), with the rates of both estimated over the same reference months;
4. our back-test on the sample's own history (rewind 12 months, project, compare) beside the engine's LAC1;
5. where the projections part: the stock by age band at the start (D2I's band is the age when the episode
   began, ours the age on the day: recomputed D2I's way, ours must agree exactly) and 12 and 24 months on,
   with our model also run with 16+ as one band (as before December 2026: a child of 16+ leaves at the
   band's average exit rate whatever its age, as in D2I, whose 16-18+ bracket ages out over 14 years).
The sample is synthetic (notes: REC codes spread evenly, V3/V4 a sixth of all episodes): the figures compare
the methods, not a council.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.data.ssda903_config import d2i_category, load_codes
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_load import load_903_path
from forecasting.planning.care_backtest import backtest_care
from forecasting.planning.care_model import (
    SUB_BAND,
    band_widths,
    count_transitions,
    estimate_rates,
    fit_care_model,
    project_care,
    reporting_band,
    state_panel,
    step_expected,
)

ROOT = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).with_name("anchor_d2i_runner.py")
CATEGORIES = ("Fostering", "Residential", "Supported", "Other")
HORIZONS = (12, 24)
# D2I's age brackets (standard-v1.yaml) and our age bands share their cut points: lower bound -> both names
AGE_BANDS = {0: ("BIRTH_TO_ONE", "AGE-UNDER1"), 1: ("ONE_TO_FIVE", "AGE-1-4"), 5: ("FIVE_TO_TEN", "AGE-5-9"),
             10: ("TEN_TO_SIXTEEN", "AGE-10-15"), 16: ("SIXTEEN_TO_EIGHTEEN", "AGE-16PLUS")}


def run_anchor(python: str, reference_months: int) -> dict:
    """D2I's figures, computed in its own interpreter."""
    done = subprocess.run(
        [python, str(RUNNER), str(reference_months), *map(str, HORIZONS)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(
            f"the anchor failed (is cs-demand-model installed in {python}? `make anchor`):\n"
            + done.stderr[-2000:]
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def with_d2i_categories(clean: Episodes903):
    """The clean episodes with D2I's four categories as placement types (for like-for-like figures)."""
    codes = load_codes()
    labels = {name.lower(): name for name in CATEGORIES}
    episodes = clean.episodes.assign(placement_type=d2i_category(clean.episodes["PLACE"], codes).str.lower())
    return Episodes903(episodes, dict(clean.windows)), dataclasses.replace(codes, placement_labels=labels)


def stock_on(clean: Episodes903, day: pd.Timestamp) -> pd.Series:
    """Children in care on `day` (DECOM <= day < DEC or open) by D2I category."""
    episodes = clean.episodes
    active = episodes[(episodes["DECOM"] <= day) & (episodes["DEC"].isna() | (episodes["DEC"] > day))]
    return d2i_category(active["PLACE"]).value_counts().reindex(CATEGORIES, fill_value=0)


def stock_by_age(clean: Episodes903, day: pd.Timestamp, year_in_days: float) -> pd.DataFrame:
    """Children in care on `day` by age band: D2I's way (age at the episode's start, days / year_in_days) and
    ours (completed years on the day)."""
    from forecasting.data.ssda903_config import completed_years

    episodes = clean.episodes
    active = episodes[(episodes["DECOM"] <= day) & (episodes["DEC"].isna() | (episodes["DEC"] > day))]
    lower = list(AGE_BANDS)

    def bands(age: pd.Series) -> pd.Series:
        cut = pd.cut(age, [*lower, 200], right=False, labels=[AGE_BANDS[k][1] for k in lower])
        return cut.value_counts().reindex([AGE_BANDS[k][1] for k in lower], fill_value=0)

    at_start = (active["DECOM"] - active["DOB"]).dt.days / year_in_days
    on_the_day = completed_years(active["DOB"], pd.Series(day, active.index))
    return pd.DataFrame({"ours, D2I's way": bands(at_start), "ours (age on the day)": bands(on_the_day)})


def one_oldest_band(clean: Episodes903, authority: str, reference_months: int, horizon: int, sims: int,
                    codes):
    """Our projection with 16+ as one band, as before December 2026: its years (16, 17) merged back, so its
    children leave at the band's average exit rate whatever their age (leaving at 18 counted as an exit)."""
    panel = state_panel(clean, authority, codes)
    n_types = len(panel.types)
    years = [i for i, band in enumerate(panel.bands) if SUB_BAND in band]
    kept = [i for i in range(len(panel.bands)) if i not in years[1:]]
    renumber = np.array([kept.index(years[0] if i in years else i) for i in range(len(panel.bands))])
    state = np.where(panel.state >= 0,
                     renumber[np.maximum(panel.state, 0) // n_types] * n_types + panel.state % n_types, -1)
    bands = tuple(reporting_band(panel.bands[i]) for i in kept)  # 16+ is the last named band again: width 0
    merged = dataclasses.replace(panel, bands=bands, state=state, aged_out=None, next_band=None)
    start = len(merged.months) - 1
    first = max(start - reference_months + 1, 1)
    reference = (merged.months[first], merged.months[start])
    rates = estimate_rates(count_transitions(merged, first, start), band_widths(merged, codes), reference)
    return project_care(merged, rates, start, horizon, sims)


def age_section(anchor: dict, clean4: Episodes903, codes4, projection, authority: str, args) -> None:
    """Section 5 of the module docstring."""
    end = pd.Timestamp(anchor["end_date"])
    d2i_names = {d2i: ours for d2i, ours in AGE_BANDS.values()}
    start = stock_by_age(clean4, end, anchor["year_in_days"])
    start.insert(0, "D2I", pd.Series({d2i_names[k]: v for k, v in anchor["start_by_age"].items()}))
    start = start.fillna(0)
    start.loc["Total"] = start.sum()
    print(f"\n5. Start stock on {end:%d %b %Y} by age band (D2I: age when the episode began; ours: on the "
          "day):")
    print(start.to_string())
    agree = (start["D2I"] == start["ours, D2I's way"]).all()
    print("   D2I's way AGREES EXACTLY" if agree else "   D2I's way DIFFERS (see the note)")
    before = one_oldest_band(clean4, authority, args.reference_months, max(HORIZONS), args.sims, codes4)
    rows = []
    for horizon in HORIZONS:
        month = projection.start_month + pd.DateOffset(months=horizon)
        for name, table in (("ours", projection.table), ("ours, 16+ as one band", before.table)):
            at = table[table["month"] == month].set_index("indicator")["mean"]
            rows.append({"months ahead": horizon, "model": name,
                         **{band: round(at.get(band, 0.0), 1) for _, band in AGE_BANDS.values()},
                         "Total": round(at["LAC1"], 1)})
        d2i = {d2i_names[k]: v for k, v in anchor["projection_by_age"][str(horizon)].items()}
        rows.append({"months ahead": horizon, "model": "D2I",
                     **{band: round(d2i.get(band, 0.0), 1) for _, band in AGE_BANDS.values()},
                     "Total": round(sum(d2i.values()), 1)})
    print("   Projected children in care by age band (means):")
    print(pd.DataFrame(rows).to_string(index=False))
    panel = state_panel(clean4, authority, codes4)
    _stock, exits = step_expected(panel.stock(len(panel.months) - 1), projection.rates)
    ours_leaving = pd.Series(exits.sum(axis=(1, 2)), index=[reporting_band(b) for b in panel.bands])
    ours_leaving = ours_leaving.groupby(level=0).sum()
    d2i_leaving = {d2i_names[k]: v for k, v in anchor["leavers_first_month_by_age"].items()}
    teens = panel.bands.index("AGE-10-15")
    older = ("AGE-10-15", "AGE-16PLUS")
    d2i_ageing = anchor["year_in_days"] / 12 / (6 * 365)  # D2I: a 1/(6 x 365) daily chance at 10-16
    flows = pd.DataFrame(
        {"D2I": [anchor["entries_per_month"], *[d2i_leaving.get(b, 0.0) for b in older], d2i_ageing],
         "ours": [projection.rates.entries.sum(), *[ours_leaving.get(b, 0.0) for b in older],
                  projection.rates.ageing[teens]]},
        index=["entries a month", "leaving care in the first month, 10-15",
               "leaving care in the first month, 16+", "share of 10-15s turning 16 a month"])
    print("   Flows behind them (rates over the same 12 months):")
    print(flows.round(3).to_string())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--anchor-python",
        default=os.environ.get("ANCHOR_PYTHON", str(ROOT / ".venv-anchor" / "bin" / "python")),
    )
    parser.add_argument("--reference-months", type=int, default=12)
    parser.add_argument("--sims", type=int, default=1000)
    args = parser.parse_args()
    anchor = run_anchor(args.anchor_python, args.reference_months)
    with tempfile.TemporaryDirectory() as folder:
        zipfile.ZipFile(anchor["sample"]).extractall(folder)
        like_d2i = load_903_path(folder, short_breaks="include", stale_open="keep")
        ours = load_903_path(folder)
    assert like_d2i.clean is not None and ours.clean is not None
    end = pd.Timestamp(anchor["end_date"])
    print(
        f"D2I sample {Path(anchor['sample']).name}: data end {end:%d %b %Y}; episodes after cleaning: "
        f"D2I {anchor['episodes_after_cleaning']}, ours {len(like_d2i.clean.episodes)}"
    )

    print(f"\n1. Start stock on {end:%d %b %Y} by D2I category (same rules):")
    d2i_start = pd.Series(anchor["start_stock"]).rename(index=str.title).reindex(CATEGORIES, fill_value=0)
    mine = stock_on(like_d2i.clean, end)
    table = pd.DataFrame({"D2I": d2i_start, "ours": mine, "difference": mine - d2i_start})
    table.loc["Total"] = table.sum()
    print(table.to_string())
    print("   AGREE EXACTLY" if (table["difference"] == 0).all() else "   DIFFER (see the note)")

    authority = ours.clean.authorities[0]
    own = fit_care_model(
        ours.clean, authority, reference_months=args.reference_months, horizon=max(HORIZONS), n_sims=args.sims
    )
    print(
        f"\n2. Our own view at the end of {own.start_month:%b %Y} (short breaks V3/V4 left out, as DfE does):"
    )
    print(own.start.to_string())
    print(f"   total {own.start.sum():.0f}")

    clean4, codes4 = with_d2i_categories(like_d2i.clean)
    projection = fit_care_model(
        clean4,
        authority,
        reference_months=args.reference_months,
        horizon=max(HORIZONS),
        n_sims=args.sims,
        codes=codes4,
    )
    backtest = backtest_care(
        clean4, authority, rewind=12, reference_months=args.reference_months, n_sims=args.sims, codes=codes4
    )
    print(
        f"\n3. Projections (rates over {args.reference_months} months; D2I from {end:%d %b %Y}, daily steps; "
        f"ours from the end of {projection.start_month:%b %Y}, monthly steps, mean and 80% interval),"
    )
    print(
        "   with our back-test error (rewind 12 months: MAE, MAPE over the 12 months projected) beside them:"
    )
    scores = backtest.scores.set_index(["indicator", "model"])
    rows = []
    for horizon in HORIZONS:
        month = projection.start_month + pd.DateOffset(months=horizon)
        ours_at = projection.table[projection.table["month"] == month].set_index("indicator")
        d2i_at = {k.title(): v for k, v in anchor["projection"][str(horizon)].items() if k != "NOT_IN_CARE"}
        for name in (*CATEGORIES, "Total"):
            code = "LAC1" if name == "Total" else f"PL-{name.upper()}"
            d2i_value = sum(d2i_at.values()) if name == "Total" else d2i_at.get(name, 0.0)
            score = scores.loc[(code, "care model (903 transitions)")]
            rows.append(
                {
                    "months ahead": horizon,
                    "category": name,
                    "D2I": round(d2i_value, 1),
                    "ours": round(ours_at.loc[code, "mean"], 1),
                    "ours 80%": f"{ours_at.loc[code, 'lo80']:.0f}-{ours_at.loc[code, 'hi80']:.0f}",
                    "back-test MAE": round(score["mae"], 1),
                    "MAPE %": round(score["mape"], 1),
                }
            )
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"\n4. Back-test of the totals (LAC1), rewound to {backtest.cutoff:%b %Y}, 12 months compared:")
    print(backtest.scores[backtest.scores["indicator"] == "LAC1"].round(2).to_string(index=False))
    age_section(anchor, clean4, codes4, projection, authority, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
