"""Runs INSIDE the anchor's own interpreter (cs-demand-model 0.5.1 needs pandas<2, numpy<2), called by
benchmarks/anchor_d2i.py. Prints one JSON object: the sample's location, D2I's data end date, its start stock
by placement category and by age bin at the prediction start and its projection by category and by age bin at
the asked horizons.

Usage: <anchor python> anchor_d2i_runner.py REFERENCE_MONTHS HORIZON_MONTHS [HORIZON_MONTHS ...]
"""

import json
import sys
from pathlib import Path

import cs_demand_model_samples
import pandas as pd
from cs_demand_model import DemandModellingDataContainer, ModelPredictor, PopulationStats
from cs_demand_model.config import Config
from cs_demand_model.datastore import fs_datastore
from dateutil.relativedelta import relativedelta


def by_category(population: pd.Series) -> dict:
    """(age bin, category) -> children, summed over age bins."""
    totals = {}
    for key, value in population.items():
        if isinstance(key, tuple) and len(key) == 2:
            totals[key[1]] = totals.get(key[1], 0.0) + float(value)
    return totals


def by_age(population: pd.Series) -> dict:
    """(age bin, category) -> children in care, summed over categories (D2I's bin: the age at the episode's
    start); D2I keeps the children who left as (bin, NOT_IN_CARE), left out here."""
    totals = {}
    for key, value in population.items():
        if isinstance(key, tuple) and len(key) == 2 and key[1] != "NOT_IN_CARE":
            totals[key[0]] = totals.get(key[0], 0.0) + float(value)
    return totals


def leavers(population: pd.Series) -> dict:
    """(age bin, NOT_IN_CARE) -> children who have left since the start, by age bin."""
    return {key[0]: float(value) for key, value in population.items()
            if isinstance(key, tuple) and len(key) == 2 and key[1] == "NOT_IN_CARE"}


def main() -> None:
    reference_months, horizons = int(sys.argv[1]), [int(h) for h in sys.argv[2:]]
    config = Config()
    container = DemandModellingDataContainer(fs_datastore("sample://v1.zip"), config)
    stats = PopulationStats(container.enriched_view, config)
    end = container.end_date
    start = end - relativedelta(months=reference_months)
    predictor = ModelPredictor.from_model(stats, start, end)
    days = [((end + relativedelta(months=h)) - end).days for h in horizons]
    predicted = predictor.predict(max(days))
    result = {
        "sample": str(Path(cs_demand_model_samples.__file__).parent / "v1.zip"),
        "end_date": str(pd.Timestamp(end).date()),
        "reference_start": str(pd.Timestamp(start).date()),
        "start_stock": by_category(stats.stock_at(end)),
        "episodes_after_cleaning": int(len(container.combined_data)),
        "projection": {
            str(h): by_category(predicted.iloc[d - 1]) for h, d in zip(horizons, days, strict=True)
        },
        "start_by_age": by_age(stats.stock_at(end)),
        "projection_by_age": {
            str(h): by_age(predicted.iloc[d - 1]) for h, d in zip(horizons, days, strict=True)
        },
        "year_in_days": float(config.year_in_days),
        # flows: entries a month (D2I's daily entrants x days in a month) and the first month's leavers by age
        # bin (D2I keeps leavers as (bin, NOT_IN_CARE), which nothing leaves)
        "entries_per_month": float(stats.daily_entrants(start, end).sum() * config.year_in_days / 12),
        "leavers_first_month_by_age": leavers(predicted.iloc[round(config.year_in_days / 12) - 1]),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
