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
4. our back-test on the sample's own history (rewind 12 months, project, compare) beside the engine's LAC1.
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

import pandas as pd

from forecasting.data.ssda903_config import d2i_category, load_codes
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_load import load_903_path
from forecasting.planning.care_backtest import backtest_care
from forecasting.planning.care_model import fit_care_model

ROOT = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).with_name("anchor_d2i_runner.py")
CATEGORIES = ("Fostering", "Residential", "Supported", "Other")
HORIZONS = (12, 24)


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
