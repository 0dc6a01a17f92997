"""SSDA903 code groupings (placement types, age bands, exit routes, valid codes) from `data/ssda903.yaml`.

The groupings are data, not code: each comes with its source in the YAML file (the public demand models and
validators summarised in shared/reference/ssda903-notes.md). Small pure functions apply them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

CONFIG_PATH = Path(__file__).resolve().parents[2] / "data" / "ssda903.yaml"
OTHER = "other"
UNKNOWN_AGE = "AGE-UNKNOWN"


@dataclass(frozen=True)
class Codes903:
    """The groupings of `data/ssda903.yaml`."""

    placement_rules: tuple[tuple[str, frozenset[str], frozenset[str] | None], ...]
    placement_labels: dict[str, str]
    d2i_categories: dict[str, frozenset[str]]
    age_bands: tuple[tuple[str, str, int, int], ...]  # (code, label, lower, upper) in completed years
    exit_routes: dict[str, frozenset[str]]
    exit_labels: dict[str, str]
    short_break_legal_status: frozenset[str]
    valid: dict[str, frozenset[str]]

    @property
    def placement_types(self) -> list[str]:
        return list(self.placement_labels)

    @property
    def age_band_codes(self) -> list[str]:
        return [band[0] for band in self.age_bands]

    @property
    def routes(self) -> list[str]:
        return list(self.exit_labels)


@lru_cache(maxsize=4)
def load_codes(path: str | Path = CONFIG_PATH) -> Codes903:
    """Read the groupings (cached: the file is configuration, read once per process)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = tuple(
        (
            rule["type"],
            frozenset(rule["places"]),
            None if rule["providers"] == "any" else frozenset(rule["providers"]),
        )
        for rule in raw["placement_types"]["rules"]
    )
    d2i = {k: frozenset(v) for k, v in raw["d2i_categories"].items() if k != "source"}
    bands = tuple(
        (b["code"], b["label"], int(b["lower"]), int(b["upper"])) for b in raw["age_bands"]["bands"]
    )
    routes = {k: frozenset(v) for k, v in raw["exit_routes"].items() if k not in ("source", "labels")}
    return Codes903(
        placement_rules=rules,
        placement_labels=dict(raw["placement_types"]["labels"]),
        d2i_categories=d2i,
        age_bands=bands,
        exit_routes=routes,
        exit_labels=dict(raw["exit_routes"]["labels"]),
        short_break_legal_status=frozenset(raw["short_break_legal_status"]),
        valid={k: frozenset(v) for k, v in raw["codes"].items()},
    )


def placement_type(place: str, provider: str, codes: Codes903 | None = None) -> str:
    """Placement type of one episode: the first rule whose PLACE list holds `place` and whose provider list
    holds `provider` (or that takes any provider); `other` when none does (SF-R's rule).

    >>> placement_type("U4", "PR4")
    'ifa'
    >>> placement_type("U4", "")   # foster placement without a provider: SF-R puts it in Other
    'other'
    """
    codes = codes or load_codes()
    for kind, places, providers in codes.placement_rules:
        if place in places and (providers is None or provider in providers):
            return kind
    return OTHER


def placement_types(places: pd.Series, providers: pd.Series, codes: Codes903 | None = None) -> pd.Series:
    """`placement_type` for whole columns."""
    codes = codes or load_codes()
    result = pd.Series(OTHER, index=places.index, dtype=object)
    decided = pd.Series(False, index=places.index)
    for kind, place_set, provider_set in codes.placement_rules:
        match = places.isin(place_set) & ~decided
        if provider_set is not None:
            match &= providers.isin(provider_set)
        result[match] = kind
        decided |= match
    return result


def d2i_category(places: pd.Series, codes: Codes903 | None = None) -> pd.Series:
    """D2I's four categories (Fostering, Residential, Supported, Other) by PLACE alone, for comparisons."""
    codes = codes or load_codes()
    result = pd.Series("Other", index=places.index, dtype=object)
    for name, place_set in codes.d2i_categories.items():
        result[places.isin(place_set)] = name
    return result


def completed_years(dob: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Age in completed years at `on` (birthday counted on the day itself); NaN where DOB is missing.

    >>> completed_years(pd.Series(pd.to_datetime(["2010-06-15"])), pd.Timestamp("2018-06-14")).tolist()
    [7.0]
    """
    on_s = on if isinstance(on, pd.Series) else pd.Series(on, index=dob.index)
    years = on_s.dt.year - dob.dt.year
    before_birthday = (on_s.dt.month < dob.dt.month) | (
        (on_s.dt.month == dob.dt.month) & (on_s.dt.day < dob.dt.day)
    )
    return (years - before_birthday.astype(int)).astype(float)


def age_bands(ages: pd.Series, codes: Codes903 | None = None) -> pd.Series:
    """Age band code for each age in completed years; `AGE-UNKNOWN` when the age is missing.

    Bands are [lower, upper) in completed years. A negative age (date before birth) is unknown.
    """
    codes = codes or load_codes()
    result = pd.Series(UNKNOWN_AGE, index=ages.index, dtype=object)
    values = ages.to_numpy(dtype=float)
    for code, _label, lower, upper in codes.age_bands:
        result[(values >= lower) & (values < upper)] = code
    return result


def exit_routes(rec: pd.Series, codes: Codes903 | None = None) -> pd.Series:
    """Exit route for each REC code; `other` for any code not grouped."""
    codes = codes or load_codes()
    result = pd.Series(OTHER, index=rec.index, dtype=object)
    for route, rec_codes in codes.exit_routes.items():
        result[rec.isin(rec_codes)] = route
    return result


def year_end_on_or_after(day: pd.Timestamp) -> pd.Timestamp:
    """The 31 March on or after `day` (the end of the 903 collection year that holds it)."""
    end = pd.Timestamp(date(day.year, 3, 31))
    return end if day <= end else pd.Timestamp(date(day.year + 1, 3, 31))


def month_ends(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Every month end from the one on/after `start` to the one on/before `end`."""
    return pd.date_range(start, end, freq="ME")


__all__ = [
    "OTHER",
    "UNKNOWN_AGE",
    "Codes903",
    "age_bands",
    "completed_years",
    "d2i_category",
    "exit_routes",
    "load_codes",
    "month_ends",
    "placement_type",
    "placement_types",
    "year_end_on_or_after",
]
